#!/usr/bin/env python3
"""test_clean_debian.py VETTER - false positives of the hidden-functionality analyzers.

The Debian installer's netboot initrd (tests/fixtures/make-real-inputs: a real, clean
BusyBox-based root filesystem with glibc, OpenSSL, a CA trust store, kernel modules and
hundreds of shell scripts) must yield no high- or critical-severity finding from the
accounts, services, crypto, secrets, network, fsposture and yara analyzers. What it does
hold is checked against the files themselves: its inittab starts shells without login on
tty2/tty3 (medium), its passwd has a second UID 0 account ('installer', for
network-console) whose password is absent (medium), and /etc/ssl/certs is a trust store."""
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from harness import main, run  # noqa: E402

VETTER = os.path.abspath(sys.argv[1])
CACHE = os.environ.get("VETTER_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vetter")
INPUTS = os.path.join(CACHE, "real-inputs")
TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
subprocess.run([os.path.join(TOP, "tests", "fixtures", "make-real-inputs"), INPUTS], check=True,
               stderr=subprocess.DEVNULL)
TMP = tempfile.mkdtemp(prefix="vetter-clean-")
MINE = "accounts,services,crypto,secrets,network,fsposture,yara"
_rep = []


def report():
    if not _rep:
        out = os.path.join(TMP, "initrd.json")
        r = run([VETTER, "scan", "--no-progress", "-q", "--analyzers", MINE,
                 os.path.join(INPUTS, "initrd.gz"), "-o", out])
        assert r.returncode in (0, 1), r.stderr
        with open(out) as f:
            _rep.append(json.load(f))
    return _rep[0]


def initrd_file(path):
    """The bytes of a file of the initrd, read with Python's gzip and a cpio reader."""
    import gzip
    data = gzip.decompress(open(os.path.join(INPUTS, "initrd.gz"), "rb").read())
    off = 0
    while off + 110 <= len(data):
        h = data[off:off + 110]
        assert h[:6] in (b"070701", b"070702"), h[:6]
        fsize, nsize = int(h[54:62], 16), int(h[94:102], 16)
        name = data[off + 110:off + 110 + nsize - 1].decode()
        p = (off + 110 + nsize + 3) & ~3
        if name == "TRAILER!!!":
            break
        if name.lstrip(".").lstrip("/") == path.lstrip("/"):
            return data[p:p + fsize]
        off = (p + fsize + 3) & ~3
    return None


def test_no_high_or_critical():
    bad = [(f["rule"], f["severity"], f.get("fspath"), f.get("message"))
           for f in report()["findings"] if f["severity"] in ("high", "critical")]
    assert not bad, bad


def test_only_my_analyzers_ran():
    cats = {f["category"] for f in report()["findings"]}
    assert cats <= {"accounts", "services", "crypto", "secrets", "network", "filesystem",
                    "custom"}, cats


def test_inittab_shells_are_medium_findings():
    inittab = initrd_file("/etc/inittab").decode()
    ttys = sorted(l.split(":")[0] for l in inittab.splitlines()
                  if not l.startswith("#") and l.count(":") >= 3 and
                  l.split(":", 3)[3].strip() in ("-/bin/sh", "/bin/sh"))
    assert ttys, inittab
    got = sorted(f["message"].split("(")[1].split(",")[0] for f in report()["findings"]
                 if f["rule"] == "VT-SVC-002")
    assert got == ttys, (got, ttys)


def test_second_uid0_account_is_medium():
    passwd = initrd_file("/etc/passwd").decode()
    uid0 = [l.split(":")[0] for l in passwd.splitlines() if l.count(":") == 6 and
            l.split(":")[2] == "0" and l.split(":")[0] != "root"]
    got = [(f["message"].split("'")[1], f["severity"]) for f in report()["findings"]
           if f["rule"] == "VT-ACCT-001"]
    assert got == [(u, "medium") for u in uid0], (got, uid0)


def test_trust_store_is_not_judged():
    crypto = [f for f in report()["findings"] if f["category"] == "crypto"]
    assert crypto and all(f["rule"] == "VT-CRYPTO-008" for f in crypto), crypto[:5]


main(globals())
