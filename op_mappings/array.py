"""Array ops with no one-to-one Relax op, or a Relax op under another name: einsum, meshgrid,
reinterpret, reverse_sequence, sequence_mask, slice_like, strided_set, trilu, unravel_index, argwhere,
invert_permutation, matrix_set_diag, fixed_point_multiply(_per_axis), hardswish.

Where Relax has no op, a short composition of Relax ops is used; where the composition needs index
tables (strided_set, matrix_set_diag), they are constants computed from the static shapes. Ops with
neither are Relay's own TOPI computes through ``call_te`` (reinterpret, the fixed-point multiplies).
"""

from __future__ import annotations

from tvm import relax, tirx, topi
from tvm.relax import op as R

from ._common import constant_array, normalize_axis, static_product, tuple_fields
from .registry import translator


def call_topi(ctx, compute, *args, name: str):
    """`compute` (a TOPI function) as a call_tir: for ops Relax has no counterpart for."""
    return ctx.bb.call_te(compute, *args, primfunc_name_hint=name)


@translator("einsum", relax="R.einsum", attrs="equation: subscripts")
def translate_einsum(ctx, call, args):
    """Einstein summation over the tuple's tensors (topi.einsum in both)."""
    return R.einsum(tuple_fields(ctx, args[0]), call.attrs["equation"])


@translator("meshgrid", relax="R.meshgrid", attrs="indexing: indexing (ij/xy)")
def translate_meshgrid(ctx, call, args):
    """Coordinate grids from 1-d tensors; a tuple of grids (topi.meshgrid in both)."""
    indexing = call.attrs["indexing"]
    if indexing not in ("ij", "xy"):
        ctx.fail(f"indexing {indexing!r} is not ij or xy")
    return R.meshgrid(tuple_fields(ctx, args[0]), indexing)


@translator("reinterpret", relax="call_te(topi.reinterpret)", status="topi", attrs="dtype: the target dtype",
            differs="Relax has no bit cast: Relay's own TOPI compute")
def translate_reinterpret(ctx, call, args):
    """The same bits read as `dtype` (which must have the input's width)."""
    dtype = call.attrs["dtype"]
    return call_topi(ctx, topi.reinterpret, args[0], dtype, name="reinterpret")


@translator("reverse_sequence", relax="R.reverse_sequence", attrs="seq_axis, batch_axis: the same")
def translate_reverse_sequence(ctx, call, args):
    """Reverse the first seq_lengths[b] elements of each batch b along seq_axis (topi.reverse_sequence in both)."""
    data, lengths = args
    ndim = ctx.ndim(data)
    return R.reverse_sequence(data, lengths, normalize_axis(ctx, int(call.attrs["seq_axis"]), ndim),
                              normalize_axis(ctx, int(call.attrs["batch_axis"]), ndim))


@translator("sequence_mask", relax="R.where(R.less(arange, lengths), x, mask_value)", status="composite",
            attrs="axis: the time axis (0 or 1; the batch axis is the other); mask_value: the fill constant",
            differs="Relax has no sequence_mask: positions >= length[b] are replaced by mask_value")
def translate_sequence_mask(ctx, call, args):
    """x[t, b, ...] (axis 0) kept where t < lengths[b], else mask_value."""
    data, lengths = args
    axis = int(call.attrs["axis"])
    if axis not in (0, 1):
        ctx.fail(f"axis must be 0 or 1, got {axis}")
    shape = ctx.shape(data)
    ndim = len(shape)
    batch_axis = 1 - axis
    pos_shape = [1] * ndim
    pos_shape[axis] = shape[axis]
    len_shape = [1] * ndim
    len_shape[batch_axis] = shape[batch_axis]
    dtype = ctx.dtype(lengths)
    positions = ctx.emit(R.reshape(R.arange(0, shape[axis], 1, dtype), pos_shape))
    lens = ctx.emit(R.reshape(lengths, len_shape))
    keep = ctx.emit(R.less(positions, lens))
    return R.where(keep, data, ctx.const(call.attrs["mask_value"], ctx.dtype(data)))


