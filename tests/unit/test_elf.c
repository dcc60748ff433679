/* test_elf.c - unit tests of the ELF parser (lib/elf/elf.c).
 *
 * A small builder writes complete ELF images in memory, 32 and 64 bit, little and big
 * endian: program headers (PT_LOAD, PT_INTERP, PT_DYNAMIC, PT_GNU_STACK, PT_GNU_RELRO),
 * a dynamic section with its string table, and section headers at the end of the file.
 * The tests check every field against what the builder wrote, then cut and corrupt the
 * images and check that the parser reports problems and never reads out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <vetter/arena.h>
#include <vetter/elf.h>
#include <vetter/span.h>

#define VADDR 0x400000u
#define MACHINE 0x1234 /* changed per test; readelf does not name 0x1234 */
#define ENTRY 0x401000u
#define FLAGS 0x5000400u
#define INTERP "/lib/ld-test.so.1"
#define IMG_MAX (1u << 17)

enum { PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3 };
#define PT_GNU_STACK 0x6474e551u
#define PT_GNU_RELRO 0x6474e552u
enum { DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10, DT_SONAME = 14,
       DT_RPATH = 15, DT_DEBUG = 21, DT_BIND_NOW = 24, DT_RUNPATH = 29, DT_FLAGS = 30 };
#define DT_FLAGS_1 0x6ffffffbu
#define DF_1_PIE 0x08000000u

/* What to put into an image. */
struct opts {
	bool is64, be;
	uint16_t type, machine;
	bool interp, dynamic, gnu_stack, stack_x, relro;
	bool sections, symtab, debuginfo;
	bool bind_now;           /* DT_BIND_NOW */
	uint64_t dt_flags, dt_flags_1; /* written when non-zero */
	size_t extra_dyn;        /* DT_DEBUG entries before DT_NULL */
	size_t bad_needed;       /* DT_NEEDED entries pointing past the string table */
	bool no_null;            /* no DT_NULL terminator */
	bool extended;           /* e_shnum/e_shstrndx/e_phnum through section 0 */
};

/* A built image and where its parts are. */
struct img {
	uint8_t *b;
	size_t len;
	bool be, is64;
	size_t ehsize, phent, shent, phoff, shoff, n_ph, n_sh, shstrndx;
	size_t interp_off, interp_ph, dyn_off, dyn_ph, dynstr_off, dynstr_len;
	size_t needed1_dyn; /* offset of the first DT_NEEDED entry */
	size_t strtab_dyn;  /* offset of the DT_STRTAB entry */
};

static const char dynstr[] = "\0libfoo.so.1\0libbar.so\0libme.so.2\0/opt/lib\0/old/rpath";
enum { S_FOO = 1, S_BAR = 13, S_ME = 23, S_RUNPATH = 34, S_RPATH = 43 };
static const char shstr[] = "\0.dynstr\0.dynamic\0.symtab\0.debug_info\0.shstrtab";
enum { N_DYNSTR = 1, N_DYNAMIC = 9, N_SYMTAB = 18, N_DEBUG = 26, N_SHSTRTAB = 38 };

static void put(struct img *m, size_t off, uint64_t v, unsigned width)
{
	assert_true(off + width <= IMG_MAX);
	for (unsigned i = 0; i < width; i++) {
		unsigned shift = 8 * (m->be ? width - 1 - i : i);
		m->b[off + i] = (uint8_t)(v >> shift);
	}
	if (off + width > m->len)
		m->len = off + width;
}

/* A class-sized word (Elf32_Addr/Off or Elf64_Addr/Off). */
static void put_word(struct img *m, size_t off, uint64_t v)
{
	put(m, off, v, m->is64 ? 8 : 4);
}

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

static void put_bytes(struct img *m, size_t off, const void *p, size_t n)
{
	assert_true(off + n <= IMG_MAX);
	memcpy(m->b + off, p, n);
	if (off + n > m->len)
		m->len = off + n;
}

