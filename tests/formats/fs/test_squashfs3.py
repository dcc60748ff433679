#!/usr/bin/env python3
"""test_squashfs3.py XRUN LZMA1ENC - the squashfs3 handler on SquashFS 3.x images.

Debian's mksquashfs writes only 4.0, so the fixtures come from mksquashfs3.py (an
independent encoder of the 3.x layout) run at test time on the tricky tree of fstree.py.
Every fixture is first validated by other readers: Debian's unsquashfs 4.5 (zlib images,
both byte orders) must extract exactly the source tree, and 7-Zip must list and extract
the same file contents (every variant, including the squashfs-lzma ones). Then vetter's
extraction is compared with the source tree and with those extractions. Damage tests as
for squashfs 4: embedded at an odd offset, truncated, damaged tables, random damage."""
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fstree  # noqa: E402

XRUN = sys.argv[1] if len(sys.argv) > 1 else "xrun"
LZMA1ENC = sys.argv[2] if len(sys.argv) > 2 else "lzma1enc"
VETTER = sys.argv[3] if len(sys.argv) > 3 else "vetter"
WRITER = os.path.join(fstree.HERE, "mksquashfs3.py")

fstree.need_tools("unsquashfs", "7z")
TMP = tempfile.TemporaryDirectory(prefix="vetter-sqfs3-")
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


def mksquashfs3(src, *opts):
    img = tmpname("img") + ".sq3"
    r = subprocess.run([sys.executable, WRITER, src, img, "--lzma1enc", LZMA1ENC] + list(opts),
                       capture_output=True, text=True)
    assert r.returncode == 0, f"mksquashfs3.py {' '.join(opts)} failed: {r.stderr}"
    return img


def superblock(data):
    """The fields of a squashfs 3.x superblock (squashfs_compat.h)."""
    e = ">" if data[:4] in (b"sqsh", b"qshs") else "<"
    names = ("magic inodes bytes_used_2 uid_start_2 guid_start_2 inode_start_2 dir_start_2 "
             "major minor block_size_1 block_log flags no_uids no_guids mkfs_time root "
             "block_size fragments frag_start_2 bytes_used uid_start guid_start inode_table "
             "dir_table frag_table lookup_table").split()
    sb = dict(zip(names, struct.unpack_from(e + "7I4H3BIQ3I7q", data, 0)))
    sb["endian"] = e
    return sb


def unsquashfs_tree(img):
    ref = tmpname("ref")
    r = subprocess.run(["unsquashfs", "-no-progress", "-d", ref, img], capture_output=True,
                       text=True)
    assert r.returncode == 0, f"unsquashfs failed: {r.stderr}"
    return fstree.scan(ref)


def sevenzip_files(img):
    """{path: sha256} of the regular files 7-Zip extracts, plus its directories."""
    ref = tmpname("7z")
    r = subprocess.run(["7z", "x", "-y", "-o" + ref, img], capture_output=True, text=True)
    assert r.returncode == 0, f"7z failed: {r.stdout[-1000:]} {r.stderr}"
    tree = fstree.scan(ref)
    return {p: e for p, e in tree.items() if e.kind in ("file", "directory")}


def check_against_7z(img, got):
    """Every regular file and directory 7-Zip extracts is extracted by vetter too, with
    the same content (7-Zip has no device nodes; it writes them as empty files)."""
    ref = sevenzip_files(img)
    probs = []
    for p, e in ref.items():
        g = got.get(p)
        if g is None:
            probs.append(f"missing {p!r}")
        elif e.kind == "file" and g.kind in ("file", "hardlink") and g.sha != e.sha:
            probs.append(f"{p!r}: content differs from 7-Zip's")
        elif e.kind == "directory" and g.kind != "directory":
            probs.append(f"{p!r}: {g.kind}, 7-Zip has a directory")
    assert not probs, "against 7-Zip:\n  " + "\n  ".join(probs)


def run_ok(img, expected, variant):
    rc, chunks, got, diags, err = fstree.xrun(XRUN, img, tmpname("out"), "squashfs3")
    assert not fstree.sane_failure(rc, err), f"xrun crashed: {err}"
    assert rc == 0 and not diags, f"exit {rc}, diagnostics {diags}"
    assert len(chunks) == 1, chunks
    c = chunks[0]
    size = os.path.getsize(img)
    assert (c["format"], c["offset"], c["length"], c["state"]) == (
        "squashfs3", 0, size, "complete"), c
    assert c["variant"] == variant, c
    probs = fstree.compare(expected, got)
    assert not probs, "against the source tree:\n  " + "\n  ".join(probs)
    return got


def check_variant(opts, variant, unsquashfs=True):
    img = mksquashfs3(SRC, *opts)
    if unsquashfs:  # the encoder is right: unsquashfs extracts exactly the source tree
        probs = fstree.compare(EXPECTED, unsquashfs_tree(img), links=False)
        assert not probs, "unsquashfs disagrees with the source:\n  " + "\n  ".join(probs)
    got = run_ok(img, EXPECTED, variant)
    if unsquashfs:
        probs = fstree.compare(unsquashfs_tree(img), got)
        assert not probs, "against unsquashfs:\n  " + "\n  ".join(probs)
    check_against_7z(img, got)