@translator("slice_like", relax="R.strided_slice(x, axes, 0, shape_like)", status="composite",
            attrs="axes: the sliced axes (None = every axis of shape_like)",
            differs="Relax has no slice_like: the ends come from shape_like's static shape")
def translate_slice_like(ctx, call, args):
    """x[:s0, :s1, ...] on `axes`, where s are shape_like's dims."""
    x, like = args
    shape, like_shape = ctx.shape(x), ctx.shape(like)
    axes = call.attrs["axes"]
    if axes is None:
        axes = list(range(min(len(shape), len(like_shape))))
    axes = [normalize_axis(ctx, int(a), len(shape)) for a in axes]
    for a in axes:
        if a >= len(like_shape):
            ctx.fail(f"axis {a} is out of range for shape_like of rank {len(like_shape)}")
    ends = [like_shape[a] for a in axes]
    return R.strided_slice(x, axes, [0] * len(axes), ends)


def strided_set_indices(ctx, shape, begin, end, strides, value_shape):
    """For each element of a tensor of `shape`: whether data[begin:end:strides] covers it, and the flat index
    of the value written there (Relay's strided_set: missing entries mean the whole axis, step 1)."""
    import numpy as np  # noqa: PLC0415

    grids = np.meshgrid(*[np.arange(d) for d in shape], indexing="ij") if shape else []
    inside = np.ones(tuple(shape), bool)
    coords = []
    for axis, dim in enumerate(shape):
        step = int(strides[axis]) if axis < len(strides) else 1
        if step == 0:
            ctx.fail("strided_set: a stride is 0")
        lo = int(begin[axis]) if axis < len(begin) else (0 if step > 0 else dim - 1)
        hi = int(end[axis]) if axis < len(end) else (dim if step > 0 else -dim - 1)
        lo, hi = lo + dim if lo < 0 else lo, hi + dim if hi < 0 else hi
        i = grids[axis]
        if step > 0:
            inside &= (i >= lo) & (i < hi) & ((i - lo) % step == 0)
            coords.append((i - lo) // step)
        else:
            inside &= (i <= lo) & (i > hi) & ((lo - i) % -step == 0)
            coords.append((lo - i) // -step)
    for axis, c in enumerate(coords):
        if inside.any() and c[inside].max() >= value_shape[axis]:
            ctx.fail(f"strided_set: the value's shape {list(value_shape)} is smaller than the slice")
    flat = np.ravel_multi_index([np.where(inside, c, 0) for c in coords], value_shape) if shape else np.array(0)
    return inside, flat


@translator("strided_set", relax="R.where(slice_mask, R.take(R.reshape(v, [-1]), flat_index), data)",
            status="composite", attrs="begin, end, strides: constant tensors, resolved to index constants",
            differs="Relax's slice_scatter takes one axis (and topi.strided_set fails to build on int64 shapes in "
                    "0.27): the covered positions and value indices are constants from the static shapes")
def translate_strided_set(ctx, call, args):
    """data with data[begin:end:strides] = v."""
    data, value, begin, end, strides = args
    bounds = [constant_array(t) for t in (begin, end, strides)]
    shape, value_shape = ctx.shape(data), ctx.shape(value)
    if any(b is None for b in bounds) or not all(isinstance(d, int) for d in shape + value_shape):
        ctx.fail("strided_set needs constant begin/end/strides and static shapes")
    if len(value_shape) != len(shape):
        ctx.fail(f"the value's rank {len(value_shape)} differs from the data's {len(shape)}")
    inside, flat = strided_set_indices(ctx, shape, *[b.reshape(-1).tolist() for b in bounds], value_shape)
    flat_value = ctx.emit(R.reshape(value, [-1]))
    values = ctx.emit(R.take(flat_value, ctx.const(flat, "int64"), axis=0, mode="fast"))
    return R.where(ctx.const(inside, "bool"), values, data)


@translator("trilu", relax="R.triu / R.tril", attrs="upper: triu or tril; k: the diagonal offset (a constant argument)")
def translate_trilu(ctx, call, args):
    """The upper (or lower) triangle of the last two dims, from diagonal k (topi.trilu in both)."""
    data, k = args
    value = constant_array(k)
    if value is None:
        ctx.fail("trilu needs a constant k (the diagonal offset); fold it (relay.transform.FoldConstant) first")
    return (R.triu if call.attrs["upper"] else R.tril)(data, int(value))


@translator("unravel_index", relax="R.floor_mod(R.floor_divide(indices, strides), shape)", status="composite",
            attrs="(no attributes; shape must be a constant)",
            differs="Relax has no unravel_index: row-major strides of the constant shape, divide then mod")
def translate_unravel_index(ctx, call, args):
    """The coordinates of flat `indices` in `shape`: out[i] = indices // stride_i % shape_i, stacked first."""
    import numpy as np  # noqa: PLC0415

    indices, shape = args
    dims = constant_array(shape)
    if dims is None:
        ctx.fail("unravel_index needs a constant shape")
    dtype = ctx.dtype(indices)
    dims = [int(d) for d in dims.reshape(-1)]
    strides = [static_product(dims[i + 1:]) for i in range(len(dims))]
    extra = [1] * ctx.ndim(indices)
    strides_c = ctx.const(np.array(strides).reshape([len(dims)] + extra), dtype)
    dims_c = ctx.const(np.array(dims).reshape([len(dims)] + extra), dtype)
    flat = ctx.emit(R.expand_dims(indices, [0]))
    return R.floor_mod(ctx.emit(R.floor_divide(flat, strides_c)), dims_c)


@translator("argwhere", relax="R.astype(R.permute_dims(R.match_cast(R.nonzero(x), (ndim, n))), 'int32')",
            status="composite",
            differs="Relax's nonzero gives (ndim, n) int64 of unknown n: match_cast names n (so later ops legalize); "
                    "Relay's argwhere is (n, ndim) int32")
def translate_argwhere(ctx, call, args):
    """The coordinates of the non-zero elements, one row each."""
    x = args[0]
    ndim = max(ctx.ndim(x), 1)  # nonzero treats a scalar as 1-d
    count = tirx.Var("num_nonzero", "int64")
    coords = ctx.bb.match_cast(ctx.emit(R.nonzero(x)), relax.TensorType([ndim, count], "int64"))
    rows = ctx.emit(R.permute_dims(coords, [1, 0]))
    dtype = getattr(ctx.out_type, "dtype", None) or "int32"
    return rows if dtype == "int64" else R.astype(rows, dtype)


@translator("invert_permutation", relax="R.argsort(x, dtype=x.dtype)", status="composite",
            differs="Relax has no invert_permutation: a permutation's argsort is its inverse")
def translate_invert_permutation(ctx, call, args):
    """out[x[i]] = i for a permutation x."""
    return R.argsort(args[0], -1 if ctx.ndim(args[0]) else 0, False, ctx.dtype(args[0]))


def diagonal_band_indices(rows: int, cols: int, k1: int, k2: int, length: int, super_right: bool, sub_right: bool):
    """For each (i, j) of a rows x cols matrix: whether it lies on a diagonal k1 <= j - i <= k2, and the flat
    index into the (band, length) diagonal tensor that holds its value (band k2 - d; LEFT/RIGHT alignment)."""
    import numpy as np  # noqa: PLC0415

    i, j = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    d = j - i
    on_band = (d >= k1) & (d <= k2)
    diag_len = np.where(d >= 0, np.minimum(cols - d, rows), np.minimum(cols, rows + d))
    right = np.where(d >= 0, super_right, sub_right)
    offset = np.where(right, length - diag_len, 0)
    pos = np.where(d >= 0, i, j) + offset
    band = np.zeros_like(d) if k1 == k2 else k2 - d
    flat = np.where(on_band, band * length + pos, 0)
    return on_band, flat


@translator("matrix_set_diag", relax="R.where(band_mask, R.take(R.reshape(diagonal, [..., -1]), flat_index, -1), x)",
            status="composite",
            attrs="k1, k2: the diagonal band; super_diag_right_align/sub_diag_right_align: the index constants",
            differs="Relax has no matrix_set_diag (and topi's fails to build on int64 shapes in 0.27): the positions "
                    "of the band and their diagonal indices are constants computed from the static shape")
def translate_matrix_set_diag(ctx, call, args):
    """The input with the diagonals k1..k2 of its last two dims replaced by `diagonal`."""
    a = call.attrs
    x, diagonal = args
    shape, dshape = ctx.shape(x), ctx.shape(diagonal)
    rows, cols, length = shape[-2], shape[-1], dshape[-1]
    if not all(isinstance(v, int) for v in (rows, cols, length)):
        ctx.fail("matrix_set_diag needs static matrix and diagonal sizes")
    k1, k2 = int(a["k1"]), int(a["k2"])
    if k1 > k2:
        ctx.fail(f"k1={k1} must not exceed k2={k2}")
    on_band, flat = diagonal_band_indices(rows, cols, k1, k2, length, bool(a["super_diag_right_align"]),
                                          bool(a["sub_diag_right_align"]))
    batch = list(dshape[:-1]) if k1 == k2 else list(dshape[:-2])
    flat_diag = diagonal if k1 == k2 else ctx.emit(R.reshape(diagonal, batch + [-1]))
    values = ctx.emit(R.take(flat_diag, ctx.const(flat, "int64"), axis=len(batch), mode="fast"))
    return R.where(ctx.const(on_band, "bool"), values, x)


@translator("fixed_point_multiply", relax="call_te(topi.fixed_point_multiply)", status="topi",
            attrs="multiplier, shift: the same",
            differs="Relax has no fixed-point multiply: Relay's own TOPI compute; multiplier=2^30 with shift=1 "
                    "(x * 1) is x, where Relay's lowering shifts by -1 (undefined; the legacy build gives 0)")
def translate_fixed_point_multiply(ctx, call, args):
    """round(x * multiplier * 2^(shift - 31)) in integer arithmetic (q_multiply_shift).

    TVM's q_multiply_shift lowering (v0.19 and 0.27 alike) has a power-of-two shortcut for
    multiplier == 2^30 that computes `1 << (shift - 2)` as its rounding term: for shift == 1 that is a
    shift by -1, which 0.27 refuses to compile. The product is then exactly x, so x is returned.
    """
    multiplier, shift = int(call.attrs["multiplier"]), int(call.attrs["shift"])
    if multiplier == 1 << 30 and shift == 1:
        return args[0]
    return call_topi(ctx, topi.fixed_point_multiply, args[0], multiplier, shift,
                     name="fixed_point_multiply")


@translator("fixed_point_multiply_per_axis", relax="call_te(topi.fixed_point_multiply_per_axis)", status="topi",
            attrs="is_lshift_required, is_rshift_required, axes: the same",
            differs="Relax has no fixed-point multiply: Relay's own TOPI compute")
def translate_fixed_point_multiply_per_axis(ctx, call, args):
    """fixed_point_multiply with per-channel multipliers and shifts along `axes`."""
    a = call.attrs
    x, multiplier, lshift, rshift = args
    axes = [normalize_axis(ctx, int(ax), ctx.ndim(x)) for ax in a["axes"]]
    return call_topi(ctx, topi.fixed_point_multiply_per_axis, x, multiplier, lshift, rshift,
                     int(bool(a["is_lshift_required"])), int(bool(a["is_rshift_required"])), axes,
                     name="fixed_point_multiply_per_axis")


@translator("hardswish", relax="R.divide(R.multiply(x, R.clip(R.add(x, 3), 0, 6)), 6)", status="composite",
            differs="upstream v0.19 registers the name without a compute (for FakeQuantizationToInteger); the "
                    "reference is qnn.hardswish's float definition x * clip(x + 3, 0, 6) / 6 (no real-Relay golden)")
def translate_hardswish(ctx, call, args):
    """x * clip(x + 3, 0, 6) / 6."""
    x = args[0]
    dtype = ctx.dtype(x)
    shifted = ctx.emit(R.clip(ctx.emit(R.add(x, ctx.const(3.0, dtype))), 0.0, 6.0))
    return R.divide(ctx.emit(R.multiply(x, shifted)), ctx.const(6.0, dtype))
