/* evidence.h - confidence for stream data that decoded without error but did not end.
 *
 * A stream that is cut off or damaged has no trailer to check: what speaks for it is how
 * much of it a decoder (or a walk of its structure) took without finding anything wrong.
 * Random bytes after a chance magic fail within a few dozen bytes, so each step here is
 * 8 bits of confidence: 64 bytes, 512 bytes, 4 KiB, 32 KiB and more.
 */
#ifndef VT_CZ_EVIDENCE_H
#define VT_CZ_EVIDENCE_H

#include <stdint.h>

static inline unsigned vti_cz_evidence(uint64_t bytes)
{
	unsigned bits = 0;
	for (uint64_t step = 64; bytes >= step && bits < 32; step *= 8)
		bits += 8;
	return bits;
}

#endif
