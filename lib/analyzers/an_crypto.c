/* an_crypto.c - crypto material shipped in the image: PEM, DER and OpenSSH private keys
 * (encrypted or not), certificates (self-signed, expired, weak keys, MD5/SHA-1
 * signatures) and key/certificate pairs.
 *
 * Object phase: every file that is not a container is searched for PEM armour
 * ("-----BEGIN "), including PEM embedded in binaries; files named like DER keys or
 * certificates (.der, .cer, .crt, .key) are tried as DER. Bodies are base64-decoded here
 * (bounded) and handed to OpenSSL's DER decoders; OpenSSH keys (openssh-key-v1) are
 * parsed here with span accessors. Each key and certificate is reported with the SHA-256
 * of its DER SubjectPublicKeyInfo (the same value as `openssl pkey -pubout -outform DER |
 * sha256sum`), so a key shared by several products is recognised; OpenSSH keys with
 * their `ssh-keygen -l` SHA256 fingerprint. Certificates in trust stores (/etc/ssl/certs,
 * CA bundles) are trust anchors: counted, not judged. Tree phase: private keys whose
 * public key is that of a certificate in the same review (a key/certificate pair).
 */
#include "core/internal.h"

#include <pthread.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "analyzers/an_common.h"
#include "analyzers/analyzer.h"
#include "review/review_int.h"

#define MAX_FILE (64u << 20)
#define MAX_PEM_BODY (1u << 20)
#define MAX_BLOCKS 1024

static const struct vt_rule r_key = {
	"VT-CRYPTO-001",
	"crypto",
	VT_LEVEL_HIGH,
	"Unencrypted private key",
	"CWE-321",
	"A private key is shipped in the image without encryption: every unit has the same key, "
	"so anyone who downloads the firmware can impersonate any device (TLS, SSH host key) "
	"or decrypt its traffic. The public-key fingerprint identifies the key across products.",
	"Generate keys on each device at first boot (or at manufacturing, into protected "
	"storage); never ship private keys in firmware images."};
static const struct vt_rule r_enckey = {
	"VT-CRYPTO-002",
	"crypto",
	VT_LEVEL_MEDIUM,
	"Encrypted private key",
	"CWE-321",
	"An encrypted private key is shipped in the image. The passphrase that unlocks it must "
	"be on the device too (in a binary or a script), so the encryption rarely protects it.",
	"Generate keys per device; do not ship private keys, encrypted or not."};
static const struct vt_rule r_expired = {
	"VT-CRYPTO-003",
	"crypto",
	VT_LEVEL_MEDIUM,
	"Expired certificate",
	"CWE-324",
	"A certificate shipped in the image (not a trust anchor) is past its notAfter date: "
	"clients either reject it or are configured to ignore validity.",
	"Provision certificates per device with a renewal path; remove unused certificates."};
static const struct vt_rule r_selfsigned = {
	"VT-CRYPTO-004",
	"crypto",
	VT_LEVEL_LOW,
	"Self-signed certificate",
	"CWE-295",
	"A self-signed certificate (outside a trust store) is shipped in the image: clients "
	"cannot authenticate the device and learn to click through certificate warnings.",
	"Issue device certificates from a CA the clients trust, per device."};
static const struct vt_rule r_weakkey = {
	"VT-CRYPTO-005",
	"crypto",
	VT_LEVEL_MEDIUM,
	"Weak key size",
	"CWE-326",
	"A key or certificate uses a key too small for current use (RSA or DSA under 2048 bits, "
	"elliptic curves under 224 bits).",
	"Use RSA 3072+ or P-256/Ed25519 keys."};
static const struct vt_rule r_weaksig = {
	"VT-CRYPTO-006",
	"crypto",
	VT_LEVEL_MEDIUM,
	"Weak certificate signature",
	"CWE-327",
	"A certificate is signed with MD5 or SHA-1 (or MD2/MD4), for which collisions can be "
	"computed: such signatures can be forged.",
	"Reissue the certificate with a SHA-256 (or stronger) signature."};
static const struct vt_rule r_pair = {
	"VT-CRYPTO-007",
	"crypto",
	VT_LEVEL_HIGH,
	"Private key with its certificate",
	"CWE-321",
	"A private key and the certificate for its public key are both in the image: the "
	"device's TLS identity is the same on every unit and anyone can impersonate it.",
	"Generate the key and obtain the certificate on each device."};
