/* log.c - leveled, thread-safe messages on stderr or a program's sink. */
#include "core/internal.h"

#include <pthread.h>

static enum vt_log_level cur_level = VT_LOG_WARN;
static vt_log_sink cur_sink;
static void *cur_ud;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void vt_log_set_level(enum vt_log_level level)
{
	cur_level = level;
}

enum vt_log_level vt_log_get_level(void)
{
	return cur_level;
}

void vt_log_set_sink(vt_log_sink sink, void *ud)
{
	pthread_mutex_lock(&lock);
	cur_sink = sink;
	cur_ud = ud;
	pthread_mutex_unlock(&lock);
}

void vt_log(enum vt_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	if (level > cur_level)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&lock);
	if (cur_sink)
		cur_sink(level, msg, cur_ud);
	else
		fprintf(stderr, "vetter: %s: %s\n", names[level], msg);
	pthread_mutex_unlock(&lock);
}
