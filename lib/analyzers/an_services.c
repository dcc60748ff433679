/* an_services.c - which network services and shells a filesystem starts at boot: the
 * "hidden functionality" a vendor rarely documents.
 *
 * Object phase: /etc/inittab (SysV and BusyBox syntax), init scripts (/etc/init.d,
 * /etc/rc.d, /etc/rc?.d, /etc/rc.local, /etc/rcS, upstart /etc/init), inetd.conf,
 * xinetd.d entries and sshd_config. Each command of a script (after `;`, `&&`, `|`,
 * `then`, ... and wrappers such as start-stop-daemon -x, nohup, env, busybox) is
 * classified: telnetd, FTP and TFTP servers, dropbear/sshd, web servers, UPnP, SNMP,
 * inetd, shells. Simple NAME=value assignments earlier in a script are substituted
 * ("$DAEMON"). Scripts are not executed: a service started inside a function or a
 * condition counts as started. Tree phase: systemd units enabled by a symbolic link in
 * a *.wants directory, and BusyBox network applets present as links (inventory).
 *
 * All files are hostile text; logical lines are capped at 4 KiB, words at 64 per command.
 */
#include "core/internal.h"

#include "analyzers/an_common.h"
#include "analyzers/analyzer.h"
#include "review/review_int.h"

#define MAX_FILE (1u << 20)
#define MAX_LINE 4096
#define MAX_WORDS 64
#define MAX_VARS 32

static const struct vt_rule r_telnet = {
	"VT-SVC-001",
	"services",
	VT_LEVEL_HIGH,
	"Telnet server started at boot",
	"CWE-319",
	"A telnet daemon is started at boot: logins and everything typed travel in cleartext, "
	"and telnet is the first door IoT botnets knock on. Critical when telnetd runs a shell "
	"directly (-l /bin/sh): a root shell for anyone who connects, with no login.",
	"Do not start telnetd; offer SSH with per-device keys or passwords, and only on the "
	"management network."};
static const struct vt_rule r_console = {
	"VT-SVC-002",
	"services",
	VT_LEVEL_MEDIUM,
	"Shell without login on a console",
	"CWE-306",
	"init starts a shell on a console or terminal without asking for a password (an "
	"inittab entry whose process is a shell, or getty -n -l /bin/sh): anyone with access "
	"to the serial port or screen gets a shell.",
	"Run getty/login on consoles, or disable the console in production units."};
static const struct vt_rule r_ftp = {
	"VT-SVC-003",
	"services",
	VT_LEVEL_MEDIUM,
	"FTP server started at boot",
	"CWE-319",
	"An FTP daemon is started at boot: credentials and files travel in cleartext.",
	"Remove the FTP server or replace it with SFTP; never enable anonymous access."};
static const struct vt_rule r_tftp = {
	"VT-SVC-004",
	"services",
	VT_LEVEL_MEDIUM,
	"TFTP server started at boot",
	"CWE-306",
	"A TFTP daemon is started at boot: TFTP has no authentication at all, so anyone on the "
	"network can read (and often write) the files it serves.",
	"Do not start a TFTP server on production units."};
static const struct vt_rule r_upnp = {
	"VT-SVC-006",
	"services",
	VT_LEVEL_MEDIUM,
	"UPnP daemon started at boot",
	"CWE-306",
	"A UPnP daemon is started at boot: UPnP IGD lets any host on the LAN (or malware on it) "
	"open ports through the router without authentication.",
	"Disable UPnP by default; let the user enable it knowingly."};
static const struct vt_rule r_snmpd = {
	"VT-SVC-007",
	"services",
	VT_LEVEL_LOW,
	"SNMP agent started at boot",
	"CWE-319",
	"An SNMP agent is started at boot. SNMP v1/v2c authenticates with cleartext "
	"communities (see VT-ACCT-008 for default communities).",
	"Disable SNMP by default or use SNMPv3 with per-device credentials."};
static const struct vt_rule r_service = {
	"VT-SVC-008",
	"services",
	VT_LEVEL_INFO,
	"Network service started at boot",
	NULL,
	"Inventory: a network service (web server, SSH server, inetd, ...) is started at boot. "
	"Not a problem by itself; it is the attack surface a reviewer should know.",
	"Check that each service is needed, documented and listens only where it must."};
