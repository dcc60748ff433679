/* error.h - vetter's error codes.
 *
 * One enum for the whole library, numbered explicitly and never renumbered, so a code
 * printed in a log or stored in a report keeps its meaning across versions. Functions
 * that can fail return a vt_err and pass results through out-parameters.
 * Malformed input is not an error of the review: parsers return VT_EFORMAT or VT_ETRUNC
 * for the object at hand, and the caller turns that into a diagnostic and goes on.
 */
#ifndef VETTER_ERROR_H
#define VETTER_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vt_err {
	VT_OK = 0,
	VT_ENOMEM = 1,       /* out of memory */
	VT_EIO = 2,          /* I/O error reading input or writing output */
	VT_ETRUNC = 3,       /* input ends before a structure it declares */
	VT_EFORMAT = 4,      /* input is malformed */
	VT_ELIMIT = 5,       /* a configured limit was reached */
	VT_EUNSUPPORTED = 6, /* valid input of a kind vetter does not handle */
	VT_EINTERNAL = 7,    /* a bug in vetter */
	VT_EINVAL = 8,       /* invalid argument from the caller */
	VT_ENOTFOUND = 9,    /* a named thing does not exist */
	VT_EACCES = 10,      /* permission denied */
	VT_EOVERFLOW = 11,   /* arithmetic on input values would overflow */
	VT_ENOTSUP = 12,     /* not a regular file / not a supported object type */
	VT_ELOOP = 13,       /* a symbolic link loop */
	VT_ECANCELED = 14,   /* the operation was canceled */
} vt_err;

#define VT_ERR_COUNT 15

/* A short lowercase description of `e`; never NULL, also for unknown codes. */
const char *vt_strerror(vt_err e);

/* The symbolic name of `e` ("VT_ETRUNC"); "VT_UNKNOWN" for unknown codes. */
const char *vt_errname(vt_err e);

/* Maps an errno value to the closest vt_err. */
vt_err vt_err_from_errno(int errnum);

#if defined(__GNUC__)
#define VT_MUST_CHECK __attribute__((warn_unused_result))
#else
#define VT_MUST_CHECK
#endif

#ifdef __cplusplus
}
#endif
#endif
