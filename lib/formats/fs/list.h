/* list.h - fs format handlers (see ../format_list.h). */
