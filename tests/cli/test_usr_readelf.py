"""test_usr_readelf.py - vetter scan of a whole system tree against readelf.

usage: test_usr_readelf.py VETTER [TREE]   (TREE defaults to /usr)

Scans TREE, then checks every ELF object's class, endianness, machine and type against
`readelf -h` on the same file, and that every regular file starting with the ELF magic
was reported as ELF (or carries a diagnostic saying why not)."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import main, run  # noqa: E402

VETTER = os.path.abspath(sys.argv[1])
TREE = sys.argv[2] if len(sys.argv) > 2 else "/usr"
# Under the sanitizers the point is memory errors, not agreement over 135,000 files:
# /usr/bin (every ELF type still occurs) keeps the run short.
if os.environ.get("VETTER_SANITIZED"):
    TREE = "/usr/bin"


def readelf_headers(paths):
    """{path: {field: value}} from readelf -h over many files at once."""
    res, cur = {}, None
    for i in range(0, len(paths), 400):
        chunk = paths[i:i + 400]
        out = run(["readelf", "-h", "-W", *chunk]).stdout
        single = len(chunk) == 1
        if single:
            cur = res.setdefault(chunk[0], {})
        for line in out.splitlines():
            if line.startswith("File: "):
                cur = res.setdefault(line[6:], {})
            elif ":" in line and cur is not None:
                k, v = line.split(":", 1)
                cur[k.strip()] = v.strip()
    return res


def test_tree_against_readelf():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        r = run([VETTER, "scan", "--no-extract", "--no-progress", "-q", "-o", out, TREE])
        assert r.returncode == 0, r.stderr
        rep = json.load(open(out))
    objs = [o for o in rep["objects"] if o["kind"] == "file" and "path_hex" not in o]
    elf = {o["path"]: o for o in objs if "elf" in o}
    # completeness: every file with the ELF magic is ELF in the report, or says why not
    missed = []
    for o in objs:
        if o["path"] in elf or o["size"] < 4:
            continue
        try:
            with open(o["path"], "rb") as f:
                if f.read(4) == b"\x7fELF" and not o.get("diagnostics"):
                    missed.append(o["path"])
        except OSError:
            pass
    assert not missed, missed[:10]
    hdrs = readelf_headers(sorted(elf))
    bad = []
    for path, o in elf.items():
        h = hdrs.get(path)
        e = o["elf"]
        if not h or "Machine" not in h:
            bad.append((path, "readelf gave no header"))
            continue
        want = (h["Class"], h["Machine"], h["Type"].split(" ")[0],
                "little" if "little" in h["Data"] else "big")
        got = (e["class"], e["machine"], e["type"], e["endian"])
        if want != got:
            bad.append((path, want, got))
    print(f"{len(objs)} files, {len(elf)} ELF objects compared with readelf, "
          f"{len(bad)} disagree; scan took {rep['timings']['total_s']:.1f} s")
    assert len(elf) > 0
    assert not bad, bad[:20]


if __name__ == "__main__":
    main(globals())
