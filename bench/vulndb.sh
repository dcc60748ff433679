#!/usr/bin/env bash
# vulndb.sh - benchmarks of the vulnerability database, with their targets:
#   1. import the ~32k records of nvd-overrides (a directory of single records): <= 10 s
#   2. import a generated set of 300k NVD-format records (API 2.0 pages): <= 120 s and
#      peak RSS <= 1 GiB (/usr/bin/time -v)
#   3. match 1,000 components (as one artifact) against that database: <= 100 ms (the
#      median of five runs, each a new process that opens the database, as a scan does)
#
# usage: bench/vulndb.sh [BUILD_DIR] [NVD_OVERRIDES_DIR] [N]
# BUILD_DIR defaults to build; the overrides to ../shared/data/vuln/nvd-overrides; N to
# 300000. Scratch files go to a temporary directory, removed at the end.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
overrides=${2:-$top/../shared/data/vuln/nvd-overrides}
n=${3:-300000}
vetter=$build/cli/vetter
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vt-bench-vulndb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

measure() { # CMD... : sets secs (elapsed) and rss (peak MiB)
	/usr/bin/time -v -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || {
		cat "$tmp/err" >&2; return 1; }
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0;
		for (i=1;i<=n;i++) s=s*60+t[i]; print s}' "$tmp/time")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$tmp/time")
}

if [ -d "$overrides" ]; then
	measure "$vetter" db import -q --db "$tmp/overrides.sqlite" "$overrides"
	recs=$(find "$overrides" -name 'CVE-*.json' | wc -l)
	printf 'import nvd-overrides (%d records):   %6.1f s, peak RSS %5d MiB   (target <= 10 s)\n' \
		"$recs" "$secs" "$rss"
else
	echo "import nvd-overrides: skipped ($overrides not found)"
fi

python3 "$top/bench/gen-nvd.py" "$n" "$tmp/gen"
measure "$vetter" db import -q --db "$tmp/gen.sqlite" "$tmp/gen"
printf 'import %d generated records:     %6.1f s, peak RSS %5d MiB   (target <= 120 s, <= 1024 MiB)\n' \
	"$n" "$secs" "$rss"
rm -rf "$tmp/gen"

# 1,000 components: distinct vendor/product pairs of the index with a version from a range
sqlite3 -separator $'\t' "$tmp/gen.sqlite" \
	"SELECT part, vendor, product, coalesce(end_excl, end_incl, start_incl, version)
	 FROM cpe_index GROUP BY vendor, product ORDER BY random() LIMIT 1000" >"$tmp/components.tsv"
cc -O2 -o "$tmp/vulndb-match" "$top/bench/vulndb-match.c" -I"$top/include" -L"$build/lib" \
	-lvetter -Wl,-rpath,"$build/lib"
"$tmp/vulndb-match" "$tmp/gen.sqlite" "$tmp/components.tsv" >/dev/null # page cache warm
for i in 1 2 3 4 5; do
	"$tmp/vulndb-match" "$tmp/gen.sqlite" "$tmp/components.tsv"
done >"$tmp/match"
# the median of the five runs, by milliseconds (the 5th field)
printf 'match 1,000 components (median of 5): %s   (target <= 100 ms)\n' \
	"$(sort -t' ' -k5,5n "$tmp/match" | sed -n 3p)"
