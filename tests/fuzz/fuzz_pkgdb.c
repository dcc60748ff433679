/* fuzz_pkgdb.c - libFuzzer harness for the package database parsers (lib/catalog/pkgdb.c).
 *
 * The first byte picks the format (dpkg, opkg, apk); the rest is the database. Every record
 * reported is checked to lie inside the input, and its upstream version is computed, so an
 * out-of-bounds read or a bad length shows up under the sanitizers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"

#include "catalog/catalog.h"
#include "catalog/pkgdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct box {
	const uint8_t *p;
	size_t n;
	size_t sum;
};

static void inside(const struct box *b, const char *s, size_t n)
{
	if (s && ((const uint8_t *)s < b->p || (const uint8_t *)s + n > b->p + b->n))
		__builtin_trap();
}

static void on_pkg(void *ud, const struct vti_pkg *p)
{
	struct box *b = ud;
	inside(b, p->name, p->name_len);
	inside(b, p->version, p->version_len);
	inside(b, p->source, p->source_len);
	inside(b, p->arch, p->arch_len);
	if (!p->name || !p->name_len || p->name_len > VTI_PKGDB_MAX_VALUE || p->offset >= b->n)
		__builtin_trap();
	char out[64];
	for (int k = VTI_VER_STRING; k <= VTI_VER_APK; k++)
		b->sum += vti_upstream_version((enum vti_ver_kind)k, p->version, p->version_len, out,
					       sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	enum vti_pkgdb_kind kind = (enum vti_pkgdb_kind)(data[0] % 3);
	struct box b = {data + 1, size - 1, 0};
	size_t n = 0;
	vt_err e = vti_pkgdb_parse(kind, vt_span_make(data + 1, size - 1), on_pkg, &b, &n);
	if (e != VT_OK && e != VT_EFORMAT)
		__builtin_trap();
	return b.sum == (size_t)-1;
}
