/* list.h - firmware format handlers (see ../format_list.h). */
