/* archive_lazy.h - libarchive, loaded when an archive is first read.
 *
 * libarchive needs libxml2, ICU, nettle, libacl and the compressors of its own: linked into
 * libvetter, loading and relocating them cost every run of vetter about a millisecond at
 * start-up (a fifth of `vetter extract` on a small firmware image), although most inputs
 * hold no archive. It is opened with dlopen() the first time archive_read_new() is called,
 * and its functions are called through a table. Include this header instead of <archive.h>
 * and <archive_entry.h>; calls are written as usual: the macros below redirect them.
 * archive_read_new() returns NULL (and the reason is logged once, as a warning) when the
 * library cannot be loaded; every other function takes an object it returned, so it is
 * only ever called once the table is filled.
 */
#ifndef VTI_ARCHIVE_LAZY_H
#define VTI_ARCHIVE_LAZY_H

#include <archive.h>
#include <archive_entry.h>

/* Every libarchive function vetter calls. */
#define VTI_LA_FUNCS(X) \
	X(archive_entry_filetype) \
	X(archive_entry_gid) \
	X(archive_entry_hardlink) \
	X(archive_entry_hardlink_utf8) \
	X(archive_entry_mtime) \
	X(archive_entry_nlink) \
	X(archive_entry_pathname) \
	X(archive_entry_pathname_utf8) \
	X(archive_entry_perm) \
	X(archive_entry_rdevmajor) \
	X(archive_entry_rdevminor) \
	X(archive_entry_size) \
	X(archive_entry_size_is_set) \
	X(archive_entry_symlink) \
	X(archive_entry_symlink_utf8) \
	X(archive_entry_uid) \
	X(archive_error_string) \
	X(archive_filter_code) \
	X(archive_read_data) \
	X(archive_read_data_block) \
	X(archive_read_free) \
	X(archive_read_new) \
	X(archive_read_next_header) \
	X(archive_read_open_fd) \
	X(archive_read_open_memory) \
	X(archive_read_support_filter_all) \
	X(archive_read_support_filter_compress) \
	X(archive_read_support_filter_none) \
	X(archive_read_support_format_7zip) \
	X(archive_read_support_format_ar) \
	X(archive_read_support_format_cab) \
	X(archive_read_support_format_cpio) \
	X(archive_read_support_format_gnutar) \
	X(archive_read_support_format_iso9660) \
	X(archive_read_support_format_raw) \
	X(archive_read_support_format_tar) \
	X(archive_read_support_format_zip) \
	X(archive_read_support_format_zip_seekable) \
	X(archive_read_support_format_zip_streamable) \

struct vti_la_table {
#define VTI_LA_FIELD(f) __typeof__(f) *f;
	VTI_LA_FUNCS(VTI_LA_FIELD)
#undef VTI_LA_FIELD
};

extern struct vti_la_table vti_la_fn;

/* Loads libarchive once (thread-safe), then archive_read_new(); NULL when either fails. */
struct archive *vti_la_read_new(void);

#ifndef VTI_ARCHIVE_LAZY_LOADER
#define archive_read_new() vti_la_read_new()
#define archive_entry_filetype vti_la_fn.archive_entry_filetype
#define archive_entry_gid vti_la_fn.archive_entry_gid
#define archive_entry_hardlink vti_la_fn.archive_entry_hardlink
#define archive_entry_hardlink_utf8 vti_la_fn.archive_entry_hardlink_utf8
#define archive_entry_mtime vti_la_fn.archive_entry_mtime
#define archive_entry_nlink vti_la_fn.archive_entry_nlink
#define archive_entry_pathname vti_la_fn.archive_entry_pathname
#define archive_entry_pathname_utf8 vti_la_fn.archive_entry_pathname_utf8
#define archive_entry_perm vti_la_fn.archive_entry_perm
#define archive_entry_rdevmajor vti_la_fn.archive_entry_rdevmajor
#define archive_entry_rdevminor vti_la_fn.archive_entry_rdevminor
#define archive_entry_size vti_la_fn.archive_entry_size
#define archive_entry_size_is_set vti_la_fn.archive_entry_size_is_set
#define archive_entry_symlink vti_la_fn.archive_entry_symlink
#define archive_entry_symlink_utf8 vti_la_fn.archive_entry_symlink_utf8
#define archive_entry_uid vti_la_fn.archive_entry_uid
#define archive_error_string vti_la_fn.archive_error_string
#define archive_filter_code vti_la_fn.archive_filter_code
#define archive_read_data vti_la_fn.archive_read_data
#define archive_read_data_block vti_la_fn.archive_read_data_block
#define archive_read_free vti_la_fn.archive_read_free
#define archive_read_next_header vti_la_fn.archive_read_next_header
#define archive_read_open_fd vti_la_fn.archive_read_open_fd
#define archive_read_open_memory vti_la_fn.archive_read_open_memory
#define archive_read_support_filter_all vti_la_fn.archive_read_support_filter_all
#define archive_read_support_filter_compress vti_la_fn.archive_read_support_filter_compress
#define archive_read_support_filter_none vti_la_fn.archive_read_support_filter_none
#define archive_read_support_format_7zip vti_la_fn.archive_read_support_format_7zip
#define archive_read_support_format_ar vti_la_fn.archive_read_support_format_ar
#define archive_read_support_format_cab vti_la_fn.archive_read_support_format_cab
#define archive_read_support_format_cpio vti_la_fn.archive_read_support_format_cpio
#define archive_read_support_format_gnutar vti_la_fn.archive_read_support_format_gnutar
#define archive_read_support_format_iso9660 vti_la_fn.archive_read_support_format_iso9660
#define archive_read_support_format_raw vti_la_fn.archive_read_support_format_raw
#define archive_read_support_format_tar vti_la_fn.archive_read_support_format_tar
#define archive_read_support_format_zip vti_la_fn.archive_read_support_format_zip
#define archive_read_support_format_zip_seekable vti_la_fn.archive_read_support_format_zip_seekable
#define archive_read_support_format_zip_streamable vti_la_fn.archive_read_support_format_zip_streamable
#endif

#endif
