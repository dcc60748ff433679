#!/usr/bin/env python3
"""check-catalog.py - validate every data/catalog/*.yaml against the format of
data/catalog/README.md.

usage: check-catalog.py [--catalog DIR] [--products TSV ...] [--pcre2test PROG] [-q]

Checks, per file: the YAML parses; only known keys, of the right types; product equals the
file name and is a known product (a key of tests/data/target-products.tsv, or of the
ground-truth manifest tests/data/debian-ground-truth.tsv); every CPE vendor:product pair is well
formed, there is at least one, and every pair target-products.tsv lists for the product is
present; a package name belongs to one product only; part, purl, flags,
where and confidence take allowed values. Every regex (version rules, needs, not, update)
must compile with PCRE2 itself (pcre2test, from pcre2-utils) and with Python's re (which
tests/catalog/measure-rules.py uses). Every version rule must have exactly one version
capture (one capture group, or a group named "version"), and must name the product: every
match has to contain a literal of at least 3 characters with 2 letters (in the rule or in one
of its needs), and a rule without needs must not match bare version strings or compiler
banners (unless a negative pattern of the entry discards that string).
Exit status 1 with one line per problem when anything is wrong.
"""

import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import catalog  # noqa: E402
from catalog import sre_parse  # noqa: E402

import yaml  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = {'product': str, 'name': str, 'cpe': list, 'part': str, 'purl': str, 'packages': list,
	'files': list, 'sonames': list, 'symbols': list, 'versions': list, 'not': list}
REQUIRED = ('product', 'name', 'cpe', 'purl', 'versions')
RULE_KEYS = {'re': str, 'flags': list, 'where': str, 'needs': list, 'confidence': str,
	     'update': str}
WHERE = ('any', 'elf', 'text', 'name')
CONFIDENCE = ('high', 'medium', 'low')
PCRE_FLAG = {'caseless': 'i', 'multiline': 'm', 'dotall': 's'}
CPE_PART = r'(?:[A-Za-z0-9._~-]|\\[^A-Za-z0-9])+'
CPE_RE = re.compile(rf'^{CPE_PART}:{CPE_PART}$')
PRODUCT_RE = re.compile(r'^[a-z0-9][a-z0-9_]*$')
# Strings a rule that names its product must not match: bare versions in the usual spellings,
# and compiler/linker banners found in every binary (\x00 stands for a NUL byte).
BARE = [
	'1.2.3', '1.2', '10.20.30.40', '2022.83', '1.2.3p1', '1.2.3a', 'v1.2.3', 'V1.2.3',
	'version 1.2.3', 'Version 1.2.3', 'Version: 1.2.3', 'version=1.2.3', 'ver. 1.2.3',
	'release 1.2.3', 'Release 1.2.3', 'rev 1.2.3', '%s version 1.2.3', '%s 1.2.3',
	'1.2.3-1+deb12u1', '1.2.3 (2023-01-01)', '1.2.3, 13-Jul-2019', '@(#) 1.2.3',
	'\\x001.2.3\\x00', '\\x00v1.2.3\\x00', '\\x001.2\\x00', '\\x001.2.3\\x00\\x00\\x00',
	'GLIBC_2.34', 'GLIBCXX_3.4.30', 'Copyright (C) 2003-2023',
	'GCC: (Debian 12.2.0-14) 12.2.0', 'GCC: (GNU) 4.8.5 20150623 (Red Hat 4.8.5-44)',
	'clang version 14.0.6', 'Debian clang version 14.0.6',
	'GNU ld (GNU Binutils for Debian) 2.40', 'GNU assembler version 2.40',
	'gcc version 12.2.0 (Debian 12.2.0-14)', 'Linker: LLD 14.0.6',
]


def pcre2_delim(rx):
	for d in '/!"\'#%&,;:=@`~|':
		if d not in rx:
			return d
	return None


