"""test_cli.py - integration tests of the vetter command line.

usage: test_cli.py VETTER VERSION

Builds hostile trees at test time (truncated and corrupted ELF files, an unreadable
file, symbolic link loops, a FIFO, invalid UTF-8 names) and checks the scan reports each
problem on its object while everything else is still reported; expectations come from
the system's tools (sha256sum, readelf, find), never from vetter's own output."""
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import main, run  # noqa: E402

VETTER = os.path.abspath(sys.argv[1])
VERSION = sys.argv[2]
TMP = tempfile.mkdtemp(prefix="vetter-cli-")
TRUE = shutil.which("true")


def user_copy():
    """vetter and the libvetter it loads, copied where another user can run them (the
    build tree may sit in a directory only its owner can enter)."""
    bindir = os.path.join(TMP, "bin")
    if not os.path.isdir(bindir):
        os.makedirs(bindir)
        shutil.copy(VETTER, bindir)
        out = run(["ldd", VETTER]).stdout
        for line in out.splitlines():
            if "libvetter" in line and "=>" in line:
                shutil.copy(line.split("=>")[1].split()[0], bindir)
        for n in os.listdir(bindir):
            os.chmod(os.path.join(bindir, n), 0o755)
        # and the data the analyzers read (catalogue, password list), for the same reason
        top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        shutil.copytree(os.path.join(top, "data"), os.path.join(TMP, "data"))
        for d, _dirs, files in os.walk(os.path.join(TMP, "data")):
            os.chmod(d, 0o755)
            for n in files:
                os.chmod(os.path.join(d, n), 0o644)
    return os.path.join(bindir, os.path.basename(VETTER)), bindir


def scan(*args, as_user=None):
    cmd = [VETTER, "scan", "--no-progress", *args]
    env = None
    if as_user:
        exe, libdir = user_copy()
        cmd = ["setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups", exe,
               "scan", "--no-progress", *args]
        env = {**os.environ, "LD_LIBRARY_PATH": libdir, "VETTER_DATA": os.path.join(TMP, "data")}
    return run(cmd, env=env)


def readelf_header(path):
    out = run(["readelf", "-h", "-W", path]).stdout
    facts = {}
    for line in out.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            facts[k.strip()] = v.strip()
    return facts


def diags(obj):
    return [(d["severity"], d["code"], d["message"]) for d in obj.get("diagnostics", [])]


# ---- command table and options ----

def test_version():
    r = run([VETTER, "version"])
    assert r.returncode == 0 and r.stdout.strip() == f"vetter {VERSION}", r
    assert run([VETTER, "--version"]).stdout.strip() == f"vetter {VERSION}"


def test_help_lists_working_commands():
    r = run([VETTER, "help"])
    assert r.returncode == 0
    listed = [ln.split()[0] for ln in r.stdout.splitlines() if ln.startswith("  ") and ln.split()]
    assert listed == ["scan", "extract", "db", "rules", "version", "help"], listed
    for cmd in listed:
        h = run([VETTER, "help", cmd])
        assert h.returncode == 0 and h.stdout.startswith(f"usage: vetter {cmd}"), h
    h = run([VETTER, "scan", "--help"])
    assert h.returncode == 0 and "--output" in h.stdout and "--jobs" in h.stdout


def test_usage_errors():
    assert run([VETTER]).returncode == 2
    assert run([VETTER, "frobnicate"]).returncode == 2
    assert run([VETTER, "help", "frobnicate"]).returncode == 2
    assert scan().returncode == 2
    assert scan("-j", "x", TRUE).returncode == 2
    assert scan("-j", "-1", TRUE).returncode == 2
    assert scan("--format", "nope", TRUE).returncode == 2
    assert scan("--bogus", TRUE).returncode == 2


# ---- a hostile tree ----

