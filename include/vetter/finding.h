/* finding.h - findings: what an analyzer concluded about an object, with evidence.
 *
 * A finding is an instance of a rule. The rule is static data of the analyzer that raises
 * it (stable id, category, severity, title, CWE, remediation); the finding adds where
 * (the object, an offset in it) and what (an excerpt and a message). Rule ids never
 * change meaning once published: reports and suppressions refer to them.
 */
#ifndef VETTER_FINDING_H
#define VETTER_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vt_level {
	VT_LEVEL_INFO = 0,
	VT_LEVEL_LOW = 1,
	VT_LEVEL_MEDIUM = 2,
	VT_LEVEL_HIGH = 3,
	VT_LEVEL_CRITICAL = 4,
};

/* "info", "low", "medium", "high", "critical". */
const char *vt_level_name(enum vt_level l);

struct vt_rule {
	const char *id;          /* stable: "VT-ACCT-001" */
	const char *category;    /* "hardening", "accounts", "services", "crypto", "secrets",
				  * "network", "filesystem", "custom", "components" */
	enum vt_level severity;  /* default severity of a finding of this rule */
	const char *title;       /* one line: "UID 0 account other than root" */
	const char *cwe;         /* "CWE-798", NULL when none fits */
	const char *description; /* what the rule checks and why it matters */
	const char *remediation; /* what the vendor should do */
};

struct vt_object;

struct vt_finding {
	const struct vt_rule *rule;
	const struct vt_object *object; /* where; NULL for review-wide findings */
	enum vt_level severity;  /* usually rule->severity; an analyzer may raise or lower it */
	bool has_offset;
	uint64_t offset;         /* in the object's content */
	const char *excerpt;     /* the evidence text (UTF-8 not guaranteed), may be NULL */
	const char *message;     /* specific to this instance: "account 'toor' has UID 0" */
	struct vt_finding *next; /* next finding of the same object */
};

#ifdef __cplusplus
}
#endif
#endif
