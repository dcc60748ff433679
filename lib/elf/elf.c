/* elf.c - ELF header, program header, dynamic section and section header facts, and the
 * hardening facts drawn from them, the symbol tables and the GNU property notes.
 *
 * The input is hostile: it comes from the party under review. Every byte is read through
 * the bounds-checked span accessors, every sum or product of input values is checked,
 * and every loop is bounded by the format's limits or by the caps below. A damaged part
 * is reported as a problem and skipped; only an invalid or short ELF header fails.
 */
#include "core/internal.h"

#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56
#define SHDR32_SIZE 40
#define SHDR64_SIZE 64

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_GNU_STACK 0x6474e551u
#define PT_GNU_RELRO 0x6474e552u
#define PT_NOTE 4
#define PT_GNU_PROPERTY 0x6474e553u
#define PF_X 1

#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_NOBITS 8
#define SHT_DYNAMIC 6
#define SHT_DYNSYM 11

#define DT_NULL 0
#define DT_NEEDED 1
#define DT_HASH 4
#define DT_STRTAB 5
#define DT_SYMTAB 6
#define DT_STRSZ 10
#define DT_SYMENT 11
#define DT_DEBUG 21
#define DT_TEXTREL 22
#define DT_GNU_HASH 0x6ffffef5u
#define DT_SONAME 14
#define DT_RPATH 15
#define DT_BIND_NOW 24
#define DT_RUNPATH 29
#define DT_FLAGS 30
#define DT_FLAGS_1 0x6ffffffbu
#define DF_TEXTREL 0x4
#define DF_BIND_NOW 0x8
#define DF_1_NOW 0x1
#define DF_1_PIE 0x08000000u

#define PN_XNUM 0xffff
#define SHN_XINDEX 0xffff

#define MAX_HEADERS 65535 /* program or section headers, as e_phnum/e_shnum allow */
#define MAX_DYN 4096      /* dynamic entries read before giving up */
#define MAX_STR 4096      /* longest string taken from the object */
#define MAX_PROBLEMS 64   /* problems listed; the rest are summarized in one */
#define MAX_SYMS (1u << 21) /* symbols read from one table */
#define MAX_SYMNAME 1024  /* longest symbol name looked at */
#define MAX_NOTESEGS 16   /* note segments read */
#define MAX_NOTES 256     /* notes read in one segment */
#define MAX_PROPS 64      /* properties read in one NT_GNU_PROPERTY_TYPE_0 note */

#define NT_GNU_ABI_TAG 1
#define NT_GNU_PROPERTY_TYPE_0 5
#define GNU_PROPERTY_AARCH64_FEATURE_1_AND 0xc0000000u
#define GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002u
#define EM_386 3
#define EM_IAMCU 6
#define EM_S390 22
#define EM_X86_64 62
#define EM_AARCH64 183
#define EM_ALPHA 0x9026

/* One program header, widened. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

/* One section header, widened. */
struct shdr {
	uint32_t name, type, link;
	uint64_t offset, size, entsize;
};

/* A symbol table found through the section headers: the table and its strings. */
struct symsec {
	bool have;
	struct shdr tab, str;
};

struct ctx {
	struct vt_span s;
	struct vt_arena *a;
	struct vt_elf_info *info;
	struct vt_elf_problem **tail;
	bool be, is64, nomem;
	struct vt_span ph, sh;     /* the whole entries of each table that are in the file */
	size_t phent, shent;       /* entry strides */
	size_t n_ph, n_sh;         /* entries in ph and sh */
	struct vt_span shstr;      /* section name string table, empty when unusable */
	bool have_dynsec;          /* a SHT_DYNAMIC section: dynsec and its dynstr */
	struct shdr dynsec, dynstr;
	struct symsec dynsym, symtab; /* the first SHT_DYNSYM and SHT_SYMTAB sections */
	uint64_t dt_symtab, dt_hash, dt_gnu_hash, dt_syment; /* from the dynamic section */
	bool has_dt_symtab, has_dt_hash, has_dt_gnu_hash;
	uint64_t dynstr_addr;      /* DT_STRTAB */
	struct vt_span dynstr_span; /* the dynamic string table as found by dynamic() */
	uint32_t stack_flags;      /* p_flags of PT_GNU_STACK */
	struct phdr notesegs[MAX_NOTESEGS]; /* PT_NOTE and PT_GNU_PROPERTY */
	size_t n_notesegs;
};

static void problem(struct ctx *c, vt_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static uint8_t path_class(const char *s);

static void problem(struct ctx *c, vt_err code, const char *fmt, ...)
{
	struct vt_elf_info *info = c->info;
	if (c->nomem || info->n_problems > MAX_PROBLEMS)
		return;
	struct vt_elf_problem *p = vt_arena_alloc(c->a, sizeof(*p));
	char *msg = NULL;
	if (p && info->n_problems == MAX_PROBLEMS) {
		msg = vt_arena_strdup(c->a, "too many problems, further ones not listed");
		code = VT_ELIMIT;
	} else if (p) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		if (n >= 0 && (msg = vt_arena_alloc(c->a, (size_t)n + 1)) != NULL) {
			va_start(ap, fmt);
			vsnprintf(msg, (size_t)n + 1, fmt, ap);
			va_end(ap);
		}
	}
	if (!p || !msg) {
		c->nomem = true;
		return;
	}
	p->code = code;
	p->message = msg;
	*c->tail = p;
	c->tail = &p->next;
	info->n_problems++;
}

/* Reads a 4- or 8-byte word (by class) at off in s. */
static vt_err word(const struct ctx *c, struct vt_span s, size_t off, uint64_t *v)
{
	if (c->is64)
		return vt_span_u64(s, off, c->be, v);
	uint32_t w;
	vt_err e = vt_span_u32(s, off, c->be, &w);
	if (!e)
		*v = w;
	return e;
}

/* The part of [off, off+size) that lies in the file; false when it is not all there. */
static bool file_range(const struct ctx *c, uint64_t off, uint64_t size, struct vt_span *out)
{
	*out = vt_span_make(NULL, 0);
	if (off > c->s.len)
		return false;
	size_t avail = c->s.len - (size_t)off;
	bool whole = size <= avail;
	return !vt_span_sub(c->s, (size_t)off, whole ? (size_t)size : avail, out) && whole;
}

/* A string of at most MAX_STR bytes at off in s, copied to the arena. On failure
 * returns NULL (and *why says why, nomem aside). */
static const char *take_str(struct ctx *c, struct vt_span s, uint64_t off, const char **why)
{
	const char *str;
	size_t n;
	*why = "is out of range";
	if (off >= s.len)
		return NULL;
	vt_err e = vt_span_cstr(s, (size_t)off, MAX_STR, &str, &n);
	if (e) {
		*why = e == VT_ELIMIT ? "is longer than 4096 bytes" : "is not terminated";
		return NULL;
	}
	char *d = vt_arena_strndup(c->a, str, n);
	if (!d) {
		c->nomem = true;
		*why = "cannot be copied";
	}
	return d;
}