static const struct vt_rule r_applet = {
	"VT-SVC-009",
	"services",
	VT_LEVEL_INFO,
	"BusyBox network server applet present",
	NULL,
	"Inventory: BusyBox is installed with a network server applet link (telnetd, ftpd, "
	"tftpd, httpd, inetd). It is not necessarily started, but anyone who can run a "
	"command can start it.",
	"Build BusyBox without server applets the product does not use."};

static const struct vt_rule r_ssh = {
	"VT-SVC-005",
	"services",
	VT_LEVEL_MEDIUM,
	"SSH server allows root password login",
	"CWE-287",
	"The SSH server is started in a way that lets root log in with a password (dropbear "
	"without -w, -g or -s; sshd_config PermitRootLogin yes), or allows empty passwords "
	"(PermitEmptyPasswords yes, high): password guessing against root is possible.",
	"Disallow root password logins (dropbear -g or -w; PermitRootLogin prohibit-password "
	"or no) and never permit empty passwords."};

static const struct vt_rule *const rules[] = {&r_telnet, &r_console, &r_ftp,	 &r_tftp,   &r_ssh,
					      &r_upnp,	 &r_snmpd,   &r_service, &r_applet, NULL};

const char *vti_svc_name(enum vti_svc s)
{
	static const char *const names[] = {"none",	"telnetd", "ftpd",  "tftpd",
					    "dropbear", "sshd",	   "httpd", "upnpd",
					    "snmpd",	"inetd",   "shell", "getty"};
	return (unsigned)s < VT_ARRAY_LEN(names) ? names[s] : "unknown";
}

struct prog_name {
	const char *name;
	enum vti_svc svc;
};

static const struct prog_name progs[] = {
	{"telnetd", VTI_SVC_TELNETD},	 {"utelnetd", VTI_SVC_TELNETD},
	{"in.telnetd", VTI_SVC_TELNETD}, {"telnetd.sh", VTI_SVC_TELNETD},
	{"ftpd", VTI_SVC_FTPD},		 {"vsftpd", VTI_SVC_FTPD},
	{"bftpd", VTI_SVC_FTPD},	 {"proftpd", VTI_SVC_FTPD},
	{"pure-ftpd", VTI_SVC_FTPD},	 {"in.ftpd", VTI_SVC_FTPD},
	{"stupid-ftpd", VTI_SVC_FTPD},	 {"tftpd", VTI_SVC_TFTPD},
	{"in.tftpd", VTI_SVC_TFTPD},	 {"atftpd", VTI_SVC_TFTPD},
	{"tftpd-hpa", VTI_SVC_TFTPD},	 {"dropbear", VTI_SVC_DROPBEAR},
	{"sshd", VTI_SVC_SSHD},		 {"httpd", VTI_SVC_HTTPD},
	{"lighttpd", VTI_SVC_HTTPD},	 {"uhttpd", VTI_SVC_HTTPD},
	{"boa", VTI_SVC_HTTPD},		 {"mini_httpd", VTI_SVC_HTTPD},
	{"thttpd", VTI_SVC_HTTPD},	 {"goahead", VTI_SVC_HTTPD},
	{"nginx", VTI_SVC_HTTPD},	 {"apache2", VTI_SVC_HTTPD},
	{"webs", VTI_SVC_HTTPD},	 {"upnpd", VTI_SVC_UPNPD},
	{"miniupnpd", VTI_SVC_UPNPD},	 {"upnpd-igd", VTI_SVC_UPNPD},
	{"snmpd", VTI_SVC_SNMPD},	 {"mini_snmpd", VTI_SVC_SNMPD},
	{"inetd", VTI_SVC_INETD},	 {"xinetd", VTI_SVC_INETD},
	{"sh", VTI_SVC_SHELL},		 {"ash", VTI_SVC_SHELL},
	{"bash", VTI_SVC_SHELL},	 {"dash", VTI_SVC_SHELL},
	{"hush", VTI_SVC_SHELL},	 {"getty", VTI_SVC_GETTY},
	{"agetty", VTI_SVC_GETTY},	 {"mingetty", VTI_SVC_GETTY},
	{"login", VTI_SVC_GETTY},
};

