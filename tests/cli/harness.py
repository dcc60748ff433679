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
