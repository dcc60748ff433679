#!/usr/bin/env python3
"""test_kernels.py XRUN VETTER - the linux_x86, linux_arm and linux_arm64 handlers on the
kernels of Debian's linux-image packages (amd64 bzImage, armhf zImage, arm64 Image).

The reference for a compressed kernel is the method of the kernel's own
scripts/extract-vmlinux, reimplemented here without vetter's header parsing: try every
offset where a compression magic occurs, decompress from there with the standard tool,
keep the first output that is the kernel. vetter's payload must decompress, with the
same tool and no trailing data allowed, to exactly those bytes. The kernel version
banner is checked against the "Linux version" string in the image; the built-in
initramfs against the kernel's usr/default_cpio_list (/dev, /dev/console c 5 1, /root)."""
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwtest as t  # noqa: E402

# (magic, decompressor) in extract-vmlinux's order
MAGICS = [
    (b"\x1f\x8b\x08", ["gzip", "-dc"]),
    (b"\xfd7zXZ\x00", ["xz", "-dc"]),
    (b"BZh", ["bzip2", "-dc"]),
    (b"\x5d\x00\x00\x00", ["lzma", "-dc"]),
    (b"\x89LZO", ["lzop", "-dc"]),
    (b"\x02\x21\x4c\x18", ["lz4", "-dc"]),
    (b"\x28\xb5\x2f\xfd", ["zstd", "-dc"]),
]
# the decompressor of each extension vetter gives, refusing trailing data
STRICT = {".gz": ["gzip", "-dc"], ".xz": ["xz", "-dc", "--single-stream"],
          ".bz2": ["bzip2", "-dc"], ".lzma": ["lzma", "-dc"], ".lzo": ["lzop", "-dc"],
          ".lz4": ["lz4", "-dc"], ".zst": ["zstd", "-dc"]}
_kernels = {}


def kernel(flavour, arch):
    """/boot/vmlinuz-* of the linux-image-*-FLAVOUR package the metapackage depends on."""
    if flavour in _kernels:
        return _kernels[flavour]
    debfetch = os.path.join(t.TOP, "scripts", "debfetch")
    meta = t.sh([debfetch, f"linux-image-{flavour}:{arch}"]).decode().strip()
    dep = t.sh(["dpkg-deb", "-f", meta, "Depends"]).decode()
    pkg = re.search(rf"(linux-image-[^\s,(]+-{flavour})\b", dep).group(1)
    deb = t.sh([debfetch, f"{pkg}:{arch}"]).decode().strip()
    d = os.path.dirname(t.path("kernels", flavour, "x"))
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    t.sh(["tar", "-x", "-C", d, "--wildcards", "./boot/vmlinuz-*"], stdin=tar.stdout)
    tar.wait()
    boot = os.path.join(d, "boot")
    _kernels[flavour] = os.path.join(boot, sorted(os.listdir(boot))[0])
    return _kernels[flavour]


def find_vmlinux(data, accept):
    """extract-vmlinux's method: (offset of the compressed kernel, the kernel)."""
    for magic, cmd in MAGICS:
        t.need(cmd[0])
        pos = data.find(magic)
        while pos >= 0:
            out = subprocess.run(cmd, input=data[pos:], capture_output=True).stdout
            if accept(out):
                return pos, out
            pos = data.find(magic, pos + 1)
    raise AssertionError("extract-vmlinux method found no kernel")


def extract_vmlinux(data, accept):
    return find_vmlinux(data, accept)[1]


def is_elf(out):
    return out[:4] == b"\x7fELF"


def is_arm_image(out):
    return len(out) > 1 << 20 and b"Linux version " in out


def strict_decompress(res, name):
    ext = os.path.splitext(name)[1]
    r = subprocess.run(STRICT[ext], input=t.child_bytes(res, name), capture_output=True)
    assert r.returncode == 0, f"{name}: {r.stderr.decode(errors='replace')}"
    return r.stdout


def banner(data):
    i = data.find(b"Linux version ")
    assert i >= 0
    return re.match(rb"[\x20-\x7e]*", data[i:]).group(0).decode()


def check_truncated(res, cut, data, payload):
    """A truncated kernel: reported, and the payload (offset, length; checked against the
    reference in test_bzimage/test_zimage) emitted as far as the cut leaves it."""
    if not res.chunks:
        return
    if res.chunks[0]["truncated"]:
        assert res.has_diag("truncated"), (cut, res.diags)
    if payload and cut > payload[0] + 16:
        files = list(res.files().values())
        want = data[payload[0]:min(cut, payload[0] + payload[1])]
        assert len(files) == 1 and files[0]["sha256"] == t.sha(want), cut


def test_bzimage():
    img = kernel("amd64", "amd64")
    data = t.read(img)
    res = t.xrun(img, "linux_x86")
    assert res.rc == 0, res.diags
    ch = res.chunk("linux_x86")
    assert ch["offset"] == 0 and ch["length"] == len(data) and not ch["truncated"], ch
    assert ch["variant"].startswith("bzImage"), ch
    names = list(res.files())
    assert len(names) == 1 and names[0].startswith("vmlinux."), names
    ours = strict_decompress(res, names[0])
    ref = extract_vmlinux(data, is_elf)
    assert t.sha(ours) == t.sha(ref), "payload does not decompress to the kernel"
    version = banner(ref)[len("Linux version "):].split(" ")[0]
    assert res.has_diag(f"version '{version} ", "info"), res.diags


