/* an_hardening.c - binary hardening of every ELF executable and shared library.
 *
 * Judges the hardening facts the ELF parser drew from each object (lib/elf/elf.c, fields of
 * struct vt_elf_hardening): executable stack, PIE, RELRO, stack protector, FORTIFY_SOURCE,
 * RPATH/RUNPATH, text relocations, dangerous imports, CET/BTI, static linking. The facts
 * come from hostile bytes but are plain values once parsed; nothing here reads content.
 *
 * Only user-space programs are judged: ET_EXEC/ET_DYN objects with program headers that
 * are not a kernel, kernel module or separate debug file, and that show they are GNU/Linux
 * user space (an interpreter, a dynamic section, PT_GNU_STACK or a GNU ABI note).
 * Bare-metal images keep
 * their facts in the report but get no findings. Each problem is one finding per object;
 * in the tree phase, a rule of medium or lower severity raised on more than AGGREGATE
 * objects becomes one review-wide finding at the rule's severity and the per-object ones
 * drop to info, so hundreds of binaries without PIE do not bury the report
 * (docs/hardening.md).
 */
#include "core/internal.h"

#include "analyzers/analyzer.h"
#include "review/review_int.h"

#define AGGREGATE 10 /* per-object findings of one rule before they are aggregated */

#define CWE_PROT "CWE-693"

