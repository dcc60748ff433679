/* analyzer_list.h - the analyzer table, one line per analyzer, in the order they run.
 * Included twice by analyzer.c (declarations, then the table), as format_list.h is. Adding an
 * analyzer: one an_<name>.c file exporting `const struct vti_analyzer vti_an_<name>`, one
 * line here, one line in lib/analyzers/meson.build. */
