/* import_epss.c - FIRST EPSS scores: the daily CSV ("#model_version:...,score_date:...",
 * then "cve,epss,percentile" and one line per CVE). A gzip-compressed file reaches this
 * importer already decompressed (import.c).
 *
 * Lines are untrusted text: a line that is not "ID,number,number" with numbers in [0, 1]
 * is a diagnostic (only the first few are logged); lines may end in CRLF.
 */
#include "core/internal.h"

#include <ctype.h>
#include <math.h>

#include "vulndb/import.h"

#define MAX_LINE 256

static bool parse_prob(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 1)
		return false;
	*out = v;
	return true;
}

vt_err vti_import_epss(struct vti_imp *imp, struct vt_span csv)
{
	char date[32] = "";
	size_t pos = 0, lineno = 0, bad = 0;
	while (pos < csv.len) {
		size_t end = pos;
		while (end < csv.len && csv.p[end] != '\n')
			end++;
		size_t len = end - pos;
		const char *l = (const char *)csv.p + pos;
		pos = end + 1;
		lineno++;
		if (len && l[len - 1] == '\r')
			len--;
		if (!len)
			continue;
		if (len >= MAX_LINE) {
			if (bad++ < 5)
				vti_imp_diag(imp, "EPSS line %zu too long", lineno);
			else if (imp->st)
				imp->st->errors++;
			continue;
		}
		char line[MAX_LINE];
		memcpy(line, l, len);
		line[len] = 0;
		if (line[0] == '#') {
			const char *d = strstr(line, "score_date:");
			if (d) {
				d += 11;
				size_t n = 0;
				while (d[n] && d[n] != ',' && n < 10)
					n++;
				memcpy(date, d, n);
				date[n] = 0;
			}
			continue;
		}
		if (!strncmp(line, "cve,", 4))
			continue;
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		double score, pct;
		bool ok = c1 && c2;
		if (ok) {
			*c1 = 0;
			*c2 = 0;
			char *c3 = strchr(c2 + 1, ',');
			if (c3)
				*c3 = 0;
			ok = vti_valid_vuln_id(line) && parse_prob(c1 + 1, &score) &&
			     parse_prob(c2 + 1, &pct);
		}
		if (!ok) {
			if (bad++ < 5)
				vti_imp_diag(imp, "EPSS line %zu is not 'cve,epss,percentile'",
					     lineno);
			else if (imp->st)
				imp->st->errors++;
			continue;
		}
		if (imp->st)
			imp->st->records++;
		vt_err e = vti_db_put_epss(imp, line, score, pct, date[0] ? date : NULL);
		if (e)
			return e;
	}
	return VT_OK;
}
