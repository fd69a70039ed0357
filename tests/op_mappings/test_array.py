"""Goldens of op_mappings/array.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import numpy as np
import pytest

from golden_harness import check_golden, family_goldens

GOLDENS = family_goldens("array")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


# hardswish has no real-Relay bundle: the fork segfaults on it, and upstream v0.19 registers the name
# without a type relation or compute. Its reference is the v0.19 float definition of qnn.hardswish
# (python/tvm/relay/qnn/op/legalizations.py: x * clip(x + 3, 0, 6) / 6), computed here with numpy.
HARDSWISH = """#[version = "0.0.5"]
def @main(%x: Tensor[(2, 5), float32]) {
  hardswish(%x)
}
"""


def test_hardswish_matches_v019_definition():
    from migrate.translate import from_relay
    from translation_checks import run_main

    x = np.array([[-5.0, -3.0, -1.5, 0.0, 0.5], [1.0, 2.9, 3.0, 4.0, 10.0]], "float32")
    (got,) = run_main(from_relay(HARDSWISH), [x])
    np.testing.assert_allclose(got, x * np.clip(x + 3.0, 0.0, 6.0) / 6.0, rtol=1e-6)


# multiplier 2^30 with shift 1 multiplies by exactly 1. TVM's q_multiply_shift lowering (v0.19 and 0.27)
# takes a power-of-two shortcut there that shifts by -1: 0.27 refuses to compile it, and the legacy build
# returns zeros (undefined behaviour), so there is no trustworthy Relay output to record for this case.
FPM_BY_ONE = """#[version = "0.0.5"]
def @main(%x: Tensor[(2, 3), int32]) {
  %0 = fixed_point_multiply(%x, multiplier=1073741824, shift=1);
  add(%0, %x)
}
"""


def test_fixed_point_multiply_by_one_is_identity():
    import tvm
    from tvm.script import ir as I
    from tvm.script import relax as R

    from migrate.translate import from_relay

    @I.ir_module
    class Expected:
        @R.function
        def main(x: R.Tensor((2, 3), dtype="int32")) -> R.Tensor((2, 3), dtype="int32"):
            with R.dataflow():
                gv: R.Tensor((2, 3), dtype="int32") = R.add(x, x)
                R.output(gv)
            return gv

    tvm.ir.assert_structural_equal(from_relay(FPM_BY_ONE), Expected)
