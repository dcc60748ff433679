#!/usr/bin/env bash
# scan-tree.sh - speed of `vetter scan` on a directory tree, against the classic tools.
#
# usage: bench/scan-tree.sh [VETTER] [TREE]     (defaults: build/cli/vetter, /usr)
#
# Runs, on the same tree and in one run: vetter scan --no-extract (type, SHA-256, ELF facts of every
# file, JSON report), then the shell pipeline that gives the same facts with standard
# tools: `file` and `sha256sum` over every regular file, and `readelf -h` over the ELF
# files, each parallelised over all processors with xargs -P. Prints files/s and MB/s of
# each and the ratio. The page cache is warmed first so both read from memory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
vetter=${1:-$top/build/cli/vetter}
tree=${2:-/usr}
jobs=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
files=$(find "$tree" -xdev -type f | wc -l)
bytes=$(find "$tree" -xdev -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.0f", s}')
echo "tree: $tree, $files files, $((bytes / 1048576)) MiB, $jobs processors"
# warm the page cache
find "$tree" -xdev -type f -print0 | xargs -0 -P "$jobs" -n 256 cat >/dev/null 2>&1 || true

t0=$(now)
/usr/bin/time -f "%M" -o "$tmp/vmem" "$vetter" scan -x --no-extract --no-progress -q -o "$tmp/r.json" "$tree"
t1=$(now)
vt=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')

t0=$(now)
find "$tree" -xdev -type f -print0 | xargs -0 -P "$jobs" -n 512 file -N >"$tmp/file.out" 2>/dev/null || true
find "$tree" -xdev -type f -print0 | xargs -0 -P "$jobs" -n 512 sha256sum >"$tmp/sha.out" 2>/dev/null || true
grep -a ': ELF' "$tmp/file.out" | cut -d: -f1 | tr '\n' '\0' |
	xargs -0 -P "$jobs" -n 512 readelf -h -W >/dev/null 2>&1 || true
t1=$(now)
pt=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')

rate() { awk -v n="$1" -v t="$2" 'BEGIN {printf "%.0f", n / t}'; }
printf '%-34s %8.2f s %9s files/s %7s MB/s  peak %s MiB\n' "vetter scan" "$vt" \
	"$(rate "$files" "$vt")" "$(rate "$((bytes / 1000000))" "$vt")" "$(($(cat "$tmp/vmem") / 1024))"
printf '%-34s %8.2f s %9s files/s %7s MB/s\n' "file + sha256sum + readelf -h" "$pt" \
	"$(rate "$files" "$pt")" "$(rate "$((bytes / 1000000))" "$pt")"
awk -v a="$pt" -v b="$vt" 'BEGIN {printf "vetter is %.1fx faster than the tool pipeline\n", a / b}'
