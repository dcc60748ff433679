/* an_declared.c - the rules of the declared-SBOM comparison, as an analyzer descriptor.
 *
 * The comparison itself is a post-analysis phase (lib/catalog/declared.c, run after the
 * components are known); this descriptor only lists its rules so that vt_rules() and the
 * rule listings include them. It looks at no object.
 */
#include "core/internal.h"

#include "analyzers/analyzer.h"
#include "catalog/declared.h"

const struct vti_analyzer vti_an_declared = {
	.name = "declared",
	.version = 1,
	.description = "compares the vendor's declared SBOM (--declared-sbom) with the components "
		       "found: undeclared, mismatched and absent components",
	.rules = vti_declared_rules,
};
