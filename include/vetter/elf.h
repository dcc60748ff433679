/* elf.h - ELF header, program header and dynamic section facts.
 *
 * vt_elf_parse() reads an ELF object of either class and endianness from a span (all
 * reads bounds-checked) and fills a vt_elf_info. It handles every e_machine value (the
 * common embedded ones are named) and objects whose section headers are missing or
 * damaged: what can be learned is kept and each problem is reported through the
 * `problems` list, so a truncated binary still yields its header facts.
 * Strings in the result are allocated from the given arena.
 */
#ifndef VETTER_ELF_H
#define VETTER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vetter/arena.h>
#include <vetter/error.h>
#include <vetter/span.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vt_elf_type {
	VT_ELF_NONE = 0,
	VT_ELF_REL = 1,
	VT_ELF_EXEC = 2,
	VT_ELF_DYN = 3,
	VT_ELF_CORE = 4,
};

/* PIE state: ET_EXEC is "no"; ET_DYN is a PIE executable when DF_1_PIE is set, or when it
 * has PT_INTERP and no DT_SONAME; any other ET_DYN is a shared object ("dso"). */
enum vt_elf_pie {
	VT_ELF_PIE_NA = 0,  /* not an executable or shared object (REL, CORE, other) */
	VT_ELF_PIE_NO = 1,
	VT_ELF_PIE_YES = 2,
	VT_ELF_PIE_DSO = 3,
};

enum vt_elf_relro {
	VT_ELF_RELRO_NONE = 0,
	VT_ELF_RELRO_PARTIAL = 1, /* PT_GNU_RELRO */
	VT_ELF_RELRO_FULL = 2,    /* PT_GNU_RELRO and BIND_NOW */
};

/* Classes of the entries of an RPATH or RUNPATH (bits). */
enum {
	VT_ELF_PATH_EMPTY = 1,     /* an empty entry: the current directory */
	VT_ELF_PATH_RELATIVE = 2,  /* not absolute and not $ORIGIN-based */
	VT_ELF_PATH_ORIGIN = 4,    /* $ORIGIN or ${ORIGIN} based */
	VT_ELF_PATH_WRITABLE = 8,  /* below a world-writable directory: /tmp, /var/tmp, ... */
	VT_ELF_PATH_ABSOLUTE = 16, /* an absolute path */
};

/* Which symbol tables were read (bits). */
enum {
	VT_ELF_SYMS_DYNSYM = 1,  /* .dynsym through its section header */
	VT_ELF_SYMS_DYNAMIC = 2, /* the dynamic symbols through DT_SYMTAB and DT_(GNU_)HASH */
	VT_ELF_SYMS_SYMTAB = 4,  /* .symtab */
};

/* Hardening facts. Symbols are read from .dynsym (or, without section headers, through
 * DT_SYMTAB with a count from DT_GNU_HASH or DT_HASH) and from .symtab, with caps. */
struct vt_elf_hardening {
	uint8_t pie;            /* enum vt_elf_pie */
	uint8_t relro;          /* enum vt_elf_relro */
	bool nx;                /* the stack is not executable: PT_GNU_STACK without PF_X, or
				 * no PT_GNU_STACK on an architecture whose default stack is
				 * not executable (AArch64, IA-64, LoongArch, ARC, Nios II,
				 * TILE); false for objects that are not EXEC/DYN */
	bool stack_default;     /* EXEC/DYN without PT_GNU_STACK: the architecture decides */
	bool canary;            /* __stack_chk_fail, __stack_chk_guard or
				 * __intel_security_cookie, imported or defined */
	bool canary_local;      /* __stack_chk_fail_local (libc_nonshared) is present */
	bool fortify;           /* imports a fortified __*_chk function */
	uint32_t fortified;     /* imported __X_chk with X fortifiable */
	uint32_t fortifiable;   /* fortified + imports of a plain fortifiable X */
	bool textrel;           /* DT_TEXTREL or DF_TEXTREL */
	bool dt_debug;          /* DT_DEBUG (what checksec takes for PIE) */
	bool has_soname;        /* DT_SONAME present (even when its string is unreadable) */
	uint8_t rpath_class;    /* VT_ELF_PATH_* bits over the DT_RPATH entries */
	uint8_t runpath_class;  /* same for DT_RUNPATH */
	uint8_t syms;           /* VT_ELF_SYMS_* bits: the symbol tables read */
	uint32_t n_dynsym;      /* dynamic symbols read */
	uint32_t n_imports;     /* undefined dynamic symbols (imports) */
	uint32_t dangerous;     /* imports of the dangerous functions: bit i is
				 * vt_elf_dangerous_name(i) */
	bool gnu_property;      /* a NT_GNU_PROPERTY_TYPE_0 note */
	bool ibt, shstk;        /* x86: GNU_PROPERTY_X86_FEATURE_1_AND IBT / SHSTK */
	bool bti, pac;          /* AArch64: GNU_PROPERTY_AARCH64_FEATURE_1_AND BTI / PAC */
	bool gnu_abi_tag;       /* a NT_GNU_ABI_TAG note: a GNU/Linux user-space program */
	bool kernel;            /* a Linux kernel or kernel module (__ksymtab, .modinfo, or
				 * .gnu.linkonce.this_module sections) */
	bool debug_file;        /* a separate debug info file (.text or .dynamic is NOBITS) */
};

/* The number of dangerous functions watched, and the name of each (bit i of
 * vt_elf_hardening.dangerous); NULL past the end. The list is in docs/hardening.md. */
#define VT_ELF_DANGEROUS_MAX 32
const char *vt_elf_dangerous_name(unsigned i);

