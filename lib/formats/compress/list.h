/* list.h - compress format handlers (see ../format_list.h). */
