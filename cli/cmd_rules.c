/* cmd_rules.c - `vetter rules`: every rule the analyzers can raise, with its stable id,
 * category, severity, CWE and title (`--json` for the full text of each). */
#include "cli.h"

#include <string.h>

#include <jansson.h>

void usage_rules(FILE *f)
{
	fprintf(f, "usage: vetter rules [--json]\n\n"
		   "Lists every rule the analyzers can raise: stable id, category, default\n"
		   "severity, CWE and title. With --json, also the description and remediation.\n");
}

int cmd_rules(int argc, char **argv)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage_rules(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "vetter: rules: unknown argument '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	json_t *all = json ? json_array() : NULL;
	for (const struct vt_rule *const *r = vt_rules(); *r; r++) {
		const struct vt_rule *u = *r;
		if (!json) {
			printf("%-14s %-11s %-8s %-8s %s\n", u->id, u->category,
			       vt_level_name(u->severity), u->cwe ? u->cwe : "-", u->title);
			continue;
		}
		json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "id", u->id, "category", u->category,
				      "severity", vt_level_name(u->severity), "title", u->title);
		if (u->cwe)
			json_object_set_new(j, "cwe", json_string(u->cwe));
		if (u->description)
			json_object_set_new(j, "description", json_string(u->description));
		if (u->remediation)
			json_object_set_new(j, "remediation", json_string(u->remediation));
		json_array_append_new(all, j);
	}
	if (json) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(all);
	}
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FATAL;
}
