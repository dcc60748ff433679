#!/usr/bin/env python3
"""test_compress.py XRUN MKLZMA - the stream compressor handlers through the real engine.

Fixtures are made at test time by the real tools (gzip, bzip2, xz, xz --format=lzma,
zstd, pzstd, lz4, lz4 -l, lzop, lzip, ncompress, Python's zlib module; mklzma, built
beside this script, for the known-size lzma variant firmware uses) from payloads made
here, and every expectation comes from those tools: the content each child must have
is what the reference decompressor (`gzip -dc`, ...) prints for the same fixture, the
extent is the fixture's size, stored names and modes are what the tool was given.

Each fixture is also carved from the middle of random data, followed by garbage,
concatenated with a second stream, truncated at several points and damaged by flipped
bytes: no crash, a sane exit status, a diagnostic wherever the reference tool reports
an error, and at least as much correct content as the reference tool recovers.
A 50 MB run of zeros checks that extraction streams (time and peak memory).

TEST_ONLY=FORMAT runs one format. Prints "N passed, N failed"; exits 1 on failure.
"""
import hashlib
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

XRUN, MKLZMA = sys.argv[1], sys.argv[2]
ONLY = os.environ.get("TEST_ONLY")
TMP = tempfile.mkdtemp(prefix="vt-compress-")
BIG = 50 * 1000 * 1000
BIG_MAX_SECONDS = 20
BIG_MAX_RSS_KB = 150 * 1024  # flat: far below the 50 MB output (baseline is ~30 MB)
# A cut stream is kept only with enough data to tell it from chance (the engine wants
# confidence 48 for truncated chunks): fewer compressed bytes than this may give none.
MIN_CUT = 4096
# Range decoders differ by a few bytes in how far they decode into a cut stream.
SLACK = 32

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name}" + (f": {detail}" if detail else ""), flush=True)
    return cond


def need(tool):
    if shutil.which(tool) is None:
        print(f"FAIL: required tool '{tool}' is not installed (scripts/install-deps)")
        sys.exit(1)


def run(argv, data=None):
    """Runs argv with data on stdin: (returncode, stdout)."""
    p = subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return p.returncode, p.stdout


def tool(argv, data=None):
    rc, out = run(argv, data)
    if rc != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({rc})")
    return out


def sha(b):
    return hashlib.sha256(b).hexdigest()


def prefix_len(a, b):
    n = min(len(a), len(b))
    i = 0
    while i < n:
        step = min(4096, n - i)
        if a[i:i + step] != b[i:i + step]:
            while a[i] == b[i]:
                i += 1
            return i
        i += step
    return n


_n = 0


