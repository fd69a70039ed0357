"""Goldens of op_mappings/layout.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import pytest

from golden_harness import check_golden, family_goldens

GOLDENS = family_goldens("layout")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


SYMBOLIC_BATCH = """#[version = "0.0.5"]
def @main(%x: Tensor[(?, 8, 2, 3), float32]) {
  %0 = layout_transform(%x, src_layout="NCHW", dst_layout="NCHW4c");
  layout_transform(%0, src_layout="NCHW4c", dst_layout="NHWC")
}
"""


def test_layout_transform_symbolic_batch_runs():
    """A `?` batch stays symbolic; NCHW -> NCHW4c -> NHWC equals NumPy's transpose for any batch size."""
    import numpy as np

    from migrate.translate import from_relay
    from translation_checks import run_main

    mod = from_relay(SYMBOLIC_BATCH)
    for batch in (1, 3):
        x = np.arange(batch * 48, dtype="float32").reshape(batch, 8, 2, 3)
        (got,) = run_main(mod, [x])
        np.testing.assert_array_equal(got, x.transpose(0, 2, 3, 1))


def test_layout_transform_split_of_symbolic_dim_is_reported():
    from migrate.errors import UnsupportedInputError
    from migrate.translate import from_relay

    text = SYMBOLIC_BATCH.replace("(?, 8, 2, 3)", "(1, ?, 2, 3)")
    with pytest.raises(UnsupportedInputError, match="layout 'NCHW4c': splitting a symbolic dim is not supported"):
        from_relay(text)
