"""Shape and layout transforms: reshape, transpose, expand_dims, squeeze, concatenate, stack, split,
strided_slice, take, reverse, broadcast_to, tile, repeat.

Relay attributes that Relax does not have are resolved statically from the input shape: reshape's
special codes (v0.19 ``InferNewShape``), strided_slice's ``slice_mode="size"`` and default begin/end,
take's ``axis=None`` (flatten first). Negative axes are normalised, so each golden has one form.
"""

from __future__ import annotations

import sys

from tvm import relax
from tvm.relax import op as R

from ._common import constant_array, normalize_axis, static_product
from .registry import translator

INT64_MAX = sys.maxsize


# ----------------------------------------------------------------------------- reshape


def infer_new_shape(ctx, ishape: tuple, newshape: tuple, allowzero: bool) -> list:
    """Relay's reshape codes resolved against the input shape (v0.19 ``InferNewShape``).

    0 copies the input dim (unless allowzero), -1 infers one dim, -2 copies the remaining dims,
    -3 merges two dims, -4 splits one dim into the next two values (either may be -1). Dims are
    ints or symbolic expressions; an inferred dim that depends on a symbolic dim stays -1, which
    Relax infers the same way at run time.
    """
    out, used_in, used_out = [], set(), set()
    src, infer_at, i = 0, -1, 0
    while i < len(newshape):
        code = int(newshape[i])
        if code > 0 or (code == 0 and allowzero):
            out.append(code)
            src += 1
        elif code == 0:
            if src >= len(ishape):
                ctx.fail(f"newshape {list(newshape)}: code 0 at position {i} has no input dim to copy")
            used_in.add(src), used_out.add(len(out))
            out.append(ishape[src])
            src += 1
        elif code == -1:
            if infer_at >= 0:
                ctx.fail(f"newshape {list(newshape)}: only one dim can be -1")
            infer_at = len(out)
            out.append(1)
            src += 1
        elif code == -2:
            while src < len(ishape):
                used_in.add(src), used_out.add(len(out))
                out.append(ishape[src])
                src += 1
        elif code == -3:
            if src + 1 >= len(ishape):
                ctx.fail(f"newshape {list(newshape)}: code -3 needs two input dims")
            used_in.update((src, src + 1)), used_out.add(len(out))
            out.append(ishape[src] * ishape[src + 1])
            src += 2
        elif code == -4:
            if i + 2 >= len(newshape) or src >= len(ishape):
                ctx.fail(f"newshape {list(newshape)}: code -4 needs two values after it and an input dim")
            d0, d1, d2 = ishape[src], int(newshape[i + 1]), int(newshape[i + 2])
            used_in.add(src)
            src += 1
            i += 2
            if d1 == -1 and d2 == -1:
                ctx.fail(f"newshape {list(newshape)}: code -4 cannot split into two -1 dims")
            used_out.update((len(out), len(out) + 1))
            out.append(d0 // d2 if d1 == -1 else d1)
            out.append(d0 // d1 if d2 == -1 else d2)
        else:
            ctx.fail(f"newshape {list(newshape)}: unknown special value {code}")
        i += 1
    if infer_at >= 0:
        rest = [d for k, d in enumerate(ishape) if k not in used_in]
        others = [d for k, d in enumerate(out) if k not in used_out and k != infer_at]
        if all(isinstance(d, int) for d in rest + others):
            size = 1
            for d in rest:
                size *= d
            for d in others:
                size //= d
            out[infer_at] = size
        else:
            out[infer_at] = -1
    return out


def _reshape(ctx, x, newshape, allowzero, reverse: bool):
    ishape = ctx.shape(x)
    if reverse:
        shape = infer_new_shape(ctx, ishape[::-1], tuple(newshape)[::-1], allowzero)[::-1]
    else:
        shape = infer_new_shape(ctx, ishape, tuple(newshape), allowzero)
    return R.reshape(x, shape)


@translator("reshape", relax="R.reshape", status="exact",
            attrs="newshape: codes 0/-1/-2/-3/-4 resolved from the input shape; allowzero: 0 is a zero dim")
def translate_reshape(ctx, call, args):
    """reshape with Relay's special codes, resolved statically (Relax takes the final shape)."""
    return _reshape(ctx, args[0], call.attrs["newshape"], call.attrs["allowzero"], reverse=False)


@translator("contrib_reverse_reshape", relax="R.reshape", status="exact",
            attrs="newshape: the codes read right to left, resolved from the input shape")
def translate_reverse_reshape(ctx, call, args):
    """Like reshape, but the codes are matched from the last dim backwards."""
    return _reshape(ctx, args[0], call.attrs["newshape"], False, reverse=True)


@translator("nn.batch_flatten", relax="R.nn.batch_flatten (1-d: R.reshape to (n, 1))")
def translate_batch_flatten(ctx, call, args):
    """Relay flattens a 1-d input to (n, 1); Relax's batch_flatten wants 2 dims or more."""
    if ctx.ndim(args[0]) == 1:
        return R.reshape(args[0], [ctx.shape(args[0])[0], 1])
    return relax.op.nn.batch_flatten(args[0])


# ----------------------------------------------------------------------------- axes


@translator("transpose", relax="R.permute_dims", attrs="axes: permute_dims axes (None or [] reverses)")
def translate_transpose(ctx, call, args):
    axes = call.attrs["axes"]
    if not axes:
        return R.permute_dims(args[0], None)
    ndim = ctx.ndim(args[0])
    return R.permute_dims(args[0], [normalize_axis(ctx, int(a), ndim) for a in axes])


@translator("expand_dims", relax="R.expand_dims",
            attrs="axis, num_newaxis: the num_newaxis output axes starting at axis")
def translate_expand_dims(ctx, call, args):
    x = args[0]
    count = int(call.attrs["num_newaxis"])
    if count == 0:
        return x
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(x), extra=1)
    return R.expand_dims(x, list(range(axis, axis + count)))


@translator("squeeze", relax="R.squeeze", attrs="axis: None squeezes every 1-dim; [] squeezes none")
def translate_squeeze(ctx, call, args):
    x, axis = args[0], call.attrs["axis"]
    if axis is None:
        return R.squeeze(x)
    if len(axis) == 0:
        return x
    ndim = ctx.ndim(x)
    return R.squeeze(x, [normalize_axis(ctx, int(a), ndim) for a in axis])


def _tuple_ndim(ctx, tup) -> int:
    ty = ctx.ty(tup)
    if not isinstance(ty, relax.TupleType) or not ty.fields:
        ctx.fail("expects a non-empty tuple of tensors")
    return int(ty.fields[0].ndim)


@translator("concatenate", relax="R.concat", attrs="axis: axis")
def translate_concatenate(ctx, call, args):
    axis = normalize_axis(ctx, int(call.attrs["axis"]), _tuple_ndim(ctx, args[0]))
    return R.concat(args[0], axis)


@translator("stack", relax="R.stack", attrs="axis: axis (in the output)")
def translate_stack(ctx, call, args):
    axis = normalize_axis(ctx, int(call.attrs["axis"]), _tuple_ndim(ctx, args[0]), extra=1)
    return R.stack(args[0], axis)


@translator("split", relax="R.split", attrs="indices_or_sections: the same (int: equal sections); axis: axis")
def translate_split(ctx, call, args):
    """split returns a tuple in both; TupleGetItem picks the parts."""
    x = args[0]
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(x))
    parts = call.attrs["indices_or_sections"]
    parts = int(parts) if isinstance(parts, int) else [int(p) for p in parts]
    return R.split(x, parts, axis)