static const struct vt_rule r_exec_stack = {
	"VT-HARD-001", "hardening", VT_LEVEL_HIGH, "Executable stack", CWE_PROT,
	"PT_GNU_STACK asks for an executable stack: any stack buffer overflow can run injected "
	"code directly, and every thread stack of the process is executable too.",
	"Build without -z execstack; find the object or assembly file that lacks a "
	"'.note.GNU-stack' section (ld --warn-execstack) and fix or mark it.",
};
static const struct vt_rule r_no_gnu_stack = {
	"VT-HARD-002", "hardening", VT_LEVEL_HIGH, "No PT_GNU_STACK: executable stack by default",
	CWE_PROT,
	"Without a PT_GNU_STACK program header, the C library and the kernel of this "
	"architecture make the stack executable (no NX for the stack).",
	"Rebuild with a toolchain that emits PT_GNU_STACK (every object with a "
	"'.note.GNU-stack' section, or link with -z noexecstack).",
};
static const struct vt_rule r_no_pie = {
	"VT-HARD-003", "hardening", VT_LEVEL_MEDIUM, "Executable is not position independent",
	CWE_PROT,
	"A non-PIE executable is loaded at a fixed address: its code and data are not "
	"randomised (ASLR), which makes return-oriented programming reliable.",
	"Build executables with -fPIE -pie (the default of current GCC on most distributions).",
};
static const struct vt_rule r_no_relro = {
	"VT-HARD-004", "hardening", VT_LEVEL_MEDIUM, "No RELRO", CWE_PROT,
	"No PT_GNU_RELRO: the GOT and other relocated data stay writable for the life of the "
	"process, an easy target for memory corruption.",
	"Link with -Wl,-z,relro,-z,now (full RELRO).",
};
static const struct vt_rule r_partial_relro = {
	"VT-HARD-005", "hardening", VT_LEVEL_LOW, "Partial RELRO (lazy binding)", CWE_PROT,
	"PT_GNU_RELRO without BIND_NOW: the PLT part of the GOT stays writable so that "
	"functions can be bound lazily.",
	"Link with -Wl,-z,now as well as -z relro (full RELRO).",
};
static const struct vt_rule r_no_canary = {
	"VT-HARD-006", "hardening", VT_LEVEL_MEDIUM, "No stack protector", CWE_PROT,
	"Neither __stack_chk_fail nor __stack_chk_guard is referenced: no function was built "
	"with a stack canary, so stack buffer overflows are not detected.",
	"Build with -fstack-protector-strong.",
};
static const struct vt_rule r_no_fortify = {
	"VT-HARD-007", "hardening", VT_LEVEL_LOW, "No FORTIFY_SOURCE", CWE_PROT,
	"The object calls functions glibc can check (memcpy, sprintf, read, ...) but none of "
	"their __*_chk variants: it was built without -D_FORTIFY_SOURCE.",
	"Build with -O2 -D_FORTIFY_SOURCE=2 (or 3).",
};
static const struct vt_rule r_bad_rpath = {
	"VT-HARD-008", "hardening", VT_LEVEL_HIGH,
	"Library search path is relative, empty or world-writable", "CWE-426",
	"An RPATH or RUNPATH entry that is relative or empty resolves against the current "
	"directory of the process; one below /tmp or another world-writable directory can be "
	"filled by any local user. Either lets an attacker plant a library the program loads.",
	"Remove the entry, or use absolute paths to root-owned directories (or $ORIGIN).",
};
static const struct vt_rule r_textrel = {
	"VT-HARD-009", "hardening", VT_LEVEL_MEDIUM, "Text relocations", CWE_PROT,
	"DT_TEXTREL: the dynamic loader must make code pages writable to relocate them, "
	"which defeats W^X and prevents sharing the pages between processes.",
	"Build every object with -fPIC/-fPIE; fix assembly that uses absolute addresses.",
};
static const struct vt_rule r_gets = {
	"VT-HARD-010", "hardening", VT_LEVEL_HIGH, "Imports gets()", "CWE-242",
	"gets() cannot limit what it reads: every call is a buffer overflow waiting for a "
	"long line. It was removed from C11.",
	"Replace gets() with fgets() or getline().",
};
static const struct vt_rule r_unsafe_string = {
	"VT-HARD-011", "hardening", VT_LEVEL_INFO, "Imports unbounded string functions",
	"CWE-676",
	"strcpy, strcat, sprintf, vsprintf, stpcpy, wcscpy, wcscat and getwd write without a "
	"bound; each call needs review for overflows.",
	"Use bounded versions (snprintf, strlcpy-like helpers, memcpy with checked sizes).",
};
static const struct vt_rule r_shell = {
	"VT-HARD-012", "hardening", VT_LEVEL_LOW, "Runs commands through the shell", "CWE-78",
	"system() and popen() run /bin/sh -c: any attacker-influenced part of the command "
	"string is a command injection.",
	"Use fork/exec (posix_spawn) with an argument vector; never build shell commands from "
	"input.",
};
static const struct vt_rule r_tmpfile = {
	"VT-HARD-013", "hardening", VT_LEVEL_LOW, "Insecure temporary file names", "CWE-377",
	"mktemp, tmpnam and tempnam return a name that another process can create first "
	"(symlink and race attacks).",
	"Use mkstemp() or mkdtemp(), or O_TMPFILE.",
};
static const struct vt_rule r_no_cfi = {
	"VT-HARD-014", "hardening", VT_LEVEL_INFO,
	"No control-flow protection (x86 CET IBT/SHSTK, AArch64 BTI/PAC)", CWE_PROT,
	"The GNU property note does not mark the object as built for indirect branch tracking "
	"and shadow stacks (x86) or branch target identification and pointer authentication "
	"(AArch64), so the hardware cannot enforce them for the process.",
	"Build with -fcf-protection (x86) or -mbranch-protection=standard (AArch64).",
};
static const struct vt_rule r_static = {
	"VT-HARD-015", "hardening", VT_LEVEL_INFO, "Statically linked executable", NULL,
	"The executable carries its own copy of the C library and other libraries: updating "
	"the system libraries does not fix it, and component inventories may miss what it "
	"contains.",
	"Link dynamically, or track the static libraries it contains and rebuild it with "
	"every fix.",
};

static const struct vt_rule *const rules[] = {
	&r_exec_stack, &r_no_gnu_stack, &r_no_pie, &r_no_relro, &r_partial_relro,
	&r_no_canary, &r_no_fortify, &r_bad_rpath, &r_textrel, &r_gets, &r_unsafe_string,
	&r_shell, &r_tmpfile, &r_no_cfi, &r_static, NULL,
};

/* Whether the object is a user-space program or library of a GNU/Linux-like system. */
static bool judged(const struct vt_elf_info *e)
{
	if ((e->type != VT_ELF_EXEC && e->type != VT_ELF_DYN) || !e->phnum || e->hard.kernel ||
	    e->hard.debug_file)
		return false;
	return e->interp || e->has_dynamic || e->has_gnu_stack || e->hard.gnu_abi_tag;
}

