/* import_kev.c - the CISA Known Exploited Vulnerabilities catalogue (JSON): one entry per
 * CVE with the date it was added, the due date, the required action and whether it is known
 * to be used in ransomware campaigns.
 *
 * The document is untrusted: entries without a valid "cveID" are diagnostics; unknown and
 * mistyped fields are ignored. The catalogue's entries replace stored ones (they are newer
 * than the KEV facts NVD and CVE 5 records carry).
 */
#include "core/internal.h"

#include "vulndb/import.h"

vt_err vti_import_kev(struct vti_imp *imp, const json_t *doc)
{
	const json_t *vulns = json_object_get(doc, "vulnerabilities");
	if (!json_is_array(vulns)) {
		vti_imp_diag(imp, "KEV catalogue without a vulnerabilities array");
		return VT_OK;
	}
	size_t i;
	const json_t *v;
	json_array_foreach(vulns, i, v) {
		const char *id = vti_jstr(v, "cveID");
		if (!id || !vti_valid_vuln_id(id)) {
			vti_imp_diag(imp, "KEV entry %zu without a valid cveID", i);
			continue;
		}
		const char *rw = vti_jstr(v, "knownRansomwareCampaignUse");
		struct vti_kev_rec k = {
			.cve = id,
			.vendor = vti_jstr(v, "vendorProject"),
			.product = vti_jstr(v, "product"),
			.name = vti_jstr(v, "vulnerabilityName"),
			.date_added = vti_jstr(v, "dateAdded"),
			.due = vti_jstr(v, "dueDate"),
			.action = vti_jstr(v, "requiredAction"),
			.notes = vti_jstr(v, "notes"),
			.ransomware = rw && !strcmp(rw, "Known"),
		};
		if (imp->st)
			imp->st->records++;
		vt_err e = vti_db_put_kev(imp, &k, true);
		if (e)
			return e;
	}
	return VT_OK;
}