def write(name, data):
    global _n
    _n += 1
    d = os.path.join(TMP, f"f{_n}")
    os.makedirs(d)
    p = os.path.join(d, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


class Result:
    def __init__(self, path, fmt):
        global _n
        _n += 1
        self.out = os.path.join(TMP, f"o{_n}")
        argv = [XRUN] + (["-f", fmt] if fmt else []) + [path, self.out]
        t0 = time.monotonic()
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.seconds = time.monotonic() - t0
        self.rc = p.returncode
        self.base = os.path.basename(path)
        self.chunks, self.diags = [], []
        for line in p.stdout.decode("utf-8", "surrogateescape").splitlines():
            f = line.split("\t")
            if f[0] == "chunk":
                self.chunks.append({"format": f[1], "variant": f[2], "offset": int(f[3]),
                                    "length": int(f[4]), "confidence": int(f[5]),
                                    "state": f[6], "files": []})
            elif self.chunks:
                self.chunks[-1]["files"].append({"kind": f[0], "path": f[1], "mode": f[2],
                                                 "size": int(f[3]), "sha": f[4]})
        for line in p.stderr.decode("utf-8", "surrogateescape").splitlines():
            if line.startswith("diag\t"):
                self.diags.append(line.split("\t", 4)[1:])
        self.warnings = [d for d in self.diags if d[0] in ("warning", "error")]

    def at(self, off):
        return next((c for c in self.chunks if c["offset"] == off), None)

    def content(self, chunk):
        """The single child's bytes, None if it has none."""
        if len(chunk["files"]) != 1:
            return None
        d = os.path.join(self.out, self.base + ".x", "0x%x-%s" % (chunk["offset"],
                                                                    chunk["format"]))
        p = os.path.join(d, chunk["files"][0]["path"])
        if not os.path.isfile(p):
            return b""
        with open(p, "rb") as f:
            return f.read()

    def clean(self):
        shutil.rmtree(self.out, ignore_errors=True)


def crash(res):
    return res.rc not in (0, 1)


# ---- payloads ----

def payload_mixed(seed, size=300_000):
    """Text, binary and runs: several blocks for every block-based compressor."""
    r = random.Random(seed)
    words = [bytes(r.choice(b"abcdefghijklmnopqrstuvwxyz ") for _ in range(r.randint(2, 9)))
             for _ in range(400)]
    out = bytearray()
    while len(out) < size:
        k = r.random()
        if k < 0.5:
            out += b" ".join(r.choice(words) for _ in range(r.randint(5, 40))) + b"\n"
        elif k < 0.8:
            out += r.randbytes(r.randint(16, 512))
        else:
            out += bytes([r.randrange(256)]) * r.randint(4, 3000)
    return bytes(out[:size])


MIXED = payload_mixed(1)
SMALL = b"vetter compress fixture: hello, hostile world\n" * 3


# ---- the formats ----
# make(path) -> fixture bytes made by the tool from the file at path;
# ref(bytes) -> (rc, output) of the reference decompressor;
# name: "stored" when the child is named by the stored name, else the name hint.

def ref_zlib(data):
    d = zlib.decompressobj()
    try:
        out = d.decompress(data)
        return (0 if d.eof else 1), out
    except zlib.error:
        # what was decodable before the error, as zlib streams it out
        d, out = zlib.decompressobj(), b""
        for i in range(0, len(data), 64):
            try:
                out += d.decompress(data[i:i + 64])
            except zlib.error:
                break
        return 1, out


def make_zlib(path, level=9):
    with open(path, "rb") as f:
        return zlib.compress(f.read(), level)


FORMATS = {
    "gzip": dict(ext=".gz", make=lambda p: tool(["gzip", "-c", "-9", p]),
                 ref=lambda d: run(["gzip", "-dc"], d), name="stored", concat=1, tools=["gzip"]),
    "bzip2": dict(ext=".bz2", make=lambda p: tool(["bzip2", "-c", "-1", p]),
                  ref=lambda d: run(["bzip2", "-dc"], d), concat=1, tools=["bzip2"]),
    "xz": dict(ext=".xz", make=lambda p: tool(["xz", "-c", p]),
               ref=lambda d: run(["xz", "-dc"], d), concat=1, tools=["xz"]),
    "lzma": dict(ext=".lzma", make=lambda p: tool(["xz", "--format=lzma", "-c", p]),
                 ref=lambda d: run(["xz", "--format=lzma", "-dc"], d), concat=2, tools=["xz"]),
    "zstd": dict(ext=".zst", make=lambda p: tool(["zstd", "-q", "-c", p]),
                 ref=lambda d: run(["zstd", "-q", "-dc"], d), concat=1, tools=["zstd", "pzstd"]),
    "lz4": dict(ext=".lz4", make=lambda p: tool(["lz4", "-q", "-c", p]),
                ref=lambda d: run(["lz4", "-q", "-dc"], d), concat=1, tools=["lz4"]),
    "lzop": dict(ext=".lzo", make=lambda p: tool(["lzop", "-c", p]),
                 ref=lambda d: run(["lzop", "-dc"], d), name="stored", concat=2,
                 tools=["lzop"]),
    "lzip": dict(ext=".lz", make=lambda p: tool(["lzip", "-c", p]),
                 ref=lambda d: run(["lzip", "-dc"], d), concat=1, tools=["lzip"]),
    "compress": dict(ext=".Z", make=lambda p: tool(["compress", "-f", "-c", p]),
                     ref=lambda d: run(["compress", "-dc"], d), concat=0, to_end=True,
                     tools=["compress"]),
    "zlib": dict(ext=".zlib", make=make_zlib, ref=ref_zlib, concat=2, min_cut=40000,
                 tools=[]),
}


def fixture(fmt, payload, name="payload.bin"):
    """(fixture bytes, expected child bytes from the reference tool)."""
    spec = FORMATS[fmt]
    data = spec["make"](write(name, payload))
    rc, out = spec["ref"](data)
    if rc != 0 or out != payload:
        raise RuntimeError(f"{fmt}: the reference tool does not round-trip its own fixture")
    return data, out


def expect_one(tag, fmt, res, off, length, want, name=None, state="complete"):
    """One chunk of fmt at off with this extent, one child with content `want`."""
    c = res.at(off)
    if not check(f"{tag}: a {fmt} chunk at {off}", c is not None and c["format"] == fmt,
                 f"rc={res.rc} chunks={[(x['format'], x['offset']) for x in res.chunks]}"
                 f" diags={res.diags[:3]}"):
        return None
    check(f"{tag}: extent", c["length"] == length, f"{c['length']} != {length}")
    check(f"{tag}: {state}", c["state"] == state, c["state"])
    ok = check(f"{tag}: one child", len(c["files"]) == 1 and c["files"][0]["kind"] == "file",
               str(c["files"]))
    if ok:
        f = c["files"][0]
        check(f"{tag}: content", f["sha"] == sha(want) and f["size"] == len(want),
              f"{f['size']} bytes, want {len(want)}")
        if name is not None:
            check(f"{tag}: name", f["path"] == name, f"{f['path']!r} != {name!r}")
    return c


def hint(path):
    base = os.path.basename(path)
    return base.rsplit(".", 1)[0] if "." in base[1:] else base


# ---- generic cases ----

def case_basic(fmt, spec):
    for label, payload in (("mixed", MIXED), ("small", SMALL), ("empty", b"")):
        data, want = fixture(fmt, payload)
        p = write("fixture" + spec["ext"], data)
        res = Result(p, fmt)
        name = "payload.bin" if spec.get("name") == "stored" else "fixture"
        expect_one(f"{fmt} {label}", fmt, res, 0, len(data), want, name)
        check(f"{fmt} {label}: exit 0, no warning", res.rc == 0 and not res.warnings,
              f"rc={res.rc} {res.warnings[:2]}")
        # the engine, unrestricted, finds the same chunk first
        res2 = Result(p, None)
        check(f"{fmt} {label}: found without -f", res2.chunks and
              res2.chunks[0]["format"] == fmt and res2.chunks[0]["offset"] == 0,
              str([(c["format"], c["offset"]) for c in res2.chunks[:3]]))
        res.clean()
        res2.clean()


def case_carved(fmt, spec):
    """In the middle of random data, and followed by garbage: the extent is exact."""
    data, want = fixture(fmt, MIXED)
    r = random.Random(fmt)
    pre, post = r.randbytes(777), b"\xee" + r.randbytes(555)
    p = write("blob.bin", pre + data + post)
    res = Result(p, fmt)
    length = len(data) + len(post) if spec.get("to_end") else len(data)
    c = res.at(len(pre))
    if spec.get("to_end"):
        # no end marker: the stream runs to the end of the object; content starts right
        if check(f"{fmt} carved: chunk to the end", c is not None and c["length"] == length):
            got = res.content(c) or b""
            check(f"{fmt} carved: content starts with the stream's",
                  got[:len(want)] == want, f"{prefix_len(got, want)} of {len(want)}")
    else:
        expect_one(f"{fmt} carved", fmt, res, len(pre), length, want, None)
    res.clean()
    p = write("trailing" + spec["ext"], data + b"\x00garbage" * 100)
    res = Result(p, fmt)
    if not spec.get("to_end"):
        expect_one(f"{fmt} trailing garbage", fmt, res, 0, len(data), want, None)
    res.clean()


def case_concat(fmt, spec):
    a, wa = fixture(fmt, MIXED[:100_000])
    b, wb = fixture(fmt, payload_mixed(2, 50_000))
    p = write("two" + spec["ext"], a + b)
    res = Result(p, fmt)
    if spec["concat"] == 1:  # one chunk, content as the reference tool reads both
        rc, want = spec["ref"](a + b)
        check(f"{fmt} concat: reference reads both", rc == 0 and want == wa + wb)
        expect_one(f"{fmt} concat", fmt, res, 0, len(a) + len(b), wa + wb)
    elif spec["concat"] == 2:  # two chunks, each exact
        expect_one(f"{fmt} concat first", fmt, res, 0, len(a), wa)
        expect_one(f"{fmt} concat second", fmt, res, len(a), len(b), wb)
    res.clean()


def case_big(fmt, spec):
    zeros = bytes(BIG)
    data = spec["make"](write("zeros", zeros))
    rc, out = spec["ref"](data)
    check(f"{fmt} big: reference", rc == 0 and out == zeros)
    p = write("zeros" + spec["ext"], data)
    argv = [sys.executable, "-c",
            "import resource,subprocess,sys;subprocess.run(sys.argv[1:],stdout=subprocess."
            "DEVNULL,stderr=subprocess.DEVNULL);print(resource.getrusage("
            "resource.RUSAGE_CHILDREN).ru_maxrss)", XRUN, "-f", fmt, p,
            os.path.join(TMP, "big-" + fmt)]
    t0 = time.monotonic()
    rss = int(tool(argv).decode().strip())
    secs = time.monotonic() - t0
    check(f"{fmt} big: fast", secs < BIG_MAX_SECONDS, f"{secs:.1f}s")
    check(f"{fmt} big: memory flat", rss < BIG_MAX_RSS_KB, f"{rss} KB")
    res = Result(p, fmt)
    expect_one(f"{fmt} big", fmt, res, 0, len(data), zeros)
    res.clean()
    shutil.rmtree(os.path.join(TMP, "big-" + fmt), ignore_errors=True)


def judge_broken(tag, fmt, spec, res, broken, want):
    """A truncated or damaged fixture: no crash; a diagnostic where the reference tool
    reports an error; at least as much correct content as the reference recovers."""
    if not check(f"{tag}: no crash", not crash(res), f"rc={res.rc}"):
        return
    rrc, rout = spec["ref"](broken)
    ref_good = prefix_len(rout, want)
    c = res.at(0)
    if c is None:
        # a weak magic followed by little intact data is given up
        intact = first_diff(broken, spec["intact"])
        check(f"{tag}: chunk found",
              rrc != 0 and (intact < spec.get("min_cut", MIN_CUT) or ref_good == 0),
              f"{intact} intact bytes, reference recovered {ref_good} bytes")
        return
    got = res.content(c)
    got_good = prefix_len(got or b"", want)
    check(f"{tag}: content recovered", got_good + SLACK >= ref_good,
          f"{got_good} correct bytes, reference {ref_good}")
    if rrc != 0 and not spec.get("to_end"):
        check(f"{tag}: diagnostic", res.warnings, f"reference rc={rrc}")


def first_diff(a, b):
    """Where a and b first differ (the length of the shorter when one is a prefix)."""
    return prefix_len(a, b)


def case_truncated(fmt, spec):
    data, want = fixture(fmt, MIXED)
    spec["intact"] = data
    n = len(data)
    for cut in sorted({n * 1 // 4, n // 2, n * 3 // 4, n - 5, n - 1, 40}):
        broken = data[:cut]
        res = Result(write("cut" + spec["ext"], broken), fmt)
        judge_broken(f"{fmt} cut at {cut}/{n}", fmt, spec, res, broken, want)
        c = res.at(0)
        if c is not None and cut > 64 and not spec.get("to_end"):
            check(f"{fmt} cut at {cut}: chunk marked or diagnosed",
                  c["state"] == "truncated" or res.warnings)
        res.clean()


def case_damaged(fmt, spec):
    data, want = fixture(fmt, MIXED)
    spec["intact"] = data
    r = random.Random("damage-" + fmt)
    for i in range(6):
        broken = bytearray(data)
        for _ in range(r.randint(1, 3)):
            pos = r.randrange(1024, len(data))
            broken[pos] ^= 1 << r.randrange(8)
        if i == 5:  # the trailer or last block
            broken[-3] ^= 0x55
        res = Result(write("bad" + spec["ext"], bytes(broken)), fmt)
        judge_broken(f"{fmt} damage {i}", fmt, spec, res, bytes(broken), want)
        res.clean()


# ---- format-specific cases ----

def gzip_member(payload, flags=0, name=None, extra=None, comment=None, hcrc=False):
    """A gzip member built by hand (for header fields the gzip tool never writes)."""
    flg = (0x04 if extra is not None else 0) | (0x08 if name is not None else 0) | \
          (0x10 if comment is not None else 0) | (0x02 if hcrc else 0)
    h = b"\x1f\x8b\x08" + bytes([flg]) + struct.pack("<I", 1234567890) + b"\x00\x03"
    if extra is not None:
        h += struct.pack("<H", len(extra)) + extra
    if name is not None:
        h += name + b"\x00"
    if comment is not None:
        h += comment + b"\x00"
    if hcrc:
        h += struct.pack("<H", zlib.crc32(h) & 0xffff)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = c.compress(payload) + c.flush()
    return h + body + struct.pack("<II", zlib.crc32(payload), len(payload) & 0xffffffff)


def extra_gzip():
    for label, name in (("unicode", "ünïcødé ✓ naïve.txt"), ("spaces", "a name with spaces"),
                        ("long", "L" * 200 + ".txt")):
        payload = label.encode() * 100
        p = write(name, payload)
        data = tool(["gzip", "-c", p])
        rc, out = run(["gzip", "-dc"], data)
        check(f"gzip {label} name: reference", rc == 0 and out == payload)
        res = Result(write("named.gz", data), "gzip")
        expect_one(f"gzip {label} name", "gzip", res, 0, len(data), payload, name)
        res.clean()
    # no stored name (gzip -n): the object's name hint
    data = tool(["gzip", "-n", "-c", write("x", SMALL)])
    res = Result(write("initrd.img.gz", data), "gzip")
    expect_one("gzip no name", "gzip", res, 0, len(data), SMALL, "initrd.img")
    res.clean()
    # header fields gzip never writes, read by gzip -dc
    data = gzip_member(MIXED[:5000], name=b"with-extra", extra=b"AB\x04\x00data",
                       comment=b"a comment", hcrc=True)
    rc, out = run(["gzip", "-dc"], data)
    check("gzip fextra/fcomment/fhcrc: reference", rc == 0 and out == MIXED[:5000])
    res = Result(write("fields.gz", data), "gzip")
    expect_one("gzip fextra/fcomment/fhcrc", "gzip", res, 0, len(data), out, "with-extra")
    res.clean()
    # a stored name that leaves the archive is kept inside and reported
    data = gzip_member(SMALL, name=b"../../../etc/evil")
    res = Result(write("evil.gz", data), "gzip")
    c = res.at(0)
    if check("gzip ../ name: chunk", c is not None and len(c["files"]) == 1):
        path = c["files"][0]["path"]
        check("gzip ../ name: rebased", ".." not in path.split("/") and
              not path.startswith("/") and path.endswith("evil"), path)
        check("gzip ../ name: reported", any("leaves" in d[2] for d in res.diags))
        inside = os.path.realpath(res.out)
        escaped = [q for q in (os.path.join(TMP, "etc", "evil"), "/etc/evil")
                   if os.path.exists(q)]
        check("gzip ../ name: nothing written outside", not escaped and
              all(os.path.realpath(os.path.join(dp, f)).startswith(inside)
                  for dp, _, fs in os.walk(res.out) for f in fs))
    res.clean()
    # header crc damaged: gzip -dc refuses it, so must identify
    bad = bytearray(gzip_member(SMALL, name=b"x", hcrc=True))
    bad[12] ^= 0xff
    rc, _ = run(["gzip", "-dc"], bytes(bad))
    res = Result(write("hcrc.gz", bytes(bad)), "gzip")
    check("gzip bad header crc: refused like gzip", rc != 0 and res.at(0) is None and
          not crash(res))
    res.clean()


def extra_bzip2():
    data, want = fixture("bzip2", MIXED)  # -1: three 100k blocks
    check("bzip2 multi-block fixture", data.count(b"\x31\x41\x59\x26\x53\x59") >= 1)
    for lvl in ("-9", "-5"):
        d = tool(["bzip2", "-c", lvl, write("p", MIXED)])
        res = Result(write("lvl.bz2", d), "bzip2")
        expect_one(f"bzip2 {lvl}", "bzip2", res, 0, len(d), MIXED)
        res.clean()


def extra_xz():
    src = write("p", MIXED)
    for label, argv in (("multi-block", ["xz", "-T2", "--block-size=65536", "-c", src]),
                        ("check none", ["xz", "--check=none", "-c", src]),
                        ("check crc32", ["xz", "--check=crc32", "-c", src]),
                        ("check sha256", ["xz", "--check=sha256", "-c", src]),
                        ("x86 filter", ["xz", "--x86", "--lzma2", "-c", src])):
        d = tool(argv)
        check(f"xz {label}: reference", run(["xz", "-dc"], d) == (0, MIXED))
        res = Result(write("v.xz", d + b"trailing"), "xz")
        expect_one(f"xz {label}", "xz", res, 0, len(d), MIXED)
        res.clean()
    # stream padding between two streams, as xz -dc accepts
    a, b = tool(["xz", "-c", src]), tool(["xz", "-c", write("q", SMALL)])
    d = a + bytes(8) + b
    check("xz padding: reference", run(["xz", "-dc"], d) == (0, MIXED + SMALL))
    res = Result(write("pad.xz", d), "xz")
    expect_one("xz padding", "xz", res, 0, len(d), MIXED + SMALL)
    res.clean()


def extra_lzma():
    """The firmware variant: a known size, no end marker, any dictionary size."""
    src = write("kernel", MIXED)
    for dict_size in (8 << 20, 64 << 10, 4 << 10, 3 << 20, 1 << 25):
        for eopm in (False, True):
            out = os.path.join(TMP, "k.lzma")
            subprocess.run([MKLZMA, "-d", str(dict_size)] + (["-e"] if eopm else []) +
                           [src, out], check=True)
            with open(out, "rb") as f:
                d = f.read()
            tag = f"lzma known size dict {dict_size:#x}{' eopm' if eopm else ''}"
            check(f"{tag}: reference", run(["xz", "--format=lzma", "-dc"], d) == (0, MIXED))
            r = random.Random(tag)
            pre = r.randbytes(300)
            res = Result(write("fw.bin", pre + d + b"\xffsquashfs-would-follow" * 20), "lzma")
            expect_one(tag, "lzma", res, len(pre), len(d), MIXED)
            res.clean()
    # bad header fields are refused: props, dictionary, size
    good = tool(["xz", "--format=lzma", "-c", src])
    for label, patch in (("props lc+lp>4", (0, 0x5d + 9 * 2)), ("dict 0", (4, 0)),
                         ("size 2^40", (10, 1))):
        bad = bytearray(good)
        if label == "dict 0":
            bad[1:5] = b"\x00\x00\x00\x00"
        elif label == "size 2^40":
            bad[5:13] = struct.pack("<Q", 1 << 40)
        else:
            bad[patch[0]] = patch[1]
        res = Result(write("bad.lzma", bytes(bad)), "lzma")
        check(f"lzma {label}: refused", res.at(0) is None and not crash(res))
        res.clean()


def extra_zstd():
    src = write("p", MIXED)
    d = tool(["pzstd", "-q", "-p", "2", "-c", src])
    check("pzstd: reference", run(["zstd", "-q", "-dc"], d) == (0, MIXED))
    res = Result(write("p.zst", d + b"tail"), "zstd")
    expect_one("pzstd (skippable frames first)", "zstd", res, 0, len(d), MIXED)
    res.clean()
    skip = struct.pack("<II", 0x184D2A5E, 11) + b"hello world"
    z = tool(["zstd", "-q", "--no-check", "-c", src])
    d = skip + z + skip
    check("zstd skippable: reference", run(["zstd", "-q", "-dc"], d) == (0, MIXED))
    res = Result(write("s.zst", d), "zstd")
    expect_one("zstd skippable around", "zstd", res, 0, len(d), MIXED)
    res.clean()


def extra_lz4():
    src = write("p", MIXED)
    for label, argv in (("block checksums", ["lz4", "-q", "-BX", "-BD", "-c", src]),
                        ("content size", ["lz4", "-q", "--content-size", "-B4", "-c", src]),
                        ("no content checksum", ["lz4", "-q", "--no-frame-crc", "-c", src]),
                        ("hc", ["lz4", "-q", "-12", "-c", src])):
        d = tool(argv)
        check(f"lz4 {label}: reference", run(["lz4", "-q", "-dc"], d) == (0, MIXED))
        res = Result(write("v.lz4", d + b"\x01tail"), "lz4")
        expect_one(f"lz4 {label}", "lz4", res, 0, len(d), MIXED)
        res.clean()
    # legacy as the kernel build writes it: the uncompressed size appended
    for label, payload in (("legacy", MIXED), ("legacy multi-block", payload_mixed(3, 20 << 20))):
        d = tool(["lz4", "-q", "-l", "-c", write("k", payload)])
        check(f"lz4 {label}: reference", run(["lz4", "-q", "-dc"], d) == (0, payload))
        fw = d + struct.pack("<I", len(payload)) + os.urandom(3000)
        res = Result(write("Image.lz4", fw), "lz4")
        expect_one(f"lz4 {label} + size", "lz4", res, 0, len(d), payload)
        res.clean()


def extra_lzop():
    for label, name, mode in (("plain", "payload.bin", 0o644), ("setuid", "su binary", 0o4755),
                              ("private", "ünïcødé.dat", 0o600), ("level 9", "l9", 0o640)):
        p = write(name, MIXED[:50_000])
        os.chmod(p, mode)
        d = tool(["lzop", "-9" if label == "level 9" else "-3", "-c", p])
        res = Result(write("v.lzo", d + b"junk"), "lzop")
        c = expect_one(f"lzop {label}", "lzop", res, 0, len(d), MIXED[:50_000], name)
        if c and c["files"]:
            check(f"lzop {label}: mode", int(c["files"][0]["mode"], 8) == mode,
                  c["files"][0]["mode"])
        res.clean()
    d = tool(["lzop", "--crc32", "-c", write("crc", MIXED)])
    res = Result(write("c.lzo", d), "lzop")
    expect_one("lzop crc32", "lzop", res, 0, len(d), MIXED, "crc")
    res.clean()


def extra_lzip():
    src = write("p", MIXED)
    d = tool(["lzip", "-b", "100000", "-c", src])  # several members
    check("lzip members: reference", run(["lzip", "-dc"], d) == (0, MIXED))
    res = Result(write("m.lz", d + b"trailing data"), "lzip")
    expect_one("lzip multi-member", "lzip", res, 0, len(d), MIXED)
    res.clean()
    for lvl in ("-0", "-9"):
        d = tool(["lzip", lvl, "-c", src])
        res = Result(write("l.lz", d), "lzip")
        expect_one(f"lzip {lvl}", "lzip", res, 0, len(d), MIXED)
        res.clean()


def extra_compress():
    src = write("p", MIXED)
    # (ncompress 4.2.4.6 cannot decode its own -b 9 and -C output: not used)
    for bits in ("10", "12", "16"):
        d = tool(["compress", "-f", "-b", bits, "-c", src])
        check(f"compress -b{bits}: reference", run(["compress", "-dc"], d) == (0, MIXED))
        res = Result(write("b.Z", d), "compress")
        expect_one(f"compress -b{bits}", "compress", res, 0, len(d), MIXED)
        res.clean()


def extra_zlib():
    r = random.Random("zlib")
    for level, hdr in ((0, b"\x78\x01"), (1, b"\x78\x01"), (2, b"\x78\x5e"), (6, b"\x78\x9c"),
                       (9, b"\x78\xda")):
        d = zlib.compress(MIXED, level)
        check(f"zlib level {level}: header", d[:2] == hdr)
        pre = r.randbytes(4097)
        res = Result(write("blob.bin", pre + d + r.randbytes(999)), "zlib")
        expect_one(f"zlib level {level} embedded", "zlib", res, len(pre), len(d), MIXED)
        res.clean()
    # random data: no chunk (every candidate rejected)
    res = Result(write("noise.bin", r.randbytes(4 << 20)), "zlib")
    check("zlib: none in 4 MiB of noise", not res.chunks and not crash(res),
          str([(c["offset"], c["length"]) for c in res.chunks[:5]]))
    res.clean()


EXTRA = {"gzip": extra_gzip, "bzip2": extra_bzip2, "xz": extra_xz, "lzma": extra_lzma,
         "zstd": extra_zstd, "lz4": extra_lz4, "lzop": extra_lzop, "lzip": extra_lzip,
         "compress": extra_compress, "zlib": extra_zlib}


def main():
    for exe in (XRUN, MKLZMA):
        if not os.access(exe, os.X_OK):
            print(f"FAIL: {exe} is not built")
            return 1
    try:
        for fmt, spec in FORMATS.items():
            if ONLY and fmt != ONLY:
                continue
            for t in spec["tools"]:
                need(t)
            for case in (case_basic, case_carved, case_concat, case_truncated, case_damaged,
                         case_big, EXTRA[fmt]):
                try:
                    case(fmt, spec) if case is not EXTRA[fmt] else case()
                except Exception as e:  # a fixture tool failing is a test failure
                    check(f"{fmt} {case.__name__}", False, repr(e))
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
