"""fstree.py - source trees for the file system fixtures, and comparing trees.

make_tree() builds the tricky tree every fs fixture is made from (run as root: device
nodes, ownership); scan() describes a tree on disk the way xrun describes an extraction;
parse_xrun() reads xrun's output; compare() lists the differences. Expectations always
come from a tree on disk (the source, or a reference tool's extraction), never from
vetter's own output."""
import hashlib
import os
import random
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


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make_tree(root, specials=True, seed=1):
    """The tricky source tree: setuid/setgid/sticky, hard links, symlinks (dangling, long),
    empty file and directory, multi-block, sparse and all-zero files, unicode, spaces and
    255-byte names, 40 levels of directories, ownership, device nodes, fifo, socket."""
    rnd = random.Random(seed)
    os.makedirs(root)
    j = lambda *p: os.path.join(root, *p)  # noqa: E731
    _write(j("a.txt"), b"hello\n", 0o4755)
    os.link(j("a.txt"), j("hard.txt"))
    os.makedirs(j("dir with space"))
    os.link(j("a.txt"), j("dir with space", "hard2"))
    os.symlink("a.txt", j("link"))
    os.symlink("/nonexistent/target", j("dangling"))
    os.symlink("x/" * 500, j("longlink"))
    _write(j("empty"), b"")
    os.makedirs(j("emptydir"))
    _write(j("blocks2.bin"), rnd.randbytes(262144))
    _write(j("big.bin"), rnd.randbytes(300001))
    _write(j("text.txt"), b"".join(b"line %d of some compressible text\n" % i
                                   for i in range(4000)))
    with open(j("sparse"), "wb") as f:
        f.truncate(1 << 20)
        f.seek(700000)
        f.write(b"x")
    _write(j("allzero"), bytes(3 * 131072))
    _write(j("dir with space", "ünïcödé ✓.txt"), "üñí\n".encode())
    _write(j("L" * 255), b"long name\n")
    _write(j("é" * 125 + ".txt"), b"long unicode name\n")
    deep = j(*["d%02d" % i for i in range(40)])
    _write(os.path.join(deep, "leaf.txt"), b"deep\n")
    os.makedirs(j("setgid_dir"))
    os.chmod(j("setgid_dir"), 0o2775)
    os.makedirs(j("tmp"))
    os.chmod(j("tmp"), 0o1777)
    _write(j("secret"), b"secret\n", 0o600)
    _write(j("noperm"), b"noperm\n", 0o000)
    _write(j("sgid_file"), b"sgid\n", 0o2755)
    _write(j("owned"), b"owned\n", 0o640)
    os.chown(j("owned"), 1234, 5678)
    if specials:
        os.makedirs(j("dev"))
        os.mknod(j("dev", "null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.mknod(j("dev", "sda"), 0o640 | stat.S_IFBLK, os.makedev(8, 0))
        os.mkfifo(j("fifo"), 0o644)
        os.chmod(j("fifo"), 0o644)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(j("sock"))
        s.close()
        os.chmod(j("sock"), 0o755)


def make_text_tree(root, seed=2):
    """A tree whose every block compresses (so compressed formats detect any damage):
    text files of various sizes in nested directories, hard links and symlinks."""
    rnd = random.Random(seed)
    words = [b"alpha", b"beta", b"gamma", b"delta", b"firmware", b"router", b"kernel"]
    for d in range(6):
        for f in range(8):
            n = rnd.choice([0, 10, 500, 5000, 40000, 200000])
            data = b" ".join(rnd.choice(words) for _ in range(n // 6))
            _write(os.path.join(root, "dir%d" % d, "file%d.txt" % f), data)
    os.link(os.path.join(root, "dir0", "file1.txt"), os.path.join(root, "hard"))
    os.symlink("dir1/file2.txt", os.path.join(root, "sym"))


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
        if len(f) != 6:  # a damaged name holding a tab or a newline: not comparable
            continue
        kind, path, mode, size, sha, target = f
        entries[path] = Entry(kind, int(mode, 8), int(size), None if sha == "-" else sha,
                              None if target == "-" else target)
    return chunks, entries


def diags(stderr):
    """The diagnostics xrun printed: [(severity, code, message)]."""
    return [tuple(line.split("\t", 3)[1:]) for line in stderr.splitlines()
            if line.startswith("diag\t")]


def compare(expected, got, check_mode=True, links=True):
    """Differences between an expected tree and an extraction, as readable strings.
    A hard link must point at a member of the same source inode with the same content;
    each source inode with several names must come out as one file and hard links (not
    checked with links=False, for two trees on disk)."""
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
        elif check_mode and e.mode != g.mode:
            probs.append(f"{p!r}: mode {g.mode:04o}, expected {e.mode:04o}")
        if e.kind == "file" and (e.sha != g.sha or e.size != g.size):
            probs.append(f"{p!r}: content differs (size {g.size}, expected {e.size})")
        if e.kind == "symlink" and e.target != g.target:
            probs.append(f"{p!r}: link target {g.target!r}, expected {e.target!r}")
    groups = {}
    for p, e in expected.items():
        if e.kind == "file" and e.ino is not None:
            groups.setdefault(e.ino, []).append(p)
    for names in groups.values():
        kinds = [got[p].kind for p in names if p in got]
        if links and len(names) > 1 and len(kinds) == len(names) and kinds.count("file") != 1:
            probs.append(f"hard-linked names {names} came out as {kinds}")
    return probs


def unexplained(expected, got, diag_list):
    """Files extracted with wrong content that no diagnostic names: silent damage."""
    text = "\n".join(m for _, _, m in diag_list)
    bad = []
    for p, g in got.items():
        e = expected.get(p)
        if e and e.kind == "file" and g.kind in ("file", "hardlink") and e.sha != g.sha:
            if f"'{p}'" not in text and not (g.kind == "hardlink" and f"'{g.target}'" in text):
                bad.append(p)
    return bad


def need_tools(*tools):
    """Fails (never skips) when a fixture tool is missing."""
    import shutil
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise SystemExit(f"missing fixture tools: {', '.join(missing)} "
                         "(install them with scripts/install-deps)")


def flip(data, positions, rnd):
    """A copy of data with the byte at each position changed to a different value."""
    b = bytearray(data)
    for pos in positions:
        b[pos] ^= rnd.randrange(1, 256)
    return bytes(b)


def xrun(xrun_exe, image, outdir, fmt=None):
    """Runs xrun; returns (returncode, chunks, entries, diags, stderr)."""
    cmd = [xrun_exe] + (["-f", fmt] if fmt else []) + [image, outdir]
    # under ASan, an allocation over 1 GiB (sized by a hostile count) is a failure
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                 "max_allocation_size_mb=1024"]))
    r = subprocess.run(cmd, capture_output=True, timeout=300, env=env)
    out = r.stdout.decode("utf-8", "surrogateescape")
    err = r.stderr.decode("utf-8", "surrogateescape")
    chunks, entries = parse_xrun(out)
    return r.returncode, chunks, entries, diags(err), err


def sane_failure(rc, err):
    """True when a run crashed: a signal, an unexpected status or a sanitizer report."""
    return rc < 0 or rc > 1 or "Sanitizer" in err or "runtime error" in err


def damaged_run(xrun_exe, fmt, img_bytes, expected, path, outdir, need_diag=True):
    """Runs xrun on damaged bytes (written to path): no crash, exit 0 or 1, a diagnostic
    (when asked), no invented member and no file with wrong content that no diagnostic
    names. Returns (entries, diags, rc)."""
    with open(path, "wb") as f:
        f.write(img_bytes)
    rc, chunks, got, diag_list, err = xrun(xrun_exe, path, outdir, fmt)
    stem = os.path.basename(path)
    assert not sane_failure(rc, err), f"{stem}: crashed (exit {rc}): {err[-2000:]}"
    if need_diag:
        assert diag_list, f"{stem}: no diagnostic"
    silent = unexplained(expected, got, diag_list)
    assert not silent, f"{stem}: wrong content without a diagnostic: {silent}"
    for p in got:
        assert p in expected, f"{stem}: invented member {p!r}"
    return got, diag_list, rc


def check_owners(vetter_exe, image, src, outdir):
    """Runs `vetter extract` and compares the manifest's owner, group, mtime and device
    numbers of every member with the source tree's (lstat). Returns the differences."""
    r = subprocess.run([vetter_exe, "extract", image, "-o", outdir], capture_output=True,
                       text=True, timeout=600)
    if r.returncode not in (0, 1):
        return [f"vetter extract exited {r.returncode}: {r.stderr[-1000:]}"]
    import json
    with open(os.path.join(outdir, "manifest.json")) as f:
        objs = json.load(f)["objects"]
    probs, seen = [], 0
    for o in objs:
        if o.get("xdepth") != 1 or o.get("hardlink"):
            continue  # a hard link's owner and times are its target's
        if not o["path"].startswith(image + "/"):
            continue
        rel = o["path"][len(image) + 1:].split("/", 1)[-1]  # IMAGE/CHUNK/relative path
        p = os.path.join(src, rel)
        if not os.path.lexists(p):
            continue
        st = os.lstat(p)
        seen += 1
        want = (st.st_uid, st.st_gid, int(st.st_mtime))
        have = (o.get("uid"), o.get("gid"), o.get("mtime"))
        if want != have:
            probs.append(f"{rel!r}: uid/gid/mtime {have}, expected {want}")
        if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
            dev = [os.major(st.st_rdev), os.minor(st.st_rdev)]
            if o.get("rdev") != dev:
                probs.append(f"{rel!r}: device {o.get('rdev')}, expected {dev}")
    if not seen:
        probs.append("the manifest lists no member of the source tree")
    return probs
