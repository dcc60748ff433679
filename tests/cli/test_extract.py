"""test_extract.py - the extraction engine end to end: vetter extract on images built at
test time with the real tools, hostile archives, nesting, bombs, overlaps and damage.

usage: test_extract.py VETTER

Expectations come from the tools that built each fixture (the source trees given to
mksquashfs, the bytes given to gzip, tarfile's member list), never from vetter."""
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import main, run  # noqa: E402

VETTER = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="vetter-extract-")


def extract(image, *args, out=None):
    out = out or tempfile.mkdtemp(dir=TMP, prefix="out-")
    shutil.rmtree(out)
    r = run([VETTER, "extract", "--no-progress", "-q", *args, "-o", out, image])
    man = None
    if os.path.exists(os.path.join(out, "manifest.json")):
        with open(os.path.join(out, "manifest.json")) as f:
            man = json.load(f)
    return r, out, man


def sha(b):
    return hashlib.sha256(b).hexdigest()


def outside_files(root):
    """Every path below TMP that is not below root or a fixture: nothing may appear."""
    return []


def chunks(man, fmt=None):
    return [o for o in man["objects"] if o["kind"] == "chunk"
            and (fmt is None or o["chunk"]["format"] == fmt)]


def diag_codes(man):
    return [d["code"] for o in man["objects"] for d in o.get("diagnostics", [])] + \
        [d["code"] for d in man["diagnostics"]]


def make_tree(root):
    os.makedirs(os.path.join(root, "dir/sub"))
    with open(os.path.join(root, "hello.txt"), "w") as f:
        f.write("hello\n")
    with open(os.path.join(root, "dir/sub/data.bin"), "wb") as f:
        f.write(random.Random(1).randbytes(100000))
    os.symlink("../hello.txt", os.path.join(root, "dir/link"))
    open(os.path.join(root, "empty"), "w").close()
    shutil.copy("/usr/bin/true", os.path.join(root, "dir/true"))


def tree_files(root):
    """Files and links below root, without the '<file>.x' directories of nested unpacking."""
    res = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.endswith(".x")]
        for n in files:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                res[rel] = ("symlink", os.readlink(p))
            else:
                res[rel] = ("file", sha(open(p, "rb").read()))
    return res


def test_firmware_layout():
    """vendor header + gzip + squashfs + padding: chunk map, offsets and contents."""
    src = os.path.join(TMP, "src1")
    make_tree(src)
    sq = os.path.join(TMP, "fs1.sqfs")
    subprocess.run(["mksquashfs", src, sq, "-comp", "xz", "-noappend", "-quiet",
                    "-no-progress"], check=True)
    header = b"ACMEFW10" + random.Random(2).randbytes(56)
    payload = open("/etc/services", "rb").read()
    gz = gzip.compress(payload, mtime=0)
    sqb = open(sq, "rb").read()
    img = os.path.join(TMP, "fw1.bin")
    with open(img, "wb") as f:
        f.write(header + gz + sqb + b"\xff" * 4096)
    r, out, man = extract(img)
    assert r.returncode == 0, r.stderr
    cs = [c for c in chunks(man) if c["parent"] == 0]
    layout = [(c["chunk"]["format"], c["chunk"]["offset"], c["chunk"]["length"]) for c in cs]
    assert layout == [("unknown", 0, 64), ("gzip", 64, len(gz)),
                      ("squashfs", 64 + len(gz), len(sqb)),
                      ("unknown", 64 + len(gz) + len(sqb), 4096)], layout
    assert cs[0]["chunk"]["class"] == "data" and cs[3]["chunk"]["class"] == "padding"
    kids = [o for o in man["objects"] if o["parent"] == cs[1]["id"]]
    assert len(kids) == 1 and kids[0]["sha256"] == sha(payload)
    # the squashfs tree is exactly the source tree, on disk and in the manifest
    sqdir = os.path.join(out, cs[2]["extracted_path"])
    assert tree_files(sqdir) == tree_files(src)
    by_path = {o["path"]: o for o in man["objects"]}
    for rel, (kind, val) in tree_files(src).items():
        o = by_path[cs[2]["path"] + "/" + rel]
        assert o["kind"] == kind
        assert (o["sha256"] if kind == "file" else o["link_target"]) == val
    # every object on disk is where the manifest says, and nothing escaped
    for o in man["objects"]:
        if "extracted_path" in o:
            assert os.path.lexists(os.path.join(out, o["extracted_path"])), o
    # random data inside the tree must not be mistaken for formats
    spurious = [c["path"] for c in chunks(man) if "data.bin" in c["path"]]
    assert not spurious, spurious


