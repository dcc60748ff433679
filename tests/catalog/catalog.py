"""Shared helpers of the component catalogue tools: load data/catalog/*.yaml and run its
version rules over files the way the engine does, independently of the engine.

Assumes the YAML format of data/catalog/README.md. Regexes are written for PCRE2; they are
run here with Python's `re` after a small translation ((?<name>...) -> (?P<name>...)).
check-catalog.py verifies that every regex compiles both with PCRE2 and with `re`, so the
two agree on the subset the catalogue uses. Files are untrusted input: they are only read,
and at most MAX_FILE bytes of each.
"""

import os
import re
import sys

try:
	import re._parser as sre_parse  # Python >= 3.11
except ImportError:  # pragma: no cover
	import sre_parse

import yaml

MAX_FILE = 256 << 20
FLAGS = {'caseless': re.I, 'multiline': re.M, 'dotall': re.S}
CONF_RANK = {'high': 3, 'medium': 2, 'low': 1}
PRINTABLE = re.compile(rb'[\x20-\x7e\t]{4,}')


def to_python(rx):
	"""PCRE2 syntax -> Python re syntax for the subset the catalogue uses."""
	return re.sub(r'\(\?<([A-Za-z_][A-Za-z0-9_]*)>', r'(?P<\1>', rx)


def rx_flags(names):
	f = 0
	for n in names or []:
		f |= FLAGS[n]
	return f


def required_literal(rx, flags):
	"""Longest run of literal characters every match of rx must contain ('' if none)."""
	try:
		tree = sre_parse.parse(to_python(rx), flags)
	except re.error:
		return ''
	best, run = '', ''
	for op, av in tree:
		if op is sre_parse.LITERAL:
			run += chr(av)
			continue
		if op is sre_parse.SUBPATTERN and av[3] is not None:
			# a group made only of literals (the usual "(?:...)" around a name) continues
			sub = av[3]
			if all(o is sre_parse.LITERAL for o, _ in sub) and not av[1] and not av[2]:
				run += ''.join(chr(a) for _, a in sub)
				continue
		if len(run) > len(best):
			best = run
		run = ''
	if len(run) > len(best):
		best = run
	if flags & re.I:
		best = best.lower()
	return best


class Rule:
	def __init__(self, product, idx, spec, nots):
		self.product = product
		self.idx = idx
		self.src = spec['re']
		self.flags = rx_flags(spec.get('flags'))
		self.where = spec.get('where', 'any')
		self.confidence = spec.get('confidence', 'medium')
		self.raw = '\\x00' in self.src
		py = to_python(self.src)
		if self.raw:
			self.rx = re.compile(py.encode('latin-1'), self.flags)
		else:
			self.rx = re.compile(py, self.flags)
		self.needs = [re.compile(to_python(n).encode('latin-1'), self.flags)
			      for n in spec.get('needs') or []]
		self.nots = nots
		self.lit = required_literal(self.src, self.flags)
		self.update = spec.get('update')

	def version(self, m):
		if 'version' in self.rx.groupindex:
			v = m.group('version')
		else:
			v = m.group(1)
		if isinstance(v, bytes):
			v = v.decode('latin-1')
		return v


def load_catalog(catdir):
	"""[(entry dict, [Rule])] for every *.yaml of catdir, sorted by product."""
	out = []
	for name in sorted(os.listdir(catdir)):
		if not name.endswith('.yaml'):
			continue
		with open(os.path.join(catdir, name), encoding='utf-8') as f:
			entry = yaml.safe_load(f)
		nots = [re.compile(to_python(n)) for n in entry.get('not') or []]
		rules = [Rule(entry['product'], i, spec, nots)
			 for i, spec in enumerate(entry.get('versions') or [])]
		out.append((entry, rules))
	return out


class Obj:
	"""One file's bytes with the views the rules run on (built lazily)."""

	def __init__(self, path, data):
		self.path = path
		self.base = os.path.basename(path)
		self.data = data
		self.is_elf = data[:4] == b'\x7fELF'
		self.is_text = not self.is_elf and b'\x00' not in data[:8192]
		self._text = None
		self._lower = None
		self._starts = None

	@property
	def text(self):
		"""Printable strings (>= 4 bytes), one per line, and their file offsets."""
		if self._text is None:
			parts, starts = [], []
			for m in PRINTABLE.finditer(self.data):
				parts.append(m.group().decode('latin-1'))
				starts.append(m.start())
			self._text = '\n'.join(parts)
			self._starts = starts
		return self._text

	@property
	def lower(self):
		if self._lower is None:
			self._lower = self.text.lower()
		return self._lower


def line_of(text, pos):
	a = text.rfind('\n', 0, pos) + 1
	b = text.find('\n', pos)
	return text[a:] if b < 0 else text[a:b]


def run_rules(obj, rules):
	"""Yield (rule, version, evidence string) for every confirmed match in obj."""
	for r in rules:
		if r.where == 'elf' and not obj.is_elf:
			continue
		if r.where == 'text' and not obj.is_text:
			continue
		if r.where == 'name':
			m = r.rx.search(obj.base)
			if m:
				yield r, r.version(m), obj.base
			continue
		if r.needs and any(not n.search(obj.data) for n in r.needs):
			continue
		if r.raw:
			if r.lit and r.lit.encode('latin-1') not in obj.data and not (r.flags & re.I):
				continue
			hits = []
			for m in r.rx.finditer(obj.data):
				hits.append((m, m.group().decode('latin-1')))
		else:
			if r.lit:
				hay = obj.lower if r.flags & re.I else obj.text
				if r.lit not in hay:
					continue
			hits = []
			for m in r.rx.finditer(obj.text):
				if '\n' in m.group():
					continue  # the engine confirms on one printable string
				hits.append((m, line_of(obj.text, m.start())))
		if not hits:
			continue
		for m, ctx in hits:
			if any(n.search(ctx) for n in r.nots):
				continue
			v = r.version(m)
			if v:
				yield r, v, ctx


def iter_files(root):
	for dirpath, dirnames, filenames in os.walk(root):
		dirnames.sort()
		for fn in sorted(filenames):
			p = os.path.join(dirpath, fn)
			if os.path.islink(p) or not os.path.isfile(p):
				continue
			yield p


def read_obj(path):
	try:
		with open(path, 'rb') as f:
			return Obj(path, f.read(MAX_FILE))
	except OSError as e:
		print(f'warn: {path}: {e}', file=sys.stderr)
		return None