static void put_phdr(struct img *m, size_t i, uint32_t type, uint32_t flags, uint64_t off,
		     uint64_t filesz)
{
	size_t p = m->phoff + i * m->phent;
	put(m, p, type, 4);
	if (m->is64) {
		put(m, p + 4, flags, 4);
		put(m, p + 8, off, 8);
		put(m, p + 16, VADDR + off, 8);
		put(m, p + 24, VADDR + off, 8);
		put(m, p + 32, filesz, 8);
		put(m, p + 40, filesz, 8);
		put(m, p + 48, 8, 8);
	} else {
		put(m, p + 4, off, 4);
		put(m, p + 8, VADDR + off, 4);
		put(m, p + 12, VADDR + off, 4);
		put(m, p + 16, filesz, 4);
		put(m, p + 20, filesz, 4);
		put(m, p + 24, flags, 4);
		put(m, p + 28, 8, 4);
	}
}

static void put_shdr(struct img *m, size_t i, uint32_t name, uint32_t type, uint64_t off,
		     uint64_t size, uint32_t link, uint32_t info)
{
	size_t p = m->shoff + i * m->shent, w = m->is64 ? 8 : 4;
	put(m, p, name, 4);
	put(m, p + 4, type, 4);
	put_word(m, p + 8 + 1 * w, off ? VADDR + off : 0);
	put_word(m, p + 8 + 2 * w, off);
	put_word(m, p + 8 + 3 * w, size);
	put(m, p + 8 + 4 * w, link, 4);
	put(m, p + 12 + 4 * w, info, 4);
	put_word(m, p + 16 + 4 * w, 1); /* sh_addralign */
	put_word(m, p + 16 + 5 * w, 0); /* sh_entsize */
}

static void put_dyn(struct img *m, size_t *off, uint64_t tag, uint64_t val)
{
	put_word(m, *off, tag);
	put_word(m, *off + (m->is64 ? 8 : 4), val);
	*off += m->is64 ? 16 : 8;
}

static struct img build(const struct opts *o)
{
	struct img m = {.be = o->be, .is64 = o->is64};
	m.b = calloc(1, IMG_MAX);
	assert_non_null(m.b);
	m.ehsize = o->is64 ? 64 : 52;
	m.phent = o->is64 ? 56 : 32;
	m.shent = o->is64 ? 64 : 40;
	m.phoff = m.ehsize;
	m.n_ph = 1 + o->interp + o->dynamic + o->gnu_stack + o->relro;
	size_t at = m.phoff + m.n_ph * m.phent, ph = 1;

	if (o->interp) {
		m.interp_off = at;
		m.interp_ph = ph;
		put_bytes(&m, at, INTERP, sizeof(INTERP));
		put_phdr(&m, ph++, PT_INTERP, 4, at, sizeof(INTERP));
		at += sizeof(INTERP);
	}
	m.dynstr_off = at;
	m.dynstr_len = sizeof(dynstr);
	put_bytes(&m, at, dynstr, sizeof(dynstr));
	at = align8(at + sizeof(dynstr));
	size_t dyn_size = 0;
	if (o->dynamic) {
		size_t d = m.dyn_off = at;
		m.needed1_dyn = d;
		put_dyn(&m, &d, DT_NEEDED, S_FOO);
		put_dyn(&m, &d, DT_NEEDED, S_BAR);
		for (size_t i = 0; i < o->bad_needed; i++)
			put_dyn(&m, &d, DT_NEEDED, 0x10000 + i);
		put_dyn(&m, &d, DT_SONAME, S_ME);
		put_dyn(&m, &d, DT_RUNPATH, S_RUNPATH);
		put_dyn(&m, &d, DT_RPATH, S_RPATH);
		m.strtab_dyn = d;
		put_dyn(&m, &d, DT_STRTAB, VADDR + m.dynstr_off);
		put_dyn(&m, &d, DT_STRSZ, sizeof(dynstr));
		if (o->bind_now)
			put_dyn(&m, &d, DT_BIND_NOW, 0);
		if (o->dt_flags)
			put_dyn(&m, &d, DT_FLAGS, o->dt_flags);
		if (o->dt_flags_1)
			put_dyn(&m, &d, DT_FLAGS_1, o->dt_flags_1);
		for (size_t i = 0; i < o->extra_dyn; i++)
			put_dyn(&m, &d, DT_DEBUG, 0);
		if (!o->no_null)
			put_dyn(&m, &d, DT_NULL, 0);
		dyn_size = d - m.dyn_off;
		m.dyn_ph = ph;
		put_phdr(&m, ph++, PT_DYNAMIC, 6, m.dyn_off, dyn_size);
		at = d;
	}
	if (o->gnu_stack)
		put_phdr(&m, ph++, PT_GNU_STACK, o->stack_x ? 7 : 6, 0, 0);
	if (o->relro)
		put_phdr(&m, ph++, PT_GNU_RELRO, 4, m.dyn_off, dyn_size);