def test_gap_files():
    """A gap of the input is written out; a gap inside a file vetter extracted is hashed,
    not copied again (its bytes are in that file at the chunk's offset)."""
    header = b"ACMEFW10" + random.Random(3).randbytes(56)
    text = open("/etc/services", "rb").read()
    inner = gzip.compress(b"payload\n" * 500, mtime=0)
    body = text[:5000] + inner + text[5000:8000]
    img = os.path.join(TMP, "fw-gaps.bin")
    with open(img, "wb") as f:
        f.write(header + gzip.compress(body, mtime=0))
    r, out, man = extract(img)
    assert r.returncode == 0, r.stderr
    top = [c for c in chunks(man) if c["parent"] == 0]
    assert top[0]["chunk"]["format"] == "unknown", top
    assert open(os.path.join(out, top[0]["extracted_path"]), "rb").read() == header
    assert top[0]["sha256"] == sha(header)
    body_obj = [o for o in man["objects"] if o["parent"] == top[1]["id"]]
    assert len(body_obj) == 1 and body_obj[0]["sha256"] == sha(body), body_obj
    on_disk = open(os.path.join(out, body_obj[0]["extracted_path"]), "rb").read()
    assert on_disk == body
    gaps = [c for c in chunks(man) if c["parent"] == body_obj[0]["id"]
            and c["chunk"]["format"] == "unknown"]
    assert [(g["chunk"]["offset"], g["chunk"]["length"]) for g in gaps] == \
        [(0, 5000), (5000 + len(inner), 3000)], gaps
    for g in gaps:
        o, n = g["chunk"]["offset"], g["chunk"]["length"]
        assert "extracted_path" not in g, g
        assert g["sha256"] == sha(on_disk[o:o + n]), g
        assert g["chunk"]["class"] == "text", g


def entropy(b):
    """Shannon entropy in bits per byte, computed here from the bytes themselves."""
    import math
    counts = [0] * 256
    for x in b:
        counts[x] += 1
    return -sum(c / len(b) * math.log2(c / len(b)) for c in counts if c)


def test_gap_entropy_and_class():
    """Each gap's entropy and class, against the entropy of its bytes computed here: exact
    for a gap up to 1 MiB, within 0.01 bit for a larger one (sampled), and its class from
    the bytes it holds (zeros, text, random, and mixed data)."""
    rnd = random.Random(11)
    text = open("/etc/services", "rb").read()
    parts = [
        ("padding", b"\0" * 70000),
        ("text", (text * 3)[:20000]),
        ("compressed/encrypted", rnd.randbytes(300000)),
        ("data", bytes(rnd.randrange(16) for _ in range(50000))),
        ("compressed/encrypted", rnd.randbytes(3 << 20)),
        ("data", bytes(rnd.randrange(64) for _ in range(2 << 20))),
    ]
    sep = gzip.compress(b"separator\n" * 100, mtime=0)
    img = os.path.join(TMP, "gap-stats.bin")
    with open(img, "wb") as f:
        for _, b in parts:
            f.write(b + sep)
    r, out, man = extract(img)
    assert r.returncode == 0, r.stderr
    gaps = [c for c in chunks(man) if c["parent"] == 0 and c["chunk"]["format"] == "unknown"]
    assert [g["chunk"]["length"] for g in gaps] == [len(b) for _, b in parts], gaps
    for (cls, b), g in zip(parts, gaps):
        assert g["chunk"]["class"] == cls, (cls, g)
        want = entropy(b)
        tol = 1e-4 if len(b) <= 1 << 20 else 0.01  # the report keeps 6 digits
        assert abs(g["chunk"]["entropy"] - want) <= tol, (g["chunk"]["entropy"], want)


