/* an_common.h - helpers and parsers shared by the hidden-functionality analyzers
 * (accounts, services, crypto, secrets, network, filesystem posture, YARA).
 *
 * The parsers are separate from the analyzers so that unit tests and fuzz harnesses can
 * run them on arbitrary bytes without a review. Every parser takes hostile input as a
 * span, never reads outside it, caps how much it returns, and reports malformed input
 * by skipping it (text formats) or with VT_EFORMAT/VT_ETRUNC (binary formats).
 */
#ifndef VTI_AN_COMMON_H
#define VTI_AN_COMMON_H

#include "core/internal.h"

/* --- text helpers --- */

/* The next line of s from *pos (without its "\n" or "\r\n"); false at the end. */
bool vti_line_next(struct vt_span s, size_t *pos, struct vt_span *line, size_t *line_off);

/* Without leading and trailing blanks (space, tab, CR). */
struct vt_span vti_trim(struct vt_span s);

/* Shannon entropy of the bytes, in bits per byte. */
double vti_entropy(const uint8_t *p, size_t n);

/* True when path equals dir or is below it ("/etc/init.d" holds "/etc/init.d/rcS"). */
bool vti_path_under(const char *path, const char *dir);
/* True when s ends with suffix. */
bool vti_ends_with(const char *s, const char *suffix);

/* True for archives, compressed data and filesystem images: their content is analysed
 * through the objects unpacked from them, not as bytes. */
bool vti_is_container(const struct vt_object *o);
/* True for text (scripts, configuration): by MIME type, else by the first bytes. */
bool vti_is_text(const struct vt_object *o, struct vt_span s);

/* Writes "PREFIX... (N chars)" for a secret: at most `show` leading characters. */
void vti_redact(char *out, size_t cap, const char *secret, size_t n, size_t show);

/* A printable copy of at most `max` bytes of s, from arena a (non-printable bytes as '.').*/
char *vti_strndup_printable(struct vt_arena *a, const uint8_t *p, size_t n, size_t max);

/* --- accounts: /etc/passwd, /etc/shadow, /etc/group --- */

struct vti_pwent {
	const char *name, *passwd, *gecos, *home, *shell;
	long uid, gid; /* -1 when not a number */
	size_t off;    /* of the line in the file */
	size_t len;    /* of the line */
};

/* Parses passwd(5) lines ("name:pw:uid:gid:gecos:home:shell"); malformed lines, comments
 * and NIS "+"/"-" lines are skipped. At most `max` entries. Strings are copied into a. */
vt_err vti_passwd_parse(struct vt_span s, struct vt_arena *a, size_t max, struct vti_pwent **out,
			size_t *n) VT_MUST_CHECK;

struct vti_spent {
	const char *name, *hash;
	size_t off, len;
};

/* Parses shadow(5) lines ("name:hash:..."), at most `max` entries. */
vt_err vti_shadow_parse(struct vt_span s, struct vt_arena *a, size_t max, struct vti_spent **out,
			size_t *n) VT_MUST_CHECK;

enum vti_hash_kind {
	VTI_HASH_EMPTY,	   /* "": no password at all */
	VTI_HASH_LOCKED,   /* "*", "!", "!!", "!..." (locked), "x" without shadow */
	VTI_HASH_DES,	   /* traditional 13-character crypt */
	VTI_HASH_BSDI,	   /* _ extended DES */
	VTI_HASH_MD5,	   /* $1$ */
	VTI_HASH_BCRYPT,   /* $2a$ $2b$ $2y$ */
	VTI_HASH_SHA256,   /* $5$ */
	VTI_HASH_SHA512,   /* $6$ */
	VTI_HASH_YESCRYPT, /* $y$ $7$ $gy$ */
	VTI_HASH_OTHER,	   /* anything else (unknown scheme, malformed) */
};

enum vti_hash_kind vti_hash_kind(const char *hash);
const char *vti_hash_kind_name(enum vti_hash_kind k);

/* --- services: inittab and command lines --- */

struct vti_initent {
	const char *id, *runlevels, *action, *process;
	size_t off, len;
};

/* Parses inittab(5) lines, SysV ("id:rl:action:process") and BusyBox ("tty::action:process"
 * with an empty runlevel field) alike; at most `max` entries. */
vt_err vti_inittab_parse(struct vt_span s, struct vt_arena *a, size_t max, struct vti_initent **out,
			 size_t *n) VT_MUST_CHECK;

enum vti_svc {
	VTI_SVC_NONE = 0,
	VTI_SVC_TELNETD,
	VTI_SVC_FTPD,
	VTI_SVC_TFTPD,
	VTI_SVC_DROPBEAR,
	VTI_SVC_SSHD,
	VTI_SVC_HTTPD,
	VTI_SVC_UPNPD,
	VTI_SVC_SNMPD,
	VTI_SVC_INETD,
	VTI_SVC_SHELL, /* a shell as the process itself (a console shell) */
	VTI_SVC_GETTY, /* getty/login: fine unless it runs a shell without login */
	VTI_SVC_COUNT,
};

const char *vti_svc_name(enum vti_svc s);

struct vti_cmd {
	enum vti_svc svc;
	const char *prog;   /* the program's base name, in the arena */
	bool no_login;	    /* telnetd -l /bin/sh, getty -n -l /bin/sh: a shell without login */
	bool root_password; /* dropbear without -w/-g/-s: root may log in with a password */
	size_t prog_off;    /* offset of the program name in the command text */
};

/* Classifies one shell command (a line of an init script, an inittab process, an
 * ExecStart=): the first word that names a known network service or a shell, after
 * wrappers (start-stop-daemon -x/--exec/-a, nohup, exec, env, busybox, "-" login prefix).
 * False when the command starts no known service. */