def test_gzip_little_endian():
    check_variant([], "squashfs 3 little-endian gzip")


def test_gzip_big_endian():
    check_variant(["--be"], "squashfs 3 big-endian gzip")


def test_version_3_0_no_fragments():
    check_variant(["--minor", "0", "--no-fragments"], "squashfs 3 little-endian gzip")


def test_extended_inodes_and_small_blocks():
    check_variant(["--ldir", "--lreg", "--block-size", "4096", "--be"],
                  "squashfs 3 big-endian gzip")


def test_big_blocks_uncompressed():
    check_variant(["--block-size", "1048576", "--uncompressed"],
                  "squashfs 3 little-endian gzip")


def test_lzma_shsq_little_endian():
    """squashfs-lzma: magic 'shsq', .lzma-headed blocks (unsquashfs cannot read these)."""
    check_variant(["--comp", "lzma", "--lzma-magic"], "squashfs 3 little-endian lzma",
                  unsquashfs=False)


def test_lzma_mixed_big_endian():
    check_variant(["--comp", "mixed", "--lzma-magic", "--be"], "squashfs 3 big-endian lzma",
                  unsquashfs=False)


def test_lzma_headerless_both_endians():
    for opts, variant in ((["--comp", "lzma-raw"], "squashfs 3 little-endian lzma"),
                          (["--comp", "lzma-raw", "--be"], "squashfs 3 big-endian lzma")):
        check_variant(opts, variant, unsquashfs=False)


def test_owners_times_devices():
    """Owner, group (the guid 255 'same as uid' case included), mtime and device numbers,
    through `vetter extract`'s manifest, in both byte orders."""
    for opts in ([], ["--be", "--comp", "lzma-raw"]):
        img = mksquashfs3(SRC, *opts)
        probs = fstree.check_owners(VETTER, img, SRC, tmpname("extract"))
        assert not probs, "\n  ".join(probs)


def test_embedded_at_odd_offset():
    img = mksquashfs3(SRC, "--be")
    data = open(img, "rb").read()
    rnd = random.Random(9)
    pre, post = rnd.randbytes(333), rnd.randbytes(1001)
    blob = tmpname("embedded") + ".bin"
    open(blob, "wb").write(pre + data + post)
    rc, chunks, got, diags, err = fstree.xrun(XRUN, blob, tmpname("out"), "squashfs3")
    assert rc == 0 and not diags, (rc, diags)
    sq = [c for c in chunks if c["format"] == "squashfs3"]
    assert len(sq) == 1 and sq[0]["offset"] == len(pre) and sq[0]["length"] == len(data), sq
    probs = fstree.compare(EXPECTED, got)
    assert not probs, "\n  ".join(probs)


def damaged_run(img_bytes, expected, stem, need_diag=True):
    return fstree.damaged_run(XRUN, "squashfs3", img_bytes, expected, tmpname(stem) + ".sq3",
                              tmpname("out"), need_diag)


def test_truncated():
    for opts in ([], ["--be", "--comp", "lzma-raw"], ["--comp", "lzma", "--lzma-magic"]):
        img = mksquashfs3(TEXT, *opts)
        data = open(img, "rb").read()
        sb = superblock(data)
        used = sb["bytes_used"]
        cuts = sorted({120, used // 4, used // 2, 3 * used // 4, sb["inode_table"] + 10,
                       sb["dir_table"] + 5, used - 1})
        for cut in cuts:
            got, diags, rc = damaged_run(data[:cut], TEXT_EXPECTED, f"cut{cut}")
            assert rc == 1 or got, f"cut at {cut}: success without content"


def test_truncated_id_tables_keep_tree():
    """The last bytes are the uid and gid tables: cut there, only owners are lost."""
    img = mksquashfs3(TEXT, "--be")
    data = open(img, "rb").read()
    used = superblock(data)["bytes_used"]
    got, diags, rc = damaged_run(data[:used - 1], TEXT_EXPECTED, "cut-ids")
    probs = fstree.compare(TEXT_EXPECTED, got)
    assert not probs, "\n  ".join(probs)


def test_damaged_data_blocks():
    for opts in ([], ["--be", "--comp", "mixed", "--lzma-magic"]):
        img = mksquashfs3(TEXT, *opts)
        data = open(img, "rb").read()
        sb = superblock(data)
        rnd = random.Random(4)
        for i in range(5):
            pos = [rnd.randrange(119, sb["inode_table"]) for _ in range(1 + i)]
            got, diags, rc = damaged_run(fstree.flip(data, pos, rnd), TEXT_EXPECTED, f"data{i}")
            missing = set(TEXT_EXPECTED) - set(got)
            assert not missing, f"data damage lost members {sorted(missing)}"