static const struct vt_rule r_cert = {
	"VT-CRYPTO-008",
	"crypto",
	VT_LEVEL_INFO,
	"Certificate",
	NULL,
	"Inventory: a certificate shipped in the image (or a trust store), with its subject, "
	"issuer, validity, key and public-key SHA-256 fingerprint.",
	"Check that each certificate is needed and current."};

static const struct vt_rule *const rules[] = {&r_key,	     &r_enckey,	 &r_expired,
					      &r_selfsigned, &r_weakkey, &r_weaksig,
					      &r_pair,	     &r_cert,	 NULL};

/* --- PEM --- */

static int b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decodes base64 (whitespace ignored, '=' ends); false on other characters. */
static bool b64dec(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *outn)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=')
			break;
		int v = b64val(c);
		if (v < 0)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (k >= cap)
				return false;
			out[k++] = (uint8_t)(acc >> bits);
		}
	}
	*outn = k;
	return true;
}

bool vti_pem_next(struct vt_span s, size_t *pos, struct vt_arena *a, struct vti_pem *out)
{
	static const char begin[] = "-----BEGIN ";
	while (*pos < s.len) {
		const uint8_t *b = memmem(s.p + *pos, s.len - *pos, begin, sizeof(begin) - 1);
		if (!b)
			break;
		size_t off = (size_t)(b - s.p), lab = off + sizeof(begin) - 1;
		*pos = lab;
		/* the label: up to "-----" on the same line, at most 63 characters */
		size_t e = lab;
		while (e < s.len && e - lab < 64 && s.p[e] != '-' && s.p[e] != '\n')
			e++;
		if (e == lab || e - lab >= 64 || !vt_span_eq(s, e, "-----", 5))
			continue;
		memset(out, 0, sizeof(*out));
		memcpy(out->label, s.p + lab, e - lab);
		out->label[e - lab] = 0;
		size_t body = e + 5;
		char end[96];
		int w = snprintf(end, sizeof(end), "-----END %s-----", out->label);
		size_t lim = VT_MIN(s.len - body, (size_t)MAX_PEM_BODY + 4096);
		const uint8_t *en = memmem(s.p + body, lim, end, (size_t)w);
		if (!en)
			continue;
		size_t bend = (size_t)(en - s.p);
		/* RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ..."): lines with ':' */
		size_t q = body, dstart = body;
		struct vt_span blk = vt_span_make(s.p + body, bend - body), line;
		size_t lp = 0, loff;
		bool in_headers = true;
		while (in_headers && vti_line_next(blk, &lp, &line, &loff)) {
			struct vt_span t = vti_trim(line);
			if (!t.len) {
				dstart = body + lp;
				continue;
			}
			if (memchr(t.p, ':', t.len)) {
				if (t.len >= 9 && !memcmp(t.p, "Proc-Type", 9) &&
				    memmem(t.p, t.len, "ENCRYPTED", 9))
					out->encrypted = true;
				dstart = body + lp;
				continue;
			}
			in_headers = false;
		}
		(void)q;
		size_t n = bend - dstart;
		out->off = off;
		out->len = bend + (size_t)w - off;
		*pos = bend + (size_t)w;
		uint8_t *der = vt_arena_alloc(a, n / 4 * 3 + 4);
		size_t dn;
		if (!der || !b64dec(s.p + dstart, n, der, n / 4 * 3 + 4, &dn) || !dn)
			continue;
		out->der = der;
		out->der_len = dn;
		return true;
	}
	return false;
}

/* --- OpenSSH keys --- */

static vt_err ssh_string(struct vt_span s, size_t *off, struct vt_span *str)
{
	uint32_t n;
	vt_err e = vt_span_u32be(s, *off, &n);
	if (e)
		return e;
	e = vt_span_sub(s, *off + 4, n, str);
	if (e)
		return e;
	*off += 4 + (size_t)n;
	return VT_OK;
}