static enum vti_svc prog_svc(const char *w)
{
	const char *b = strrchr(w, '/');
	b = b ? b + 1 : w;
	for (size_t i = 0; i < VT_ARRAY_LEN(progs); i++)
		if (!strcmp(b, progs[i].name))
			return progs[i].svc;
	return VTI_SVC_NONE;
}

static bool is_shell_path(const char *w)
{
	return w && prog_svc(w) == VTI_SVC_SHELL;
}

/* Splits a NUL-terminated command into words (quotes removed, no expansion); returns the
 * count. Word starts are recorded as offsets into the original text. */
static size_t words(char *s, char **w, size_t *woff, size_t max)
{
	size_t n = 0;
	char *p = s, *o = s;
	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		woff[n] = (size_t)(p - s);
		w[n] = o;
		char q = 0;
		while (*p && (q || (*p != ' ' && *p != '\t'))) {
			if (!q && (*p == '"' || *p == '\'')) {
				q = *p++;
				continue;
			}
			if (q && *p == q) {
				q = 0;
				p++;
				continue;
			}
			*o++ = *p++;
		}
		bool end = !*p;
		*o++ = 0;
		if (!end)
			p++;
		n++;
		if (end)
			break;
		if (o > p) /* cannot happen: o never passes p */
			break;
	}
	return n;
}

static bool has_flag(char **w, size_t n, size_t from, char flag)
{
	for (size_t i = from; i < n; i++)
		if (w[i][0] == '-' && w[i][1] != '-' && w[i][1] && strchr(w[i] + 1, flag))
			return true;
	return false;
}

/* The value of option `opt` ("-l") among w[from..n), NULL if absent. */
static const char *opt_val(char **w, size_t n, size_t from, const char *opt)
{
	size_t k = strlen(opt);
	for (size_t i = from; i < n; i++) {
		if (!strcmp(w[i], opt))
			return i + 1 < n ? w[i + 1] : NULL;
		if (!strncmp(w[i], opt, k) && w[i][k] && opt[1] != '-')
			return w[i] + k;
	}
	return NULL;
}

bool vti_cmd_classify(const char *cmd, size_t n, struct vt_arena *a, struct vti_cmd *out)
{
	memset(out, 0, sizeof(*out));
	n = VT_MIN(n, (size_t)MAX_LINE);
	char *buf = vt_arena_strndup(a, cmd, n);
	if (!buf)
		return false;
	char *w[MAX_WORDS];
	size_t woff[MAX_WORDS];
	size_t nw = words(buf, w, woff, MAX_WORDS);
	size_t i = 0;
	static const char *const skip[] = {"exec",
					   "nohup",
					   "then",
					   "else",
					   "do",
					   "!",
					   "{",
					   "(",
					   "time",
					   "nice",
					   "setsid",
					   "chroot",
					   "command",
					   "builtin",
					   "reopen-console",
					   "/sbin/reopen-console"};
	while (i < nw) {
		char *x = w[i];
		bool sk = false;
		for (size_t j = 0; j < VT_ARRAY_LEN(skip) && !sk; j++)
			sk = !strcmp(x, skip[j]);
		if (sk) {
			i++;
			continue;
		}
		if (!strcmp(x, "env") || !strcmp(x, "/usr/bin/env")) {
			i++;
			while (i < nw && (w[i][0] == '-' || strchr(w[i], '=')))
				i++;
			continue;
		}
		if (strchr(x, '=') && x[0] != '=' && x[0] != '-' && x[0] != '/') {
			i++; /* NAME=value prefix */
			continue;
		}
		if (!strcmp(x, "busybox") || vti_ends_with(x, "/busybox")) {
			i++;
			continue;
		}
		if (!strcmp(x, "tcpsvd") || !strcmp(x, "udpsvd") || vti_ends_with(x, "/tcpsvd") ||
		    vti_ends_with(x, "/udpsvd")) {
			/* tcpsvd [opts] IP PORT PROG ARGS: the first known program after it */
			size_t j = i + 1;
			while (j < nw && prog_svc(w[j]) == VTI_SVC_NONE)
				j++;
			if (j >= nw)
				return false;
			i = j;
			break;
		}
		if (!strcmp(x, "start-stop-daemon") || vti_ends_with(x, "/start-stop-daemon")) {
			const char *p = opt_val(w, nw, i + 1, "-x");
			if (!p)
				p = opt_val(w, nw, i + 1, "--exec");
			if (!p)
				p = opt_val(w, nw, i + 1, "-a");
			if (!p)
				p = opt_val(w, nw, i + 1, "--startas");
			if (!p || has_flag(w, nw, i + 1, 'K') || has_flag(w, nw, i + 1, 'T'))
				return false;
			/* the program's own arguments follow "--" */
			size_t j = i + 1;
			while (j < nw && strcmp(w[j], "--"))
				j++;
			/* reuse: put the program in place of "--" */
			if (j < nw) {
				w[j] = (char *)p;
				woff[j] = woff[i];
				i = j;
			} else {
				w[i] = (char *)p;
			}
			break;
		}
		break;
	}
	if (i >= nw)
		return false;
	char *prog = w[i];
	if (prog[0] == '-' && prog[1] == '/')
		prog++; /* inittab "-/bin/sh": a login shell */
	enum vti_svc s = prog_svc(prog);
	if (s == VTI_SVC_NONE)
		return false;
	out->svc = s;
	const char *b = strrchr(prog, '/');
	out->prog = b ? b + 1 : prog;
	out->prog_off = woff[i];
	switch (s) {
	case VTI_SVC_TELNETD:
		out->no_login = is_shell_path(opt_val(w, nw, i + 1, "-l"));
		break;
	case VTI_SVC_GETTY:
		out->no_login =
			has_flag(w, nw, i + 1, 'n') && is_shell_path(opt_val(w, nw, i + 1, "-l"));
		break;
	case VTI_SVC_DROPBEAR:
		out->root_password = !has_flag(w, nw, i + 1, 'w') && !has_flag(w, nw, i + 1, 'g') &&
				     !has_flag(w, nw, i + 1, 's');
		break;
	case VTI_SVC_SHELL:
		/* "sh -c CMD" and "sh SCRIPT" run something else, not an interactive shell */
		if (i + 1 < nw && (w[i + 1][0] != '-' || !strcmp(w[i + 1], "-c")))
			return false;
		out->no_login = true;
		break;
	default:
		break;
	}
	return true;
}