def test_zimage():
    img = kernel("armmp", "armhf")
    data = t.read(img)
    res = t.xrun(img, "linux_arm")
    assert res.rc == 0, res.diags
    ch = res.chunk("linux_arm")
    assert ch["offset"] == 0 and ch["length"] == len(data) and ch["variant"] == "zImage le", ch
    names = list(res.files())
    assert len(names) == 1 and names[0].startswith("Image."), names
    ours = strict_decompress(res, names[0])
    ref = extract_vmlinux(data, is_arm_image)
    assert t.sha(ours) == t.sha(ref)


def test_zimage_with_appended_dtb():
    """CONFIG_ARM_APPENDED_DTB: the DTB after the zImage is a chunk of its own."""
    img = kernel("armmp", "armhf")
    data = t.read(img)
    t.need("dtc")
    dts = t.write(t.path("appended", "board.dts"),
                  b'/dts-v1/;\n/ { model = "acme"; chosen { bootargs = "console=ttyS0"; }; };\n')
    dtb = t.path("appended", "board.dtb")
    t.sh(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, dts])
    f = t.write(t.path("appended", "zImage-dtb"), data + t.read(dtb))
    res = t.xrun(f)
    assert res.chunk("linux_arm")["length"] == len(data)
    ch = res.chunk("dtb")
    assert ch["offset"] == len(data) and ch["length"] == os.path.getsize(dtb), ch


def test_arm64_image():
    img = kernel("arm64", "arm64")
    data = t.read(img)
    res = t.xrun(img, "linux_arm64")
    assert res.rc == 0, res.diags
    ch = res.chunk("linux_arm64")
    assert ch["offset"] == 0 and ch["length"] == len(data) and not ch["truncated"], ch
    assert ch["variant"] == "Image le 4K", ch
    assert not res.files(), res.children
    assert res.has_diag(f"'{banner(data)}'", "info"), res.diags


def test_arm64_image_gz():
    """Image.gz (as boot loaders take it): gunzipped by the gzip handler, then found."""
    img = kernel("arm64", "arm64")
    gz = t.path("arm64", "Image.gz")
    with open(gz, "wb") as f:
        subprocess.run(["gzip", "-6nc", img], stdout=f, check=True)
    out = t.path("engine", "arm64")
    r = subprocess.run([t.VETTER, "extract", "-q", "--no-progress", "-o", out, gz],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    chunks = [o["chunk"] for o in manifest["objects"] if o.get("kind") == "chunk"]
    assert any(c["format"] == "linux_arm64" and c["length"] == os.path.getsize(img)
               for c in chunks), chunks
    assert banner(t.read(img)) in json.dumps(manifest), "no kernel banner in the manifest"


def check_initramfs(flavour, arch, accept):
    """vetter extract: the kernel decompressed, and its built-in initramfs cpio found."""
    img = kernel(flavour, arch)
    out = t.path("engine", flavour)
    r = subprocess.run([t.VETTER, "extract", "-q", "--no-progress", "-o", out, img],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    objs = json.load(open(os.path.join(out, "manifest.json")))["objects"]
    ref = extract_vmlinux(t.read(img), accept)
    assert any(o.get("sha256") == t.sha(ref) for o in objs), "kernel not decompressed"
    cpio = [o for o in objs if o.get("kind") == "chunk" and o["chunk"]["format"] == "cpio"]
    assert cpio, "no initramfs cpio found in the kernel"
    inside = {o["path"][len(cpio[0]["path"]) + 1:]: o for o in objs
              if o["path"].startswith(cpio[0]["path"] + "/")}
    assert inside["dev"]["kind"] == "directory" and inside["root"]["mode"] == "0700", inside
    assert inside["dev/console"]["kind"] == "chardev" and inside["dev/console"]["rdev"] == [5, 1]


def test_bzimage_initramfs_through_engine():
    check_initramfs("amd64", "amd64", is_elf)


def test_zimage_initramfs_through_engine():
    check_initramfs("armmp", "armhf", is_arm_image)


def hostile(flavour, arch, fmt, accept):
    img = kernel(flavour, arch)
    data = t.read(img)
    payload = None
    if accept:
        at = find_vmlinux(data, accept)[0]
        size = list(t.xrun(img, fmt).files().values())[0]["size"]
        payload = (at, size)
    runs = 0
    for cut, part in t.truncations(data, [0x100, 0x2ff, 0x300] + ([at + 100] if accept else [])):
        res = t.xrun(t.write(t.path("hostile", f"{fmt}.cut{cut}"), part), fmt)
        check_truncated(res, cut, data, payload)
        runs += 1
    for seed in range(10):
        f = t.write(t.path("hostile", f"{fmt}.flip{seed}"),
                    t.damage(data, seed, 1 + seed % 4, end=0x300 if seed % 2 else None))
        t.xrun(f, fmt)
        runs += 1
    return runs


def test_bzimage_hostile():
    assert hostile("amd64", "amd64", "linux_x86", is_elf) > 15


def test_zimage_hostile():
    assert hostile("armmp", "armhf", "linux_arm", is_arm_image) > 15


def test_arm64_hostile():
    assert hostile("arm64", "arm64", "linux_arm64", None) > 15


if __name__ == "__main__":
    t.main(globals())
