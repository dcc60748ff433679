#!/usr/bin/env bash
# test-checksec.sh - vetter's hardening facts against Debian's checksec 2.6.
#
# usage: tests/hardening/test-checksec.sh VETTER
#
# Compares every ELF executable and shared object of /usr/bin and of the multi-architecture
# corpus of tests/fixtures/make-elf-corpus (built under $VETTER_CACHE, default
# ~/.cache/vetter, by tests/fixtures/elf-corpus, shared with the readelf test; its damaged/ files
# are left out) with checksec, through compare_checksec.py: any disagreement that is not
# one of the kinds documented in docs/hardening.md fails the test, and so does a missing
# tool (never skips).
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 VETTER" >&2; exit 2; }
vetter=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

for t in checksec readelf python3; do
	command -v $t >/dev/null || { echo "$t not found (scripts/install-deps)" >&2; exit 1; }
done
[[ $(checksec --version 2>&1) == *v2.6* ]] || { echo "checksec 2.6 expected" >&2; exit 1; }

corpus=$("$top/tests/fixtures/elf-corpus") || exit 1

dirs=()
for d in "$corpus"/*/; do
	[ "$(basename "$d")" = damaged ] || dirs+=("${d%/}")
done
[ ${#dirs[@]} -ge 10 ] || { echo "ELF corpus has only ${#dirs[@]} architectures" >&2; exit 1; }
# checksec takes about 0.1 s per file: the test compares a deterministic half of the files
# (a tenth under the sanitizers, whose build is checked for memory errors, not for
# agreement); bench/hardening.sh compares them all, with /usr/lib too.
if [ -n "${VETTER_SANITIZED:-}" ]; then
	sample=(--every 10 --min-files 90)
else
	sample=(--every 2 --min-files 450)
fi
exec python3 "$here/compare_checksec.py" --jobs 2 "${sample[@]}" "$vetter" /usr/bin "${dirs[@]}"