@translator("reverse", relax="R.flip", attrs="axis: axis")
def translate_reverse(ctx, call, args):
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(args[0]))
    return R.flip(args[0], axis)


# ----------------------------------------------------------------------------- strided_slice


def _canonical(index: int, extent: int, stride: int) -> int:
    """topi's CanonicalizeIndex: the index after wrapping negatives and clamping."""
    low, high = (-1, extent - 1) if stride < 0 else (0, extent)
    if index < 0:
        index += extent
    return min(max(index, low), high)


@translator("strided_slice", relax="R.strided_slice", status="exact",
            attrs="begin/end/strides/axes: per axis (defaults filled in as Relay does); "
                  "slice_mode='size': end = begin + size (size < 0: to the end), strides ignored")
def translate_strided_slice(ctx, call, args):
    """Relay's begin/end/strides, resolved per axis; static dims get canonical (clamped) bounds."""
    x = args[0]
    attrs = call.attrs
    shape = ctx.shape(x)
    ndim = len(shape)
    begin, end = list(attrs["begin"] or ()), list(attrs["end"] or ())
    strides = list(attrs["strides"] or ())
    size_mode = attrs["slice_mode"] == "size"
    if attrs["axes"] is not None:
        axes = [normalize_axis(ctx, int(a), ndim) for a in attrs["axes"]]
        if not len(axes) == len(begin) == len(end) == len(strides):
            ctx.fail("axes, begin, end and strides must have the same length")
    else:
        strides += [1] * (ndim - len(strides))
        axes = list(range(max(len(begin), len(end))))
    out_axes, out_begin, out_end, out_strides = [], [], [], []
    for k, axis in enumerate(axes):
        stride = 1 if size_mode else int(strides[k])
        b = begin[k] if k < len(begin) else None
        e = end[k] if k < len(end) else None
        b = (0 if stride > 0 else INT64_MAX) if b is None else int(b)
        if e is None:
            e = INT64_MAX if stride > 0 else 0
        elif size_mode:
            e = INT64_MAX if int(e) < 0 else b + int(e)
        else:
            e = int(e)
        extent = shape[axis]
        if isinstance(extent, int):
            b, e = _canonical(b, extent, stride), _canonical(e, extent, stride)
            # -1 is "before index 0" here (negative strides); Relax would read it as extent - 1
            b, e = (-extent - 1 if b == -1 else b), (-extent - 1 if e == -1 else e)
        out_axes.append(axis)
        out_begin.append(b)
        out_end.append(e)
        out_strides.append(stride)
    if not out_axes:
        return x
    return R.strided_slice(x, out_axes, out_begin, out_end, out_strides)