vt_err vti_inittab_parse(struct vt_span s, struct vt_arena *a, size_t max, struct vti_initent **out,
			 size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0, k = 0, pos = 0, off;
	struct vti_initent *v = NULL;
	struct vt_span line;
	while (k < max && vti_line_next(s, &pos, &line, &off)) {
		struct vt_span t = vti_trim(line);
		if (!t.len || t.p[0] == '#')
			continue;
		/* id:runlevels:action:process (the process may contain ':') */
		size_t c[3], nc = 0;
		for (size_t i = 0; i < t.len && nc < 3; i++)
			if (t.p[i] == ':')
				c[nc++] = i;
		if (nc < 3)
			continue;
		if (k == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct vti_initent *nv = vt_arena_alloc(a, ncap * sizeof(*nv));
			if (!nv)
				return VT_ENOMEM;
			if (k)
				memcpy(nv, v, k * sizeof(*nv));
			v = nv;
			cap = ncap;
		}
		const char *p = (const char *)t.p;
		v[k].id = vt_arena_strndup(a, p, c[0]);
		v[k].runlevels = vt_arena_strndup(a, p + c[0] + 1, c[1] - c[0] - 1);
		v[k].action = vt_arena_strndup(a, p + c[1] + 1, c[2] - c[1] - 1);
		v[k].process = vt_arena_strndup(a, p + c[2] + 1, t.len - c[2] - 1);
		v[k].off = off + (size_t)(t.p - line.p);
		v[k].len = t.len;
		if (!v[k].id || !v[k].runlevels || !v[k].action || !v[k].process)
			return VT_ENOMEM;
		k++;
	}
	*out = v;
	*n = k;
	return VT_OK;
}

static struct vt_span unquote_span(struct vt_span v)
{
	if (v.len >= 2 && (v.p[0] == '"' || v.p[0] == '\'') && v.p[v.len - 1] == v.p[0])
		return vt_span_make(v.p + 1, v.len - 2);
	return v;
}

/* --- reporting --- */

