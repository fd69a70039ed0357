"""Gather and scatter: gather, gather_nd, adv_index, scatter, scatter_elements, scatter_nd, sparse_to_dense.

Relay puts the index tuple of ``gather_nd``/``scatter_nd`` on the *first* axis of ``indices``
(shape ``(M, Y...)``); Relax follows ONNX and puts it on the *last* (``(Y..., M)``): the indices are
permuted first (Relax's legalization permutes them back, so both reach the same TOPI compute).
``sparse_to_dense`` has no Relax op: its sparse indices are exactly ONNX scatter_nd indices, so it is a
scatter into a tensor filled with the default value. ``adv_index`` is Relax's ``index_tensor`` (both
are NumPy/PyTorch advanced indexing with the index tensors broadcast together).
"""

from __future__ import annotations

from tvm import relax
from tvm.relax import op as R

from ._common import normalize_axis, tuple_fields
from .registry import translator

_SCATTER_ND_MODES = ("update", "add", "mul", "min", "max")
_SCATTER_ELEMENTS_MODES = ("update", "add", "mul", "mean", "min", "max")


@translator("gather", relax="R.gather_elements", attrs="axis: axis")
def translate_gather(ctx, call, args):
    """Relay's gather is ONNX GatherElements (out[i][j] = data[i][idx[i][j]] on `axis`): topi.gather in both."""
    data, indices = args
    return R.gather_elements(data, indices, normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(data)))


@translator("gather_nd", relax="R.gather_nd(data, R.permute_dims(indices))", status="composite",
            attrs="batch_dims: batch_dims; index_rank: implied by the indices shape",
            differs="Relay's indices are (M, Y...), Relax's (Y..., M) and int64: the indices are cast and permuted")
def translate_gather_nd(ctx, call, args):
    """Gather slices of `data` addressed by the index tuples on axis 0 of `indices`."""
    data, indices = args
    if ctx.dtype(indices) != "int64":  # Relax's gather_nd takes int64 indices only
        indices = ctx.emit(R.astype(indices, "int64"))
    if ctx.ndim(indices) > 1:  # (M,) is one index tuple, which Relax reads the same way
        indices = _to_last(ctx, indices)
    return R.gather_nd(data, indices, int(call.attrs["batch_dims"]))


def _to_last(ctx, indices):
    ndim = ctx.ndim(indices)
    return ctx.emit(R.permute_dims(indices, list(range(1, ndim)) + [0]))


@translator("adv_index", relax="R.index_tensor", attrs="(no attributes; the index tensors come as a tuple)")
def translate_adv_index(ctx, call, args):
    """NumPy-style advanced indexing: data[i0, i1, ...] with the index tensors broadcast together."""
    fields = tuple_fields(ctx, args[0])
    if len(fields) < 2:
        ctx.fail("adv_index needs the data and at least one index tensor")
    return R.index_tensor(fields[0], relax.Tuple(fields[1:]))


def _scatter_elements(ctx, data, indices, updates, axis, reduction):
    if reduction not in _SCATTER_ELEMENTS_MODES:
        ctx.fail(f"reduction {reduction!r} is not one of {', '.join(_SCATTER_ELEMENTS_MODES)}")
    return R.scatter_elements(data, indices, updates, normalize_axis(ctx, int(axis), ctx.ndim(data)), reduction)


@translator("scatter_elements", relax="R.scatter_elements", attrs="axis: axis; reduction: reduction (same names)")
def translate_scatter_elements(ctx, call, args):
    """ONNX ScatterElements with update/add/mul/mean/min/max (topi.scatter_elements in both)."""
    return _scatter_elements(ctx, *args, call.attrs["axis"], call.attrs["reduction"])


@translator("scatter", relax="R.scatter_elements(reduction='update')", attrs="axis: axis (0 when absent)",
            differs="v0.19 keeps only the name (scatter_elements replaced it; the fork lacks ScatterAttrs): the "
                    "reference is the older definition, scatter_elements with 'update' along axis (default 0)")
def translate_scatter(ctx, call, args):
    """Relay's older scatter: out = data with out[... idx ...] = updates along `axis` (the last write wins)."""
    axis = call.attrs.get("axis")
    return _scatter_elements(ctx, *args, 0 if axis is None else axis, "update")


@translator("scatter_nd", relax="R.scatter_nd(data, R.permute_dims(indices), updates)", status="composite",
            attrs="mode: reduction (update/add/mul/min/max)",
            differs="Relay's indices are (M, Y...), Relax's (Y..., M): the indices are permuted")
def translate_scatter_nd(ctx, call, args):
    """Scatter `updates` into a copy of `data` at the index tuples on axis 0 of `indices`."""
    data, indices, updates = args
    mode = call.attrs["mode"]
    if mode not in _SCATTER_ND_MODES:
        ctx.fail(f"mode {mode!r} is not one of {', '.join(_SCATTER_ND_MODES)}")
    if ctx.ndim(indices) < 2:
        ctx.fail("scatter_nd needs indices of rank 2 or more ((M, Y...))")
    return R.scatter_nd(data, _to_last(ctx, indices), updates, mode)


@translator("sparse_to_dense", relax="R.scatter_nd(R.full(output_shape, default_value), sparse_indices, sparse_values)",
            status="composite", attrs="output_shape: the shape of R.full",
            differs="Relax has no sparse_to_dense; Relay's (N, ndim) sparse indices are ONNX scatter_nd indices")
def translate_sparse_to_dense(ctx, call, args):
    """A tensor of `output_shape` filled with `default_value`, with `sparse_values` written at `sparse_indices`."""
    indices, values, default = args
    shape = [int(d) for d in call.attrs["output_shape"]]
    dtype = ctx.dtype(values)
    nd = ctx.ndim(indices)
    if nd == 0:
        indices = ctx.emit(R.reshape(indices, [1, 1]))
    elif nd == 1:
        indices = ctx.emit(R.expand_dims(indices, [1]))
    elif nd != 2:
        ctx.fail("sparse_indices must be a scalar, a vector or a matrix")
    count = ctx.shape(indices)[0]
    if ctx.ndim(values) == 0:
        values = ctx.emit(R.broadcast_to(values, [count]))
    dense = ctx.emit(R.full(shape, default, dtype))
    return R.scatter_nd(dense, indices, values, "update")