# ----------------------------------------------------------------------------- take


@translator("take", relax="R.take; batch_dims: R.gather_nd", status="exact",
            attrs="axis: None flattens first; mode: clip (Relay's default), wrap, fast; "
                  "batch_dims: gather_nd over the batch dims (indices clipped/wrapped first)")
def translate_take(ctx, call, args):
    """take keeps Relay's mode explicitly: Relay defaults to clip, Relax to fast."""
    x, indices = args
    attrs = call.attrs
    mode, axis = attrs["mode"], attrs["axis"]
    batch_dims = int(attrs["batch_dims"] or 0)
    if axis is None:
        size = static_product(ctx.shape(x))
        x = ctx.emit(R.reshape(x, [-1 if size is None else size]))
        axis = 0
    else:
        axis = normalize_axis(ctx, int(axis), ctx.ndim(x))
    if batch_dims == 0:
        return R.take(x, indices, axis, mode=mode)
    return _take_batched(ctx, x, indices, axis, batch_dims, mode)


def _take_batched(ctx, x, indices, axis: int, batch_dims: int, mode: str):
    """take with batch_dims b: gather_nd(x with `axis` moved to b, indices[..., None], batch_dims=b),
    then the gathered dims moved back after x's dims b..axis-1 (Relay's output order)."""
    ndim, idx_ndim = ctx.ndim(x), ctx.ndim(indices)
    if batch_dims < 0:
        batch_dims += idx_ndim
    if not 0 <= batch_dims <= axis:
        ctx.fail(f"batch_dims={batch_dims} must lie in [0, axis={axis}]")
    extent = ctx.shape(x)[axis]
    if ctx.dtype(indices) != "int64":  # gather_nd takes int64 indices
        indices = ctx.emit(R.astype(indices, "int64"))
    if mode == "clip":
        indices = ctx.emit(R.clip(indices, 0, extent - 1))
    elif mode == "wrap":
        indices = ctx.emit(R.floor_mod(indices, ctx.const(extent, "int64")))
    if axis != batch_dims:
        order = list(range(batch_dims)) + [axis] + [i for i in range(batch_dims, ndim) if i != axis]
        x = ctx.emit(R.permute_dims(x, order))
    gathered = R.gather_nd(x, ctx.emit(R.expand_dims(indices, [idx_ndim])), batch_dims)
    if axis == batch_dims:
        return gathered
    # gathered: batch dims, the index dims, x's dims b..axis-1, x's dims after axis
    gathered = ctx.emit(gathered)
    n_index, n_mid = idx_ndim - batch_dims, axis - batch_dims
    head = list(range(batch_dims))
    index_dims = list(range(batch_dims, batch_dims + n_index))
    mid = list(range(batch_dims + n_index, batch_dims + n_index + n_mid))
    tail = list(range(batch_dims + n_index + n_mid, ctx.ndim(gathered)))
    return R.permute_dims(gathered, head + mid + index_dims + tail)


