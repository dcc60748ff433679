#!/usr/bin/env python3
"""test_db_cli.py - `vetter db import` and `vetter db info` on every kind of sample, in the
containers people use (a mirror directory, .tar, .gz, .xz, .zst made here with the real
tools), plus the bundled database of the build and the default database lookup.

Expected counts come from the samples themselves (records in the archives, entries of the
KEV catalogue), read here with Python's own tarfile/json/lzma.

usage: test_db_cli.py VETTER DATA_VULN_DIR BUNDLED_DB
"""
import json
import lzma
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile

VETTER, DATA, BUNDLED = sys.argv[1:4]
failures = []


def check(cond, what):
    print(('ok: ' if cond else 'FAIL: ') + what)
    if not cond:
        failures.append(what)


def vetter(*args, env=None, cwd=None):
    e = dict(os.environ)
    e.pop('VETTER_DB', None)
    e.update(env or {})
    return subprocess.run([VETTER, *args], capture_output=True, text=True, env=e, cwd=cwd,
                          timeout=600)


def stats(out):
    m = re.search(r'(\d+) records: (\d+) new, (\d+) updated, (\d+) unchanged', out)
    return tuple(int(x) for x in m.groups()) if m else None


def count(db, sql):
    with sqlite3.connect(db) as c:
        return c.execute(sql).fetchone()[0]


tmp = tempfile.mkdtemp(prefix='vt-dbcli-')
mirror = os.path.join(tmp, 'mirror')
with tarfile.open(os.path.join(DATA, 'nvd-cve.tar.xz')) as t:
    t.extractall(mirror)
    n_nvd = sum(1 for m in t.getmembers() if m.name.endswith('.json'))

# a local clone of the NVD JSON mirror (CVE-YYYY/CVE-YYYY-NNxx/CVE-....json)
db = os.path.join(tmp, 'a.sqlite')
p = vetter('db', 'import', '--db', db, mirror)
check(p.returncode == 0, 'import of a mirror directory (rc %d %s)' % (p.returncode, p.stderr))
check(stats(p.stdout) == (n_nvd, n_nvd, 0, 0), 'mirror: %d records, all new' % n_nvd)
p = vetter('db', 'import', '--db', db, mirror)
check(stats(p.stdout) == (n_nvd, 0, 0, n_nvd), 're-import: all unchanged')

# the same records in the archives the real tools make
src = os.path.join(mirror, 'nvd-cve')
tarpath = os.path.join(tmp, 'nvd.tar')
subprocess.run(['tar', '-C', mirror, '-cf', tarpath, 'nvd-cve'], check=True)
for tool, ext in [(None, ''), ('gzip', '.gz'), ('xz', '.xz'), ('zstd', '.zst')]:
    path = tarpath
    if tool:
        subprocess.run([tool, '-k', '-f', tarpath], check=True, capture_output=True)
        path = tarpath + ext
    d = os.path.join(tmp, 'c%s.sqlite' % ext)
    p = vetter('db', 'import', '--db', d, path)
    check(p.returncode == 0 and stats(p.stdout) == (n_nvd, n_nvd, 0, 0),
          'import of nvd.tar%s: %d records' % (ext, n_nvd))
# one record compressed alone
one = os.path.join(src, 'CVE-2014', 'CVE-2014-01xx', 'CVE-2014-0160.json')
shutil.copy(one, os.path.join(tmp, 'one.json'))
subprocess.run(['gzip', '-f', os.path.join(tmp, 'one.json')], check=True)
p = vetter('db', 'import', '--db', os.path.join(tmp, 'one.sqlite'), os.path.join(tmp, 'one.json.gz'))
check(stats(p.stdout) == (1, 1, 0, 0), 'a single gzip-compressed record')

# every other kind
kev = json.loads(lzma.decompress(open(os.path.join(DATA, 'kev',
                                 'known_exploited_vulnerabilities.json.xz'), 'rb').read()))
