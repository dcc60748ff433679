#!/usr/bin/env bash
# extract.sh - vetter extract against binwalk -Me (Debian's binwalk 2.3) on the same inputs.
#
# usage: bench/extract.sh [VETTER]          (default: build/cli/vetter)
#
# Inputs: the d-i netboot initrd.gz, a Debian amd64 vmlinuz, OVMF.fd, U-Boot and SeaBIOS
# images (tests/fixtures/make-real-inputs) and the sample firmware
# (scripts/make-sample-firmware). For each, both tools run on the same file with a warm
# page cache, alternately, BENCH_RUNS times each (default 5; a tool whose run took more
# than 10 s is not run again, as a few milliseconds of noise do not matter there), and
# the fastest run of each is kept: the machine may be shared, and interference only ever
# adds time (each run starts after a sync, so no earlier output is being written back
# meanwhile). Printed: wall seconds, peak memory (MiB), files extracted, and the speed
# ratio binwalk/vetter (from the unrounded times). Each run gets BENCH_TIMEOUT seconds
# (default 900). Then the signature scan alone is timed on 512 MiB of random data (MB/s
# per core).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
vetter=$(realpath "${1:-$top/build/cli/vetter}")
cache=${VETTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vetter}
timeout=${BENCH_TIMEOUT:-900}
runs=${BENCH_RUNS:-5}
command -v binwalk >/dev/null || { echo "binwalk is not installed (apt-get install binwalk)" >&2; exit 1; }
"$top/tests/fixtures/make-real-inputs" "$cache/real-inputs" 2>/dev/null
[ -s "$cache/sample-fw/acme-router-1.0.bin" ] || "$top/scripts/make-sample-firmware" "$cache/sample-fw" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bw_root=()
[ "$(id -u)" -ne 0 ] || bw_root=(--run-as=root) # binwalk refuses to extract as root otherwise

measure() { # measure NAME DIR CMD... -> "seconds peakMiB files"
	local name=$1 dir=$2
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	sync # the previous run's output is not written back during this one
	local t0 t1
	t0=$(date +%s.%N)
	( cd "$dir" && timeout "$timeout" /usr/bin/time -f "%M" -o "$tmp/$name.mem" "$@" >/dev/null 2>&1 ) || true
	t1=$(date +%s.%N)
	local files
	files=$(find "$dir" -type f | wc -l)
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}') $(( $(tail -1 "$tmp/$name.mem" 2>/dev/null || echo 0) / 1024 )) $files"
}

# best SLOT "seconds MiB files": keeps the fastest run of SLOT in best_<SLOT>
best() {
	local -n cur=best_$1
	local secs
	read -r secs _ <<<"$2"
	if [ -z "${cur:-}" ] || awk -v a="$secs" -v b="${cur%% *}" 'BEGIN {exit !(a < b)}'; then
		cur=$2
	fi
}

printf '%-22s %10s %8s %8s | %10s %8s %8s | %8s\n' input "vetter s" MiB files "binwalk s" MiB files speedup
for f in "$cache/real-inputs/initrd.gz" "$cache/real-inputs/vmlinuz" "$cache/real-inputs/OVMF.fd" \
	"$cache/real-inputs/u-boot.rom" "$cache/real-inputs/bios.bin" "$cache/sample-fw/acme-router-1.0.bin"; do
	cat "$f" >/dev/null
	name=$(basename "$f")
	best_v= best_b=
	for ((i = 0; i < runs; i++)); do
		if [ -z "$best_v" ] || awk -v a="${best_v%% *}" 'BEGIN {exit !(a <= 10)}'; then
			best v "$(measure "v-$name" "$tmp/v-$name" "$vetter" extract --no-progress -q -o out "$f")"
		fi
		if [ -z "$best_b" ] || awk -v a="${best_b%% *}" 'BEGIN {exit !(a <= 10)}'; then
			best b "$(measure "b-$name" "$tmp/b-$name" binwalk "${bw_root[@]}" -Me -q -C . "$f")"
		fi
	done
	read -r vt vm vf <<<"$best_v"
	read -r bt bm bf <<<"$best_b"
	vf=$((vf - 1)) # the manifest
	printf '%-22s %10.3f %8s %8s | %10.3f %8s %8s | %7.1fx\n' "$name" "$vt" "$vm" "$vf" "$bt" "$bm" "$bf" \
		"$(awk -v a="$bt" -v b="$vt" 'BEGIN {print (b > 0 ? a / b : 0)}')"
	rm -rf "$tmp/v-$name" "$tmp/b-$name"
done

# Signature scan alone: random data has no valid chunk, so this times the hyperscan pass
# and the identify() calls of random magic hits, on one core.
head -c $((512 << 20)) /dev/urandom >"$tmp/random.bin"
cat "$tmp/random.bin" >/dev/null
t0=$(date +%s.%N)
"$vetter" scan -j 1 --no-progress -q "$tmp/random.bin"
t1=$(date +%s.%N)
t0h=$(date +%s.%N)
"$vetter" scan -j 1 --no-progress -q --no-extract "$tmp/random.bin"
t1h=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t0h" -v d="$t1h" 'BEGIN {
	scan = (b - a) - (d - c); if (scan <= 0) scan = 1e-9
	printf "signature scan of 512 MiB random data on 1 core: %.0f MB/s (%.2f s; hashing and typing excluded)\n", 536.870912 / scan, scan }'
