"""test_real_inputs.py - vetter extract on real boot images from Debian packages.

usage: test_real_inputs.py VETTER [INPUTS_DIR]
(INPUTS_DIR is filled by tests/fixtures/make-real-inputs; default: real-inputs in the
download cache, $VETTER_CACHE or ~/.cache/vetter)

- the d-i netboot initrd.gz unpacks to the same tree as `zcat initrd.gz | cpio -i`;
- the Debian vmlinuz (bzImage) yields the kernel that Python's own lzma module gets from
  the payload the boot protocol header points at;
- OVMF.fd, u-boot.rom and SeaBIOS's bios.bin give chunk maps that tile the image."""
import hashlib
import json
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import main, run  # noqa: E402

VETTER = os.path.abspath(sys.argv[1])
CACHE = os.environ.get("VETTER_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vetter")
INPUTS = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(CACHE, "real-inputs"))
TMP = tempfile.mkdtemp(prefix="vetter-real-")
MAKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../fixtures/make-real-inputs")
subprocess.run([MAKER, INPUTS], check=True, stderr=subprocess.DEVNULL)


def extract(name):
    out = os.path.join(TMP, name + ".out")
    r = run([VETTER, "extract", "--no-progress", "-q", "-o", out, os.path.join(INPUTS, name)])
    assert r.returncode == 0, r.stderr
    with open(os.path.join(out, "manifest.json")) as f:
        return out, json.load(f)


def tree(root):
    res = {}
    for d, dirs, files in os.walk(root):
        for n in files + dirs:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                res[rel] = ("symlink", os.readlink(p))
            elif os.path.isdir(p):
                res[rel] = ("directory", None)
            elif os.path.isfile(p):
                res[rel] = ("file", hashlib.sha256(open(p, "rb").read()).hexdigest())
    return res


def test_initrd_matches_cpio():
    out, man = extract("initrd.gz")
    ref = os.path.join(TMP, "initrd.ref")
    os.makedirs(ref)
    # cpio as the reference; device nodes are skipped by both (vetter records them only)
    subprocess.run(f"zcat '{INPUTS}/initrd.gz' | cpio -i -d --no-absolute-filenames --quiet",
                   shell=True, cwd=ref, check=True)
    want = {k: v for k, v in tree(ref).items() if v[0] != "directory"}
    cpio = [o for o in man["objects"] if o["kind"] == "chunk" and o["chunk"]["format"] == "cpio"
            and o.get("xdepth", 0) == 1]
    assert len(cpio) == 1, [c["path"] for c in cpio]
    got_root = os.path.join(out, cpio[0]["extracted_path"])
    got = {k: v for k, v in tree(got_root).items() if v[0] != "directory"}
    # nested archives inside the tree are unpacked into "<file>.x" directories: not cpio's
    got = {k: v for k, v in got.items() if ".x/" not in k and not k.endswith(".x")}
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    differ = sorted(k for k in set(want) & set(got) if want[k] != got[k])
    print(f"initrd: {len(want)} files and links from cpio, {len(got)} from vetter")
    assert not missing and not extra and not differ, (missing[:5], extra[:5], differ[:5])


def test_vmlinuz_payload():
    data = open(os.path.join(INPUTS, "vmlinuz"), "rb").read()
    assert data[0x202:0x206] == b"HdrS"
    setup_sects = data[0x1F1] or 4
    off, length = struct.unpack_from("<II", data, 0x248)
    start = (setup_sects + 1) * 512 + off
    payload = data[start:start + length]
    d = lzma.LZMADecompressor()  # Debian's kernels are xz-compressed
    kernel = d.decompress(payload)
    want = hashlib.sha256(kernel).hexdigest()
    out, man = extract("vmlinuz")
    hits = [o for o in man["objects"] if o.get("sha256") == want]
    assert hits, "the decompressed kernel is not among the extracted objects"
    assert hits[0].get("elf", {}).get("machine") == "Advanced Micro Devices X86-64"


def tiles(man):
    """The top-level chunks of the input cover it exactly, without overlap."""
    size = man["inputs"][0]["size"]
    top = sorted((o["chunk"]["offset"], o["chunk"]["length"], o["chunk"]["format"])
                 for o in man["objects"] if o["kind"] == "chunk" and o["parent"] == 0)
    if not top:
        return []
    pos = 0
    for off, length, _ in top:
        assert off == pos, (off, pos, top)
        pos = off + length
    assert pos == size, (pos, size)
    return top


def test_boot_firmware_chunk_maps():
    for name in ("OVMF.fd", "u-boot.rom", "bios.bin"):
        out, man = extract(name)
        top = tiles(man)
        known = [t for t in top if t[2] != "unknown"]
        print(f"{name}: {len(top)} top-level chunks, formats: {sorted(set(t[2] for t in known))}")
        errors = [d for o in man["objects"] for d in o.get("diagnostics", [])
                  if d["severity"] == "error"]
        assert not errors, errors[:3]


if __name__ == "__main__":
    try:
        main(globals())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
