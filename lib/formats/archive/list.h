/* list.h - archive format handlers (see ../format_list.h). */
