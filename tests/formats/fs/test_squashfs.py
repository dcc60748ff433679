#!/usr/bin/env python3
"""test_squashfs.py XRUN - the squashfs (4.0) handler against mksquashfs and unsquashfs.

Fixtures are built at test time with mksquashfs (every compressor it offers), gensquashfs
(squashfs-tools-ng) and pseudo definitions, from the tricky tree of fstree.py. Each
extraction is compared with the source tree and with `unsquashfs -d`'s extraction. Then
images are embedded in random data, truncated and damaged in each of their tables: no
crash, a sane exit status, diagnostics, and everything still reachable extracted with the
right content (or named in a diagnostic)."""
import hashlib
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fstree  # noqa: E402

XRUN = sys.argv[1] if len(sys.argv) > 1 else "xrun"
VETTER = sys.argv[2] if len(sys.argv) > 2 else "vetter"
COMPRESSORS = ["gzip", "lzo", "lz4", "xz", "zstd", "lzma"]
PSEUDO = [
    "pseudo d 0755 0 0",
    "pseudo/console c 0600 1000 1000 5 1",
    "pseudo/loop0 b 0660 0 6 7 0",
    "pseudo/pipe i 0640 1000 1000 f",
    "pseudo/sock i 0600 0 0 s",
    "pseudo/setuid f 04711 0 0 echo pseudo-content",
]
PSEUDO_EXPECTED = {
    "pseudo": fstree.Entry("directory", 0o755),
    "pseudo/console": fstree.Entry("chardev", 0o600),
    "pseudo/loop0": fstree.Entry("blockdev", 0o660),
    "pseudo/pipe": fstree.Entry("fifo", 0o640),
    "pseudo/sock": fstree.Entry("socket", 0o600),
}

fstree.need_tools("mksquashfs", "unsquashfs", "gensquashfs")
TMP = tempfile.TemporaryDirectory(prefix="vetter-sqfs-")
W = TMP.name
SRC = os.path.join(W, "src")
fstree.make_tree(SRC)
EXPECTED = fstree.scan(SRC)
TEXT = os.path.join(W, "text")
fstree.make_text_tree(TEXT)
TEXT_EXPECTED = fstree.scan(TEXT)
_n = [0]


def tmpname(stem):
    _n[0] += 1
    return os.path.join(W, f"{stem}-{_n[0]}")


def pseudo_expected():
    """The pseudo file's content comes from running its command, as mksquashfs does."""
    exp = dict(PSEUDO_EXPECTED)
    content = subprocess.run(["sh", "-c", "echo pseudo-content"], capture_output=True).stdout
    exp["pseudo/setuid"] = fstree.Entry("file", 0o4711, len(content),
                                        hashlib.sha256(content).hexdigest())
    return exp


def mksquashfs(src, *opts, pseudo=True):
    img = tmpname("img") + ".sqfs"
    cmd = ["mksquashfs", src, img, "-noappend", "-quiet", "-no-progress"] + list(opts)
    if pseudo:
        for p in PSEUDO:
            cmd += ["-p", p]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, f"mksquashfs {' '.join(opts)} failed: {r.stderr}"
    return img


def unsquashfs_tree(img):
    ref = tmpname("ref")
    r = subprocess.run(["unsquashfs", "-no-progress", "-d", ref, img], capture_output=True,
                       text=True)
    assert r.returncode == 0, f"unsquashfs failed: {r.stderr}"
    return fstree.scan(ref)


def superblock(data):
    """The fields of a squashfs 4 superblock (layout from the kernel's squashfs_fs.h)."""
    names = ("magic inodes mkfs_time block_size fragments compression block_log flags "
             "no_ids major minor root_inode bytes_used id_table xattr_table inode_table "
             "dir_table frag_table export_table").split()
    return dict(zip(names, struct.unpack_from("<5I6H8Q", data, 0)))


