/* sbom.h - what the SBOM writers (rep_cyclonedx.c, rep_spdx.c) share: the reviewed artifact,
 * the kind of each component, the dependency graph, identifiers and JSON helpers.
 *
 * Both writers take the components as an array (normally the review's own list, in tests a
 * hand-built one) so they can be exercised without the identification that fills a review.
 * Component fields come from the catalogue and from hostile artifacts (package names, version
 * strings, paths): every string goes through vti_json_text() (report/json_text.h), which
 * keeps JSON valid UTF-8.
 */
#ifndef VTI_SBOM_H
#define VTI_SBOM_H

#include "core/internal.h"

#include <jansson.h>

#include "report/json_text.h"

/* The artifact an SBOM describes: one input of the review. */
struct vti_sbom_input {
	const struct vt_input *in;
	const char *name;        /* base name of the input path */
	const char *type;        /* CycloneDX component type: "firmware", "application", "file" */
	const char *purpose;     /* SPDX primaryPackagePurpose: "FIRMWARE", "APPLICATION", "FILE" */
	bool has_sha256;         /* a file's content digest (directories have none) */
	char sha256[VT_SHA256_HEX_LEN + 1];
};

/* The components as the writers see them: kind, identifiers, dependency graph. Built from
 * an array of n components whose `depends` indexes refer to positions in that array. */
struct vti_sbom {
	const struct vt_review *r;
	const struct vt_component *c;
	size_t n;
	struct vti_sbom_input *inputs;
	size_t n_inputs;
	char **ref;              /* per component: a stable identifier ("busybox@1.35.0") */
	size_t **deps;           /* per component: indexes it depends on (DT_NEEDED and the
				  * components it contains), unique, in order */
	size_t *n_deps;
	bool *top;               /* per component: no other component depends on it */
	int64_t created;         /* Unix time the document describes (end of the review) */
};

/* Builds the view; VT_ENOMEM on allocation failure. Release with vti_sbom_fini(). */
vt_err vti_sbom_init(struct vti_sbom *s, const struct vt_review *r, const struct vt_component *c,
		     size_t n) VT_MUST_CHECK;
void vti_sbom_fini(struct vti_sbom *s);

/* CycloneDX type of component i: "library", "application", "operating-system", "firmware". */
const char *vti_sbom_type(const struct vti_sbom *s, size_t i);
/* The SPDX primaryPackagePurpose of the same classification. */
const char *vti_sbom_purpose(const struct vti_sbom *s, size_t i);

/* The one file component i was found in, when that file is the component itself (every
 * occurrence in the same hashed file, not contained in another product's file); else NULL. */
const struct vt_object *vti_sbom_own_file(const struct vti_sbom *s, size_t i);

/* Where an object is inside the artifact: its path relative to the input it came from
 * (through the chunk directories of unpacked images, "0x540000-squashfs/bin/busybox"), or
 * the base name of the input for the input itself. */
const char *vti_sbom_location(const struct vt_review *r, const struct vt_object *o);

/* CycloneDX evidence technique of an evidence kind: "binary-analysis", "manifest-analysis",
 * "filename", "attestation". */
const char *vti_sbom_technique(enum vt_evidence_kind k);

/* A random (version 4) UUID from OpenSSL's generator, as 36 characters; VT_EINTERNAL when the
 * generator fails. */
vt_err vti_sbom_uuid(char out[37]) VT_MUST_CHECK;

/* RFC 3339 UTC time ("2024-03-01T00:00:00Z"). */
void vti_sbom_time(int64_t t, char *buf, size_t n);


/* Dumps j (stolen) to f, indented, with a final newline; VT_EIO on a write error. */
vt_err vti_sbom_dump(json_t *j, FILE *f) VT_MUST_CHECK;

/* Entry points taking the component array (the registered writers pass the review's own). */
vt_err vti_cyclonedx_write(const struct vt_review *r, const struct vt_component *c, size_t n,
			   FILE *f) VT_MUST_CHECK;
vt_err vti_spdx_write(const struct vt_review *r, const struct vt_component *c, size_t n,
		      FILE *f) VT_MUST_CHECK;

#endif