vt_err vti_openssh_key_parse(struct vt_span der, struct vti_sshkey *out)
{
	memset(out, 0, sizeof(*out));
	static const char magic[] = "openssh-key-v1";
	if (!vt_span_eq(der, 0, magic, sizeof(magic))) /* with its NUL */
		return VT_EFORMAT;
	size_t off = sizeof(magic);
	struct vt_span cipher, kdf, kdfopt, pub;
	vt_err e;
	if ((e = ssh_string(der, &off, &cipher)) || (e = ssh_string(der, &off, &kdf)) ||
	    (e = ssh_string(der, &off, &kdfopt)))
		return e;
	uint32_t nkeys;
	if ((e = vt_span_u32be(der, off, &nkeys)))
		return e;
	off += 4;
	if (nkeys < 1 || nkeys > 64)
		return VT_EFORMAT;
	if ((e = ssh_string(der, &off, &pub)))
		return e;
	if (!cipher.len || cipher.len >= sizeof(out->cipher))
		return VT_EFORMAT;
	memcpy(out->cipher, cipher.p, cipher.len);
	out->pub = pub.p;
	out->pub_len = pub.len;
	size_t po = 0;
	struct vt_span kt;
	if ((e = ssh_string(pub, &po, &kt)))
		return e;
	if (!kt.len || kt.len >= sizeof(out->keytype))
		return VT_EFORMAT;
	memcpy(out->keytype, kt.p, kt.len);
	if (kt.len == 7 && !memcmp(kt.p, "ssh-rsa", 7)) {
		struct vt_span ex, mod;
		if (!ssh_string(pub, &po, &ex) && !ssh_string(pub, &po, &mod)) {
			size_t i = 0;
			while (i < mod.len && !mod.p[i])
				i++;
			if (i < mod.len) {
				unsigned top = 8;
				while (top && !(mod.p[i] & (1u << (top - 1))))
					top--;
				out->bits = (unsigned)((mod.len - i - 1) * 8 + top);
			}
		}
	} else if (kt.len == 11 && !memcmp(kt.p, "ssh-ed25519", 11)) {
		out->bits = 256;
	}
	return VT_OK;
}

/* --- X.509 and keys with OpenSSL --- */

static void spki_hash(EVP_PKEY *k, struct vti_x509_facts *f)
{
	unsigned char *buf = NULL;
	int n = i2d_PUBKEY(k, &buf);
	if (n > 0) {
		unsigned mdl = 0;
		f->has_spki =
			EVP_Digest(buf, (size_t)n, f->spki_sha256, &mdl, EVP_sha256(), NULL) &&
			mdl == 32;
	}
	OPENSSL_free(buf);
}

static void key_facts(EVP_PKEY *k, struct vti_x509_facts *f)
{
	int id = EVP_PKEY_get_base_id(k);
	const char *n = id == EVP_PKEY_RSA	 ? "RSA"
			: id == EVP_PKEY_RSA_PSS ? "RSA-PSS"
			: id == EVP_PKEY_DSA	 ? "DSA"
			: id == EVP_PKEY_EC	 ? "EC"
			: id == EVP_PKEY_ED25519 ? "Ed25519"
			: id == EVP_PKEY_ED448	 ? "Ed448"
			: id == EVP_PKEY_DH	 ? "DH"
						 : "other";
	snprintf(f->keyalg, sizeof(f->keyalg), "%s", n);
	f->bits = EVP_PKEY_get_bits(k);
	spki_hash(k, f);
}

static int64_t asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static bool cert_facts(const uint8_t *der, size_t len, bool aux, struct vti_x509_facts *f)
{
	const unsigned char *p = der;
	X509 *x = aux ? d2i_X509_AUX(NULL, &p, (long)len) : d2i_X509(NULL, &p, (long)len);
	if (!x)
		return false;
	f->is_cert = true;
	X509_NAME_oneline(X509_get_subject_name(x), f->subject, sizeof(f->subject));
	X509_NAME_oneline(X509_get_issuer_name(x), f->issuer, sizeof(f->issuer));
	int nid = X509_get_signature_nid(x);
	snprintf(f->sigalg, sizeof(f->sigalg), "%s", nid ? OBJ_nid2sn(nid) : "unknown");
	f->not_before = asn1_time(X509_get0_notBefore(x));
	f->not_after = asn1_time(X509_get0_notAfter(x));
	f->self_signed = X509_self_signed(x, 1) == 1;
	f->is_ca = X509_check_ca(x) > 0;
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (k)
		key_facts(k, f);
	X509_free(x);
	return true;
}

