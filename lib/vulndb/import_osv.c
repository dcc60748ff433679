/* import_osv.c - OSV records (osv.dev, GitHub advisories, OSS-Fuzz): the record, its
 * aliases and every affected package are stored; packages of an ecosystem whose names map
 * to a CPE product (upstream projects: OSS-Fuzz, generic purls, a few Maven artifacts) are
 * also converted to an NVD-shaped configuration so that matching finds them.
 *
 * Conversion: each listed version becomes an exact cpeMatch (tags such as "v2.90",
 * "OpenSSL_1_1_1k" or "curl-7_80_0" are normalised to "2.90", "1.1.1k", "7.80.0");
 * ECOSYSTEM and SEMVER ranges become range entries (introduced -> versionStartIncluding
 * unless "0", fixed -> versionEndExcluding, last_affected -> versionEndIncluding). GIT
 * ranges name commits, which components do not have: the "versions" list stands for them.
 * Distribution ecosystems (Debian, Alpine, ...) carry distribution versions, which are not
 * upstream versions: they are stored, not converted. A CVSS v3 vector is scored here
 * (OSV gives vectors only).
 */
#include "core/internal.h"

#include <ctype.h>
#include <math.h>

#include "vulndb/import.h"

struct map {
	const char *ecosystem; /* NULL: any upstream ecosystem (OSS-Fuzz, purl pkg:generic) */
	const char *name;
	const char *cpe;       /* CPE 2.3 prefix up to the product */
};

static const struct map maps[] = {
	{NULL, "openssl", "cpe:2.3:a:openssl:openssl"},
	{NULL, "dnsmasq", "cpe:2.3:a:thekelleys:dnsmasq"},
	{NULL, "busybox", "cpe:2.3:a:busybox:busybox"},
	{NULL, "curl", "cpe:2.3:a:haxx:curl"},
	{NULL, "libxml2", "cpe:2.3:a:xmlsoft:libxml2"},
	{NULL, "zlib", "cpe:2.3:a:zlib:zlib"},
	{NULL, "libpng", "cpe:2.3:a:libpng:libpng"},
	{NULL, "openssh", "cpe:2.3:a:openbsd:openssh"},
	{NULL, "sqlite3", "cpe:2.3:a:sqlite:sqlite"},
	{NULL, "expat", "cpe:2.3:a:libexpat_project:libexpat"},
	{NULL, "wolfssl", "cpe:2.3:a:wolfssl:wolfssl"},
	{NULL, "mbedtls", "cpe:2.3:a:arm:mbed_tls"},
	{NULL, "gnutls", "cpe:2.3:a:gnu:gnutls"},
	{NULL, "binutils", "cpe:2.3:a:gnu:binutils"},
	{NULL, "libarchive", "cpe:2.3:a:libarchive:libarchive"},
	{NULL, "openvpn", "cpe:2.3:a:openvpn:openvpn"},
	{NULL, "wireshark", "cpe:2.3:a:wireshark:wireshark"},
	{NULL, "ffmpeg", "cpe:2.3:a:ffmpeg:ffmpeg"},
	{NULL, "ghostscript", "cpe:2.3:a:artifex:ghostscript"},
	{NULL, "freetype2", "cpe:2.3:a:freetype:freetype"},
	{NULL, "libtiff", "cpe:2.3:a:libtiff:libtiff"},
	{NULL, "unbound", "cpe:2.3:a:nlnetlabs:unbound"},
	{NULL, "bind9", "cpe:2.3:a:isc:bind"},
	{NULL, "systemd", "cpe:2.3:a:systemd_project:systemd"},
	{NULL, "e2fsprogs", "cpe:2.3:a:e2fsprogs_project:e2fsprogs"},
	{NULL, "lighttpd", "cpe:2.3:a:lighttpd:lighttpd"},
	{NULL, "dropbear", "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh"},
	{NULL, "glibc", "cpe:2.3:a:gnu:glibc"},
	{"Maven", "org.apache.logging.log4j:log4j-core", "cpe:2.3:a:apache:log4j"},
};

