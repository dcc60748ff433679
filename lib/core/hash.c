/* hash.c - SHA-256 via OpenSSL EVP (uses SHA-NI/AVX2 code paths where available).
 *
 * OpenSSL is initialised once, without reading the system's openssl.cnf: vetter only hashes
 * and parses public keys and certificates with the default provider, and loading the
 * configuration cost more than a millisecond of every run's start-up. The SHA-256
 * implementation is fetched once and shared. */
#include "core/internal.h"

#include <pthread.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void init_once(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void vti_openssl_init(void)
{
	pthread_once(&once, init_once);
}

static const EVP_MD *sha256(void)
{
	vti_openssl_init();
	return sha256_md ? sha256_md : EVP_sha256();
}

struct vt_sha256_ctx {
	EVP_MD_CTX *md;
};

struct vt_sha256_ctx *vt_sha256_new(void)
{
	struct vt_sha256_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c->md);
		free(c);
		return NULL;
	}
	return c;
}

vt_err vt_sha256_update(struct vt_sha256_ctx *c, const void *p, size_t n)
{
	return EVP_DigestUpdate(c->md, p, n) == 1 ? VT_OK : VT_EINTERNAL;
}

vt_err vt_sha256_final(struct vt_sha256_ctx *c, uint8_t out[VT_SHA256_LEN])
{
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(c->md, out, &n) != 1 || n != VT_SHA256_LEN)
		return VT_EINTERNAL;
	return EVP_DigestInit_ex(c->md, sha256(), NULL) == 1 ? VT_OK : VT_EINTERNAL;
}

void vt_sha256_free(struct vt_sha256_ctx *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->md);
	free(c);
}

vt_err vt_sha256(const void *p, size_t n, uint8_t out[VT_SHA256_LEN])
{
	unsigned int len = 0;
	if (EVP_Digest(p, n, out, &len, sha256(), NULL) != 1 || len != VT_SHA256_LEN)
		return VT_EINTERNAL;
	return VT_OK;
}

void vt_sha256_hex(const uint8_t d[VT_SHA256_LEN], char hex[VT_SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < VT_SHA256_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[VT_SHA256_HEX_LEN] = '\0';
}
