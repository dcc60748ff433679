/* report_list.h - the report writer table (X-macro): one line per writer.
 * Each VT_REPORT(name) refers to `const struct vt_report_writer vt_report_<name>`
 * defined in rep_<name>.c. */
VT_REPORT(json)
VT_REPORT(text)
VT_REPORT(cyclonedx)
VT_REPORT(spdx)
