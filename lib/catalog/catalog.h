/* catalog.h - the component catalogue: products and their detection rules, loaded from
 * data/catalog/NAME.yaml (format in data/catalog/README.md), and the matcher that finds every
 * rule's version strings in an object's bytes in one Hyperscan pass.
 *
 * Loading validates each file: a bad rule or a bad entry is reported through the caller's
 * diagnostic function (naming file and line) and left out; the rest loads. Every version
 * rule is compiled with PCRE2 (JIT) and, in prefilter mode, into one Hyperscan database for
 * all rules; `needs` patterns go into the same database as exact single-match patterns when
 * Hyperscan can compile them exactly. A loaded catalogue is read-only and shared by every
 * worker; each worker matches with its own scratch (vti_catalog_scratch_new).
 *
 * The catalogue files are trusted as far as they come with vetter, but a user may point
 * --data at any directory: files are read with a size cap and every value is checked.
 */
#ifndef VTI_CATALOG_H
#define VTI_CATALOG_H

#include "core/internal.h"

struct vt_review;

enum vti_cat_where {
	VTI_WHERE_ANY = 0,
	VTI_WHERE_ELF = 1,  /* only in ELF objects */
	VTI_WHERE_TEXT = 2, /* only in text objects (no NUL in the first 64 KiB) */
	VTI_WHERE_NAME = 3, /* on the file's base name, not its bytes */
};

struct vti_cat_product;

struct vti_cat_rule {
	const struct vti_cat_product *product;
	const char *id;        /* "busybox:1" (product key, rule number from 1) */
	const char *re;        /* the source regex */
	const char *file;      /* where it was defined */
	size_t line;
	enum vti_cat_where where;
	unsigned confidence;   /* 0-100 */
	bool raw;              /* confirmed on raw bytes (the regex spans several strings) */
	void *code;            /* pcre2_code * */
	uint32_t vgroup;       /* capture group number of the version */
	void **needs;          /* pcre2_code *, n_needs: must also occur in the object */
	size_t n_needs;
	const char **need_src; /* their source regexes */
	unsigned *need_ids;    /* slot of each need among the exact Hyperscan patterns (its id
				* is n_rules + slot), or UINT_MAX: confirmed with PCRE2 */
	void *update;          /* pcre2_code * giving the CPE update field, NULL if none */
	size_t index;          /* position in the catalogue's rule list */
};

struct vti_cat_product {
	const char *key;       /* "busybox" */
	const char *name;      /* "BusyBox" */
	const char *part;      /* "a", "o" or "h" */
	const char *purl;      /* without version, NULL if none */
	const char *file;      /* the catalogue file */
	size_t line;
	const char **cpe;      /* "vendor:product", primary first */
	size_t n_cpe;
	const char **packages;
	size_t n_packages;
	const char **files;    /* fnmatch patterns on the base name */
	size_t n_files;
	const char **sonames;
	size_t n_sonames;
	const char **symbols;
	size_t n_symbols;
	struct vti_cat_rule *rules;
	size_t n_rules;
	void **nots;           /* pcre2_code * */
	size_t n_nots;
};

struct vti_cat_pkg {
	const char *name;
	const struct vti_cat_product *p;
};

struct vti_catalog {
	struct vt_arena *a;
	struct vti_cat_product *products; /* sorted by key */
	size_t n_products;
	struct vti_cat_rule **rules;      /* every rule matched on bytes (not `name`) */
	size_t n_rules;
	struct vti_cat_rule **name_rules; /* rules on the base name */
	size_t n_name_rules;
	size_t n_need_ids;                /* Hyperscan ids n_rules .. n_rules + n_need_ids */
	void *db;                         /* hs_database_t *, NULL when no rule compiled */
	struct vti_cat_pkg *pkgs;         /* package name -> product, sorted by name */
	size_t n_pkgs;
	struct vti_cat_pkg *syms;         /* symbol hint -> product, sorted by name; a name
					   * may belong to several products */
	size_t n_syms;
	size_t n_errors;                  /* diagnostics raised while loading */
	_Atomic int refs;
};

/* Called for each problem found while loading: "FILE:LINE: message". */
typedef void (*vti_cat_diag_fn)(void *ud, const char *msg);

/* Loads every *.yaml of `dir` (sorted by name). A missing or empty directory gives an empty
 * catalogue (VT_OK). VT_ENOMEM, or VT_EINTERNAL when Hyperscan rejects the whole set. */
