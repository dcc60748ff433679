/* mklzma.c - writes .lzma (lzma-alone) files the way router firmware tools do.
 *
 * usage: mklzma [-d DICT] [-e] IN OUT
 *
 * `xz --format=lzma` always writes an unknown size (-1) and an end marker; firmware
 * build tools (the LZMA SDK's lzma_alone, not packaged in Debian) write the real
 * uncompressed size and usually no end marker. This helper makes that variant with
 * liblzma's own LZMA1 encoder (LZMA_FILTER_LZMA1EXT, which omits the end marker unless
 * -e is given), properties 0x5d (lc=3 lp=0 pb=2) and the dictionary size DICT (bytes,
 * default 8 MiB). The test decodes its output with `xz --format=lzma -dc`, the
 * reference, before using it.
 */
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "mklzma: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	uint32_t dict = 8u << 20;
	int c, eopm = 0;
	while ((c = getopt(argc, argv, "d:e")) != -1) {
		if (c == 'd')
			dict = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'e')
			eopm = 1;
		else
			return fail("usage: mklzma [-d DICT] [-e] IN OUT");
	}
	if (argc - optind != 2)
		return fail("usage: mklzma [-d DICT] [-e] IN OUT");
	FILE *in = fopen(argv[optind], "rb");
	if (!in)
		return fail("cannot open input");
	size_t cap = 1 << 20, len = 0, n;
	uint8_t *data = malloc(cap);
	while (data && (n = fread(data + len, 1, cap - len, in)) > 0)
		if ((len += n) == cap)
			data = realloc(data, cap *= 2);
	fclose(in);
	if (!data)
		return fail("out of memory");

	lzma_options_lzma o;
	if (lzma_lzma_preset(&o, 6))
		return fail("no preset");
	o.dict_size = dict;
	o.lc = 3, o.lp = 0, o.pb = 2;
	o.ext_flags = eopm ? LZMA_LZMA1EXT_ALLOW_EOPM : 0;
	lzma_filter f[2] = {{LZMA_FILTER_LZMA1EXT, &o}, {LZMA_VLI_UNKNOWN, NULL}};
	size_t ocap = len + len / 2 + 4096, opos = 0;
	uint8_t *out = malloc(ocap);
	if (!out || lzma_raw_buffer_encode(f, NULL, data, len, out, &opos, ocap) != LZMA_OK)
		return fail("encoding failed");

	uint8_t hdr[13] = {0x5d};
	for (int i = 0; i < 4; i++)
		hdr[1 + i] = (uint8_t)(dict >> (8 * i));
	for (int i = 0; i < 8; i++)
		hdr[5 + i] = (uint8_t)((uint64_t)len >> (8 * i));
	FILE *o_f = fopen(argv[optind + 1], "wb");
	if (!o_f || fwrite(hdr, 1, 13, o_f) != 13 || fwrite(out, 1, opos, o_f) != opos ||
	    fclose(o_f) != 0)
		return fail("cannot write output");
	free(data);
	free(out);
	return 0;
}
