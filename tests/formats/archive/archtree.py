"""archtree.py - source trees for the archive fixtures, and comparing trees.

make_tree() builds the tricky tree an archive fixture is made from, leaving out what the
format cannot store (each builder says which); scan() describes a tree on disk the way
xrun describes an extraction; xrun() runs the driver and parses what it prints;
compare() lists the differences. Expectations always come from a tree on disk (the
source, or a reference tool's extraction), or from the tool that made the fixture, never
from vetter's own output."""
import hashlib
import os
import random
import shutil
import socket
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "cli"))
import harness  # noqa: E402  (the house test runner: test_* functions, 'N passed, N failed')

run = harness.run


class Entry:
    """One tree member: kind as xrun names it, permission bits, size, sha256, link target,
    and an identity for hard links (the source inode, or xrun's link target)."""

    def __init__(self, kind, mode, size=0, sha=None, target=None, ino=None):
        self.kind, self.mode, self.size, self.sha = kind, mode, size, sha
        self.target, self.ino = target, ino

    def __repr__(self):
        return (f"Entry({self.kind}, {self.mode:04o}, {self.size}, "
                f"{(self.sha or '-')[:12]}, {self.target!r})")


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make_tree(root, *, long_names=True, long_link=True, deep=40, specials=True,
              socket_node=False, hardlinks=True, symlinks=True, sparse=True, big=True,
              empty_dir=True, odd_modes=True, seed=1):
    """The tricky source tree: setuid/setgid/sticky, hard links, symlinks (relative,
    absolute, dangling, long), empty file and directory, big random and sparse files,
    unicode, spaces and 255-byte names, deep directories, ownership, device nodes, fifo,
    socket. The flags leave out what a format cannot store."""
    rnd = random.Random(seed)
    os.makedirs(root)
    j = lambda *p: os.path.join(root, *p)  # noqa: E731
    write(j("a.txt"), b"hello\n", 0o4755 if odd_modes else 0o755)
    os.makedirs(j("dir with space"))
    write(j("dir with space", "ünïcödé ✓.txt"), "üñí\n".encode())
    write(j("dir with space", "plain.txt"), b"plain\n")
    if hardlinks:
        os.link(j("a.txt"), j("hard.txt"))
        os.link(j("a.txt"), j("dir with space", "hard2"))
        write(j("empty-linked"), b"")
        os.link(j("empty-linked"), j("empty-linked2"))
    if symlinks:
        os.symlink("a.txt", j("link"))
        os.symlink("/nonexistent/target", j("dangling"))
        os.symlink("../a.txt", j("dir with space", "up"))
        if long_link:
            os.symlink("x/" * 300, j("longlink"))
    write(j("empty"), b"")
    if empty_dir:
        os.makedirs(j("emptydir"))
    if big:
        write(j("big.bin"), rnd.randbytes(300001))
        write(j("text.txt"), b"".join(b"line %d of some compressible text\n" % i
                                      for i in range(4000)))
    if sparse:
        with open(j("sparse"), "wb") as f:
            f.truncate(1 << 20)
            f.seek(700000)
            f.write(b"x")
    if long_names:
        write(j("L" * 255), b"long name\n")
        write(j("é" * 125 + ".txt"), b"long unicode name\n")
    if deep:
        d = j(*["d%02d" % i for i in range(deep)])
        write(os.path.join(d, "leaf.txt"), b"deep\n")
    if odd_modes:
        os.makedirs(j("setgid_dir"))
        os.chmod(j("setgid_dir"), 0o2775)
        os.makedirs(j("tmp"))
        os.chmod(j("tmp"), 0o1777)
        write(j("secret"), b"secret\n", 0o600)
        write(j("sgid_file"), b"sgid\n", 0o2755)
        write(j("owned"), b"owned\n", 0o640)
        os.chown(j("owned"), 1234, 5678)
    if specials:
        os.makedirs(j("dev"))
        os.mknod(j("dev", "null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.chmod(j("dev", "null"), 0o666)
        os.mknod(j("dev", "sda"), 0o640 | stat.S_IFBLK, os.makedev(8, 0))
        os.mkfifo(j("fifo"), 0o644)
        os.chmod(j("fifo"), 0o644)
    if socket_node:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(j("sock"))
        s.close()
        os.chmod(j("sock"), 0o755)
    return root


KINDS = [(stat.S_ISREG, "file"), (stat.S_ISDIR, "directory"), (stat.S_ISLNK, "symlink"),
         (stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "chardev"), (stat.S_ISBLK, "blockdev"),
         (stat.S_ISSOCK, "socket")]


def scan(root):
    """{relative path: Entry} of every member below root (root itself excluded)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            kind = next(k for test, k in KINDS if test(st.st_mode))
            e = Entry(kind, stat.S_IMODE(st.st_mode), ino=(st.st_dev, st.st_ino))
            if kind == "file":
                e.size, e.sha = st.st_size, sha256_file(p)
            elif kind == "symlink":
                e.target = os.readlink(p)
            out[rel] = e
    return out


def parse_xrun(stdout):
    """(chunks, {path: Entry}) from xrun's standard output."""
    chunks, entries = [], {}
    for line in stdout.splitlines():
        f = line.split("\t")
        if f[0] == "chunk":
            chunks.append({"format": f[1], "variant": f[2], "offset": int(f[3]),
                           "length": int(f[4]), "confidence": int(f[5]), "state": f[6]})
            continue
        if len(f) != 6:
            continue  # a damaged name holding a newline or tab: not one of ours
        kind, path, mode, size, sha, target = f
        entries[path] = Entry(kind, int(mode, 8), int(size), None if sha == "-" else sha,
                              None if target == "-" else target)
    return chunks, entries


def diags(stderr):
    """The diagnostics xrun printed: [(severity, code, message)]."""
    return [tuple(line.split("\t", 3)[1:]) for line in stderr.splitlines()
            if line.startswith("diag\t")]


class Result:
    def __init__(self, rc, chunks, entries, diag_list, stderr):
        self.rc, self.chunks, self.entries, self.diags, self.stderr = (
            rc, chunks, entries, diag_list, stderr)

    def chunk(self, fmt):
        """The one chunk of format fmt."""
        mine = [c for c in self.chunks if c["format"] == fmt]
        assert len(mine) == 1, f"expected one {fmt} chunk, got {self.chunks}\n{self.stderr}"
        return mine[0]


def xrun(xrun_exe, image, outdir, fmt=None, timeout=300):
    """Runs xrun; a crash (signal) or hang fails the test."""
    cmd = [xrun_exe] + (["-f", fmt] if fmt else []) + [image, outdir]
    r = subprocess.run(cmd, capture_output=True, timeout=timeout)
    out = r.stdout.decode("utf-8", "surrogateescape")
    err = r.stderr.decode("utf-8", "surrogateescape")
    assert r.returncode in (0, 1), f"xrun exited with {r.returncode} on {image}:\n{err[-3000:]}"
    chunks, entries = parse_xrun(out)
    return Result(r.returncode, chunks, entries, diags(err), err)


def compare(expected, got, check_mode=True, check_special_mode=True):
    """Differences between an expected tree and an extraction, as readable strings.
    A hard link must point at a member of the same source inode with the same content;
    each source inode with several names must come out as one file and hard links (or,
    for formats without hard links, as equal copies)."""
    probs = []
    for p in sorted(set(expected) - set(got)):
        probs.append(f"missing {p!r}")
    for p in sorted(set(got) - set(expected)):
        probs.append(f"unexpected {p!r}")
    for p in sorted(set(expected) & set(got)):
        e, g = expected[p], got[p]
        if e.kind == "file" and g.kind == "hardlink":
            t = expected.get(g.target)
            if t is None or t.ino != e.ino:
                probs.append(f"{p!r}: hard link to {g.target!r}, not a name of the same file")
        elif e.kind != g.kind:
            probs.append(f"{p!r}: {g.kind}, expected {e.kind}")
            continue
        elif e.kind == "symlink":
            pass  # symbolic link permissions are not meaningful
        elif e.kind in ("chardev", "blockdev", "fifo", "socket") and not check_special_mode:
            pass
        elif check_mode and e.mode != g.mode:
            probs.append(f"{p!r}: mode {g.mode:04o}, expected {e.mode:04o}")
        if e.kind == "file" and (e.sha != g.sha or e.size != g.size):
            probs.append(f"{p!r}: content differs (size {g.size}, expected {e.size})")
        if e.kind == "symlink" and e.target != g.target:
            probs.append(f"{p!r}: link target {g.target!r}, expected {e.target!r}")
    return probs


def need_tools(*tools):
    """Fails (never skips) when a fixture tool is missing."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise AssertionError(f"missing fixture tools: {', '.join(missing)} "
                             "(install them with scripts/install-deps)")


def flip(data, positions, rnd):
    """A copy of data with the byte at each position changed to a different value."""
    b = bytearray(data)
    for pos in positions:
        b[pos] ^= rnd.randrange(1, 256)
    return bytes(b)


def check_run(cmd, **kw):
    """Runs a fixture tool; fails with its output when it fails."""
    r = run(cmd, **kw)
    assert r.returncode == 0, f"{cmd[0]} failed ({r.returncode}): {r.stderr[-2000:]}"
    return r