	if (o->sections) {
		size_t shstr_off = at;
		put_bytes(&m, at, shstr, sizeof(shstr));
		at = align8(at + sizeof(shstr));
		m.shoff = at;
		size_t i = 1;
		put_shdr(&m, 0, 0, 0, 0, 0, 0, 0);
		put_shdr(&m, i++, N_DYNSTR, 3, m.dynstr_off, sizeof(dynstr), 0, 0);
		if (o->dynamic)
			put_shdr(&m, i++, N_DYNAMIC, 6, m.dyn_off, dyn_size, 1, 0);
		if (o->symtab)
			put_shdr(&m, i++, N_SYMTAB, 2, m.dynstr_off, 0, 1, 0);
		if (o->debuginfo)
			put_shdr(&m, i++, N_DEBUG, 1, m.dynstr_off, 0, 0, 0);
		m.shstrndx = i;
		put_shdr(&m, i++, N_SHSTRTAB, 3, shstr_off, sizeof(shstr), 0, 0);
		m.n_sh = i;
		if (o->extended) {
			size_t z = m.shoff, w = o->is64 ? 8 : 4;
			put_word(&m, z + 8 + 3 * w, m.n_sh);    /* sh_size: e_shnum */
			put(&m, z + 8 + 4 * w, m.shstrndx, 4); /* sh_link: e_shstrndx */
			put(&m, z + 12 + 4 * w, m.n_ph, 4);    /* sh_info: e_phnum */
		}
	}
	put_phdr(&m, 0, PT_LOAD, 5, 0, m.len);

	static const uint8_t magic[] = {0x7f, 'E', 'L', 'F'};
	put_bytes(&m, 0, magic, 4);
	m.b[4] = o->is64 ? 2 : 1;
	m.b[5] = o->be ? 2 : 1;
	m.b[6] = 1;
	m.b[7] = 3; /* UNIX - GNU */
	m.b[8] = 1;
	put(&m, 16, o->type, 2);
	put(&m, 18, o->machine, 2);
	put(&m, 20, 1, 4);
	size_t w = o->is64 ? 8 : 4, f = 24 + 3 * w;
	put_word(&m, 24, ENTRY);
	put_word(&m, 24 + w, m.phoff);
	put_word(&m, 24 + 2 * w, m.shoff);
	put(&m, f, FLAGS, 4);
	put(&m, f + 4, m.ehsize, 2);
	put(&m, f + 6, m.phent, 2);
	put(&m, f + 8, o->extended ? 0xffff : m.n_ph, 2);
	put(&m, f + 10, m.shent, 2);
	put(&m, f + 12, o->extended ? 0 : m.n_sh, 2);
	put(&m, f + 14, o->extended ? 0xffff : m.shstrndx, 2);
	return m;
}

