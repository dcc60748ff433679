/* archive_lazy.c - opens libarchive (libarchive.so.13, the soname of Debian's libarchive13
 * package) on the first archive_read_new() and resolves the functions vetter calls (see
 * archive_lazy.h).
 */
#define VTI_ARCHIVE_LAZY_LOADER 1
#include "core/internal.h"

#include <dlfcn.h>
#include <pthread.h>

#include "core/archive_lazy.h"

struct vti_la_table vti_la_fn;
static bool loaded;

static void load(void)
{
	void *h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		vt_warn("cannot load libarchive: %s", dlerror());
		return;
	}
	struct vti_la_table t;
	const char *missing = NULL;
	/* function pointers and object pointers share a representation on every platform
	 * dlsym() serves (POSIX requires it) */
#define VTI_LA_RESOLVE(f)                                          \
	do {                                                       \
		void *p = dlsym(h, #f);                            \
		if (!p && !missing)                                \
			missing = #f;                              \
		memcpy(&t.f, &p, sizeof(p));                       \
	} while (0);
	VTI_LA_FUNCS(VTI_LA_RESOLVE)
#undef VTI_LA_RESOLVE
	if (missing) {
		vt_warn("cannot load libarchive: it lacks %s", missing);
		dlclose(h);
		return;
	}
	vti_la_fn = t;
	loaded = true;
}

struct archive *vti_la_read_new(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	return loaded ? vti_la_fn.archive_read_new() : NULL;
}