def build_tree():
    root = os.path.join(TMP, "tree")
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "deep/a/b/c"))
    good = os.path.join(root, "bin/true")
    shutil.copy(TRUE, good)
    data = open(TRUE, "rb").read()
    with open(os.path.join(root, "bin/truncated"), "wb") as f:
        f.write(data[:40])  # inside the ELF header
    with open(os.path.join(root, "bin/cut"), "wb") as f:
        f.write(data[:200])  # header intact, program headers cut
    bad = bytearray(data)
    # e_phoff (64-bit LE at 0x20) and e_shoff (0x28) far past the end of the file
    bad[0x20:0x28] = (0x7FFFFFFF00).to_bytes(8, "little")
    bad[0x28:0x30] = (0x7FFFFFFF00).to_bytes(8, "little")
    with open(os.path.join(root, "bin/corrupt"), "wb") as f:
        f.write(bad)
    with open(os.path.join(root, "secret"), "w") as f:
        f.write("unreadable\n")
    os.chmod(os.path.join(root, "secret"), 0)
    os.symlink("loop-b", os.path.join(root, "loop-a"))
    os.symlink("loop-a", os.path.join(root, "loop-b"))
    os.symlink("self", os.path.join(root, "self"))
    os.symlink("/bin/true", os.path.join(root, "abs-link"))  # resolves inside the tree
    os.symlink("../../outside", os.path.join(root, "escape"))
    os.mkfifo(os.path.join(root, "fifo"))
    with open(os.path.join(root, "deep/a/b/c/empty"), "w"):
        pass
    with open(os.path.join(root.encode(), b"name-\xff\xfe-latin1"), "w") as f:
        f.write("x")
    with open(os.path.join(root, "ünïcødé name.txt"), "w") as f:
        f.write("hello\n")
    os.chmod(TMP, 0o755)
    return root


def expected_files(root):
    """Regular files below root with their sha256, from the filesystem itself."""
    out = {}
    for dirpath, dirs, files in os.walk(root.encode()):
        for n in files:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                try:
                    out[p] = hashlib.sha256(open(p, "rb").read()).hexdigest()
                except PermissionError:
                    out[p] = None
    return out


def by_path(report):
    res = {}
    for o in report["objects"]:
        key = bytes.fromhex(o["path_hex"]) if "path_hex" in o else o["path"].encode()
        res[key] = o
    return res


def test_hostile_tree():
    root = build_tree()
    out = os.path.join(TMP, "report.json")
    user = None
    if os.geteuid() == 0:  # root reads everything: scan as nobody so 'secret' is unreadable
        user = "65534"
        os.chmod(TMP, 0o777)
    r = scan("-o", out, root, as_user=user)
    assert r.returncode == 0, (r.returncode, r.stderr)
    assert "Diagnostics:" in r.stdout
    rep = json.load(open(out))
    assert rep["schema"] == "vetter-report" and rep["tool"]["version"] == VERSION
    objs = by_path(rep)
    b = root.encode()

    # every regular file is reported, with the sha256 sha256sum would give
    for p, h in expected_files(root).items():
        assert p in objs, p
        o = objs[p]
        assert o["kind"] == "file"
        assert o["size"] == os.lstat(p).st_size
        if h is not None and not p.endswith(b"/secret"):
            assert o.get("sha256") == h, (p, o)

    # the intact ELF agrees with readelf
    o = objs[b + b"/bin/true"]
    hdr = readelf_header(os.path.join(root, "bin/true"))
    assert o["elf"]["class"] == hdr["Class"]
    assert o["elf"]["machine"] == hdr["Machine"], (o["elf"], hdr)
    assert hdr["Type"].startswith(o["elf"]["type"] + " ")
    assert o["elf"]["endian"] in hdr["Data"]
    assert "diagnostics" not in o, o

    # a truncated header: a warning, hash still present
    o = objs[b + b"/bin/truncated"]
    assert any(s == "warning" and c == "VT_ETRUNC" for s, c, _ in diags(o)), o
    assert "sha256" in o and "elf" not in o
    # header intact, the rest cut or pointing outside the file: header facts kept
    for name in (b"/bin/cut", b"/bin/corrupt"):
        o = objs[b + name]
        assert o["elf"]["machine"] == hdr["Machine"], o
        assert any(s == "warning" for s, _, _ in diags(o)), o

    # unreadable file: an error on it, metadata still there
    o = objs[b + b"/secret"]
    assert [c for s, c, _ in diags(o) if s == "error"] == ["VT_EACCES"], o
    assert o["mode"] == "0000" and "sha256" not in o

    # symbolic link loops and a self-loop: warnings naming the loop
    for name in (b"/loop-a", b"/loop-b", b"/self"):
        o = objs[b + name]
        assert o["kind"] == "symlink"
        assert any(c == "VT_ELOOP" and "loop" in m for _, c, m in diags(o)), o
    assert objs[b + b"/loop-a"]["link_target"] == "loop-b"
    # an absolute link resolves inside the tree (as on the device); an escaping one dangles
    assert "diagnostics" not in objs[b + b"/abs-link"]
    assert any(c == "VT_ENOTFOUND" for _, c, _ in diags(objs[b + b"/escape"]))

    # the fifo is recorded, not opened (a read would block forever)
    o = objs[b + b"/fifo"]
    assert o["kind"] == "fifo" and any("not read" in m for _, _, m in diags(o)), o

    # names that are not UTF-8 survive as hex
    o = objs[b + b"/name-\xff\xfe-latin1"]
    assert bytes.fromhex(o["path_hex"]).endswith(b"name-\xff\xfe-latin1")
    assert objs[(root + "/ünïcødé name.txt").encode()]["sha256"] == hashlib.sha256(b"hello\n").hexdigest()

    # the counts agree with the tree
    n = 1 + sum(len(d) + len(f) for _, d, f in os.walk(root))
    assert rep["summary"]["objects"] == len(rep["objects"]) == n, (rep["summary"], n)
    s = rep["summary"]["diagnostics"]
    listed = [d for o in rep["objects"] for d in o.get("diagnostics", [])]
    assert s["error"] + s["warning"] + s["info"] == len(listed)
    # parents point at the containing directory
    ids = {o["id"]: o for o in rep["objects"]}
    for o in rep["objects"]:
        if o["parent"] is not None:
            parent = ids[o["parent"]]
            assert parent["kind"] == "directory"


