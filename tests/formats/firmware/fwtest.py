"""fwtest.py - shared helpers of the firmware format tests.

Fixtures are built at test time with the real tools (mkimage, dtc, gzip, ...); the
expectations come from those tools or from the inputs they were given, never from vetter.
xrun (tests/formats/xrun.c) runs one handler through the real engine and prints what
was emitted; damage() and truncations() make hostile variants of a fixture."""
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cli"))
import harness  # noqa: E402  (tests/cli/harness.py: the N passed, N failed runner)

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
XRUN = None
VETTER = None
WORK = None


def setup(argv):
    """argv: [script, xrun, vetter]; makes a scratch directory removed at exit."""
    global XRUN, VETTER, WORK
    if len(argv) < 3:
        sys.exit(f"usage: {argv[0]} XRUN VETTER")
    XRUN, VETTER = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    WORK = tempfile.mkdtemp(prefix="vt-firmware-")
    import atexit
    atexit.register(shutil.rmtree, WORK, True)


def need(*tools):
    for t in tools:
        if not shutil.which(t):
            raise AssertionError(f"required tool '{t}' is not installed (scripts/install-deps)")


def sh(cmd, **kw):
    """Runs a command list; fails the test with its stderr when it fails."""
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        raise AssertionError(f"{cmd[0]} failed ({r.returncode}): "
                             f"{r.stderr.decode(errors='replace')[-2000:]}")
    return r.stdout


def path(*parts):
    p = os.path.join(WORK, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def sha(data):
    return hashlib.sha256(data).hexdigest()


def read(p):
    with open(p, "rb") as f:
        return f.read()


def write(p, data):
    with open(p, "wb") as f:
        f.write(data)
    return p


def sample_payload(seed, size):
    """Text-like and random bytes mixed: compressible but not trivially."""
    rnd = random.Random(seed)
    words = [b"kernel", b"firmware", b"\x00\x01\x02", b"root", b"vetter", b"\xff" * 7]
    out = bytearray()
    while len(out) < size:
        if rnd.random() < 0.3:
            out += rnd.randbytes(rnd.randint(1, 64))
        else:
            out += rnd.choice(words)
    return bytes(out[:size])


class Result:
    def __init__(self, rc, out, err, outdir):
        self.rc, self.outdir, self.stderr = rc, outdir, err
        self.children, self.chunks, self.diags = [], [], []
        for line in out.splitlines():
            f = line.split("\t")
            if f[0] == "chunk":
                self.chunks.append({"format": f[1], "variant": f[2], "offset": int(f[3]),
                                    "length": int(f[4]), "confidence": int(f[5]),
                                    "truncated": f[6] == "truncated"})
            elif len(f) == 6:
                self.children.append({"kind": f[0], "path": f[1], "mode": int(f[2], 8),
                                      "size": int(f[3]), "sha256": f[4], "target": f[5]})
        for line in err.splitlines():
            f = line.split("\t", 3)
            if f[0] == "diag" and len(f) == 4:
                self.diags.append({"severity": f[1], "code": f[2], "message": f[3]})

    def files(self):
        return {c["path"]: c for c in self.children if c["kind"] == "file"}

    def chunk(self, fmt):
        found = [c for c in self.chunks if c["format"] == fmt]
        assert found, f"no {fmt} chunk: {self.chunks} {self.diags}"
        return found[0]

    def has_diag(self, text, severity=None):
        return any(text in d["message"] and (severity is None or d["severity"] == severity)
                   for d in self.diags)


_runs = 0


def xrun(file, fmt=None, timeout=120):
    """Runs xrun on file (optionally one format); checks the run did not crash."""
    global _runs
    _runs += 1
    outdir = path("x", str(_runs))
    cmd = [XRUN] + (["-f", fmt] if fmt else []) + [file, outdir]
    r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout)
    assert r.returncode in (0, 1), f"xrun {file}: exit status {r.returncode}\n{r.stderr[-3000:]}"
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr[-3000:]
    return Result(r.returncode, r.stdout, r.stderr, outdir)


def child_bytes(res, name):
    """The content of an emitted child, read from xrun's output directory."""
    for root, _dirs, files in os.walk(res.outdir):
        if name in files:
            return read(os.path.join(root, name))
    raise AssertionError(f"child {name} not found under {res.outdir}")


def truncations(data, points=None):
    """Truncated copies of data: at the given offsets and fractions of its length."""
    n = len(data)
    cuts = sorted({p for p in (points or []) if 0 < p < n} |
                  {max(1, n * k // 8) for k in range(1, 8)} | {n - 1})
    return [(c, data[:c]) for c in cuts]


def damage(data, seed, flips=8, start=0, end=None):
    """data with `flips` random bytes of [start, end) replaced."""
    rnd = random.Random(seed)
    b = bytearray(data)
    end = len(b) if end is None else end
    for _ in range(flips):
        i = rnd.randrange(start, end)
        b[i] ^= rnd.randrange(1, 256)
    return bytes(b)


def check_hostile(fixture, fmt, name, valid_prefix=None, flips_seeds=range(12),
                  header_len=64, points=None):
    """Runs the handler on truncated and damaged variants of fixture: no crash, a sane
    exit status, a diagnostic for every truncated chunk, and (for truncations) every
    child that was complete before the cut emitted whole. Returns the variants run."""
    data = read(fixture)
    runs = 0
    for cut, part in truncations(data, points):
        f = write(path("hostile", f"{name}.cut{cut}"), part)
        res = xrun(f, fmt)
        runs += 1
        for c in res.chunks:
            if c["format"] == fmt and c["truncated"]:
                assert res.diags, f"{name} cut at {cut}: truncated chunk without diagnostic"
        if valid_prefix:
            valid_prefix(res, cut)
    for seed in flips_seeds:
        f = write(path("hostile", f"{name}.flip{seed}"),
                  damage(data, seed, flips=1 + seed % 8,
                         end=min(len(data), header_len) if seed % 3 == 0 else None))
        xrun(f, fmt)
        runs += 1
    return runs


def main(glob):
    setup(sys.argv)
    harness.main(glob)
