"""test_archive.py - the archive handlers (tar, cpio, zip, 7z, ar, rpm, cab, iso9660)
through the real engine, on fixtures built at test time with the real tools.

usage: test_archive.py XRUN [VETTER]   (TEST_ONLY=substring runs a subset)

For each fixture: extraction through xrun yields exactly the source tree (names,
contents, link targets, modes where the format stores them); the chunk is the whole
file, also when the archive is carved from the middle of a larger blob; truncated and
randomly damaged copies never crash or hang, report a diagnostic when cut, and still
give every member that lies wholly before the damage intact. Hostile archives (names
leaving the archive, writes through a symbolic link, device nodes) write nothing
outside the output directory and are reported. Expectations come from the source trees
and the tools that built the fixtures (tar, cpio, zip, 7z, ar, dpkg-deb, rpmbuild,
rpm2cpio, gcab, genisoimage, isoinfo; Python's tarfile and zipfile), never from vetter."""
import io
import json
import os
import random
import shutil
import stat
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import archtree as t  # noqa: E402
import members  # noqa: E402

XRUN = os.path.abspath(sys.argv[1])
VETTER = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
TMP = tempfile.mkdtemp(prefix="vetter-archive-")
PREFIX = b"\x5a" * 4097
SUFFIX = b"\xa5" * 3001


