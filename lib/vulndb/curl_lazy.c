/* curl_lazy.c - opens libcurl (libcurl.so.4, the soname of Debian's libcurl4 packages) on
 * first use and resolves the functions the updater calls (see curl_lazy.h).
 */
#include "core/internal.h"

#include <pthread.h>

#include "core/lazy.h"
#include "vulndb/curl_lazy.h"

static struct vti_curl table;
static bool loaded;
static char load_error[256];

static void load(void)
{
#define VTI_CURL_NAME(field, fn) #fn,
	static const char *const names[] = {VTI_CURL_FUNCS(VTI_CURL_NAME)};
#undef VTI_CURL_NAME
	if (!vti_lazy_load("libcurl.so.4", names, VT_ARRAY_LEN(names), &table, sizeof(table),
			   load_error, sizeof(load_error)))
		return;
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