vt_err vti_der_facts(const uint8_t *der, size_t len, const char *label, struct vti_x509_facts *f)
{
	memset(f, 0, sizeof(*f));
	if (!der || !len || len > MAX_PEM_BODY)
		return VT_EFORMAT;
	vt_err e = VT_EFORMAT;
	bool want_cert = !label || strstr(label, "CERTIFICATE");
	bool want_key = !label || strstr(label, "PRIVATE KEY");
	if (label && strstr(label, "REQUEST"))
		want_cert = false;
	if (want_cert && cert_facts(der, len, label && !strcmp(label, "TRUSTED CERTIFICATE"), f))
		e = VT_OK;
	if (e && want_key) {
		if (label && !strcmp(label, "ENCRYPTED PRIVATE KEY")) {
			const unsigned char *p = der;
			X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)len);
			if (sig) {
				f->is_key = f->key_encrypted = true;
				X509_SIG_free(sig);
				e = VT_OK;
			}
		} else {
			const unsigned char *p = der;
			EVP_PKEY *k = d2i_AutoPrivateKey(NULL, &p, (long)len);
			if (k) {
				f->is_key = true;
				key_facts(k, f);
				EVP_PKEY_free(k);
				e = VT_OK;
			}
		}
	}
	ERR_clear_error();
	return e;
}

/* --- shared state: public keys seen, for key/certificate pairs --- */

struct seen_key {
	uint8_t spki[32];
	struct vt_object *o;
	bool is_key;
	uint64_t off;
	char subject[256];
};

struct crypto_state {
	pthread_mutex_t lock;
	struct seen_key *v;
	size_t n, cap;
	int64_t now;
};

static vt_err crypto_init(struct vt_review *r, void **state)
{
	struct crypto_state *st = calloc(1, sizeof(*st));
	if (!st)
		return VT_ENOMEM;
	pthread_mutex_init(&st->lock, NULL);
	st->now = (int64_t)time(NULL);
	*state = st;
	return VT_OK;
}

static void crypto_fini(void *state)
{
	struct crypto_state *st = state;
	if (!st)
		return;
	free(st->v);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static void remember(struct crypto_state *st, const struct vti_x509_facts *f, struct vt_object *o,
		     uint64_t off)
{
	if (!f->has_spki)
		return;
	pthread_mutex_lock(&st->lock);
	if (st->n == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 64;
		struct seen_key *n = realloc(st->v, nc * sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&st->lock);
			return;
		}
		st->v = n;
		st->cap = nc;
	}
	struct seen_key *k = &st->v[st->n++];
	memcpy(k->spki, f->spki_sha256, 32);
	k->o = o;
	k->is_key = f->is_key;
	k->off = off;
	snprintf(k->subject, sizeof(k->subject), "%s", f->subject);
	pthread_mutex_unlock(&st->lock);
}

static void hex32(const uint8_t *h, char *out)
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static bool is_trust_store(const struct vt_object *o)
{
	const char *p = o->fspath;
	const char *b = vti_basename(o);
	return vti_path_under(p, "/etc/ssl/certs") ||
	       vti_path_under(p, "/usr/share/ca-certificates") || vti_path_under(p, "/etc/pki") ||
	       vti_path_under(p, "/etc/ca-certificates") ||
	       vti_path_under(p, "/usr/local/share/ca-certificates") ||
	       vti_path_under(p, "/usr/share/pki") || !strcmp(b, "ca-certificates.crt") ||
	       !strcmp(b, "ca-bundle.crt") || !strcmp(b, "cacert.pem") ||
	       !strcmp(b, "ca-bundle.pem") || !strcmp(b, "cert.pem");
}

static bool weak_bits(const struct vti_x509_facts *f)
{
	if (f->bits <= 0)
		return false;
	if (!strcmp(f->keyalg, "RSA") || !strcmp(f->keyalg, "RSA-PSS") ||
	    !strcmp(f->keyalg, "DSA") || !strcmp(f->keyalg, "DH"))
		return f->bits < 2048;
	if (!strcmp(f->keyalg, "EC"))
		return f->bits < 224;
	return false;
}

static bool weak_sig(const char *sn)
{
	static const char *const weak[] = {"RSA-MD5",  "RSA-SHA1",	  "RSA-MD2",	"RSA-MD4",
					   "DSA-SHA1", "ecdsa-with-SHA1", "RSA-SHA1-2", "DSA-SHA"};
	for (size_t i = 0; i < VT_ARRAY_LEN(weak); i++)
		if (!strcmp(sn, weak[i]))
			return true;
	return false;
}

static void fmt_date(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !gmtime_r(&tt, &tm))
		snprintf(out, cap, "unknown");
	else
		strftime(out, cap, "%Y-%m-%d", &tm);
}

