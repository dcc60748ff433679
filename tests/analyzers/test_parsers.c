/* test_parsers.c - unit tests of the hidden-functionality analyzers' parsers (an_common.h):
 * passwd/shadow, hash schemes, inittab, command classification, PEM armour, OpenSSH keys,
 * DER, the secrets and network scanners. Each parser is also run on every truncation of
 * its input and on corrupted copies: it must never read outside the input (the ASan build
 * runs these tests) and must return no more than the intact input gives.
 *
 * Inputs are written here byte by byte from the formats' specifications (passwd(5),
 * inittab(5), RFC 7468 PEM, OpenSSH's PROTOCOL.key); expected values come from those
 * documents, not from vetter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzers/an_common.h"

static struct vt_arena *A;

static int setup(void **st)
{
	A = vt_arena_new();
	return A ? 0 : -1;
}

static int teardown(void **st)
{
	vt_arena_free(A);
	return 0;
}

/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
static uint8_t *exact(const void *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);
	assert_non_null(b);
	if (n)
		memcpy(b, p, n);
	return b;
}

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "# a comment\n"
			     "+nisuser::::::\n"
			     "daemon:*:1:1:daemon:/usr/sbin:/sbin/nologin\r\n"
			     "broken:x:2\n"
			     "toor:abcdefghijklm:0:0::/:\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin";

static void test_passwd(void **st)
{
	struct vti_pwent *e;
	size_t n;
	assert_int_equal(vti_passwd_parse(vt_span_make(passwd, strlen(passwd)), A, 100, &e, &n),
			 VT_OK);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].name, "root");
	assert_int_equal(e[0].uid, 0);
	assert_string_equal(e[1].shell, "/sbin/nologin"); /* CR removed */
	assert_string_equal(e[2].name, "toor");
	assert_string_equal(e[2].shell, "");
	assert_int_equal(vti_hash_kind(e[2].passwd), VTI_HASH_DES);
	assert_int_equal(e[3].uid, 65534);
	assert_int_equal(e[3].off, (size_t)(strstr(passwd, "nobody:") - passwd));
	/* max */
	assert_int_equal(vti_passwd_parse(vt_span_make(passwd, strlen(passwd)), A, 2, &e, &n),
			 VT_OK);
	assert_int_equal(n, 2);
	/* every truncation */
	for (size_t k = 0; k <= strlen(passwd); k++) {
		uint8_t *b = exact(passwd, k);
		assert_int_equal(vti_passwd_parse(vt_span_make(b, k), A, 100, &e, &n), VT_OK);
		assert_true(n <= 4);
		free(b);
	}
}

static void test_shadow_and_hashes(void **st)
{
	static const char sh[] = "root:$6$salt$abc:19000:0:99999:7:::\nnopw::19000::::::\n"
				 "lk:!:1\nx:*\n:nameless:1\nmd5:$1$ab$cd\n";
	struct vti_spent *e;
	size_t n;
	assert_int_equal(vti_shadow_parse(vt_span_make(sh, strlen(sh)), A, 100, &e, &n), VT_OK);
	assert_int_equal(n, 5);
	assert_int_equal(vti_hash_kind(e[0].hash), VTI_HASH_SHA512);
	assert_int_equal(vti_hash_kind(e[1].hash), VTI_HASH_EMPTY);
	assert_int_equal(vti_hash_kind(e[2].hash), VTI_HASH_LOCKED);
	assert_int_equal(vti_hash_kind(e[3].hash), VTI_HASH_LOCKED);
	assert_int_equal(vti_hash_kind(e[4].hash), VTI_HASH_MD5);
	assert_int_equal(vti_hash_kind("$y$j9T$a$b"), VTI_HASH_YESCRYPT);
	assert_int_equal(vti_hash_kind("$2b$10$abcdefghijklmnopqrstuu"), VTI_HASH_BCRYPT);
	assert_int_equal(vti_hash_kind("$5$x$y"), VTI_HASH_SHA256);
	assert_int_equal(vti_hash_kind("abc"), VTI_HASH_OTHER);
	assert_int_equal(vti_hash_kind("abcdefghijk!m"), VTI_HASH_OTHER);
	for (size_t k = 0; k <= strlen(sh); k++) {
		uint8_t *b = exact(sh, k);
		assert_int_equal(vti_shadow_parse(vt_span_make(b, k), A, 100, &e, &n), VT_OK);
		assert_true(n <= 5);
		free(b);
	}
}