static void report(struct vti_actx *c, struct vt_object *o, const struct vti_cmd *cmd, size_t off,
		   const char *text, size_t len, const char *where)
{
	switch (cmd->svc) {
	case VTI_SVC_TELNETD: {
		struct vt_finding *f = vti_finding(
			c, o, &r_telnet, true, off, text, len, "%s starts telnet server '%s'%s",
			where, cmd->prog, cmd->no_login ? " running a shell without login" : "");
		if (f && cmd->no_login)
			f->severity = VT_LEVEL_CRITICAL;
		break;
	}
	case VTI_SVC_FTPD:
		vti_finding(c, o, &r_ftp, true, off, text, len, "%s starts FTP server '%s'", where,
			    cmd->prog);
		break;
	case VTI_SVC_TFTPD:
		vti_finding(c, o, &r_tftp, true, off, text, len, "%s starts TFTP server '%s'",
			    where, cmd->prog);
		break;
	case VTI_SVC_UPNPD:
		vti_finding(c, o, &r_upnp, true, off, text, len, "%s starts UPnP daemon '%s'",
			    where, cmd->prog);
		break;
	case VTI_SVC_SNMPD:
		vti_finding(c, o, &r_snmpd, true, off, text, len, "%s starts SNMP agent '%s'",
			    where, cmd->prog);
		break;
	case VTI_SVC_DROPBEAR:
		if (cmd->root_password)
			vti_finding(
				c, o, &r_ssh, true, off, text, len,
				"%s starts dropbear without -w, -g or -s: root may log in with a "
				"password",
				where);
		else
			vti_finding(c, o, &r_service, true, off, text, len,
				    "%s starts SSH server '%s'", where, cmd->prog);
		break;
	case VTI_SVC_SSHD:
	case VTI_SVC_HTTPD:
	case VTI_SVC_INETD:
		vti_finding(c, o, &r_service, true, off, text, len, "%s starts %s '%s'", where,
			    cmd->svc == VTI_SVC_SSHD	? "SSH server"
			    : cmd->svc == VTI_SVC_HTTPD ? "web server"
							: "super-server",
			    cmd->prog);
		break;
	case VTI_SVC_SHELL:
	case VTI_SVC_GETTY:
		if (cmd->no_login)
			vti_finding(c, o, &r_console, true, off, text, len,
				    "%s runs a shell ('%s') without login", where, cmd->prog);
		break;
	default:
		break;
	}
}

/* --- object phase --- */

enum file_kind { F_NONE, F_INITTAB, F_SCRIPT, F_INETD, F_XINETD, F_SSHD, F_UNIT };

static enum file_kind file_kind(const struct vt_object *o)
{
	const char *p = o->fspath;
	if (!p)
		return F_NONE;
	if (!strcmp(p, "/etc/inittab"))
		return F_INITTAB;
	if (!strcmp(p, "/etc/inetd.conf"))
		return F_INETD;
	if (vti_path_under(p, "/etc/xinetd.d"))
		return F_XINETD;
	if (vti_ends_with(p, "/sshd_config"))
		return F_SSHD;
	if (vti_path_under(p, "/etc/init.d") || vti_path_under(p, "/etc/rc.d") ||
	    vti_path_under(p, "/etc/init") || !strcmp(p, "/etc/rc.local") ||
	    !strcmp(p, "/etc/rcS") || !strcmp(p, "/etc/rc") || !strcmp(p, "/etc/preinit"))
		return F_SCRIPT;
	if (!strncmp(p, "/etc/rc", 7) && strlen(p) > 11 && !strncmp(p + 8, ".d/", 3))
		return F_SCRIPT; /* /etc/rc0.d ... /etc/rcS.d */
	return F_NONE;
}

static bool svc_wants(const struct vt_object *o, struct vt_span s)
{
	return o->size <= MAX_FILE && file_kind(o) != F_NONE;
}

struct var {
	char name[32];
	char value[256];
};

/* Replaces "$NAME" and "${NAME}" by known values; out is NUL-terminated. */
static void substitute(const char *in, size_t n, const struct var *v, size_t nv, char *out,
		       size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap;) {
		if (in[i] == '$' && i + 1 < n) {
			size_t b = i + 1, e;
			bool br = in[b] == '{';
			if (br)
				b++;
			e = b;
			while (e < n &&
			       (in[e] == '_' || (in[e] >= 'A' && in[e] <= 'Z') ||
				(in[e] >= 'a' && in[e] <= 'z') || (in[e] >= '0' && in[e] <= '9')))
				e++;
			size_t len = e - b;
			const char *val = NULL;
			for (size_t j = 0; j < nv && !val && len; j++)
				if (strlen(v[j].name) == len && !memcmp(v[j].name, in + b, len))
					val = v[j].value;
			if (val && (!br || (e < n && in[e] == '}'))) {
				size_t vl = strlen(val);
				if (k + vl + 1 >= cap)
					break;
				memcpy(out + k, val, vl);
				k += vl;
				i = e + (br ? 1 : 0);
				continue;
			}
		}
		out[k++] = in[i++];
	}
	out[k] = 0;
}

