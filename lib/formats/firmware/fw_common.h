/* fw_common.h - helpers shared by the firmware handlers (uImage, FIT, DTB, kernels).
 *
 * Compressed stream recognition (by a validated stream header, not just the magic),
 * CRC-32 over spans, printable names from header fields, the end of a PE/COFF image
 * (EFI stubs of kernels), the kernel's "Linux version" banner, and device tree
 * probing through libfdt. All of it reads input only through spans.
 */
#ifndef VT_FW_COMMON_H
#define VT_FW_COMMON_H

#include "formats/format.h"

/* Compressions found in firmware images and kernels. */
enum fw_comp {
	FW_COMP_NONE = 0,
	FW_COMP_GZIP,
	FW_COMP_BZIP2,
	FW_COMP_LZMA,
	FW_COMP_XZ,
	FW_COMP_LZO,
	FW_COMP_LZ4,
	FW_COMP_ZSTD,
	FW_COMP_COUNT,
};

/* "gzip", "xz", ...; "none" for FW_COMP_NONE. */
const char *vti_fw_comp_name(enum fw_comp c);

/* The usual file name extension, ".gz", ".xz", ...; "" for FW_COMP_NONE. */
const char *vti_fw_comp_ext(enum fw_comp c);

/* The compression whose stream header is valid at `off` of s; FW_COMP_NONE if none. */
enum fw_comp vti_fw_comp_sniff(struct vt_span s, size_t off);

/* The first offset >= from where a valid compressed stream header starts; false if
 * none. At most `max_hits` magic hits per compression are examined. */
bool vti_fw_comp_find(struct vt_span s, size_t from, size_t max_hits, size_t *at,
		      enum fw_comp *c);

/* CRC-32 (zlib, ISO 3309) of the whole span. */
uint32_t vti_fw_crc32(struct vt_span s);

/* A file name made of the n bytes at p (up to the first NUL): printable ASCII, '/' and
 * '\\' replaced by '_', trimmed of spaces; `fallback` when nothing printable is left or
 * the name is "." or "..". Allocated from `a`; NULL when out of memory. */
char *vti_fw_name(struct vt_arena *a, const uint8_t *p, size_t n, const char *fallback);

/* The name of span bytes [off, off+n) as above (n clipped to the span). */
char *vti_fw_span_name(struct vt_arena *a, struct vt_span s, size_t off, size_t n,
		       const char *fallback);

/* The end of a PE/COFF image whose "MZ" header is at offset 0 of s: the furthest end of
 * its sections' raw data and of its certificate table (an appended signature). False
 * when there is no valid PE header. The end may lie beyond s. */
bool vti_fw_pe_end(struct vt_span s, uint64_t *end);

/* The first offset >= from where the n bytes of `needle` occur in s; false if none. */
bool vti_fw_find(struct vt_span s, size_t from, const void *needle, size_t n, size_t *at);

/* Reports the kernel version banner ("Linux version ...") found in s as an info
 * diagnostic; a warning when there is none. */
void vti_fw_report_banner(struct vt_xctx *x, struct vt_span s, const char *what);

/* Emits [off, off+size) of `chunk` as the file `name`. When the chunk ends first, emits
 * the part that is there as a truncated file and reports it. */
vt_err vti_fw_emit(struct vt_xctx *x, const char *name, const struct vt_xmeta *meta,
		   struct vt_span chunk, size_t off, uint64_t size) VT_MUST_CHECK;

/* ---- device trees (fw_fdt.c) ---- */

struct fw_fdt_info {
	uint32_t totalsize;  /* the header's total size */
	bool complete;       /* totalsize bytes are in the span */
	bool structure_ok;   /* the structure block walks cleanly to its end tag */
	bool strings_ok;     /* the strings block (property names) is all there */
	bool is_fit;         /* the root has an "images" node */
	uint64_t extent;     /* bytes the tree (and a FIT's external data) needs */
	unsigned confidence;
};

/* Validates the device tree at offset 0 of s: the header with libfdt, then a walk of
 * the structure block over the span (nesting, tag layout, end tag), which also tells
 * whether it is a FIT and how far a FIT's external data reaches. Allocates nothing.
 * VT_EFORMAT when the header is invalid, VT_ETRUNC when s is shorter than a header. */
vt_err vti_fw_fdt_probe(struct vt_span s, struct fw_fdt_info *info);

/* A device tree libfdt can read safely: the span itself when it is complete and 8-byte
 * aligned, else an aligned copy of the part of it that is in s (libfdt refuses
 * unaligned trees) with the header adjusted to that part when the tree is truncated;
 * *copy is then set (free() it). *full_ok tells whether fdt_check_full() passed.
 * VT_EFORMAT when libfdt cannot read even the header, VT_ENOMEM. */
vt_err vti_fw_fdt_open(struct vt_span s, const struct fw_fdt_info *info, struct vt_span *fdt,
		       void **copy, bool *full_ok);

/* In the following, `fdt` is the tree libfdt reads (from vti_fw_fdt_open) as a span of
 * its readable bytes; values are returned only when they lie inside it. */

/* The n bytes at p (a pointer libfdt returned) as a span, if they lie inside fdt. */
bool vti_fw_fdt_inside(struct vt_span fdt, const void *p, int n, struct vt_span *val);

/* The property `name` of node `node` as a span; false if absent. */
bool vti_fw_fdt_prop(struct vt_span fdt, int node, const char *name, struct vt_span *val);

/* The property `name` as a printable NUL-terminated string, NULL if absent or not one. */
const char *vti_fw_fdt_str(struct vt_span fdt, int node, const char *name);

/* A big-endian 32-bit cell property; false if absent or not 4 bytes. */
bool vti_fw_fdt_u32(struct vt_span fdt, int node, const char *name, uint32_t *v);

/* Renders the tree as device tree source into the file `path`: properties as strings
 * when they are printable strings, as cells when a multiple of 4 bytes, else as bytes;
 * values longer than `elide_over` bytes (0: none) are replaced by a comment giving
 * their size. Names are kept to the characters dtc allows. A damaged or truncated
 * structure ends the rendering there (open nodes are closed) and is reported. */
vt_err vti_fw_dts_write(struct vt_xctx *x, const char *path, struct vt_span fdt,
			size_t elide_over) VT_MUST_CHECK;

#endif
