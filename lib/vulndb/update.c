/* update.c - vt_vulndb_update: the NVD CVE API 2.0 over libcurl, plus the KEV catalogue and
 * EPSS downloads.
 *
 * The API's rules: at most 2000 results per page, paged by startIndex; incremental updates
 * by lastModStartDate/lastModEndDate, in windows of at most 120 days; an apiKey header
 * raises the rate limit from 5 to 50 requests in 30 s (we pause 6 s or 0.6 s between
 * requests). Failed requests (network errors, HTTP 403, 429 and 5xx, truncated bodies,
 * bodies that are not an NVD_CVE page) are retried with exponential backoff. Each page is
 * committed with the cursor (window and next startIndex), so an interrupted update resumes
 * with the page it did not finish. Responses are untrusted: bodies are capped, pages are
 * checked (format, totalResults, startIndex) before their records are imported.
 */
#include "core/internal.h"

#include <pthread.h>
#include <time.h>

#include "vulndb/curl_lazy.h"
#include "vulndb/import.h"

#define NVD_URL "https://services.nvd.nist.gov/rest/json/cves/2.0"
#define WINDOW_DAYS 120
#define MAX_BODY ((size_t)512 << 20)

struct upd {
	struct vt_vulndb *db;
	const struct vt_vulndb_update_opts *o;
	struct vt_vulndb_update_stats *st;
	CURL *curl;
	const struct vti_curl *cu; /* libcurl, loaded on first use */
	long delay_ms, backoff_ms;
	unsigned retries;
	struct timespec last; /* start of the last NVD request */
	bool have_last;
};

static long env_ms(const char *name, long dflt)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return dflt;
	char *end;
	long v = strtol(s, &end, 10);
	return *end || v < 0 ? dflt : v;
}

static void sleep_ms(long ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static long since_ms(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct vt_buf *b = ud;
	size_t len = size * n;
	return vt_buf_add(b, p, len) == VT_OK ? len : 0;
}

/* One GET. *status is the HTTP status (0 on a transport error); why describes failures. */
static CURLcode http_get(struct upd *u, const char *url, bool nvd, struct vt_buf *body,
			 long *status, char *why, size_t whycap)
{
	CURL *c = u->curl;
	u->cu->easy_reset(c);
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	char keyhdr[256];
	if (nvd && u->o->api_key && *u->o->api_key) {
		snprintf(keyhdr, sizeof(keyhdr), "apiKey: %s", u->o->api_key);
		hdr = u->cu->slist_append(hdr, keyhdr);
	}
	u->cu->easy_setopt(c, CURLOPT_URL, url);
	u->cu->easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	u->cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	u->cu->easy_setopt(c, CURLOPT_WRITEDATA, body);
	u->cu->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	u->cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	u->cu->easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	u->cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	u->cu->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	u->cu->easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	u->cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	u->cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	u->cu->easy_setopt(c, CURLOPT_TIMEOUT, u->o->timeout_s > 0 ? u->o->timeout_s : 120L);
	u->cu->easy_setopt(c, CURLOPT_USERAGENT, "vetter/" VT_VERSION);
	vt_buf_reset(body);
	CURLcode rc = u->cu->easy_perform(c);
	*status = 0;
	u->cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	u->cu->slist_free_all(hdr);
	u->st->requests++;
	if (rc != CURLE_OK)
		snprintf(why, whycap, "%s", errbuf[0] ? errbuf : u->cu->easy_strerror(rc));
	else if (*status != 200)
		snprintf(why, whycap, "HTTP %ld", *status);
	return rc;
}

static bool retryable(CURLcode rc, long status)
{
	if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ||
	    rc == CURLE_OUT_OF_MEMORY || rc == CURLE_WRITE_ERROR)
		return false;
	if (rc != CURLE_OK)
		return true;
	return status == 403 || status == 429 || status == 408 || (status >= 500 && status <= 599);
}

typedef bool (*check_fn)(struct vt_buf *body, void *ud, char *why, size_t whycap);

/* GET with the rate limit and retries; `check` validates a 200 body (a failed check is
 * retried too: NVD occasionally answers with an incomplete page). */
