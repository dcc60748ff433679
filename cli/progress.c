/* progress.c - one-line progress display on stderr: objects done/total, bytes, rate,
 * ETA. Shown only when stderr is a terminal and not disabled (--no-progress, -q). The
 * line is redrawn in place and erased when the phase ends. */
#include "cli.h"

#include <stdlib.h>
#include <unistd.h>

struct cli_progress {
	bool enabled;
	bool drawn;
};

struct cli_progress *cli_progress_new(bool enabled)
{
	struct cli_progress *p = calloc(1, sizeof(*p));
	if (p)
		p->enabled = enabled && isatty(STDERR_FILENO);
	return p;
}

static void fmt_bytes(double b, char *buf, size_t n)
{
	const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int i = 0;
	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

void cli_progress_update(const struct vt_progress *p, void *ud)
{
	struct cli_progress *cp = ud;
	if (!cp || !cp->enabled)
		return;
	if (p->final) {
		if (cp->drawn)
			fputs("\r\033[K", stderr);
		cp->drawn = false;
		return;
	}
	char done[32], total[32], rate[32], eta[32] = "--:--";
	fmt_bytes((double)p->bytes_done, done, sizeof(done));
	fmt_bytes((double)p->bytes_total, total, sizeof(total));
	double r = p->elapsed > 0 ? (double)p->bytes_done / p->elapsed : 0;
	fmt_bytes(r, rate, sizeof(rate));
	if (r > 0 && p->bytes_total >= p->bytes_done) {
		double left = (double)(p->bytes_total - p->bytes_done) / r;
		snprintf(eta, sizeof(eta), "%d:%02d", (int)(left / 60), (int)left % 60);
	}
	fprintf(stderr, "\r\033[K%s: %zu/%zu objects, %s/%s, %s/s, ETA %s", p->phase,
		p->objects_done, p->objects_total, done, total, rate, eta);
	fflush(stderr);
	cp->drawn = true;
}

void cli_progress_free(struct cli_progress *p)
{
	free(p);
}
