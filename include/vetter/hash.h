/* hash.h - SHA-256 through OpenSSL's EVP interface.
 *
 * Every object is identified by the SHA-256 of its bytes. The incremental interface
 * hashes streamed data; vt_sha256() hashes a span in one call.
 */
#ifndef VETTER_HASH_H
#define VETTER_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <vetter/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VT_SHA256_LEN 32
#define VT_SHA256_HEX_LEN 64

struct vt_sha256_ctx;

/* A new hashing context; NULL when out of memory. */
struct vt_sha256_ctx *vt_sha256_new(void);
vt_err vt_sha256_update(struct vt_sha256_ctx *c, const void *p, size_t n) VT_MUST_CHECK;
/* Writes the digest and resets the context for reuse. */
vt_err vt_sha256_final(struct vt_sha256_ctx *c, uint8_t out[VT_SHA256_LEN]) VT_MUST_CHECK;
void vt_sha256_free(struct vt_sha256_ctx *c);

/* The digest of n bytes at p. */
vt_err vt_sha256(const void *p, size_t n, uint8_t out[VT_SHA256_LEN]) VT_MUST_CHECK;

/* Lowercase hex of a digest into hex (65 bytes with the NUL). */
void vt_sha256_hex(const uint8_t d[VT_SHA256_LEN], char hex[VT_SHA256_HEX_LEN + 1]);

#ifdef __cplusplus
}
#endif
#endif