static vt_err fetch(struct upd *u, const char *url, bool nvd, struct vt_buf *body, check_fn check,
		    void *ud)
{
	char why[CURL_ERROR_SIZE + 64] = "";
	for (unsigned attempt = 0;; attempt++) {
		if (nvd && u->have_last) {
			long wait = u->delay_ms - since_ms(&u->last);
			sleep_ms(wait);
		}
		if (nvd) {
			clock_gettime(CLOCK_MONOTONIC, &u->last);
			u->have_last = true;
		}
		long status;
		CURLcode rc = http_get(u, url, nvd, body, &status, why, sizeof(why));
		bool ok = rc == CURLE_OK && status == 200;
		bool again = !ok && retryable(rc, status);
		if (ok && check && !check(body, ud, why, sizeof(why))) {
			ok = false;
			again = true;
		}
		if (ok)
			return VT_OK;
		if (!again || attempt >= u->retries)
			return vti_db_fail(u->db, VT_EIO, "%s: %s%s", url, why,
					   again ? " (giving up after retries)" : "");
		long wait = u->backoff_ms;
		for (unsigned i = 0; i < attempt && wait < 300000; i++)
			wait *= 2;
		if (wait > 300000)
			wait = 300000;
		if (!u->o->quiet)
			vt_info("%s: %s; retrying in %ld ms", url, why, wait);
		u->st->retries++;
		sleep_ms(wait);
	}
}

/* ---- time windows ---- */

static bool parse_time(const char *s, time_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int n = sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec);
	if (n != 3 && n < 5)
		return false;
	if (y < 1990 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return *out != (time_t)-1;
}

static void fmt_time(time_t t, char buf[40])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 40, "%Y-%m-%dT%H:%M:%S.000+00:00", &tm);
}

struct cursor {
	bool active;          /* a window is being fetched */
	bool windowed;        /* lastMod parameters are used */
	char ws[40], we[40], run_end[40];
	size_t index;
};

static vt_err cursor_load(struct upd *u, const char *url, struct cursor *c)
{
	sqlite3_stmt *s;
	memset(c, 0, sizeof(*c));
	if (sqlite3_prepare_v2(u->db->db,
			       "SELECT url, win_start, win_end, start_index, run_end"
			       " FROM update_cursor WHERE id = 1",
			       -1, &s, NULL) != SQLITE_OK)
		return vti_db_fail(u->db, VT_EIO, "cursor: %s", sqlite3_errmsg(u->db->db));
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *curl = (const char *)sqlite3_column_text(s, 0);
		const char *ws = (const char *)sqlite3_column_text(s, 1);
		const char *we = (const char *)sqlite3_column_text(s, 2);
		const char *re = (const char *)sqlite3_column_text(s, 4);
		sqlite3_int64 idx = sqlite3_column_int64(s, 3);
		if (curl && !strcmp(curl, url) && re && idx >= 0) {
			c->active = true;
			c->windowed = ws && we;
			snprintf(c->ws, sizeof(c->ws), "%s", ws ? ws : "");
			snprintf(c->we, sizeof(c->we), "%s", we ? we : "");
			snprintf(c->run_end, sizeof(c->run_end), "%s", re);
			c->index = (size_t)idx;
		}
	}
	sqlite3_finalize(s);
	return VT_OK;
}

static vt_err cursor_save(struct upd *u, const char *url, const struct cursor *c)
{
	sqlite3_stmt *s;
	const char *sql = c->active
		? "INSERT OR REPLACE INTO update_cursor(id, url, win_start, win_end, start_index,"
		  " run_end) VALUES(1, ?1, ?2, ?3, ?4, ?5)"
		: "DELETE FROM update_cursor";
	if (sqlite3_prepare_v2(u->db->db, sql, -1, &s, NULL) != SQLITE_OK)
		return vti_db_fail(u->db, VT_EIO, "cursor: %s", sqlite3_errmsg(u->db->db));
	if (c->active) {
		sqlite3_bind_text(s, 1, url, -1, SQLITE_STATIC);
		if (c->windowed) {
			sqlite3_bind_text(s, 2, c->ws, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, c->we, -1, SQLITE_STATIC);
		}
		sqlite3_bind_int64(s, 4, (sqlite3_int64)c->index);
		sqlite3_bind_text(s, 5, c->run_end, -1, SQLITE_STATIC);
	}
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? VT_OK
				 : vti_db_fail(u->db, VT_EIO, "cursor: %s",
					       sqlite3_errmsg(u->db->db));
}