/* The offset of e_phoff, e_shoff, e_phentsize, e_phnum or e_shstrndx. */
static size_t ehdr_field(const struct img *m, const char *name)
{
	size_t w = m->is64 ? 8 : 4, f = 24 + 3 * w;
	if (strcmp(name, "phoff") == 0)
		return 24 + w;
	if (strcmp(name, "shoff") == 0)
		return 24 + 2 * w;
	if (strcmp(name, "phentsize") == 0)
		return f + 6;
	if (strcmp(name, "phnum") == 0)
		return f + 8;
	return f + 14;
}

static struct opts full(bool is64, bool be)
{
	struct opts o = {.is64 = is64, .be = be, .type = 3, .machine = MACHINE, .interp = true,
			 .dynamic = true, .gnu_stack = true, .relro = true, .sections = true,
			 .symtab = true, .debuginfo = true, .bind_now = true};
	return o;
}

struct fixture {
	struct vt_arena *a;
	struct vt_elf_info info;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || !(f->a = vt_arena_new()))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	vt_arena_free(f->a);
	free(f);
	return 0;
}

static vt_err parse(struct fixture *f, const struct img *m, size_t len)
{
	return vt_elf_parse(vt_span_make(m->b, len), f->a, &f->info);
}

/* True when some problem's message contains `text`. */
static bool has_problem(const struct vt_elf_info *info, const char *text)
{
	size_t n = 0;
	for (const struct vt_elf_problem *p = info->problems; p; p = p->next, n++)
		if (strstr(p->message, text))
			return true;
	assert_int_equal(n, info->n_problems);
	return false;
}

static void dump_problems(const struct vt_elf_info *info)
{
	for (const struct vt_elf_problem *p = info->problems; p; p = p->next)
		print_message("problem: %s\n", p->message);
}

static void check_header(const struct vt_elf_info *info, const struct img *m, uint16_t type,
			 uint16_t machine)
{
	assert_int_equal(info->elfclass, m->is64 ? 64 : 32);
	assert_int_equal(info->big_endian, m->be);
	assert_int_equal(info->osabi, 3);
	assert_int_equal(info->abiversion, 1);
	assert_int_equal(info->type, type);
	assert_int_equal(info->machine, machine);
	assert_int_equal(info->flags, FLAGS);
	assert_int_equal(info->entry, ENTRY);
}

static void test_full_variants(void **state)
{
	struct fixture *f = *state;
	for (int v = 0; v < 4; v++) {
		struct opts o = full(v & 1, v & 2);
		o.machine = (uint16_t)(MACHINE + v);
		struct img m = build(&o);
		assert_int_equal(parse(f, &m, m.len), VT_OK);
		struct vt_elf_info *info = &f->info;
		dump_problems(info);
		assert_null(info->problems);
		assert_int_equal(info->n_problems, 0);
		check_header(info, &m, 3, (uint16_t)(MACHINE + v));
		assert_int_equal(info->phnum, 5);
		assert_int_equal(info->shnum, 6);
		assert_string_equal(info->interp, INTERP);
		assert_string_equal(info->soname, "libme.so.2");
		assert_int_equal(info->n_needed, 2);
		assert_string_equal(info->needed[0], "libfoo.so.1");
		assert_string_equal(info->needed[1], "libbar.so");
		assert_string_equal(info->runpath, "/opt/lib");
		assert_string_equal(info->rpath, "/old/rpath");
		assert_true(info->has_dynamic);
		assert_false(info->is_static);
		assert_true(info->is_pie);
		assert_true(info->has_symtab);
		assert_false(info->stripped);
		assert_true(info->has_debuginfo);
		assert_true(info->has_gnu_stack);
		assert_false(info->exec_stack);
		assert_true(info->has_relro);
		assert_true(info->bind_now);
		free(m.b);
	}
}

