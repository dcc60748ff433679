#!/usr/bin/env python3
"""measure-rules.py - measure the version rules of data/catalog on the ground-truth corpus,
independently of the vetter engine.

usage: measure-rules.py [--catalog DIR] [--contains TSV] [-v] [--only DIR...] [CORPUS]
       measure-rules.py --scan PATH... [-v]   (no expectations: list what the rules find)

CORPUS (default ${VETTER_CACHE:-~/.cache/vetter}/ground-truth) is the output of
scripts/debian-ground-truth: one unpacked Debian package per directory and expected.tsv
(dir, product, upstream_version, ...). Every rule of every catalogue entry runs over every
regular file of each directory (the printable strings of the file, or its raw bytes for rules
that contain \\x00; see tests/catalog/catalog.py). The script prints per package what was
found, then precision and recall of (product, version):
  recall    = expected (product, version) pairs found / expected pairs
  precision = reported pairs that are expected, or listed in tests/data/ground-truth-contains.tsv
	      as a component genuinely contained in that package / reported pairs
A product found with a wrong version counts against both. Exit status 0; --min-precision
and --min-recall make it fail below a threshold.
"""

import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import catalog  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def default_corpus():
	cache = os.environ.get('VETTER_CACHE') or os.path.join(
		os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'vetter')
	return os.path.join(cache, 'ground-truth')


def load_contains(path):
	"""{(dir or package): {(product, version): reason}}"""
	out = collections.defaultdict(dict)
	if not os.path.exists(path):
		return out
	with open(path, encoding='utf-8') as f:
		for line in f:
			if not line.strip() or line.startswith('#'):
				continue
			cols = line.rstrip('\n').split('\t')
			if cols[0] == 'package':
				continue
			out[cols[0]][(cols[1], cols[2])] = cols[3] if len(cols) > 3 else ''
	return out


def scan_dir(root, rules):
	"""{(product, version): [(confidence, relpath, evidence)]} for one package directory."""
	found = collections.defaultdict(list)
	for path in catalog.iter_files(root):
		obj = catalog.read_obj(path)
		if obj is None:
			continue
		for r, v, ctx in catalog.run_rules(obj, rules):
			found[(r.product, v)].append((r.confidence, os.path.relpath(path, root), ctx))
	return found


def main():
	ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
	ap.add_argument('corpus', nargs='?', default=default_corpus())
	ap.add_argument('--catalog', default=os.path.join(TOP, 'data', 'catalog'))
	ap.add_argument('--contains',
			default=os.path.join(TOP, 'tests', 'data', 'ground-truth-contains.tsv'))
	ap.add_argument('--only', nargs='*', help='only these package directories')
	ap.add_argument('-v', '--verbose', action='store_true', help='show the evidence')
	ap.add_argument('--min-precision', type=float, default=0.0)
	ap.add_argument('--min-recall', type=float, default=0.0)
	ap.add_argument('--scan', nargs='+', metavar='PATH',
			help='list the (product, version) pairs found under each PATH and exit')
	args = ap.parse_args()
	if args.scan:
		rules = [r for _, rs in catalog.load_catalog(args.catalog) for r in rs]
		for root in args.scan:
			found = scan_dir(root, rules)
			for key in sorted(found):
				files = sorted({rel for _, rel, _ in found[key]})
				print(f'{key[0]}={key[1]}\t{len(files)} file(s): {" ".join(files[:4])}')
				if args.verbose:
					for conf, rel, ctx in found[key][:3]:
						print(f'    [{conf}] {rel}: {ctx[:160]!r}')
		return 0

	exp_path = os.path.join(args.corpus, 'expected.tsv')
	if not os.path.exists(exp_path):
		print(f'error: {exp_path} not found (run scripts/debian-ground-truth)', file=sys.stderr)
		return 2
	expected = []
	with open(exp_path, encoding='utf-8') as f:
		for line in f:
			cols = line.rstrip('\n').split('\t')
			if cols[0] == 'dir' or len(cols) < 6:
				continue
			expected.append(cols)
	rules = [r for _, rs in catalog.load_catalog(args.catalog) for r in rs]
	contains = load_contains(args.contains)

	n_exp = n_hit = n_rep = n_ok = 0
	missed = []
	t0 = time.time()
	print(f'{"package":34} {"expected":28} result  found')
	for d, product, version, _dver, pkg, _arch in expected:
		if args.only and d not in args.only:
			continue
		root = os.path.join(args.corpus, d)
		if not os.path.isdir(root):
			continue
		found = scan_dir(root, rules)
		ok_extra = dict(contains.get(pkg, {}))
		ok_extra.update(contains.get(d, {}))
		n_exp += 1
		hit = (product, version) in found
		n_hit += hit
		if not hit:
			missed.append((d, product, version,
				       sorted(v for p, v in found if p == product)))
		marks = []
		for key in sorted(found):
			n_rep += 1
			if key == (product, version):
				tag = ''
				n_ok += 1
			elif key in ok_extra:
				tag = '+'
				n_ok += 1
			else:
				tag = '!'
			marks.append(f'{tag}{key[0]}={key[1]}')
		res = 'ok' if hit else 'MISS'
		print(f'{d:34} {product + "=" + version:28} {res:7} {" ".join(marks)}')
		if args.verbose:
			for key in sorted(found):
				for conf, rel, ctx in found[key][:3]:
					print(f'    {key[0]}={key[1]} [{conf}] {rel}: {ctx[:160]!r}')
	prec = n_ok / n_rep if n_rep else 1.0
	rec = n_hit / n_exp if n_exp else 0.0
	print()
	print(f'packages {n_exp}  rules {len(rules)}  time {time.time() - t0:.0f}s')
	print(f'recall    {n_hit}/{n_exp} = {rec:.3f}')
	print(f'precision {n_ok}/{n_rep} = {prec:.3f}  '
	      f'(reported pairs that are expected or listed as contained)')
	if missed:
		print('missed:')
		for d, p, v, got in missed:
			print(f'  {d}: {p}={v}' + (f' (found versions {", ".join(got)})' if got else ''))
	if prec < args.min_precision or rec < args.min_recall:
		return 1
	return 0


if __name__ == '__main__':
	sys.exit(main())
