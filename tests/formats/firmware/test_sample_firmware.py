#!/usr/bin/env python3
"""test_sample_firmware.py XRUN VETTER - scripts/make-sample-firmware and the whole engine.

Builds the ACME AR-1000 image (vendor header, uImage of Debian's armhf zImage, squashfs
of the sample product) and checks vetter against the ground truth the script writes:
the layout file (part offsets and lengths), the parts it packed (uImage payload =
the zImage), the rootfs manifest (sha256 of every file) and pseudo file (device nodes,
modes), and the kernel decompressed by extract-vmlinux's method."""
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwtest as t  # noqa: E402
import test_kernels  # noqa: E402

_built = []


def sample():
    """(output directory, image path, layout rows) of one build of the sample image."""
    if not _built:
        t.need("mksquashfs", "mkimage", "dpkg-deb", "readelf", "openssl")
        out = os.path.dirname(t.path("sample", "x"))
        env = dict(os.environ, ACME_ROOT_PASSWORD="root-pw", ACME_ADMIN_PASSWORD="admin-pw",
                   ACME_PASSWORD_SALT="vettersalt")
        r = subprocess.run([os.path.join(t.TOP, "scripts", "make-sample-firmware"), out],
                           capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr[-3000:]
        image = os.path.join(out, "acme-router-1.0.bin")
        layout = []
        for line in open(os.path.join(out, "acme-router-1.0.layout")):
            if not line.startswith("#"):
                part, off, length = line.split("\t")
                layout.append((part, int(off), int(length)))
        _built.append((out, image, layout))
    return _built[0]


def part(layout, name):
    return next((off, length) for p, off, length in layout if p == name)


def test_layout_is_consistent():
    out, image, layout = sample()
    size = os.path.getsize(image)
    assert sum(length for _p, _o, length in layout) == size
    pos = 0
    for _p, off, length in layout:
        assert off == pos, layout
        pos += length
    assert size % 65536 == 0 and part(layout, "rootfs")[0] % 65536 == 0
    data = t.read(image)
    assert data[:8] == b"ACMEFW10"
    off, length = part(layout, "kernel")
    assert data[off:off + length] == t.read(os.path.join(out, "uImage"))


def test_chunks_match_layout():
    out, image, layout = sample()
    res = t.xrun(image)
    assert res.rc == 0, res.diags
    ko, kl = part(layout, "kernel")
    ro, rl = part(layout, "rootfs")
    u = res.chunk("uimage")
    assert (u["offset"], u["length"], u["variant"]) == (ko, kl, "kernel none"), u
    s = res.chunk("squashfs")
    assert (s["offset"], s["length"]) == (ro, rl), s
    assert all(c["offset"] >= 64 for c in res.chunks), res.chunks  # the header is unknown
    files = res.files()
    zimage = t.read(os.path.join(out, "zImage"))
    kname = [n for n in files if n.startswith("Linux-")]
    assert len(kname) == 1 and files[kname[0]]["sha256"] == t.sha(zimage), kname


def test_full_extraction():
    out, image, layout = sample()
    dest = t.path("extract", "acme")
    r = subprocess.run([t.VETTER, "extract", "-q", "--no-progress", "-o", dest, image],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    objs = json.load(open(os.path.join(dest, "manifest.json")))["objects"]
    top = [o["chunk"] for o in objs if o.get("kind") == "chunk" and o["parent"] == 0]
    assert {"format": "unknown", "offset": 0, "length": 64} == \
        {k: top[0][k] for k in ("format", "offset", "length")}, top
    sq = next(o for o in objs if o.get("kind") == "chunk" and o["chunk"]["format"] == "squashfs")
    inside = {o["path"][len(sq["path"]) + 1:]: o for o in objs
              if o["path"].startswith(sq["path"] + "/") and o["parent"] != 0}
    # every file of the rootfs manifest, with its content
    n = 0
    for line in open(os.path.join(out, "rootfs.manifest")):
        digest, name = line.rstrip("\n").split("  ", 1)
        assert inside[name]["sha256"] == digest, name
        n += 1
    assert n > 100
    # the pseudo file's device nodes and modes
    assert inside["dev/console"]["kind"] == "chardev" and inside["dev/console"]["rdev"] == [5, 1]
    assert inside["dev/null"]["rdev"] == [1, 3] and inside["dev/null"]["mode"] == "0666"
    assert inside["etc/shadow"]["mode"] == "0640" and inside["tmp"]["mode"] == "1777"
    assert inside["etc/lighttpd/htdigest"]["gid"] == 33
    # the kernel: zImage in the uImage, its payload decompressed
    ref = test_kernels.extract_vmlinux(t.read(os.path.join(out, "zImage")),
                                       test_kernels.is_arm_image)
    assert any(o.get("sha256") == t.sha(ref) for o in objs), "kernel Image not extracted"


def test_truncated_image_keeps_kernel():
    """Cut inside the squashfs: the kernel is still extracted whole."""
    out, image, layout = sample()
    ro, rl = part(layout, "rootfs")
    data = t.read(image)
    f = t.write(t.path("sample-cut", "acme-cut.bin"), data[:ro + rl // 2])
    res = t.xrun(f)
    files = res.files()
    zimage = t.read(os.path.join(out, "zImage"))
    assert any(c["sha256"] == t.sha(zimage) for c in files.values())
    assert res.chunk("uimage")["truncated"] is False


if __name__ == "__main__":
    t.main(globals())
