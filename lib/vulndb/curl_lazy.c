/* curl_lazy.c - opens libcurl (libcurl.so.4, the soname of Debian's libcurl4 packages) on
 * first use and resolves the functions the updater calls (see curl_lazy.h).
 */
#include "core/internal.h"

#include <dlfcn.h>
#include <pthread.h>

#include "vulndb/curl_lazy.h"

static struct vti_curl table;
static bool loaded;
static char load_error[256];

static void load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(load_error, sizeof(load_error), "cannot load libcurl: %s", dlerror());
		return;
	}
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
		{"curl_global_init", offsetof(struct vti_curl, global_init)},
		{"curl_easy_init", offsetof(struct vti_curl, easy_init)},
		{"curl_easy_cleanup", offsetof(struct vti_curl, easy_cleanup)},
		{"curl_easy_reset", offsetof(struct vti_curl, easy_reset)},
		{"curl_easy_setopt", offsetof(struct vti_curl, easy_setopt)},
		{"curl_easy_perform", offsetof(struct vti_curl, easy_perform)},
		{"curl_easy_getinfo", offsetof(struct vti_curl, easy_getinfo)},
		{"curl_easy_strerror", offsetof(struct vti_curl, easy_strerror)},
		{"curl_easy_escape", offsetof(struct vti_curl, easy_escape)},
		{"curl_free", offsetof(struct vti_curl, free)},
		{"curl_slist_append", offsetof(struct vti_curl, slist_append)},
		{"curl_slist_free_all", offsetof(struct vti_curl, slist_free_all)},
	};
	for (size_t i = 0; i < VT_ARRAY_LEN(syms); i++) {
		void *f = dlsym(h, syms[i].name);
		if (!f) {
			snprintf(load_error, sizeof(load_error), "libcurl lacks %s", syms[i].name);
			dlclose(h);
			return;
		}
		/* function pointers and object pointers share a representation on every
		 * platform dlsym() serves (POSIX requires it) */
		memcpy((char *)&table + syms[i].off, &f, sizeof(f));
	}
	if (table.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(load_error, sizeof(load_error), "curl_global_init failed");
		return;
	}
	loaded = true;
}

const struct vti_curl *vti_curl(char *why, size_t whycap)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	if (!loaded && why && whycap)
		snprintf(why, whycap, "%s", load_error);
	return loaded ? &table : NULL;
}