def test_file_input_and_stdout():
    r = scan("--format", "json", TRUE)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    (inp,) = rep["inputs"]
    assert inp["kind"] == "file" and inp["size"] == os.path.getsize(TRUE)
    assert inp["sha256"] == hashlib.sha256(open(TRUE, "rb").read()).hexdigest()
    # -o - writes the report to stdout and the summary to stderr
    r = scan("-o", "-", TRUE)
    assert json.loads(r.stdout)["summary"]["files"] == 1
    assert "Objects:" in r.stderr
    # a symlink on the command line is followed
    link = os.path.join(TMP, "cmdline-link")
    os.symlink(TRUE, link)
    rep = json.loads(scan("--format", "json", link).stdout)
    assert rep["inputs"][0]["kind"] == "file" and rep["objects"][0]["elf"]


def test_missing_input_and_unwritable_output():
    out = os.path.join(TMP, "partial.json")
    r = scan("-o", out, os.path.join(TMP, "does-not-exist"), TRUE)
    assert r.returncode == 2, r
    rep = json.load(open(out))
    assert rep["inputs"][0]["status"] == "VT_ENOTFOUND"
    assert rep["inputs"][1]["status"] == "ok" and rep["summary"]["elf"] == 1
    r = scan("-o", os.path.join(TMP, "no/such/dir/r.json"), TRUE)
    assert r.returncode == 3 and "cannot" in r.stderr, r


def test_text_format_and_quiet():
    out = os.path.join(TMP, "summary.txt")
    r = scan("-q", "-o", out, TRUE)
    assert r.returncode == 0 and r.stdout == "", r
    text = open(out).read()
    assert text.startswith(f"vetter {VERSION}: scanned 1 input") and "ELF:" in text


def test_deterministic_reports():
    """Two scans of the same tree give the same objects and tree digest."""
    root = os.path.join(TMP, "det")
    shutil.copytree("/usr/share/doc/libc6", root, symlinks=True)
    a = json.loads(scan("--format", "json", "-j", "1", root).stdout)
    b = json.loads(scan("--format", "json", "-j", "4", root).stdout)
    assert a["inputs"][0]["tree_sha256"] == b["inputs"][0]["tree_sha256"]
    assert a["objects"] == b["objects"]


if __name__ == "__main__":
    try:
        main(globals())
    finally:
        subprocess.run(["chmod", "-R", "u+rwX", TMP])
        shutil.rmtree(TMP, ignore_errors=True)
