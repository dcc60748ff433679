"""harness.py - a minimal test runner for vetter's script tests.

Each test is a function named test_*; a failed assertion or exception fails it. The run
ends with the line 'N passed, N failed' and exits non-zero on any failure."""
import os
import subprocess
import sys
import traceback


def run(cmd, **kw):
    """Runs cmd (a list), returns CompletedProcess with text stdout/stderr."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("errors", "replace")
    return subprocess.run(cmd, **kw)


TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CACHE = os.environ.get("VETTER_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vetter")


def sample_firmware():
    """(directory, image) of the sample firmware (scripts/make-sample-firmware), built once
    into the download cache and shared by the tests that review it."""
    out = os.path.join(CACHE, "sample-fw")
    image = os.path.join(out, "acme-router-1.0.bin")
    if not os.path.exists(image) or not os.path.exists(
            os.path.join(out, "expected-components.tsv")):
        r = run([os.path.join(TOP, "scripts", "make-sample-firmware"), out])
        assert r.returncode == 0, r.stderr[-3000:]
    return out, image


def tsv_rows(path, ncols):
    """The rows of a tab-separated file as tuples of ncols fields; '#' lines and blank
    lines skipped. A row with another number of fields fails the test."""
    rows = []
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = tuple(line.rstrip("\n").split("\t"))
        assert len(fields) == ncols, (path, line)
        rows.append(fields)
    return rows


def expected_rows(out):
    """The rows (product, version, package, debian_version) of the expected-components.tsv
    that make-sample-firmware writes from the packages it installs."""
    return tsv_rows(os.path.join(out, "expected-components.tsv"), 4)


def main(module_globals):
    tests = [(n, f) for n, f in module_globals.items() if n.startswith("test_") and callable(f)]
    only = os.environ.get("TEST_ONLY")
    passed = failed = 0
    for name, fn in tests:
        if only and only not in name:
            continue
        try:
            fn()
            print(f"ok   {name}")
            passed += 1
        except Exception:  # noqa: BLE001 - report every failure and go on
            print(f"FAIL {name}")
            traceback.print_exc(file=sys.stdout)
            failed += 1
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)
