/* error.c - names and descriptions of vt_err codes, and errno mapping. */
#include "core/internal.h"

static const struct {
	const char *name;
	const char *text;
} errs[VT_ERR_COUNT] = {
	[VT_OK] = {"VT_OK", "success"},
	[VT_ENOMEM] = {"VT_ENOMEM", "out of memory"},
	[VT_EIO] = {"VT_EIO", "input/output error"},
	[VT_ETRUNC] = {"VT_ETRUNC", "truncated data"},
	[VT_EFORMAT] = {"VT_EFORMAT", "malformed data"},
	[VT_ELIMIT] = {"VT_ELIMIT", "limit reached"},
	[VT_EUNSUPPORTED] = {"VT_EUNSUPPORTED", "unsupported variant"},
	[VT_EINTERNAL] = {"VT_EINTERNAL", "internal error"},
	[VT_EINVAL] = {"VT_EINVAL", "invalid argument"},
	[VT_ENOTFOUND] = {"VT_ENOTFOUND", "not found"},
	[VT_EACCES] = {"VT_EACCES", "permission denied"},
	[VT_EOVERFLOW] = {"VT_EOVERFLOW", "value out of range"},
	[VT_ENOTSUP] = {"VT_ENOTSUP", "not a regular file"},
	[VT_ELOOP] = {"VT_ELOOP", "too many levels of symbolic links"},
	[VT_ECANCELED] = {"VT_ECANCELED", "canceled"},
};

const char *vt_strerror(vt_err e)
{
	if ((unsigned)e < VT_ERR_COUNT && errs[e].text)
		return errs[e].text;
	return "unknown error";
}

const char *vt_errname(vt_err e)
{
	if ((unsigned)e < VT_ERR_COUNT && errs[e].name)
		return errs[e].name;
	return "VT_UNKNOWN";
}

vt_err vt_err_from_errno(int errnum)
{
	switch (errnum) {
	case 0:
		return VT_OK;
	case ENOMEM:
		return VT_ENOMEM;
	case EACCES:
	case EPERM:
		return VT_EACCES;
	case ENOENT:
	case ENOTDIR:
		return VT_ENOTFOUND;
	case ELOOP:
		return VT_ELOOP;
	case EINVAL:
		return VT_EINVAL;
	case EOVERFLOW:
	case EFBIG:
		return VT_EOVERFLOW;
	case ECANCELED:
		return VT_ECANCELED;
	default:
		return VT_EIO;
	}
}