static const char inittab[] = "# BusyBox\n::sysinit:/etc/init.d/rcS\n"
			      "ttyS0::respawn:/sbin/getty -L ttyS0 115200 vt100\n"
			      "::respawn:/usr/sbin/telnetd -F -l /bin/sh\n"
			      "id:2345:respawn:/sbin/getty 38400 tty1\n"
			      "bad:line\n"
			      "tty2::askfirst:-/bin/sh";

static void test_inittab(void **st)
{
	struct vti_initent *e;
	size_t n;
	assert_int_equal(vti_inittab_parse(vt_span_make(inittab, strlen(inittab)), A, 100, &e, &n),
			 VT_OK);
	assert_int_equal(n, 5);
	assert_string_equal(e[0].action, "sysinit");
	assert_string_equal(e[1].id, "ttyS0");
	assert_string_equal(e[2].process, "/usr/sbin/telnetd -F -l /bin/sh");
	assert_string_equal(e[3].runlevels, "2345");
	assert_string_equal(e[4].process, "-/bin/sh");
	for (size_t k = 0; k <= strlen(inittab); k++) {
		uint8_t *b = exact(inittab, k);
		assert_int_equal(vti_inittab_parse(vt_span_make(b, k), A, 100, &e, &n), VT_OK);
		assert_true(n <= 5);
		free(b);
	}
}

static void cls(const char *cmd, enum vti_svc want, bool no_login, bool root_pw)
{
	struct vti_cmd c;
	bool ok = vti_cmd_classify(cmd, strlen(cmd), A, &c);
	if (want == VTI_SVC_NONE) {
		if (ok)
			fail_msg("'%s' classified as %s", cmd, vti_svc_name(c.svc));
		return;
	}
	if (!ok)
		fail_msg("'%s' not classified", cmd);
	assert_int_equal(c.svc, want);
	assert_int_equal(c.no_login, no_login);
	assert_int_equal(c.root_password, root_pw);
}

static void test_commands(void **st)
{
	cls("/usr/sbin/telnetd -F -l /bin/sh", VTI_SVC_TELNETD, true, false);
	cls("telnetd -l/bin/login", VTI_SVC_TELNETD, false, false);
	cls("start-stop-daemon -S -q -x /usr/sbin/utelnetd -- -l /bin/ash", VTI_SVC_TELNETD, true,
	    false);
	cls("start-stop-daemon -K -x /usr/sbin/telnetd", VTI_SVC_NONE, false, false);
	cls("busybox telnetd", VTI_SVC_TELNETD, false, false);
	cls("nohup env A=1 /usr/sbin/dropbear -p 22", VTI_SVC_DROPBEAR, false, true);
	cls("dropbear -w -p 22", VTI_SVC_DROPBEAR, false, false);
	cls("dropbear -sg", VTI_SVC_DROPBEAR, false, false);
	cls("/sbin/getty -n -l /bin/sh 115200 ttyS0", VTI_SVC_GETTY, true, false);
	cls("/sbin/getty -L ttyS0 115200", VTI_SVC_GETTY, false, false);
	cls("-/bin/sh", VTI_SVC_SHELL, true, false);
	cls("sh -c 'echo hi'", VTI_SVC_NONE, false, false);
	cls("/bin/sh /etc/init.d/rcS", VTI_SVC_NONE, false, false);
	cls("killall telnetd", VTI_SVC_NONE, false, false);
	cls("[ -x /usr/sbin/telnetd ]", VTI_SVC_NONE, false, false);
	cls("tcpsvd -vE 0.0.0.0 21 ftpd -w /srv", VTI_SVC_FTPD, false, false);
	cls("in.tftpd -l -s /srv", VTI_SVC_TFTPD, false, false);
	cls("/usr/sbin/miniupnpd -f /etc/miniupnpd.conf", VTI_SVC_UPNPD, false, false);
	cls("", VTI_SVC_NONE, false, false);
	cls("\"unterminated", VTI_SVC_NONE, false, false);
	cls("start-stop-daemon -x", VTI_SVC_NONE, false, false);
	/* truncations of a long command */
	const char *c = "start-stop-daemon -S -x /usr/sbin/telnetd -- -l /bin/sh -p 23";
	for (size_t k = 0; k <= strlen(c); k++) {
		struct vti_cmd r;
		uint8_t *b = exact(c, k);
		(void)vti_cmd_classify((const char *)b, k, A, &r);
		free(b);
	}
}