/* Sets the window after ws (already in c->ws) up to at most WINDOW_DAYS or the run's end. */
static void window_end(struct cursor *c)
{
	time_t ws, re;
	if (!parse_time(c->ws, &ws) || !parse_time(c->run_end, &re))
		return;
	time_t we = ws + (time_t)WINDOW_DAYS * 86400;
	if (we > re)
		we = re;
	fmt_time(we, c->we);
}

/* ---- pages ---- */

struct page_check {
	size_t want_start, total, start, per_page, n;
};

static bool check_page(struct vt_buf *body, void *ud, char *why, size_t whycap)
{
	struct page_check *pc = ud;
	vt_err e = vti_nvd_page_header(vt_span_make(body->data, body->len), &pc->total, &pc->start,
				       &pc->per_page, &pc->n);
	if (e) {
		snprintf(why, whycap, "not an NVD CVE page (%s)", vt_strerror(e));
		return false;
	}
	if (pc->start != pc->want_start) {
		snprintf(why, whycap, "page starts at %zu, not %zu", pc->start, pc->want_start);
		return false;
	}
	if (pc->n == 0 && pc->start < pc->total) {
		snprintf(why, whycap, "empty page at %zu of %zu", pc->start, pc->total);
		return false;
	}
	return true;
}

static char *page_url(struct upd *u, const char *base, const struct cursor *c, unsigned per)
{
	char *ws = NULL, *we = NULL, *url = NULL;
	if (c->windowed) {
		ws = u->cu->easy_escape(u->curl, c->ws, 0);
		we = u->cu->easy_escape(u->curl, c->we, 0);
		if (!ws || !we)
			goto out;
	}
	const char *sep = strchr(base, '?') ? "&" : "?";
	if (c->windowed) {
		if (asprintf(&url, "%s%sresultsPerPage=%u&startIndex=%zu&lastModStartDate=%s"
				   "&lastModEndDate=%s",
			     base, sep, per, c->index, ws, we) < 0)
			url = NULL;
	} else if (asprintf(&url, "%s%sresultsPerPage=%u&startIndex=%zu", base, sep, per,
			    c->index) < 0) {
		url = NULL;
	}
out:
	u->cu->free(ws);
	u->cu->free(we);
	return url;
}

