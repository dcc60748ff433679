#!/usr/bin/env python3
"""test_declared_sample.py VETTER - the sample firmware against a vendor's declared SBOM.

Builds the ACME AR-1000 image with scripts/make-sample-firmware (real Debian armhf packages,
cached under VETTER_CACHE) and takes the ground truth from what built it: the products and
upstream versions of OUTDIR/expected-components.tsv, and the Linux kernel's version from the
control file of the kernel package named in the uImage header.

1. The SBOM vetter writes for the image lists BusyBox, dropbear, lighttpd, dnsmasq, OpenSSL,
   the kernel and the C library with the ground-truth versions, and every component it lists
   is in the ground truth (a product is recognised by its catalogue key or, through the
   catalogue's package list, by the Debian package that shipped it).
2. A declared SBOM (CycloneDX, then SPDX) giving the ground-truth name and version of every
   product vetter identified, but omitting dnsmasq and misstating BusyBox's version, produces
   exactly two findings: VT-SBOM-001 for dnsmasq and VT-SBOM-002 for BusyBox.

Versions in the declared SBOMs come from the ground truth, never from vetter's report; the
report only decides which ground-truth products the vendor is taken to declare."""
import fnmatch
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from harness import main, run  # noqa: E402

import yaml  # noqa: E402

VETTER = sys.argv[1]
TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TMP = tempfile.mkdtemp(prefix="vetter-declared-sample-")
CACHE = os.environ.get("VETTER_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vetter")
NAMED = ["busybox", "dropbear", "lighttpd", "dnsmasq", "openssl", "linux_kernel", "glibc"]
MISSTATED_BUSYBOX = "1.36.1"

_built = []


def sample():
    """(image, truth rows [(product, version, debian package)]) of one build."""
    if not _built:
        out = os.path.join(TMP, "fw")
        env = dict(os.environ, ACME_ROOT_PASSWORD="root-pw", ACME_ADMIN_PASSWORD="admin-pw",
                   ACME_PASSWORD_SALT="vettersalt")
        r = subprocess.run([os.path.join(TOP, "scripts", "make-sample-firmware"), out],
                           capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr[-3000:]
        image = os.path.join(out, "acme-router-1.0.bin")
        truth = []
        with open(os.path.join(out, "expected-components.tsv")) as f:
            for line in f:
                if not line.startswith("#") and line.strip():
                    product, version, package, _debver = line.rstrip("\n").split("\t")
                    truth.append((product, version, package))
        truth.append(("linux_kernel", kernel_version(out), "linux-image"))
        _built.append((image, truth))
    return _built[0]


def kernel_version(out):
    """Upstream version of the kernel package named by the uImage header ('Linux-<abi>')."""
    with open(os.path.join(out, "uImage"), "rb") as f:
        hdr = f.read(64)
    assert struct.unpack(">I", hdr[:4])[0] == 0x27051956, "not a uImage"
    name = hdr[32:64].split(b"\0")[0].decode()
    assert name.startswith("Linux-"), name
    debs = glob.glob(os.path.join(CACHE, "debs", f"linux-image-{name[6:]}_*_armhf.deb"))
    assert len(debs) == 1, debs
    ver = run(["dpkg-deb", "-f", debs[0], "Version"]).stdout.strip()
    return ver.split(":")[-1].rsplit("-", 1)[0]  # epoch and Debian revision dropped


def catalogue(key):
    path = os.path.join(TOP, "data", "catalog", f"{key}.yaml")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return yaml.safe_load(f) or {}


def truth_row(truth, key):
    """The ground-truth row of catalogue product `key`, or None."""
    pkgs = [p.lower() for p in catalogue(key).get("packages", []) or []]
    for row in truth:
        product, _version, package = row
        if product == key or any(fnmatch.fnmatch(package, p) for p in pkgs):
            return row
        if key == "linux_kernel" and product == "linux_kernel":
            return row
    return None


_scan = []


def found():
    """vetter's components of the image: [(product, version)]."""
    if not _scan:
        image, _truth = sample()
        out = os.path.join(TMP, "report.json")
        r = run([VETTER, "scan", "-q", "-o", out, image])
        assert r.returncode in (0, 1), r
        with open(out) as f:
            _scan.append([(c["product"], c["version"]) for c in json.load(f)["components"]])
    return _scan[0]


def test_sbom_lists_the_named_components():
    _image, truth = sample()
    comps = found()
    for key in NAMED:
        row = truth_row(truth, key)
        assert row, f"{key} missing from the ground truth"
        versions = [v for p, v in comps if p == key]
        assert versions == [row[1]], f"{key}: found {versions}, truth {row[1]}"
    outside = [(p, v) for p, v in comps if not truth_row(truth, p)]
    assert not outside, f"components not in the image: {outside}"


def declared(fmt):
    """The vendor's declared SBOM in `fmt`, written from the ground truth."""
    _image, truth = sample()
    entries = []
    for key in sorted({p for p, _v in found()}):
        row = truth_row(truth, key)
        if not row or key == "dnsmasq":
            continue
        product, version, package = row
        if key == "busybox":
            version = MISSTATED_BUSYBOX
        entries.append((product, version, package))
    path = os.path.join(TMP, f"acme.{fmt}.json")
    if fmt == "cdx":
        doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
               "metadata": {"component": {"type": "firmware", "name": "AR-1000"}},
               "components": [{"type": "library", "name": p, "version": v}
                              for p, v, _pkg in entries]}
    else:
        pkgs = [{"SPDXID": "SPDXRef-fw", "name": "AR-1000", "versionInfo": "1.0",
                 "downloadLocation": "NOASSERTION"}]
        for i, (p, v, _pkg) in enumerate(entries):
            pkgs.append({"SPDXID": f"SPDXRef-c{i}", "name": p, "versionInfo": v,
                         "downloadLocation": "NOASSERTION"})
        doc = {"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0",
               "SPDXID": "SPDXRef-DOCUMENT", "name": "AR-1000",
               "documentNamespace": "https://acme.example/ar-1000-1.0",
               "creationInfo": {"created": "2024-03-01T00:00:00Z",
                                "creators": ["Organization: ACME"]},
               "packages": pkgs,
               "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT",
                                  "relationshipType": "DESCRIBES",
                                  "relatedSpdxElement": "SPDXRef-fw"}]}
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def check_declared(fmt):
    image, _truth = sample()
    out = os.path.join(TMP, f"declared-{fmt}.json")
    r = run([VETTER, "scan", "-q", "--declared-sbom", declared(fmt), "-o", out, image])
    assert r.returncode in (0, 1), r
    with open(out) as f:
        fs = [f for f in json.load(f)["findings"] if f["rule"].startswith("VT-SBOM-")]
    got = sorted((f["rule"], f["message"]) for f in fs)
    assert len(fs) == 2, json.dumps(got, indent=1)
    assert got[0][0] == "VT-SBOM-001" and "nsmasq" in got[0][1], got
    assert got[1][0] == "VT-SBOM-002" and MISSTATED_BUSYBOX in got[1][1], got
    assert "1.35.0" in got[1][1], got


def test_cyclonedx_declared_sbom():
    check_declared("cdx")


def test_spdx_declared_sbom():
    check_declared("spdx")


if __name__ == "__main__":
    try:
        main(globals())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
