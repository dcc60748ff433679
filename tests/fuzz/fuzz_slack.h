/* fuzz_slack.h - the fuzz input copied with VTI_SCAN_SLACK readable bytes after it, as
 * every span the review gives a Hyperscan scanner has (core/internal.h). */
#ifndef VT_FUZZ_SLACK_H
#define VT_FUZZ_SLACK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

/* A malloc'ed copy of data[0..size) followed by VTI_SCAN_SLACK zeros; NULL on failure. */
static inline uint8_t *fuzz_with_slack(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size + VTI_SCAN_SLACK);
	if (copy) {
		memcpy(copy, data, size);
		memset(copy + size, 0, VTI_SCAN_SLACK);
	}
	return copy;
}

#endif
