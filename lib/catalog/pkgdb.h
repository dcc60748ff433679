/* pkgdb.h - package databases of installed systems: dpkg (status, status.d/), opkg/ipkg
 * (status, info/NAME.control) and apk (lib/apk/db/installed), parsed into package records.
 *
 * The bytes come from the reviewed artifact and are hostile: records point into the span,
 * every length is bounded, and a malformed record is skipped, never a crash.
 */
#ifndef VTI_PKGDB_H
#define VTI_PKGDB_H

#include "core/internal.h"

enum vti_pkgdb_kind {
	VTI_PKGDB_DPKG = 0, /* control paragraphs with Status (status.d/ files have none) */
	VTI_PKGDB_OPKG = 1, /* the same format, opkg's and ipkg's */
	VTI_PKGDB_APK = 2,  /* "P:name" / "V:version" lines, records split by blank lines */
};

struct vti_pkg {
	const char *name;      /* not NUL-terminated: name_len bytes */
	size_t name_len;
	const char *version;   /* NULL when the record has none */
	size_t version_len;
	const char *source;    /* dpkg Source (without its version), apk origin; may be NULL */
	size_t source_len;
	const char *arch;
	size_t arch_len;
	uint64_t offset;       /* of the record in the file */
	bool installed;        /* Status says the files are on disk (no Status: true) */
};

typedef void (*vti_pkg_fn)(void *ud, const struct vti_pkg *p);

#define VTI_PKGDB_MAX_PACKAGES 200000
#define VTI_PKGDB_MAX_VALUE 256  /* longer names and versions make the record invalid */

/* Calls fn for every well-formed record of `s` (at most VTI_PKGDB_MAX_PACKAGES), installed
 * or not. *count (may be NULL) gets the number of records reported. VT_EFORMAT when the
 * data is not text of that format (a NUL byte, or no record at all in non-empty data). */
vt_err vti_pkgdb_parse(enum vti_pkgdb_kind kind, struct vt_span s, vti_pkg_fn fn, void *ud,
		       size_t *count) VT_MUST_CHECK;

#endif
