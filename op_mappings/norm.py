"""Normalisations: layer_norm, group_norm, instance_norm, l2_normalize, lrn.

Relay computes these at inference by SimplifyInference's rewrites (layer/group/instance norm and
l2_normalize) or by topi (lrn); Relax's norm ops compute the same statistics. Trap: Relax 0.27
legalizes layer/group/instance_norm with gamma and beta applied whatever ``scale``/``center`` say,
so ``scale=False`` passes ones as gamma and ``center=False`` zeros as beta.
"""

from __future__ import annotations

from tvm.relax import op as R
from tvm.relax.op import nn as N

from ._common import normalize_axis, reduce_axes
from .registry import translator

_NORM_ATTRS = "axis: the normalised/channel axis; epsilon: the same; center/scale: zeros as beta / ones as gamma"


def _affine(ctx, call, gamma, beta):
    """gamma and beta as Relay applies them: ones/zeros where scale/center is off (see the module doc)."""
    if not call.attrs["scale"]:
        gamma = ctx.emit(R.ones_like(gamma))
    if not call.attrs["center"]:
        beta = ctx.emit(R.zeros_like(beta))
    return gamma, beta


@translator("nn.layer_norm", relax="R.nn.layer_norm", attrs=_NORM_ATTRS)
def translate_layer_norm(ctx, call, args):
    a = call.attrs
    axis = normalize_axis(ctx, int(a["axis"]), ctx.ndim(args[0]))
    gamma, beta = _affine(ctx, call, args[1], args[2])
    return N.layer_norm(args[0], gamma, beta, [axis], float(a["epsilon"]))


def _other_axes(ndim: int, channel: int) -> list:
    return [i for i in range(1, ndim) if i != channel]


@translator("nn.group_norm", relax="R.nn.group_norm", attrs="num_groups: the same; " + _NORM_ATTRS)
def translate_group_norm(ctx, call, args):
    a = call.attrs
    ndim = ctx.ndim(args[0])
    axis = normalize_axis(ctx, int(a["axis"]), ndim)
    gamma, beta = _affine(ctx, call, args[1], args[2])
    return N.group_norm(args[0], gamma, beta, int(a["num_groups"]), axis, _other_axes(ndim, axis), float(a["epsilon"]))


@translator("nn.instance_norm", relax="R.nn.instance_norm", attrs=_NORM_ATTRS)
def translate_instance_norm(ctx, call, args):
    a = call.attrs
    ndim = ctx.ndim(args[0])
    axis = normalize_axis(ctx, int(a["axis"]), ndim)
    gamma, beta = _affine(ctx, call, args[1], args[2])
    return N.instance_norm(args[0], gamma, beta, axis, _other_axes(ndim, axis), float(a["epsilon"]))


@translator("nn.l2_normalize", relax="x / R.sqrt(R.maximum(R.sum(x * x, axis, keepdims=True), eps))",
            status="composite", attrs="eps: the floor of the sum of squares; axis: None = every axis",
            differs="Relax has no l2_normalize; this is Relay's own inference rewrite")
def translate_l2_normalize(ctx, call, args):
    x = args[0]
    ndim = ctx.ndim(x)
    axes = reduce_axes(ctx, ndim, call.attrs["axis"], False)
    squares = ctx.emit(R.sum(ctx.emit(R.multiply(x, x)), None if len(axes) == ndim else axes, keepdims=True))
    floor = ctx.const(float(call.attrs["eps"]), ctx.dtype(x))
    return R.divide(x, ctx.emit(R.sqrt(ctx.emit(R.maximum(squares, floor)))))


@translator("nn.lrn", relax="x / (bias + alpha * window_sum(x * x) / size) ** beta", status="composite",
            attrs="size: the window along axis (zero padded); axis, bias, alpha, beta: the same",
            differs="Relax has no lrn; topi.nn.lrn's formula (alpha divided by size) as Relax ops")
def translate_lrn(ctx, call, args):
    """Local response normalisation across `axis`: the window sum is `size` shifted slices of the padded squares."""
    a = call.attrs
    x = args[0]
    ndim, dtype = ctx.ndim(x), ctx.dtype(x)
    axis = normalize_axis(ctx, int(a["axis"]), ndim)
    size, extent = int(a["size"]), ctx.shape(x)[axis]
    widths = [0] * (2 * ndim)
    widths[2 * axis], widths[2 * axis + 1] = size // 2, size // 2
    padded = ctx.emit(N.pad(ctx.emit(R.multiply(x, x)), widths, "constant", 0.0))
    total = None
    for k in range(size):
        window = ctx.emit(R.strided_slice(padded, [axis], [k], [k + extent], [1]))
        total = window if total is None else ctx.emit(R.add(total, window))
    scaled = ctx.emit(R.divide(ctx.emit(R.multiply(total, ctx.const(float(a["alpha"]), dtype))), ctx.const(size, dtype)))
    denom = ctx.emit(R.power(ctx.emit(R.add(scaled, ctx.const(float(a["bias"]), dtype))), ctx.const(float(a["beta"]), dtype)))
    return R.divide(x, denom)