static void test_static_exec(void **state)
{
	struct fixture *f = *state;
	struct opts o = {.is64 = false, .be = true, .type = 2, .machine = 8};
	struct img m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_int_equal(f->info.n_problems, 0);
	check_header(&f->info, &m, 2, 8);
	assert_int_equal(f->info.phnum, 1);
	assert_int_equal(f->info.shnum, 0);
	assert_null(f->info.interp);
	assert_null(f->info.soname);
	assert_int_equal(f->info.n_needed, 0);
	assert_false(f->info.has_dynamic);
	assert_true(f->info.is_static);
	assert_false(f->info.is_pie);
	assert_false(f->info.stripped); /* no section headers: cannot tell */
	assert_false(f->info.has_symtab);
	assert_false(f->info.has_gnu_stack);
	assert_true(f->info.exec_stack);
	assert_false(f->info.has_relro);
	assert_false(f->info.bind_now);
	free(m.b);
}

static void test_stripped_library(void **state)
{
	struct fixture *f = *state;
	struct opts o = {.is64 = true, .be = false, .type = 3, .machine = 62, .dynamic = true,
			 .gnu_stack = true, .stack_x = true, .sections = true};
	struct img m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_int_equal(f->info.n_problems, 0);
	assert_null(f->info.interp);
	assert_string_equal(f->info.soname, "libme.so.2");
	assert_true(f->info.stripped);
	assert_false(f->info.has_symtab);
	assert_false(f->info.has_debuginfo);
	assert_false(f->info.is_pie);
	assert_false(f->info.is_static);
	assert_true(f->info.exec_stack);
	assert_false(f->info.has_relro);
	assert_false(f->info.bind_now);
	free(m.b);
}

static void test_flags(void **state)
{
	struct fixture *f = *state;
	struct opts o = {.is64 = true, .be = true, .type = 3, .machine = 21, .dynamic = true,
			 .dt_flags_1 = DF_1_PIE};
	struct img m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_true(f->info.is_pie);
	assert_false(f->info.bind_now);
	free(m.b);

	o.dt_flags_1 = 1; /* DF_1_NOW */
	m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_false(f->info.is_pie);
	assert_true(f->info.bind_now);
	free(m.b);

	o.dt_flags_1 = 0;
	o.dt_flags = 8; /* DF_BIND_NOW */
	m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_true(f->info.bind_now);
	free(m.b);

	o.dt_flags = 2; /* DF_SYMBOLIC */
	o.type = 2;
	o.dt_flags_1 = DF_1_PIE; /* only counts for ET_DYN */
	m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_false(f->info.bind_now);
	assert_false(f->info.is_pie);
	assert_false(f->info.is_static);
	free(m.b);
}

static void test_extended_numbering(void **state)
{
	struct fixture *f = *state;
	struct opts o = full(true, false);
	o.extended = true;
	struct img m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	dump_problems(&f->info);
	assert_int_equal(f->info.n_problems, 0);
	assert_int_equal(f->info.phnum, 5);
	assert_int_equal(f->info.shnum, 6);
	assert_true(f->info.has_debuginfo);
	assert_string_equal(f->info.interp, INTERP);
	free(m.b);
}

/* Every cut of a valid image: a cut header fails with VT_ETRUNC, any later cut parses
 * with the header facts and at least one problem (section headers end the image). */
static void test_truncation(void **state)
{
	struct fixture *f = *state;
	for (int v = 0; v < 4; v++) {
		struct opts o = full(v & 1, v & 2);
		struct img m = build(&o);
		for (size_t len = 0; len < m.len; len++) {
			uint8_t *copy = malloc(len ? len : 1);
			assert_non_null(copy);
			memcpy(copy, m.b, len);
			vt_err e = vt_elf_parse(vt_span_make(copy, len), f->a, &f->info);
			if (len < m.ehsize) {
				assert_int_equal(e, VT_ETRUNC);
			} else {
				assert_int_equal(e, VT_OK);
				check_header(&f->info, &m, 3, MACHINE);
				assert_true(f->info.n_problems > 0);
				assert_non_null(f->info.problems);
				assert_false(f->info.stripped);
			}
			free(copy);
		}
		free(m.b);
	}
}