# ----------------------------------------------------------------------------- broadcast and tile


@translator("broadcast_to", relax="R.broadcast_to", attrs="shape: shape")
def translate_broadcast_to(ctx, call, args):
    return R.broadcast_to(args[0], [int(d) if isinstance(d, int) else d for d in call.attrs["shape"]])


@translator("broadcast_to_like", relax="R.broadcast_to(x, shape of y)")
def translate_broadcast_to_like(ctx, call, args):
    return R.broadcast_to(args[0], list(ctx.shape(args[1])))


@translator("tile", relax="R.tile", attrs="reps: repeats")
def translate_tile(ctx, call, args):
    return R.tile(args[0], [int(r) for r in call.attrs["reps"]])


@translator("repeat", relax="R.repeat", attrs="repeats, axis: the same")
def translate_repeat(ctx, call, args):
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(args[0]))
    return R.repeat(args[0], int(call.attrs["repeats"]), axis)


@translator("reshape_like", relax="R.reshape", attrs="lhs_begin/lhs_end/rhs_begin/rhs_end: the replaced and copied "
            "dim ranges, resolved from both shapes")
def translate_reshape_like(ctx, call, args):
    """x's dims [lhs_begin, lhs_end) become y's dims [rhs_begin, rhs_end)."""
    a = call.attrs
    xs, ys = ctx.shape(args[0]), ctx.shape(args[1])
    lb, le = int(a["lhs_begin"]), len(xs) if a["lhs_end"] is None else int(a["lhs_end"])
    rb, re = int(a["rhs_begin"]), len(ys) if a["rhs_end"] is None else int(a["rhs_end"])
    lb, le = (lb + len(xs) if lb < 0 else lb), (le + len(xs) if le < 0 else le)
    rb, re = (rb + len(ys) if rb < 0 else rb), (re + len(ys) if re < 0 else re)
    return R.reshape(args[0], list(xs[:lb]) + list(ys[rb:re]) + list(xs[le:]))


_PAD_MODES = {"constant": "constant", "edge": "replicate", "reflect": "reflect"}


@translator("nn.pad", relax="R.nn.pad", status="exact",
            attrs="pad_width: flattened (before, after) per axis; pad_mode: constant/edge(replicate)/reflect; "
                  "pad_value: a constant, or R.where over a padded mask when computed")
def translate_pad(ctx, call, args):
    """nn.pad(x, pad_value): Relax takes the pad value as an attribute, so a computed one goes through where."""
    x, value = args
    widths = [int(w) for pair in call.attrs["pad_width"] for w in pair]
    mode = call.attrs["pad_mode"]
    if mode not in _PAD_MODES:
        ctx.fail(f"pad_mode {mode!r} is not one of {', '.join(_PAD_MODES)}")
    data = constant_array(value)
    if data is not None or mode != "constant":
        fill = float(data.reshape(())) if data is not None else 0.0
        return relax.op.nn.pad(x, widths, _PAD_MODES[mode], fill)
    padded = ctx.emit(relax.op.nn.pad(x, widths, "constant", 0.0))
    inside = ctx.emit(R.astype(relax.op.nn.pad(R.ones_like(x), widths, "constant", 0.0), "bool"))
    return R.where(inside, padded, value)