def pcre2_check(prog, rx, flags, subjects):
	"""(error or None, capture count, named groups, [matched subjects])"""
	d = pcre2_delim(rx)
	if d is None:
		return 'no usable pcre2test delimiter', 0, [], []
	mods = ''.join(PCRE_FLAG[f] for f in flags or [])
	lines = [f'{d}{rx}{d}{mods}{"," if mods else ""}info' if mods else f'{d}{rx}{d}info']
	lines += ['    ' + s for s in subjects]
	try:
		out = subprocess.run([prog], input='\n'.join(lines) + '\n', capture_output=True,
				     text=True, errors='replace', timeout=20).stdout
	except (OSError, subprocess.TimeoutExpired) as e:
		return f'pcre2test: {e}', 0, [], []
	m = re.search(r'^(Failed: .*)$', out, re.M)
	if m:
		return m.group(1), 0, [], []
	m = re.search(r'^\*\* (.*)$', out, re.M)
	if m:
		return m.group(1), 0, [], []
	cm = re.search(r'^Capture group count = ([0-9]+)', out, re.M)
	count = int(cm.group(1)) if cm else 0
	named = re.findall(r'^  ([A-Za-z_][A-Za-z0-9_]*) +[0-9]+$', out, re.M)
	matched = []
	cur = None
	for line in out.splitlines():
		if line.startswith('    '):
			cur = line[4:]
		elif cur is not None and line.startswith(' 0: '):
			matched.append(cur)
			cur = None
		elif line.startswith('No match'):
			cur = None
	return None, count, named, matched


def py_subject(s):
	return s.replace('\\x00', '\x00')


def lit_ok(seq):
	"""True if every match of the parsed sequence contains a literal of >= 3 characters
	with >= 2 letters."""
	def good(run):
		return len(run) >= 3 and sum(c.isalpha() for c in run) >= 2
	run = ''
	for op, av in seq:
		if op is sre_parse.LITERAL:
			run += chr(av)
			continue
		if good(run):
			return True
		run = ''
		if op is sre_parse.SUBPATTERN and lit_ok(av[3]):
			return True
		if op is sre_parse.BRANCH and all(lit_ok(b) for b in av[1]):
			return True
		if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT) \
				and av[0] >= 1 and lit_ok(av[2]):
			return True
		if op is sre_parse.ATOMIC_GROUP and lit_ok(av):
			return True
	return good(run)


def names_product(rx, flags):
	try:
		return lit_ok(sre_parse.parse(catalog.to_python(rx), catalog.rx_flags(flags)))
	except re.error:
		return False


def load_products(paths):
	known, pairs = set(), {}
	for p in paths:
		if not os.path.exists(p):
			continue
		with open(p, encoding='utf-8') as f:
			for line in f:
				if not line.strip() or line.startswith('#'):
					continue
				cols = line.rstrip('\n').split('\t')
				if p.endswith('target-products.tsv'):
					if cols[0] == 'product':
						continue
					known.add(cols[0])
					pairs[cols[0]] = cols[1].split() if len(cols) > 1 else []
				elif len(cols) >= 3:
					known.add(cols[2])  # the ground-truth manifest: package, arch, product
	return known, pairs