static const char *map_cpe(const char *ecosystem, const char *name, const char *purl)
{
	bool upstream = ecosystem && (!strcmp(ecosystem, "OSS-Fuzz") || !strcmp(ecosystem, "GIT"));
	if (purl && !strncmp(purl, "pkg:generic/", 12))
		upstream = true;
	for (size_t i = 0; i < VT_ARRAY_LEN(maps); i++) {
		if (strcmp(maps[i].name, name))
			continue;
		if (maps[i].ecosystem ? ecosystem && !strcmp(maps[i].ecosystem, ecosystem)
				      : upstream)
			return maps[i].cpe;
	}
	return NULL;
}

/* "v2.90" -> "2.90", "OpenSSL_1_1_1k" -> "1.1.1k", "curl-7_80_0" -> "7.80.0". */
static bool norm_version(const char *tag, char *out, size_t cap)
{
	const char *p = tag;
	while (*p && !isdigit((unsigned char)*p))
		p++;
	size_t prefix = (size_t)(p - tag);
	if (!*p || prefix > 24)
		return false;
	if (prefix && !strchr("vV-_", tag[prefix - 1]))
		return false;
	size_t n = strlen(p);
	if (n + 1 > cap)
		return false;
	memcpy(out, p, n + 1);
	if (!strchr(out, '.'))
		for (char *q = out; *q; q++)
			if (*q == '_')
				*q = '.';
	return true;
}

static double roundup(double x)
{
	long long i = llround(x * 100000.0);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (floor((double)i / 10000.0) + 1) / 10.0;
}

/* CVSS 3.x base score of a vector ("CVSS:3.1/AV:N/..."); false when malformed. */
static bool cvss3_score(const char *vec, double *score, const char **sev)
{
	if (strncmp(vec, "CVSS:3.", 7))
		return false;
	double av = -1, ac = -1, pr = -1, ui = -1, c = -1, in = -1, av2 = -1;
	char s = 0, prv = 0;
	const char *p = strchr(vec, '/');
	while (p && p[1]) {
		p++;
		const char *colon = strchr(p, ':');
		if (!colon || !colon[1])
			return false;
		size_t kl = (size_t)(colon - p);
		char v = colon[1];
#define KEY(k) (kl == sizeof(k) - 1 && !memcmp(p, k, kl))
		if (KEY("AV"))
			av = v == 'N' ? 0.85 : v == 'A' ? 0.62 : v == 'L' ? 0.55
			   : v == 'P' ? 0.2 : -1;
		else if (KEY("AC"))
			ac = v == 'L' ? 0.77 : v == 'H' ? 0.44 : -1;
		else if (KEY("PR"))
			prv = v;
		else if (KEY("UI"))
			ui = v == 'N' ? 0.85 : v == 'R' ? 0.62 : -1;
		else if (KEY("S"))
			s = v;
		else if (KEY("C") || KEY("I") || KEY("A")) {
			double w = v == 'H' ? 0.56 : v == 'L' ? 0.22 : v == 'N' ? 0 : -1;
			if (KEY("C"))
				c = w;
			else if (KEY("I"))
				in = w;
			else
				av2 = w;
		}
#undef KEY
		p = strchr(colon, '/');
	}
	if (s != 'U' && s != 'C')
		return false;
	pr = prv == 'N' ? 0.85 : prv == 'L' ? (s == 'C' ? 0.68 : 0.62)
		   : prv == 'H' ? (s == 'C' ? 0.5 : 0.27) : -1;
	if (av < 0 || ac < 0 || pr < 0 || ui < 0 || c < 0 || in < 0 || av2 < 0)
		return false;
	double iss = 1 - (1 - c) * (1 - in) * (1 - av2);
	double impact = s == 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	double expl = 8.22 * av * ac * pr * ui;
	double b = 0;
	if (impact > 0)
		b = s == 'U' ? roundup(fmin(impact + expl, 10))
			     : roundup(fmin(1.08 * (impact + expl), 10));
	*score = b;
	*sev = b == 0 ? "NONE" : b < 4 ? "LOW" : b < 7 ? "MEDIUM" : b < 9 ? "HIGH" : "CRITICAL";
	return true;
}

