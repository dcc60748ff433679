/* internal.h - included first by every libvetter source file.
 *
 * Pulls in the standard headers the library uses everywhere, the public vetter headers,
 * and then banned.h, which must come after the system headers it would otherwise break.
 */
#ifndef VT_INTERNAL_H
#define VT_INTERNAL_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt_config.h"
#include <vetter/vetter.h>

#define VT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define VT_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Initialises OpenSSL once, without the system configuration (core/openssl_init.c); every path
 * that uses OpenSSL calls it first (a review does, at its creation). */
void vti_openssl_init(void);

#include "core/banned.h"

#endif
