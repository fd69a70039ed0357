"""Goldens of op_mappings/sparse.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import numpy as np
import pytest
import tvm

from golden_harness import bundle_dir, check_golden, family_goldens
from migrate.errors import UnsupportedInputError, UnsupportedOpsError
from migrate.translate import from_relay

GOLDENS = family_goldens("sparse")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


SPARSE_DENSE_TEXT = '''#[version = "0.0.5"]
def @main(%x: Tensor[(2, 4), float32], %d: Tensor[(5), float32], %i: Tensor[(5), int32], %p: Tensor[(4), int32]) {
  nn.sparse_dense(%x, %d, %i, %p)
}'''


def test_sparse_matrix_computed_at_run_time_is_reported():
    with pytest.raises(UnsupportedInputError, match=r"nn\.sparse_dense: the sparse data \(argument 2\) is computed at "
                                                    r"run time; Relax has no sparse tensors, so only constant sparse "
                                                    r"matrices \(weights\) can be densified: bind the weights"):
        from_relay(SPARSE_DENSE_TEXT)


def test_sparse_weights_bound_as_params_are_densified():
    """The CSR triple as params (the usual way weights are saved) densifies like Relay constants do."""
    params = {"d": np.array([1.0, -2.0, 0.5, 3.0, -1.5], "float32"), "i": np.array([0, 3, 1, 2, 3], "int32"),
              "p": np.array([0, 2, 3, 5], "int32")}
    tvm.ir.assert_structural_equal(from_relay(SPARSE_DENSE_TEXT, params), GOLDENS["nn.sparse_dense/basic"].expected())


def test_sparse_fill_empty_rows_is_listed_as_unsupported():
    with pytest.raises(UnsupportedOpsError, match="sparse_fill_empty_rows: 1x.*data-dependent shape"):
        from_relay(bundle_dir("sparse_fill_empty_rows/basic") / "model.relay")


def test_sparse_conv2d_with_column_blocks_nhwc():
    """2-d weight data are bs_r x 1 blocks (topi's sparse_conv2d): out[.., 2*b + j] = sum data[k][j] * x[.., col_k]."""
    from translation_checks import run_main

    text = '''#[version = "0.0.5"]
def @main(%x: Tensor[(1, 2, 2, 3), float32], %d: Tensor[(2, 2), float32], %i: Tensor[(2), int32],
          %p: Tensor[(3), int32]) {
  nn.sparse_conv2d(%x, %d, %i, %p, layout="NHWC", kernel_size=[1, 1])
}'''
    data = np.array([[1.0, 2.0], [3.0, -1.0]], "float32")  # block row 0 at column 2, block row 1 at column 0
    params = {"d": data, "i": np.array([2, 0], "int32"), "p": np.array([0, 1, 2], "int32")}
    weight = np.array([[0, 0, 1.0], [0, 0, 2.0], [3.0, 0, 0], [-1.0, 0, 0]], "float32")  # (out 4, in 3)
    x = np.arange(12, dtype="float32").reshape(1, 2, 2, 3)
    (got,) = run_main(from_relay(text, params), [x])
    np.testing.assert_allclose(got, np.einsum("nhwi,oi->nhwo", x, weight), rtol=1e-6)