static bool read_phdr(const struct ctx *c, size_t i, struct phdr *p)
{
	size_t off = i * c->phent; /* i < n_ph, so the entry is inside c->ph */
	uint32_t v32;
	if (vt_span_u32(c->ph, off, c->be, &p->type))
		return false;
	if (word(c, c->ph, off + (c->is64 ? 48 : 28), &p->align))
		p->align = 0;
	if (c->is64)
		return !vt_span_u32(c->ph, off + 4, c->be, &p->flags) &&
		       !vt_span_u64(c->ph, off + 8, c->be, &p->offset) &&
		       !vt_span_u64(c->ph, off + 16, c->be, &p->vaddr) &&
		       !vt_span_u64(c->ph, off + 32, c->be, &p->filesz) &&
		       !vt_span_u64(c->ph, off + 40, c->be, &p->memsz);
	if (vt_span_u32(c->ph, off + 4, c->be, &v32))
		return false;
	p->offset = v32;
	if (vt_span_u32(c->ph, off + 8, c->be, &v32))
		return false;
	p->vaddr = v32;
	if (vt_span_u32(c->ph, off + 16, c->be, &v32))
		return false;
	p->filesz = v32;
	if (vt_span_u32(c->ph, off + 20, c->be, &v32))
		return false;
	p->memsz = v32;
	return !vt_span_u32(c->ph, off + 24, c->be, &p->flags);
}

static bool read_shdr(const struct ctx *c, size_t i, struct shdr *h)
{
	size_t off = i * c->shent;
	if (vt_span_u32(c->sh, off, c->be, &h->name) ||
	    vt_span_u32(c->sh, off + 4, c->be, &h->type))
		return false;
	size_t w = c->is64 ? 8 : 4;
	if (word(c, c->sh, off + 16 + 5 * w, &h->entsize))
		h->entsize = 0;
	return !word(c, c->sh, off + 8 + 2 * w, &h->offset) &&
	       !word(c, c->sh, off + 8 + 3 * w, &h->size) &&
	       !vt_span_u32(c->sh, off + 8 + 4 * w, c->be, &h->link);
}

/* True for the sections only a Linux kernel or kernel module has. */
static bool kernel_section(const char *name)
{
	return strcmp(name, "__ksymtab") == 0 || strcmp(name, "__ksymtab_gpl") == 0 ||
	       strcmp(name, "__ksymtab_strings") == 0 || strcmp(name, ".modinfo") == 0 ||
	       strcmp(name, ".gnu.linkonce.this_module") == 0;
}

/* Validates a header table (program or section headers) and sets *tab to the whole
 * entries that are in the file; returns how many. */
static size_t table(struct ctx *c, const char *what, uint64_t off, size_t num, size_t ent,
		    size_t min_ent, struct vt_span *tab)
{
	size_t size, fit;
	*tab = vt_span_make(NULL, 0);
	if (num == 0)
		return 0;
	if (ent < min_ent) {
		problem(c, VT_EFORMAT, "%s entry size %zu is smaller than %zu", what, ent, min_ent);
		return 0;
	}
	if (off == 0) {
		problem(c, VT_EFORMAT, "%s has %zu entries but offset 0", what, num);
		return 0;
	}
	if (!vt_mul_ok(num, ent, &size)) /* cannot happen with num, ent <= 65535 */
		return 0;
	if (!file_range(c, off, size, tab)) {
		problem(c, VT_ETRUNC, "%s at 0x%" PRIx64 " extends past end of file (size 0x%zx)",
			what, off, c->s.len);
		fit = tab->len / ent;
		if (fit == 0 || vt_span_sub(*tab, 0, fit * ent, tab)) {
			*tab = vt_span_make(NULL, 0);
			return 0;
		}
		return fit;
	}
	return num;
}

/* Reads section 0 for extended numbering and checks the section header table. */
static void sections(struct ctx *c, uint64_t shoff, uint16_t e_shnum, uint16_t e_shstrndx)
{
	struct vt_elf_info *info = c->info;
	size_t min = c->is64 ? SHDR64_SIZE : SHDR32_SIZE;
	size_t num = e_shnum, strndx = e_shstrndx;
	struct shdr h, zero = {0};

	if (shoff == 0)
		return;
	if (num == 0 || strndx == SHN_XINDEX) {
		/* the real values live in section 0 */
		if (table(c, "section header table", shoff, 1, c->shent, min, &c->sh) != 1)
			return;
		c->n_sh = 1;
		if (!read_shdr(c, 0, &zero))
			return;
		if (num == 0)
			num = zero.size > MAX_HEADERS ? MAX_HEADERS + 1 : (size_t)zero.size;
		if (strndx == SHN_XINDEX)
			strndx = zero.link;
	}
	if (num > MAX_HEADERS) {
		problem(c, VT_ELIMIT, "too many section headers (more than %d)", MAX_HEADERS);
		num = MAX_HEADERS;
	}
	info->shnum = (uint16_t)num;
	c->n_sh = table(c, "section header table", shoff, num, c->shent, min, &c->sh);
	if (c->n_sh == 0)
		return;

	if (strndx == 0) {
		/* SHN_UNDEF: no section names */
	} else if (strndx >= num) {
		problem(c, VT_EFORMAT,
			"section name string table index %zu is out of range (%zu sections)",
			strndx, num);
	} else if (strndx >= c->n_sh || !read_shdr(c, strndx, &h)) {
		problem(c, VT_ETRUNC, "section name string table header is past end of file");
	} else if (h.type == SHT_NOBITS) {
		problem(c, VT_EFORMAT, "section name string table has no data (SHT_NOBITS)");
	} else if (!file_range(c, h.offset, h.size, &c->shstr)) {
		problem(c, VT_ETRUNC, "section name string table at 0x%" PRIx64
			" extends past end of file (size 0x%zx)", h.offset, c->s.len);
	}

	size_t outside = 0;
	for (size_t i = 1; i < c->n_sh; i++) {
		struct vt_span unused;
		const char *name = NULL;
		size_t n;
		if (!read_shdr(c, i, &h))
			break;
		if (h.type != SHT_NOBITS && !file_range(c, h.offset, h.size, &unused))
			outside++;
		if (h.type == SHT_SYMTAB)
			info->has_symtab = true;
		struct symsec *ss = h.type == SHT_SYMTAB ? &c->symtab
				    : h.type == SHT_DYNSYM ? &c->dynsym : NULL;
		if (ss && !ss->have && h.link < c->n_sh && read_shdr(c, h.link, &ss->str)) {
			ss->have = true;
			ss->tab = h;
		}
		if (h.type == SHT_DYNAMIC && !c->have_dynsec && h.link < c->n_sh &&
		    read_shdr(c, h.link, &c->dynstr)) {
			c->have_dynsec = true;
			c->dynsec = h;
		}
		if (vt_span_cstr(c->shstr, h.name, MAX_STR, &name, &n))
			continue;
		if (strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0)
			info->has_debuginfo = true;
		if (name[0] == '_' || name[0] == '.')
			info->hard.kernel |= kernel_section(name);
		if (h.type == SHT_NOBITS && (!strcmp(name, ".text") || !strcmp(name, ".dynamic")))
			info->hard.debug_file = true;
	}
	if (outside)
		problem(c, VT_ETRUNC, "%zu section%s extend%s past end of file (size 0x%zx)",
			outside, outside == 1 ? "" : "s", outside == 1 ? "s" : "", c->s.len);
	if (c->n_sh == num) /* a symbol table may hide in a missing part */
		info->stripped = !info->has_symtab;
}

/* Maps a virtual address to the file bytes behind it through the PT_LOAD segments. */
static bool map_vaddr(const struct ctx *c, uint64_t addr, struct vt_span *out)
{
	struct phdr p;
	for (size_t i = 0; i < c->n_ph; i++) {
		if (!read_phdr(c, i, &p) || p.type != PT_LOAD || addr < p.vaddr ||
		    addr - p.vaddr >= p.filesz)
			continue;
		uint64_t delta = addr - p.vaddr, off;
		if (__builtin_add_overflow(p.offset, delta, &off))
			continue;
		file_range(c, off, p.filesz - delta, out);
		if (out->len)
			return true;
	}
	return false;
}