vt_err vti_catalog_load(const char *dir, vti_cat_diag_fn diag, void *ud,
			struct vti_catalog **out) VT_MUST_CHECK;

/* Loads one YAML document held in memory (tests, fuzzing), named `file` in diagnostics. */
vt_err vti_catalog_load_mem(const char *file, const char *text, size_t len, vti_cat_diag_fn diag,
			    void *ud, struct vti_catalog **out) VT_MUST_CHECK;

void vti_catalog_free(struct vti_catalog *c);

/* The review's catalogue (vti_data_dir(r)/catalog), loaded on the first call and shared:
 * each successful call takes a reference that vti_catalog_put drops. Load problems become
 * review diagnostics. Not thread-safe: call from analyzer init. */
vt_err vti_catalog_get(struct vt_review *r, struct vti_catalog **out) VT_MUST_CHECK;
void vti_catalog_put(struct vt_review *r, struct vti_catalog *c);

const struct vti_cat_product *vti_catalog_product(const struct vti_catalog *c, const char *key);

/* The product a package name (dpkg, opkg, apk) belongs to, NULL if none. */
const struct vti_cat_product *vti_catalog_package(const struct vti_catalog *c, const char *name);

/* Products whose `files` match base name `name` (fnmatch) or whose `sonames` list `soname`
 * (may be NULL): calls fn for each. */
void vti_catalog_hints(const struct vti_catalog *c, const char *name, const char *soname,
		       void (*fn)(void *ud, const struct vti_cat_product *p, bool by_soname),
		       void *ud);

/* Products whose `symbols` list the symbol name[0..len): calls fn for each. */
void vti_catalog_symbol(const struct vti_catalog *c, const char *name, size_t len,
			void (*fn)(void *ud, const struct vti_cat_product *p), void *ud);

/* One confirmed version match. Pointers point into the matched bytes or the scratch and
 * are valid only during the callback. */
struct vti_cat_match {
	const struct vti_cat_rule *rule;
	uint64_t offset;        /* of the match's first byte in the object */
	const char *version;    /* the captured version, raw */
	size_t version_len;
	const char *update;     /* CPE update field derived by the rule, NULL if none */
	size_t update_len;
	const char *excerpt;    /* the printable string around the match (or the match) */
	size_t excerpt_len;
	uint64_t string_off;    /* offset of the printable string (groups rules on one string) */
};

typedef void (*vti_cat_match_fn)(void *ud, const struct vti_cat_match *m);

struct vti_cat_scratch;

vt_err vti_catalog_scratch_new(const struct vti_catalog *c,
			       struct vti_cat_scratch **out) VT_MUST_CHECK;
void vti_catalog_scratch_free(struct vti_cat_scratch *s);

/* Matches every rule on `data` (an object's bytes; `elf` and `text` select the rules whose
 * `where` asks for them) and on `basename` (may be NULL) and calls fn once per distinct
 * (rule, version) found, in offset order, after `needs` and `not` patterns are applied.
 * Hostile data is bounded: at most a fixed number of confirmations per rule and object. */
vt_err vti_catalog_match(const struct vti_catalog *c, struct vti_cat_scratch *s,
			 struct vt_span data, bool elf, bool text, const char *basename,
			 vti_cat_match_fn fn, void *ud) VT_MUST_CHECK;

/* --- versions (upstream.c) --- */

enum vti_ver_kind {
	VTI_VER_STRING = 0, /* captured from an object's bytes */
	VTI_VER_DEB = 1,    /* dpkg: [epoch:]upstream[-revision] */
	VTI_VER_OPKG = 2,   /* opkg/ipkg: as dpkg */
	VTI_VER_APK = 3,    /* apk: upstream-rN */
};

/* The upstream version of `raw` (n bytes) written to out (NUL-terminated, cut to cap):
 * strips the epoch, the distribution revision and repacking suffixes ("+dfsg", ".dfsg",
 * "+ds", "~deb12u1", "+deb12u3", "+bN", " Debian-2+deb12u10", "+really"). Returns the
 * length; 0 when nothing that looks like a version is left. */
size_t vti_upstream_version(enum vti_ver_kind kind, const char *raw, size_t n, char *out,
			    size_t cap);

/* The CPE 2.3 formatted-string form of one attribute value (escapes every character but
 * letters, digits, '_', '-' and '.'; "" becomes "-"). Returns false when it does not fit. */
bool vti_cpe_escape(const char *v, char *out, size_t cap);

#endif
