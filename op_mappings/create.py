"""Tensor creation: zeros, ones, full, one_hot, arange.

Relay passes full's fill value, one_hot's on/off values and arange's start/stop/step as tensor
arguments; Relax takes a fill tensor for full, but prim values for one_hot and arange, so those must
be constants (what Relay's frontends produce).
"""

from __future__ import annotations

from tvm import tirx
from tvm.relax import op as R

from ._common import constant_array, normalize_axis
from .registry import translator


def _shape(call) -> list:
    return [int(d) if isinstance(d, int) else d for d in call.attrs["shape"]]


@translator("zeros", relax="R.zeros", attrs="shape, dtype: the same")
def translate_zeros(ctx, call, args):
    return R.zeros(_shape(call), call.attrs["dtype"] or "float32")


@translator("ones", relax="R.ones", attrs="shape, dtype: the same")
def translate_ones(ctx, call, args):
    return R.ones(_shape(call), call.attrs["dtype"] or "float32")


@translator("full", relax="R.full", attrs="shape: shape; dtype: dtype ('' = the fill value's)")
def translate_full(ctx, call, args):
    fill = args[0]
    return R.full(_shape(call), fill, call.attrs["dtype"] or ctx.dtype(fill))


def constant_scalar(ctx, expr, what: str):
    """The Python value of a 0-d (or 1-element) constant argument; fails for anything computed at run time."""
    value = constant_array(expr)
    if value is None:
        ctx.fail(f"{what} must be a constant (Relax takes it as a value, not a tensor)")
    if value.size != 1:
        ctx.fail(f"{what} must be a scalar, got shape {list(value.shape)}")
    return value.reshape(()).item()


@translator("one_hot", relax="R.one_hot", status="exact",
            attrs="depth, axis: the same; dtype: the dtype of on/off values; on/off values: constants")
def translate_one_hot(ctx, call, args):
    """one_hot(indices, on, off): Relax takes on/off as prim values of the output dtype."""
    indices, on, off = args
    dtype = call.attrs["dtype"] or ctx.dtype(on)
    ndim = ctx.ndim(indices)
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ndim, extra=1)
    on_v, off_v = constant_scalar(ctx, on, "on_value"), constant_scalar(ctx, off, "off_value")
    return R.one_hot(indices, _prim(on_v, dtype), _prim(off_v, dtype), int(call.attrs["depth"]), axis)


def _prim(value, dtype: str):
    return tirx.const(value, dtype)


@translator("arange", relax="R.arange", attrs="start, stop, step: constant arguments; dtype: the same")
def translate_arange(ctx, call, args):
    start, stop, step = (constant_scalar(ctx, a, n) for a, n in zip(args, ("start", "stop", "step")))
    dtype = call.attrs["dtype"] or "float32"
    return R.arange(_prim(start, dtype), _prim(stop, dtype), _prim(step, dtype), dtype)
