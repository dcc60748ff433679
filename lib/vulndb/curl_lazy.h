/* curl_lazy.h - libcurl, loaded when an update first needs it.
 *
 * libcurl brings a dozen libraries of its own (TLS, Kerberos, LDAP, SSH, ...); linking it
 * into libvetter made every run of vetter, even `vetter version`, load and relocate them.
 * Only `vetter db update` uses it, so it is opened with dlopen() on first use
 * (core/lazy.h) and its functions are called through this table. Include this header
 * instead of <curl/curl.h>.
 */
#ifndef VTI_CURL_LAZY_H
#define VTI_CURL_LAZY_H

#define CURL_DISABLE_TYPECHECK 1 /* the calls below go through pointers, not the macros */
#include <curl/curl.h>

#include "core/internal.h"

/* The table's fields, each with the libcurl function it holds. */
#define VTI_CURL_FUNCS(X)                      \
	X(global_init, curl_global_init)       \
	X(easy_init, curl_easy_init)           \
	X(easy_cleanup, curl_easy_cleanup)     \
	X(easy_reset, curl_easy_reset)         \
	X(easy_setopt, curl_easy_setopt)       \
	X(easy_perform, curl_easy_perform)     \
	X(easy_getinfo, curl_easy_getinfo)     \
	X(easy_strerror, curl_easy_strerror)   \
	X(easy_escape, curl_easy_escape)       \
	X(free, curl_free)                     \
	X(slist_append, curl_slist_append)     \
	X(slist_free_all, curl_slist_free_all)

struct vti_curl {
#define VTI_CURL_FIELD(field, fn) __typeof__(fn) *field;
	VTI_CURL_FUNCS(VTI_CURL_FIELD)
#undef VTI_CURL_FIELD
};

/* The table, with curl_global_init() done; NULL (and a message in why) when libcurl
 * cannot be loaded. Thread-safe; loaded once. */
const struct vti_curl *vti_curl(char *why, size_t whycap);

#endif