def run_ok(img, expected, variant=None, fmt="squashfs"):
    rc, chunks, got, diags, err = fstree.xrun(XRUN, img, tmpname("out"), fmt)
    assert not fstree.sane_failure(rc, err), f"xrun crashed: {err}"
    assert rc == 0 and not diags, f"exit {rc}, diagnostics {diags}"
    assert len(chunks) == 1, chunks
    c = chunks[0]
    size = os.path.getsize(img)
    assert (c["format"], c["offset"], c["length"], c["state"]) == (fmt, 0, size, "complete"), c
    if variant:
        assert c["variant"] == variant, c
    probs = fstree.compare(expected, got)
    assert not probs, "against the source tree:\n  " + "\n  ".join(probs)
    return got


def check_compressor(comp):
    img = mksquashfs(SRC, "-comp", comp)
    exp = dict(EXPECTED)
    exp.update(pseudo_expected())
    got = run_ok(img, exp, f"squashfs 4 {comp}")
    probs = fstree.compare(unsquashfs_tree(img), got)
    assert not probs, "against unsquashfs:\n  " + "\n  ".join(probs)


for _comp in COMPRESSORS:
    globals()[f"test_compressor_{_comp}"] = (lambda c: lambda: check_compressor(c))(_comp)


def test_owners_times_devices():
    """Owner, group, mtime and device numbers, through `vetter extract`'s manifest."""
    for comp in ("gzip", "lzo"):
        img = mksquashfs(SRC, "-comp", comp, pseudo=False)
        probs = fstree.check_owners(VETTER, img, SRC, tmpname("extract"))
        assert not probs, "\n  ".join(probs)


def test_block_size_4k_and_1m():
    for bs in ("4K", "1M"):
        img = mksquashfs(SRC, "-b", bs, pseudo=False)
        run_ok(img, EXPECTED)


def test_uncompressed_everything():
    img = mksquashfs(SRC, "-noI", "-noD", "-noF", "-noX", "-no-fragments", pseudo=False)
    run_ok(img, EXPECTED)


def test_always_use_fragments():
    img = mksquashfs(SRC, "-always-use-fragments", "-comp", "zstd", pseudo=False)
    run_ok(img, EXPECTED)


