#!/usr/bin/env python3
"""test_declared_cli.py VETTER - `vetter scan --declared-sbom` end to end.

The product is a directory of real Debian binaries copied from this system with their real
dpkg status entries. The declared SBOMs (CycloneDX and SPDX) are written here from
dpkg-query's own list of those packages (Debian package names and versions, as a vendor's
tooling would list them), then damaged on purpose: one package omitted, one version misstated,
one package that is not there added. Exactly those three findings must come out. Also: a
malformed or missing declared SBOM is a diagnostic, the scan goes on; `vetter rules` lists
the three rules."""
import json
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from harness import main, run  # noqa: E402

VETTER = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="vetter-declared-")

BINARIES = {  # file in the product -> the Debian package that ships it on this system
    "usr/bin/gzip": "gzip",
    "usr/lib/libz.so.1": "zlib1g",
    "usr/lib/libjansson.so.4": "libjansson4",
    "usr/lib/libcrypto.so.3": "libssl3",
}
OMITTED = "libjansson4"     # not declared: VT-SBOM-001
MISSTATED = "gzip"          # declared with another version: VT-SBOM-002
ABSENT = ("busybox", "1.36.1")  # declared, not in the product: VT-SBOM-003

_product = []


def product():
    """(root, {package: debian version}) of the product tree."""
    if not _product:
        root = os.path.join(TMP, "product")
        for rel in BINARIES:
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            base = os.path.basename(rel)
            src = next(p for p in ("/" + rel, "/usr/lib/x86_64-linux-gnu/" + base,
                                   "/usr/lib/aarch64-linux-gnu/" + base) if os.path.exists(p))
            shutil.copy(src, os.path.join(root, rel), follow_symlinks=True)
        pkgs = sorted(set(BINARIES.values()))
        status = run(["dpkg-query", "-s", *pkgs])
        assert status.returncode == 0, status
        os.makedirs(os.path.join(root, "var/lib/dpkg"))
        with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
            f.write(status.stdout)
        w = run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\n", *pkgs])
        assert w.returncode == 0, w
        versions = dict(line.split("\t") for line in w.stdout.splitlines())
        _product.append((root, versions))
    return _product[0]


def declared_entries():
    _root, versions = product()
    out = []
    for pkg, ver in sorted(versions.items()):
        if pkg == OMITTED:
            continue
        if pkg == MISSTATED:
            ver = "9" + ver  # "91.12-1": no such gzip
        out.append((pkg, ver))
    out.append(ABSENT)
    return out


def write_cyclonedx(path):
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"component": {"type": "firmware", "name": "product"}},
           "components": [{"type": "library", "name": n, "version": v,
                           "purl": f"pkg:deb/debian/{n}@{v}"} for n, v in declared_entries()]}
    with open(path, "w") as f:
        json.dump(doc, f)


def write_spdx(path):
    pkgs = [{"SPDXID": "SPDXRef-product", "name": "product", "downloadLocation": "NOASSERTION"}]
    for i, (n, v) in enumerate(declared_entries()):
        pkgs.append({"SPDXID": f"SPDXRef-p{i}", "name": n, "versionInfo": v,
                     "downloadLocation": "NOASSERTION"})
    doc = {"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
           "name": "product", "documentNamespace": "https://example.com/product",
           "creationInfo": {"created": "2024-03-01T00:00:00Z", "creators": ["Tool: test"]},
           "packages": pkgs,
           "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType":
                              "DESCRIBES", "relatedSpdxElement": "SPDXRef-product"}]}
    with open(path, "w") as f:
        json.dump(doc, f)


def scan_report(declared, *inputs):
    out = os.path.join(TMP, "report.json")
    r = run([VETTER, "scan", "-q", "--declared-sbom", declared, "-o", out, *inputs])
    assert r.returncode in (0, 1), r
    with open(out) as f:
        return json.load(f)


def sbom_findings(rep):
    return [f for f in rep["findings"] if f["rule"].startswith("VT-SBOM-")]


def check_three(rep):
    fs = sbom_findings(rep)
    got = sorted((f["rule"], f.get("path", "")) for f in fs)
    assert len(fs) == 3, json.dumps(fs, indent=1)
    by_rule = {f["rule"]: f for f in fs}
    assert set(by_rule) == {"VT-SBOM-001", "VT-SBOM-002", "VT-SBOM-003"}, got
    # the undeclared one is libjansson (named by its package or catalogue name)
    assert "jansson" in by_rule["VT-SBOM-001"]["message"].lower(), by_rule["VT-SBOM-001"]
    assert "gzip" in by_rule["VT-SBOM-002"]["message"], by_rule["VT-SBOM-002"]
    assert "91.12" in by_rule["VT-SBOM-002"]["message"], by_rule["VT-SBOM-002"]
    assert "busybox" in by_rule["VT-SBOM-003"]["message"], by_rule["VT-SBOM-003"]
    assert "object" not in by_rule["VT-SBOM-003"]
    for f in fs:
        assert f["category"] == "components"


def test_cyclonedx_declared():
    root, _v = product()
    path = os.path.join(TMP, "vendor.cdx.json")
    write_cyclonedx(path)
    check_three(scan_report(path, root))


def test_spdx_declared():
    root, _v = product()
    path = os.path.join(TMP, "vendor.spdx.json")
    write_spdx(path)
    check_three(scan_report(path, root))


def test_complete_declaration_gives_no_finding():
    root, versions = product()
    path = os.path.join(TMP, "complete.cdx.json")
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6",
           "components": [{"name": n, "version": v} for n, v in sorted(versions.items())]}
    with open(path, "w") as f:
        json.dump(doc, f)
    fs = sbom_findings(scan_report(path, root))
    assert fs == [], json.dumps(fs, indent=1)


def test_malformed_declared_sbom_is_a_diagnostic():
    root, _v = product()
    cases = {"truncated.cdx.json": '{"bomFormat":"CycloneDX","components":[{"name":"zl',
             "other.json": '{"hello": "world"}',
             "binary.spdx.json": "\x00\x01\x02"}
    for name, content in cases.items():
        path = os.path.join(TMP, name)
        with open(path, "w") as f:
            f.write(content)
        rep = scan_report(path, root)
        assert sbom_findings(rep) == []
        msgs = [d["message"] for d in rep["diagnostics"] if d["severity"] == "error"]
        assert any("declared SBOM" in m for m in msgs), rep["diagnostics"]
        assert rep["summary"]["files"] >= len(BINARIES)  # the review itself went on
    rep = scan_report(os.path.join(TMP, "no-such-file.json"), root)
    assert any("declared SBOM" in d["message"] for d in rep["diagnostics"])


def test_rules_are_listed():
    r = run([VETTER, "rules"])
    assert r.returncode == 0, r
    for rule in ("VT-SBOM-001", "VT-SBOM-002", "VT-SBOM-003"):
        assert rule in r.stdout, rule


if __name__ == "__main__":
    try:
        main(globals())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