def check_file(path, known, pairs, prog, errors, owners):
	base = os.path.basename(path)
	def err(msg):
		errors.append(f'{base}: {msg}')
	try:
		with open(path, encoding='utf-8') as f:
			e = yaml.safe_load(f)
	except (OSError, yaml.YAMLError) as ex:
		err(f'cannot parse: {ex}')
		return 0
	if not isinstance(e, dict):
		err('not a mapping')
		return 0
	for k, v in e.items():
		if k not in KEYS:
			err(f'unknown key {k!r}')
		elif not isinstance(v, KEYS[k]):
			err(f'{k}: expected {KEYS[k].__name__}, got {type(v).__name__}')
	for k in REQUIRED:
		if k not in e:
			err(f'missing key {k!r}')
	product = e.get('product')
	if product != base[:-5]:
		err(f'product {product!r} differs from the file name')
	if not isinstance(product, str) or not PRODUCT_RE.match(product):
		err(f'bad product key {product!r}')
	elif product not in known:
		err(f'product {product!r} is not in target-products.tsv nor in the ground-truth manifest')
	for k in ('cpe', 'packages', 'files', 'sonames', 'symbols', 'not'):
		for x in e.get(k) or []:
			if not isinstance(x, str) or not x:
				err(f'{k}: {x!r} is not a non-empty string')
	cpe = e.get('cpe') or []
	for c in cpe:
		if isinstance(c, str) and not CPE_RE.match(c):
			err(f'cpe {c!r} is not a well formed vendor:product pair')
	for c in pairs.get(product, []):
		if c not in cpe:
			err(f'cpe pair {c!r} of target-products.tsv is missing')
	if not cpe:
		err('cpe: no vendor:product pair')
	for p in e.get('packages') or []:
		if isinstance(p, str) and owners.setdefault(p, product) != product:
			err(f'package {p!r} already belongs to {owners[p]}')
	if e.get('part', 'a') not in ('a', 'o', 'h'):
		err(f'part {e.get("part")!r} is not a, o or h')
	purl = e.get('purl')
	if isinstance(purl, str) and not re.match(r'^pkg:[a-z][a-z0-9.+-]*/[^@\s]+$', purl):
		err(f'purl {purl!r} is not a package URL without version')

	nots = e.get('not') or []
	for n in nots:
		if isinstance(n, str):
			check_rx(prog, n, [], err, f'not {n!r}')
	pynots = []
	for n in nots:
		try:
			pynots.append(re.compile(catalog.to_python(n)))
		except (re.error, TypeError):
			pass
	rules = e.get('versions') or []
	for i, r in enumerate(rules):
		where = f'versions[{i}]'
		if not isinstance(r, dict):
			err(f'{where}: not a mapping')
			continue
		for k, v in r.items():
			if k not in RULE_KEYS:
				err(f'{where}: unknown key {k!r}')
			elif not isinstance(v, RULE_KEYS[k]):
				err(f'{where}.{k}: expected {RULE_KEYS[k].__name__}')
		rx = r.get('re')
		if not isinstance(rx, str) or not rx:
			err(f'{where}: missing re')
			continue
		flags = r.get('flags') or []
		bad = [f for f in flags if f not in PCRE_FLAG]
		if bad:
			err(f'{where}: unknown flags {bad}')
			flags = [f for f in flags if f in PCRE_FLAG]
		if r.get('where', 'any') not in WHERE:
			err(f'{where}: where {r.get("where")!r} not in {WHERE}')
		if r.get('confidence', 'medium') not in CONFIDENCE:
			err(f'{where}: confidence {r.get("confidence")!r} not in {CONFIDENCE}')
		needs = r.get('needs') or []
		subjects = BARE if not needs and r.get('where') != 'name' else []
		res = check_rx(prog, rx, flags, err, where, subjects)
		if res is None:
			continue
		count, named, matched = res
		if not (count == 1 or named.count('version') == 1):
			err(f'{where}: {count} capture groups and no (?<version>...): need exactly one '
			    'version capture')
		for s in matched:
			ps = py_subject(s)
			if any(n.search(ps) for n in pynots):
				continue
			err(f'{where}: matches the bare string {s!r}: the rule must name the product')
		if not names_product(rx, flags) and not any(names_product(n, flags) for n in needs):
			err(f'{where}: no literal of 3+ characters names the product (in re or needs)')
		for n in needs:
			if isinstance(n, str):
				check_rx(prog, n, flags, err, f'{where}.needs {n!r}')
		if isinstance(r.get('update'), str):
			check_rx(prog, r['update'], [], err, f'{where}.update')
	return len(rules)


def check_rx(prog, rx, flags, err, where, subjects=()):
	try:
		re.compile(catalog.to_python(rx), catalog.rx_flags(flags))
	except re.error as ex:
		err(f'{where}: Python re cannot compile {rx!r}: {ex}')
		return None
	msg, count, named, matched = pcre2_check(prog, rx, flags, subjects)
	if msg:
		err(f'{where}: PCRE2 cannot compile {rx!r}: {msg}')
		return None
	return count, named, matched


def main():
	ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
	ap.add_argument('--catalog', default=os.path.join(TOP, 'data', 'catalog'))
	ap.add_argument('--products', nargs='*', default=[
		os.path.join(TOP, 'tests', 'data', 'target-products.tsv'),
		os.path.join(TOP, 'tests', 'data', 'debian-ground-truth.tsv')])
	ap.add_argument('--pcre2test', default='pcre2test')
	ap.add_argument('-q', '--quiet', action='store_true')
	args = ap.parse_args()
	try:
		subprocess.run([args.pcre2test, '-version'], capture_output=True, check=True)
	except (OSError, subprocess.CalledProcessError):
		print('error: pcre2test not found (Debian package pcre2-utils; scripts/install-deps)',
		      file=sys.stderr)
		return 2
	known, pairs = load_products(args.products)
	files = sorted(f for f in os.listdir(args.catalog) if f.endswith('.yaml'))
	if not files:
		print(f'error: no *.yaml in {args.catalog}', file=sys.stderr)
		return 1
	errors = []
	owners = {}
	nrules = 0
	for f in files:
		nrules += check_file(os.path.join(args.catalog, f), known, pairs, args.pcre2test, errors,
				     owners)
	for line in errors:
		print(line)
	if not args.quiet or errors:
		print(f'{len(files)} catalogue entries, {nrules} version rules, {len(errors)} problems')
	return 1 if errors else 0


if __name__ == '__main__':
	sys.exit(main())
