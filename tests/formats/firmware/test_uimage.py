#!/usr/bin/env python3
"""test_uimage.py XRUN VETTER - the uimage handler against mkimage and dumpimage.

Legacy uImages are made by mkimage (u-boot-tools) from payloads compressed by the
matching tool (gzip, bzip2, lzma, lzop, lz4, zstd); the expected children are the bytes
mkimage was given, and U-Boot's own dumpimage extraction."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwtest as t  # noqa: E402

# mkimage -C name: (compressing command, extension vetter gives the child, decompressor)
COMPS = {
    "none": (None, "", None),
    "gzip": (["gzip", "-9nc"], ".gz", ["gzip", "-dc"]),
    "bzip2": (["bzip2", "-9c"], ".bz2", ["bzip2", "-dc"]),
    "lzma": (["lzma", "-9c"], ".lzma", ["lzma", "-dc"]),
    "lzo": (["lzop", "-9c"], ".lzo", ["lzop", "-dc"]),
    "lz4": (["lz4", "-9c"], ".lz4", ["lz4", "-dc"]),
    "zstd": (["zstd", "-19c"], ".zst", ["zstd", "-dc"]),
}
NAME = "Linux-6.1 test"
PAYLOAD = t.sample_payload(1, 300_000)
_made = {}


def make(comp, name=NAME, typ="kernel", data=None):
    """A uImage of PAYLOAD compressed by `comp`; returns (path, stored data)."""
    key = (comp, name, typ, data)
    if key in _made:
        return _made[key]
    zcmd = COMPS[comp][0]
    stored = data if data is not None else PAYLOAD
    if zcmd and data is None:
        t.need(zcmd[0])
        stored = subprocess.run(zcmd, input=PAYLOAD, capture_output=True, check=True).stdout
    src = t.write(t.path("uimage", f"{comp}-{len(_made)}.payload"), stored)
    out = t.path("uimage", f"{comp}-{len(_made)}.uImage")
    t.need("mkimage")
    t.sh(["mkimage", "-A", "arm", "-O", "linux", "-T", typ, "-C", comp, "-a", "0x80008000",
          "-e", "0x80008000", "-n", name, "-d", src, out])
    _made[key] = (out, stored)
    return _made[key]


def dumpimage(img, part=0, typ="kernel"):
    out = t.path("dump", f"{os.path.basename(img)}.{part}")
    t.sh(["dumpimage", "-T", typ, "-p", str(part), "-o", out, img])
    return t.read(out)


def test_compressions():
    for comp, (_z, ext, unz) in COMPS.items():
        img, stored = make(comp)
        res = t.xrun(img, "uimage")
        assert res.rc == 0, (comp, res.diags)
        ch = res.chunk("uimage")
        assert ch["offset"] == 0 and ch["length"] == os.path.getsize(img), (comp, ch)
        assert not ch["truncated"] and ch["variant"] == f"kernel {comp}", (comp, ch)
        assert ch["confidence"] >= 104, (comp, ch)  # magic, both CRCs, fields
        files = res.files()
        assert list(files) == [NAME + ext], (comp, files)
        child = files[NAME + ext]
        assert child["sha256"] == t.sha(stored) == t.sha(dumpimage(img)), comp
        assert child["mode"] == 0o644, child
        if unz:
            back = subprocess.run(unz, input=t.child_bytes(res, NAME + ext),
                                  capture_output=True, check=True).stdout
            assert back == PAYLOAD, comp
        assert not any(d["severity"] != "info" for d in res.diags), (comp, res.diags)


def test_multi_file():
    parts = [b"abc", t.sample_payload(2, 4097), b"", b"x" * 1001]
    parts[2] = subprocess.run(["gzip", "-9nc"], input=b"second part " * 50, capture_output=True,
                              check=True).stdout
    srcs = [t.write(t.path("multi", f"p{i}"), p) for i, p in enumerate(parts)]
    img = t.path("multi", "multi.uImage")
    t.sh(["mkimage", "-A", "arm", "-O", "linux", "-T", "multi", "-C", "none", "-n", "multi",
          "-d", ":".join(srcs), img])
    res = t.xrun(img, "uimage")
    assert res.rc == 0, res.diags
    assert res.chunk("uimage")["variant"] == "multi none"
    files = res.files()
    names = ["multi-0", "multi-1", "multi-2.gz", "multi-3"]
    assert sorted(files) == names, files
    for i, name in enumerate(names):
        assert files[name]["sha256"] == t.sha(parts[i]) == t.sha(dumpimage(img, i, "multi")), i


def test_script():
    script = b"setenv bootargs 'console=ttyS0,115200 root=/dev/mtdblock2'\nbootm 0x80008000\n"
    src = t.write(t.path("script", "boot.cmd"), script)
    img = t.path("script", "boot.scr")
    t.sh(["mkimage", "-A", "arm", "-O", "linux", "-T", "script", "-C", "none", "-n", "boot",
          "-d", src, img])
    res = t.xrun(img, "uimage")
    assert res.rc == 0, res.diags
    files = res.files()
    assert list(files) == ["boot-0"] and files["boot-0"]["sha256"] == t.sha(script), files


def test_names():
    cases = {
        "a name that is longer than thirty-two bytes": "a name that is longer than thirt",
        "\x01\x02bin": "payload",
        "rootfs/../etc": "rootfs_.._etc",
        "  spaced  ": "spaced",
        "..": "payload",
    }
    for name, expect in cases.items():
        img, stored = make("none", name=name)
        res = t.xrun(img, "uimage")
        files = res.files()
        assert list(files) == [expect], (name, files)
        assert files[expect]["sha256"] == t.sha(stored)


def test_carved_from_larger_image():
    img, stored = make("gzip")
    data = t.read(img)
    pre, post = t.sample_payload(3, 1000), t.sample_payload(4, 5000)
    f = t.write(t.path("carve", "flash.bin"), pre + data + post)
    res = t.xrun(f, "uimage")
    ch = res.chunk("uimage")
    assert ch["offset"] == 1000 and ch["length"] == len(data), ch
    assert res.files()[NAME + ".gz"]["sha256"] == t.sha(stored)


def test_bad_header_crc():
    img, stored = make("gzip")
    good = t.xrun(img, "uimage").chunk("uimage")["confidence"]
    data = bytearray(t.read(img))
    data[40] ^= 0x20  # in the name field: the header CRC no longer matches
    f = t.write(t.path("bad", "hcrc.uImage"), bytes(data))
    res = t.xrun(f, "uimage")
    ch = res.chunk("uimage")
    assert ch["confidence"] < good, (ch, good)
    assert res.has_diag("header crc mismatch", "warning"), res.diags
    assert [c["sha256"] for c in res.files().values()] == [t.sha(stored)]


def test_bad_data_crc():
    img, stored = make("lzma")
    data = bytearray(t.read(img))
    data[64 + 1000] ^= 0xff
    f = t.write(t.path("bad", "dcrc.uImage"), bytes(data))
    res = t.xrun(f, "uimage")
    assert res.chunk("uimage")["confidence"] >= 72
    assert res.has_diag("data crc mismatch", "warning"), res.diags
    assert [c["sha256"] for c in res.files().values()] == [t.sha(bytes(data[64:]))]


def test_truncated():
    img, stored = make("bzip2")
    data = t.read(img)
    for cut, part in t.truncations(data, [10, 63, 64, 65, 100]):
        f = t.write(t.path("trunc", f"cut{cut}"), part)
        res = t.xrun(f, "uimage")
        if cut < 64:
            assert res.rc == 1 and not res.chunks, (cut, res.chunks)
            continue
        ch = res.chunk("uimage")
        assert ch["truncated"] and ch["length"] == cut, (cut, ch)
        assert res.has_diag("truncated", "warning"), (cut, res.diags)
        files = res.files()
        if cut > 64:
            assert files[NAME + ".bz2"]["sha256"] == t.sha(stored[:cut - 64]), cut
            assert files[NAME + ".bz2"]["size"] == cut - 64


def test_truncated_multi_keeps_complete_parts():
    parts = [t.sample_payload(5, 3000), t.sample_payload(6, 3000), t.sample_payload(7, 3000)]
    srcs = [t.write(t.path("multi2", f"p{i}"), p) for i, p in enumerate(parts)]
    img = t.path("multi2", "m.uImage")
    t.sh(["mkimage", "-A", "mips", "-O", "linux", "-T", "multi", "-C", "none", "-n", "m",
          "-d", ":".join(srcs), img])
    data = t.read(img)
    cut = 64 + 16 + 3000 + 3000 + 1500  # in the middle of the third part
    res = t.xrun(t.write(t.path("multi2", "cut"), data[:cut]), "uimage")
    files = res.files()
    assert files["m-0"]["sha256"] == t.sha(parts[0]) and files["m-1"]["sha256"] == t.sha(parts[1])
    assert files["m-2"]["sha256"] == t.sha(parts[2][:1500]), files
    assert res.has_diag("'m-2' is truncated", "warning"), res.diags


def test_hostile_variants():
    runs = 0
    for comp in COMPS:
        img, _ = make(comp)
        runs += t.check_hostile(img, "uimage", f"uimage-{comp}")
    parts = [t.write(t.path("hostile-multi", f"p{i}"), t.sample_payload(20 + i, 777 * (i + 1)))
             for i in range(3)]
    img = t.path("hostile-multi", "m.uImage")
    t.sh(["mkimage", "-A", "arm", "-O", "linux", "-T", "multi", "-C", "none", "-n", "m",
          "-d", ":".join(parts), img])
    runs += t.check_hostile(img, "uimage", "uimage-multi", header_len=64 + 16,
                            flips_seeds=range(24))
    assert runs > 100


def test_full_engine_decompresses_payload():
    """vetter extract: the compression handlers unpack what the uimage handler emitted."""
    for comp, (_z, ext, _unz) in COMPS.items():
        if comp == "none":
            continue
        img, _ = make(comp)
        out = t.path("engine", comp)
        r = subprocess.run([t.VETTER, "extract", "-q", "--no-progress", "-o", out, img],
                           capture_output=True, text=True)
        assert r.returncode == 0, (comp, r.stderr[-2000:])
        found = [os.path.join(d, f) for d, _s, fs in os.walk(out) for f in fs
                 if t.sha(t.read(os.path.join(d, f))) == t.sha(PAYLOAD)]
        assert found, f"{comp}: decompressed payload not found under {out}"


if __name__ == "__main__":
    t.main(globals())
