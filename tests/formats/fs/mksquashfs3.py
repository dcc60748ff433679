#!/usr/bin/env python3
"""mksquashfs3.py SRC OUT [options] - writes a SquashFS 3.x image of the tree SRC.

Debian's mksquashfs writes only SquashFS 4.0, so the squashfs3 fixtures are made by this
independent encoder, written from the on-disk structures of squashfs-tools'
squashfs_compat.h (the 3.x layout) and the SQUASHFS_SWAP macros that define the bit order
of big-endian images. Its output is checked against Debian's unsquashfs 4.5 (which reads
3.x images) and 7-Zip, so the encoder is validated by tools other than vetter.

Layout written: superblock (119 bytes), file data and fragment blocks, inode table,
directory table, fragment table (metadata blocks, then the index of their offsets), uid
table, guid table, zero padding to 4 KiB. Bit fields are packed from the least
significant bit of the first byte in little-endian images and from the most significant
bit in big-endian ones. Blocks are zlib, or LZMA as the squashfs-lzma patches of old
firmware store it: behind the 13-byte .lzma header with the size and no end marker
(magic "shsq", zlib blocks mixed in), or with no header at all; a block that does not
shrink is stored raw."""
import argparse
import lzma
import os
import stat
import struct
import subprocess
import sys
import zlib

META = 8192
RAW_BLOCK = 1 << 24
RAW_META = 0x8000
NO_FRAG = 0xFFFFFFFF
TYPES = {"dir": 1, "file": 2, "symlink": 3, "blkdev": 4, "chrdev": 5, "fifo": 6, "socket": 7,
         "ldir": 8, "lreg": 9}


