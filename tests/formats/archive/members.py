"""members.py - where each member of a fixture lies, read with Python's own modules or
from the documented layouts (tar: tarfile; zip: zipfile; cpio: cpio(5); ar: ar(5)).

Each function returns [(name, start, end)]: the member's headers and data occupy
[start, end) of the archive. The damage tests use them to know which members lie wholly
before a cut or a flipped byte and must still come out intact."""
import io
import re
import struct
import subprocess
import tarfile
import zipfile


def tar_end(data):
    """Where tar's end-of-archive marker (two zero blocks) ends: record padding follows."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tf:
        tf.getmembers()
        return tf.offset + 1024


def cpio_end(data):
    """Where the TRAILER!!! entry ends: padding to the block follows."""
    return cpio_members(data, with_trailer=True)[-1][2]


def tar_members(data):
    out = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tf:
        for m in tf.getmembers():
            if not m.isreg() or m.issparse():
                continue
            end = m.offset_data + (m.size + 511) // 512 * 512
            out.append((m.name, m.offset, end))
    return out


def zip_members(data):
    """Members and the central directory's offset (damage after it is not checked)."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for i in zf.infolist():
            if i.is_dir():
                continue
            p = i.header_offset
            nlen, xlen = struct.unpack_from("<HH", data, p + 26)
            end = p + 30 + nlen + xlen + i.compress_size
            if i.flag_bits & 0x08:
                end += 16
            out.append((i.filename, p, end))
        return out, zf.start_dir


def cpio_members(data, with_trailer=False):
    """newc/crc, odc and old binary (either byte order): regular files only (and the
    trailer, last, when asked)."""
    out, p = [], 0
    while p < len(data):
        magic = data[p:p + 6]
        if magic in (b"070701", b"070702"):
            f = [int(data[p + 6 + 8 * i:p + 14 + 8 * i], 16) for i in range(13)]
            mode, size, namesize = f[1], f[6], f[11]
            name_end = p + 110 + namesize
            dstart = p + (110 + namesize + 3) // 4 * 4
            dend = dstart + (size + 3) // 4 * 4
        elif magic == b"070707":
            mode = int(data[p + 18:p + 24], 8)
            namesize = int(data[p + 59:p + 65], 8)
            size = int(data[p + 65:p + 76], 8)
            name_end = p + 76 + namesize
            dstart, dend = name_end, name_end + size
        elif data[p:p + 2] in (b"\xc7\x71", b"\x71\xc7"):
            fmt = "<13H" if data[p] == 0xc7 else ">13H"
            w = struct.unpack_from(fmt, data, p)
            mode, namesize, size = w[3], w[10], w[11] << 16 | w[12]
            name_end = p + 26 + namesize
            dstart = p + (26 + namesize + 1) // 2 * 2
            dend = dstart + (size + 1) // 2 * 2
        else:
            raise ValueError(f"no cpio header at {p}")
        name = data[name_end - namesize:name_end - 1].decode("utf-8", "surrogateescape")
        if name == "TRAILER!!!":
            if with_trailer:
                out.append((name, p, dend))
            break
        if mode & 0o170000 == 0o100000:
            out.append((name, p, dend))
        p = dend
    return out


ISOINFO_LINE = re.compile(r"^(\S+)\s+\d+\s+\d+\s+\d+\s+(\d+)\s+\S+\s+\d+\s+\d+\s+"
                          r"\[\s*(\d+)\s+\d+\]\s\s(.*?)\s?$")


def iso_members(image):
    """Regular files of a Rock Ridge image as isoinfo -R -l lists them: [(path, start of
    the extent, end of the data)]. The directories all come before the first extent."""
    listing = subprocess.run(["isoinfo", "-R", "-l", "-i", image], capture_output=True,
                             check=True).stdout.decode("utf-8", "surrogateescape")
    out, cur = [], ""
    for line in listing.splitlines():
        if line.startswith("Directory listing of "):
            cur = line[len("Directory listing of "):].strip("/")
            continue
        m = ISOINFO_LINE.match(line)
        if not m or not m.group(1).startswith("-"):
            continue
        size, lba, name = int(m.group(2)), int(m.group(3)), m.group(4)
        path = f"{cur}/{name}" if cur else name
        out.append((path, lba * 2048, lba * 2048 + size))
    return out


def ar_members(data):
    """Members of a GNU or BSD ar archive (GNU long names resolved)."""
    assert data[:8] == b"!<arch>\n"
    out, p, table = [], 8, b""
    while p + 60 <= len(data):
        h = data[p:p + 60]
        raw = h[:16].rstrip(b" ")
        size = int(h[48:58])
        dstart, dend = p + 60, p + 60 + size + (size & 1)
        if raw == b"//":
            table = data[dstart:dstart + size]
        elif raw not in (b"/", b"/SYM64/"):
            if raw.startswith(b"/"):
                off = int(raw[1:])
                name = table[off:table.index(b"/\n", off)]
            elif raw.startswith(b"#1/"):
                n = int(raw[3:])
                name = data[dstart:dstart + n]
            else:
                name = raw[:-1] if raw.endswith(b"/") else raw
            out.append((name.decode("utf-8", "surrogateescape"), p, dend))
        p = dend
    return out
