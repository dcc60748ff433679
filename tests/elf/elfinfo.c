/* elfinfo.c - print what vt_elf_parse learns from ELF files, one line per file.
 *
 * usage: elfinfo [-v] FILE...
 * For each ELF file prints tab-separated: path, class (ELF32/ELF64), data (little/big),
 * machine name, type name, interpreter, DT_NEEDED comma-joined, SONAME (absent values
 * as "-"), the number of problems, and the exported symbols of the dynamic table
 * (vt_elf_symbols, vt_elf_sym_exported) as a count and the sum of their name lengths; -v
 * also lists the problems on stderr. Files that
 * are not ELF are skipped silently. Exits 1 when a file cannot be read or has an
 * invalid ELF header. Input files may be anything, including hostile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vetter/arena.h>
#include <vetter/elf.h>
#include <vetter/span.h>

/* Reads the whole file into a malloc'd buffer; NULL with errno set on failure. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *data = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			unsigned char *p = realloc(data, ncap);
			if (!p) {
				free(data);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			data = p;
			cap = ncap;
		}
		size_t got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int err = ferror(f) ? EIO : 0;
	fclose(f);
	if (err) {
		free(data);
		errno = err;
		return NULL;
	}
	*len = n;
	return data;
}

struct exports {
	size_t n, chars;
};

static bool count_export(void *ud, const struct vt_elf_sym *sym)
{
	struct exports *x = ud;
	if (sym->dynamic && vt_elf_sym_exported(sym)) {
		x->n++;
		x->chars += sym->len;
	}
	return true;
}

static void put(const char *s)
{
	fputs(s && *s ? s : "-", stdout);
}

static int show(const char *path, bool verbose)
{
	size_t len;
	unsigned char *data = slurp(path, &len);
	if (!data) {
		fprintf(stderr, "elfinfo: cannot read '%s': %s\n", path, strerror(errno));
		return 1;
	}
	struct vt_span s = vt_span_make(data, len);
	int rc = 0;
	if (vt_elf_is_elf(s)) {
		struct vt_arena *a = vt_arena_new();
		struct vt_elf_info info;
		vt_err e = a ? vt_elf_parse(s, a, &info) : VT_ENOMEM;
		if (e) {
			fprintf(stderr, "elfinfo: '%s': %s\n", path, vt_strerror(e));
			rc = 1;
		} else {
			char mach[VT_ELF_MACHINE_NAME_MAX];
			printf("%s\tELF%u\t%s\t%s\t%s\t", path, info.elfclass,
			       info.big_endian ? "big" : "little",
			       vt_elf_machine_name(info.machine, mach, sizeof(mach)),
			       vt_elf_type_name(info.type));
			put(info.interp);
			putchar('\t');
			for (size_t i = 0; i < info.n_needed; i++)
				printf("%s%s", i ? "," : "", info.needed[i]);
			if (info.n_needed == 0)
				putchar('-');
			putchar('\t');
			put(info.soname);
			struct exports x = {0, 0};
			vt_elf_symbols(s, &info, count_export, &x);
			printf("\t%zu\t%zu\t%zu\n", info.n_problems, x.n, x.chars);
			for (const struct vt_elf_problem *p = info.problems; verbose && p;
			     p = p->next)
				fprintf(stderr, "elfinfo: '%s': %s\n", path, p->message);
		}
		vt_arena_free(a);
	}
	free(data);
	return rc;
}

int main(int argc, char **argv)
{
	int i = 1, rc = 0;
	bool verbose = false;
	if (i < argc && strcmp(argv[i], "-v") == 0) {
		verbose = true;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: elfinfo [-v] FILE...\n");
		return 2;
	}
	for (; i < argc; i++)
		rc |= show(argv[i], verbose);
	if (fflush(stdout) != 0)
		rc = 1;
	return rc;
}
