/* list.h - fs format handlers (see ../format_list.h). */
VT_FORMAT(squashfs)
VT_FORMAT(squashfs3)
