/* analyzer_list.h - the analyzer table, one line per analyzer, in the order they run.
 * Included twice by analyzer.c (declarations, then the table), as format_list.h is. Adding an
 * analyzer: one an_<name>.c file exporting `const struct vti_analyzer vti_an_<name>`, one
 * line here, one line in lib/analyzers/meson.build. */
VT_ANALYZER(hardening)
VT_ANALYZER(accounts)
VT_ANALYZER(services)
VT_ANALYZER(declared)
VT_ANALYZER(catalog)
VT_ANALYZER(pkgdb)
VT_ANALYZER(crypto)
VT_ANALYZER(secrets)
VT_ANALYZER(network)
VT_ANALYZER(fsposture)
VT_ANALYZER(yara)