@translator("nn.mirror_pad", relax="R.nn.pad(reflect) / R.concat of flipped edges (SYMMETRIC)", status="composite",
            attrs="mode: REFLECT -> pad reflect; SYMMETRIC (the default, edge repeated) -> flip and concat per axis")
def translate_mirror_pad(ctx, call, args):
    x = args[0]
    pairs = [(int(b), int(e)) for b, e in call.attrs["pad_width"]]
    if call.attrs["mode"] == "REFLECT":
        return relax.op.nn.pad(x, [w for pair in pairs for w in pair], "reflect", 0.0)
    shape = ctx.shape(x)
    out = x
    for axis, (before, after) in enumerate(pairs):
        if before == 0 and after == 0:
            continue
        n = shape[axis]
        parts = []
        if before:
            parts.append(ctx.emit(R.flip(ctx.emit(R.strided_slice(out, [axis], [0], [before], [1])), axis)))
        parts.append(out)
        if after:
            parts.append(ctx.emit(R.flip(ctx.emit(R.strided_slice(out, [axis], [n - after], [n], [1])), axis)))
        out = ctx.emit(R.concat(parts, axis))
    return out


def _block_reshape(ctx, x, layout: str, block: int, to_depth: bool, mode: str):
    n_, a, b, c = ctx.shape(x) if layout == "NCHW" else [ctx.shape(x)[i] for i in (0, 3, 1, 2)]
    channel_first = layout == "NCHW"
    if to_depth:  # space_to_depth: (H/bs, bs, W/bs, bs) -> channels (bh, bw, c)
        h, w = b // block, c // block
        if channel_first:
            s1, perm, s2 = [n_, a, h, block, w, block], [0, 3, 5, 1, 2, 4], [n_, a * block * block, h, w]
        else:
            s1, perm, s2 = [n_, h, block, w, block, a], [0, 1, 3, 2, 4, 5], [n_, h, w, block * block * a]
    else:  # depth_to_space: DCR reads channels as (bh, bw, c), CRD as (c, bh, bw)
        cc = a // (block * block)
        if channel_first and mode == "DCR":
            s1, perm = [n_, block, block, cc, b, c], [0, 3, 4, 1, 5, 2]
        elif channel_first:
            s1, perm = [n_, cc, block, block, b, c], [0, 1, 4, 2, 5, 3]
        elif mode == "DCR":
            s1, perm = [n_, b, c, block, block, cc], [0, 1, 3, 2, 4, 5]
        else:
            s1, perm = [n_, b, c, cc, block, block], [0, 1, 4, 2, 5, 3]
        s2 = [n_, cc, b * block, c * block] if channel_first else [n_, b * block, c * block, cc]
    moved = ctx.emit(R.permute_dims(ctx.emit(R.reshape(x, s1)), perm))
    return R.reshape(moved, s2)


@translator("nn.depth_to_space", relax="R.reshape + R.permute_dims + R.reshape", status="composite",
            attrs="block_size, layout (NCHW/NHWC), mode (DCR/CRD): the reshape/permutation",
            differs="Relax has no depth_to_space (pixel_shuffle covers NCHW CRD only)")
def translate_depth_to_space(ctx, call, args):
    a = call.attrs
    if a["layout"] not in ("NCHW", "NHWC"):
        ctx.fail(f"layout {a['layout']!r} is not supported")
    return _block_reshape(ctx, args[0], a["layout"], int(a["block_size"]), False, a["mode"] or "DCR")


@translator("nn.space_to_depth", relax="R.reshape + R.permute_dims + R.reshape", status="composite",
            attrs="block_size, layout (NCHW/NHWC): the reshape/permutation", differs="Relax has no space_to_depth")
def translate_space_to_depth(ctx, call, args):
    a = call.attrs
    if a["layout"] not in ("NCHW", "NHWC"):
        ctx.fail(f"layout {a['layout']!r} is not supported")
    return _block_reshape(ctx, args[0], a["layout"], int(a["block_size"]), True, "")
