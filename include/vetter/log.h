/* log.h - leveled diagnostics on stderr.
 *
 * Messages follow git's style: lowercase, no full stop, the subject quoted. The level
 * is process-wide; a program may install a sink (for example to clear a progress line
 * before a message is printed). Thread-safe.
 */
#ifndef VETTER_LOG_H
#define VETTER_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

enum vt_log_level {
	VT_LOG_ERROR = 0,
	VT_LOG_WARN = 1,
	VT_LOG_INFO = 2,
	VT_LOG_DEBUG = 3,
};

/* Messages above `level` are dropped. Default VT_LOG_WARN. */
void vt_log_set_level(enum vt_log_level level);
enum vt_log_level vt_log_get_level(void);

/* Where messages go; NULL restores the default (stderr, "vetter: level: msg\n"). */
typedef void (*vt_log_sink)(enum vt_log_level level, const char *msg, void *ud);
void vt_log_set_sink(vt_log_sink sink, void *ud);

void vt_log(enum vt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define vt_error(...) vt_log(VT_LOG_ERROR, __VA_ARGS__)
#define vt_warn(...) vt_log(VT_LOG_WARN, __VA_ARGS__)
#define vt_info(...) vt_log(VT_LOG_INFO, __VA_ARGS__)
#define vt_debug(...) vt_log(VT_LOG_DEBUG, __VA_ARGS__)

#ifdef __cplusplus
}
#endif
#endif
