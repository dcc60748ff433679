/* vulndb-match.c - times vt_vulndb_match on the components listed in a TSV file
 * (part, vendor, product, version per line), all matched as one artifact, as a review does.
 *
 * usage: vulndb-match DB COMPONENTS.tsv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vetter/vetter.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	struct vt_vulndb *db;
	if (vt_vulndb_open(argv[1], VT_VULNDB_READONLY, &db))
		return 1;
	FILE *f = fopen(argv[2], "r");
	if (!f)
		return 1;
	struct vt_vuln_query *q = calloc(100000, sizeof(*q));
	size_t n = 0;
	char line[1024];
	while (n < 100000 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		char *save = NULL;
		char *p = strtok_r(line, "\t", &save), *v = strtok_r(NULL, "\t", &save);
		char *pr = strtok_r(NULL, "\t", &save), *ver = strtok_r(NULL, "\t", &save);
		if (!p || !v || !pr)
			continue;
		q[n].part = p[0];
		q[n].vendor = strdup(v);
		q[n].product = strdup(pr);
		q[n].version = ver ? strdup(ver) : NULL;
		n++;
	}
	fclose(f);
	struct timespec t0, t1, c0, c1;
	struct vt_arena *a = vt_arena_new();
	struct vt_vuln_match *m;
	size_t nm;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	vt_err e = vt_vulndb_match(db, q, n, a, &m, &nm);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	double cpu = (c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) / 1e6;
	printf("%zu components, %zu matches, %.1f ms (%.1f ms CPU)%s\n", n, nm, ms, cpu,
	       e ? " (error)" : "");
	vt_arena_free(a);
	vt_vulndb_close(db);
	return e != VT_OK;
}