def pack_bits(fields, be):
    """Packs [(value, nbits)] into bytes, in the image's bit order."""
    total = sum(n for _, n in fields)
    assert total % 8 == 0, fields
    acc, pos = 0, 0
    for v, n in fields:
        v &= (1 << n) - 1
        if be:
            acc = (acc << n) | v
        else:
            acc |= v << pos
            pos += n
    return acc.to_bytes(total // 8, "big" if be else "little")


class Codec:
    """Block compression: "gzip" (zlib), "lzma" (.lzma header with the size, no end
    marker: the "shsq" images), "lzma-raw" (no header: lc=3 lp=0 pb=2, a dictionary of the
    block size, end marker), or "mixed" (zlib and lzma blocks alternately)."""

    def __init__(self, kind, enabled, lzma1enc, block_size):
        self.kind, self.enabled, self.enc, self.bs = kind, enabled, lzma1enc, block_size
        self.turn = 0

    def lzma13(self, data):
        raw = subprocess.run([self.enc], input=data, capture_output=True, check=True).stdout
        return bytes([0x5D]) + struct.pack("<IQ", 1 << 20, len(data)) + raw

    def compress(self, data):
        """The compressed form of data, or None when storing it raw is not smaller."""
        if not self.enabled or not data:
            return None
        kind = self.kind
        if kind == "mixed":
            self.turn += 1
            kind = "lzma" if self.turn % 2 else "gzip"
        if kind == "gzip":
            c = zlib.compress(data, 9)
        elif kind == "lzma":
            c = self.lzma13(data)
        else:
            f = [{"id": lzma.FILTER_LZMA1, "preset": 6, "dict_size": max(self.bs, 8192),
                  "lc": 3, "lp": 0, "pb": 2}]
            c = lzma.compress(data, format=lzma.FORMAT_RAW, filters=f)
        return c if len(c) < len(data) else None


class MetaWriter:
    """A metadata table: a stream cut into 8 KiB blocks, each compressed when it shrinks."""

    def __init__(self, codec, be):
        self.codec, self.be = codec, be
        self.out, self.buf, self.block_offsets = bytearray(), bytearray(), []

    def pos(self):
        return len(self.out), len(self.buf)

    def write(self, data):
        self.buf += data
        while len(self.buf) >= META:
            self._flush(bytes(self.buf[:META]))
            del self.buf[:META]

    def _flush(self, block):
        self.block_offsets.append(len(self.out))
        c = self.codec.compress(block)
        head = len(c) if c else len(block) | RAW_META
        self.out += struct.pack(">H" if self.be else "<H", head) + (c or block)

    def finish(self):
        if self.buf:
            self._flush(bytes(self.buf))
            self.buf.clear()
        return bytes(self.out)


class Writer:
    def __init__(self, args):
        self.a = args
        self.be = args.be
        self.bs = args.block_size
        self.e = ">" if self.be else "<"
        self.codec = self.new_codec()
        self.inodes = MetaWriter(self.new_codec(), self.be)
        self.dirs = MetaWriter(self.new_codec(), self.be)
        self.data = bytearray()
        self.frag_buf = bytearray()
        self.frags = []  # (start, word)
        self.uids, self.gids = [], []
        self.seen = {}   # (dev, ino) -> (ref, inode number, type)
        self.links = {}  # (dev, ino) -> names in the tree
        self.next_inum = 1
        self.count = 0

    def new_codec(self):
        return Codec(self.a.comp, not self.a.uncompressed, self.a.lzma1enc, self.bs)

    # ---- ids ----
    def uid_index(self, uid):
        if uid not in self.uids:
            self.uids.append(uid)
        return self.uids.index(uid)

    def guid_index(self, uid, gid):
        if uid == gid:
            return 255  # SQUASHFS_GUIDS: same as the uid
        if gid not in self.gids:
            self.gids.append(gid)
        return self.gids.index(gid)

    # ---- data ----
    def data_pos(self):
        return 119 + len(self.data)

    def add_block(self, chunk):
        c = self.codec.compress(chunk)
        self.data += c or chunk
        return len(c) if c else len(chunk) | RAW_BLOCK

    def flush_fragment(self):
        if self.frag_buf:
            start = self.data_pos()
            word = self.add_block(bytes(self.frag_buf))
            self.frags.append((start, word))
            self.frag_buf.clear()

    def add_file_data(self, content):
        """Writes a file's blocks; returns (start, block words, fragment, offset)."""
        start = self.data_pos()
        full, tail = divmod(len(content), self.bs)
        use_frag = tail and not self.a.no_fragments
        nblocks = full + (1 if tail and not use_frag else 0)
        words = []
        for i in range(nblocks):
            chunk = content[i * self.bs:(i + 1) * self.bs]
            if len(chunk) == self.bs and not any(chunk):
                words.append(0)  # a sparse block
            else:
                words.append(self.add_block(chunk))
        frag, off = NO_FRAG, 0
        if use_frag:
            if len(self.frag_buf) + tail > self.bs:
                self.flush_fragment()
            frag, off = len(self.frags), len(self.frag_buf)
            self.frag_buf += content[full * self.bs:]
        return start, words, frag, off

    # ---- inodes ----
    def base(self, itype, st, inum):
        return [(itype, 4), (stat.S_IMODE(st.st_mode), 12), (self.uid_index(st.st_uid), 8),
                (self.guid_index(st.st_uid, st.st_gid), 8), (int(st.st_mtime), 32), (inum, 32)]

    def put_inode(self, fields, tail=b""):
        ref = self.inodes.pos()
        self.inodes.write(pack_bits(fields, self.be) + tail)
        self.count += 1
        return ref[0] << 16 | ref[1]

    def file_inode(self, path, st, inum, nlink):
        with open(path, "rb") as f:
            content = f.read()
        start, words, frag, off = self.add_file_data(content)
        blist = b"".join(struct.pack(self.e + "I", w) for w in words)
        if nlink == 1 and len(content) < 1 << 32 and start < 1 << 32 and not self.a.lreg:
            fields = self.base(TYPES["file"], st, inum) + [
                (start, 64), (frag, 32), (off, 32), (len(content), 32)]
        else:
            fields = self.base(TYPES["lreg"], st, inum) + [
                (nlink, 32), (start, 64), (frag, 32), (off, 32), (len(content), 64)]
        return self.put_inode(fields, blist), "file"

    def other_inode(self, path, st, inum, nlink):
        m = st.st_mode
        if stat.S_ISLNK(m):
            target = os.fsencode(os.readlink(path))
            fields = self.base(TYPES["symlink"], st, inum) + [(nlink, 32), (len(target), 16)]
            return self.put_inode(fields, target), "symlink"
        if stat.S_ISBLK(m) or stat.S_ISCHR(m):
            kind = "blkdev" if stat.S_ISBLK(m) else "chrdev"
            rdev = os.major(st.st_rdev) << 8 | os.minor(st.st_rdev)
            fields = self.base(TYPES[kind], st, inum) + [(nlink, 32), (rdev, 16)]
            return self.put_inode(fields), kind
        kind = "fifo" if stat.S_ISFIFO(m) else "socket"
        return self.put_inode(self.base(TYPES[kind], st, inum) + [(nlink, 32)]), kind

    # ---- directories ----
    def listing(self, entries):
        """Writes a directory's entries [(name, ref, inum, type)]; returns (block, offset,
        size) of the listing for the directory inode."""
        blk, off = self.dirs.pos()
        size = 0
        i = 0
        while i < len(entries):
            ref0, inum0 = entries[i][1], entries[i][2]
            run = [entries[i]]
            while (i + len(run) < len(entries) and len(run) < 256
                   and entries[i + len(run)][1] >> 16 == ref0 >> 16
                   and abs(entries[i + len(run)][2] - inum0) < 32768):
                run.append(entries[i + len(run)])
            head = pack_bits([(len(run) - 1, 8), (ref0 >> 16, 32), (inum0, 32)], self.be)
            self.dirs.write(head)
            size += len(head)
            for name, ref, inum, kind in run:
                basic = TYPES["dir"] if kind == "dir" else TYPES[kind]
                ent = pack_bits([(ref & 0xFFFF, 13), (basic, 3), (len(name) - 1, 8),
                                 (inum - inum0, 16)], self.be) + name
                self.dirs.write(ent)
                size += len(ent)
            i += len(run)
        return blk, off, size + 3

    def number(self, root):
        """Inode numbers, depth first (a hard-linked file keeps its first number)."""
        nums = {}
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for p in [dirpath] + [os.path.join(dirpath, n) for n in sorted(filenames)]:
                st = os.lstat(p)
                key = (st.st_dev, st.st_ino)
                self.links.setdefault(key, set()).add(p)
                if key not in nums:
                    nums[key] = len(nums) + 1
            for d in dirnames:  # symlinks to directories are listed in dirnames
                p = os.path.join(dirpath, d)
                if os.path.islink(p):
                    st = os.lstat(p)
                    nums.setdefault((st.st_dev, st.st_ino), len(nums) + 1)
        return nums

    def write_dir(self, path, nums, parent_inum):
        st = os.lstat(path)
        inum = nums[(st.st_dev, st.st_ino)]
        entries, subdirs = [], 0
        for name in sorted(os.listdir(path), key=os.fsencode):
            p = os.path.join(path, name)
            cst = os.lstat(p)
            key = (cst.st_dev, cst.st_ino)
            bname = os.fsencode(name)
            if stat.S_ISDIR(cst.st_mode):
                ref = self.write_dir(p, nums, inum)
                entries.append((bname, ref, nums[key], "dir"))
                subdirs += 1
            elif key in self.seen:
                ref, cinum, kind = self.seen[key]
                entries.append((bname, ref, cinum, kind))
            else:
                nlink = len(self.links.get(key, ())) or 1
                if stat.S_ISREG(cst.st_mode):
                    ref, kind = self.file_inode(p, cst, nums[key], nlink)
                else:
                    ref, kind = self.other_inode(p, cst, nums[key], nlink)
                self.seen[key] = (ref, nums[key], kind)
                entries.append((bname, ref, nums[key], kind))
        blk, off, size = self.listing(entries)
        base = self.base(TYPES["dir"], st, inum)
        if size < 1 << 19 and not self.a.ldir:
            fields = base + [(2 + subdirs, 32), (size, 19), (off, 13), (blk, 32),
                             (parent_inum, 32)]
        else:
            base[0] = (TYPES["ldir"], 4)
            fields = base + [(2 + subdirs, 32), (size, 27), (off, 13), (blk, 32), (0, 16),
                             (parent_inum, 32)]
        return self.put_inode(fields)

    def build(self, src):
        nums = self.number(src)
        root = self.write_dir(src, nums, len(nums) + 1)
        self.flush_fragment()
        itab = self.inodes.finish()
        dtab = self.dirs.finish()
        fmeta = MetaWriter(self.new_codec(), self.be)
        for start, word in self.frags:
            fmeta.write(struct.pack(self.e + "QII", start, word, 0))
        ftab = fmeta.finish()

        inode_start = 119 + len(self.data)
        dir_start = inode_start + len(itab)
        fmeta_start = dir_start + len(dtab)
        findex = b"".join(struct.pack(self.e + "Q", fmeta_start + o)
                          for o in fmeta.block_offsets)
        frag_start = fmeta_start + len(ftab)
        uid_start = frag_start + len(findex)
        uids = b"".join(struct.pack(self.e + "I", u) for u in self.uids)
        guid_start = uid_start + len(uids)
        gids = b"".join(struct.pack(self.e + "I", g) for g in self.gids)
        used = guid_start + len(gids)
        flags = (1 << 4 if self.a.no_fragments else 0)
        if self.a.uncompressed:
            flags |= 1 | 2 | 8  # SQUASHFS_NOI, NOD, NOF
        sb = struct.pack(
            self.e + "7I4H3BIQ3I7q",
            0x71736873 if self.a.lzma_magic else 0x73717368, self.count, used & 0xFFFFFFFF, uid_start & 0xFFFFFFFF,
            guid_start & 0xFFFFFFFF, inode_start & 0xFFFFFFFF, dir_start & 0xFFFFFFFF,
            3, self.a.minor, self.bs & 0xFFFF, self.bs.bit_length() - 1,
            flags, len(self.uids), len(self.gids), self.a.mkfs_time, root, self.bs,
            len(self.frags), frag_start & 0xFFFFFFFF, used, uid_start, guid_start,
            inode_start, dir_start, frag_start, -1)
        assert len(sb) == 119
        img = sb + bytes(self.data) + itab + dtab + ftab + findex + uids + gids
        assert len(img) == used
        if not self.a.no_pad:
            img += bytes(-len(img) % 4096)
        return img


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--be", action="store_true", help="big-endian image ('sqsh')")
    ap.add_argument("--comp", choices=["gzip", "lzma", "lzma-raw", "mixed"], default="gzip")
    ap.add_argument("--lzma-magic", action="store_true",
                    help="magic 'shsq' ('qshs' big endian) of the squashfs-lzma images")
    ap.add_argument("--lzma1enc", default="lzma1enc",
                    help="the lzma1enc helper (raw LZMA1 without an end marker)")
    ap.add_argument("--block-size", type=int, default=65536)
    ap.add_argument("--no-fragments", action="store_true")
    ap.add_argument("--uncompressed", action="store_true")
    ap.add_argument("--ldir", action="store_true", help="extended directory inodes only")
    ap.add_argument("--lreg", action="store_true", help="extended file inodes only")
    ap.add_argument("--minor", type=int, default=1, choices=[0, 1])
    ap.add_argument("--mkfs-time", type=int, default=1262304000)
    ap.add_argument("--no-pad", action="store_true")
    a = ap.parse_args()
    bs = a.block_size
    if bs & (bs - 1) or not 4096 <= bs <= 1 << 20:
        sys.exit("mksquashfs3: block size must be a power of two from 4 KiB to 1 MiB")
    img = Writer(a).build(a.src)
    with open(a.out, "wb") as f:
        f.write(img)


if __name__ == "__main__":
    main()
