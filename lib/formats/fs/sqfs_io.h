/* sqfs_io.h - an sqfs_file_t over a span, and LZO for libsquashfs (see sqfs_io.c). */
#ifndef VT_SQFS_IO_H
#define VT_SQFS_IO_H

#include <sqfs/io.h>
#include <sqfs/predef.h>

#include "formats/format.h"

struct vti_sqfs_file {
	sqfs_file_t base;
	struct vt_span s;
};

/* A read-only file over s; it lives as long as the struct (destroy frees nothing). */
void vti_sqfs_file_init(struct vti_sqfs_file *f, struct vt_span s);

/* An LZO decompressor (SQFS_COMP_LZO) for blocks of block_size; 0 or an SQFS_ERROR. */
int vti_sqfs_lzo_create(uint32_t block_size, sqfs_compressor_t **out);

#endif
