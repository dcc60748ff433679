"""test_sample_vulns.py - the sample firmware's review lists known vulnerabilities of its
BusyBox, OpenSSL, dnsmasq and Linux kernel, with CVSS scores and KEV flags, from the
database the build bundles (data/vuln).

usage: test_sample_vulns.py VETTER

Expectations come from the records themselves, read here from data/vuln: the CVSS score
of the NVD record, the range of each applicability statement checked against the version
the sample's package has, and the dateAdded of the CISA KEV catalogue. Never from vetter."""
import json
import lzma
import os
import sys
import tarfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from harness import CACHE, expected_rows, main, run, sample_firmware  # noqa: E402

VETTER = os.path.abspath(sys.argv[1])
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(TOP, "data", "vuln")
_report = []


def record(archive, name):
    with tarfile.open(os.path.join(DATA, archive)) as t:
        for m in t.getmembers():
            if m.name.endswith("/" + name + ".json"):
                return json.load(t.extractfile(m))
    raise AssertionError(f"{name} not in {archive}")


def kev_entry(cve):
    with lzma.open(os.path.join(DATA, "kev", "known_exploited_vulnerabilities.json.xz")) as f:
        for v in json.load(f)["vulnerabilities"]:
            if v["cveID"] == cve:
                return v
    return None


def report():
    if not _report:
        out, image = sample_firmware()
        r = run([VETTER, "scan", "--no-progress", "-q", "-f", "json", "-o", "-", image])
        assert r.returncode == 0, r.stderr[-2000:]
        _report.append(json.loads(r.stdout))
    return _report[0]


def kernel_version():
    """The upstream version of the kernel package the sample packs (its Debian version
    without the revision), read from the cached .deb with dpkg-deb."""
    import glob
    import subprocess
    debs = glob.glob(os.path.join(CACHE, "debs", "linux-image-*-armmp_*_armhf.deb"))
    vers = [subprocess.run(["dpkg-deb", "-f", d, "Version"], capture_output=True, text=True,
                           check=True).stdout.strip() for d in debs]
    assert vers, "no kernel package in the cache"
    return max((v.split("-")[0] for v in vers), key=vkey)


def expected_version(product):
    if product == "linux_kernel":
        return kernel_version()
    out, _ = sample_firmware()
    for p, version, _pkg, _deb in expected_rows(out):
        if p == product:
            return version
    raise AssertionError(f"{product} not in the sample's expected components")


def vulns_of(product):
    comps = [c for c in report()["components"] if c["product"] == product]
    assert comps, f"no {product} component"
    return {v["id"]: v for c in comps for v in c.get("vulnerabilities", [])}


def vkey(v):
    """Enough of a version order for the versions these records and packages use."""
    import re
    return [(0, int(x)) if x.isdigit() else (1, x) for x in re.findall(r"\d+|[a-z]+", v)]


def test_busybox():
    # CVE-2022-48174: versionEndIncluding 1.36.1 (NVD record): 1.35.0 is affected
    rec = record("nvd-cve.tar.xz", "CVE-2022-48174")
    cve = rec.get("cve", rec)
    m = cve["configurations"][0]["nodes"][0]["cpeMatch"][0]
    assert vkey(expected_version("busybox")) <= vkey(m["versionEndIncluding"])
    v = vulns_of("busybox").get("CVE-2022-48174")
    assert v, vulns_of("busybox").keys()
    score = cve["metrics"]["cvssMetricV31"][0]["cvssData"]["baseScore"]
    assert v["cvss3"]["score"] == score, (v, score)
    assert v["kev"] is (kev_entry("CVE-2022-48174") is not None)


def test_kernel_kev():
    # CVE-2024-1086 (CVE 5 with CISA's ADP data): affected from 3.15 before 6.8, and in KEV
    v = vulns_of("linux_kernel").get("CVE-2024-1086")
    ver = expected_version("linux_kernel")
    assert vkey("3.15") <= vkey(ver) < vkey("6.8"), ver
    assert v, vulns_of("linux_kernel").keys()
    k = kev_entry("CVE-2024-1086")
    assert k and v["kev"] is True and v["kev_date_added"] == k["dateAdded"], (v, k)
    assert v["kev_ransomware"] is (k["knownRansomwareCampaignUse"] == "Known")
    assert v["cvss3"]["score"] > 0


def test_openssl_and_dnsmasq():
    for product, cve in (("openssl", "CVE-2026-34180"), ("dnsmasq", "CVE-2026-2291")):
        rec = record("nvd-overrides.tar.xz", cve)
        ver = expected_version(product)
        holds = [m for c in rec.get("cve", rec)["configurations"] for n in c["nodes"]
                 for m in n["cpeMatch"] if m["vulnerable"]
                 and vkey(m.get("versionStartIncluding", "0")) <= vkey(ver)
                 and "versionEndExcluding" in m and vkey(ver) < vkey(m["versionEndExcluding"])]
        assert len(holds) == 1, (ver, holds)
        hi = holds[0]["versionEndExcluding"]
        got = vulns_of(product)
        assert cve in got, (product, sorted(got))
        assert "kev" in got[cve]
        # the range that matched is given, and the fix is the excluded end
        assert got[cve]["fixed"] == hi, got[cve]


if __name__ == "__main__":
    main(globals())
