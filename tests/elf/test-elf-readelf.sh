#!/usr/bin/env bash
# test-elf-readelf.sh - compare vetter's ELF parser with binutils' readelf.
#
# usage: tests/elf/test-elf-readelf.sh ELFINFO_BINARY
#
# Builds the corpus with tests/fixtures/make-elf-corpus (kept under $VETTER_CACHE, default
# ~/.cache/vetter, and rebuilt when that script changes), runs elfinfo
# over every file and compares class, endianness, machine, type (first word), interpreter,
# DT_NEEDED and SONAME with `readelf -h -l -d -W`. The damaged/ files are not compared:
# elfinfo must survive them and report problems (or, for a cut header, an error).
# Prints one line per mismatch and "N passed, N failed"; fails on any mismatch, on fewer
# than 6 distinct machines, or when a tool is missing (never skips).
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 ELFINFO_BINARY" >&2; exit 2; }
elfinfo=$1
top=$(cd "$(dirname "$0")/../.." && pwd)

command -v readelf >/dev/null || { echo "readelf not found (install binutils)" >&2; exit 1; }
[ -x "$elfinfo" ] || { echo "elfinfo binary '$elfinfo' not found" >&2; exit 1; }

corpus=$("$top/tests/fixtures/elf-corpus") || exit 1

# readelf_facts FILE: the same tab-separated fields as elfinfo prints (without the count).
readelf_facts() {
	readelf -h -l -d -W "$1" 2>/dev/null | awk -v path="$1" '
		function val(line) { sub(/^[^:]*:[ \t]*/, "", line); return line }
		function bracket(line) {
			sub(/^[^[]*\[/, "", line)
			sub(/\][ \t]*$/, "", line)
			return line
		}
		/^  Class:/ { class = val($0) }
		/^  Data:/ { data = val($0) ~ /big endian/ ? "big" : "little" }
		/^  Type:/ { split(val($0), t, " "); type = t[1] }
		/^  Machine:/ { machine = val($0) }
		/\[Requesting program interpreter: / {
			sub(/.*interpreter: /, "")
			interp = bracket("[" $0)
		}
		/\(NEEDED\)/ { needed = needed (needed == "" ? "" : ",") bracket($0) }
		/\(SONAME\)/ { soname = bracket($0) }
		END {
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", path, class, data, machine, type,
				interp == "" ? "-" : interp, needed == "" ? "-" : needed,
				soname == "" ? "-" : soname
		}'
}

# The exported symbols of the dynamic table (defined, GLOBAL or WEAK, DEFAULT or PROTECTED),
# as a count and the sum of their name lengths (version suffixes cut).
readelf_exports() {
	readelf --dyn-syms -W "$1" 2>/dev/null | awk '
		$1 ~ /^[0-9]+:$/ && NF >= 8 {
			n = NF
			if ($n ~ /^\([0-9]+\)$/) n--   # "name@VER (2)"
			name = $n; ndx = $(n - 1)
			if (($5 == "GLOBAL" || $5 == "WEAK") && ($6 == "DEFAULT" || $6 == "PROTECTED") &&
			    ndx != "UND") {
				sub(/@.*/, "", name)
				if (name != "") { count++; chars += length(name) }
			}
		}
		END { printf "%d\t%d\n", count, chars }'
}

fields=(path class data machine type interp needed soname)
passed=0 failed=0 other=0 # other: failures outside the per-file comparison
declare -A machines=()
files=()
while IFS= read -r f; do files+=("$f"); done < <(find "$corpus" -path "$corpus/damaged" -prune -o \
	-type f ! -name '.*' -print | sort)
[ ${#files[@]} -gt 0 ] || { echo "empty corpus" >&2; exit 1; }

out=$("$elfinfo" "${files[@]}")
rc=$?
if [ $rc -ne 0 ]; then
	echo "elfinfo exited with status $rc on the corpus"
	other=$((other + 1))
fi
declare -A ours=()
while IFS= read -r line; do
	ours[${line%%$'\t'*}]=$line
done <<<"$out"

for f in "${files[@]}"; do
	theirs=$(readelf_facts "$f")
	mine=${ours[$f]:-}
	if [ -z "$mine" ]; then
		echo "$f: elfinfo printed nothing"
		failed=$((failed + 1))
		continue
	fi
	IFS=$'\t' read -r -a a <<<"$mine"
	IFS=$'\t' read -r -a b <<<"$theirs"
	ok=1
	for i in 1 2 3 4 5 6 7; do
		if [ "${a[$i]:-}" != "${b[$i]:-}" ]; then
			echo "$f: ${fields[$i]}: elfinfo '${a[$i]:-}', readelf '${b[$i]:-}'"
			ok=0
		fi
	done
	exp=$(readelf_exports "$f")
	if [ "${a[9]:-}"$'\t'"${a[10]:-}" != "$exp" ]; then
		echo "$f: exported symbols (count, name bytes): elfinfo '${a[9]:-} ${a[10]:-}', readelf '${exp/$'\t'/ }'"
		ok=0
	fi
	if [ "${a[8]:-}" != 0 ]; then
		echo "$f: elfinfo reports ${a[8]:-?} problems on a good file"
		ok=0
	fi
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
		machines[${a[3]}]=1
	else
		failed=$((failed + 1))
	fi
done

# Damaged files: no crash; problems for an intact header, an error for a cut one.
errs=$(mktemp)
trap 'rm -f "$errs"' EXIT
for f in "$corpus"/damaged/*; do
	line=$("$elfinfo" "$f" 2>"$errs")
	rc=$?
	if grep -q Sanitizer "$errs" || [ $rc -ge 2 ]; then
		echo "$f: elfinfo failed (status $rc): $(head -3 "$errs")"
		other=$((other + 1))
	elif [[ $(basename "$f") == *hdr* ]]; then
		if [ $rc -ne 1 ] || [ -n "$line" ]; then
			echo "$f: cut ELF header not rejected"
			other=$((other + 1))
		fi
	elif [ $rc -ne 0 ] || [ -z "$line" ] || [ "$(cut -f9 <<<"$line")" = 0 ]; then
		echo "$f: no problems reported for a damaged file"
		other=$((other + 1))
	fi
done

printf 'distinct machines: %d (' ${#machines[@]} >&2
printf '%s; ' "${!machines[@]}" >&2
printf ')\n' >&2
if [ ${#machines[@]} -lt 6 ]; then
	echo "only ${#machines[@]} distinct machines compared (need 6)"
	other=$((other + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$other" -eq 0 ]