static void test_bad_phoff(void **state)
{
	struct fixture *f = *state;
	struct opts o = full(false, true);
	struct img m = build(&o);
	put(&m, ehdr_field(&m, "phoff"), 0xfffffff0u, 4);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	check_header(&f->info, &m, 3, MACHINE);
	assert_true(has_problem(&f->info, "program header table at 0xfffffff0 extends past"));
	assert_null(f->info.interp);
	assert_false(f->info.has_dynamic);
	assert_true(f->info.has_symtab); /* sections still read */
	free(m.b);

	m = build(&o);
	put(&m, ehdr_field(&m, "phentsize"), 8, 2);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_true(has_problem(&f->info, "program header table entry size 8 is smaller"));
	free(m.b);

	m = build(&o);
	put(&m, ehdr_field(&m, "phnum"), 0x7fff, 2);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_int_equal(f->info.phnum, 0x7fff);
	assert_true(has_problem(&f->info, "program header table at 0x34 extends past end"));
	assert_string_equal(f->info.interp, INTERP); /* the entries that are there count */
	free(m.b);

	m = build(&o);
	put(&m, ehdr_field(&m, "phnum"), 0xffff, 2); /* PN_XNUM, section 0 says 0 */
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_int_equal(f->info.phnum, 0);
	assert_null(f->info.interp);
	free(m.b);
}

static void test_bad_shoff(void **state)
{
	struct fixture *f = *state;
	struct opts o = full(true, false);
	struct img m = build(&o);
	put(&m, ehdr_field(&m, "shoff"), 0x7fffffffffffff00u, 8);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	check_header(&f->info, &m, 3, MACHINE);
	assert_true(has_problem(&f->info, "section header table at 0x7fffffffffffff00"));
	assert_int_equal(f->info.n_problems, 1);
	assert_false(f->info.stripped);
	assert_false(f->info.has_symtab);
	assert_false(f->info.has_debuginfo);
	assert_int_equal(f->info.n_needed, 2); /* strings found through PT_LOAD */
	assert_string_equal(f->info.needed[1], "libbar.so");
	free(m.b);

	m = build(&o);
	put(&m, ehdr_field(&m, "shstrndx"), 77, 2);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_true(has_problem(&f->info, "section name string table index 77 is out of range"));
	assert_true(f->info.has_symtab);
	assert_false(f->info.has_debuginfo); /* no names */
	free(m.b);

	/* a section pointing past the end of the file */
	m = build(&o);
	size_t sym = m.shoff + 3 * m.shent;
	put(&m, sym + 24, 0x10000000, 8);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_true(has_problem(&f->info, "1 section extends past end of file"));
	free(m.b);
}

