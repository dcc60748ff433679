/* cli.h - shared declarations of the vetter command-line program. The CLI is a thin
 * client of libvetter: it includes only <vetter/vetter.h>. */
#ifndef VETTER_CLI_H
#define VETTER_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <vetter/vetter.h>

/* Exit codes (documented in README.md and docs/vetter.1). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 2,  /* bad usage, or an input that cannot be accessed */
	EXIT_FATAL = 3,  /* out of memory, output not writable, internal error */
};

struct cli_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *f);
};

/* The command table (main.c). */
extern const struct cli_cmd cli_commands[];

int cmd_scan(int argc, char **argv);
void usage_scan(FILE *f);
int cmd_extract(int argc, char **argv);
void usage_extract(FILE *f);
int cmd_db(int argc, char **argv);
void usage_db(FILE *f);
int cmd_rules(int argc, char **argv);
void usage_rules(FILE *f);
int cmd_version(int argc, char **argv);
void usage_version(FILE *f);
int cmd_help(int argc, char **argv);
void usage_help(FILE *f);

/* Progress display on stderr (progress.c). */
struct cli_progress;
struct cli_progress *cli_progress_new(bool enabled);
void cli_progress_update(const struct vt_progress *p, void *ud);
void cli_progress_free(struct cli_progress *p);

/* Parses a positive integer option value; false (and a message) on error. */
bool cli_parse_uint(const char *opt, const char *s, unsigned max, unsigned *out);

#endif
