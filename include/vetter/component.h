/* component.h - components: products identified in the reviewed artifact, with versions
 * and the evidence for each.
 *
 * Analyzers attach evidence to objects (a version string at an offset, a package database
 * entry, a kernel banner); after all objects are analyzed, evidence is merged into
 * components: one per (product, upstream version), with every occurrence that supports it.
 */
#ifndef VETTER_COMPONENT_H
#define VETTER_COMPONENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vt_object;

enum vt_evidence_kind {
	VT_EV_STRING = 0,   /* a version rule matched the object's bytes */
	VT_EV_PACKAGE = 1,  /* a package database entry (dpkg, opkg, apk) */
	VT_EV_FILENAME = 2, /* the file's name (weak alone) */
	VT_EV_SONAME = 3,   /* an ELF SONAME */
	VT_EV_BANNER = 4,   /* a kernel or boot firmware banner */
	VT_EV_DECLARED = 5, /* a declared SBOM */
	VT_EV_SYMBOL = 6,   /* an exported ELF symbol of the product's API (weak alone) */
};

/* "string", "package", "filename", "soname", "banner", "declared", "symbol". */
const char *vt_evidence_kind_name(enum vt_evidence_kind k);

/* One piece of evidence, attached to the object it was found in. */
struct vt_evidence {
	enum vt_evidence_kind kind;
	const char *product;     /* catalogue key ("busybox"); for packages not in the
				  * catalogue, the package name */
	const char *version;     /* upstream version, NULL when the evidence has none */
	const char *raw_version; /* as found ("2022.83-1+deb12u3"), may equal version */
	const char *update;      /* CPE update field ("p1"), NULL when none */
	const char *excerpt;     /* the matched text */
	const char *rule;        /* which catalogue rule or database ("dpkg status") */
	bool has_offset;
	uint64_t offset;
	unsigned confidence;     /* 0-100 */
	struct vt_evidence *next;
};

struct vt_occurrence {
	const struct vt_object *object;
	const struct vt_evidence *evidence;
};

struct vt_vuln_match;

/* A vulnerability of a component, with what a VEX document said about it. */
struct vt_component_vuln {
	const struct vt_vuln_match *match; /* see vulndb.h */
	bool kev;                /* in CISA's Known Exploited Vulnerabilities catalogue */
	bool suppressed;         /* VEX says not_affected or fixed */
	const char *vex_status;  /* "not_affected", "affected", "fixed", "under_investigation",
				  * NULL without a VEX statement */
	const char *vex_justification;
	const char *vex_detail;
};

struct vt_component {
	size_t index;            /* position in the review's component list */
	const char *product;     /* catalogue key, or the package name */
	const char *name;        /* display name ("BusyBox") */
	const char *version;     /* upstream version, NULL when unknown */
	const char *update;      /* CPE update field, NULL when none */
	const char *part;        /* "a", "o" or "h" */
	const char **cpe_pairs;  /* "vendor:product" as in NVD, primary first */
	size_t n_cpe_pairs;
	const char *cpe;         /* CPE 2.3 formatted string of the primary pair */
	const char *purl;        /* package URL with version, NULL when unknown */
	unsigned confidence;     /* 0-100: the best evidence, raised by agreeing evidence */
	bool in_catalogue;       /* false: known only from a package database */
	struct vt_occurrence *occ;
	size_t n_occ;
	size_t *depends;         /* indexes of components this one links to (DT_NEEDED) */
	size_t n_depends;
	const struct vt_object *container; /* for a component found inside another product's
					    * file (a static library): that file; else NULL */
	/* vulnerabilities (filled when a vulnerability database is used) */
	struct vt_component_vuln *vulns;
	size_t n_vulns;
};

#ifdef __cplusplus
}
#endif
#endif