static void test_bad_dynamic(void **state)
{
	struct fixture *f = *state;
	for (int v = 0; v < 4; v++) {
		struct opts o = full(v & 1, v & 2);
		size_t w = o.is64 ? 8 : 4;

		/* DT_STRTAB not in any PT_LOAD: falls back to .dynstr */
		struct img m = build(&o);
		put_word(&m, m.strtab_dyn + w, 0x10);
		assert_int_equal(parse(f, &m, m.len), VT_OK);
		assert_true(has_problem(&f->info, "string table at address 0x10 is not in"));
		assert_int_equal(f->info.n_needed, 2);
		assert_string_equal(f->info.needed[0], "libfoo.so.1");
		assert_string_equal(f->info.soname, "libme.so.2");
		free(m.b);

		/* DT_STRSZ 0: falls back to .dynstr */
		m = build(&o);
		put_word(&m, m.strtab_dyn + 2 * w + w, 0);
		assert_int_equal(parse(f, &m, m.len), VT_OK);
		assert_true(has_problem(&f->info, "dynamic string table size is 0"));
		assert_int_equal(f->info.n_problems, 1);
		assert_int_equal(f->info.n_needed, 2);
		assert_string_equal(f->info.runpath, "/opt/lib");
		free(m.b);

		/* DT_NEEDED past the string table */
		m = build(&o);
		put_word(&m, m.needed1_dyn + w, 0x999);
		assert_int_equal(parse(f, &m, m.len), VT_OK);
		assert_true(has_problem(&f->info, "needed library string at offset 0x999 is out"));
		assert_int_equal(f->info.n_needed, 1);
		assert_string_equal(f->info.needed[0], "libbar.so");
		free(m.b);

		/* PT_DYNAMIC past the end: falls back to the .dynamic section */
		m = build(&o);
		size_t p = m.phoff + m.dyn_ph * m.phent;
		put_word(&m, p + (o.is64 ? 8 : 4), 0x7fff0000);
		assert_int_equal(parse(f, &m, m.len), VT_OK);
		assert_true(has_problem(&f->info, "dynamic segment at 0x7fff0000 extends past"));
		assert_true(f->info.has_dynamic);
		assert_int_equal(f->info.n_needed, 2);
		free(m.b);

		/* interpreter without its NUL */
		m = build(&o);
		p = m.phoff + m.interp_ph * m.phent;
		put_word(&m, p + (o.is64 ? 32 : 16), 4);
		assert_int_equal(parse(f, &m, m.len), VT_OK);
		assert_true(has_problem(&f->info, "interpreter string at"));
		assert_null(f->info.interp);
		assert_false(f->info.is_pie);
		free(m.b);
	}
}

static void test_bad_segments(void **state)
{
	struct fixture *f = *state;
	for (int v = 0; v < 4; v++) {
		struct opts o = full(v & 1, v & 2);
		struct img m = build(&o);
		size_t relro = m.phoff + 4 * m.phent, stack = m.phoff + 3 * m.phent;
		size_t off = o.is64 ? 8 : 4, filesz = o.is64 ? 32 : 16;
		size_t memsz = o.is64 ? 40 : 20;
		put(&m, relro, PT_DYNAMIC, 4);          /* a second PT_DYNAMIC */
		put(&m, stack, PT_INTERP, 4);           /* a second PT_INTERP */
		put_word(&m, m.phoff + memsz, 16);      /* PT_LOAD: memsz < filesz */
		put(&m, m.phoff + 2 * m.phent, 0x6474e550u, 4); /* PT_DYNAMIC -> EH_FRAME */
		put_word(&m, m.phoff + 2 * m.phent + off, 0x40000000);
		put_word(&m, m.phoff + 2 * m.phent + filesz, 1);
		assert_int_equal(parse(f, &m, m.len), VT_OK);
		assert_true(has_problem(&f->info, "2 interpreter segments"));
		assert_false(has_problem(&f->info, "dynamic segments"));
		assert_true(has_problem(&f->info, "1 loadable segment larger in the file"));
		assert_true(has_problem(&f->info, "1 segment extends past end of file"));
		assert_string_equal(f->info.interp, INTERP);
		assert_true(f->info.has_dynamic); /* the former PT_GNU_RELRO */
		assert_false(f->info.has_gnu_stack);
		assert_false(f->info.has_relro);
		assert_int_equal(f->info.n_problems, 3);
		free(m.b);

		m = build(&o);
		put(&m, stack, PT_DYNAMIC, 4);
		assert_int_equal(parse(f, &m, m.len), VT_OK);
		assert_true(has_problem(&f->info, "2 dynamic segments"));
		assert_int_equal(f->info.n_needed, 2);
		assert_true(f->info.exec_stack);
		free(m.b);
	}
}