/* "hello" in base64 is aGVsbG8= */
static const char pem[] = "junk\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
			  "DEK-Info: AES-128-CBC,00\n\naGVs\nbG8=\n-----END RSA PRIVATE KEY-----\n"
			  "-----BEGIN X-----\n!!!!\n-----END X-----\n"
			  "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";

static void test_pem(void **st)
{
	size_t pos = 0;
	struct vti_pem p;
	assert_true(vti_pem_next(vt_span_make(pem, strlen(pem)), &pos, A, &p));
	assert_string_equal(p.label, "RSA PRIVATE KEY");
	assert_true(p.encrypted);
	assert_int_equal(p.der_len, 5);
	assert_memory_equal(p.der, "hello", 5);
	assert_int_equal(p.off, 5);
	/* the bad base64 block is skipped */
	assert_true(vti_pem_next(vt_span_make(pem, strlen(pem)), &pos, A, &p));
	assert_string_equal(p.label, "CERTIFICATE");
	assert_int_equal(p.der_len, 3);
	assert_false(vti_pem_next(vt_span_make(pem, strlen(pem)), &pos, A, &p));
	struct vti_x509_facts f;
	assert_int_equal(vti_der_facts(p.der, p.der_len, p.label, &f), VT_EFORMAT);
	assert_int_equal(vti_der_facts(p.der, p.der_len, NULL, &f), VT_EFORMAT);
	for (size_t k = 0; k <= strlen(pem); k++) {
		uint8_t *b = exact(pem, k);
		size_t ps = 0, cnt = 0;
		while (vti_pem_next(vt_span_make(b, k), &ps, A, &p) && cnt < 10) {
			assert_true(p.off + p.len <= k);
			cnt++;
		}
		assert_true(cnt <= 2);
		free(b);
	}
}

static size_t put_str(uint8_t *b, size_t o, const void *s, uint32_t n)
{
	b[o] = (uint8_t)(n >> 24);
	b[o + 1] = (uint8_t)(n >> 16);
	b[o + 2] = (uint8_t)(n >> 8);
	b[o + 3] = (uint8_t)n;
	memcpy(b + o + 4, s, n);
	return o + 4 + n;
}