def test_gensquashfs_writer():
    """squashfs-tools-ng's own writer (extended inodes for the special files, another
    layout of tables); gensquashfs stores neither sockets nor fifos with -D."""
    img = tmpname("gen") + ".sqfs"
    r = subprocess.run(["gensquashfs", "-D", SRC, "-c", "xz", "-k", img], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    got = run_ok_loose(img)
    probs = fstree.compare(unsquashfs_tree(img), got)
    assert not probs, "against unsquashfs:\n  " + "\n  ".join(probs)


def run_ok_loose(img):
    rc, chunks, got, diags, err = fstree.xrun(XRUN, img, tmpname("out"), "squashfs")
    assert rc == 0 and not diags and len(chunks) == 1, (rc, diags, chunks)
    return got


def test_embedded_at_odd_offset():
    img = mksquashfs(SRC, "-comp", "xz", pseudo=False)
    data = open(img, "rb").read()
    rnd = random.Random(7)
    pre, post = rnd.randbytes(4097 + 123), rnd.randbytes(3001)
    blob = tmpname("embedded") + ".bin"
    open(blob, "wb").write(pre + data + post)
    rc, chunks, got, diags, err = fstree.xrun(XRUN, blob, tmpname("out"), "squashfs")
    assert rc == 0 and not diags, (rc, diags)
    sq = [c for c in chunks if c["format"] == "squashfs"]
    assert len(sq) == 1 and sq[0]["offset"] == len(pre) and sq[0]["length"] == len(data), sq
    probs = fstree.compare(EXPECTED, got)
    assert not probs, "\n  ".join(probs)


def damaged_run(img_bytes, expected, stem, need_diag=True):
    return fstree.damaged_run(XRUN, "squashfs", img_bytes, expected, tmpname(stem) + ".sqfs",
                              tmpname("out"), need_diag)


def test_truncated():
    for comp in ("gzip", "xz"):
        img = mksquashfs(TEXT, "-comp", comp, pseudo=False)
        data = open(img, "rb").read()
        sb = superblock(data)
        used = sb["bytes_used"]
        cuts = sorted({100, used // 4, used // 2, 3 * used // 4, sb["inode_table"] + 10,
                       sb["dir_table"] + 5, used - 1})
        for cut in cuts:
            got, diags, rc = damaged_run(data[:cut], TEXT_EXPECTED, f"{comp}-cut{cut}")
            assert rc == 1 or got, f"cut at {cut}: success without content"


def test_truncated_last_table_keeps_tree():
    """Cutting the last byte (the id table's index) loses owners only: every member is
    still extracted with the right content."""
    img = mksquashfs(TEXT, "-comp", "gzip", "-no-xattrs", "-no-exports", pseudo=False)
    data = open(img, "rb").read()
    used = superblock(data)["bytes_used"]
    got, diags, rc = damaged_run(data[:used - 1], TEXT_EXPECTED, "cut-last")
    probs = fstree.compare(TEXT_EXPECTED, got)
    assert not probs, "\n  ".join(probs)


def test_damaged_data_blocks():
    img = mksquashfs(TEXT, "-comp", "gzip", pseudo=False)
    data = open(img, "rb").read()
    sb = superblock(data)
    rnd = random.Random(3)
    for i in range(6):
        pos = [rnd.randrange(96, sb["inode_table"]) for _ in range(1 + i)]
        got, diags, rc = damaged_run(fstree.flip(data, pos, rnd), TEXT_EXPECTED, f"data{i}")
        missing = set(TEXT_EXPECTED) - set(got)
        assert not missing, f"data damage lost members {sorted(missing)}"
        good = [p for p, g in got.items() if TEXT_EXPECTED[p].kind == "file"
                and g.sha == TEXT_EXPECTED[p].sha]
        assert good, "no file survived data damage"


def metablocks(data, start, end):
    """Offsets of the metadata blocks in [start, end)."""
    out, pos = [], start
    while pos + 2 <= end:
        (h,) = struct.unpack_from("<H", data, pos)
        out.append(pos)
        pos += 2 + (h & 0x7FFF)
    return out


def test_damaged_inode_table():
    img = mksquashfs(TEXT, "-comp", "gzip", pseudo=False)
    data = open(img, "rb").read()
    sb = superblock(data)
    for pos in (sb["inode_table"] + 2, sb["inode_table"] + 40, sb["dir_table"] - 3):
        damaged_run(fstree.flip(data, [pos], random.Random(pos)), TEXT_EXPECTED, "inode")


def many_entries_tree():
    root = tmpname("many")
    fstree.make_text_tree(root)
    big = os.path.join(root, "many")
    os.makedirs(big)
    for i in range(700):
        with open(os.path.join(big, "entry-with-a-rather-long-name-%04d.txt" % i), "w") as f:
            f.write("entry %d\n" % i)
    return root


def test_damaged_directory_table_keeps_reachable():
    """A directory table of several metadata blocks, one in the middle of a long listing
    damaged: the other listings and the entries before the damage are extracted."""
    root = many_entries_tree()
    exp = fstree.scan(root)
    img = mksquashfs(root, "-comp", "gzip", "-no-fragments", pseudo=False)
    data = open(img, "rb").read()
    sb = superblock(data)
    end = min(v for v in (sb["export_table"], sb["id_table"], sb["frag_table"])
              if v > sb["dir_table"])
    blocks = metablocks(data, sb["dir_table"], end)
    assert len(blocks) >= 3, f"directory table has {len(blocks)} blocks"
    # mksquashfs writes listings children first: the small dir0..dir5 and the start of
    # 'many' fill the first block, 'many' goes on over the next ones, the root's is last
    mid = blocks[len(blocks) // 2]
    got, diags, rc = damaged_run(fstree.flip(data, [mid + 10], random.Random(1)), exp, "dir")
    small = [p for p in exp if not p.startswith("many/")]
    assert all(p in got for p in small), "members outside the damaged listing were lost"
    many = [p for p in got if p.startswith("many/")]
    assert 100 <= len(many) < 700, f"{len(many)} members of the damaged listing extracted"


def test_damaged_fragment_table():
    img = mksquashfs(SRC, "-comp", "gzip", pseudo=False)
    data = open(img, "rb").read()
    sb = superblock(data)
    (loc,) = struct.unpack_from("<Q", data, sb["frag_table"])
    for stem, pos in (("fragblock", loc + 5), ("fragindex", sb["frag_table"] + 2)):
        got, diags, rc = damaged_run(fstree.flip(data, [pos], random.Random(2)), EXPECTED, stem,
                                     need_diag=True)
        for p in ("blocks2.bin", "sparse", "allzero"):  # no tail: no fragment needed
            assert got.get(p) and got[p].sha == EXPECTED[p].sha, f"{stem}: {p!r} lost"
        missing = set(EXPECTED) - set(got)
        assert not missing, f"{stem}: lost members {sorted(missing)}"


def test_damaged_hostile_counts():
    """A fragment count libsquashfs would size an allocation by, set huge: refused with a
    diagnostic, no huge allocation (under ASan xrun runs with max_allocation_size_mb),
    the rest extracted."""
    img = mksquashfs(TEXT, "-comp", "gzip", pseudo=False)
    data = bytearray(open(img, "rb").read())
    struct.pack_into("<I", data, 16, 0xF8000002)  # fragment_entry_count
    got, diags, rc = damaged_run(bytes(data), TEXT_EXPECTED, "fragcount")
    assert any("fragment table" in m for _, _, m in diags), diags
    # tables far past the end of a "truncated" image: the count bound must not come from
    # the (huge) declared offsets alone
    struct.pack_into("<Q", data, 40, 1 << 62)                  # bytes_used
    struct.pack_into("<Q", data, 64, 1 << 60)                  # inode table
    struct.pack_into("<Q", data, 72, (1 << 60) + (1 << 20))    # directory table
    struct.pack_into("<Q", data, 80, (1 << 60) + (2 << 20))    # fragment table
    struct.pack_into("<Q", data, 48, (1 << 60) + (3 << 20))    # id table
    struct.pack_into("<Q", data, 88, (1 << 64) - 1)            # no export table
    damaged_run(bytes(data), TEXT_EXPECTED, "fragcount-far")


def test_random_damage():
    """Random bytes flipped anywhere after the superblock of checksummed images (gzip,
    xz), in a tree where every block is compressed: always a diagnostic, never silently
    wrong content."""
    for comp in ("gzip", "xz"):
        img = mksquashfs(TEXT, "-comp", comp, "-no-exports", "-no-xattrs", pseudo=False)
        data = open(img, "rb").read()
        used = superblock(data)["bytes_used"]
        for seed in range(25):
            rnd = random.Random(seed)
            pos = [rnd.randrange(96, used) for _ in range(rnd.choice([1, 2, 8]))]
            damaged_run(fstree.flip(data, pos, rnd), TEXT_EXPECTED, f"{comp}-rnd{seed}")


def test_random_damage_uncompressed_metadata():
    """Uncompressed tables carry no checksum: damage there can go unnoticed, but must
    never crash or hang."""
    img = mksquashfs(SRC, "-noI", "-noF", "-comp", "lz4", pseudo=False)
    data = open(img, "rb").read()
    used = superblock(data)["bytes_used"]
    for seed in range(30):
        rnd = random.Random(100 + seed)
        pos = [rnd.randrange(96, used) for _ in range(rnd.choice([1, 4, 16]))]
        path = tmpname("unc") + ".sqfs"
        open(path, "wb").write(fstree.flip(data, pos, rnd))
        rc, chunks, got, diags, err = fstree.xrun(XRUN, path, tmpname("out"), "squashfs")
        assert not fstree.sane_failure(rc, err), f"seed {seed}: crashed: {err[-2000:]}"


def test_superblock_damage_rejected():
    """Damaged superblock fields: no chunk, or a chunk handled without crashing."""
    img = mksquashfs(TEXT, pseudo=False)
    data = open(img, "rb").read()
    for off in range(0, 96, 3):
        b = bytearray(data)
        b[off] ^= 0x5A
        path = tmpname("sb") + ".sqfs"
        open(path, "wb").write(bytes(b))
        rc, chunks, got, diags, err = fstree.xrun(XRUN, path, tmpname("out"), "squashfs")
        assert not fstree.sane_failure(rc, err), f"offset {off}: crashed: {err[-2000:]}"


if __name__ == "__main__":
    fstree.harness.main(globals())
