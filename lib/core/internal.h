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

/* Readable bytes every span given to a Hyperscan scan (signature scan, catalogue, secrets)
 * must have after its end: Hyperscan 5.4's AVX-512 VBMI literal matcher (fat Teddy)
 * loads the aligned 64 bytes holding the end, and faults when the buffer ends at a page
 * boundary before an unmapped page. The review's buffers and mappings carry this slack. */
#define VTI_SCAN_SLACK 64

#include "core/banned.h"

#endif
