/* openssl_init.c - OpenSSL is initialised once, without reading the system's openssl.cnf:
 * vetter uses it only to parse public keys and certificates and to compute digests with the
 * default provider, and loading the configuration cost more than a millisecond. */
#include "core/internal.h"

#include <pthread.h>

#include <openssl/crypto.h>

static void init_once(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}

void vti_openssl_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_once);
}