static void test_openssh(void **st)
{
	uint8_t pub[64], key[256];
	uint8_t pk[32];
	for (int i = 0; i < 32; i++)
		pk[i] = (uint8_t)i;
	size_t pl = put_str(pub, 0, "ssh-ed25519", 11);
	pl = put_str(pub, pl, pk, 32);
	size_t o = 0;
	memcpy(key, "openssh-key-v1", 15);
	o = 15;
	o = put_str(key, o, "none", 4);
	o = put_str(key, o, "none", 4);
	o = put_str(key, o, "", 0);
	key[o++] = 0, key[o++] = 0, key[o++] = 0, key[o++] = 1;
	o = put_str(key, o, pub, (uint32_t)pl);
	o = put_str(key, o, "private", 7);
	struct vti_sshkey k;
	assert_int_equal(vti_openssh_key_parse(vt_span_make(key, o), &k), VT_OK);
	assert_string_equal(k.cipher, "none");
	assert_string_equal(k.keytype, "ssh-ed25519");
	assert_int_equal(k.pub_len, pl);
	assert_int_equal(k.bits, 256);
	/* truncated anywhere before the end of the public key: an error, never a crash */
	size_t pub_end = o - 4 - 7;
	for (size_t n = 0; n < pub_end; n++) {
		uint8_t *b = exact(key, n);
		assert_int_not_equal(vti_openssh_key_parse(vt_span_make(b, n), &k), VT_OK);
		free(b);
	}
	/* corrupted lengths */
	for (size_t i = 15; i < o; i++) {
		uint8_t *b = exact(key, o);
		b[i] ^= 0x80;
		if (vti_openssh_key_parse(vt_span_make(b, o), &k) == VT_OK)
			assert_true(k.pub >= b && k.pub + k.pub_len <= b + o);
		free(b);
	}
}

struct got {
	int kinds[VTI_SEC_COUNT];
	size_t n;
};

static void on_sec(const struct vti_secret *s, void *ud)
{
	struct got *g = ud;
	g->kinds[s->kind]++;
	g->n++;
}

static struct got scan_secrets(const char *txt, size_t n, bool text)
{
	static struct vti_secrets_db *db;
	static struct vti_secrets_scratch *sc;
	if (!db) {
		assert_int_equal(vti_secrets_db_new(&db), VT_OK);
		assert_int_equal(vti_secrets_scratch_new(db, &sc), VT_OK);
	}
	struct got g = {{0}, 0};
	uint8_t *b = exact(txt, n);
	assert_int_equal(vti_secrets_scan(db, sc, vt_span_make(b, n), text, 32, on_sec, &g), VT_OK);
	free(b);
	return g;
}

static void test_secrets(void **st)
{
	static const char s[] =
		"#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAQW3RTY5UIO2PAS7D\n"
		"export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
		"password=$1\n# password=Xk9mQ2vLp\nDB_PASSWORD=\"Xk9#mQ2v!Lp\"\n"
		"token = ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n"
		"passwd_file=/etc/secret\nslack=xoxb-1234567890-abcdefghijKLMN\n";
	struct got g = scan_secrets(s, strlen(s), true);
	assert_int_equal(g.kinds[VTI_SEC_AWS_KEY_ID], 1);
	assert_int_equal(g.kinds[VTI_SEC_AWS_SECRET], 1);
	assert_int_equal(g.kinds[VTI_SEC_GENERIC], 1); /* DB_PASSWORD only */
	assert_int_equal(g.kinds[VTI_SEC_GITHUB], 1);
	assert_int_equal(g.kinds[VTI_SEC_SLACK], 1);
	/* binaries: no generic assignments */
	g = scan_secrets(s, strlen(s), false);
	assert_int_equal(g.kinds[VTI_SEC_GENERIC], 0);
	/* a key id glued to other letters, or too short, is not one */
	g = scan_secrets("XAKIAQW3RTY5UIO2PAS7D AKIAQW3RTY5UIO2PA", 38, true);
	assert_int_equal(g.n, 0);
	for (size_t k = 0; k <= strlen(s); k++) {
		g = scan_secrets(s, k, true);
		assert_true(g.n <= 6);
	}
}

struct eps {
	size_t n;
	int cls[8];
	char last[64];
	int kinds[4];
};

static void on_ep(const struct vti_endpoint *e, void *ud)
{
	struct eps *x = ud;
	x->n++;
	x->cls[e->cls]++;
	x->kinds[e->kind]++;
	snprintf(x->last, sizeof(x->last), "%.*s", (int)VT_MIN(e->len, (size_t)60),
		 (const char *)e->text);
}

static struct eps net(const char *t, bool text)
{
	struct eps x;
	memset(&x, 0, sizeof(x));
	uint8_t *b = exact(t, strlen(t));
	vti_net_scan(vt_span_make(b, strlen(t)), text, 100, on_ep, &x);
	free(b);
	return x;
}