struct ctx {
	struct vti_actx *c;
	struct vt_object *o;
	struct crypto_state *st;
	bool trust;
	size_t n_certs;
};

static void report_facts(struct ctx *x, const struct vti_x509_facts *f, uint64_t off,
			 const char *excerpt, size_t exlen, const char *label)
{
	struct vti_actx *c = x->c;
	struct vt_object *o = x->o;
	char fp[65] = "unknown";
	if (f->has_spki)
		hex32(f->spki_sha256, fp);
	if (f->is_key) {
		if (f->key_encrypted)
			vti_finding(c, o, &r_enckey, true, off, excerpt, exlen,
				    "encrypted private key (%s)%s%s", label,
				    f->has_spki ? ", public key SHA-256 " : "",
				    f->has_spki ? fp : "");
		else
			vti_finding(c, o, &r_key, true, off, excerpt, exlen,
				    "unencrypted %s %d-bit private key (%s), public key SHA-256 %s",
				    f->keyalg, f->bits, label, fp);
		if (weak_bits(f))
			vti_finding(c, o, &r_weakkey, true, off, excerpt, exlen,
				    "%s private key of %d bits", f->keyalg, f->bits);
		remember(x->st, f, o, off);
		return;
	}
	if (!f->is_cert)
		return;
	x->n_certs++;
	remember(x->st, f, o, off);
	if (x->trust)
		return; /* trust anchors: counted, see the end of scan_file */
	char nb[16], na[16];
	fmt_date(f->not_before, nb, sizeof(nb));
	fmt_date(f->not_after, na, sizeof(na));
	vti_finding(c, o, &r_cert, true, off, excerpt, exlen,
		    "certificate '%s' issued by '%s', valid %s to %s, %s %d-bit key, signature %s, "
		    "public key SHA-256 %s",
		    f->subject, f->issuer, nb, na, f->keyalg, f->bits, f->sigalg, fp);
	if (f->not_after && f->not_after < x->st->now)
		vti_finding(c, o, &r_expired, true, off, excerpt, exlen,
			    "certificate '%s' expired on %s", f->subject, na);
	if (f->self_signed)
		vti_finding(c, o, &r_selfsigned, true, off, excerpt, exlen,
			    "certificate '%s' is self-signed%s", f->subject,
			    f->is_ca ? " (a CA)" : "");
	if (weak_bits(f))
		vti_finding(c, o, &r_weakkey, true, off, excerpt, exlen,
			    "certificate '%s' has a %s key of %d bits", f->subject, f->keyalg,
			    f->bits);
	if (!f->self_signed && weak_sig(f->sigalg))
		vti_finding(c, o, &r_weaksig, true, off, excerpt, exlen,
			    "certificate '%s' is signed with %s", f->subject, f->sigalg);
}

static void report_ssh(struct ctx *x, const struct vti_sshkey *k, uint64_t off, const char *excerpt,
		       size_t exlen)
{
	uint8_t md[32];
	unsigned mdl = 0;
	char fp[64] = "unknown";
	if (EVP_Digest(k->pub, k->pub_len, md, &mdl, EVP_sha256(), NULL) && mdl == 32) {
		unsigned char b64[64];
		int n = EVP_EncodeBlock(b64, md, 32);
		while (n > 0 && b64[n - 1] == '=')
			n--;
		snprintf(fp, sizeof(fp), "SHA256:%.*s", n, (const char *)b64);
	}
	bool enc = strcmp(k->cipher, "none") != 0;
	vti_finding(x->c, x->o, enc ? &r_enckey : &r_key, true, off, excerpt, exlen,
		    "%s OpenSSH private key (%s, %u bits), fingerprint %s",
		    enc ? "encrypted" : "unencrypted", k->keytype, k->bits, fp);
	if (!strcmp(k->keytype, "ssh-rsa") && k->bits && k->bits < 2048)
		vti_finding(x->c, x->o, &r_weakkey, true, off, excerpt, exlen,
			    "OpenSSH RSA key of %u bits", k->bits);
}

static bool der_name(const char *b)
{
	return vti_ends_with(b, ".der") || vti_ends_with(b, ".cer") || vti_ends_with(b, ".crt") ||
	       vti_ends_with(b, ".key") || vti_ends_with(b, ".p8") || vti_ends_with(b, ".pk8");
}