static void interp(struct ctx *c, const struct phdr *p)
{
	struct vt_span seg;
	const char *why;
	if (p->filesz == 0) {
		problem(c, VT_EFORMAT, "interpreter segment at 0x%" PRIx64 " is empty", p->offset);
		return;
	}
	if (!file_range(c, p->offset, p->filesz, &seg)) {
		problem(c, VT_ETRUNC, "interpreter at 0x%" PRIx64 " extends past end of file "
			"(size 0x%zx)", p->offset, c->s.len);
		return;
	}
	c->info->interp = take_str(c, seg, 0, &why);
	if (!c->info->interp && !c->nomem)
		problem(c, VT_EFORMAT, "interpreter string at 0x%" PRIx64 " %s", p->offset, why);
}

/* Reads the program headers: interpreter, dynamic segment, stack and relro. */
static void segments(struct ctx *c, struct vt_span *dyn)
{
	struct vt_elf_info *info = c->info;
	bool stack_x = false;
	size_t n_interp = 0, n_dynamic = 0, outside = 0, bigger = 0;
	struct vt_span unused;
	struct phdr p;

	for (size_t i = 0; i < c->n_ph && read_phdr(c, i, &p); i++) {
		if (p.type != PT_INTERP && p.type != PT_DYNAMIC && p.type != 0 &&
		    !file_range(c, p.offset, p.filesz, &unused))
			outside++;
		if (p.type == PT_LOAD && p.filesz > p.memsz)
			bigger++;
		switch (p.type) {
		case PT_INTERP:
			if (n_interp++ == 0)
				interp(c, &p);
			break;
		case PT_DYNAMIC:
			if (n_dynamic++)
				break;
			info->has_dynamic = true;
			if (!file_range(c, p.offset, p.filesz, dyn))
				problem(c, VT_ETRUNC, "dynamic segment at 0x%" PRIx64 " extends "
					"past end of file (size 0x%zx)", p.offset, c->s.len);
			break;
		case PT_GNU_STACK:
			info->has_gnu_stack = true;
			stack_x = p.flags & PF_X;
			c->stack_flags = p.flags;
			break;
		case PT_NOTE:
		case PT_GNU_PROPERTY:
			if (c->n_notesegs < MAX_NOTESEGS)
				c->notesegs[c->n_notesegs++] = p;
			break;
		case PT_GNU_RELRO:
			info->has_relro = true;
			break;
		default:
			break;
		}
	}
	if (n_interp > 1)
		problem(c, VT_EFORMAT, "%zu interpreter segments", n_interp);
	if (n_dynamic > 1)
		problem(c, VT_EFORMAT, "%zu dynamic segments", n_dynamic);
	if (outside)
		problem(c, VT_ETRUNC, "%zu segment%s extend%s past end of file (size 0x%zx)",
			outside, outside == 1 ? "" : "s", outside == 1 ? "s" : "", c->s.len);
	if (bigger)
		problem(c, VT_EFORMAT, "%zu loadable segment%s larger in the file than in memory",
			bigger, bigger == 1 ? "" : "s");
	bool loadable = info->type == VT_ELF_EXEC || info->type == VT_ELF_DYN;
	info->exec_stack = loadable && c->n_ph > 0 && (!info->has_gnu_stack || stack_x);
}

/* Reads one dynamic string; names the tag for the problem message. */
static const char *dyn_str(struct ctx *c, struct vt_span strtab, uint64_t off, const char *tag)
{
	const char *why;
	const char *str = take_str(c, strtab, off, &why);
	if (!str && !c->nomem)
		problem(c, VT_EFORMAT, "%s string at offset 0x%" PRIx64 " %s (size 0x%zx)", tag,
			off, why, strtab.len);
	return str;
}

