#!/usr/bin/env python3
"""test_fixtures.py - hardening facts and findings on binaries built here with known flags.

usage: test_fixtures.py VETTER

Compiles one small C program with gcc under many flag sets (stack protector on/off,
-D_FORTIFY_SOURCE=2 -O2, -pie/-no-pie, -z execstack, -z norelro, -z lazy/now, -rpath with
old and new dtags, -fcf-protection with -z ibt/-z shstk, -static, -shared, -s), a shared
object with text relocations from assembly, and, with the cross binutils, programs for
big-endian MIPS, big-endian PowerPC64 and AArch64 (with and without PT_GNU_STACK, with a
GNU property note giving BTI and PAC, against a library so that they import symbols, with
SysV and GNU hash tables, and copies whose section headers are removed so that symbols
must come through the dynamic section). Every expectation comes from the flags used to
build the fixture. Then truncated and corrupted copies of every fixture are scanned: vetter
must not crash. Fails on the first wrong fact, listing all of them.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

VETTER = sys.argv[1]
failures = []

C_SRC = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
char *gets(char *);
int main(int argc, char **argv)
{
	char buf[64];
	if (argc > 1)
		strcpy(buf, argv[1]);
#ifdef USE_GETS
	else if (argc > 5)
		gets(buf);
#endif
	else
		buf[0] = 0;
	char num[16];
	sprintf(num, "%d", argc);
	printf("%s %s\n", buf, num);
	if (argc > 2)
		return system(argv[2]);
	return 0;
}
"""

LIB_SRC = r"""
#include <string.h>
int lib_copy(char *d, const char *s) { char t[32]; strcpy(t, s); strcpy(d, t); return 0; }
"""

# A shared object whose code holds an absolute address: a text relocation.
TEXTREL_ASM = """
	.text
	.globl textrel_fn
	.type textrel_fn, @function
textrel_fn:
	ret
	.globl abs_ref
abs_ref:
	.quad textrel_fn
	.section .note.GNU-stack,"",@progbits
"""


def check(name, cond, what):
    if not cond:
        failures.append(f"{name}: {what}")


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{p.stderr}")
    return p


