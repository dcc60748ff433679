/* format.c - the table of format handlers, built from format_list.h. */
#include "formats/format.h"

#define VT_FORMAT(n) extern const struct vt_format vt_format_##n;
#include "formats/format_list.h"
#undef VT_FORMAT

static const struct vt_format *const formats[] = {
#define VT_FORMAT(n) &vt_format_##n,
#include "formats/format_list.h"
#undef VT_FORMAT
	NULL,
};

const struct vt_format *const *vti_formats(void)
{
	return formats;
}

const struct vt_format *vti_format_find(const char *name)
{
	for (size_t i = 0; formats[i]; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}