static bool wants(const struct vt_object *o, struct vt_span s)
{
	(void)s;
	return o->elf && judged(o->elf);
}

/* Appends the names of the dangerous imports in `mask` to buf. */
static void dangerous_list(uint32_t mask, char *buf, size_t n)
{
	size_t k = 0;
	buf[0] = 0;
	for (unsigned b = 0; b < VT_ELF_DANGEROUS_MAX && vt_elf_dangerous_name(b); b++) {
		if (!(mask & (1u << b)))
			continue;
		int w = snprintf(buf + k, n - k, "%s%s", k ? ", " : "", vt_elf_dangerous_name(b));
		if (w < 0 || (size_t)w >= n - k)
			return;
		k += (size_t)w;
	}
}

/* The bits of the dangerous list that belong to each rule. */
static uint32_t mask_of(const char *const *names)
{
	uint32_t m = 0;
	for (; *names; names++)
		for (unsigned b = 0; b < VT_ELF_DANGEROUS_MAX && vt_elf_dangerous_name(b); b++)
			if (!strcmp(*names, vt_elf_dangerous_name(b)))
				m |= 1u << b;
	return m;
}

static void object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	(void)s;
	const struct vt_elf_info *e = o->elf;
	const struct vt_elf_hardening *h = &e->hard;
	bool exec = e->type == VT_ELF_EXEC || h->pie == VT_ELF_PIE_YES;
	bool setuid = (o->mode & 06000) != 0;
	const char *what = exec ? "executable" : "shared object";
	struct vt_finding *f;

	if (e->has_gnu_stack && !h->nx)
		vti_finding(c, o, &r_exec_stack, false, 0, NULL, 0,
			    "%s requests an executable stack (PT_GNU_STACK has PF_X)", what);
	else if (!e->has_gnu_stack && !h->nx)
		vti_finding(c, o, &r_no_gnu_stack, false, 0, NULL, 0,
			    "%s has no PT_GNU_STACK: its stack is executable on this architecture",
			    what);
	if (e->type == VT_ELF_EXEC) {
		f = vti_finding(c, o, &r_no_pie, false, 0, NULL, 0,
				"%s%s executable is not PIE (ET_EXEC)", setuid ? "setuid " : "",
				e->is_static ? "static" : "dynamically linked");
		if (f && setuid)
			f->severity = VT_LEVEL_HIGH;
	}
	if (e->has_dynamic) {
		if (h->relro == VT_ELF_RELRO_NONE)
			vti_finding(c, o, &r_no_relro, false, 0, NULL, 0,
				    "%s has no PT_GNU_RELRO", what);
		else if (h->relro == VT_ELF_RELRO_PARTIAL)
			vti_finding(c, o, &r_partial_relro, false, 0, NULL, 0,
				    "%s has PT_GNU_RELRO without BIND_NOW", what);
	}
	/* the canary is judged only when symbols were read and the object calls anything */
	if (!h->canary && (h->syms & VT_ELF_SYMS_SYMTAB || h->n_imports > 0)) {
		f = vti_finding(c, o, &r_no_canary, false, 0, NULL, 0,
				"%s references no __stack_chk_fail or __stack_chk_guard%s", what,
				h->canary_local ? " (only __stack_chk_fail_local, see docs)" : "");
		if (f && setuid)
			f->severity = VT_LEVEL_HIGH;
	}
	if (!h->fortify && h->fortifiable > 0)
		vti_finding(c, o, &r_no_fortify, false, 0, NULL, 0,
			    "%s imports %u fortifiable functions and none of their __*_chk "
			    "variants", what, h->fortifiable);
	const char *paths[2] = {e->rpath, e->runpath};
	uint8_t cls[2] = {h->rpath_class, h->runpath_class};
	for (int k = 0; k < 2; k++) {
		uint8_t bad = cls[k] & (VT_ELF_PATH_EMPTY | VT_ELF_PATH_RELATIVE |
					VT_ELF_PATH_WRITABLE);
		if (!paths[k] || !bad)
			continue;
		vti_finding(c, o, &r_bad_rpath, false, 0, paths[k], strlen(paths[k]),
			    "%s %s has %s%s%s entries", what, k ? "RUNPATH" : "RPATH",
			    bad & VT_ELF_PATH_RELATIVE ? "relative " : "",
			    bad & VT_ELF_PATH_EMPTY ? "empty " : "",
			    bad & VT_ELF_PATH_WRITABLE ? "world-writable " : "");
	}
	if (h->textrel)
		vti_finding(c, o, &r_textrel, false, 0, NULL, 0, "%s has text relocations", what);

	static const char *const gets_names[] = {"gets", NULL};
	static const char *const string_names[] = {"strcpy", "strcat", "sprintf", "vsprintf",
						   "stpcpy", "wcscpy", "wcscat", "getwd", NULL};
	static const char *const shell_names[] = {"system", "popen", NULL};
	static const char *const tmp_names[] = {"mktemp", "tmpnam", "tempnam", NULL};
	const struct {
		const struct vt_rule *rule;
		const char *const *names;
	} groups[] = {
		{&r_gets, gets_names},
		{&r_unsafe_string, string_names},
		{&r_shell, shell_names},
		{&r_tmpfile, tmp_names},
	};
	for (size_t g = 0; g < VT_ARRAY_LEN(groups); g++) {
		uint32_t m = h->dangerous & mask_of(groups[g].names);
		if (!m)
			continue;
		char list[256];
		dangerous_list(m, list, sizeof(list));
		vti_finding(c, o, groups[g].rule, false, 0, list, strlen(list), "%s imports %s",
			    what, list);
	}

	if ((e->machine == 62 || e->machine == 3) && !(h->ibt && h->shstk))
		vti_finding(c, o, &r_no_cfi, false, 0, NULL, 0, "%s is not marked for CET (%s)",
			    what, h->ibt ? "no SHSTK" : h->shstk ? "no IBT" : "no IBT, no SHSTK");
	else if (e->machine == 183 && !h->bti)
		vti_finding(c, o, &r_no_cfi, false, 0, NULL, 0, "%s is not marked for BTI%s",
			    what, h->pac ? "" : " or PAC");
	if (e->is_static)
		vti_finding(c, o, &r_static, false, 0, NULL, 0, "statically linked executable");
}

