#!/usr/bin/env bash
# components.sh - accuracy and cost of component identification.
#
# usage: bench/components.sh [VETTER]          (default: build/cli/vetter)
#
# 1. Accuracy on the ground-truth corpus: real Debian packages of several architectures,
#    each unpacked into its own directory with the expected product and upstream version
#    (scripts/debian-ground-truth, or ../shared/tools/debian-ground-truth, builds it into
#    ${VETTER_CACHE:-~/.cache/vetter}/ground-truth; packages already there are kept).
#    `vetter scan` runs on each package directory (no package database is in them: only
#    the files speak); per package it prints what was expected and what was found, then
#    precision and recall of (product, version) pairs over the corpus:
#      TP: the expected pair was found; FN: it was not;
#      FP: every other pair found (the packages ship one product each).
#    Targets: precision >= 0.98, recall >= 0.95.
# 2. Cost on the d-i netboot initrd.gz (tests/fixtures/make-real-inputs caches it): CPU
#    time (user + system) and wall time of `vetter scan` with the identification analyzers
#    (--analyzers catalog,pkgdb) against --no-analyzers, best of RUNS (default 3) runs each,
#    the two alternating, each run after a sync (so that no earlier output is written back
#    during it).
#    Target: at most +25%.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
vetter=${1:-$top/build/cli/vetter}
cache=${VETTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vetter}
gt=$cache/ground-truth
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tool=$top/scripts/debian-ground-truth
[ -x "$tool" ] || tool=$top/../shared/tools/debian-ground-truth
if [ ! -s "$gt/expected.tsv" ] || [ "${GT_REFRESH:-}" ]; then
	[ -x "$tool" ] || { echo "components.sh: no debian-ground-truth tool" >&2; exit 1; }
	echo "building the ground-truth corpus into $gt (cached)..." >&2
	"$tool" "$gt" >&2
fi

echo "== accuracy: $gt"
tail -n +2 "$gt/expected.tsv" | while IFS=$'\t' read -r dir product version debver package arch; do
	[ -d "$gt/$dir" ] || continue
	"$vetter" scan --no-progress -q -o "$tmp/$dir.json" "$gt/$dir" >/dev/null 2>"$tmp/$dir.err" ||
		echo "components.sh: vetter failed on $dir" >&2
	printf '%s\t%s\t%s\n' "$dir" "$product" "$version" >>"$tmp/index.tsv"
done
python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
tp = fp = fn = 0
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(tmp, "index.tsv"))]
for d, product, version in rows:
    try:
        rep = json.load(open(os.path.join(tmp, d + ".json")))
        found = sorted({(c["product"], c["version"] or "-") for c in rep["components"]})
    except (OSError, ValueError):
        found = []
    hit = (product, version) in found
    extra = [f for f in found if f != (product, version)]
    tp += hit
    fn += not hit
    fp += len(extra)
    mark = "ok " if hit and not extra else ("FN " if not hit else "FP ")
    shown = ", ".join(f"{p} {v}" for p, v in found) or "nothing"
    print(f"{mark} {d:40} want {product} {version:14} found {shown}")
p = tp / (tp + fp) if tp + fp else 0.0
r = tp / (tp + fn) if tp + fn else 0.0
print(f"packages {len(rows)}  TP {tp}  FP {fp}  FN {fn}")
print(f"precision {p:.3f} (target 0.98)  recall {r:.3f} (target 0.95)")
PY

echo "== cost: vetter scan of the d-i netboot initrd.gz"
[ -s "$cache/real-inputs/initrd.gz" ] || "$top/tests/fixtures/make-real-inputs" "$cache/real-inputs" 2>/dev/null
initrd=$cache/real-inputs/initrd.gz
cat "$initrd" >/dev/null
run_one() { # run_one NAME ARGS...: appends "NAME cpu wall" to $tmp/runs
	local name=$1
	shift
	sync # the previous run's output is not written back during this one
	/usr/bin/time -f "%U %S %e" -o "$tmp/t" "$vetter" scan --no-progress -q "$@" \
		-o "$tmp/i.json" "$initrd" >/dev/null 2>&1
	read -r u s e <"$tmp/t"
	echo "$name $(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}') $e" >>"$tmp/runs"
}
: >"$tmp/runs"
for _ in $(seq "$runs"); do # alternately, so that both see the same machine
	run_one off --no-analyzers
	run_one on --analyzers catalog,pkgdb
done
best() { # best cpu and best wall of NAME's runs
	awk -v n="$1" '$1 == n { if (c == "" || $2 < c) c = $2; if (w == "" || $3 < w) w = $3 }
		END { print c, w }' "$tmp/runs"
}
read -r off_cpu off_wall < <(best off)
read -r on_cpu on_wall < <(best on)
ncomp=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['components']))" "$tmp/i.json")
awk -v a="$off_cpu" -v b="$on_cpu" -v c="$off_wall" -v d="$on_wall" -v n="$ncomp" 'BEGIN {
	printf "no analyzers:        cpu %6.2f s  wall %6.2f s\n", a, c
	printf "catalog + pkgdb:     cpu %6.2f s  wall %6.2f s  (%d components)\n", b, d, n
	printf "identification adds: cpu %+.0f%%  wall %+.0f%% (target: at most +25%%)\n",
		(b / a - 1) * 100, (d / c - 1) * 100 }'
