/* fuzz_catalog_match.c - libFuzzer harness for catalogue matching on arbitrary bytes.
 *
 * Loads the shipped catalogue once (VETTER_DATA, else the source tree's data/) and matches
 * every input as an ELF and as a text object, with a base name taken from the input's
 * first bytes. Each match reported is checked to lie inside the input (or the name), so a
 * window computed past the end of the data shows up under the sanitizers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

#include "catalog/catalog.h"
#include "fuzz_slack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vti_catalog *cat;
static struct vti_cat_scratch *scratch;

struct box {
	const uint8_t *p;
	size_t n;
	const char *name;
	size_t sum;
};

static bool within(const void *s, size_t n, const void *base, size_t len)
{
	const uint8_t *a = s, *b = base;
	return a >= b && a + n <= b + len;
}

static void on_match(void *ud, const struct vti_cat_match *m)
{
	struct box *b = ud;
	size_t nl = b->name ? strlen(b->name) : 0;
	if (!within(m->version, m->version_len, b->p, b->n) &&
	    !(b->name && within(m->version, m->version_len, b->name, nl)))
		__builtin_trap();
	if (m->rule->where != VTI_WHERE_NAME && !within(m->excerpt, m->excerpt_len, b->p, b->n))
		__builtin_trap();
	if (m->rule->where != VTI_WHERE_NAME && m->offset >= b->n)
		__builtin_trap();
	char out[64];
	b->sum += vti_upstream_version(VTI_VER_STRING, m->version, m->version_len, out,
				       sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cat) {
		const char *dir = getenv("VETTER_DATA");
		char path[4096];
		snprintf(path, sizeof(path), "%s/catalog", dir && *dir ? dir : VT_SRC_DATADIR);
		if (vti_catalog_load(path, NULL, NULL, &cat) || vti_catalog_scratch_new(cat, &scratch))
			abort();
	}
	char name[33];
	size_t nl = VT_MIN(size, sizeof(name) - 1);
	memcpy(name, data, nl);
	name[nl] = 0;
	uint8_t *copy = fuzz_with_slack(data, size);
	if (!copy)
		return 0;
	struct box b = {copy, size, name, 0};
	for (int elf = 0; elf < 2; elf++)
		if (vti_catalog_match(cat, scratch, vt_span_make(copy, size), elf, !elf, name,
				      on_match, &b) != VT_OK)
			__builtin_trap();
	free(copy);
	return b.sum == (size_t)-1;
}
