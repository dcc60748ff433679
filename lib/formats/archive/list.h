/* list.h - archive format handlers (see ../format_list.h). */
VT_FORMAT(tar)
VT_FORMAT(cpio)
VT_FORMAT(zip)
VT_FORMAT(7z)
VT_FORMAT(ar)
VT_FORMAT(rpm)
VT_FORMAT(cab)
VT_FORMAT(iso9660)