/* "no", "yes", "dso" or "n/a" (enum vt_elf_pie); "none", "partial", "full". */
const char *vt_elf_pie_name(unsigned pie);
const char *vt_elf_relro_name(unsigned relro);

/* One problem found while parsing (a malformed or truncated part). */
struct vt_elf_problem {
	vt_err code;
	const char *message; /* arena string, git style: "truncated program header table" */
	struct vt_elf_problem *next;
};

struct vt_elf_info {
	unsigned elfclass;    /* 32 or 64 */
	bool big_endian;
	uint8_t osabi;        /* e_ident[EI_OSABI] */
	uint8_t abiversion;
	uint16_t type;        /* e_type (enum vt_elf_type or OS/processor specific) */
	uint16_t machine;     /* e_machine */
	uint32_t flags;       /* e_flags */
	uint64_t entry;
	uint16_t phnum, shnum; /* header counts, extended numbering (PN_XNUM) resolved */

	const char *interp;   /* PT_INTERP, NULL when absent */
	const char *soname;   /* DT_SONAME, NULL when absent */
	const char **needed;  /* DT_NEEDED in order, n_needed entries */
	size_t n_needed;
	const char *rpath;    /* DT_RPATH, NULL when absent */
	const char *runpath;  /* DT_RUNPATH, NULL when absent */

	bool has_dynamic;     /* a PT_DYNAMIC segment */
	bool is_static;       /* ET_EXEC without PT_INTERP and PT_DYNAMIC */
	bool is_pie;          /* ET_DYN with PT_INTERP, or DF_1_PIE */
	bool has_symtab;      /* a .symtab section (not stripped) */
	bool stripped;        /* all section headers read and no .symtab */
	bool has_debuginfo;   /* .debug_info (or .zdebug_info) section */
	bool has_gnu_stack;   /* PT_GNU_STACK present */
	bool exec_stack;      /* EXEC/DYN with program headers: PT_GNU_STACK with PF_X, or
			       * no PT_GNU_STACK */
	bool has_relro;       /* PT_GNU_RELRO present */
	bool bind_now;        /* DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW */

	struct vt_elf_problem *problems; /* NULL when the object parsed cleanly */
	size_t n_problems;    /* at most 65; the 65th says that more were dropped */

	struct vt_elf_hardening hard; /* hardening facts (docs/hardening.md) */

	/* Where the symbol tables read lie in the parsed span, for vt_elf_symbols(). */
	struct vt_elf_symtab {
		uint64_t off, n, ent;      /* n entries of ent bytes at off; n == 0: none */
		uint64_t str_off, str_len; /* their string table */
	} dyn_tab, sym_tab;           /* the dynamic table, and .symtab */
};

/* One symbol, as vt_elf_symbols() gives it. `name` points into the span and is not
 * NUL-terminated at `len` (a .symtab version suffix "@GLIBC_2.14" is cut off). */
struct vt_elf_sym {
	const char *name;
	size_t len;
	bool dynamic;   /* from the dynamic table (else .symtab) */
	bool defined;   /* st_shndx is not SHN_UNDEF */
	uint8_t bind;   /* STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2, ... */
	uint8_t type;   /* STT_NOTYPE 0, STT_OBJECT 1, STT_FUNC 2, ... */
	uint8_t vis;    /* STV_DEFAULT 0, STV_INTERNAL 1, STV_HIDDEN 2, STV_PROTECTED 3 */
};

/* Exported: defined, global or weak, and visible outside the object. */
static inline bool vt_elf_sym_exported(const struct vt_elf_sym *s)
{
	return s->defined && (s->bind == 1 || s->bind == 2) && (s->vis == 0 || s->vis == 3);
}

/* Calls fn for each named symbol of the tables vt_elf_parse() read from the same span s
 * (the dynamic table, then .symtab), with the same caps; stops when fn returns false. */
void vt_elf_symbols(struct vt_span s, const struct vt_elf_info *info,
		    bool (*fn)(void *ud, const struct vt_elf_sym *sym), void *ud);

/* True when s starts with the ELF magic. */
bool vt_elf_is_elf(struct vt_span s);

/* Parses the ELF object in s. Returns VT_OK when the ELF header was read (problems in
 * the rest are listed in info->problems), VT_EFORMAT when s is not ELF or the header is
 * invalid, VT_ETRUNC when s is shorter than the ELF header, VT_ENOMEM. `info` is zeroed
 * first. */
vt_err vt_elf_parse(struct vt_span s, struct vt_arena *a, struct vt_elf_info *info) VT_MUST_CHECK;

/* Names exactly as binutils' readelf -h prints them, so reports can be compared with
 * readelf. Type: "EXEC", "DYN", "REL", "CORE", "NONE" (the word before readelf's
 * parenthesis), other values "unknown". OS/ABI: "UNIX - System V", "UNIX - GNU", ...,
 * other values "unknown". Both return static strings. */
const char *vt_elf_type_name(uint16_t type);
const char *vt_elf_osabi_name(uint8_t osabi);

/* The machine name as readelf -h prints it ("Advanced Micro Devices X86-64", "ARM",
 * "AArch64", "MIPS R3000", "PowerPC", "PowerPC64", "RISC-V", "Intel 80386",
 * "IBM S/390", ...); for values readelf does not name, its "<unknown>: 0x%x" form.
 * Written into buf (n bytes; VT_ELF_MACHINE_NAME_MAX always suffices, 64 for all but
 * the longest name, which a shorter buffer truncates); returns buf. Thread-safe. */
#define VT_ELF_MACHINE_NAME_MAX 80
const char *vt_elf_machine_name(uint16_t machine, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