static void scan_script(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	struct var vars[MAX_VARS];
	size_t nv = 0, pos = 0, found = 0;
	char logical[MAX_LINE], sub[MAX_LINE];
	while (pos < s.len && found < 32) {
		/* one logical line: physical lines joined at a trailing backslash */
		size_t start = pos, k = 0, off;
		struct vt_span line;
		bool more = true;
		while (more && vti_line_next(s, &pos, &line, &off)) {
			more = line.len && line.p[line.len - 1] == '\\';
			size_t take = line.len - (more ? 1 : 0);
			take = VT_MIN(take, sizeof(logical) - 1 - k);
			memcpy(logical + k, line.p, take);
			k += take;
		}
		logical[k] = 0;
		/* comments: from a '#' at the start of a word (not inside quotes) */
		bool sq = false, dq = false;
		for (size_t i = 0; i < k; i++) {
			char ch = logical[i];
			if (ch == '\'' && !dq)
				sq = !sq;
			else if (ch == '"' && !sq)
				dq = !dq;
			else if (ch == '#' && !sq && !dq &&
				 (i == 0 || logical[i - 1] == ' ' || logical[i - 1] == '\t')) {
				k = i;
				logical[k] = 0;
				break;
			}
		}
		/* NAME=value (one word) */
		struct vt_span t = vti_trim(vt_span_make(logical, k));
		size_t eq = 0;
		while (eq < t.len && (t.p[eq] == '_' || (t.p[eq] >= 'A' && t.p[eq] <= 'Z') ||
				      (t.p[eq] >= 'a' && t.p[eq] <= 'z') ||
				      (eq && t.p[eq] >= '0' && t.p[eq] <= '9')))
			eq++;
		if (eq && eq < 32 && eq < t.len && t.p[eq] == '=' &&
		    !memchr(t.p + eq, ' ', t.len - eq) && nv < MAX_VARS) {
			struct vt_span val =
				unquote_span(vt_span_make(t.p + eq + 1, t.len - eq - 1));
			memcpy(vars[nv].name, t.p, eq);
			vars[nv].name[eq] = 0;
			size_t vl = VT_MIN(val.len, sizeof(vars[nv].value) - 1);
			memcpy(vars[nv].value, val.p, vl);
			vars[nv].value[vl] = 0;
			nv++;
			continue;
		}
		substitute(logical, k, vars, nv, sub, sizeof(sub));
		/* split into simple commands at ; & | and newlines */
		size_t sl = strlen(sub), b = 0;
		for (size_t i = 0; i <= sl; i++) {
			if (i < sl && sub[i] != ';' && sub[i] != '&' && sub[i] != '|' &&
			    sub[i] != '`' && sub[i] != '(' && sub[i] != ')')
				continue;
			struct vti_cmd cmd;
			if (i > b && vti_cmd_classify(sub + b, i - b, c->a, &cmd)) {
				report(c, o, &cmd, start, (const char *)s.p + start,
				       VT_MIN(pos - start, (size_t)200), "boot script");
				found++;
			}
			b = i + 1;
		}
	}
}

static void scan_inittab(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	struct vti_initent *e;
	size_t n;
	if (vti_inittab_parse(s, c->a, 256, &e, &n))
		return;
	static const char *const acts[] = {"sysinit",  "respawn", "once",     "wait",
					   "askfirst", "boot",	  "bootwait", "ondemand"};
	for (size_t i = 0; i < n; i++) {
		bool act = false;
		for (size_t j = 0; j < VT_ARRAY_LEN(acts) && !act; j++)
			act = !strcmp(e[i].action, acts[j]);
		if (!act)
			continue;
		struct vti_cmd cmd;
		if (vti_cmd_classify(e[i].process, strlen(e[i].process), c->a, &cmd)) {
			char where[96];
			snprintf(where, sizeof(where), "inittab (%s%s%s)",
				 e[i].id[0] ? e[i].id : "", e[i].id[0] ? ", " : "", e[i].action);
			report(c, o, &cmd, e[i].off, (const char *)s.p + e[i].off, e[i].len, where);
		}
	}
}