def scan(paths, tmp):
    out = os.path.join(tmp, "report.json")
    p = subprocess.run([VETTER, "scan", "-q", "--no-extract", "--analyzers", "hardening",
                        "-o", out] + paths, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode not in (0, 1) or "Sanitizer" in p.stderr or "runtime error" in p.stderr:
        sys.exit(f"vetter failed ({p.returncode}) on {paths}:\n{p.stderr[-4000:]}")
    with open(out) as f:
        return json.load(f)


def by_path(rep):
    objs = {o["path"]: o for o in rep["objects"]}
    finds = {}
    for f in rep["findings"]:
        if "path" in f:
            finds.setdefault(f["path"], set()).add(f["rule"])
    return objs, finds


def build_gcc(d):
    """name -> (path, expectations)."""
    src = os.path.join(d, "prog.c")
    with open(src, "w") as f:
        f.write(C_SRC)
    lib = os.path.join(d, "lib.c")
    with open(lib, "w") as f:
        f.write(LIB_SRC)
    base = ["-fno-stack-protector", "-U_FORTIFY_SOURCE", "-fcf-protection=none"]
    fx = {
        # stack protector
        "canary": (base + ["-O0", "-fstack-protector-all", "-DUSE_GETS"],
                   {"canary": True, "fortify": False,
                    "dangerous": {"gets", "strcpy", "sprintf", "system"}},
                   {"VT-HARD-010", "VT-HARD-011", "VT-HARD-012", "VT-HARD-007"},
                   {"VT-HARD-006"}),
        "nocanary": (base + ["-O0"], {"canary": False}, {"VT-HARD-006"}, set()),
        # FORTIFY_SOURCE
        "fortify": (base + ["-O2", "-D_FORTIFY_SOURCE=2", "-fstack-protector-strong"],
                    {"fortify": True, "fortified_min": 2, "canary": True},
                    set(), {"VT-HARD-007", "VT-HARD-006"}),
        "nofortify": (base + ["-O2", "-fstack-protector-strong"],
                      {"fortify": False, "fortified": 0, "fortifiable_min": 2},
                      {"VT-HARD-007"}, set()),
        # PIE
        "pie": (base + ["-fPIE", "-pie"], {"pie": "yes", "type": "DYN"}, set(),
                {"VT-HARD-003"}),
        "nopie": (base + ["-fno-PIE", "-no-pie"], {"pie": "no", "type": "EXEC"},
                  {"VT-HARD-003"}, set()),
        # stack
        "execstack": (base + ["-Wl,-z,execstack"], {"nx": False, "gnu_stack": True},
                      {"VT-HARD-001"}, set()),
        "noexecstack": (base + ["-Wl,-z,noexecstack"], {"nx": True}, set(),
                        {"VT-HARD-001", "VT-HARD-002"}),
        # RELRO
        "norelro": (base + ["-Wl,-z,norelro", "-Wl,-z,lazy"], {"relro": "none"},
                    {"VT-HARD-004"}, {"VT-HARD-005"}),
        "lazy": (base + ["-Wl,-z,relro", "-Wl,-z,lazy"], {"relro": "partial"},
                 {"VT-HARD-005"}, {"VT-HARD-004"}),
        "now": (base + ["-Wl,-z,relro", "-Wl,-z,now"], {"relro": "full", "bind_now": True},
                set(), {"VT-HARD-004", "VT-HARD-005"}),
        # RPATH / RUNPATH
        "rpath": (base + ["-Wl,--disable-new-dtags",
                          "-Wl,-rpath,/tmp/lib:lib:$ORIGIN/../lib:/usr/lib/x"],
                  {"rpath": "/tmp/lib:lib:$ORIGIN/../lib:/usr/lib/x", "runpath": None,
                   "rpath_class": {"writable", "relative", "origin", "absolute"}},
                  {"VT-HARD-008"}, set()),
        "runpath": (base + ["-Wl,--enable-new-dtags", "-Wl,-rpath,/opt/x/lib:$ORIGIN"],
                    {"runpath": "/opt/x/lib:$ORIGIN", "rpath": None,
                     "runpath_class": {"absolute", "origin"}},
                    set(), {"VT-HARD-008"}),
        "runpath-empty": (base + ["-Wl,--enable-new-dtags", "-Wl,-rpath,/opt/x::/var/tmp/y"],
                          {"runpath_class": {"absolute", "empty", "writable"}},
                          {"VT-HARD-008"}, set()),
        # CET
        "cet": (["-fno-stack-protector", "-fcf-protection=full", "-Wl,-z,ibt",
                 "-Wl,-z,shstk"], {"ibt": True, "shstk": True}, set(), {"VT-HARD-014"}),
        "ibt-only": (["-fno-stack-protector", "-fcf-protection=branch", "-Wl,-z,ibt"],
                     {"ibt": True, "shstk": False}, {"VT-HARD-014"}, set()),
        "nocet": (base, {"ibt": False, "shstk": False}, {"VT-HARD-014"}, set()),
        # linking, symbols
        "static": (base + ["-static", "-no-pie"], {"linking": "static", "pie": "no",
                                                   "symbols": True},
                   {"VT-HARD-015", "VT-HARD-003"}, set()),
        "stripped": (base + ["-s"], {"symbols": False, "stripped": True}, set(), set()),
        "symbols": (base, {"symbols": True, "stripped": False}, set(), set()),
    }
    out = {}
    for name, (flags, exp, must, mustnot) in fx.items():
        path = os.path.join(d, name)
        run(["gcc"] + flags + ["-o", path, src])
        out[path] = (name, exp, must, mustnot)
    # a shared object: DSO, not PIE, never a no-PIE finding; with its SONAME
    so = os.path.join(d, "libdso.so")
    run(["gcc", "-shared", "-fPIC", "-fstack-protector-all", "-Wl,-soname,libdso.so.1",
         "-Wl,-z,relro,-z,now", "-o", so, lib])
    out[so] = ("dso", {"pie": "dso", "canary": True, "relro": "full", "type": "DYN"},
               {"VT-HARD-011"}, {"VT-HARD-003", "VT-HARD-004", "VT-HARD-005"})
    asm = os.path.join(d, "textrel.s")
    with open(asm, "w") as f:
        f.write(TEXTREL_ASM)
    tr = os.path.join(d, "libtextrel.so")
    run(["gcc", "-shared", "-nostdlib", "-Wl,-z,notext", "-o", tr, asm])
    out[tr] = ("textrel", {"textrel": True, "pie": "dso"}, {"VT-HARD-009"}, set())
    return out


CROSS_LIB = {
    "mips": """	.text
	.globl system
	.type system, @function
system:
	jr $ra
	nop
	.globl __stack_chk_fail
	.type __stack_chk_fail, @function
__stack_chk_fail:
	jr $ra
	nop
	.globl __printf_chk
	.type __printf_chk, @function
__printf_chk:
	jr $ra
	nop
""",
    "ppc64": """	.abiversion 1
	.text
	.globl system
	.type system, @function
system:
	blr
	.globl __stack_chk_fail
	.type __stack_chk_fail, @function
__stack_chk_fail:
	blr
	.globl __printf_chk
	.type __printf_chk, @function
__printf_chk:
	blr
""",
    "aarch64": """	.text
	.globl system
	.type system, %function
system:
	ret
	.globl __stack_chk_fail
	.type __stack_chk_fail, %function
__stack_chk_fail:
	ret
	.globl __printf_chk
	.type __printf_chk, %function
__printf_chk:
	ret
""",
}

# Programs that import system, __stack_chk_fail and __printf_chk through data references
# (absolute words in .data: a dynamic relocation against each symbol, on any machine).
CROSS_PROG = {
    "mips": """	.text
	.globl _start
_start:
	jr $ra
	nop
	.data
	.word system
	.word __stack_chk_fail
	.word __printf_chk
""",
    "ppc64": """	.abiversion 1
	.text
	.globl _start
_start:
	blr
	.data
	.quad system
	.quad __stack_chk_fail
	.quad __printf_chk
""",
    "aarch64": """	.text
	.globl _start
_start:
	ret
	.data
	.quad system
	.quad __stack_chk_fail
	.quad __printf_chk
""",
}

# AArch64 GNU property note: GNU_PROPERTY_AARCH64_FEATURE_1_AND = BTI | PAC.
AARCH64_PROP = """	.section .note.gnu.property, "a"
	.p2align 3
	.word 4
	.word 16
	.word 5
	.asciz "GNU"
	.word 0xc0000000
	.word 4
	.word 3
	.word 0
"""

CROSS = {  # name: (tool prefix, as flags, ld flags, exec stack without PT_GNU_STACK)
    "mips": ("mips-linux-gnu", [], [], True),
    "ppc64": ("powerpc-linux-gnu", ["-a64"], ["-m", "elf64ppc"], True),
    "aarch64": ("aarch64-linux-gnu", [], [], False),
}


def strip_section_headers(src, dst):
    """Copies src with e_shoff, e_shnum and e_shstrndx zeroed (class and byte order from
    e_ident), as sstrip-like tools leave binaries."""
    with open(src, "rb") as f:
        b = bytearray(f.read())
    is64, be = b[4] == 2, b[5] == 2
    order = "big" if be else "little"
    if is64:
        b[40:48] = (0).to_bytes(8, order)
        b[60:62] = (0).to_bytes(2, order)
        b[62:64] = (0).to_bytes(2, order)
    else:
        b[32:36] = (0).to_bytes(4, order)
        b[48:50] = (0).to_bytes(2, order)
        b[50:52] = (0).to_bytes(2, order)
    with open(dst, "wb") as f:
        f.write(b)


def build_cross(d):
    out = {}
    for arch, (pfx, asf, ldf, exec_default) in CROSS.items():
        if not shutil.which(pfx + "-as") or not shutil.which(pfx + "-ld"):
            failures.append(f"{pfx}-as/ld not found (scripts/install-deps installs them)")
            continue
        ad = os.path.join(d, arch)
        os.makedirs(ad)
        ls, ps = os.path.join(ad, "lib.s"), os.path.join(ad, "prog.s")
        with open(ls, "w") as f:
            f.write(CROSS_LIB[arch])
        with open(ps, "w") as f:
            f.write(CROSS_PROG[arch] + (AARCH64_PROP if arch == "aarch64" else ""))
        lo, po = os.path.join(ad, "lib.o"), os.path.join(ad, "prog.o")
        run([pfx + "-as"] + asf + ["-o", lo, ls])
        run([pfx + "-as"] + asf + ["-o", po, ps])
        lib = os.path.join(ad, "libdep.so")
        run([pfx + "-ld"] + ldf + ["-shared", "-soname", "libdep.so", "-o", lib, lo])
        dl = ["-dynamic-linker", "/lib/ld-test.so.1", "-e", "_start"]
        imports = {"canary": True, "fortify": True, "fortified": 1, "fortifiable": 1,
                   "dangerous": {"system"}}
        variants = {
            # no -z (no)execstack and no .note.GNU-stack: no PT_GNU_STACK
            "default-stack": (["-z", "lazy", "-z", "norelro"], {"gnu_stack": False, "nx": not exec_default,
                                               "relro": "none", **imports},
                              {"VT-HARD-002"} if exec_default else set(),
                              set() if exec_default else {"VT-HARD-002"}),
            "execstack": (["-z", "execstack", "-z", "relro", "-z", "now"],
                          {"gnu_stack": True, "nx": False}, {"VT-HARD-001"}, set()),
            "noexecstack-sysv": (["-z", "noexecstack", "--hash-style=sysv"],
                                 {"gnu_stack": True, "nx": True, **imports},
                                 {"VT-HARD-012"}, {"VT-HARD-001", "VT-HARD-002"}),
            "noexecstack-gnu": (["-z", "noexecstack", "--hash-style=gnu"],
                                {"gnu_stack": True, "nx": True, **imports}, set(), set()),
        }
        if arch == "mips":  # MIPS ld has no GNU hash table support
            del variants["noexecstack-gnu"]
        for v, (flags, exp, must, mustnot) in variants.items():
            path = os.path.join(ad, v)
            run([pfx + "-ld"] + ldf + dl + flags + ["-o", path, po, lib])
            if arch == "aarch64":
                exp = dict(exp, bti=True, pac=True)
                mustnot = mustnot | {"VT-HARD-014"}
            out[path] = (f"{arch}/{v}", exp, must, mustnot)
            if v.startswith("noexecstack"):
                # the same without section headers: symbols through DT_SYMTAB and the hash
                nosh = path + "-nosections"
                strip_section_headers(path, nosh)
                out[nosh] = (f"{arch}/{v}-nosections",
                             dict(exp, symbol_tables=["dynamic"]), must, mustnot)
    return out


def verify(objs, finds, fixtures):
    for path, (name, exp, must, mustnot) in fixtures.items():
        o = objs.get(path)
        if not o or "elf" not in o:
            failures.append(f"{name}: no ELF facts")
            continue
        e, h = o["elf"], o["elf"]["hardening"]
        got = dict(h)
        got.update({"type": e["type"], "linking": e["linking"], "stripped": e["stripped"],
                    "rpath": e.get("rpath"), "runpath": e.get("runpath")})
        for k, v in exp.items():
            if k == "dangerous":
                check(name, set(h["dangerous_imports"]) == v,
                      f"dangerous_imports {h['dangerous_imports']}, expected {sorted(v)}")
            elif k.endswith("_min"):
                key = k[:-4]
                check(name, got[key] >= v, f"{key} {got[key]}, expected at least {v}")
            elif k in ("rpath_class", "runpath_class"):
                key = k.split("_")[0]
                check(name, set(h[key] or []) == v, f"{key} classes {h[key]}, expected {v}")
            else:
                check(name, got.get(k) == v, f"{k} {got.get(k)!r}, expected {v!r}")
        rules = finds.get(path, set())
        for r in must:
            check(name, r in rules, f"no {r} finding (has {sorted(rules)})")
        for r in mustnot:
            check(name, r not in rules, f"unexpected {r} finding")


def damage(fixtures, d):
    """Truncated and corrupted copies of every fixture in d."""
    rnd = random.Random(7)
    n = 0
    for path in fixtures:
        with open(path, "rb") as f:
            data = f.read()
        base = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)
        for cut in (16, 52, 64, 100, 200, 400, 1000, len(data) // 3, len(data) // 2,
                    len(data) - 64, len(data) - 1):
            if 0 < cut < len(data):
                with open(os.path.join(d, f"{base}.cut{cut}"), "wb") as f:
                    f.write(data[:cut])
                n += 1
        for k in range(12):
            b = bytearray(data)
            # flip bytes in the headers and in the dynamic/symbol area at random
            for _ in range(8):
                lim = min(len(b), 4096) if rnd.random() < 0.7 else len(b)
                i = rnd.randrange(16, lim)
                b[i] = rnd.randrange(256)
            with open(os.path.join(d, f"{base}.flip{k}"), "wb") as f:
                f.write(b)
            n += 1
    return n


