"""Block and window rearrangements: nn.space_to_batch_nd, nn.batch_to_space_nd, sliding_window, nn.dilate,
nn.fifo_buffer.

Relax 0.27 has none of them. fifo_buffer is a concat and a slice, batch_to_space_nd reshapes and a
transpose (TOPI 0.27's crashes when built); the others are Relay's own TOPI computes through
``emit_te`` (status topi), so they compute exactly what Relay computed.
"""

from __future__ import annotations

from tvm import topi
from tvm.relax import op as R

from ._common import normalize_axis
from .registry import translator


def _te(ctx, fn, *args, name: str):
    return ctx.bb.call_te(fn, *args, primfunc_name_hint=name)


def _pairs(values) -> tuple:
    pairs = [[int(p) for p in pair] for pair in values]
    return [p[0] for p in pairs], [p[1] for p in pairs]


@translator("nn.space_to_batch_nd", relax="emit_te(topi.nn.space_to_batch_nd)", status="topi",
            attrs="block_shape, paddings (before, after), pad_value: the same",
            differs="Relax has no space_to_batch_nd: Relay's own TOPI compute")
def translate_space_to_batch_nd(ctx, call, args):
    """Pad the spatial axes, then move blocks of them into the batch axis."""
    a = call.attrs
    before, after = _pairs(a["paddings"])
    return _te(ctx, topi.nn.space_to_batch_nd, args[0], [int(b) for b in a["block_shape"]], before, after,
               float(a["pad_value"]), name="space_to_batch_nd")


@translator("nn.batch_to_space_nd", relax="R.reshape, R.permute_dims, R.reshape, R.strided_slice (crops)",
            status="composite", attrs="block_shape: the blocks moved out of the batch; crops (begin, end): the slice",
            differs="Relax has no batch_to_space_nd (TOPI 0.27's crashes): TensorFlow's definition, as Relay's compute")
def translate_batch_to_space_nd(ctx, call, args):
    """Move blocks of the batch axis back into the spatial axes (TensorFlow's BatchToSpaceND), then crop."""
    a = call.attrs
    x = args[0]
    block = [int(b) for b in a["block_shape"]]
    begin, end = _pairs(a["crops"])
    shape = list(ctx.shape(x))
    m = len(block)
    if not all(isinstance(d, int) for d in shape[:m + 1]):
        ctx.fail("needs static batch and spatial dims")
    prod = 1
    for b in block:
        prod *= b
    batch, spatial, rest = shape[0], shape[1:m + 1], shape[m + 1:]
    split = ctx.emit(R.reshape(x, block + [batch // prod] + spatial + rest))
    order = [m] + [axis for i in range(m) for axis in (m + 1 + i, i)] + list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    moved = ctx.emit(R.permute_dims(split, order))
    full = [s * b for s, b in zip(spatial, block)]
    merged = ctx.emit(R.reshape(moved, [batch // prod] + full + rest))
    if not any(begin) and not any(end):
        return merged
    axes = list(range(1, m + 1))
    return R.strided_slice(merged, axes, begin, [f - e for f, e in zip(full, end)])


@translator("sliding_window", relax="emit_te(topi.sliding_window)", status="topi",
            attrs="axis, window_shape, strides: the same",
            differs="Relax has no sliding_window: Relay's own TOPI compute")
def translate_sliding_window(ctx, call, args):
    """Every window of `window_shape` over the axes from `axis` on, stepping by `strides`."""
    a = call.attrs
    axis = normalize_axis(ctx, int(a["axis"]), ctx.ndim(args[0]))
    return _te(ctx, topi.sliding_window, args[0], axis, [int(w) for w in a["window_shape"]],
               [int(s) for s in a["strides"]], name="sliding_window")


@translator("nn.dilate", relax="emit_te(topi.nn.dilate)", status="topi", attrs="strides, dilation_value: the same",
            differs="Relax has no dilate: Relay's own TOPI compute")
def translate_dilate(ctx, call, args):
    """Insert strides[i] - 1 copies of dilation_value between elements of axis i."""
    a = call.attrs
    return _te(ctx, topi.nn.dilate, args[0], [int(s) for s in a["strides"]], float(a["dilation_value"]),
               name="dilate")


@translator("nn.fifo_buffer", relax="R.strided_slice(R.concat([buffer, data], axis), last len(buffer))",
            status="composite", attrs="axis: the same", differs="Relax has no fifo_buffer")
def translate_fifo_buffer(ctx, call, args):
    """Push `data` into the end of `buffer` along `axis`, dropping as many elements from its front."""
    data, buffer = args
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(buffer))
    length = ctx.shape(buffer)[axis]
    joined = ctx.emit(R.concat([buffer, data], axis))
    total = ctx.shape(joined)[axis]
    return R.strided_slice(joined, [axis], [total - length], [total])