static vt_err add_entry(json_t *list, const char *criteria, const char *k1, const char *v1,
			const char *k2, const char *v2)
{
	json_t *m = json_pack("{s:b, s:s}", "vulnerable", 1, "criteria", criteria);
	if (!m)
		return VT_ENOMEM;
	int rc = 0;
	if (k1 && v1)
		rc |= json_object_set_new(m, k1, json_string(v1));
	if (k2 && v2)
		rc |= json_object_set_new(m, k2, json_string(v2));
	rc |= json_array_append_new(list, m);
	return rc ? VT_ENOMEM : VT_OK;
}

static vt_err convert(const json_t *aff, const char *prefix, json_t *list)
{
	char any[256], ver[128];
	snprintf(any, sizeof(any), "%s:*:*:*:*:*:*:*:*", prefix);
	size_t i;
	const json_t *v, *r;
	json_array_foreach(json_object_get(aff, "versions"), i, v) {
		const char *s = json_string_value(v);
		if (!s || !norm_version(s, ver, sizeof(ver)))
			continue;
		char *c = vti_cpe_with_version(any, ver);
		if (!c)
			continue;
		vt_err e = add_entry(list, c, NULL, NULL, NULL, NULL);
		free(c);
		if (e)
			return e;
	}
	json_array_foreach(json_object_get(aff, "ranges"), i, r) {
		const char *type = vti_jstr(r, "type");
		if (!type || (strcmp(type, "ECOSYSTEM") && strcmp(type, "SEMVER")))
			continue;
		const char *start = NULL;
		bool open = false;
		size_t j;
		const json_t *ev;
		json_array_foreach(json_object_get(r, "events"), j, ev) {
			const char *in = vti_jstr(ev, "introduced"), *fx = vti_jstr(ev, "fixed");
			const char *la = vti_jstr(ev, "last_affected");
			vt_err e = VT_OK;
			if (in) {
				start = strcmp(in, "0") ? in : NULL;
				open = true;
			} else if ((fx || la) && open) {
				e = add_entry(list, any, "versionStartIncluding", start,
					      fx ? "versionEndExcluding" : "versionEndIncluding",
					      fx ? fx : la);
				open = false;
			}
			if (e)
				return e;
		}
		if (open && start) {
			vt_err e = add_entry(list, any, "versionStartIncluding", start, NULL, NULL);
			if (e)
				return e;
		}
	}
	return VT_OK;
}