def work(name):
    d = os.path.join(TMP, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def out_dir(base, name="out"):
    d = os.path.join(base, name)
    shutil.rmtree(d, ignore_errors=True)
    return d


def names_in(src):
    return sorted(os.listdir(src))


# ---- the checks every fixture gets ----

def check_extraction(image, fmt, expected, variant=None, check_mode=True, carve=True,
                     check_special_mode=True):
    """xrun yields `expected`, the chunk is the whole file, and carving finds it again."""
    base = os.path.dirname(image)
    size = os.path.getsize(image)
    r = t.xrun(XRUN, image, out_dir(base), fmt)
    assert r.rc == 0, f"xrun failed on {image}:\n{r.stderr[-3000:]}"
    c = r.chunk(fmt)
    assert (c["offset"], c["length"], c["state"]) == (0, size, "complete"), c
    if variant:
        assert c["variant"] == variant, c
    probs = t.compare(expected, r.entries, check_mode, check_special_mode)
    assert not probs, "\n".join(probs[:40])
    if carve:
        with open(image, "rb") as f:
            data = f.read()
        blob = os.path.join(base, "carved.bin")
        with open(blob, "wb") as f:
            f.write(PREFIX + data + SUFFIX)
        r2 = t.xrun(XRUN, blob, out_dir(base, "out-carved"), fmt)
        c2 = r2.chunk(fmt)
        assert (c2["offset"], c2["length"], c2["state"]) == (len(PREFIX), size, "complete"), c2
        probs = t.compare(expected, r2.entries, check_mode, check_special_mode)
        assert not probs, "carved: " + "\n".join(probs[:40])
        os.unlink(blob)
    return r


def damage_cases(data, rnd, flips=10):
    """(label, damaged bytes, first damaged offset): cuts and byte flips."""
    n = len(data)
    cuts = sorted({n // 10, n // 3, n // 2, n * 9 // 10, n - 1, 700, 1100, 4000})
    for cut in cuts:
        if 0 < cut < n:
            yield f"cut at {cut}", data[:cut], cut
    for i in range(flips):
        pos = sorted(rnd.sample(range(n), rnd.choice([1, 2, 4])))
        yield f"flip at {pos}", t.flip(data, pos, rnd), pos[0]


def check_damage(image, fmt, expected, member_list=None, intact_limit=None, seed=7,
                 flips=10, padding_from=None, intact_from=0, in_order=False):
    """Damaged copies: no crash or hang (xrun checks the exit status), a diagnostic when
    cut (before padding_from, where only the padding after the end marker is left),
    and each member of member_list wholly before the damage extracted intact
    (intact_limit: damage from this offset on is not checked that way, nor damage before
    intact_from, where it hits the directory of every member; in_order: members are read
    in the order of their start, so one is expected only when all that start before it
    end before the damage; libarchive's ISO reader gives empty files last, so these are
    not expected either)."""
    base = os.path.dirname(image)
    with open(image, "rb") as f:
        data = f.read()
    rnd = random.Random(seed)
    probs = []
    for label, bad, first in damage_cases(data, rnd, flips):
        path = os.path.join(base, "damaged.bin")
        with open(path, "wb") as f:
            f.write(bad)
        r = t.xrun(XRUN, path, out_dir(base, "out-damaged"), fmt)
        cut = len(bad) < len(data) and (padding_from is None or len(bad) < padding_from)
        if cut and r.chunks and not r.diags:
            probs.append(f"{label}: no diagnostic")
        if member_list is None or (intact_limit is not None and first >= intact_limit) or \
                first < intact_from:
            continue
        for name, start, end in member_list:
            if end > first or name not in expected:
                continue
            if in_order and (start == end or
                             any(s <= start and e > first for _, s, e in member_list)):
                continue
            g = r.entries.get(name)
            e = expected[name]
            ok = g is not None and (g.sha == e.sha or g.kind == "hardlink" or
                                    (e.kind == "symlink" and g.target == e.target))
            if g is not None and e.kind == "symlink" and g.kind == "file":
                # a zip read from its local headers has no modes: the link is its data
                ok = fmt == "zip" and g.sha == t.sha256_bytes(e.target.encode())
            if not ok:
                probs.append(f"{label}: {name!r} (bytes {start}-{end}) lost or damaged: {g}")
    assert not probs, "\n".join(probs[:30])


# ---- tar ----

def tar_damage(image, exp):
    with open(image, "rb") as f:
        data = f.read()
    check_damage(image, "tar", exp, members.tar_members(data),
                 padding_from=members.tar_end(data))


def make_tar(fmt, extra=(), **tree):
    w = work("tar-" + fmt + "-".join(extra))
    src = t.make_tree(os.path.join(w, "src"), **tree)
    image = os.path.join(w, "fixture.tar")
    t.check_run(["tar", "--format=" + fmt, *extra, "-cf", image, "-C", src, "--",
                 *names_in(src)])
    return image, t.scan(src)


def test_tar_gnu():
    t.need_tools("tar")
    image, exp = make_tar("gnu", ("--sparse",))
    check_extraction(image, "tar", exp, "gnu")
    tar_damage(image, exp)


def test_tar_pax():
    t.need_tools("tar")
    image, exp = make_tar("posix", ("--sparse", "--sparse-version=1.0"))
    check_extraction(image, "tar", exp, "pax")
    tar_damage(image, exp)


def test_tar_pax_sparse_0x():
    t.need_tools("tar")
    for v in ("0.0", "0.1"):
        image, exp = make_tar("posix", ("--sparse", "--sparse-version=" + v))
        check_extraction(image, "tar", exp, "pax", carve=False)


def test_tar_ustar():
    t.need_tools("tar")
    image, exp = make_tar("ustar", long_names=False, long_link=False, deep=30)
    check_extraction(image, "tar", exp, "ustar")
    tar_damage(image, exp)


def test_tar_dot_root():
    """tar -C src . stores "./" and "./name": the root entry is the chunk itself."""
    t.need_tools("tar")
    w = work("tar-dot")
    src = t.make_tree(os.path.join(w, "src"), big=False, deep=3)
    image = os.path.join(w, "fixture.tar")
    t.check_run(["tar", "--format=gnu", "-cf", image, "-C", src, "."])
    check_extraction(image, "tar", t.scan(src), "gnu", carve=False)


def test_tar_pax_big_member_python():
    """A pax archive whose member sizes are in "size" records (Python's tarfile writes
    them when asked for pax format), plus an empty archive."""
    w = work("tar-pyx")
    image = os.path.join(w, "fixture.tar")
    payload = random.Random(3).randbytes(5000)
    with tarfile.open(image, "w", format=tarfile.PAX_FORMAT) as tf:
        ti = tarfile.TarInfo("data/blob.bin")
        ti.size = len(payload)
        ti.pax_headers = {"size": str(len(payload)), "comment": "x" * 600}
        tf.addfile(ti, io.BytesIO(payload))
    exp = {"data": t.Entry("directory", 0o755),
           "data/blob.bin": t.Entry("file", 0o644, len(payload), t.sha256_bytes(payload))}
    r = t.xrun(XRUN, image, out_dir(w), "tar")
    c = r.chunk("tar")
    assert c["length"] == os.path.getsize(image), c
    got = {p: e for p, e in r.entries.items() if e.kind == "file"}
    assert t.compare({"data/blob.bin": exp["data/blob.bin"]}, got) == []


# ---- cpio ----

def make_cpio(fmt, **tree):
    w = work("cpio-" + fmt)
    src = t.make_tree(os.path.join(w, "src"), **tree)
    image = os.path.join(w, "fixture.cpio")
    names = subprocess.run("find . -mindepth 1 -printf '%P\\n'", shell=True, cwd=src,
                           capture_output=True, check=True).stdout
    with open(image, "wb") as f:
        r = subprocess.run(["cpio", "-o", "-H", fmt], input=names, stdout=f, cwd=src,
                           capture_output=False, stderr=subprocess.PIPE)
    assert r.returncode == 0, r.stderr
    return image, t.scan(src)


def cpio_damage(image, exp):
    with open(image, "rb") as f:
        data = f.read()
    mlist = members.cpio_members(data)
    # a multiply-linked file's data may come with its last name (newc): not checked
    counts = {}
    for e in exp.values():
        counts[e.ino] = counts.get(e.ino, 0) + 1
    mlist = [m for m in mlist if m[0] in exp and counts[exp[m[0]].ino] == 1]
    check_damage(image, "cpio", exp, mlist, padding_from=members.cpio_end(data))


def test_cpio_newc():
    t.need_tools("cpio")
    image, exp = make_cpio("newc", socket_node=True)
    check_extraction(image, "cpio", exp, "newc")
    cpio_damage(image, exp)


def test_cpio_crc():
    t.need_tools("cpio")
    image, exp = make_cpio("crc", socket_node=True)
    check_extraction(image, "cpio", exp, "crc")
    cpio_damage(image, exp)


def test_cpio_odc():
    t.need_tools("cpio")
    image, exp = make_cpio("odc", socket_node=True)
    check_extraction(image, "cpio", exp, "odc")
    cpio_damage(image, exp)


def test_cpio_bin_le():
    t.need_tools("cpio")
    image, exp = make_cpio("bin", socket_node=True)
    check_extraction(image, "cpio", exp, "bin le")
    cpio_damage(image, exp)


def swap_bin_cpio(data):
    """GNU cpio's little-endian binary archive as a big-endian machine writes it: each
    26-byte header's 16-bit words byte-swapped (cpio(5): words in the writer's byte
    order, 32-bit values as two words, most significant first); names and data as is."""
    d = bytearray(data)
    p = 0
    while True:
        w = struct.unpack_from("<13H", d, p)
        assert w[0] == 0o70707, f"not a binary cpio header at {p}"
        struct.pack_into(">13H", d, p, *w)
        namesize, size = w[10], w[11] << 16 | w[12]
        name = bytes(d[p + 26:p + 26 + namesize - 1])
        p += 26 + namesize + (namesize & 1) + size + (size & 1)
        if name == b"TRAILER!!!":
            return bytes(d)


def test_cpio_bin_be():
    """Big-endian old binary cpio, checked first against GNU cpio's own extraction of it
    (GNU cpio reads either byte order), then against the source tree."""
    t.need_tools("cpio")
    le, exp = make_cpio("bin", socket_node=True)
    w = os.path.dirname(le)
    image = os.path.join(w, "fixture-be.cpio")
    with open(le, "rb") as f, open(image, "wb") as g:
        g.write(swap_bin_cpio(f.read()))
    ref = os.path.join(w, "ref")
    os.makedirs(ref)
    with open(image, "rb") as f:
        r = subprocess.run(["cpio", "-idm", "--quiet"], stdin=f, cwd=ref, capture_output=True)
    assert r.returncode == 0, r.stderr
    probs = t.compare(exp, t.scan(ref))
    assert not probs, "GNU cpio's own extraction differs: " + "\n".join(probs)
    check_extraction(image, "cpio", exp, "bin be")
    cpio_damage(image, exp)


# ---- zip ----

def make_zip(name, args, **tree):
    w = work("zip-" + name)
    src = t.make_tree(os.path.join(w, "src"), specials=False, hardlinks=False, **tree)
    image = os.path.join(w, "fixture.zip")
    t.check_run(["zip", "-q", "-r", "--symlinks", *args, image, "--", *names_in(src)],
                cwd=src)
    return image, t.scan(src)


def zip_damage(image, exp):
    with open(image, "rb") as f:
        mlist, cd = members.zip_members(f.read())
    check_damage(image, "zip", exp, mlist, intact_limit=cd)


def test_zip_deflate():
    t.need_tools("zip")
    image, exp = make_zip("deflate", [])
    check_extraction(image, "zip", exp, "zip")
    zip_damage(image, exp)


def test_zip_stored():
    t.need_tools("zip")
    image, exp = make_zip("stored", ["-0"])
    check_extraction(image, "zip", exp, "zip")
    zip_damage(image, exp)


def test_zip_zip64_forced():
    t.need_tools("zip")
    image, exp = make_zip("zip64", ["-fz"])
    check_extraction(image, "zip", exp, "zip64")
    zip_damage(image, exp)


def test_zip_self_extracting():
    """A stub before the archive and offsets adjusted to count from the file's start
    (zip -A, as self-extracting archives are made): modes and links still come from the
    central directory."""
    t.need_tools("zip")
    image, exp = make_zip("sfx", [], big=False, sparse=False, deep=3)
    w = os.path.dirname(image)
    sfx = os.path.join(w, "sfx.zip")
    stub = b"#!/bin/sh\necho stub\n" + b"Z" * 5000
    with open(image, "rb") as f, open(sfx, "wb") as g:
        g.write(stub + f.read())
    t.check_run(["zip", "-q", "-A", sfx])
    r = t.xrun(XRUN, sfx, out_dir(w), "zip")
    c = r.chunk("zip")
    assert (c["offset"], c["offset"] + c["length"]) == (len(stub), os.path.getsize(sfx)), c
    probs = t.compare(exp, r.entries)
    assert not probs, "\n".join(probs)


def test_zip_streamed_python_zip64():
    """Python's zipfile: streamed members (data descriptors) with forced zip64 sizes,
    stored and deflated, and a comment after the end record."""
    w = work("zip-py")
    image = os.path.join(w, "fixture.zip")
    rnd = random.Random(5)
    files = {"a/one.txt": b"one\n" * 1000, "a/two.bin": rnd.randbytes(20000),
             "empty": b"", "ünï cödé.txt": "ü\n".encode()}
    with zipfile.ZipFile(image, "w") as zf:
        for i, (n, d) in enumerate(files.items()):
            zi = zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED if i % 2 else zipfile.ZIP_STORED
            zi.external_attr = (0o100640 if i % 2 else 0o104755) << 16
            with zf.open(zi, "w", force_zip64=True) as f:
                f.write(d)
        zf.comment = b"a trailing comment"
    exp = {}
    for i, (n, d) in enumerate(files.items()):
        exp[n] = t.Entry("file", 0o640 if i % 2 else 0o4755, len(d), t.sha256_bytes(d))
    r = t.xrun(XRUN, image, out_dir(w), "zip")
    c = r.chunk("zip")
    assert c["length"] == os.path.getsize(image) and c["variant"] == "zip64", c
    got = {p: e for p, e in r.entries.items() if e.kind != "directory"}
    probs = t.compare(exp, got)
    assert not probs, "\n".join(probs)
    # cut before the central directory: the local headers still give the members
    with open(image, "rb") as f:
        data = f.read()
    mlist, cd = members.zip_members(data)
    cut = os.path.join(w, "cut.zip")
    with open(cut, "wb") as f:
        f.write(data[:cd])
    r = t.xrun(XRUN, cut, out_dir(w, "out-cut"), "zip")
    got = {p: e for p, e in r.entries.items() if e.kind != "directory"}
    assert not t.compare(exp, got, check_mode=False), t.compare(exp, got, False)
    assert r.diags, "no diagnostic for a cut zip"


# ---- 7z ----

def test_7z():
    t.need_tools("7z")
    for name, args in (("lzma2", []), ("copy", ["-m0=Copy"]), ("bzip2", ["-m0=BZip2"])):
        w = work("7z-" + name)
        src = t.make_tree(os.path.join(w, "src"), specials=False)
        image = os.path.join(w, "fixture.7z")
        t.check_run(["7z", "a", "-bd", "-snl", "-snh", *args, image, "--", *names_in(src)],
                    cwd=src)
        exp = t.scan(src)
        check_extraction(image, "7z", exp, "7z")
        check_damage(image, "7z", exp, flips=6)


# ---- ar and Debian packages ----

def test_ar():
    t.need_tools("ar")
    w = work("ar")
    src = os.path.join(w, "src")
    os.makedirs(src)
    rnd = random.Random(9)
    files = {"a.o": (b"short\n", 0o4755), "odd": (b"x", 0o600),
             "a much longer member name.txt": (rnd.randbytes(1001), 0o644),
             "empty": (b"", 0o644), "sp ace": (b"name with space\n", 0o755),
             "ünïcödé-long-name.bin": (rnd.randbytes(77), 0o640)}
    for n, (d, mode) in files.items():
        t.write(os.path.join(src, n), d, mode)
    image = os.path.join(w, "fixture.a")
    t.check_run(["ar", "rcU", image, *files], cwd=src)
    exp = t.scan(src)
    check_extraction(image, "ar", exp, "gnu ar")
    with open(image, "rb") as f:
        check_damage(image, "ar", exp, members.ar_members(f.read()))


def test_ar_deb():
    """dpkg-deb's package: its members as `ar x` extracts them."""
    t.need_tools("dpkg-deb", "ar")
    w = work("deb")
    pkg = os.path.join(w, "pkg")
    t.write(os.path.join(pkg, "DEBIAN", "control"),
            b"Package: vetter-fixture\nVersion: 1.0\nArchitecture: all\n"
            b"Maintainer: t <t@example.org>\nDescription: fixture\n")
    t.write(os.path.join(pkg, "usr", "bin", "tool"), b"#!/bin/sh\necho hi\n", 0o4755)
    image = os.path.join(w, "fixture.deb")
    t.check_run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", pkg, image])
    ref = os.path.join(w, "ref")
    os.makedirs(ref)
    t.check_run(["ar", "x", image], cwd=ref)
    exp = t.scan(ref)
    check_extraction(image, "ar", exp, "deb", check_mode=False)
    with open(image, "rb") as f:
        check_damage(image, "ar", exp, members.ar_members(f.read()))


# ---- rpm ----

SPEC = """Name: vetter-fixture
Version: 1.0
Release: 1
Summary: fixture
License: MIT
BuildArch: noarch
%description
fixture
%install
mkdir -p %{buildroot}/usr/bin "%{buildroot}/etc/fixture dir"
printf 'hello\\n' > %{buildroot}/usr/bin/tool
head -c 100000 /dev/urandom > %{buildroot}/usr/bin/blob
ln -s tool %{buildroot}/usr/bin/toollink
printf 'conf\\n' > "%{buildroot}/etc/fixture dir/ünï cödé.conf"
: > "%{buildroot}/etc/fixture dir/empty"
%files
%attr(4755,root,root) /usr/bin/tool
/usr/bin/blob
/usr/bin/toollink
"/etc/fixture dir"
%dev(c,1,3) %attr(0666,root,root) /dev/fixture-null
"""

RPM_PAYLOADS = {"gzip": ("w9.gzdio", "payload.cpio.gz", ["gzip", "-dc"]),
                "xz": ("w6.xzdio", "payload.cpio.xz", ["xz", "-dc"]),
                "zstd": ("w19.zstdio", "payload.cpio.zst", ["zstd", "-dc"]),
                "bzip2": ("w9.bzdio", "payload.cpio.bz2", ["bzip2", "-dc"])}


def make_rpm(comp):
    w = work("rpm-" + comp)
    spec = os.path.join(w, "fixture.spec")
    with open(spec, "w") as f:
        f.write(SPEC)
    io_name = RPM_PAYLOADS[comp][0]
    t.check_run(["rpmbuild", "-bb", "--quiet", "--define", "_topdir " + w, "--define",
                 "_binary_payload " + io_name, spec])
    rpms = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(w, "RPMS")) for f in fs]
    assert len(rpms) == 1, rpms
    return rpms[0]


def test_rpm():
    """The payload child, decompressed by its own tool, is what rpm2cpio gives."""
    t.need_tools("rpmbuild", "rpm2cpio", "gzip", "xz", "zstd", "bzip2")
    for comp, (_, child, unpack) in RPM_PAYLOADS.items():
        image = make_rpm(comp)
        w = os.path.dirname(image)
        ref = subprocess.run(["rpm2cpio", image], capture_output=True, check=True).stdout
        out = out_dir(w)
        r = t.xrun(XRUN, image, out, "rpm")
        assert r.rc == 0, r.stderr
        c = r.chunk("rpm")
        assert (c["offset"], c["length"]) == (0, os.path.getsize(image)), c
        assert list(r.entries) == [child], r.entries
        chunk_dir = os.path.join(out, os.path.basename(image) + ".x", "0x0-rpm")
        with open(os.path.join(chunk_dir, child), "rb") as f:
            got = subprocess.run(unpack, stdin=f, capture_output=True, check=True).stdout
        assert got == ref, f"{comp}: payload differs from rpm2cpio's output"
        # carved from a larger blob
        with open(image, "rb") as f:
            data = f.read()
        blob = os.path.join(w, "carved.bin")
        with open(blob, "wb") as f:
            f.write(PREFIX + data + SUFFIX)
        c2 = t.xrun(XRUN, blob, out_dir(w, "out-carved"), "rpm").chunk("rpm")
        assert (c2["offset"], c2["length"]) == (len(PREFIX), len(data)), c2
        check_damage(image, "rpm", {}, flips=6)


# ---- cab ----

def test_cab():
    t.need_tools("gcab", "cabextract")
    w = work("cab")
    src = os.path.join(w, "src")
    rnd = random.Random(11)
    files = {"a.txt": b"hi\n", "sub/big.bin": rnd.randbytes(70000), "empty": b"",
             "sub/with space.txt": b"".join(b"%d\n" % i for i in range(20000)),
             "ünïcödé.txt": "ü\n".encode()}
    for n, d in files.items():
        t.write(os.path.join(src, n), d)
    for name, args in (("stored", []), ("mszip", ["-z"])):
        image = os.path.join(w, name + ".cab")
        t.check_run(["gcab", "-c", *args, image, *files], cwd=src)
        ref = os.path.join(w, "ref-" + name)
        t.check_run(["cabextract", "-q", "-d", ref, image])
        exp = {p: e for p, e in t.scan(ref).items() if e.kind == "file"}
        assert set(exp) == set(files), f"cabextract gives {sorted(exp)}"
        r = check_extraction(image, "cab", exp, "cab", check_mode=False,
                             carve=(name == "mszip"))
        check_damage(image, "cab", exp, flips=6)
        assert r.rc == 0


# ---- iso9660 ----

def make_iso(name, args, **tree):
    w = work("iso-" + name)
    src = t.make_tree(os.path.join(w, "src"), **tree)
    image = os.path.join(w, "fixture.iso")
    t.check_run(["genisoimage", "-quiet", *args, "-o", image, src])
    return image, t.scan(src)


def test_iso_rock_ridge_joliet():
    """Rock Ridge names, modes, links and device nodes (a symbolic link target longer
    than one SL record is left out: genisoimage's own readers disagree on it)."""
    t.need_tools("genisoimage")
    image, exp = make_iso("rrj", ["-R", "-J", "-joliet-long"], long_link=False)
    check_extraction(image, "iso9660", exp, "iso9660 rock ridge joliet")
    mlist = members.iso_members(image)
    assert len(mlist) >= 10, mlist
    check_damage(image, "iso9660", exp, mlist, intact_from=min(m[1] for m in mlist),
                 in_order=True)


def test_iso_joliet():
    """Joliet names only: no modes, links or device nodes."""
    t.need_tools("genisoimage")
    image, exp = make_iso("joliet", ["-J"], long_link=False, specials=False, symlinks=False,
                          long_names=False, deep=5, hardlinks=False, odd_modes=False)
    check_extraction(image, "iso9660", exp, "iso9660 joliet", check_mode=False)


def test_iso_plain():
    """Plain ISO 9660 names, as isoinfo lists them (without the ';1' version)."""
    t.need_tools("genisoimage", "isoinfo")
    image, src_exp = make_iso("plain", [], long_link=False, specials=False, symlinks=False,
                              long_names=False, deep=3, hardlinks=False, odd_modes=False,
                              sparse=False)
    listing = t.check_run(["isoinfo", "-f", "-i", image]).stdout.split("\n")
    exp = {}
    for line in listing:
        if not line.startswith("/"):
            continue
        # ECMA-119 file identifier: NAME.EXT;VERSION, the separator kept when EXT is empty
        name = line[1:].split(";")[0]
        if ";" in line and name.endswith("."):
            name = name[:-1]
        ref = os.path.join(os.path.dirname(image), "ref.bin")
        if ";" in line:
            with open(ref, "wb") as f:
                t.check_run(["isoinfo", "-i", image, "-x", line], stdout=f, capture_output=False)
            exp[name] = t.Entry("file", 0, os.path.getsize(ref), t.sha256_file(ref))
        else:
            exp[name] = t.Entry("directory", 0)
    assert len(exp) >= 8, listing
    check_extraction(image, "iso9660", exp, "iso9660", check_mode=False)


# ---- hostile archives ----

def hostile_check(image, fmt, through_link=True):
    """Extraction into a fresh nested directory writes nothing outside it, and is reported."""
    w = os.path.dirname(image)
    box = os.path.join(w, "box")
    shutil.rmtree(box, ignore_errors=True)
    out = os.path.join(box, "a", "b", "out")
    os.makedirs(os.path.dirname(out))
    marker = "/tmp/vetter-pwned-" + os.path.basename(w)
    if os.path.exists(marker):
        os.unlink(marker)
    r = t.xrun(XRUN, image, out, fmt)
    for d, dirs, files in os.walk(box):
        for n in dirs + files:
            p = os.path.join(d, n)
            assert p == os.path.join(box, "a") or p == os.path.join(box, "a", "b") or \
                p.startswith(out + os.sep) or p == out, f"written outside the output: {p}"
    assert not os.path.exists(marker), f"written through a link: {marker}"
    msgs = "\n".join(m for _, _, m in r.diags)
    assert "leaves the archive" in msgs, r.stderr
    if through_link:
        assert "not written" in msgs, r.stderr
    return r, marker


def test_hostile_tar():
    w = work("hostile-tar")
    image = os.path.join(w, "evil.tar")
    marker = "vetter-pwned-" + os.path.basename(w)
    with tarfile.open(image, "w", format=tarfile.GNU_FORMAT) as tf:
        def add(name, data=b"evil\n", **kw):
            ti = tarfile.TarInfo(name)
            for k, v in kw.items():
                setattr(ti, k, v)
            ti.size = len(data) if ti.type == tarfile.REGTYPE else 0
            tf.addfile(ti, io.BytesIO(data) if ti.type == tarfile.REGTYPE else None)
        add("../../evil1")
        add("/abs/evil2")
        add("evil", type=tarfile.SYMTYPE, linkname="/tmp")
        add("evil/" + marker)
        add("up", type=tarfile.SYMTYPE, linkname="../../..")
        add("up/" + marker)
        add("dev/kmem", type=tarfile.CHRTYPE, devmajor=1, devminor=2, mode=0o640)
        add("hl", type=tarfile.LNKTYPE, linkname="/etc/passwd")
        add("ok.txt", b"fine\n")
    r, _ = hostile_check(image, "tar")
    assert r.entries.get("ok.txt") and r.entries["ok.txt"].sha == t.sha256_bytes(b"fine\n")
    assert r.entries.get("dev/kmem") and r.entries["dev/kmem"].kind == "chardev"
    assert r.entries.get("evil") and r.entries["evil"].target == "/tmp"


def test_hostile_zip():
    w = work("hostile-zip")
    image = os.path.join(w, "evil.zip")
    marker = "vetter-pwned-" + os.path.basename(w)
    with zipfile.ZipFile(image, "w") as zf:
        zf.writestr("../../zevil1", b"evil\n")
        zf.writestr("/abs/zevil2", b"evil\n")
        zi = zipfile.ZipInfo("zlink")
        zi.create_system = 3
        zi.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(zi, "/tmp")
        zf.writestr("zlink/" + marker, b"evil\n")
        zf.writestr("ok.txt", b"fine\n")
    r, _ = hostile_check(image, "zip")
    assert r.entries.get("ok.txt") and r.entries["ok.txt"].sha == t.sha256_bytes(b"fine\n")
    assert r.entries.get("zlink") and r.entries["zlink"].target == "/tmp"


def newc_entry(name, mode, data=b"", ino=1, rdev=(0, 0), nlink=1):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    h = b"070701" + b"".join(b"%08X" % v for v in fields) + name_b
    h += b"\0" * (-len(h) % 4)
    return h + data + b"\0" * (-len(data) % 4)


def test_hostile_cpio():
    """Raw newc bytes per cpio(5)."""
    w = work("hostile-cpio")
    image = os.path.join(w, "evil.cpio")
    marker = "vetter-pwned-" + os.path.basename(w)
    d = b"".join([
        newc_entry("../../cevil1", 0o100644, b"evil\n", 1),
        newc_entry("/abs/cevil2", 0o100644, b"evil\n", 2),
        newc_entry("clink", 0o120777, b"/tmp", 3),
        newc_entry("clink/" + marker, 0o100644, b"evil\n", 4),
        newc_entry("dev/mem", 0o020640, b"", 5, (1, 1)),
        newc_entry("ok.txt", 0o104755, b"fine\n", 6),
        newc_entry("TRAILER!!!", 0, b"", 0),
    ])
    d += b"\0" * (-len(d) % 512)
    with open(image, "wb") as f:
        f.write(d)
    r, _ = hostile_check(image, "cpio")
    assert r.chunk("cpio")["length"] == len(d)
    assert r.entries.get("ok.txt") and r.entries["ok.txt"].mode == 0o4755
    assert r.entries.get("dev/mem") and r.entries["dev/mem"].kind == "chardev"


def test_hostile_ar():
    """BSD ar long names ("#1/N") can hold any bytes, '/' included."""
    w = work("hostile-ar")
    image = os.path.join(w, "evil.a")
    body = b"!<arch>\n"
    for name, data in ((b"../../aevil1", b"evil\n"), (b"/abs/aevil2", b"evil\n"),
                       (b"ok.txt", b"fine\n")):
        size = len(name) + len(data)
        hdr = (b"#1/%-13d" % len(name)) + b"%-12d%-6d%-6d%-8o%-10d`\n" % (0, 0, 0, 0o644, size)
        assert len(hdr) == 60
        body += hdr + name + data + (b"\n" if size & 1 else b"")
    with open(image, "wb") as f:
        f.write(body)
    r, _ = hostile_check(image, "ar", through_link=False)
    assert r.chunk("ar")["length"] == len(body)
    assert r.entries.get("ok.txt") and r.entries["ok.txt"].sha == t.sha256_bytes(b"fine\n")


# ---- the whole engine ----

def test_recursive_deb_and_rpm():
    """vetter extract goes on into data.tar.gz of a .deb and the payload of an .rpm."""
    if VETTER is None:
        raise AssertionError("usage: test_archive.py XRUN VETTER")
    t.need_tools("dpkg-deb", "rpmbuild")
    w = work("recursive")
    pkg = os.path.join(w, "pkg")
    t.write(os.path.join(pkg, "DEBIAN", "control"),
            b"Package: vetter-fixture\nVersion: 1.0\nArchitecture: all\n"
            b"Maintainer: t <t@example.org>\nDescription: fixture\n")
    t.write(os.path.join(pkg, "usr", "bin", "tool"), b"#!/bin/sh\necho deb\n", 0o755)
    deb = os.path.join(w, "fixture.deb")
    t.check_run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", pkg, deb])
    rpm = make_rpm("gzip")
    for image, want in ((deb, b"#!/bin/sh\necho deb\n"), (rpm, b"hello\n")):
        out = os.path.join(w, "out-" + os.path.basename(image))
        shutil.rmtree(out, ignore_errors=True)
        r = t.run([VETTER, "extract", "--no-progress", "-q", "-o", out, image])
        assert r.returncode == 0, r.stderr
        found = [os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs
                 if f == "tool" and os.path.basename(d) == "bin"]
        assert found, f"no usr/bin/tool under {out}"
        with open(found[0], "rb") as f:
            assert f.read() == want


def test_recursive_owner_and_mtime():
    """Owner and mtime reach the manifest (xrun does not print them): tar and cpio."""
    if VETTER is None:
        raise AssertionError("usage: test_archive.py XRUN VETTER")
    t.need_tools("tar", "cpio")
    w = work("owner")
    src = os.path.join(w, "src")
    t.write(os.path.join(src, "owned"), b"owned\n", 0o640)
    os.chown(os.path.join(src, "owned"), 1234, 5678)
    os.utime(os.path.join(src, "owned"), (1500000000, 1500000000))
    tar = os.path.join(w, "fixture.tar")
    t.check_run(["tar", "--format=posix", "-cf", tar, "-C", src, "owned"])
    cpio = os.path.join(w, "fixture.cpio")
    with open(cpio, "wb") as f:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc"], input=b"owned\n", stdout=f,
                       cwd=src, check=True)
    for image in (tar, cpio):
        out = os.path.join(w, "out-" + os.path.basename(image))
        r = t.run([VETTER, "extract", "--no-progress", "-q", "-o", out, image])
        assert r.returncode == 0, r.stderr
        with open(os.path.join(out, "manifest.json")) as f:
            objs = json.load(f)["objects"]
        o = [o for o in objs if o["path"].endswith("/owned")]
        assert len(o) == 1, [x["path"] for x in objs]
        assert (o[0]["uid"], o[0]["gid"], o[0]["mtime"], o[0]["mode"]) == \
            (1234, 5678, 1500000000, "0640"), o[0]


if __name__ == "__main__":
    try:
        t.harness.main(globals())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
