/* list.h - firmware format handlers (see ../format_list.h). */
VT_FORMAT(uimage)
VT_FORMAT(fit)
VT_FORMAT(dtb)
VT_FORMAT(linux_x86)
VT_FORMAT(linux_arm)
VT_FORMAT(linux_arm64)