/* Reads the dynamic entries in dyn: flags, then the strings they point to. */
static void dynamic(struct ctx *c, struct vt_span dyn)
{
	struct vt_elf_info *info = c->info;
	size_t w = c->is64 ? 8 : 4, n = VT_MIN(dyn.len / (2 * w), (size_t)MAX_DYN), n_needed = 0;
	uint64_t tag, val, strtab = 0, strsz = 0, soname = 0, rpath = 0, runpath = 0;
	bool has_strtab = false, has_strsz = false, has_soname = false, has_rpath = false;
	bool has_runpath = false;
	bool pie = false;

	for (size_t i = 0; i < n; i++) {
		if (word(c, dyn, i * 2 * w, &tag) || word(c, dyn, i * 2 * w + w, &val))
			break;
		if (tag == DT_NULL) {
			n = i;
			break;
		}
		switch (tag) {
		case DT_NEEDED: n_needed++; break;
		case DT_STRTAB: has_strtab = true; strtab = val; break;
		case DT_STRSZ: has_strsz = true; strsz = val; break;
		case DT_SONAME: has_soname = true; soname = val; break;
		case DT_RPATH: has_rpath = true; rpath = val; break;
		case DT_RUNPATH: has_runpath = true; runpath = val; break;
		case DT_BIND_NOW: info->bind_now = true; break;
		case DT_FLAGS:
			info->bind_now |= (val & DF_BIND_NOW) != 0;
			info->hard.textrel |= (val & DF_TEXTREL) != 0;
			break;
		case DT_TEXTREL: info->hard.textrel = true; break;
		case DT_DEBUG: info->hard.dt_debug = true; break;
		case DT_SYMTAB: c->has_dt_symtab = true; c->dt_symtab = val; break;
		case DT_HASH: c->has_dt_hash = true; c->dt_hash = val; break;
		case DT_GNU_HASH: c->has_dt_gnu_hash = true; c->dt_gnu_hash = val; break;
		case DT_SYMENT: c->dt_syment = val; break;
		case DT_FLAGS_1:
			info->bind_now |= (val & DF_1_NOW) != 0;
			pie |= (val & DF_1_PIE) != 0;
			break;
		default: break;
		}
	}
	if (n == MAX_DYN && dyn.len / (2 * w) > MAX_DYN)
		problem(c, VT_ELIMIT, "too many dynamic entries (more than %d)", MAX_DYN);
	if (pie && info->type == VT_ELF_DYN)
		info->is_pie = true;
	info->hard.pie = pie ? VT_ELF_PIE_YES : 0; /* refined in hardening() */
	info->hard.has_soname = has_soname;
	if (!n_needed && !has_soname && !has_rpath && !has_runpath && !c->has_dt_symtab)
		return;

	/* the string table: DT_STRTAB through the loadable segments, else .dynstr; when
	 * only the symbols need it, its problems are not reported (the symbols are optional) */
	bool need = n_needed || has_soname || has_rpath || has_runpath;
	struct vt_span str = vt_span_make(NULL, 0);
	if (!has_strtab) {
		if (need)
			problem(c, VT_EFORMAT, "dynamic section has strings but no DT_STRTAB");
	} else if (!map_vaddr(c, strtab, &str)) {
		if (need)
			problem(c, VT_EFORMAT, "dynamic string table at address 0x%" PRIx64
				" is not in any loadable segment", strtab);
	} else if (has_strsz && strsz == 0) {
		if (need)
			problem(c, VT_EFORMAT, "dynamic string table size is 0");
		str = vt_span_make(NULL, 0);
	} else if (has_strsz && strsz < str.len) {
		str.len = (size_t)strsz;
	} else if (has_strsz && strsz > str.len && need) {
		problem(c, VT_ETRUNC, "dynamic string table at address 0x%" PRIx64 " (size 0x%"
			PRIx64 ") extends past its segment or the file", strtab, strsz);
	}
	if (!str.len && c->have_dynsec && c->dynstr.type == SHT_STRTAB &&
	    !file_range(c, c->dynstr.offset, c->dynstr.size, &str) && need)
		problem(c, VT_ETRUNC, "dynamic string section at 0x%" PRIx64
			" extends past end of file (size 0x%zx)", c->dynstr.offset, c->s.len);
	if (!str.len)
		return;
	c->dynstr_span = str;
	c->dynstr_addr = strtab;
	if (!need)
		return;

	if (n_needed) {
		info->needed = vt_arena_calloc(c->a, n_needed, sizeof(*info->needed));
		if (!info->needed) {
			c->nomem = true;
			return;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (word(c, dyn, i * 2 * w, &tag) || word(c, dyn, i * 2 * w + w, &val))
			break;
		if (tag != DT_NEEDED || info->n_needed == n_needed)
			continue;
		const char *s = dyn_str(c, str, val, "needed library");
		if (s)
			info->needed[info->n_needed++] = s;
	}
	if (has_soname)
		info->soname = dyn_str(c, str, soname, "soname");
	if (has_rpath)
		info->rpath = dyn_str(c, str, rpath, "rpath");
	if (has_runpath)
		info->runpath = dyn_str(c, str, runpath, "runpath");
	info->hard.rpath_class = path_class(info->rpath);
	info->hard.runpath_class = path_class(info->runpath);
}

/* ---- hardening facts ---- */

/* Directories anyone may write to (with the sticky bit): a library search path below one
 * of them lets any local user plant libraries. */
static const char *const writable_dirs[] = {
	"/tmp", "/var/tmp", "/dev/shm", "/run/shm", "/var/lock", "/run/lock", "/var/crash",
};

/* Classes one search path entry (n bytes at p) as VT_ELF_PATH_* bits. */
static uint8_t path_entry_class(const char *p, size_t n)
{
	if (n == 0)
		return VT_ELF_PATH_EMPTY;
	if ((n >= 7 && !memcmp(p, "$ORIGIN", 7) && (n == 7 || p[7] == '/')) ||
	    (n >= 9 && !memcmp(p, "${ORIGIN}", 9) && (n == 9 || p[9] == '/')))
		return VT_ELF_PATH_ORIGIN;
	if (p[0] != '/')
		return VT_ELF_PATH_RELATIVE;
	/* normalise "//", "/./" and a trailing "/" before comparing prefixes */
	char norm[MAX_STR + 1];
	size_t k = 0;
	for (size_t i = 0; i < n && k < MAX_STR;) {
		if (p[i] == '/' && k > 0 && norm[k - 1] == '/') {
			i++;
		} else if (p[i] == '.' && k > 0 && norm[k - 1] == '/' &&
			   (i + 1 == n || p[i + 1] == '/')) {
			i++;
		} else {
			norm[k++] = p[i++];
		}
	}
	while (k > 1 && norm[k - 1] == '/')
		k--;
	for (size_t i = 0; i < VT_ARRAY_LEN(writable_dirs); i++) {
		size_t l = strlen(writable_dirs[i]);
		if (k >= l && !memcmp(norm, writable_dirs[i], l) && (k == l || norm[l] == '/'))
			return VT_ELF_PATH_WRITABLE | VT_ELF_PATH_ABSOLUTE;
	}
	return VT_ELF_PATH_ABSOLUTE;
}

/* VT_ELF_PATH_* bits over the colon-separated entries of an RPATH/RUNPATH. */
static uint8_t path_class(const char *s)
{
	if (!s)
		return 0;
	uint8_t cls = 0;
	for (const char *p = s;;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		cls |= path_entry_class(p, n);
		if (!e)
			break;
		p = e + 1;
	}
	return cls;
}

/* The functions glibc (2.36) fortifies: X for every __X_chk it exports, sorted (strcmp). */
static const char *const fortifiable[] = {
	"asprintf", "confstr", "dprintf", "explicit_bzero", "fdelt", "fgets", "fgets_unlocked",
	"fgetws", "fgetws_unlocked", "fprintf", "fread", "fread_unlocked", "fwprintf",
	"getcwd", "getdomainname", "getgroups", "gethostname", "getlogin_r", "gets", "getwd",
	"longjmp", "mbsnrtowcs", "mbsrtowcs", "mbstowcs", "memcpy", "memmove", "mempcpy",
	"memset", "obstack_printf", "obstack_vprintf", "poll", "ppoll", "pread", "pread64",
	"printf", "ptsname_r", "read", "readlink", "readlinkat", "realpath", "recv", "recvfrom",
	"snprintf", "sprintf", "stpcpy", "stpncpy", "strcat", "strcpy", "strncat", "strncpy",
	"swprintf", "syslog", "ttyname_r", "vasprintf", "vdprintf", "vfprintf", "vfwprintf",
	"vprintf", "vsnprintf", "vsprintf", "vswprintf", "vsyslog", "vwprintf", "wcpcpy",
	"wcpncpy", "wcrtomb", "wcscat", "wcscpy", "wcsncat", "wcsncpy", "wcsnrtombs",
	"wcsrtombs", "wcstombs", "wctomb", "wmemcpy", "wmemmove", "wmempcpy", "wmemset",
	"wprintf",
};

/* Dangerous imports (docs/hardening.md): bit i of vt_elf_hardening.dangerous. */
static const char *const dangerous[] = {
	"gets", "strcpy", "strcat", "sprintf", "vsprintf", "stpcpy", "wcscpy", "wcscat",
	"system", "popen", "mktemp", "tmpnam", "tempnam", "getwd",
};
_Static_assert(VT_ARRAY_LEN(dangerous) <= VT_ELF_DANGEROUS_MAX, "dangerous list too long");

const char *vt_elf_dangerous_name(unsigned i)
{
	return i < VT_ARRAY_LEN(dangerous) ? dangerous[i] : NULL;
}

const char *vt_elf_pie_name(unsigned pie)
{
	static const char *const names[] = {"n/a", "no", "yes", "dso"};
	return pie < VT_ARRAY_LEN(names) ? names[pie] : "n/a";
}

const char *vt_elf_relro_name(unsigned relro)
{
	static const char *const names[] = {"none", "partial", "full"};
	return relro < VT_ARRAY_LEN(names) ? names[relro] : "none";
}

/* Whether n bytes at p name a fortifiable function. */
static bool is_fortifiable(const char *p, size_t n)
{
	size_t lo = 0, hi = VT_ARRAY_LEN(fortifiable);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *f = fortifiable[mid];
		int cmp = strncmp(p, f, n);
		if (cmp == 0)
			cmp = f[n] ? -1 : 0;
		if (cmp == 0)
			return true;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* Whether the n bytes at p are the string lit. */
static bool name_is(const char *p, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(p, lit, n);
}

/* Calls fn for each named symbol of one table (n entries of `ent` bytes in syms, names in
 * str), entry 0 (the null symbol) excepted; stops when fn returns false (then returns
 * false). .symtab names of versioned symbols carry their version ("memcpy@GLIBC_2.14"):
 * it is cut off. */
static bool each_symbol(struct vt_span syms, size_t ent, size_t n, struct vt_span str,
			bool is64, bool be, bool dynamic,
			bool (*fn)(void *ud, const struct vt_elf_sym *sym), void *ud)
{
	size_t info_off = is64 ? 4 : 12, shndx_off = is64 ? 6 : 14;
	for (size_t i = 1; i < n; i++) {
		uint32_t name_off;
		uint16_t shndx;
		uint8_t st_info, st_other;
		const char *name;
		size_t len;
		if (vt_span_u32(syms, i * ent, be, &name_off) ||
		    vt_span_u8(syms, i * ent + info_off, &st_info) ||
		    vt_span_u8(syms, i * ent + info_off + 1, &st_other) ||
		    vt_span_u16(syms, i * ent + shndx_off, be, &shndx))
			break;
		if (name_off == 0 || name_off >= str.len ||
		    vt_span_cstr(str, name_off, MAX_SYMNAME, &name, &len) || len == 0)
			continue;
		const char *at = memchr(name, '@', len);
		if (at == name)
			continue;
		struct vt_elf_sym sym = {
			.name = name,
			.len = at ? (size_t)(at - name) : len,
			.dynamic = dynamic,
			.defined = shndx != 0,
			.bind = st_info >> 4,
			.type = st_info & 15,
			.vis = st_other & 3,
		};
		if (!fn(ud, &sym))
			return false;
	}
	return true;
}

/* The hardening facts of one symbol: canary names in every table; imports (undefined
 * symbols) of the dynamic table only. */
static bool hardening_symbol(void *ud, const struct vt_elf_sym *sym)
{
	struct ctx *c = ud;
	struct vt_elf_hardening *h = &c->info->hard;
	const char *name = sym->name;
	size_t len = sym->len;
	bool dynamic = sym->dynamic, undef = !sym->defined;
	if (dynamic) {
		h->n_dynsym++;
		h->n_imports += undef;
	}
	if (len > 2 && name[0] == '_' && name[1] == '_') {
		if (name_is(name, len, "__stack_chk_fail") ||
		    name_is(name, len, "__stack_chk_guard") ||
		    name_is(name, len, "__intel_security_cookie"))
			h->canary = true;
		else if (name_is(name, len, "__stack_chk_fail_local"))
			h->canary_local = true;
		if (dynamic && undef && len > 6 && !memcmp(name + len - 4, "_chk", 4) &&
		    is_fortifiable(name + 2, len - 6)) {
			h->fortify = true;
			h->fortified++;
			h->fortifiable++;
		}
		return true;
	}
	if (!dynamic || !undef)
		return true;
	if (is_fortifiable(name, len))
		h->fortifiable++;
	for (size_t k = 0; k < VT_ARRAY_LEN(dangerous); k++)
		if (name_is(name, len, dangerous[k]))
			h->dangerous |= 1u << k;
	return true;
}

/* Records where a table read lies, for vt_elf_symbols(). */
static void remember(const struct ctx *c, struct vt_elf_symtab *t, struct vt_span tab,
		     uint64_t ent, size_t n, struct vt_span str)
{
	*t = (struct vt_elf_symtab){
		.off = (uint64_t)((const uint8_t *)tab.p - (const uint8_t *)c->s.p),
		.n = n,
		.ent = ent,
		.str_off = (uint64_t)((const uint8_t *)str.p - (const uint8_t *)c->s.p),
		.str_len = str.len,
	};
}

/* Reads the hardening facts of one table and records where it lies. */
static void scan_symbols(struct ctx *c, struct vt_span syms, size_t ent, size_t n,
			 struct vt_span str, bool dynamic)
{
	each_symbol(syms, ent, n, str, c->is64, c->be, dynamic, hardening_symbol, c);
	remember(c, dynamic ? &c->info->dyn_tab : &c->info->sym_tab, syms, ent, n, str);
}

/* Reads a symbol table given by its section header and its string section's header. */
static bool symbols_from_section(struct ctx *c, const struct symsec *ss, bool dynamic)
{
	size_t ent = c->is64 ? 24 : 16;
	struct vt_span tab, str;
	if (!ss->have || ss->tab.entsize < ent || ss->tab.entsize > 256 ||
	    ss->str.type != SHT_STRTAB)
		return false;
	if (!file_range(c, ss->tab.offset, ss->tab.size, &tab) ||
	    !file_range(c, ss->str.offset, ss->str.size, &str))
		return false; /* the section table check already reported it */
	size_t n = tab.len / (size_t)ss->tab.entsize;
	if (n > MAX_SYMS) {
		problem(c, VT_ELIMIT, "too many symbols (more than %u), the rest not read",
			MAX_SYMS);
		n = MAX_SYMS;
	}
	scan_symbols(c, tab, (size_t)ss->tab.entsize, n, str, dynamic);
	return true;
}

/* The number of dynamic symbols from DT_GNU_HASH (the highest symbol in any chain, plus
 * one) or DT_HASH (nchain); 0 when neither is usable. */
static size_t dynamic_symbol_count(const struct ctx *c)
{
	struct vt_span t;
	if (c->has_dt_gnu_hash && map_vaddr(c, c->dt_gnu_hash, &t)) {
		uint32_t nbuckets, symoffset, bloom_size, bucket, max = 0, hv;
		size_t w = c->is64 ? 8 : 4, buckets, chains, bloom;
		if (vt_span_u32(t, 0, c->be, &nbuckets) || vt_span_u32(t, 4, c->be, &symoffset) ||
		    vt_span_u32(t, 8, c->be, &bloom_size) || nbuckets > MAX_SYMS ||
		    bloom_size > MAX_SYMS)
			return 0;
		bloom = 16;
		buckets = bloom + (size_t)bloom_size * w;
		chains = buckets + (size_t)nbuckets * 4;
		for (uint32_t i = 0; i < nbuckets; i++) {
			if (vt_span_u32(t, buckets + (size_t)i * 4, c->be, &bucket))
				return 0;
			max = VT_MAX(max, bucket);
		}
		if (max < symoffset) {
			/* no hashed symbol: the table has at least symoffset entries, and the
			 * imports may follow them unhashed; .dynstr follows .dynsym in every
			 * linker's layout, so the gap between them bounds the table */
			uint64_t gap = 0;
			size_t ent = c->is64 ? 24 : 16;
			if (c->dynstr_addr > c->dt_symtab)
				gap = (c->dynstr_addr - c->dt_symtab) / ent;
			return gap > symoffset && gap <= MAX_SYMS ? (size_t)gap : symoffset;
		}
		for (size_t i = max; i - max < MAX_SYMS; i++) {
			if (vt_span_u32(t, chains + (i - symoffset) * 4, c->be, &hv))
				return 0;
			if (hv & 1)
				return i + 1;
		}
		return 0;
	}
	if (c->has_dt_hash && map_vaddr(c, c->dt_hash, &t)) {
		/* 64-bit s390 and Alpha use 8-byte hash words */
		uint64_t nchain;
		uint32_t v;
		bool wide = c->is64 && (c->info->machine == EM_S390 ||
					c->info->machine == EM_ALPHA);
		if (wide) {
			if (vt_span_u64(t, 8, c->be, &nchain))
				return 0;
		} else {
			if (vt_span_u32(t, 4, c->be, &v))
				return 0;
			nchain = v;
		}
		return nchain > MAX_SYMS ? MAX_SYMS : (size_t)nchain;
	}
	return 0;
}

/* The dynamic symbols through the dynamic section, for objects without section headers. */
static bool symbols_from_dynamic(struct ctx *c)
{
	struct vt_span tab;
	size_t ent = c->dt_syment ? (size_t)VT_MIN(c->dt_syment, (uint64_t)257)
				  : (c->is64 ? 24u : 16u);
	if (!c->has_dt_symtab || !c->dynstr_span.len || ent < (c->is64 ? 24u : 16u) ||
	    ent > 256 || !map_vaddr(c, c->dt_symtab, &tab))
		return false;
	size_t n = dynamic_symbol_count(c);
	if (n == 0)
		return false;
	n = VT_MIN(n, tab.len / ent);
	scan_symbols(c, tab, ent, n, c->dynstr_span, true);
	return true;
}

/* Reads the GNU properties of one NT_GNU_PROPERTY_TYPE_0 descriptor. */
static void properties(struct ctx *c, struct vt_span d)
{
	struct vt_elf_hardening *h = &c->info->hard;
	uint16_t m = c->info->machine;
	size_t align = c->is64 ? 8 : 4, off = 0;
	h->gnu_property = true;
	for (int k = 0; k < MAX_PROPS && off + 8 <= d.len; k++) {
		uint32_t type, datasz, v;
		if (vt_span_u32(d, off, c->be, &type) || vt_span_u32(d, off + 4, c->be, &datasz))
			return;
		if (datasz >= 4 && !vt_span_u32(d, off + 8, c->be, &v)) {
			if (type == GNU_PROPERTY_X86_FEATURE_1_AND &&
			    (m == EM_386 || m == EM_X86_64 || m == EM_IAMCU)) {
				h->ibt = v & 1;
				h->shstk = (v & 2) != 0;
			} else if (type == GNU_PROPERTY_AARCH64_FEATURE_1_AND && m == EM_AARCH64) {
				h->bti = v & 1;
				h->pac = (v & 2) != 0;
			}
		}
		uint64_t next = ((uint64_t)off + 8 + datasz + align - 1) & ~(uint64_t)(align - 1);
		if (next > d.len)
			return;
		off = (size_t)next;
	}
}

/* Reads the notes of one note segment: GNU properties and the GNU ABI tag. */
static void notes(struct ctx *c, const struct phdr *p)
{
	struct vt_span seg;
	if (!file_range(c, p->offset, p->filesz, &seg))
		return; /* segments() already reported it */
	/* notes pad to 4 bytes, or to 8 in a segment aligned to 8 (as readelf reads them) */
	size_t a = p->align == 8 ? 8 : 4;
	size_t off = 0;
	for (int k = 0; k < MAX_NOTES && off + 12 <= seg.len; k++) {
		uint32_t namesz, descsz, type;
		if (vt_span_u32(seg, off, c->be, &namesz) ||
		    vt_span_u32(seg, off + 4, c->be, &descsz) ||
		    vt_span_u32(seg, off + 8, c->be, &type))
			return;
		uint64_t name = (uint64_t)off + 12, mask = ~(uint64_t)(a - 1);
		uint64_t desc = (name + namesz + a - 1) & mask;
		uint64_t next = (desc + descsz + a - 1) & mask;
		if (desc + descsz > seg.len)
			return;
		if (namesz == 4 && vt_span_eq(seg, (size_t)name, "GNU", 4)) {
			struct vt_span d;
			if (type == NT_GNU_PROPERTY_TYPE_0 &&
			    !vt_span_sub(seg, (size_t)desc, descsz, &d))
				properties(c, d);
			else if (type == NT_GNU_ABI_TAG)
				c->info->hard.gnu_abi_tag = true;
		}
		if (next > seg.len)
			return;
		off = (size_t)next;
	}
}

/* Whether a missing PT_GNU_STACK leaves the stack executable: glibc's DEFAULT_STACK_PERMS
 * leaves out PF_X on these architectures only. */
static bool stack_default_nonexec(uint16_t machine)
{
	switch (machine) {
	case EM_AARCH64:
	case 50:  /* IA-64 */
	case 258: /* LoongArch */
	case 93:  /* ARCompact */
	case 195: /* ARCv2 */
	case 113: /* Nios II */
	case 188: /* TILEPro */
	case 191: /* TILE-Gx */
		return true;
	default:
		return false;
	}
}

/* Fills info->hard from what the other passes found, then reads symbols and notes. */
static void hardening(struct ctx *c)
{
	struct vt_elf_info *info = c->info;
	struct vt_elf_hardening *h = &info->hard;
	bool loadable = info->type == VT_ELF_EXEC || info->type == VT_ELF_DYN;

	if (info->type == VT_ELF_EXEC)
		h->pie = VT_ELF_PIE_NO;
	else if (info->type != VT_ELF_DYN)
		h->pie = VT_ELF_PIE_NA;
	else if (h->pie != VT_ELF_PIE_YES)
		h->pie = info->interp && !h->has_soname ? VT_ELF_PIE_YES : VT_ELF_PIE_DSO;
	h->relro = !info->has_relro ? VT_ELF_RELRO_NONE
		   : info->bind_now ? VT_ELF_RELRO_FULL : VT_ELF_RELRO_PARTIAL;
	if (loadable && c->n_ph > 0) {
		h->stack_default = !info->has_gnu_stack;
		h->nx = info->has_gnu_stack ? !(c->stack_flags & PF_X)
					    : stack_default_nonexec(info->machine);
	}
	for (size_t i = 0; i < c->n_notesegs; i++)
		notes(c, &c->notesegs[i]);

	if (symbols_from_section(c, &c->dynsym, true))
		h->syms |= VT_ELF_SYMS_DYNSYM;
	else if (symbols_from_dynamic(c))
		h->syms |= VT_ELF_SYMS_DYNAMIC;
	if (symbols_from_section(c, &c->symtab, false))
		h->syms |= VT_ELF_SYMS_SYMTAB;
}

static bool walk_table(struct vt_span s, const struct vt_elf_info *info,
		       const struct vt_elf_symtab *t, bool dynamic,
		       bool (*fn)(void *ud, const struct vt_elf_sym *sym), void *ud)
{
	struct vt_span tab, str;
	uint64_t bytes;
	if (!t->n || __builtin_mul_overflow(t->n, t->ent, &bytes) ||
	    vt_span_sub(s, t->off, bytes, &tab) || vt_span_sub(s, t->str_off, t->str_len, &str))
		return true;
	return each_symbol(tab, (size_t)t->ent, (size_t)t->n, str, info->elfclass == 64,
			   info->big_endian, dynamic, fn, ud);
}

void vt_elf_symbols(struct vt_span s, const struct vt_elf_info *info,
		    bool (*fn)(void *ud, const struct vt_elf_sym *sym), void *ud)
{
	if (walk_table(s, info, &info->dyn_tab, true, fn, ud))
		walk_table(s, info, &info->sym_tab, false, fn, ud);
}

bool vt_elf_is_elf(struct vt_span s)
{
	return vt_span_eq(s, 0, "\177ELF", 4);
}

/* Reads the ELF header; returns the error for a missing or invalid one. */
static vt_err header(struct ctx *c, uint64_t *phoff, uint64_t *shoff, uint16_t *phnum,
		     uint16_t *shnum, uint16_t *shstrndx)
{
	struct vt_elf_info *info = c->info;
	struct vt_span s = c->s;
	uint8_t cls, data, version;
	uint16_t phent, shent;

	if (!vt_elf_is_elf(s))
		return s.len < 4 && vt_span_eq(s, 0, "\177ELF", s.len) ? VT_ETRUNC : VT_EFORMAT;
	if (vt_span_u8(s, 4, &cls) || vt_span_u8(s, 5, &data))
		return VT_ETRUNC;
	if ((cls != 1 && cls != 2) || (data != 1 && data != 2))
		return VT_EFORMAT;
	c->is64 = cls == 2;
	c->be = data == 2;
	info->elfclass = c->is64 ? 64 : 32;
	info->big_endian = c->be;
	size_t w = c->is64 ? 8 : 4, o = 24 + 3 * w; /* o: e_flags */
	if (s.len < (c->is64 ? EHDR64_SIZE : EHDR32_SIZE))
		return VT_ETRUNC;
	if (vt_span_u8(s, 6, &version) || vt_span_u8(s, 7, &info->osabi) ||
	    vt_span_u8(s, 8, &info->abiversion) || vt_span_u16(s, 16, c->be, &info->type) ||
	    vt_span_u16(s, 18, c->be, &info->machine) || word(c, s, 24, &info->entry) ||
	    word(c, s, 24 + w, phoff) || word(c, s, 24 + 2 * w, shoff) ||
	    vt_span_u32(s, o, c->be, &info->flags) || vt_span_u16(s, o + 6, c->be, &phent) ||
	    vt_span_u16(s, o + 8, c->be, phnum) || vt_span_u16(s, o + 10, c->be, &shent) ||
	    vt_span_u16(s, o + 12, c->be, shnum) || vt_span_u16(s, o + 14, c->be, shstrndx))
		return VT_ETRUNC;
	if (version != 1)
		problem(c, VT_EFORMAT, "unknown ELF version %u", version);
	c->phent = phent;
	c->shent = shent;
	return VT_OK;
}

vt_err vt_elf_parse(struct vt_span s, struct vt_arena *a, struct vt_elf_info *info)
{
	struct ctx c = {.s = s, .a = a, .info = info, .tail = &info->problems};
	uint64_t phoff, shoff;
	uint16_t phnum, shnum, shstrndx;

	memset(info, 0, sizeof(*info));
	vt_err e = header(&c, &phoff, &shoff, &phnum, &shnum, &shstrndx);
	if (e) {
		memset(info, 0, sizeof(*info));
		return e;
	}

	/* section headers first: PN_XNUM needs section 0, dynamic strings may need .dynstr */
	sections(&c, shoff, shnum, shstrndx);
	size_t n_ph = phnum;
	uint32_t sh_info;
	if (phnum == PN_XNUM && c.n_sh > 0 &&
	    !vt_span_u32(c.sh, c.is64 ? 44 : 28, c.be, &sh_info)) {
		/* extended numbering: the count is section 0's sh_info */
		n_ph = VT_MIN(sh_info, (uint32_t)MAX_HEADERS);
		if (sh_info > MAX_HEADERS)
			problem(&c, VT_ELIMIT, "too many program headers (more than %d)",
				MAX_HEADERS);
	}
	info->phnum = (uint16_t)n_ph;
	c.n_ph = table(&c, "program header table", phoff, n_ph, c.phent,
		       c.is64 ? PHDR64_SIZE : PHDR32_SIZE, &c.ph);

	struct vt_span dyn = vt_span_make(NULL, 0);
	segments(&c, &dyn);
	if (info->has_dynamic && !dyn.len && c.have_dynsec && c.dynsec.type == SHT_DYNAMIC)
		(void)file_range(&c, c.dynsec.offset, c.dynsec.size, &dyn);
	if (dyn.len)
		dynamic(&c, dyn);
	if (info->type == VT_ELF_DYN && info->interp)
		info->is_pie = true;
	info->is_static = info->type == VT_ELF_EXEC && !info->interp && !info->has_dynamic;
	hardening(&c);
	return c.nomem ? VT_ENOMEM : VT_OK;
}

const char *vt_elf_type_name(uint16_t type)
{
	static const char *const names[] = {"NONE", "REL", "EXEC", "DYN", "CORE"};
	return type < VT_ARRAY_LEN(names) ? names[type] : "unknown";
}

const char *vt_elf_osabi_name(uint8_t osabi)
{
	static const char *const names[] = {
		"UNIX - System V", "UNIX - HP-UX", "UNIX - NetBSD", "UNIX - GNU", NULL, NULL,
		"UNIX - Solaris", "UNIX - AIX", "UNIX - IRIX", "UNIX - FreeBSD", "UNIX - TRU64",
		"Novell - Modesto", "UNIX - OpenBSD", "VMS - OpenVMS", "HP - Non-Stop Kernel",
		"AROS", "FenixOS", "Nuxi CloudABI", "Stratus Technologies OpenVOS",
	};
	if (osabi == 97) /* ELFOSABI_ARM, named by readelf for ARM objects */
		return "ARM";
	if (osabi < VT_ARRAY_LEN(names) && names[osabi])
		return names[osabi];
	return "unknown";
}

/* readelf -h's machine names (binutils 2.40), sorted by value. */
static const struct machine {
	uint16_t value;
	const char *name;
} machines[] = {
	{0, "None"},
	{1, "WE32100"},
	{2, "Sparc"},
	{3, "Intel 80386"},
	{4, "MC68000"},
	{5, "MC88000"},
	{6, "Intel MCU"},
	{7, "Intel 80860"},
	{8, "MIPS R3000"},
	{9, "IBM System/370"},
	{10, "MIPS R4000 big-endian"},
	{11, "Sparc v9 (old)"},
	{15, "HPPA"},
	{17, "Fujitsu VPP500"},
	{18, "Sparc v8+"},
	{19, "Intel 80960"},
	{20, "PowerPC"},
	{21, "PowerPC64"},
	{22, "IBM S/390"},
	{23, "SPU"},
	{36, "Renesas V850 (using RH850 ABI)"},
	{37, "Fujitsu FR20"},
	{38, "TRW RH32"},
	{39, "MCORE"},
	{40, "ARM"},
	{41, "Digital Alpha (old)"},
	{42, "Renesas / SuperH SH"},
	{43, "Sparc v9"},
	{44, "Siemens Tricore"},
	{45, "ARC"},
	{46, "Renesas H8/300"},
	{47, "Renesas H8/300H"},
	{48, "Renesas H8S"},
	{49, "Renesas H8/500"},
	{50, "Intel IA-64"},
	{51, "Stanford MIPS-X"},
	{52, "Motorola Coldfire"},
	{53, "Motorola MC68HC12 Microcontroller"},
	{54, "Fujitsu Multimedia Accelerator"},
	{55, "Siemens PCP"},
	{56, "Sony nCPU embedded RISC processor"},
	{57, "Denso NDR1 microprocesspr"},
	{58, "Motorola Star*Core processor"},
	{59, "Toyota ME16 processor"},
	{60, "STMicroelectronics ST100 processor"},
	{61, "Advanced Logic Corp. TinyJ embedded processor"},
	{62, "Advanced Micro Devices X86-64"},
	{63, "Sony DSP processor"},
	{64, "Digital Equipment Corp. PDP-10"},
	{65, "Digital Equipment Corp. PDP-11"},
	{66, "Siemens FX66 microcontroller"},
	{67, "STMicroelectronics ST9+ 8/16 bit microcontroller"},
	{68, "STMicroelectronics ST7 8-bit microcontroller"},
	{69, "Motorola MC68HC16 Microcontroller"},
	{70, "Motorola MC68HC11 Microcontroller"},
	{71, "Motorola MC68HC08 Microcontroller"},
	{72, "Motorola MC68HC05 Microcontroller"},
	{73, "Silicon Graphics SVx"},
	{74, "STMicroelectronics ST19 8-bit microcontroller"},
	{75, "Digital VAX"},
	{76, "Axis Communications 32-bit embedded processor"},
	{77, "Infineon Technologies 32-bit embedded cpu"},
	{78, "Element 14 64-bit DSP processor"},
	{79, "LSI Logic's 16-bit DSP processor"},
	{80, "Donald Knuth's educational 64-bit processor"},
	{81, "Harvard Universitys's machine-independent object format"},
	{82, "Vitesse Prism"},
	{83, "Atmel AVR 8-bit microcontroller"},
	{84, "Fujitsu FR30"},
	{85, "d10v"},
	{86, "d30v"},
	{87, "Renesas V850"},
	{88, "Renesas M32R (formerly Mitsubishi M32r)"},
	{89, "mn10300"},
	{90, "mn10200"},
	{91, "picoJava"},
	{92, "OpenRISC 1000"},
	{93, "ARCompact"},
	{94, "Tensilica Xtensa Processor"},
	{95, "Alphamosaic VideoCore processor"},
	{96, "Thompson Multimedia General Purpose Processor"},
	{97, "National Semiconductor 32000 series"},
	{98, "Tenor Network TPC processor"},
	{99, "Trebia SNP 1000 processor"},
	{100, "STMicroelectronics ST200 microcontroller"},
	{101, "Ubicom IP2xxx 8-bit microcontrollers"},
	{102, "MAX Processor"},
	{103, "National Semiconductor CompactRISC"},
	{104, "Fujitsu F2MC16"},
	{105, "Texas Instruments msp430 microcontroller"},
	{106, "Analog Devices Blackfin"},
	{107, "S1C33 Family of Seiko Epson processors"},
	{108, "Sharp embedded microprocessor"},
	{109, "Arca RISC microprocessor"},
	{110, "Unicore"},
	{111, "eXcess 16/32/64-bit configurable embedded CPU"},
	{112, "Icera Semiconductor Inc. Deep Execution Processor"},
	{113, "Altera Nios II"},
	{114, "National Semiconductor CRX microprocessor"},
	{115, "Motorola XGATE embedded processor"},
	{116, "Infineon Technologies xc16x"},
	{117, "Renesas M16C series microprocessors"},
	{118, "Microchip Technology dsPIC30F Digital Signal Controller"},
	{119, "Freescale Communication Engine RISC core"},
	{120, "Renesas M32c"},
	{131, "Altium TSK3000 core"},
	{132, "Freescale RS08 embedded processor"},
	{134, "Cyan Technology eCOG2 microprocessor"},
	{135, "SUNPLUS S+Core"},
	{136, "New Japan Radio (NJR) 24-bit DSP Processor"},
	{137, "Broadcom VideoCore III processor"},
	{138, "Lattice Mico32"},
	{139, "Seiko Epson C17 family"},
	{140, "Texas Instruments TMS320C6000 DSP family"},
	{141, "Texas Instruments TMS320C2000 DSP family"},
	{142, "Texas Instruments TMS320C55x DSP family"},
	{144, "TI PRU I/O processor"},
	{160, "STMicroelectronics 64bit VLIW Data Signal Processor"},
	{161, "Cypress M8C microprocessor"},
	{162, "Renesas R32C series microprocessors"},
	{163, "NXP Semiconductors TriMedia architecture family"},
	{164, "QUALCOMM DSP6 Processor"},
	{165, "Intel 8051 and variants"},
	{166, "STMicroelectronics STxP7x family"},
	{167, "Andes Technology compact code size embedded RISC processor family"},
	{168, "Cyan Technology eCOG1X family"},
	{169, "Dallas Semiconductor MAXQ30 Core microcontrollers"},
	{170, "New Japan Radio (NJR) 16-bit DSP Processor"},
	{171, "M2000 Reconfigurable RISC Microprocessor"},
	{172, "Cray Inc. NV2 vector architecture"},
	{173, "Renesas RX"},
	{174, "Imagination Technologies Meta processor architecture"},
	{175, "MCST Elbrus general purpose hardware architecture"},
	{176, "Cyan Technology eCOG16 family"},
	{177, "Xilinx MicroBlaze"},
	{178, "Freescale Extended Time Processing Unit"},
	{179, "Infineon Technologies SLE9X core"},
	{180, "Intel L1OM"},
	{181, "Intel K1OM"},
	{182, "Intel (reserved)"},
	{183, "AArch64"},
	{184, "ARM (reserved)"},
	{185, "Atmel Corporation 32-bit microprocessor"},
	{186, "STMicroeletronics STM8 8-bit microcontroller"},
	{187, "Tilera TILE64 multicore architecture family"},
	{188, "Tilera TILEPro multicore architecture family"},
	{189, "Xilinx MicroBlaze"},
	{190, "NVIDIA CUDA architecture"},
	{191, "Tilera TILE-Gx multicore architecture family"},
	{192, "CloudShield architecture family"},
	{193, "KIPO-KAIST Core-A 1st generation processor family"},
	{194, "KIPO-KAIST Core-A 2nd generation processor family"},
	{195, "ARCv2"},
	{196, "Open8 8-bit RISC soft processor core"},
	{197, "Renesas RL78"},
	{198, "Broadcom VideoCore V processor"},
	{199, "Renesas 78K0R"},
	{200, "Freescale 56800EX Digital Signal Controller (DSC)"},
	{201, "Beyond BA1 CPU architecture"},
	{202, "Beyond BA2 CPU architecture"},
	{203, "XMOS xCORE processor family"},
	{204, "Microchip 8-bit PIC(r) family"},
	{205, "Intel Graphics Technology"},
	{210, "KM211 KM32 32-bit processor"},
	{211, "KM211 KMX32 32-bit processor"},
	{212, "KM211 KMX16 16-bit processor"},
	{213, "KM211 KMX8 8-bit processor"},
	{214, "KM211 KVARC processor"},
	{215, "Paneve CDP architecture family"},
	{216, "Cognitive Smart Memory Processor"},
	{217, "Bluechip Systems CoolEngine"},
	{218, "Nanoradio Optimized RISC"},
	{219, "CSR Kalimba architecture family"},
	{220, "Zilog Z80"},
	{221, "CDS VISIUMcore processor"},
	{222, "FTDI Chip FT32"},
	{223, "Moxie"},
	{224, "AMD GPU"},
	{243, "RISC-V"},
	{244, "Lanai 32-bit processor"},
	{245, "CEVA Processor Architecture Family"},
	{246, "CEVA X2 Processor Family"},
	{247, "Linux BPF"},
	{248, "Graphcore Intelligent Processing Unit"},
	{249, "Imagination Technologies"},
	{250, "Netronome Flow Processor"},
	{251, "NEC Vector Engine"},
	{252, "C-SKY"},
	{253, "Synopsys ARCv2.3 64-bit"},
	{254, "MOS Technology MCS 6502 processor"},
	{255, "Synopsys ARCv2.3 32-bit"},
	{256, "Kalray VLIW core of the MPPA processor family"},
	{257, "WDC 65816/65C816"},
	{258, "LoongArch"},
	{259, "ChipON KungFu32"},
	{4183, "Atmel AVR 8-bit microcontroller"},
	{4643, "Adapteva EPIPHANY"},
	{9520, "Morpho Techologies MT processor"},
	{13104, "Fujitsu FR30"},
	{16727, "Web Assembly"},
	{18056, "Infineon Technologies xc16x"},
	{19951, "Freescale S12Z"},
	{21569, "Fujitsu FR-V"},
	{23205, "OpenDLX"},
	{30288, "d10v"},
	{30326, "d30v"},
	{33303, "Ubicom IP2xxx 8-bit microcontrollers"},
	{36902, "Alpha"},
	{36929, "Renesas M32R (formerly Mitsubishi M32r)"},
	{36992, "Renesas V850"},
	{41872, "IBM S/390"},
	{43975, "Tensilica Xtensa Processor"},
	{44357, "Sanyo XStormy16 CPU core"},
	{47787, "Xilinx MicroBlaze"},
	{48879, "mn10300"},
	{57005, "mn10200"},
	{61453, "Toshiba MeP Media Engine"},
	{65200, "Altera Nios"},
	{65210, "Vitesse IQ2000"},
	{65211, "Altera Nios"},
};

static int machine_cmp(const void *key, const void *elem)
{
	uint16_t k = *(const uint16_t *)key, v = ((const struct machine *)elem)->value;
	return (k > v) - (k < v);
}

const char *vt_elf_machine_name(uint16_t machine, char *buf, size_t n)
{
	const struct machine *m = bsearch(&machine, machines, VT_ARRAY_LEN(machines),
					  sizeof(machines[0]), machine_cmp);
	if (n == 0)
		return buf;
	if (m)
		snprintf(buf, n, "%s", m->name);
	else
		snprintf(buf, n, "<unknown>: 0x%x", machine);
	return buf;
}
