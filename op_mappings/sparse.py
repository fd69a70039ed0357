"""Sparse ops: sparse_reshape, sparse_fill_empty_rows, nn.sparse_dense/add/conv2d/transpose.

Relax 0.27 has no sparse tensors and TOPI 0.27 dropped its sparse kernels. Relay's sparse
matrices are CSR (or BSR) triples ``(data, indices, indptr)``; in the models Relay's sparse passes
made (``relay.transform.DenseToSparse`` / ``bsr_dense.convert``) they are weights, i.e. constants.
Those are densified at translation time, and the op becomes its dense Relax counterpart (matmul,
add, conv2d): the same sums, in a different order, so float results agree up to rounding.
A sparse matrix computed at run time cannot be densified: the translation says so.
"""

from __future__ import annotations

import numpy as np
from tvm import relax
from tvm.relax import op as R

from ._common import constant_array
from .registry import translator, unsupported


def densify(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, columns: int) -> np.ndarray:
    """The dense matrix of a CSR triple (1-d data), or of a BSR one: data of shape (blocks, bs_r, bs_c), or
    (blocks, bs_r) for bs_r x 1 blocks (what sparse_conv2d's 2-d weight data means)."""
    if data.ndim == 1:
        out = np.zeros((len(indptr) - 1, columns), data.dtype)
        for r in range(len(indptr) - 1):
            for j in range(indptr[r], indptr[r + 1]):
                out[r, int(indices[j])] = data[j]
        return out
    if data.ndim == 2:
        data = data[:, :, None]
    bs_r, bs_c = data.shape[1:]
    rows = len(indptr) - 1
    out = np.zeros((rows * bs_r, columns), data.dtype)
    for r in range(rows):
        for j in range(indptr[r], indptr[r + 1]):
            c = int(indices[j])
            out[r * bs_r:(r + 1) * bs_r, c * bs_c:(c + 1) * bs_c] = data[j]
    return out


def _constant_csr(ctx, args, first: int):
    names = ("sparse data", "sparse indices", "sparse indptr")
    out = []
    for name, arg in zip(names, args[first:first + 3]):
        value = constant_array(arg)
        if value is None:
            ctx.fail(f"the {name} (argument {first + len(out) + 1}) is computed at run time; Relax has no sparse "
                     f"tensors, so only constant sparse matrices (weights) can be densified: bind the weights with "
                     f"from_relay(..., params=...)")
        out.append(value)
    return out


@translator("nn.sparse_dense", relax="R.matmul(x, W^T) with W the densified constant sparse matrix (a constant)",
            status="composite", attrs="sparse_lhs: W @ x^T instead of x @ W^T; CSR and BSR weights",
            differs="the sparse weight is densified (Relax has no sparse tensors): same result up to float rounding")
def translate_sparse_dense(ctx, call, args):
    """x @ W^T (or W @ x^T with sparse_lhs), W given as a constant CSR/BSR triple."""
    x = args[0]
    data, indices, indptr = _constant_csr(ctx, args, 1)
    columns = ctx.shape(x)[1]
    if not isinstance(columns, int):
        ctx.fail("needs a static inner dimension to densify the sparse matrix")
    weight = densify(data, indices, indptr, columns)
    if call.attrs["sparse_lhs"]:
        return R.matmul(ctx.const(weight, str(data.dtype)), R.permute_dims(x))
    return R.matmul(x, ctx.const(np.ascontiguousarray(weight.T), str(data.dtype)))


@translator("nn.sparse_add", relax="R.add(x, W) with W the densified constant sparse matrix", status="composite",
            differs="the sparse matrix is densified (Relax has no sparse tensors)")
def translate_sparse_add(ctx, call, args):
    """dense + sparse, the sparse operand a constant CSR triple."""
    x = args[0]
    data, indices, indptr = _constant_csr(ctx, args, 1)
    shape = ctx.shape(x)
    if not isinstance(shape[1], int):
        ctx.fail("needs a static column count to densify the sparse matrix")
    return R.add(x, ctx.const(densify(data, indices, indptr, shape[1]), str(data.dtype)))


@translator("nn.sparse_conv2d", relax="R.nn.conv2d with the densified constant 1x1 kernel", status="composite",
            attrs="layout: NCHW (kernel OIHW) or NHWC (kernel HWIO); kernel_size: 1x1 only",
            differs="the sparse kernel is densified (Relax has no sparse tensors)")
