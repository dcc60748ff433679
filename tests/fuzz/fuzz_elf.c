/* fuzz_elf.c - libFuzzer harness for the ELF parser.
 *
 * Parses each input with vt_elf_parse in a fresh arena and walks the result, so any
 * out-of-bounds read or bad string in the output shows up under the sanitizers, and checks
 * that the hardening facts are consistent. The input is arbitrary bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vetter/arena.h>
#include <vetter/elf.h>
#include <vetter/span.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct symwalk {
	size_t n, dyn, chars;
};

/* Reads every byte of each name the walk gives, so a name past the input shows up. */
static bool on_sym(void *ud, const struct vt_elf_sym *s)
{
	struct symwalk *w = ud;
	w->n++;
	w->dyn += s->dynamic;
	for (size_t i = 0; i < s->len; i++)
		w->chars += (unsigned char)s->name[i];
	if (!s->len || s->vis > 3)
		__builtin_trap();
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_arena *a = vt_arena_new();
	if (!a)
		return 0;
	struct vt_elf_info info;
	size_t sum = 0;
	if (vt_elf_parse(vt_span_make(data, size), a, &info) == VT_OK) {
		char buf[VT_ELF_MACHINE_NAME_MAX];
		sum += strlen(vt_elf_machine_name(info.machine, buf, sizeof(buf)));
		sum += strlen(vt_elf_type_name(info.type)) + strlen(vt_elf_osabi_name(info.osabi));
		const char *strs[] = {info.interp, info.soname, info.rpath, info.runpath};
		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			sum += strs[i] ? strlen(strs[i]) : 0;
		for (size_t i = 0; i < info.n_needed; i++)
			sum += strlen(info.needed[i]);
		size_t n = 0;
		for (const struct vt_elf_problem *p = info.problems; p; p = p->next, n++)
			sum += strlen(p->message);
		if (n != info.n_problems || n > 65)
			__builtin_trap();
		/* hardening facts: names for every value, consistent counts */
		const struct vt_elf_hardening *h = &info.hard;
		sum += strlen(vt_elf_pie_name(h->pie)) + strlen(vt_elf_relro_name(h->relro));
		for (unsigned b = 0; b < VT_ELF_DANGEROUS_MAX; b++)
			if (h->dangerous & (1u << b)) {
				const char *d = vt_elf_dangerous_name(b);
				if (!d)
					__builtin_trap();
				sum += strlen(d);
			}
		if (h->fortified > h->fortifiable || h->n_imports > h->n_dynsym ||
		    (h->fortify && !h->fortified) || h->pie > VT_ELF_PIE_DSO ||
		    h->relro > VT_ELF_RELRO_FULL || (!info.rpath && h->rpath_class) ||
		    (!info.runpath && h->runpath_class))
			__builtin_trap();
		/* the symbol walk gives no more dynamic symbols than the parse counted */
		struct symwalk w = {0, 0, 0};
		vt_elf_symbols(vt_span_make(data, size), &info, on_sym, &w);
		if (w.dyn > h->n_dynsym)
			__builtin_trap();
		sum += w.chars;
	}
	vt_arena_free(a);
	return sum == (size_t)-1;
}