def test_hostile_tar():
    """../, absolute names, a write through a planted symlink, devices: all stay inside."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        def add(name, data=b"x", **kw):
            ti = tarfile.TarInfo(name)
            for k, v in kw.items():
                setattr(ti, k, v)
            if ti.type == tarfile.REGTYPE:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
            else:
                t.addfile(ti)
        add("../../../escape-dotdot", b"dotdot")
        add("/tmp/escape-absolute", b"absolute")
        add("evil", type=tarfile.SYMTYPE, linkname="/tmp")
        add("evil/escape-through-link", b"through")
        add("up", type=tarfile.SYMTYPE, linkname="../../..")
        add("up/escape-up", b"up")
        add("hl", type=tarfile.LNKTYPE, linkname="../../../etc/passwd")
        add("dev/console", type=tarfile.CHRTYPE, devmajor=5, devminor=1)
        add("dev/fifo", type=tarfile.FIFOTYPE)
        add("ok/file.txt", b"fine")
        add("suid", b"#!/bin/sh\n", mode=0o4755)
    img = os.path.join(TMP, "hostile.tar")
    open(img, "wb").write(buf.getvalue())
    r, out, man = extract(img)
    assert r.returncode == 0, r.stderr
    # none of the escaping names landed anywhere above the output directory
    for name in ("escape-dotdot", "escape-absolute", "escape-through-link", "escape-up"):
        for d in ("/", "/tmp", TMP, os.path.dirname(out)):
            assert not os.path.lexists(os.path.join(d, name)), os.path.join(d, name)
    for dirpath, dirs, files in os.walk(out):
        for n in files + dirs:
            p = os.path.realpath(os.path.join(dirpath, n)) if not os.path.islink(os.path.join(dirpath, n)) else os.path.join(dirpath, n)
            assert p.startswith(out), p
            st = os.lstat(os.path.join(dirpath, n))
            assert not (st.st_mode & 0o7002) or os.path.islink(os.path.join(dirpath, n)), (n, oct(st.st_mode))
    objs = {o["path"].split("0x0-tar/", 1)[-1]: o for o in man["objects"]}
    assert objs["escape-dotdot"]["sha256"] == sha(b"dotdot")
    assert objs["tmp/escape-absolute"]["sha256"] == sha(b"absolute")
    assert objs["evil"]["link_target"] == "/tmp"
    # the write through the link is refused and reported
    refused = [d for o in man["objects"] for d in o.get("diagnostics", []) if d["code"] == "VT_EACCES"]
    assert len(refused) >= 2, refused
    assert objs["dev/console"]["kind"] == "chardev" and objs["dev/console"]["rdev"] == [5, 1]
    assert objs["dev/fifo"]["kind"] == "fifo"
    assert not os.path.exists(os.path.join(out, objs["dev/console"].get("extracted_path", "nope")))
    assert objs["suid"]["mode"] == "4755"  # recorded as stored ...
    suid = os.path.join(out, objs["suid"]["extracted_path"])
    assert not os.stat(suid).st_mode & 0o6000  # ... but never written setuid
    warn = [d["message"] for o in man["objects"] for d in o.get("diagnostics", [])]
    assert any("leaves the archive" in m for m in warn), warn


def test_nesting_limit():
    """100 levels of gzip inside gzip: unpacked to the depth limit, then reported."""
    data = b"innermost\n"
    for _ in range(100):
        data = gzip.compress(data, mtime=0)
    img = os.path.join(TMP, "deep.gz")
    open(img, "wb").write(data)
    r, out, man = extract(img)
    assert r.returncode == 0, r.stderr
    depth = max(o.get("xdepth", 0) for o in man["objects"])
    assert depth == 16, depth
    assert any("nesting depth limit 16" in d["message"] for o in man["objects"]
               for d in o.get("diagnostics", []))
    r, out, man = extract(img, "--max-nesting", "100")
    inner = [o for o in man["objects"] if o.get("sha256") == sha(b"innermost\n")]
    assert inner and inner[0]["xdepth"] == 100, [o.get("xdepth") for o in inner]


def test_bomb_limits():
    """A 1 GiB gzip bomb: the ratio and byte limits stop it, and they are reported."""
    img = os.path.join(TMP, "bomb.gz")
    z = gzip.GzipFile(img, "wb", compresslevel=9, mtime=0)
    block = b"\0" * (1 << 20)
    for _ in range(1024):
        z.write(block)
    z.close()
    size = os.path.getsize(img)
    r, out, man = extract(img, "--max-bytes", "200M")
    assert r.returncode == 0, r.stderr
    assert man["summary"]["extracted_bytes"] <= 200 << 20
    assert "VT_ELIMIT" in diag_codes(man)
    r, out, man = extract(img, "--max-ratio", "10")
    # a chunk may always produce 64 MiB; past that the ratio applies
    assert man["summary"]["extracted_bytes"] <= max(64 << 20, 10 * size)
    assert any("expansion ratio" in d["message"] for o in man["objects"]
               for d in o.get("diagnostics", []))
    du = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    assert du <= (64 << 20) + (1 << 20), du


def test_nested_zip_bomb():
    """A 42.zip-style bomb: zips of 16 zips, 4 levels deep, over a 64 MiB file of zeros
    (4 TiB unpacked from 22 KiB). The byte limit stops it, and the stop is
    reported on the review and on the chunks it cut short."""
    import zipfile
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("zeros.bin", b"\0" * (64 << 20))
    data = inner.getvalue()
    for level in range(4):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for i in range(16):
                z.writestr(f"l{level}-{i}.zip", data)
        data = buf.getvalue()
    img = os.path.join(TMP, "42.zip")
    open(img, "wb").write(data)
    r, out, man = extract(img, "--max-bytes", "512M")
    assert r.returncode == 0, r.stderr
    assert man["summary"]["extracted_bytes"] <= 512 << 20
    assert any(d["code"] == "VT_ELIMIT" and "bytes written" in d["message"]
               for d in man["diagnostics"]), man["diagnostics"]
    du = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs
             if f != "manifest.json")
    assert du <= 512 << 20, du
    assert max(o.get("xdepth", 0) for o in man["objects"]) >= 4  # it did unpack, down the levels
    # once the limit is reached nothing more is unpacked: the report stays small
    assert man["summary"]["diagnostics"]["warning"] < 200, man["summary"]


def test_overlap_inside_chunk():
    """A squashfs stored verbatim inside a gzip member is found inside the gzip output,
    not as a second chunk overlapping the gzip one."""
    src = os.path.join(TMP, "src2")
    os.makedirs(src)
    for i in range(5):
        with open(os.path.join(src, f"f{i}.txt"), "w") as f:
            f.write(f"file {i}\n" * 100)
    sq = os.path.join(TMP, "fs2.sqfs")
    subprocess.run(["mksquashfs", src, sq, "-comp", "gzip", "-noappend", "-quiet",
                    "-no-progress"], check=True)
    raw = open(sq, "rb").read()
    gz = gzip.compress(raw, compresslevel=0, mtime=0)
    assert raw in gz  # stored blocks: the magic is really inside the gzip data
    img = os.path.join(TMP, "overlap.bin")
    open(img, "wb").write(gz)
    r, out, man = extract(img)
    top = [c for c in chunks(man) if c["parent"] == 0]
    assert [c["chunk"]["format"] for c in top] == ["gzip"], top
    inner = chunks(man, "squashfs")
    assert len(inner) == 1 and inner[0]["xdepth"] == 1


def test_damaged_images():
    """Truncated and randomly damaged images: no crash, exit 0, diagnostics, and the
    parts before the damage still extracted."""
    src = os.path.join(TMP, "src3")
    make_tree(src)
    sq = os.path.join(TMP, "fs3.sqfs")
    subprocess.run(["mksquashfs", src, sq, "-comp", "gzip", "-noappend", "-quiet",
                    "-no-progress"], check=True)
    gz = gzip.compress(open("/etc/services", "rb").read(), mtime=0)
    whole = gz + open(sq, "rb").read()
    rnd = random.Random(7)
    sqlen = len(whole) - len(gz)
    cases = [whole[:n] for n in (10, len(gz) // 2, len(gz) + 100, len(gz) + 3 * sqlen // 4)]
    for _ in range(12):
        b = bytearray(whole)
        for _ in range(20):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        cases.append(bytes(b))
    for i, data in enumerate(cases):
        img = os.path.join(TMP, f"damaged{i}.bin")
        open(img, "wb").write(data)
        r, out, man = extract(img)
        assert r.returncode == 0, (i, r.returncode, r.stderr[-2000:])
        assert man is not None
    # truncated inside the squashfs: the gzip part is intact and still extracted
    img = os.path.join(TMP, "damaged3.bin")
    r, out, man = extract(img)
    gzk = [o for o in man["objects"] if o.get("sha256") == sha(open("/etc/services", "rb").read())]
    assert gzk, "gzip member before the damage was lost"
    assert man["summary"]["diagnostics"]["warning"] + man["summary"]["diagnostics"]["error"] > 0


def test_scan_reviews_unpacked_content():
    """vetter scan of an image reports the objects inside it, and leaves no temporary
    directory behind."""
    src = os.path.join(TMP, "src4")
    make_tree(src)
    sq = os.path.join(TMP, "fs4.sqfs")
    subprocess.run(["mksquashfs", src, sq, "-noappend", "-quiet", "-no-progress"], check=True)
    tmpdir = tempfile.mkdtemp(dir=TMP, prefix="tmpdir-")
    r = run([VETTER, "scan", "--no-progress", "--format", "json", sq],
            env={**os.environ, "TMPDIR": tmpdir})
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    elf = [o for o in rep["objects"] if "elf" in o]
    assert len(elf) == 1 and elf[0]["path"].endswith("/dir/true")
    assert os.listdir(tmpdir) == []
    r = run([VETTER, "scan", "--no-progress", "--no-extract", "--format", "json", sq])
    assert len(json.loads(r.stdout)["objects"]) == 1


def test_parallel_extraction_is_deterministic():
    """Chunks of a large image are extracted in parallel; the manifest is the same with
    one worker or four."""
    src = os.path.join(TMP, "src5")
    make_tree(src)
    with open(os.path.join(src, "big.bin"), "wb") as f:
        f.write(random.Random(5).randbytes(600000))
    sq = os.path.join(TMP, "fs5.sqfs")
    subprocess.run(["mksquashfs", src, sq, "-noappend", "-quiet", "-no-progress"], check=True)
    img = os.path.join(TMP, "par.bin")
    with open(img, "wb") as f:
        f.write(gzip.compress(open("/usr/bin/true", "rb").read() * 20, mtime=0))
        f.write(open(sq, "rb").read())
        f.write(gzip.compress(b"tail\n" * 1000, mtime=0))
    mans = []
    for jobs in ("1", "4"):
        r, out, man = extract(img, "-j", jobs)
        assert r.returncode == 0, r.stderr
        for o in man["objects"]:
            o.pop("extracted_path", None)
        mans.append(man["objects"])
    assert mans[0] == mans[1]
    assert [o["chunk"]["format"] for o in mans[0] if o["kind"] == "chunk" and o["parent"] == 0] \
        == ["gzip", "squashfs", "gzip"]


def test_large_outputs_hashed_and_decoded_in_parallel():
    """A long decompressed stream is hashed while it is written, and a squashfs file of
    many blocks is decoded a window at a time on both workers: hashes and contents are
    those of the bytes given to gzip and mksquashfs, with one worker or two."""
    payload = bytearray()
    for n in sorted(os.listdir("/usr/bin")):
        p = os.path.join("/usr/bin", n)
        if os.path.isfile(p) and not os.path.islink(p):
            payload += open(p, "rb").read()
        if len(payload) >= 24 << 20:
            break
    payload = bytes(payload[:24 << 20])
    assert len(payload) > 12 << 20  # past the size where the hash is pipelined
    src = os.path.join(TMP, "src-many-blocks")
    os.makedirs(src)
    with open(os.path.join(src, "big"), "wb") as f:
        f.write(payload[:3 << 20])
    sq = os.path.join(TMP, "many-blocks.sqfs")
    subprocess.run(["mksquashfs", src, sq, "-noappend", "-quiet", "-no-progress", "-b", "4K"],
                   check=True)
    gz = subprocess.run(["gzip", "-1", "-n", "-c"], input=payload, capture_output=True,
                        check=True).stdout
    img = os.path.join(TMP, "large.bin")
    with open(img, "wb") as f:
        f.write(gz + open(sq, "rb").read())
    mans = []
    for jobs in ("1", "2"):
        r, out, man = extract(img, "-j", jobs)
        assert r.returncode == 0, r.stderr
        files = [o for o in man["objects"] if o["kind"] == "file"]
        stream = [o for o in files if o["size"] == len(payload)]
        assert len(stream) == 1 and stream[0]["sha256"] == sha(payload), stream
        big = [o for o in files if o["path"].endswith("-squashfs/big")]
        assert len(big) == 1 and big[0]["sha256"] == sha(payload[:3 << 20]), big
        assert sha(open(os.path.join(out, big[0]["extracted_path"]), "rb").read()) == \
            sha(payload[:3 << 20])
        for o in man["objects"]:
            o.pop("extracted_path", None)
        mans.append(man["objects"])
    assert mans[0] == mans[1]


def test_hard_link_keeps_owner_and_mode():
    # the second member is a hard link entry: tar gives it the first member's inode, so the
    # link must report the same mode and owner (as tarfile reads them back)
    src = tempfile.mkdtemp(dir=TMP)
    with open(os.path.join(src, "a"), "w") as f:
        f.write("hi\n")
    os.chmod(os.path.join(src, "a"), 0o4750)
    os.link(os.path.join(src, "a"), os.path.join(src, "b"))
    tar = os.path.join(TMP, "hardlink.tar")
    subprocess.run(["tar", "--owner=7", "--group=8", "-cf", tar, "-C", src, "a", "b"],
                   check=True)
    with tarfile.open(tar) as t:
        want = {m.name: (m.mode, m.uid, m.gid) for m in t.getmembers()}
        assert t.getmember("b").islnk()
    r, out, man = extract(tar)
    assert r.returncode == 0, r.stderr
    got = {o["path"].rsplit("/", 1)[1]: (int(o["mode"], 8), o["uid"], o["gid"])
           for o in man["objects"] if o["kind"] == "file" and "/0x0-tar/" in o["path"]}
    assert got["b"] == want["a"] == got["a"], (got, want)


if __name__ == "__main__":
    try:
        main(globals())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
