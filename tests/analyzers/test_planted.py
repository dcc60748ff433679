#!/usr/bin/env python3
"""test_planted.py VETTER WORKDIR - the hidden-functionality analyzers on a planted image.

tests/fixtures/make-planted-image builds the ACME AR-1000 firmware with known problems
planted by real tools (openssl, a hand-assembled ARM ELF, mksquashfs pseudo modes) and
writes the ground truth (planted.tsv: rule, path, the text the finding must name - the
fingerprint from openssl, the expiry date from openssl x509, the planted password...).
vetter scans the packed image; each planted problem must be found with its rule, at its
path, naming the thing. Secrets must never appear whole in the report. A YARA rule written
here must match the planted binary at the offset where the bytes are."""
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from harness import main, run, tsv_rows  # noqa: E402

VETTER = os.path.abspath(sys.argv[1])
WORK = os.path.abspath(sys.argv[2])
TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(WORK, "planted")
IMAGE = os.path.join(OUT, "acme-router-planted.bin")

r = subprocess.run([os.path.join(TOP, "tests", "fixtures", "make-planted-image"), OUT],
                   capture_output=True, text=True)
if r.returncode != 0:
    sys.exit("make-planted-image failed:\n" + r.stderr[-3000:])
TRUTH = tsv_rows(os.path.join(OUT, "planted.tsv"), 4)
SECRETS = [s for s in open(os.path.join(OUT, "planted-secrets")).read().split("\n") if s]
RULES = {x["id"]: x for x in json.loads(run([VETTER, "rules", "--json"]).stdout)}
_scan = {}


def scan(*extra):
    key = extra
    if key not in _scan:
        rep = os.path.join(WORK, "planted-%d.json" % len(_scan))
        res = run([VETTER, "scan", "--no-progress", "-q", IMAGE, "-o", rep] + list(extra))
        assert res.returncode in (0, 1), res.stderr
        with open(rep) as f:
            _scan[key] = (json.load(f), open(rep).read())
    return _scan[key]


def findings(rule, path=None):
    rep, _ = scan()
    return [f for f in rep["findings"] if f["rule"] == rule and (path is None or f.get("fspath") == path)]


def test_every_planted_problem_is_found():
    missing = []
    for rule, path, text, what in TRUTH:
        if rule not in RULES:
            continue  # an analyzer of this build does not exist (hardening)
        fs = findings(rule, path)
        if not any(text in (f.get("message", "") + " " + f.get("excerpt", "")) for f in fs):
            missing.append((rule, path, text, what, fs))
    assert not missing, missing


def test_no_nx_binary_when_hardening_exists():
    if "VT-HARD-001" not in RULES:
        return
    assert findings("VT-HARD-001", "/usr/sbin/acme-cloudd")


def test_severities():
    want = {"VT-ACCT-001": "high", "VT-ACCT-003": "critical", "VT-SVC-001": "critical",
            "VT-CRYPTO-001": "high", "VT-CRYPTO-007": "high", "VT-SECRET-002": "critical",
            "VT-FS-001": "high", "VT-NET-001": "medium", "VT-CRYPTO-003": "medium",
            "VT-ACCT-008": "high", "VT-FS-004": "medium", "VT-FS-005": "medium"}
    want[("VT-SVC-001", "/etc/inetd.conf")] = "high"  # telnetd with login
    for rule, path, _t, _w in TRUTH:
        w = want.get((rule, path), want.get(rule))
        if w:
            sev = {f["severity"] for f in findings(rule, path)}
            assert w in sev, (rule, path, sev)


def test_evidence_has_offsets_and_excerpts():
    # line-based findings point at the line: the excerpt is the bytes at that offset
    rootfs = os.path.join(OUT, "rootfs")
    for rule, path in (("VT-ACCT-001", "/etc/passwd"), ("VT-SVC-001", "/etc/inittab"),
                       ("VT-ACCT-003", "/etc/shadow")):
        data = open(rootfs + path, "rb").read()
        for f in findings(rule, path):
            off = f["offset"]
            ex = f["excerpt"].encode()
            assert data[off:off + len(ex)] == ex, (rule, off, ex)


def test_secrets_are_redacted():
    _, text = scan()
    for s in SECRETS:
        assert s not in text, "a planted secret appears whole in the report"
    f = findings("VT-SECRET-002", "/usr/bin/acme-backup")[0]
    assert SECRETS[1][:4] in f["message"] and "(40 chars)" in f["message"], f


def test_recovered_password_is_reported():
    f = findings("VT-ACCT-003", "/etc/shadow")
    assert any("'xc3511'" in x["message"] and "sysadm" in x["message"] for x in f), f


def test_clean_parts_stay_clean():
    # the product's own root password is random-looking and not in the list; SSH refuses
    # root password logins (-w -g): no finding may claim otherwise
    assert not [f for f in findings("VT-ACCT-003") if "'root'" in f["message"]]
    assert not findings("VT-SVC-005")
    assert [f["message"].split("'")[1] for f in findings("VT-ACCT-001")] == ["sysadm"]


def test_yara_rules():
    rules = os.path.join(WORK, "yara-rules")
    os.makedirs(rules, exist_ok=True)
    with open(os.path.join(rules, "acme.yar"), "w") as f:
        f.write('rule acme_call_home : backdoor telemetry {\n'
                '  meta:\n    description = "ACME cloud reporting daemon"\n'
                '    severity = "high"\n'
                '  strings:\n    $banner = "acme-cloudd 1.0: reporting to"\n'
                '  condition:\n    $banner\n}\n')
    rep, _ = scan("--rules", rules)
    hits = [f for f in rep["findings"] if f["rule"] == "VT-YARA-001"]
    data = open(os.path.join(OUT, "rootfs", "usr/sbin/acme-cloudd"), "rb").read()
    want = data.find(b"acme-cloudd 1.0: reporting to")
    assert want > 0
    mine = [f for f in hits if f.get("fspath") == "/usr/sbin/acme-cloudd"]
    assert len(mine) == 1, hits
    f = mine[0]
    assert f["offset"] == want and f["severity"] == "high", f
    assert "acme.yar:acme_call_home" in f["message"] and "backdoor,telemetry" in f["message"]
    assert "ACME cloud reporting daemon" in f["message"] and f["excerpt"].startswith("acme-cloudd")
    # exactly the rootfs files that hold the string match (the disguised copy too)
    holders = set()
    root = os.path.join(OUT, "rootfs")
    for d, _dirs, files in os.walk(root):
        for n in files:
            p = os.path.join(d, n)
            if not os.path.islink(p) and b"acme-cloudd 1.0: reporting to" in open(p, "rb").read():
                holders.add("/" + os.path.relpath(p, root))
    assert {h.get("fspath") for h in hits if h.get("fspath") != "/"} == holders, (hits, holders)


def test_bad_yara_rules_disable_only_yara():
    rules = os.path.join(WORK, "yara-bad")
    os.makedirs(rules, exist_ok=True)
    with open(os.path.join(rules, "broken.yara"), "w") as f:
        f.write("rule broken { condition: nosuchthing }\n")
    rep, _ = scan("--rules", rules)
    diags = json.dumps(rep.get("diagnostics", rep))
    assert "broken.yara:1" in diags, diags[:2000]
    assert not [f for f in rep["findings"] if f["rule"] == "VT-YARA-001"]
    assert [f for f in rep["findings"] if f["rule"] == "VT-ACCT-001"]


main(globals())
