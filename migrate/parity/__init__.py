"""Parity with real Relay: read a bundle recorded by a legacy TVM, run the converted Relax program on
its inputs, compare every output, and find the first Relay node that diverges.

    from migrate.parity import check_bundle
    result = check_bundle("bundle/", target="llvm", rtol=1e-4, atol=1e-5)
    print(result.passed, [o.max_abs for o in result.outputs], result.divergence)
"""

from .bundle import Bundle, BundleError, load_bundle
from .check import BundleCheck, Divergence, check_bundle, check_bundles, resolve_target
from .compare import OutputComparison, compare

__all__ = [
    "Bundle", "BundleCheck", "BundleError", "Divergence", "OutputComparison", "check_bundle", "check_bundles",
    "compare", "load_bundle", "resolve_target",
]
