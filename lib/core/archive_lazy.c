/* archive_lazy.c - opens libarchive (libarchive.so.13, the soname of Debian's libarchive13
 * package) on the first archive_read_new() and resolves the functions vetter calls (see
 * archive_lazy.h and core/lazy.h).
 */
#define VTI_ARCHIVE_LAZY_LOADER 1
#include "core/internal.h"

#include <pthread.h>

#include "core/archive_lazy.h"
#include "core/lazy.h"

struct vti_la_table vti_la_fn;
static bool loaded;

static void load(void)
{
#define VTI_LA_NAME(f) #f,
	static const char *const names[] = {VTI_LA_FUNCS(VTI_LA_NAME)};
#undef VTI_LA_NAME
	char why[256];
	loaded = vti_lazy_load("libarchive.so.13", names, VT_ARRAY_LEN(names), &vti_la_fn,
			       sizeof(vti_la_fn), why, sizeof(why));
	if (!loaded)
		vt_warn("%s", why);
}

struct archive *vti_la_read_new(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	return loaded ? vti_la_fn.archive_read_new() : NULL;
}