static void scan_inetd(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	size_t pos = 0, off;
	struct vt_span line;
	while (vti_line_next(s, &pos, &line, &off)) {
		struct vt_span t = vti_trim(line);
		if (!t.len || t.p[0] == '#')
			continue;
		/* service socktype proto wait user server args: classify from the 6th word */
		size_t w = 0, i = 0;
		while (i < t.len && w < 5) {
			while (i < t.len && t.p[i] != ' ' && t.p[i] != '\t')
				i++;
			while (i < t.len && (t.p[i] == ' ' || t.p[i] == '\t'))
				i++;
			w++;
		}
		if (w < 5 || i >= t.len)
			continue;
		struct vti_cmd cmd;
		if (vti_cmd_classify((const char *)t.p + i, t.len - i, c->a, &cmd))
			report(c, o, &cmd, off, (const char *)t.p, t.len, "inetd.conf");
		else if (t.len >= 6 && !strncmp((const char *)t.p, "telnet", 6)) {
			/* "telnet stream tcp nowait root /usr/sbin/tcpd in.telnetd" and the like */
			struct vti_cmd tc = {.svc = VTI_SVC_TELNETD, .prog = "telnet (inetd)"};
			report(c, o, &tc, off, (const char *)t.p, t.len, "inetd.conf");
		}
	}
}

static void scan_xinetd(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	size_t pos = 0, off, soff = 0;
	struct vt_span line, server = {0};
	bool disabled = false;
	while (vti_line_next(s, &pos, &line, &off)) {
		struct vt_span t = vti_trim(line);
		if (t.len >= 6 && !strncmp((const char *)t.p, "server", 6) &&
		    memchr(t.p, '=', t.len) &&
		    (t.len == 6 || t.p[6] == ' ' || t.p[6] == '\t' || t.p[6] == '=')) {
			const uint8_t *eq = memchr(t.p, '=', t.len);
			server = vti_trim(vt_span_make(eq + 1, t.len - (size_t)(eq + 1 - t.p)));
			soff = off;
		}
		if (t.len >= 7 && !strncmp((const char *)t.p, "disable", 7) &&
		    memchr(t.p, '=', t.len)) {
			const uint8_t *eq = memchr(t.p, '=', t.len);
			struct vt_span v =
				vti_trim(vt_span_make(eq + 1, t.len - (size_t)(eq + 1 - t.p)));
			disabled = v.len == 3 && !strncmp((const char *)v.p, "yes", 3);
		}
	}
	struct vti_cmd cmd;
	if (server.len && !disabled &&
	    vti_cmd_classify((const char *)server.p, server.len, c->a, &cmd))
		report(c, o, &cmd, soff, (const char *)server.p, server.len, "xinetd service");
}

static void scan_sshd(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	size_t pos = 0, off;
	struct vt_span line;
	while (vti_line_next(s, &pos, &line, &off)) {
		struct vt_span t = vti_trim(line);
		if (t.len >= 18 && !strncasecmp((const char *)t.p, "PermitRootLogin", 15)) {
			struct vt_span v = vti_trim(vt_span_make(t.p + 15, t.len - 15));
			if (v.len == 3 && !strncasecmp((const char *)v.p, "yes", 3))
				vti_finding(c, o, &r_ssh, true, off, (const char *)t.p, t.len,
					    "sshd_config permits root logins with a password");
		}
		if (t.len >= 24 && !strncasecmp((const char *)t.p, "PermitEmptyPasswords", 20)) {
			struct vt_span v = vti_trim(vt_span_make(t.p + 20, t.len - 20));
			if (v.len == 3 && !strncasecmp((const char *)v.p, "yes", 3)) {
				struct vt_finding *f =
					vti_finding(c, o, &r_ssh, true, off, (const char *)t.p,
						    t.len, "sshd_config permits empty passwords");
				if (f)
					f->severity = VT_LEVEL_HIGH;
			}
		}
	}
}