/* Tree phase: aggregates rules of medium or lower severity raised on many objects. */
static void tree(struct vti_actx *c)
{
	struct vt_review *r = c->r;
	size_t n_rules = VT_ARRAY_LEN(rules) - 1;
	size_t counts[VT_ARRAY_LEN(rules)] = {0};
	const char *first[VT_ARRAY_LEN(rules)][3] = {{0}};
	size_t judged_n = 0;

	for (size_t i = 0; i < r->n_objects; i++) {
		const struct vt_object *o = r->objects[i];
		if (!o->elf || !judged(o->elf))
			continue;
		judged_n++;
		for (const struct vt_finding *f = o->findings; f; f = f->next)
			for (size_t k = 0; k < n_rules; k++)
				if (f->rule == rules[k]) {
					if (counts[k] < 3)
						first[k][counts[k]] =
							o->fspath && o->fsroot != o ? o->fspath
										    : o->path;
					counts[k]++;
				}
	}
	for (size_t k = 0; k < n_rules; k++) {
		const struct vt_rule *ru = rules[k];
		if (counts[k] <= AGGREGATE || ru->severity > VT_LEVEL_MEDIUM ||
		    ru->severity == VT_LEVEL_INFO)
			continue;
		vti_finding(c, NULL, ru, false, 0, NULL, 0,
			    "%zu of %zu ELF executables and libraries: %s (e.g. %s, %s, %s)",
			    counts[k], judged_n, ru->title, first[k][0], first[k][1], first[k][2]);
		for (size_t i = 0; i < r->n_objects; i++)
			for (struct vt_finding *f = r->objects[i]->findings; f; f = f->next)
				if (f->rule == ru && f->severity <= ru->severity)
					f->severity = VT_LEVEL_INFO;
	}
}

const struct vti_analyzer vti_an_hardening = {
	.name = "hardening",
	.version = 1,
	.description = "binary hardening of ELF executables and libraries: NX, PIE, RELRO, "
		       "stack protector, FORTIFY_SOURCE, RPATH, text relocations, CET/BTI, "
		       "dangerous imports",
	.rules = rules,
	.wants = wants,
	.object = object,
	.tree = tree,
};
