/* lazy.c - vti_lazy_load: dlopen() and dlsym() into a table of function pointers. */
#include "core/lazy.h"

#include <dlfcn.h>

typedef void (*vti_fn)(void);

bool vti_lazy_load(const char *soname, const char *const *names, size_t n, void *table,
		   size_t table_size, char *why, size_t whycap)
{
	if (table_size != n * sizeof(vti_fn)) {
		snprintf(why, whycap, "%s: the table does not match its %zu names", soname, n);
		return false;
	}
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, whycap, "cannot load %s: %s", soname, dlerror());
		return false;
	}
	vti_fn *fns = calloc(n ? n : 1, sizeof(*fns));
	if (!fns) {
		snprintf(why, whycap, "cannot load %s: out of memory", soname);
		dlclose(h);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		void *p = dlsym(h, names[i]);
		if (!p) {
			snprintf(why, whycap, "cannot load %s: it lacks %s", soname, names[i]);
			free(fns);
			dlclose(h);
			return false;
		}
		/* function and object pointers share a representation on every platform
		 * dlsym() serves (POSIX requires it) */
		memcpy(&fns[i], &p, sizeof(p));
	}
	memcpy(table, fns, table_size);
	free(fns);
	return true;
}