def section_offset(path, name):
    out = run(["readelf", "-SW", path]).stdout
    for line in out.splitlines():
        parts = line.replace("[ ", "[").split()
        if len(parts) > 4 and parts[1] == name:
            return int(parts[4], 16), int(parts[5], 16)
    return None


def targeted(fixtures, d):
    """Copies whose GNU hash table or property note lies (huge counts, chains without an
    end, sizes past the end): the caps and bounds must hold. Returns how many."""
    n = 0
    for path, (name, *_rest) in fixtures.items():
        if name.endswith("-gnu-nosections"):
            sec = section_offset(path[:-len("-nosections")], ".gnu.hash")
            if not sec:
                failures.append(f"{name}: no .gnu.hash in its source")
                continue
            off, size = sec
            with open(path, "rb") as f:
                data = f.read()
            be = data[5] == 2
            order = "big" if be else "little"
            pokes = {
                "nbuckets": [(off, 0xffffffff)],
                "bloom": [(off + 8, 0xffffffff)],
                "symoffset": [(off + 4, 0xfffffff0)],
                "endless-chain": [(off, 1), (off + 4, 0), (off + 8, 0)] +
                                 [(off + 16 + k, 0x01010100) for k in range(0, size - 16, 4)],
            }
            for what, edits in pokes.items():
                b = bytearray(data)
                for o, v in edits:
                    if o + 4 <= len(b):
                        b[o:o + 4] = v.to_bytes(4, order)
                with open(os.path.join(d, f"{name.replace('/', '-')}.{what}"), "wb") as f:
                    f.write(b)
                n += 1
        if name in ("cet", "aarch64/noexecstack-gnu"):
            sec = section_offset(path, ".note.gnu.property")
            if not sec:
                failures.append(f"{name}: no .note.gnu.property")
                continue
            off, _ = sec
            with open(path, "rb") as f:
                data = f.read()
            order = "big" if data[5] == 2 else "little"
            for what, o, v in (("descsz", 4, 0xfffffff0), ("namesz", 0, 0xfffffff0),
                               ("datasz", 16 + 4, 0xfffffff0)):
                b = bytearray(data)
                b[off + o:off + o + 4] = v.to_bytes(4, order)
                with open(os.path.join(d, f"{name.replace('/', '-')}.{what}"), "wb") as f:
                    f.write(b)
                n += 1
    return n


