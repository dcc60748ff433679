/* curl_lazy.h - libcurl, loaded when an update first needs it.
 *
 * libcurl brings a dozen libraries of its own (TLS, Kerberos, LDAP, SSH, ...); linking it
 * into libvetter made every run of vetter, even `vetter version`, load and relocate them.
 * Only `vetter db update` uses it, so it is opened with dlopen() on first use and its
 * functions are called through this table. Include this header instead of <curl/curl.h>.
 */
#ifndef VTI_CURL_LAZY_H
#define VTI_CURL_LAZY_H

#define CURL_DISABLE_TYPECHECK 1 /* the calls below go through pointers, not the macros */
#include <curl/curl.h>

#include "core/internal.h"

struct vti_curl {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *c);
	void (*easy_reset)(CURL *c);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode rc);
	char *(*easy_escape)(CURL *c, const char *s, int n);
	void (*free)(void *p);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/* The table, with curl_global_init() done; NULL (and a message in why) when libcurl
 * cannot be loaded. Thread-safe; loaded once. */
const struct vti_curl *vti_curl(char *why, size_t whycap);

#endif
