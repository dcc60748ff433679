#!/usr/bin/env bash
# hardening.sh - vetter's hardening facts against Debian's checksec 2.6: agreement and time.
#
# usage: bench/hardening.sh [VETTER] [PATH...]
#        (defaults: build/cli/vetter; /usr/bin, /usr/lib and the multi-architecture ELF
#        corpus of tests/fixtures/make-elf-corpus under $VETTER_CACHE)
#
# For each set of files: runs `vetter scan --no-extract --analyzers hardening -o x.json`
# once and `checksec --format=json --file=F` on every ELF file (all processors in
# parallel), through tests/hardening/compare_checksec.py, which prints the agreement rate
# per property, the documented disagreements by kind (docs/hardening.md), any
# unexplained one, and the time of both tools with their ratio. The page cache is warmed
# first so both read from memory. Exits 1 when a disagreement is unexplained.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
vetter=${1:-$top/build/cli/vetter}
shift || true
cache=${VETTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vetter}
jobs=$(nproc)

[ -x "$vetter" ] || { echo "vetter binary '$vetter' not found (make build)" >&2; exit 1; }
command -v checksec >/dev/null || { echo "checksec not found (scripts/install-deps)" >&2; exit 1; }

sets=("$@")
if [ ${#sets[@]} -eq 0 ]; then
	sets=(/usr/bin /usr/lib)
	if [ -d "$cache/elf-corpus" ]; then
		sets+=("$cache/elf-corpus")
	else
		echo "no ELF corpus in $cache/elf-corpus (meson test --suite hardening builds it)" >&2
	fi
fi

rc=0
for s in "${sets[@]}"; do
	paths=("$s")
	if [ "$s" = "$cache/elf-corpus" ]; then # every architecture, not the damaged copies
		paths=()
		for d in "$s"/*/; do
			[ "$(basename "$d")" = damaged ] || paths+=("${d%/}")
		done
	fi
	echo "== $s ($jobs processors)"
	find "${paths[@]}" -xdev -type f -print0 2>/dev/null |
		xargs -0 -P "$jobs" -n 256 cat >/dev/null 2>&1 || true
	python3 "$top/tests/hardening/compare_checksec.py" --times --jobs "$jobs" --show 30 \
		"$vetter" "${paths[@]}" || rc=1
done
exit $rc
