/* vetter.h - the public API of libvetter (umbrella header).
 *
 * Programs include only this header. See docs/ for the report schema and internals.
 */
#ifndef VETTER_VETTER_H
#define VETTER_VETTER_H

#include <vetter/arena.h>
#include <vetter/buf.h>
#include <vetter/component.h>
#include <vetter/elf.h>
#include <vetter/error.h>
#include <vetter/finding.h>
#include <vetter/hash.h>
#include <vetter/log.h>
#include <vetter/pool.h>
#include <vetter/report.h>
#include <vetter/review.h>
#include <vetter/span.h>
#include <vetter/tree.h>
#include <vetter/vulndb.h>

#endif