static void test_network(void **st)
{
	struct eps x = net("server 93.184.216.34\n", false);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.cls[VTI_NC_PUBLIC], 1);
	assert_string_equal(x.last, "93.184.216.34");
	assert_int_equal(net("version 4.3.2.1", false).n, 0);
	assert_int_equal(net("Version: 4.3.2.1", false).n, 0);
	assert_int_equal(net("4.3.2.1.5", false).n, 0);
	assert_int_equal(net("v4.3.2.1", false).n, 0);
	assert_int_equal(net("1.3.6.1", false).n, 0); /* an OID prefix */
	assert_int_equal(net("10.0.0.256", false).n, 0);
	assert_int_equal(net("10.00.0.1", false).n, 0);
	x = net("gw 10.0.0.1, dns 8.8.8.8.", false);
	assert_int_equal(x.n, 2);
	assert_int_equal(x.cls[VTI_NC_PRIVATE], 1);
	assert_int_equal(x.cls[VTI_NC_WELLKNOWN], 1);
	x = net("listen [::1]:80 and fe80::1 and 2001:db8::1", true);
	assert_int_equal(x.cls[VTI_NC_LOOPBACK] + x.cls[VTI_NC_LINKLOCAL], 2);
	assert_int_equal(x.cls[VTI_NC_RESERVED], 1);
	x = net("std::string a::b", false);
	assert_int_equal(x.n, 0);
	x = net("GET http://%s/cgi-bin/x http://updates.acme-cloud.com/fw.bin", false);
	assert_int_equal(x.kinds[VTI_NET_URL], 1);
	assert_int_equal(x.cls[VTI_NC_PUBLIC], 1);
	assert_string_equal(x.last, "http://updates.acme-cloud.com/fw.bin");
	x = net("server=pool.ntp.org\nfile index.html\n", true);
	assert_int_equal(x.kinds[VTI_NET_DOMAIN], 1);
	assert_int_equal(x.cls[VTI_NC_WELLKNOWN], 1);
	x = net("-----BEGIN CERTIFICATE-----\n93.184.216.34\n-----END CERTIFICATE-----\n", true);
	assert_int_equal(x.n, 0);
	const char *t = "a http://[2001:4860:4860::8888]:53/x 93.184.216.34 ftp://u@h.example.com";
	for (size_t k = 0; k <= strlen(t); k++) {
		uint8_t *b = exact(t, k);
		struct eps y;
		memset(&y, 0, sizeof(y));
		vti_net_scan(vt_span_make(b, k), true, 100, on_ep, &y);
		assert_true(y.n <= 4);
		free(b);
	}
}

static void test_helpers(void **st)
{
	char out[64];
	vti_redact(out, sizeof(out), "supersecretvalue", 16, 4);
	assert_string_equal(out, "supe... (16 chars)");
	assert_true(vti_path_under("/etc/init.d/rcS", "/etc/init.d"));
	assert_false(vti_path_under("/etc/init.dx", "/etc/init.d"));
	assert_true(vti_entropy((const uint8_t *)"abcd", 4) > 1.99);
	struct vt_span l;
	size_t pos = 0, off;
	const char *t = "a\r\nb";
	assert_true(vti_line_next(vt_span_make(t, 4), &pos, &l, &off));
	assert_int_equal(l.len, 1);
	assert_true(vti_line_next(vt_span_make(t, 4), &pos, &l, &off));
	assert_int_equal(off, 3);
	assert_false(vti_line_next(vt_span_make(t, 4), &pos, &l, &off));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwd),	cmocka_unit_test(test_shadow_and_hashes),
		cmocka_unit_test(test_inittab), cmocka_unit_test(test_commands),
		cmocka_unit_test(test_pem),	cmocka_unit_test(test_openssh),
		cmocka_unit_test(test_secrets), cmocka_unit_test(test_network),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