static vt_err put_affected(struct vti_imp *imp, const char *id, const json_t *aff)
{
	const json_t *pkg = json_object_get(aff, "package");
	sqlite3_stmt *s = vti_db_stmt(imp->db, VTI_ST_OSV_AFF_INSERT);
	if (!s)
		return imp->fatal = VT_EIO;
	char *ranges = json_dumps(json_object_get(aff, "ranges"), JSON_COMPACT | JSON_ENCODE_ANY);
	char *versions = json_dumps(json_object_get(aff, "versions"),
				    JSON_COMPACT | JSON_ENCODE_ANY);
	const char *vals[] = {id, vti_jstr(pkg, "ecosystem"), vti_jstr(pkg, "name"),
			      vti_jstr(pkg, "purl"), ranges, versions};
	for (int i = 0; i < 6; i++) {
		if (vals[i])
			sqlite3_bind_text(s, i + 1, vals[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s, i + 1);
	}
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	free(ranges);
	free(versions);
	if (rc != SQLITE_DONE)
		return imp->fatal = vti_db_fail(imp->db, VT_EIO, "osv: %s",
						sqlite3_errmsg(sqlite3_db_handle(s)));
	return VT_OK;
}

vt_err vti_import_osv(struct vti_imp *imp, const json_t *rec)
{
	const char *id = vti_jstr(rec, "id");
	if (!id || !vti_valid_vuln_id(id)) {
		vti_imp_diag(imp, "OSV record without a valid id");
		return VT_OK;
	}
	vti_imp_record_begin(imp);
	const char *modified = vti_jstr(rec, "modified");
	const char *cve = NULL;
	size_t i;
	const json_t *al;
	json_array_foreach(json_object_get(rec, "aliases"), i, al) {
		const char *s = json_string_value(al);
		if (!cve && s && !strncmp(s, "CVE-", 4) && vti_valid_vuln_id(s))
			cve = s;
	}
	const char *vid = cve ? cve : id;
	struct vti_cve_rec r = {.id = vid, .source = "osv"};
	r.description = vti_jstr(rec, "details");
	if (!r.description || !*r.description)
		r.description = vti_jstr(rec, "summary");
	r.published = vti_jstr(rec, "published");
	r.last_modified = cve ? NULL : modified; /* an alias only fills what NVD lacks */
	if (vti_jstr(rec, "withdrawn"))
		r.status = "Withdrawn";
	const json_t *sv;
	json_array_foreach(json_object_get(rec, "severity"), i, sv) {
		const char *type = vti_jstr(sv, "type"), *score = vti_jstr(sv, "score");
		if (type && score && !strcmp(type, "CVSS_V3") && !r.cvss3_vector &&
		    cvss3_score(score, &r.cvss3_score, &r.cvss3_severity))
			r.cvss3_vector = score;
	}
	const json_t *cwes = json_object_get(json_object_get(rec, "database_specific"), "cwe_ids");
	struct vt_buf cwe;
	vt_buf_init(&cwe, 1 << 12);
	json_array_foreach(cwes, i, sv) {
		const char *s = json_string_value(sv);
		if (s && !strncmp(s, "CWE-", 4) && strlen(s) < 16 &&
		    ((cwe.len && vt_buf_add(&cwe, ",", 1)) || vt_buf_addstr(&cwe, s)))
			break;
	}
	r.cwe = cwe.len ? vt_buf_str(&cwe) : NULL;
	vt_err e = vti_db_put_cve(imp, &r);
	vt_buf_release(&cwe);
	if (e)
		return e;

	/* the record and its affected packages */
	char *aliases = json_dumps(json_object_get(rec, "aliases"), JSON_COMPACT | JSON_ENCODE_ANY);
	sqlite3_stmt *s = vti_db_stmt(imp->db, VTI_ST_OSV_UPSERT);
	if (!s) {
		free(aliases);
		return imp->fatal = VT_EIO;
	}
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, vid, -1, SQLITE_STATIC);
	if (modified)
		sqlite3_bind_text(s, 3, modified, -1, SQLITE_STATIC);
	if (aliases)
		sqlite3_bind_text(s, 4, aliases, -1, SQLITE_STATIC);
	if (vti_jstr(rec, "summary"))
		sqlite3_bind_text(s, 5, vti_jstr(rec, "summary"), -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	free(aliases);
	if (rc != SQLITE_DONE)
		return imp->fatal = vti_db_fail(imp->db, VT_EIO, "osv: %s",
						sqlite3_errmsg(imp->db->db));
	s = vti_db_stmt(imp->db, VTI_ST_OSV_AFF_DELETE);
	if (!s)
		return imp->fatal = VT_EIO;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return imp->fatal = VT_EIO;
	if (imp->st)
		imp->st->osv++;

	json_t *list = json_array();
	if (!list)
		return imp->fatal = VT_ENOMEM;
	const json_t *aff;
	json_array_foreach(json_object_get(rec, "affected"), i, aff) {
		if ((e = put_affected(imp, id, aff)))
			break;
		const json_t *pkg = json_object_get(aff, "package");
		const char *eco = vti_jstr(pkg, "ecosystem"), *name = vti_jstr(pkg, "name");
		const char *prefix = name ? map_cpe(eco, name, vti_jstr(pkg, "purl")) : NULL;
		if (prefix && (e = convert(aff, prefix, list))) {
			imp->fatal = e;
			break;
		}
	}
	if (!e && json_array_size(list) && !vti_jstr(rec, "withdrawn")) {
		json_t *cfgs = json_pack("[{s:[{s:s, s:b, s:O}]}]", "nodes", "operator", "OR",
					 "negate", 0, "cpeMatch", list);
		if (!cfgs)
			e = imp->fatal = VT_ENOMEM;
		else
			e = vti_db_put_config(imp, vid, "osv", modified, cfgs);
		json_decref(cfgs);
	}
	json_decref(list);
	if (e)
		return e;
	vti_imp_record_end(imp);
	return VT_OK;
}
