/* lzma1enc.c - raw LZMA1 without an end marker (liblzma's LZMA1EXT encoder), for the
 * squashfs-lzma fixtures of mksquashfs3.py: the known-size blocks those images store after
 * a 13-byte .lzma header. Python's lzma module always writes the end marker.
 *
 * usage: lzma1enc < DATA > STREAM   (lc=3 lp=0 pb=2, preset 6, 1 MiB dictionary)
 */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	size_t cap = 1 << 20, len = 0, n;
	unsigned char *in = malloc(cap);
	while (in && (n = fread(in + len, 1, cap - len, stdin)) > 0) {
		len += n;
		if (len == cap && !(in = realloc(in, cap *= 2)))
			break;
	}
	if (!in)
		return 2;
	lzma_options_lzma o;
	if (lzma_lzma_preset(&o, 6))
		return 2;
	o.dict_size = 1 << 20;
	o.lc = 3;
	o.lp = 0;
	o.pb = 2;
	o.ext_flags = 0; /* no end marker */
	lzma_filter f[2] = {{LZMA_FILTER_LZMA1EXT, &o}, {LZMA_VLI_UNKNOWN, NULL}};
	size_t outcap = len + len / 2 + 1024, pos = 0;
	unsigned char *out = malloc(outcap);
	if (!out || lzma_raw_buffer_encode(f, NULL, in, len, out, &pos, outcap) != LZMA_OK)
		return 1;
	fwrite(out, 1, pos, stdout);
	free(in);
	free(out);
	return ferror(stdout) ? 1 : 0;
}
