#!/usr/bin/env python3
"""test_sbom_schema.py VETTER TEST_SBOM SCHEMAS - SBOMs validated against the official schemas.

Both writers' output is checked with python3-jsonschema against the CycloneDX 1.6 schema (its
$refs to spdx.schema.json and jsf-0.82.schema.json resolved from the local copies) and the
SPDX 2.3 schema, formats included: the hand-built components of test_sbom (--write), and real
scans of real Debian binaries copied from this system with their real dpkg status entries, as
a directory, a single file and a SquashFS image made here with mksquashfs. Expected hashes are
computed here with hashlib."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from harness import main, run  # noqa: E402

import jsonschema  # noqa: E402

VETTER, TEST_SBOM, SCHEMAS = sys.argv[1], sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix="vetter-sbom-schema-")

BINARIES = {  # name in the fixture tree -> Debian package that ships it on this system
    "usr/bin/gzip": "gzip",
    "usr/lib/libz.so.1": "zlib1g",
    "usr/lib/libjansson.so.4": "libjansson4",
    "usr/lib/libcrypto.so.3": "libssl3",
}


def load(name):
    with open(os.path.join(SCHEMAS, name)) as f:
        return json.load(f)


def validators():
    bom, spdx_cdx, jsf = load("bom-1.6.schema.json"), load("spdx.schema.json"), \
        load("jsf-0.82.schema.json")
    spdx23 = load("spdx-2.3.schema.json")
    fc = jsonschema.Draft7Validator.FORMAT_CHECKER
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
        reg = Registry().with_resources(
            (s["$id"], Resource.from_contents(s, default_specification=DRAFT7))
            for s in (bom, spdx_cdx, jsf))
        cdx = jsonschema.Draft7Validator(bom, registry=reg, format_checker=fc)
    except ImportError:  # jsonschema before 4.18: RefResolver with a local store
        store = {s["$id"]: s for s in (bom, spdx_cdx, jsf)}
        res = jsonschema.RefResolver.from_schema(bom, store=store)
        cdx = jsonschema.Draft7Validator(bom, resolver=res, format_checker=fc)
    spdx_cls = jsonschema.validators.validator_for(spdx23)
    return cdx, spdx_cls(spdx23, format_checker=fc)


CDX, SPDX = validators()


def check(path):
    """Validates an SBOM file by its kind; returns the document."""
    with open(path, "rb") as f:
        raw = f.read()
    doc = json.loads(raw.decode("utf-8"))  # strict UTF-8
    v = CDX if doc.get("bomFormat") == "CycloneDX" else SPDX
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, f"{path}: " + "; ".join(
        f"{list(e.path)}: {e.message[:300]}" for e in errors[:5])
    return doc


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def scan(*args):
    r = run([VETTER, "scan", "-q", *args])
    assert r.returncode == 0, r
    return r


_tree = []


def tree():
    """A directory of real Debian binaries with their real dpkg status entries."""
    if not _tree:
        root = os.path.join(TMP, "rootfs")
        for rel, _pkg in BINARIES.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            src = next(p for p in ("/" + rel, "/usr/lib/x86_64-linux-gnu/" + os.path.basename(rel),
                                   "/usr/lib/aarch64-linux-gnu/" + os.path.basename(rel))
                       if os.path.exists(p))
            shutil.copy(src, os.path.join(root, rel), follow_symlinks=True)
        status = run(["dpkg-query", "-s", *sorted(set(BINARIES.values()))])
        assert status.returncode == 0, status
        os.makedirs(os.path.join(root, "var/lib/dpkg"))
        with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
            f.write(status.stdout)
        _tree.append(root)
    return _tree[0]


def test_hand_built_components():
    out = os.path.join(TMP, "hand")
    os.makedirs(out)
    r = run([TEST_SBOM, "--write", out])
    assert r.returncode == 0, r
    cdx = check(os.path.join(out, "hand.cdx.json"))
    assert len(cdx["components"]) == 7 and len(cdx["vulnerabilities"]) == 2
    spdx = check(os.path.join(out, "hand.spdx.json"))
    assert len(spdx["packages"]) == 8


def test_real_directory():
    root = tree()
    for fmt, ext in (("cyclonedx", "cdx.json"), ("spdx", "spdx.json")):
        out = os.path.join(TMP, f"dir.{ext}")
        scan("--sbom", fmt, "-o", out, root)
        doc = check(out)
        if fmt == "cyclonedx":
            art = doc["metadata"]["component"]
            assert art["name"] == "rootfs" and art["type"] == "application"
            refs = {c["bom-ref"] for c in doc["components"]}
            assert len(refs) == len(doc["components"])
            deps = {d["ref"] for d in doc["dependencies"]}
            assert deps == refs | {"artifact"}
            for c in doc["components"]:
                for o in c.get("evidence", {}).get("occurrences", []):
                    assert os.path.lexists(os.path.join(root, o["location"])), o
                for h in c.get("hashes", []):
                    # the file that is the component (not the package database naming it)
                    locs = {o["location"] for o in c["evidence"]["occurrences"]
                            if not o.get("additionalContext", "").startswith("package")}
                    assert len(locs) == 1
                    assert h["content"] == sha256(os.path.join(root, locs.pop()))
        else:
            assert doc["name"] == "rootfs"
            ids = [p["SPDXID"] for p in doc["packages"]]
            assert len(ids) == len(set(ids))
            for rel in doc["relationships"]:
                assert rel["spdxElementId"] in ids + ["SPDXRef-DOCUMENT"], rel
                assert rel["relatedSpdxElement"] in ids, rel


def test_single_file():
    src = os.path.join(tree(), "usr/bin/gzip")
    out = os.path.join(TMP, "gzip.cdx.json")
    scan("--sbom", "cyclonedx", "-o", out, src)
    art = check(out)["metadata"]["component"]
    assert art["type"] == "application" and art["name"] == "gzip"
    assert art["hashes"] == [{"alg": "SHA-256", "content": sha256(src)}]
    out = os.path.join(TMP, "gzip.spdx.json")
    scan("--sbom", "spdx", "-o", out, src)
    pkg = check(out)["packages"][0]
    assert pkg["checksums"] == [{"algorithm": "SHA256", "checksumValue": sha256(src)}]
    assert pkg["primaryPackagePurpose"] == "APPLICATION"


def test_firmware_image():
    if not shutil.which("mksquashfs"):
        raise AssertionError("mksquashfs not installed (scripts/install-deps)")
    img = os.path.join(TMP, "rootfs.squashfs")
    r = run(["mksquashfs", tree(), img, "-noappend", "-comp", "xz", "-quiet"])
    assert r.returncode == 0, r
    for fmt, ext in (("cyclonedx", "cdx.json"), ("spdx", "spdx.json")):
        out = os.path.join(TMP, f"img.{ext}")
        scan("--sbom", fmt, "-o", out, img)
        doc = check(out)
        if fmt == "cyclonedx":
            art = doc["metadata"]["component"]
            assert art["type"] == "firmware", art
            assert art["hashes"][0]["content"] == sha256(img)
            for c in doc["components"]:
                for o in c.get("evidence", {}).get("occurrences", []):
                    # a path inside the unpacked image, below its chunk directory
                    assert o["location"].split("/")[0].endswith("-squashfs"), o
        else:
            assert doc["packages"][0]["primaryPackagePurpose"] == "FIRMWARE"


def test_extension_chooses_the_writer():
    root = tree()
    for name, key, value in (("x.cdx.json", "bomFormat", "CycloneDX"),
                             ("x.spdx.json", "spdxVersion", "SPDX-2.3"),
                             ("x.json", "schema", "vetter-report")):
        out = os.path.join(TMP, name)
        scan("-o", out, root)
        with open(out) as f:
            assert json.load(f)[key] == value, name
    r = run([VETTER, "scan", "-q", "--sbom", "spdx", "--format", "cyclonedx", root])
    assert r.returncode != 0 and "disagree" in r.stderr, r


def test_several_inputs():
    out = os.path.join(TMP, "two.cdx.json")
    src = os.path.join(tree(), "usr/bin/gzip")
    scan("--sbom", "cyclonedx", "-o", out, tree(), src)
    art = check(out)["metadata"]["component"]
    assert [c["name"] for c in art["components"]] == ["rootfs", "gzip"]
    assert art["components"][1]["hashes"][0]["content"] == sha256(src)
    out = os.path.join(TMP, "two.spdx.json")
    scan("--sbom", "spdx", "-o", out, tree(), src)
    doc = check(out)
    described = [r["relatedSpdxElement"] for r in doc["relationships"]
                 if r["relationshipType"] == "DESCRIBES"]
    assert len(described) == 2


def test_names_that_are_not_utf8():
    bad = os.path.join(TMP.encode(), b"fw-\xff\xfe name")
    os.makedirs(bad)
    shutil.copy(os.path.join(tree(), "usr/lib/libz.so.1"), os.path.join(bad, b"lib\xe9.so"))
    for fmt, ext in (("cyclonedx", "cdx.json"), ("spdx", "spdx.json")):
        out = os.path.join(TMP, f"bad.{ext}")
        r = run([VETTER.encode(), b"scan", b"-q", b"--sbom", fmt.encode(), b"-o", out.encode(),
                 bad], text=False)
        assert r.returncode == 0, r
        doc = check(out)
        name = doc["metadata"]["component"]["name"] if fmt == "cyclonedx" else doc["name"]
        assert name == "fw-\ufffd\ufffd name", name


if __name__ == "__main__":
    try:
        main(globals())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
