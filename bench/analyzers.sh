#!/usr/bin/env bash
# analyzers.sh - what the hidden-functionality analyzers add to `vetter scan`.
#
# usage: bench/analyzers.sh [VETTER] [INPUT] [RUNS]
#   defaults: build/cli/vetter, the d-i netboot initrd (tests/fixtures/make-real-inputs), 5
#
# Times, on the same input and alternating so that load changes hit both alike:
#   --no-analyzers                      unpack, type, hash, parse only
#   --analyzers accounts,services,...   plus the accounts, services, crypto, secrets,
#                                       network, fsposture and yara analyzers
#   (default)                           every analyzer of the build (hardening, catalogue...)
# and prints the median wall-clock time and CPU time (user+sys) of each and the overhead of
# the hidden-functionality analyzers over --no-analyzers (target: at most +50%).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
vetter=${1:-$top/build/cli/vetter}
cache=${VETTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vetter}
if [ -z "${2:-}" ]; then
	"$top/tests/fixtures/make-real-inputs" "$cache/real-inputs" 2>/dev/null
	input=$cache/real-inputs/initrd.gz
else
	input=$2
fi
runs=${3:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mine=accounts,services,crypto,secrets,network,fsposture,yara
cat "$input" >/dev/null

one() { # one LABEL ARGS...: appends "wall cpu" to $tmp/LABEL
	local label=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$tmp/t" "$vetter" scan --no-progress -q "$@" -o "$tmp/r.json" \
		"$input" >/dev/null 2>&1 || true
	awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$tmp/t" >>"$tmp/$label"
}
for _ in $(seq "$runs"); do
	one none --no-analyzers
	one mine --analyzers "$mine"
	one all
done
median() { sort -n -k"$2" "$tmp/$1" | awk -v k="$2" '{ v[NR] = $k } END { print v[int((NR + 1) / 2)] }'; }
echo "input: $input ($(stat -c %s "$input") bytes), $runs runs each, $(nproc) processors"
printf '%-44s %8s %8s\n' "" "wall s" "cpu s"
printf '%-44s %8s %8s\n' "vetter scan --no-analyzers" "$(median none 1)" "$(median none 2)"
printf '%-44s %8s %8s\n' "vetter scan --analyzers (hidden functionality)" "$(median mine 1)" "$(median mine 2)"
printf '%-44s %8s %8s\n' "vetter scan (every analyzer)" "$(median all 1)" "$(median all 2)"
awk -v a="$(median none 1)" -v b="$(median mine 1)" -v c="$(median none 2)" -v d="$(median mine 2)" \
	'BEGIN { printf "hidden-functionality analyzers add %+.0f%% wall time, %+.0f%% CPU time (target: at most +50%%)\n", (b / a - 1) * 100, (d / c - 1) * 100 }'