static bool crypto_wants(const struct vt_object *o, struct vt_span s)
{
	return o->size <= MAX_FILE && o->size >= 64 && !vti_is_container(o);
}

static void crypto_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	struct crypto_state *st = c->state;
	struct ctx x = {c, o, st, is_trust_store(o), 0};
	size_t pos = 0, blocks = 0;
	struct vti_pem pem;
	bool any = false;
	while (blocks < MAX_BLOCKS && vti_pem_next(s, &pos, c->a, &pem)) {
		blocks++;
		any = true;
		/* the excerpt is the BEGIN line: never key material */
		size_t exl = 11 + strlen(pem.label) + 5;
		const char *ex = (const char *)s.p + pem.off;
		if (!strcmp(pem.label, "OPENSSH PRIVATE KEY")) {
			struct vti_sshkey k;
			if (!vti_openssh_key_parse(vt_span_make(pem.der, pem.der_len), &k))
				report_ssh(&x, &k, pem.off, ex, exl);
			continue;
		}
		if (!strstr(pem.label, "CERTIFICATE") && !strstr(pem.label, "PRIVATE KEY"))
			continue;
		struct vti_x509_facts f;
		if (vti_der_facts(pem.der, pem.der_len, pem.label, &f))
			continue;
		if (f.is_key && pem.encrypted)
			f.key_encrypted = true;
		report_facts(&x, &f, pem.off, ex, exl, pem.label);
	}
	const char *b = vti_basename(o);
	if (!any && der_name(b) && s.len >= 64 && s.len <= MAX_PEM_BODY && s.p[0] == 0x30) {
		struct vti_x509_facts f;
		if (!vti_der_facts(s.p, s.len, NULL, &f))
			report_facts(&x, &f, 0, NULL, 0, "DER");
	}
	if (!any && ((!strncmp(b, "dropbear_", 9) && vti_ends_with(b, "_host_key")) ||
		     (!strncmp(b, "ssh_host_", 9) && vti_ends_with(b, "_key")))) {
		/* dropbear's own binary format: "ssh-..." key type first */
		struct vt_span kt;
		size_t off = 0;
		if (!ssh_string(s, &off, &kt) && kt.len > 4 && !memcmp(kt.p, "ssh-", 4))
			vti_finding(c, o, &r_key, true, 0, NULL, 0,
				    "unencrypted SSH host private key (dropbear format, %.*s)",
				    (int)VT_MIN(kt.len, (size_t)32), (const char *)kt.p);
	}
	if (x.trust && x.n_certs)
		vti_finding(c, o, &r_cert, false, 0, NULL, 0,
			    "trust store with %zu CA certificate%s", x.n_certs,
			    x.n_certs == 1 ? "" : "s");
}

static int cmp_seen(const void *pa, const void *pb)
{
	const struct seen_key *a = pa, *b = pb;
	int c = memcmp(a->spki, b->spki, 32);
	if (c)
		return c;
	return a->o->id < b->o->id ? -1 : a->o->id > b->o->id;
}

static void crypto_tree(struct vti_actx *c)
{
	struct crypto_state *st = c->state;
	if (!st || !st->n)
		return;
	qsort(st->v, st->n, sizeof(*st->v), cmp_seen);
	for (size_t i = 0; i < st->n;) {
		size_t j = i;
		while (j < st->n && !memcmp(st->v[j].spki, st->v[i].spki, 32))
			j++;
		for (size_t k = i; k < j; k++) {
			if (!st->v[k].is_key)
				continue;
			for (size_t m = i; m < j; m++) {
				if (st->v[m].is_key)
					continue;
				char fp[65];
				hex32(st->v[k].spki, fp);
				const struct vt_object *co = st->v[m].o;
				vti_finding(
					c, st->v[k].o, &r_pair, true, st->v[k].off, NULL, 0,
					"private key matches certificate '%s' in %s (public key "
					"SHA-256 %s)",
					st->v[m].subject, co->fspath ? co->fspath : co->path, fp);
				break; /* one pair finding per key */
			}
		}
		i = j;
	}
}

const struct vti_analyzer vti_an_crypto = {
	.name = "crypto",
	.version = 1,
	.description = "private keys, certificates and key/certificate pairs",
	.rules = rules,
	.init = crypto_init,
	.fini = crypto_fini,
	.wants = crypto_wants,
	.object = crypto_object,
	.tree = crypto_tree,
};
