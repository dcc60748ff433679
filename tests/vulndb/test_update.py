#!/usr/bin/env python3
"""test_update.py - `vetter db update` against a local NVD CVE API 2.0 server.

The server (127.0.0.1, a random port) serves the real NVD records of data/vuln (the
nvd-cve mirror and the nvd-api-2.0 responses) the way the API does: pages by startIndex and
resultsPerPage, filtered by lastModStartDate/lastModEndDate (rejecting windows longer than
120 days with HTTP 404, as NVD does), and on demand misbehaves: HTTP 503 and 403, an HTML
error page, a truncated body, invalid JSON, a server that dies after some pages. It also
serves the KEV catalogue and an EPSS file. Expected results are computed from the records
themselves (which ones fall in which window), never from vetter's output.

usage: test_update.py VETTER DATA_VULN_DIR
"""
import datetime as dt
import gzip
import http.server
import io
import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import threading
import urllib.parse

VETTER, DATA = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)
    else:
        print('ok:', what)


def load_records():
    recs = {}
    with tarfile.open(os.path.join(DATA, 'nvd-cve.tar.xz')) as t:
        for m in t.getmembers():
            if m.name.endswith('.json'):
                r = json.load(t.extractfile(m))
                recs[r['id']] = r
    with tarfile.open(os.path.join(DATA, 'nvd-api-2.0.tar.xz')) as t:
        for m in t.getmembers():
            if m.name.endswith('.json'):
                for v in json.load(t.extractfile(m))['vulnerabilities']:
                    recs[v['cve']['id']] = v['cve']
    return [recs[k] for k in sorted(recs)]


RECORDS = load_records()
KEV = lzma.decompress(open(os.path.join(DATA, 'kev', 'known_exploited_vulnerabilities.json.xz'),
                           'rb').read())
EPSS = open(os.path.join(DATA, 'epss', 'epss_scores-excerpt.csv.gz'), 'rb').read()


def parse_time(s):
    s = s.replace('Z', '+00:00')
    t = dt.datetime.fromisoformat(s)
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def lastmod(r):
    return parse_time(r['lastModified'])


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.mode = 'ok'
        self.faults = []        # responses to give before normal ones
        self.die_after = None   # pages served before the server starts failing
        self.pages_served = 0
        self.log = []           # (path, params, headers) of every API request


STATE = State()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype='application/json', length=None):
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        if u.path == '/kev.json':
            return self.send(200, KEV)
        if u.path == '/epss.csv.gz':
            return self.send(200, EPSS, 'application/gzip')
        if u.path != '/rest/json/cves/2.0':
            return self.send(404, b'not found', 'text/plain')
        q = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
        with STATE.lock:
            STATE.log.append((q, dict(self.headers)))
            fault = STATE.faults.pop(0) if STATE.faults else None
            dying = STATE.die_after is not None and STATE.pages_served >= STATE.die_after
        if fault == 503:
            return self.send(503, b'<html><body>Service Unavailable</body></html>', 'text/html')
        if fault == 403:
            return self.send(403, b'<html><body>Forbidden</body></html>', 'text/html')
        if fault == 404 or dying == 'x':
            return self.send(404, b'', 'text/plain')
        if dying:
            return self.send(500, b'<html>Internal Server Error</html>', 'text/html')
        if fault == 'html':
            return self.send(200, b'<html><body>Request rejected</body></html>', 'text/html')
        if fault == 'invalid':
            return self.send(200, b'{"resultsPerPage": 2, "vulnerabilities": [{"cve": ')
        # the API's own checks
        per = int(q.get('resultsPerPage', '2000'))
        start = int(q.get('startIndex', '0'))
        if per < 1 or per > 2000 or start < 0:
            return self.send(404, b'', 'text/plain')
        recs = RECORDS
        if 'lastModStartDate' in q or 'lastModEndDate' in q:
            try:
                a, b = parse_time(q['lastModStartDate']), parse_time(q['lastModEndDate'])
            except (KeyError, ValueError):
                return self.send(404, b'', 'text/plain')
            if b < a or b - a > dt.timedelta(days=120):
                return self.send(404, b'', 'text/plain')
            recs = [r for r in RECORDS if a <= lastmod(r) <= b]
        page = recs[start:start + per]
        body = json.dumps({
            'resultsPerPage': len(page), 'startIndex': start, 'totalResults': len(recs),
            'format': 'NVD_CVE', 'version': '2.0',
            'timestamp': dt.datetime.utcnow().isoformat(timespec='milliseconds'),
            'vulnerabilities': [{'cve': r} for r in page]}).encode()
        if fault == 'truncated':
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        with STATE.lock:
            STATE.pages_served += 1
        return self.send(200, body)


