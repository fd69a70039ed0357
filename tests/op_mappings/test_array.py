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
