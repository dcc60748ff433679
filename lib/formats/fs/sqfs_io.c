/* sqfs_io.c - what libsquashfs needs from vetter: an sqfs_file_t over a span, and an LZO
 * decompressor.
 *
 * The file serves reads inside the chunk's span only (bounds-checked, never the disk) and
 * refuses writes. Debian builds libsquashfs 1.2 without LZO (sqfs_compressor_create
 * returns SQFS_ERROR_UNSUPPORTED: a licence matter), so LZO blocks go through this
 * sqfs_compressor_t over liblzo2's lzo1x_decompress_safe, which never writes past the
 * output buffer it is given.
 */
#include "formats/format.h"

#include <lzo/lzo1x.h>
#include <sqfs/compressor.h>
#include <sqfs/error.h>

#include "formats/fs/sqfs_io.h"

static int sf_read_at(sqfs_file_t *f, sqfs_u64 off, void *buf, size_t n)
{
	const struct vti_sqfs_file *sf = (const struct vti_sqfs_file *)f;
	if (off > SIZE_MAX || vt_span_copy(sf->s, (size_t)off, buf, n))
		return SQFS_ERROR_OUT_OF_BOUNDS;
	return 0;
}

static int sf_write_at(sqfs_file_t *f, sqfs_u64 off, const void *buf, size_t n)
{
	return SQFS_ERROR_UNSUPPORTED;
}

static sqfs_u64 sf_get_size(const sqfs_file_t *f)
{
	return ((const struct vti_sqfs_file *)f)->s.len;
}

static int sf_truncate(sqfs_file_t *f, sqfs_u64 size)
{
	return SQFS_ERROR_UNSUPPORTED;
}

static void sf_destroy(sqfs_object_t *o)
{
	/* embedded in the extraction state; nothing to free */
}

void vti_sqfs_file_init(struct vti_sqfs_file *sf, struct vt_span s)
{
	memset(sf, 0, sizeof(*sf));
	sf->base.base.destroy = sf_destroy;
	sf->base.read_at = sf_read_at;
	sf->base.write_at = sf_write_at;
	sf->base.get_size = sf_get_size;
	sf->base.truncate = sf_truncate;
	sf->s = s;
}

/* ---- LZO through liblzo2 ---- */

struct lzo_cmp {
	sqfs_compressor_t base;
	uint32_t block_size;
};

static void lzo_destroy(sqfs_object_t *o)
{
	free(o);
}

static void lzo_get_configuration(const sqfs_compressor_t *c, sqfs_compressor_config_t *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->id = SQFS_COMP_LZO;
	cfg->flags = SQFS_COMP_FLAG_UNCOMPRESS;
	cfg->block_size = ((const struct lzo_cmp *)c)->block_size;
}

static int lzo_write_options(sqfs_compressor_t *c, sqfs_file_t *f)
{
	return SQFS_ERROR_UNSUPPORTED;
}

static int lzo_read_options(sqfs_compressor_t *c, sqfs_file_t *f)
{
	return 0; /* the options (algorithm, level) matter only when compressing */
}

static sqfs_s32 lzo_do_block(sqfs_compressor_t *c, const sqfs_u8 *in, sqfs_u32 size,
			     sqfs_u8 *out, sqfs_u32 outsize)
{
	lzo_uint n = outsize;
	if (outsize > INT32_MAX)
		return SQFS_ERROR_ARG_INVALID;
	int r = lzo1x_decompress_safe(in, size, out, &n, NULL);
	if (r == LZO_E_OUTPUT_OVERRUN)
		return 0;
	return r == LZO_E_OK ? (sqfs_s32)n : SQFS_ERROR_COMPRESSOR;
}

int vti_sqfs_lzo_create(uint32_t block_size, sqfs_compressor_t **out)
{
	struct lzo_cmp *c;
	if (lzo_init() != LZO_E_OK || !(c = calloc(1, sizeof(*c))))
		return SQFS_ERROR_ALLOC;
	c->base.base.destroy = lzo_destroy;
	c->base.get_configuration = lzo_get_configuration;
	c->base.write_options = lzo_write_options;
	c->base.read_options = lzo_read_options;
	c->base.do_block = lzo_do_block;
	c->block_size = block_size;
	*out = &c->base;
	return 0;
}
