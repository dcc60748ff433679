#!/usr/bin/env python3
"""compare_checksec.py - compare vetter's hardening facts with Debian's checksec 2.6.

usage: compare_checksec.py [--jobs N] [--show N] [--min-files N] [--times] VETTER PATH...

Finds every regular ELF file under the PATHs (no symbolic links followed), runs
`vetter scan --no-extract --analyzers hardening -o x.json PATH...` once and
`checksec --format=json --file=F` on each file (N in parallel), then compares, for every
executable and shared object (ET_EXEC/ET_DYN; checksec's "rel" objects are skipped), the
properties both tools report: relro, canary, nx, pie, rpath, runpath, symbols,
fortify_source, fortified and fortify-able.

Every disagreement must be of a kind listed in docs/hardening.md ("Where checksec is
wrong"); each kind is checked against readelf -W here, so a disagreement counts as
explained only when readelf confirms that vetter's value is right and that checksec's
value comes from the documented mistake. Prints the agreement rate per property, the
number of disagreements per kind, each unexplained one, and with --times the time of both
tools. Exits 1 on any unexplained disagreement, on a vetter failure, or when fewer than
--min-files files were compared.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import time

PROPS = ["relro", "canary", "nx", "pie", "rpath", "runpath", "symbols", "fortify_source",
         "fortified", "fortify-able"]

# glibc's DEFAULT_STACK_PERMS leaves PF_X out on these machines (readelf -h names)
NONEXEC_DEFAULT = {"AArch64", "Intel IA-64", "LoongArch", "ARCompact", "ARCv2",
                   "Altera Nios II", "Tilera TILEPro multicore architecture family",
                   "Tilera TILE-Gx multicore architecture family"}
CANARY = ("__stack_chk_fail", "__stack_chk_guard", "__intel_security_cookie")


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(paths):
    out = []
    for p in paths:
        if os.path.isfile(p) and not os.path.islink(p):
            if is_elf(p):
                out.append(os.path.normpath(p))
            continue
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for name in sorted(files):
                f = os.path.join(root, name)
                if not os.path.islink(f) and os.path.isfile(f) and is_elf(f):
                    out.append(os.path.normpath(f))
    return out


def run_vetter(vetter, paths):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "x.json")
        t0 = time.monotonic()
        p = subprocess.run([vetter, "scan", "-q", "--no-extract", "--analyzers", "hardening",
                            "-o", out] + paths, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        dt = time.monotonic() - t0
        if p.returncode not in (0, 1) or not os.path.exists(out):
            sys.exit(f"vetter failed with status {p.returncode}: {p.stderr[-2000:]}")
        if "Sanitizer" in p.stderr:
            sys.exit(f"vetter: sanitizer report: {p.stderr[-3000:]}")
        with open(out) as f:
            rep = json.load(f)
    facts = {}
    for o in rep["objects"]:
        if "elf" in o and "hardening" in o["elf"]:
            facts[os.path.normpath(o["path"])] = o["elf"]
    return facts, dt


def vetter_props(e):
    h = e["hardening"]
    yn = lambda b: "yes" if b else "no"
    return {
        "relro": {"none": "no"}.get(h["relro"], h["relro"]),
        "canary": yn(h["canary"]),
        "nx": yn(h["nx"]),
        "pie": {"n/a": "rel"}.get(h["pie"], h["pie"]),
        "rpath": yn(h["rpath"] is not None),
        "runpath": yn(h["runpath"] is not None),
        "symbols": yn(h["symbols"]),
        "fortify_source": yn(h["fortify"]),
        "fortified": str(h["fortified"]),
        "fortify-able": str(h["fortifiable"]),
    }


def run_checksec(f):
    p = subprocess.run(["checksec", "--format=json", "--file=" + f], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True, errors="replace")
    try:
        d = json.loads(p.stdout)
        return f, next(iter(d.values()))
    except (ValueError, StopIteration):
        # names with quotes break checksec's hand-made JSON: take the fields by pattern
        d = dict(re.findall(r'"([a-z_-]+)":"([^"]*)"', p.stdout))
        return f, d if "relro" in d else None


def readelf(args, f):
    p = subprocess.run(["readelf", "-W"] + args + [f], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True, errors="replace")
    return p.stdout


def sym_names(f, dyn_only):
    """(name without version, undefined, awk's 8th field) for every symbol readelf -W
    lists. PowerPC64 ELFv2 symbols carry a "[<localentry>: 8]" annotation that shifts
    the columns, so the name is taken as the last field (before a version index)."""
    out = []
    for line in readelf(["--dyn-syms" if dyn_only else "-s"], f).splitlines():
        parts = line.split()
        if len(parts) < 8 or not parts[0].endswith(":") or not parts[0][:-1].isdigit():
            continue
        name = parts[-2] if re.fullmatch(r"\(\d+\)", parts[-1]) else parts[-1]
        undef = "UND" in parts[6:]
        out.append((name.split("@")[0], undef, parts[7]))
    return out


def libc_chk():
    libc = "/lib/x86_64-linux-gnu/libc.so.6"
    txt = readelf(["-s"], libc)
    return sorted(set(re.findall(r"__(\S*_chk)@@", txt)))


CHK = None


FORTIFY_QUIRKS = ("column", "defined", "underscore")


def fortify_model(f, quirks):
    """fortify_source, fortified, fortify-able as vetter computes them (imports only, exact
    "__X_chk" and "X" names) with checksec's quirks in `quirks` added: "column" (the name
    is awk's 8th field of readelf -W --dyn-syms, wrong when an annotation shifts the
    columns), "defined" (symbols the object defines count too), "underscore" (leading
    underscores are stripped: "__X_chk" and "_X" count)."""
    global CHK
    if CHK is None:
        CHK = libc_chk()
    chk, plain = set(CHK), {c.replace("_chk", "") for c in CHK}
    names = []
    for name, undef, field8 in sym_names(f, True):
        if not undef and "defined" not in quirks:
            continue
        n = re.sub(r"@.*", "", field8) if "column" in quirks else name
        if "underscore" in quirks:
            n = n.lstrip("_")
        if n:
            names.append(n)
    if "underscore" in quirks:
        checked = sum(1 for n in names if n in chk)
        yes = any(n.endswith("_chk") for n in names) if "defined" in quirks else checked > 0
    else:
        checked = sum(1 for n in names if n.startswith("__") and n[2:] in chk)
        yes = checked > 0
    unchecked = sum(1 for n in names if n in plain)
    return {"fortify_source": "yes" if yes else "no", "fortified": str(checked),
            "fortify-able": str(checked + unchecked)}


def explain(prop, f, ours, theirs):
    """The documented kind of a disagreement, verified with readelf; None if unexplained."""
    if prop == "relro":
        dyn = readelf(["-d"], f)
        if ours == "full" and theirs == "partial" and "BIND_NOW" not in dyn and \
                re.search(r"\(FLAGS_1\).*\bNOW\b", dyn):
            return "relro-flags1-now"
    elif prop == "nx":
        hdr, seg = readelf(["-h"], f), readelf(["-l"], f)
        mach = re.search(r"Machine:\s+(.*)", hdr)
        stack = re.search(r"GNU_STACK\s+.*?\s([RWE ]{3})\s+0x", seg)
        if ours == "yes" and theirs == "no" and not stack and mach and \
                mach.group(1).strip() in NONEXEC_DEFAULT:
            return "nx-arch-default"
        if ours == "no" and theirs == "yes" and stack and "E" in stack.group(1) and \
                stack.group(1) != "RWE":
            return "nx-exec-without-write"
    elif prop == "pie":
        dyn, seg = readelf(["-d"], f), readelf(["-l"], f)
        flags1_pie = bool(re.search(r"\(FLAGS_1\).*\bPIE\b", dyn))
        interp = "program interpreter" in seg
        soname = "(SONAME)" in dyn
        vetter_pie = flags1_pie or (interp and not soname)
        if (ours == "yes") == vetter_pie and (theirs == "yes") == ("(DEBUG)" in dyn):
            return "pie-dt-debug"
    elif prop == "canary":
        names = {n for n, _, _ in sym_names(f, False)}
        exact = any(n in names for n in CANARY)
        substr = any(c in n for n in names for c in CANARY)
        if ours == "no" and theirs == "yes" and not exact and substr:
            return "canary-substring"
    elif prop in ("fortify_source", "fortified", "fortify-able"):
        if fortify_model(f, ())[prop] != ours or \
                fortify_model(f, FORTIFY_QUIRKS)[prop] != theirs:
            return None
        # the quirks without which checksec's value is not reproduced
        need = [q for q in FORTIFY_QUIRKS
                if fortify_model(f, tuple(x for x in FORTIFY_QUIRKS if x != q))[prop] != theirs]
        return "fortify-" + ("+".join(need) if need else "any")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--show", type=int, default=20)
    ap.add_argument("--min-files", type=int, default=1)
    ap.add_argument("--times", action="store_true")
    ap.add_argument("--every", type=int, default=1,
                    help="compare every Nth ELF file only (a deterministic sample)")
    ap.add_argument("vetter")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()

    files = elf_files(a.paths)
    if a.every > 1:
        files = sorted(files)[::a.every]
    facts, t_vetter = run_vetter(a.vetter, a.paths)
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        cs = dict(ex.map(run_checksec, files))
    t_checksec = time.monotonic() - t0

    agree = {p: 0 for p in PROPS}
    kinds, unexplained, compared, missing = {}, [], 0, []
    for f in files:
        theirs = cs.get(f)
        e = facts.get(f)
        if e is None:
            missing.append(f)
            continue
        if theirs is None or theirs.get("pie") in ("rel", "not_elf", None):
            continue
        if e["type"] not in ("EXEC", "DYN"):
            continue
        compared += 1
        ours = vetter_props(e)
        for p in PROPS:
            if ours[p] == theirs.get(p):
                agree[p] += 1
                continue
            k = explain(p, f, ours[p], theirs.get(p))
            if k:
                kinds[k] = kinds.get(k, 0) + 1
            else:
                unexplained.append(f"{f}: {p}: vetter '{ours[p]}', checksec '{theirs.get(p)}'")

    print(f"files compared: {compared} (ELF files found: {len(files)})")
    for p in PROPS:
        rate = 100.0 * agree[p] / compared if compared else 0.0
        print(f"  {p:15s} agreement {agree[p]:6d}/{compared} = {rate:6.2f}%")
    print("documented disagreements:", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
          or "none")
    if a.times:
        print(f"time: vetter {t_vetter:.2f} s, checksec {t_checksec:.2f} s "
              f"({a.jobs} parallel), checksec/vetter {t_checksec / max(t_vetter, 1e-6):.1f}x")
    for f in missing[:a.show]:
        print(f"{f}: no ELF facts from vetter")
    for u in unexplained[:a.show]:
        print("UNEXPLAINED", u)
    if len(unexplained) > a.show:
        print(f"... {len(unexplained) - a.show} more unexplained")
    bad = bool(unexplained) or bool(missing) or compared < a.min_files
    if compared < a.min_files:
        print(f"only {compared} files compared (need {a.min_files})")
    print(f"{len(unexplained)} unexplained disagreements")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
