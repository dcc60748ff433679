/* lazy.h - libraries opened with dlopen() on first use, so that runs that never need them
 * do not load and relocate them (libcurl: lib/vulndb/curl_lazy.c; libarchive:
 * lib/core/archive_lazy.c).
 *
 * A library's table is a struct holding function pointers only, declared from the
 * library's own prototypes (`__typeof__(fn) *field;`, generated from one X-macro list),
 * and filled in declaration order from the list of the functions' names.
 */
#ifndef VTI_LAZY_H
#define VTI_LAZY_H

#include "core/internal.h"

/* Opens `soname` and stores the address of names[i] in the i-th function pointer of
 * `table` (table_size bytes: n pointers). True on success; else `table` is left as it
 * was, the library is not kept open and `why` (whycap bytes) says what failed. */
bool vti_lazy_load(const char *soname, const char *const *names, size_t n, void *table,
		   size_t table_size, char *why, size_t whycap);

#endif