def translate_sparse_conv2d(ctx, call, args):
    """A 1x1 convolution whose (out, in) weight is a constant CSR/BSR matrix."""
    x = args[0]
    layout = call.attrs["layout"]
    if tuple(int(k) for k in call.attrs["kernel_size"]) != (1, 1):
        ctx.fail(f"kernel_size {list(call.attrs['kernel_size'])} is not supported (1x1 only)")
    if layout not in ("NCHW", "NHWC"):
        ctx.fail(f"layout {layout!r} is not supported (NCHW or NHWC)")
    data, indices, indptr = _constant_csr(ctx, args, 1)
    channels = ctx.shape(x)[layout.index("C")]
    weight = densify(data, indices, indptr, channels)  # (out, in)
    if layout == "NCHW":
        kernel = ctx.const(weight[:, :, None, None], str(data.dtype))
        return relax.op.nn.conv2d(x, kernel, data_layout="NCHW", kernel_layout="OIHW")
    kernel = ctx.const(weight.T[None, None, :, :], str(data.dtype))
    return relax.op.nn.conv2d(x, kernel, data_layout="NHWC", kernel_layout="HWIO")


@translator("nn.sparse_transpose", relax="the transposed CSR triple, computed at translation time (constants)",
            status="composite", differs="folded: the input must be constant (Relax has no sparse tensors)")
def translate_sparse_transpose(ctx, call, args):
    """The CSR triple of W^T (W square, as Relay requires), rows sorted by column index."""
    data, indices, indptr = _constant_csr(ctx, args, 0)
    n = len(indptr) - 1
    rows = np.repeat(np.arange(n), np.diff(indptr))
    order = np.lexsort((rows, indices))
    t_indptr = np.zeros(n + 1, indptr.dtype)
    np.add.at(t_indptr, indices.astype(np.int64) + 1, 1)
    t_indptr = np.cumsum(t_indptr).astype(indptr.dtype)
    return relax.Tuple([ctx.const(data[order], str(data.dtype)),
                        ctx.const(rows[order].astype(indices.dtype), str(indices.dtype)),
                        ctx.const(t_indptr, str(indptr.dtype))])


def _row_major_strides(ctx, shape):
    """strides[j] = prod(shape[j+1:]) of a 1-d shape tensor."""
    flipped = ctx.emit(R.flip(shape, 0))
    return ctx.emit(R.flip(ctx.emit(R.cumprod(flipped, 0, None, True)), 0))


@translator("sparse_reshape", relax="flatten the COO indices with the old strides, unravel with the new ones",
            status="composite",
            attrs="(no attributes) new_shape: a -1 is inferred from prev_shape",
            differs="Relax has no sparse_reshape (TOPI 0.27's fails to build): Relay's compute as tensor ops")
def translate_sparse_reshape(ctx, call, args):
    """(new COO indices, resolved new shape): each index row flattened row-major and unravelled in the new shape."""
    indices, prev_shape, new_shape = args
    dtype = ctx.dtype(new_shape)
    infer = ctx.emit(R.equal(new_shape, ctx.const(-1, dtype)))
    known = ctx.emit(R.prod(ctx.emit(R.where(infer, ctx.const(1, dtype), new_shape))))
    total = ctx.emit(R.prod(prev_shape))
    out_shape = ctx.emit(R.where(infer, ctx.emit(R.floor_divide(total, known)), new_shape))
    old_strides = _row_major_strides(ctx, prev_shape)
    flat = ctx.emit(R.sum(ctx.emit(R.multiply(indices, ctx.emit(R.expand_dims(old_strides, [0])))), axis=[1],
                          keepdims=True))
    new_strides = ctx.emit(R.expand_dims(_row_major_strides(ctx, out_shape), [0]))
    coords = ctx.emit(R.floor_mod(ctx.emit(R.floor_divide(flat, new_strides)),
                                  ctx.emit(R.expand_dims(out_shape, [0]))))
    return relax.Tuple([coords, out_shape])


unsupported(
    "sparse_fill_empty_rows",
    reason="its outputs' length depends on the values of the indices (data-dependent shape); Relax 0.27 has no op "
           "or TOPI compute for it",
    action="fill the empty rows before the model (e.g. tf.sparse.fill_empty_rows on the inputs) or keep this part "
           "in the framework",
)