def vetter(*args, env=None):
    e = dict(os.environ)
    e.update({'VETTER_NVD_DELAY_MS': '0', 'VETTER_NVD_BACKOFF_MS': '10'})
    e.pop('NVD_API_KEY', None)
    e.update(env or {})
    p = subprocess.run([VETTER, *args], capture_output=True, text=True, env=e, timeout=300)
    return p


def db_ids(path):
    with sqlite3.connect(path) as c:
        return {r[0] for r in c.execute('SELECT id FROM cve')}


def reset(**kw):
    with STATE.lock:
        STATE.faults = list(kw.get('faults', []))
        STATE.die_after = kw.get('die_after')
        STATE.pages_served = 0
        STATE.log = []


def main():
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = 'http://127.0.0.1:%d' % srv.server_address[1]
    url = base + '/rest/json/cves/2.0'
    all_ids = {r['id'] for r in RECORDS}
    tmp = tempfile.mkdtemp(prefix='vt-update-')

    # 1. a full download, 7 records a page, with every kind of failure on the way
    db = os.path.join(tmp, 'full.sqlite')
    reset(faults=[503, 403, 'truncated', 'invalid', 'html'])
    p = vetter('db', 'update', '--db', db, '--url', url, '--results-per-page', '7',
               '--retries', '6', '--api-key', 'secret-key')
    check(p.returncode == 0, 'full update succeeds through 503, 403, truncated, invalid, '
          'HTML pages (rc %d: %s)' % (p.returncode, p.stderr.strip()[-300:]))
    check(db_ids(db) == all_ids, 'full update stores every record (%d)' % len(all_ids))
    starts = [int(q.get('startIndex', -1)) for q, h in STATE.log]
    want = sorted(set(range(0, len(all_ids), 7)))
    check(sorted(set(starts)) == want, 'pages requested by startIndex %s' % want)
    check(all(q.get('resultsPerPage') == '7' for q, h in STATE.log), 'resultsPerPage sent')
    check(all(h.get('apiKey') == 'secret-key' for q, h in STATE.log), 'apiKey header sent')
    check(all('lastModStartDate' not in q for q, h in STATE.log), 'no window on a first update')
    check(len(STATE.log) == len(want) + 5, 'one retry per failure (%d requests)' %
          len(STATE.log))

    # 2. incremental: the next update asks for what changed since the end of the last one
    reset()
    p = vetter('db', 'update', '--db', db, '--url', url)
    check(p.returncode == 0, 'incremental update (rc %d: %s)' % (p.returncode, p.stderr[-300:]))
    q0 = STATE.log[0][0] if STATE.log else {}
    check('lastModStartDate' in q0 and 'lastModEndDate' in q0, 'incremental update uses a '
          'lastMod window')
    check(not any('apiKey' in h for q, h in STATE.log), 'no apiKey header without a key')

    # 3. --since: windows of at most 120 days, contiguous, up to now; records by lastModified
    db2 = os.path.join(tmp, 'since.sqlite')
    since = '2023-01-01'
    reset()
    p = vetter('db', 'update', '--db', db2, '--url', url, '--since', since,
               '--results-per-page', '5', env={'NVD_API_KEY': 'env-key'})
    check(p.returncode == 0, '--since update (rc %d: %s)' % (p.returncode, p.stderr[-300:]))
    wins = []
    for q, h in STATE.log:
        a, b = parse_time(q['lastModStartDate']), parse_time(q['lastModEndDate'])
        if not wins or wins[-1] != (a, b):
            wins.append((a, b))
    check(all(b - a <= dt.timedelta(days=120) for a, b in wins), 'every window <= 120 days')
    check(all(wins[i][1] == wins[i + 1][0] for i in range(len(wins) - 1)), 'windows contiguous')
    check(wins and wins[0][0] == parse_time(since + 'T00:00:00+00:00'), 'first window at --since')
    now = dt.datetime.now(dt.timezone.utc)
    check(wins and abs((wins[-1][1] - now).total_seconds()) < 600, 'last window ends now')
    expect = {r['id'] for r in RECORDS if lastmod(r) >= parse_time(since + 'T00:00:00+00:00')}
    check(db_ids(db2) == expect, '--since stores the %d records modified since %s' %
          (len(expect), since))
    check(all(h.get('apiKey') == 'env-key' for q, h in STATE.log), 'NVD_API_KEY is used')

    # 4. interrupted: the server dies after 3 pages; the next update resumes at page 4
    db3 = os.path.join(tmp, 'resume.sqlite')
    reset(die_after=3)
    p = vetter('db', 'update', '--db', db3, '--url', url, '--results-per-page', '6',
               '--retries', '2')
    check(p.returncode == 1, 'update fails when the server keeps failing (rc %d)' % p.returncode)
    got = db_ids(db3)
    check(len(got) == 18, 'the 3 committed pages stay (%d records)' % len(got))
    with sqlite3.connect(db3) as c:
        cur = c.execute('SELECT start_index FROM update_cursor').fetchall()
    check(cur == [(18,)], 'the cursor is saved after each page (%s)' % cur)
    p = vetter('db', 'info', '--db', db3)
    check('interrupted update will resume' in p.stdout, 'db info shows the pending update')
    reset()
    p = vetter('db', 'update', '--db', db3, '--url', url, '--results-per-page', '6')
    check(p.returncode == 0 and '(resumed)' in p.stdout, 'the next update resumes (%s)' %
          p.stdout.strip())
    first = int(STATE.log[0][0].get('startIndex', -1)) if STATE.log else -1
    check(first == 18, 'resumption starts at startIndex 18 (%d)' % first)
    check(db_ids(db3) == all_ids, 'after resuming every record is there')
    with sqlite3.connect(db3) as c:
        check(c.execute('SELECT count(*) FROM update_cursor').fetchone()[0] == 0,
              'the cursor is gone after a complete update')
        check(c.execute("SELECT value FROM meta WHERE key = 'nvd_last_update'").fetchone()
              is not None, 'the end of the update is recorded')

    # 5. errors that are not retried, and a failed update leaves the database valid
    before = db_ids(db3)
    reset(faults=[404])
    p = vetter('db', 'update', '--db', db3, '--url', url)
    check(p.returncode == 1 and len(STATE.log) == 1, 'HTTP 404 fails without retries')
    check(db_ids(db3) == before, 'a failed update leaves the data')
    p = vetter('db', 'update', '--db', db3, '--url', 'http://127.0.0.1:1/rest', '--retries', '1')
    check(p.returncode == 1, 'a refused connection fails after its retries')
    p = vetter('db', 'update', '--db', db3, '--url', url, '--since', 'yesterday')
    check(p.returncode == 2, 'an invalid --since is a usage error')
    with sqlite3.connect(db3) as c:
        check(c.execute('PRAGMA integrity_check').fetchone()[0] == 'ok', 'database intact')

    # 6. KEV and EPSS downloads
    reset()
    p = vetter('db', 'update', '--db', db3, '--no-nvd', '--kev', base + '/kev.json',
               '--epss', base + '/epss.csv.gz')
    check(p.returncode == 0, 'KEV and EPSS downloads (rc %d: %s)' % (p.returncode, p.stderr))
    kev = json.loads(KEV)
    with sqlite3.connect(db3) as c:
        n = c.execute('SELECT count(*) FROM kev').fetchone()[0]
        check(n == kev['count'], 'KEV entries: %d of %d' % (n, kev['count']))
        rows = [l for l in gzip.decompress(EPSS).decode().splitlines() if l.startswith('CVE-')]
        n = c.execute('SELECT count(*) FROM epss').fetchone()[0]
        check(n == len(rows), 'EPSS scores: %d of %d' % (n, len(rows)))
    p = vetter('db', 'update', '--db', db3, '--no-nvd', '--kev', base + '/nothing')
    check(p.returncode == 1, 'a KEV URL that fails makes the update fail')

    srv.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print('%d failures' % len(failures))
        sys.exit(1)


if __name__ == '__main__':
    main()