static void svc_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	switch (file_kind(o)) {
	case F_INITTAB:
		scan_inittab(c, o, s);
		break;
	case F_SCRIPT:
		if (vti_is_text(o, s))
			scan_script(c, o, s);
		break;
	case F_INETD:
		scan_inetd(c, o, s);
		break;
	case F_XINETD:
		scan_xinetd(c, o, s);
		break;
	case F_SSHD:
		scan_sshd(c, o, s);
		break;
	default:
		break;
	}
}

/* --- tree phase: systemd enablement links, BusyBox applets --- */

static const char *const unit_dirs[] = {"/etc/systemd/system", "/lib/systemd/system",
					"/usr/lib/systemd/system"};

static void check_unit(struct vti_actx *c, struct vt_object *link)
{
	const char *name = vti_basename(link);
	struct vt_object *u = vti_fs_lookup(c->r, link->fsroot, link->fspath, true);
	for (size_t i = 0; (!u || u->kind != VT_OBJ_FILE) && i < VT_ARRAY_LEN(unit_dirs); i++) {
		char p[1024];
		snprintf(p, sizeof(p), "%s/%s", unit_dirs[i], name);
		u = vti_fs_lookup(c->r, link->fsroot, p, true);
	}
	if (!u || u->kind != VT_OBJ_FILE)
		return;
	struct vt_span s;
	if (vti_object_read(c, u, MAX_FILE, &s))
		return;
	size_t pos = 0, off;
	struct vt_span line;
	bool socket = vti_ends_with(name, ".socket");
	while (vti_line_next(s, &pos, &line, &off)) {
		struct vt_span t = vti_trim(line);
		if (t.len > 10 && !strncmp((const char *)t.p, "ExecStart=", 10)) {
			size_t k = 10;
			while (k < t.len && (t.p[k] == '-' || t.p[k] == '@' || t.p[k] == '+' ||
					     t.p[k] == '!' || t.p[k] == ':'))
				k++;
			struct vti_cmd cmd;
			if (vti_cmd_classify((const char *)t.p + k, t.len - k, c->a, &cmd))
				report(c, u, &cmd, off, (const char *)t.p, t.len,
				       "enabled systemd unit");
		}
	}
	/* telnet.socket and the like: the socket unit starts the service on connection */
	if (socket) {
		char base[256];
		snprintf(base, sizeof(base), "%.*s", (int)(strlen(name) - 7), name);
		struct vti_cmd cmd;
		char *at = strchr(base, '@');
		if (at)
			*at = 0;
		if (vti_cmd_classify(base, strlen(base), c->a, &cmd))
			report(c, u, &cmd, 0, NULL, 0, "enabled systemd socket unit");
		else if (!strcmp(base, "telnet")) {
			struct vti_cmd tc = {.svc = VTI_SVC_TELNETD, .prog = "telnet.socket"};
			report(c, u, &tc, 0, NULL, 0, "enabled systemd socket unit");
		}
	}
}

static void svc_tree(struct vti_actx *c)
{
	struct vt_review *r = c->r;
	for (size_t i = 0; i < r->n_objects; i++) {
		struct vt_object *o = r->objects[i];
		if (o->kind != VT_OBJ_SYMLINK || !o->fspath || !o->link_target)
			continue;
		if (strstr(o->fspath, "/systemd/system/") && strstr(o->fspath, ".wants/")) {
			check_unit(c, o);
			continue;
		}
		const char *b = vti_basename(o);
		static const char *const applets[] = {"telnetd", "ftpd", "tftpd", "httpd", "inetd"};
		bool ap = false;
		for (size_t j = 0; j < VT_ARRAY_LEN(applets) && !ap; j++)
			ap = !strcmp(b, applets[j]);
		if (ap && (!strcmp(o->link_target, "busybox") ||
			   vti_ends_with(o->link_target, "/busybox")))
			vti_finding(c, o, &r_applet, false, 0, o->link_target,
				    strlen(o->link_target),
				    "BusyBox applet '%s' is installed (%s -> %s)", b, o->fspath,
				    o->link_target);
	}
}

const struct vti_analyzer vti_an_services = {
	.name = "services",
	.version = 1,
	.description = "network services and shells started at boot (inittab, init scripts, "
		       "systemd, inetd)",
	.rules = rules,
	.wants = svc_wants,
	.object = svc_object,
	.tree = svc_tree,
};