static void test_limits(void **state)
{
	struct fixture *f = *state;
	struct opts o = full(true, true);
	o.extra_dyn = 5000;
	o.no_null = true;
	struct img m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_true(has_problem(&f->info, "too many dynamic entries"));
	assert_int_equal(f->info.n_needed, 2);
	free(m.b);

	o.extra_dyn = 0;
	o.no_null = false;
	o.bad_needed = 200;
	m = build(&o);
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_int_equal(f->info.n_problems, 65);
	assert_true(has_problem(&f->info, "too many problems"));
	assert_int_equal(f->info.n_needed, 2);
	assert_string_equal(f->info.soname, "libme.so.2");
	free(m.b);
}

static void test_not_elf(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "#!/bin/sh\necho hello world, this is not an ELF file\n";
	struct vt_span s = vt_span_make(text, sizeof(text));
	assert_false(vt_elf_is_elf(s));
	assert_int_equal(vt_elf_parse(s, f->a, &f->info), VT_EFORMAT);
	assert_int_equal(f->info.elfclass, 0);

	struct opts o = full(true, false);
	struct img m = build(&o);
	assert_true(vt_elf_is_elf(vt_span_make(m.b, m.len)));
	m.b[4] = 3; /* bad class */
	assert_int_equal(parse(f, &m, m.len), VT_EFORMAT);
	m.b[4] = 2;
	m.b[5] = 0; /* bad data encoding */
	assert_int_equal(parse(f, &m, m.len), VT_EFORMAT);
	m.b[5] = 1;
	m.b[6] = 9; /* unknown version: a problem, not a failure */
	assert_int_equal(parse(f, &m, m.len), VT_OK);
	assert_true(has_problem(&f->info, "unknown ELF version 9"));
	assert_int_equal(parse(f, &m, 3), VT_ETRUNC);
	assert_int_equal(parse(f, &m, 63), VT_ETRUNC);
	m.b[1] = 'X';
	assert_int_equal(parse(f, &m, 3), VT_EFORMAT);
	assert_false(vt_elf_is_elf(vt_span_make(m.b, m.len)));
	free(m.b);
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		uint16_t m;
		const char *name;
	} cases[] = {
		{3, "Intel 80386"},
		{8, "MIPS R3000"},
		{10, "MIPS R4000 big-endian"},
		{20, "PowerPC"},
		{21, "PowerPC64"},
		{22, "IBM S/390"},
		{40, "ARM"},
		{42, "Renesas / SuperH SH"},
		{62, "Advanced Micro Devices X86-64"},
		{94, "Tensilica Xtensa Processor"},
		{113, "Altera Nios II"},
		{183, "AArch64"},
		{243, "RISC-V"},
		{258, "LoongArch"},
		{0x9026, "Alpha"},
		{0x1234, "<unknown>: 0x1234"},
		{0xffff, "<unknown>: 0xffff"},
	};
	char buf[VT_ELF_MACHINE_NAME_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(vt_elf_machine_name(cases[i].m, buf, sizeof(buf)),
				    cases[i].name);
	assert_string_equal(vt_elf_machine_name(167, buf, sizeof(buf)),
			    "Andes Technology compact code size embedded RISC processor family");
	char small[6];
	assert_ptr_equal(vt_elf_machine_name(62, small, sizeof(small)), small);
	assert_string_equal(small, "Advan");

	assert_string_equal(vt_elf_type_name(2), "EXEC");
	assert_string_equal(vt_elf_type_name(3), "DYN");
	assert_string_equal(vt_elf_type_name(1), "REL");
	assert_string_equal(vt_elf_type_name(4), "CORE");
	assert_string_equal(vt_elf_type_name(0xfe00), "unknown");
	assert_string_equal(vt_elf_osabi_name(0), "UNIX - System V");
	assert_string_equal(vt_elf_osabi_name(3), "UNIX - GNU");
	assert_string_equal(vt_elf_osabi_name(9), "UNIX - FreeBSD");
	assert_string_equal(vt_elf_osabi_name(4), "unknown");
	assert_string_equal(vt_elf_osabi_name(200), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stripped_library, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extended_numbering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_phoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_shoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_dynamic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_elf, setup, teardown),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