def main():
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "fx")
        os.makedirs(d)
        fixtures = build_gcc(d)
        fixtures.update(build_cross(d))
        rep = scan([d], tmp)
        objs, finds = by_path(rep)
        verify(objs, finds, fixtures)
        print(f"{len(fixtures)} fixtures checked")

        # review-wide aggregation: more than 10 binaries without PIE give one finding
        agg = os.path.join(tmp, "agg")
        os.makedirs(agg)
        nopie = next(p for p, v in fixtures.items() if v[0] == "nopie")
        for i in range(12):
            shutil.copy(nopie, os.path.join(agg, f"nopie{i}"))
        rep = scan([agg], tmp)
        wide = [f for f in rep["findings"] if f["rule"] == "VT-HARD-003" and "path" not in f]
        per = [f for f in rep["findings"] if f["rule"] == "VT-HARD-003" and "path" in f]
        check("aggregation", len(wide) == 1 and wide[0]["severity"] == "medium",
              f"review-wide VT-HARD-003 findings: {wide}")
        check("aggregation", len(per) == 12 and all(f["severity"] == "info" for f in per),
              f"per-object VT-HARD-003 findings: {[f['severity'] for f in per]}")

        dmg = os.path.join(tmp, "damaged")
        os.makedirs(dmg)
        n = damage(fixtures, dmg) + targeted(fixtures, dmg)
        rep = scan([dmg], tmp)
        print(f"{n} damaged copies scanned, {len(rep['objects'])} objects")
    for f in failures:
        print("FAIL", f)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
