/* main.c - the vetter command: a table of subcommands, each in cmd_<name>.c.
 *
 * Only subcommands that work are listed. `vetter help CMD` and `vetter CMD --help` print
 * a subcommand's usage.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

const struct cli_cmd cli_commands[] = {
	{"scan", "review images and trees: unpack, components, CVEs, findings, SBOM", cmd_scan,
	 usage_scan},
	{"extract", "unpack images recursively into a directory, with a manifest", cmd_extract,
	 usage_extract},
	{"db", "the vulnerability database: import, update, info", cmd_db, usage_db},
	{"rules", "list every rule the analyzers can raise", cmd_rules, usage_rules},
	{"version", "print the version", cmd_version, usage_version},
	{"help", "show help for vetter or one of its commands", cmd_help, usage_help},
	{NULL, NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vetter COMMAND [OPTIONS] [ARGS]\n\n"
		   "Security review of a vendor's products: firmware images, update packages,\n"
		   "filesystem images and binaries.\n\nCommands:\n");
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'vetter help COMMAND' or 'vetter COMMAND --help' for a command's "
		   "options.\n");
}

static const struct cli_cmd *find(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

bool cli_parse_uint(const char *opt, const char *s, unsigned max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max) {
		fprintf(stderr, "vetter: invalid value '%s' for %s (0 to %u)\n", s, opt, max);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	const struct cli_cmd *c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "vetter: '%s' is not a vetter command (see 'vetter help')\n",
			argv[1]);
		return EXIT_USAGE;
	}
	c->usage(stdout);
	return EXIT_OK;
}

void usage_help(FILE *f)
{
	fprintf(f, "usage: vetter help [COMMAND]\n\nShows the commands, or one command's "
		   "options.\n");
}

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage_version(stdout);
		return EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "vetter: version takes no arguments\n");
		return EXIT_USAGE;
	}
	printf("vetter %s\n", vt_version());
	return EXIT_OK;
}

void usage_version(FILE *f)
{
	fprintf(f, "usage: vetter version\n\nPrints vetter's version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version") || !strcmp(name, "-V"))
		name = "version";
	const struct cli_cmd *c = find(name);
	if (!c) {
		fprintf(stderr, "vetter: '%s' is not a vetter command (see 'vetter help')\n", name);
		return EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
