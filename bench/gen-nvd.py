#!/usr/bin/env python3
"""gen-nvd.py - writes N synthetic CVE records in NVD API 2.0 format (response pages of
2000 records, like the API and the feed mirrors) for the vulnerability database benchmark.

Each record is a real NVD record of data/vuln/nvd-cve.tar.xz (cycled) with a new id, a
new lastModified, its vulnerable CPEs renamed to one of 3000 vendors x 40 products, and its
configurations cut to the NVD average size (at most 2 configurations, 6 entries per node),
so the CPE index and the configurations have the shape of the real NVD (about 300k records).

usage: gen-nvd.py N OUTDIR
"""
import json, os, random, sys, tarfile

n, out = int(sys.argv[1]), sys.argv[2]
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmpl = []
with tarfile.open(os.path.join(top, 'data', 'vuln', 'nvd-cve.tar.xz')) as t:
    for m in t.getmembers():
        if m.name.endswith('.json'):
            r = json.load(t.extractfile(m))
            if r.get('configurations'):
                r.pop('references', None)  # not imported
                # NVD averages a handful of cpeMatch entries per CVE: keep the shape (AND
                # nodes, platforms, ranges) of at most 2 configurations of 6 entries per node
                r['configurations'] = r['configurations'][:2]
                for c in r['configurations']:
                    for node in c.get('nodes', []):
                        node['cpeMatch'] = node.get('cpeMatch', [])[:6]
                tmpl.append(json.dumps(r))
os.makedirs(out, exist_ok=True)
rnd = random.Random(1)
vendors = ['vendor%d' % i for i in range(3000)]
per = 2000
for page in range((n + per - 1) // per):
    vulns = []
    for i in range(page * per, min(n, (page + 1) * per)):
        r = json.loads(tmpl[i % len(tmpl)])
        r['id'] = 'CVE-%d-%d' % (1999 + i % 27, 100000 + i)
        r['lastModified'] = '20%02d-%02d-%02dT00:00:00.000' % (10 + i % 15, 1 + i % 12, 1 + i % 28)
        v = vendors[rnd.randrange(len(vendors))]
        for c in r['configurations']:
            for node in c.get('nodes', []):
                for m in node.get('cpeMatch', []):
                    f = m['criteria'].split(':')
                    if m.get('vulnerable'):
                        f[3], f[4] = v, 'product%d' % rnd.randrange(40)
                    m['criteria'] = ':'.join(f)
        vulns.append({'cve': r})
    page_doc = {'resultsPerPage': len(vulns), 'startIndex': page * per, 'totalResults': n,
                'format': 'NVD_CVE', 'version': '2.0', 'timestamp': '2026-01-01T00:00:00.000',
                'vulnerabilities': vulns}
    with open(os.path.join(out, 'page-%04d.json' % page), 'w') as f:
        json.dump(page_doc, f, separators=(',', ':'))
