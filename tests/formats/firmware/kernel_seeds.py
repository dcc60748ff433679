#!/usr/bin/env python3
"""kernel_seeds.py x86|arm|arm64 DIR - small fuzzing seeds (< 64 KiB) from Debian kernels.

The seeds keep the real header and boot code of Debian's kernel (fetched through
scripts/debfetch) and replace the kernel itself by a small payload compressed with
xz --check=crc32 (as the kernel build does), the size fields patched to match; a
truncated real kernel is added too. Used by tests/fuzz/seeds-linux_*."""
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
PACKAGES = {"x86": ("amd64", "amd64"), "arm": ("armmp", "armhf"), "arm64": ("arm64", "arm64")}
LIMIT = 65535


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, check=True, **kw).stdout


def vmlinuz(kind):
    flavour, arch = PACKAGES[kind]
    debfetch = os.path.join(TOP, "scripts", "debfetch")
    meta = run([debfetch, f"linux-image-{flavour}:{arch}"]).decode().strip()
    dep = run(["dpkg-deb", "-f", meta, "Depends"]).decode()
    pkg = re.search(rf"(linux-image-[^\s,(]+-{flavour})\b", dep).group(1)
    deb = run([debfetch, f"{pkg}:{arch}"]).decode().strip()
    with tempfile.TemporaryDirectory() as d:
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
        run(["tar", "-x", "-C", d, "--wildcards", "./boot/vmlinuz-*"], stdin=tar.stdout)
        tar.wait()
        boot = os.path.join(d, "boot")
        with open(os.path.join(boot, sorted(os.listdir(boot))[0]), "rb") as f:
            return f.read()


def payload():
    data = b"".join(b"Linux version 6.1 seed %d\n" % i for i in range(40))
    return run(["xz", "--check=crc32", "-9", "-c"], input=data) + struct.pack("<I", len(data))


def first_xz_stream(d):
    """The first xz stream header whose CRC matches (the stub holds the bare magic too)."""
    for m in re.finditer(re.escape(b"\xfd7zXZ\x00"), d):
        i = m.start()
        if zlib.crc32(d[i + 6:i + 8]) == struct.unpack_from("<I", d, i + 8)[0]:
            return i
    raise SystemExit("no xz stream in the kernel")


def x86(d):
    setup_len = ((d[0x1f1] or 4) + 1) * 512
    p = payload()
    prot = p + b"\0" * (-len(p) % 16)
    img = bytearray(d[:setup_len] + prot)
    struct.pack_into("<I", img, 0x1f4, len(prot) // 16)
    struct.pack_into("<II", img, 0x248, 0, len(p))
    return {"bzimage-small": bytes(img)}


def arm(d):
    at = first_xz_stream(d)
    img = bytearray(d[:at] + payload())
    img += b"\0" * (-len(img) % 8)
    start = struct.unpack_from("<I", img, 0x28)[0]
    struct.pack_into("<I", img, 0x2c, start + len(img))
    return {"zimage-small": bytes(img)}


def arm64(d):
    banner = re.search(rb"Linux version [\x20-\x7e]*", d).group(0)
    img = bytearray(d[:0x1000])
    struct.pack_into("<Q", img, 16, 0x2000)  # image_size
    struct.pack_into("<I", img, 0x3c, 0)      # no PE header
    img[0x800:0x800 + len(banner)] = banner
    img += b"\0" * 0x1000
    return {"image-small": bytes(img), "image-pe-head": d[:0x2000]}


def main():
    kind, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    d = vmlinuz(kind)
    seeds = globals()[kind](d)
    seeds[f"{kind}-truncated"] = d[:LIMIT]
    for name, data in seeds.items():
        assert len(data) <= LIMIT, (name, len(data))
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