bool vti_cmd_classify(const char *cmd, size_t n, struct vt_arena *a, struct vti_cmd *out);

/* --- crypto: PEM armour and OpenSSH keys --- */

struct vti_pem {
	char label[64];	 /* "CERTIFICATE", "RSA PRIVATE KEY", ... */
	size_t off, len; /* of the whole block, BEGIN line to END line */
	bool encrypted;	 /* "Proc-Type: 4,ENCRYPTED" header */
	uint8_t *der;	 /* the decoded body, from the arena */
	size_t der_len;
};

/* Finds the next PEM block at or after *pos and decodes its base64 body (bodies over
 * 1 MiB or with bad base64 are skipped). False when there is no further block. */
bool vti_pem_next(struct vt_span s, size_t *pos, struct vt_arena *a, struct vti_pem *out);

struct vti_sshkey {
	char cipher[32];    /* "none" for an unencrypted key */
	char keytype[32];   /* "ssh-ed25519", "ssh-rsa", ... */
	const uint8_t *pub; /* the public key blob (wire format), inside the input */
	size_t pub_len;
	unsigned bits; /* RSA modulus bits, 0 when unknown */
};

/* Parses the body of an "OPENSSH PRIVATE KEY" block (openssh-key-v1). */
vt_err vti_openssh_key_parse(struct vt_span der, struct vti_sshkey *out) VT_MUST_CHECK;

/* Facts about one DER certificate or key (OpenSSL). */
struct vti_x509_facts {
	bool is_cert, is_key, key_encrypted;
	char subject[256], issuer[256];
	char sigalg[64];
	char keyalg[32];
	int bits;
	bool self_signed, is_ca;
	int64_t not_before, not_after; /* Unix time; 0 when unknown */
	uint8_t spki_sha256[32];       /* SHA-256 of the DER SubjectPublicKeyInfo */
	bool has_spki;
};

/* Tries `der` as a certificate, then a private key (PKCS#1 RSA, SEC1 EC, PKCS#8,
 * encrypted PKCS#8). VT_EFORMAT when it is neither. `label` (may be NULL) is the PEM label. */
vt_err vti_der_facts(const uint8_t *der, size_t len, const char *label,
		     struct vti_x509_facts *f) VT_MUST_CHECK;

/* --- secrets --- */

enum vti_secret_kind {
	VTI_SEC_AWS_KEY_ID,
	VTI_SEC_AWS_SECRET,
	VTI_SEC_GCP_SA,
	VTI_SEC_GITHUB,
	VTI_SEC_SLACK,
	VTI_SEC_SLACK_WEBHOOK,
	VTI_SEC_GENERIC,
	VTI_SEC_COUNT,
};

struct vti_secret {
	enum vti_secret_kind kind;
	size_t off;	      /* of the secret value in the input */
	const uint8_t *value; /* inside the input */
	size_t len;
	const uint8_t *key; /* generic: the assignment's key ("password"), else NULL */
	size_t key_len;
	double entropy;
};

struct vti_secrets_db;
struct vti_secrets_scratch;

vt_err vti_secrets_db_new(struct vti_secrets_db **out) VT_MUST_CHECK;
void vti_secrets_db_free(struct vti_secrets_db *db);
vt_err vti_secrets_scratch_new(const struct vti_secrets_db *db,
			       struct vti_secrets_scratch **out) VT_MUST_CHECK;
void vti_secrets_scratch_free(struct vti_secrets_scratch *s);

/* Scans s; calls cb for each verified secret (at most `max`). `text` enables the generic
 * password=/token= assignments (configuration files and scripts only). */
vt_err vti_secrets_scan(const struct vti_secrets_db *db, struct vti_secrets_scratch *sc,
			struct vt_span s, bool text, size_t max,
			void (*cb)(const struct vti_secret *sec, void *ud), void *ud) VT_MUST_CHECK;

/* --- network endpoints --- */

enum vti_net_kind { VTI_NET_IPV4, VTI_NET_IPV6, VTI_NET_URL, VTI_NET_DOMAIN };

enum vti_net_class {
	VTI_NC_PUBLIC,
	VTI_NC_PRIVATE,
	VTI_NC_LOOPBACK,
	VTI_NC_LINKLOCAL,
	VTI_NC_MULTICAST,
	VTI_NC_RESERVED,  /* unspecified, broadcast, documentation, benchmarking, ... */
	VTI_NC_WELLKNOWN, /* public, but a well-known resolver, NTP or distribution host */
	VTI_NC_COUNT,
};

const char *vti_net_class_name(enum vti_net_class c);

struct vti_endpoint {
	enum vti_net_kind kind;
	enum vti_net_class cls;
	size_t off, len;     /* of the text in the input */
	const uint8_t *text; /* inside the input */
	const char *host;    /* URL or domain: the host name (points into host_buf) */
	char host_buf[256];
	const char *what; /* well-known: "NTP", "DNS resolver", "distribution" */
};

/* Scans s for IPv4 and IPv6 addresses, URLs and (with text) domain names; calls cb for
 * each (at most `max`). Version numbers ("version 1.2.3.4", "1.2.3.4.5"), netmasks and
 * OID-like sequences are not addresses. */
void vti_net_scan(struct vt_span s, bool text, size_t max,
		  void (*cb)(const struct vti_endpoint *ep, void *ud), void *ud);

/* Classifies an IPv4 address (host byte order). */
enum vti_net_class vti_ipv4_class(uint32_t ip, const char **what);
/* Classifies a host name (well-known NTP, resolvers, distribution hosts; else public). */
enum vti_net_class vti_host_class(const char *host, const char **what);

#endif