static vt_err update_nvd(struct upd *u)
{
	const char *base = u->o->url && *u->o->url ? u->o->url : NVD_URL;
	unsigned per = u->o->results_per_page ? u->o->results_per_page : 2000;
	if (per > 2000)
		per = 2000;
	struct cursor c;
	vt_err e = cursor_load(u, base, &c);
	if (e)
		return e;
	struct vt_arena *a = vt_arena_new();
	if (!a)
		return VT_ENOMEM;
	if (c.active) {
		u->st->resumed = true;
		if (!u->o->quiet)
			vt_info("nvd: resuming the interrupted update at %s, index %zu",
				c.windowed ? c.ws : "(all)", c.index);
	} else {
		time_t now = time(NULL), since;
		fmt_time(now, c.run_end);
		const char *s = u->o->since;
		if (!s)
			s = vti_db_meta_get(u->db, "nvd_last_update", a);
		c.active = true;
		if (s) {
			if (!parse_time(s, &since) || since > now) {
				vt_arena_free(a);
				return vti_db_fail(u->db, VT_EINVAL, "invalid date '%s'", s);
			}
			c.windowed = true;
			fmt_time(since, c.ws);
			window_end(&c);
		}
		if ((e = cursor_save(u, base, &c))) {
			vt_arena_free(a);
			return e;
		}
	}
	struct vt_buf body;
	vt_buf_init(&body, MAX_BODY);
	for (;;) {
		char *url = page_url(u, base, &c, per);
		if (!url) {
			e = VT_ENOMEM;
			break;
		}
		struct page_check pc = {.want_start = c.index};
		e = fetch(u, url, true, &body, check_page, &pc);
		free(url);
		if (e)
			break;
		struct vti_imp imp = {.db = u->db, .st = &u->st->imp, .name = "nvd page"};
		if ((e = vti_db_begin(u->db)))
			break;
		e = vti_import_nvd_page(&imp, vt_span_make(body.data, body.len));
		if (!e && imp.fatal)
			e = imp.fatal;
		bool done = false;
		if (!e) {
			u->st->pages++;
			u->st->cves += pc.n;
			c.index += pc.n;
			if (!u->o->quiet)
				vt_info("nvd: %s%s%s: %zu of %zu", c.windowed ? c.ws : "all",
					c.windowed ? " to " : "", c.windowed ? c.we : "",
					c.index < pc.total ? c.index : pc.total, pc.total);
			if (c.index >= pc.total) {
				if (!c.windowed || strcmp(c.we, c.run_end) >= 0) {
					done = true;
					c.active = false;
				} else {
					memcpy(c.ws, c.we, sizeof(c.ws));
					window_end(&c);
					c.index = 0;
				}
			}
			e = cursor_save(u, base, &c);
		}
		if (!e && done)
			e = vti_db_meta_set(u->db, "nvd_last_update", c.run_end);
		if (!e)
			e = vti_db_commit(u->db);
		if (e) {
			vti_db_rollback(u->db);
			break;
		}
		if (done)
			break;
	}
	vt_buf_release(&body);
	vt_arena_free(a);
	return e;
}

static vt_err download(struct upd *u, const char *url, const char *what)
{
	struct vt_buf body;
	vt_buf_init(&body, MAX_BODY);
	vt_err e = fetch(u, url, false, &body, NULL, NULL);
	if (!e) {
		struct vt_vulndb_import_stats st;
		e = vt_vulndb_import_mem(u->db, body.data, body.len, what, &st);
		u->st->imp.kev += st.kev;
		u->st->imp.epss += st.epss;
		u->st->imp.records += st.records;
		u->st->imp.errors += st.errors;
		if (!e && st.records == 0)
			e = vti_db_fail(u->db, VT_EFORMAT, "%s: no %s data", url, what);
	}
	vt_buf_release(&body);
	return e;
}

vt_err vt_vulndb_update(struct vt_vulndb *db, const struct vt_vulndb_update_opts *o,
			struct vt_vulndb_update_stats *st)
{
	struct vt_vulndb_update_opts dflt = {.delay_ms = -1};
	struct vt_vulndb_update_stats local;
	if (!o)
		o = &dflt;
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (!db)
		return VT_EINVAL;
	if (db->readonly)
		return vti_db_fail(db, VT_EACCES, "the database is open read-only");
	db->err[0] = 0;
	struct upd u = {.db = db, .o = o, .st = st};
	char why[256];
	if (!(u.cu = vti_curl(why, sizeof(why))))
		return vti_db_fail(db, VT_EUNSUPPORTED, "%s", why);
	bool key = o->api_key && *o->api_key;
	u.delay_ms = o->delay_ms >= 0 ? o->delay_ms : key ? 600 : 6000;
	u.delay_ms = env_ms("VETTER_NVD_DELAY_MS", u.delay_ms);
	u.backoff_ms = o->backoff_ms > 0 ? o->backoff_ms : 6000;
	u.backoff_ms = env_ms("VETTER_NVD_BACKOFF_MS", u.backoff_ms);
	u.retries = o->max_retries ? o->max_retries : 5;
	u.curl = u.cu->easy_init();
	if (!u.curl)
		return VT_ENOMEM;
	vt_err e = VT_OK;
	if (!o->no_nvd)
		e = update_nvd(&u);
	if (!e && o->kev_url)
		e = download(&u, o->kev_url, "kev");
	if (!e && o->epss_url)
		e = download(&u, o->epss_url, "epss");
	u.cu->easy_cleanup(u.curl);
	if (!e) {
		char now[32];
		vti_utc_now(now);
		e = vti_db_meta_set(db, "last_update_run", now);
	}
	return e;
}