def metablocks(data, start, end, e):
    out, pos = [], start
    while pos + 2 <= end:
        (h,) = struct.unpack_from(e + "H", data, pos)
        out.append(pos)
        pos += 2 + (h & 0x7FFF)
    return out


def test_damaged_inode_table():
    img = mksquashfs3(TEXT, "--be")
    data = open(img, "rb").read()
    sb = superblock(data)
    for pos in (sb["inode_table"] + 2, sb["inode_table"] + 40, sb["dir_table"] - 3):
        damaged_run(fstree.flip(data, [pos], random.Random(pos)), TEXT_EXPECTED, "inode")


def test_damaged_directory_table_keeps_reachable():
    root = tmpname("many")
    fstree.make_text_tree(root)
    os.makedirs(os.path.join(root, "many"))
    for i in range(700):
        with open(os.path.join(root, "many", "entry-with-a-rather-long-name-%04d.txt" % i),
                  "w") as f:
            f.write("entry %d\n" % i)
    exp = fstree.scan(root)
    img = mksquashfs3(root, "--no-fragments")
    data = open(img, "rb").read()
    sb = superblock(data)
    blocks = metablocks(data, sb["dir_table"], sb["uid_start"], sb["endian"])
    assert len(blocks) >= 3, f"directory table has {len(blocks)} blocks"
    mid = blocks[len(blocks) // 2]
    got, diags, rc = damaged_run(fstree.flip(data, [mid + 10], random.Random(1)), exp, "dir")
    small = [p for p in exp if not p.startswith("many/")]
    assert all(p in got for p in small), "members outside the damaged listing were lost"
    many = [p for p in got if p.startswith("many/")]
    assert 100 <= len(many) < 700, f"{len(many)} members of the damaged listing extracted"


def test_damaged_fragment_table():
    img = mksquashfs3(SRC)
    data = open(img, "rb").read()
    sb = superblock(data)
    (loc,) = struct.unpack_from("<Q", data, sb["frag_table"])
    for stem, pos in (("fragblock", loc + 5), ("fragindex", sb["frag_table"] + 2)):
        got, diags, rc = damaged_run(fstree.flip(data, [pos], random.Random(2)), EXPECTED, stem)
        for p in ("blocks2.bin", "sparse", "allzero"):  # no tail: no fragment needed
            assert got.get(p) and got[p].sha == EXPECTED[p].sha, f"{stem}: {p!r} lost"
        missing = set(EXPECTED) - set(got)
        assert not missing, f"{stem}: lost members {sorted(missing)}"


def test_random_damage():
    """Random bytes flipped after the superblock of zlib images (checksummed) of a tree
    whose blocks all compress: always a diagnostic, never silently wrong content."""
    for opts in ([], ["--be"]):
        img = mksquashfs3(TEXT, *opts)
        data = open(img, "rb").read()
        used = superblock(data)["bytes_used"]
        for seed in range(25):
            rnd = random.Random(seed)
            pos = [rnd.randrange(119, used) for _ in range(rnd.choice([1, 2, 8]))]
            got, diags, rc = damaged_run(fstree.flip(data, pos, rnd), TEXT_EXPECTED,
                                         f"rnd{seed}", need_diag=False)
            # a flip in an owner id or a directory's inode number changes nothing we
            # compare; anything else must be reported
            if not diags:
                probs = fstree.compare(TEXT_EXPECTED, got, check_mode=False)
                assert not probs, f"seed {seed}: silent damage: {probs}"


def test_random_damage_lzma_and_uncompressed():
    """LZMA and raw blocks carry no checksum: no crash and no hang is what is asked."""
    for opts in (["--comp", "lzma-raw", "--be"], ["--uncompressed"],
                 ["--comp", "mixed", "--lzma-magic"]):
        img = mksquashfs3(SRC, *opts)
        data = open(img, "rb").read()
        used = superblock(data)["bytes_used"]
        for seed in range(15):
            rnd = random.Random(200 + seed)
            pos = [rnd.randrange(119, used) for _ in range(rnd.choice([1, 4, 16]))]
            path = tmpname("rnd") + ".sq3"
            open(path, "wb").write(fstree.flip(data, pos, rnd))
            rc, chunks, got, diags, err = fstree.xrun(XRUN, path, tmpname("out"), "squashfs3")
            assert not fstree.sane_failure(rc, err), f"{opts} seed {seed}: crashed: {err[-2000:]}"


def test_superblock_damage():
    img = mksquashfs3(TEXT, "--be")
    data = open(img, "rb").read()
    for off in range(0, 119, 3):
        b = bytearray(data)
        b[off] ^= 0x5A
        path = tmpname("sb") + ".sq3"
        open(path, "wb").write(bytes(b))
        rc, chunks, got, diags, err = fstree.xrun(XRUN, path, tmpname("out"), "squashfs3")
        assert not fstree.sane_failure(rc, err), f"offset {off}: crashed: {err[-2000:]}"


if __name__ == "__main__":
    fstree.harness.main(globals())