for rel, table, want in [('kev/known_exploited_vulnerabilities.json.xz', 'kev', kev['count']),
                         ('epss/epss_scores-excerpt.csv.gz', 'epss', 6),
                         ('osv', 'osv', len(os.listdir(os.path.join(DATA, 'osv')))),
                         ('nvd-api-2.0.tar.xz', 'cve', 23)]:
    d = os.path.join(tmp, 'k-%s.sqlite' % table)
    p = vetter('db', 'import', '--db', d, os.path.join(DATA, rel))
    check(p.returncode == 0 and count(d, 'SELECT count(*) FROM ' + table) == want,
          'import of %s: %d %s rows' % (rel, want, table))
d = os.path.join(tmp, 'cve5.sqlite')
with tarfile.open(os.path.join(DATA, 'cve5-vulnrichment.tar.xz')) as t:
    n5 = sum(1 for m in t.getmembers() if m.name.endswith('.json') and 'CVE-' in m.name)
p = vetter('db', 'import', '--db', d, os.path.join(DATA, 'cve5-vulnrichment.tar.xz'))
check(p.returncode == 0 and count(d, 'SELECT count(*) FROM cve') == n5,
      'import of CVE 5 records: %d' % n5)

# malformed input: exit status 1, the good records stored; a missing path: 2, nothing stored
bad = os.path.join(tmp, 'bad')
os.mkdir(bad)
rec = open(one, 'rb').read()
open(os.path.join(bad, 'good.json'), 'wb').write(rec)
open(os.path.join(bad, 'truncated.json'), 'wb').write(rec[:len(rec) // 2])
open(os.path.join(bad, 'junk.json'), 'wb').write(b'{"id": "CVE-2024-1", "configurations": [}')
d = os.path.join(tmp, 'bad.sqlite')
p = vetter('db', 'import', '--db', d, bad)
check(p.returncode == 1 and count(d, 'SELECT count(*) FROM cve') == 1,
      'malformed files are reported (rc 1), good ones stored')
p = vetter('db', 'import', '--db', d, os.path.join(tmp, 'nonexistent'))
check(p.returncode == 2, 'a missing path is a usage error')
p = vetter('db', 'import', '--db', d)
check(p.returncode == 2, 'import without a path is a usage error')
p = vetter('db', 'frobnicate')
check(p.returncode == 2, 'unknown db command')
p = vetter('db', 'info', '--db', d, '--since', 'x')
check(p.returncode == 2, 'update options are refused by info')

# info
p = vetter('db', 'info', '--db', db)
check(p.returncode == 0 and re.search(r'CVEs:\s+%d' % n_nvd, p.stdout), 'db info counts')
check('last import:' in p.stdout and 'never' not in p.stdout.split('last import:')[1]
      .splitlines()[0], 'db info: last import time')

# the bundled database and the default lookup
check(os.path.isfile(BUNDLED) and count(BUNDLED, 'SELECT count(*) FROM kev') == kev['count'],
      'the bundled database holds the KEV catalogue')
check(count(BUNDLED, "SELECT count(*) FROM config WHERE source = 'nvd-overrides'") > 2000,
      'the bundled database holds the selected overrides')
home = os.path.join(tmp, 'home')
os.mkdir(home)
env = {'HOME': home, 'XDG_DATA_HOME': ''}
p = vetter('db', 'info', env=env)
check(p.returncode == 0 and os.path.realpath(BUNDLED) in
      os.path.realpath(p.stdout.split('database:')[1].split('(')[0].strip()),
      'without --db or VETTER_DB, the bundled database is used (%s)' % p.stdout[:80])
p = vetter('db', 'info', env=dict(env, VETTER_DB=db))
check(p.returncode == 0 and db in p.stdout, 'VETTER_DB names the database')
p = vetter('db', 'import', os.path.join(DATA, 'osv'), env=env)
user = os.path.join(home, '.local', 'share', 'vetter', 'vulndb.sqlite')
check(p.returncode == 0 and os.path.isfile(user), 'import without --db creates the user database')
p = vetter('db', 'info', env=env)
check(user in p.stdout, 'the user database is preferred once it exists')

shutil.rmtree(tmp)
if failures:
    print('%d failures' % len(failures))
    sys.exit(1)
