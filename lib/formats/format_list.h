/* format_list.h - every format handler, as VT_FORMAT(name) lines (X-macro), grouped by
 * family. Each group's list.h is owned with its handlers; `name` refers to
 * `const struct vt_format vt_format_<name>` in fmt_<name>.c of that group. Order
 * matters only as a tie-break between equally confident candidates at one offset. */
#include "formats/firmware/list.h"
#include "formats/fs/list.h"
#include "formats/archive/list.h"
#include "formats/compress/list.h"
