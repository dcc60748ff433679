/* sigdb_none.c - no built-in signature database (the build could not run sigdb_gen, as
 * when cross-compiling): scan/sigscan.c compiles the database at run time. */
#include "core/internal.h"
#include "scan/sigscan.h"

const uint64_t vti_sigdb_blob_digest = 0;
const size_t vti_sigdb_blob_len = 0;
const unsigned char vti_sigdb_blob[1] = {0};
