"""Gradient and training ops: the ones Relay's autodiff (``relay.transform.gradient``) and losses emit.

collapse_sum_like/collapse_sum_to (the adjoint of broadcasting), the pool gradients, the weight
gradient of conv2d, and the losses cross_entropy, cross_entropy_with_logits and nll_loss. Relax has
collapse_sum_*, ``R.grad.{avg,max}_pool2d_backward`` and ``R.nn.nll_loss`` with Relay's semantics;
the cross entropies and conv2d_backward_weight are compositions that follow Relay's own compute
(v0.19 ``_nn.py``). Relay's pool gradients ignore ``dilation`` (topi.nn.pool_grad has none); so does
the translation.
"""

from __future__ import annotations

from tvm.relax import op as R
from tvm.relax.op import grad as G
from tvm.relax.op import nn as N

from ._common import constant_array
from .conv import full_padding, spatial
from .registry import translator


@translator("collapse_sum_like", relax="R.collapse_sum_like")
def translate_collapse_sum_like(ctx, call, args):
    """Sum x down to y's (broadcast-compatible) shape."""
    return R.collapse_sum_like(args[0], args[1])


@translator("collapse_sum_to", relax="R.collapse_sum_to",
            attrs="shape: the attribute, or the constant shape argument")
def translate_collapse_sum_to(ctx, call, args):
    """Sum x down to `shape` (Relay carries it both as an attribute and as a shape tensor)."""
    shape = call.attrs.get("shape") if call.attrs is not None else None
    if not shape:
        value = constant_array(args[1]) if len(args) > 1 else None
        if value is None:
            ctx.fail("the target shape is computed at run time; Relax needs it as a constant")
        shape = value.reshape(-1).tolist()
    return R.collapse_sum_to(args[0], [int(d) for d in shape])


def _batch(ctx, x):
    """x.shape[0] as a scalar of x's dtype: a constant, or read from the shape at run time."""
    batch = ctx.shape(x)[0]
    if isinstance(batch, int):
        return ctx.const(batch, ctx.dtype(x))
    dims = ctx.emit(R.shape_to_tensor(R.shape_of(x)))
    first = ctx.emit(R.reshape(ctx.emit(R.strided_slice(dims, [0], [0], [1])), []))
    return ctx.emit(R.astype(first, ctx.dtype(x)))


@translator("nn.cross_entropy", relax="-sum(log(x) * y) / batch", status="composite",
            differs="Relax has no cross_entropy: Relay's compute (topi) written out")
def translate_cross_entropy(ctx, call, args):
    """-sum(log(pred) * target) / pred.shape[0]: a scalar (Relay's compute, not a mean over classes)."""
    x, y = args
    total = ctx.emit(R.sum(ctx.emit(R.multiply(ctx.emit(R.log(x)), y))))
    return R.divide(ctx.emit(R.negative(total)), _batch(ctx, x))


@translator("nn.cross_entropy_with_logits", relax="-sum(x * y) / batch", status="composite",
            differs="Relax has no cross_entropy_with_logits: Relay's compute (topi); x is log-probabilities")
def translate_cross_entropy_with_logits(ctx, call, args):
    """-sum(pred * target) / pred.shape[0] (pred already log-softmaxed, as in Relay)."""
    x, y = args
    total = ctx.emit(R.sum(ctx.emit(R.multiply(x, y))))
    return R.divide(ctx.emit(R.negative(total)), _batch(ctx, x))


@translator("nn.nll_loss", relax="R.nn.nll_loss", attrs="reduction, ignore_index: the same")
def translate_nll_loss(ctx, call, args):
    """The same topi.nn.nll_loss in both."""
    reduction = call.attrs["reduction"]
    if reduction not in ("mean", "sum", "none"):
        ctx.fail(f"reduction {reduction!r} is not one of mean, sum, none")
    return N.nll_loss(args[0], args[1], args[2], reduction, int(call.attrs["ignore_index"]))


def _pool_grad(relax_fn, average: bool):
    def translate_pool_grad(ctx, call, args):
        a = call.attrs
        layout = a["layout"]
        if layout not in ("NCHW", "NHWC"):
            ctx.fail(f"layout {layout!r} is not supported (NCHW or NHWC)")
        return relax_fn(
            args[0], args[1], pool_size=spatial(a["pool_size"], 2), strides=spatial(a["strides"], 2),
            padding=full_padding(ctx, a["padding"], 2), dilation=(1, 1), ceil_mode=bool(a["ceil_mode"]),
            count_include_pad=bool(a["count_include_pad"]) if average else False, layout=layout,
        )

    translate_pool_grad.__doc__ = f"The gradient of {'avg' if average else 'max'}_pool2d w.r.t. its input."
    return translate_pool_grad


_POOL_GRAD_ATTRS = "pool_size, strides, ceil_mode, layout: the same; padding: written out; dilation: ignored (as Relay)"
translator("nn.avg_pool2d_grad", relax="R.grad.avg_pool2d_backward",
           attrs=_POOL_GRAD_ATTRS + "; count_include_pad: the same")(_pool_grad(G.avg_pool2d_backward, True))
translator("nn.max_pool2d_grad", relax="R.grad.max_pool2d_backward", attrs=_POOL_GRAD_ATTRS)(
    _pool_grad(G.max_pool2d_backward, False))


@translator("nn.conv2d_backward_weight",
            relax="grouped R.nn.conv2d of the input by the tiled gradient, summed over the batch",
            status="composite",
            attrs="strides/dilation: swapped into the conv; padding: the same; groups; channels, kernel_size: the "
                  "weight shape; out_dtype; layouts: NCHW data, OIHW weight only",
            differs="Relax has no conv2d_backward_weight: Relay's own legalization (v0.19 _nn.py) written out")
def translate_conv2d_backward_weight(ctx, call, args):
    """dW[o, i, kh, kw] = sum over batch and output positions of grad * shifted input, as a grouped conv2d."""
    a = call.attrs
    grad, data = args
    if a["data_layout"] != "NCHW" or a["kernel_layout"] != "NCHW" or a["out_layout"] not in ("", "OIHW"):
        ctx.fail(f"only NCHW data and an OIHW weight are supported, got data_layout={a['data_layout']!r}, "
                 f"out_layout={a['out_layout']!r}")
    batch, in_channel, in_h, in_w = ctx.shape(data)
    _, out_channel, grad_h, grad_w = ctx.shape(grad)
    if not all(isinstance(d, int) for d in (batch, in_channel, in_h, in_w, out_channel, grad_h, grad_w)):
        ctx.fail("needs static shapes")
    groups = int(a["groups"])
    filter_h, filter_w = spatial(a["kernel_size"], 2)
    pad = full_padding(ctx, a["padding"], 2)  # top, left, bottom, right
    stride_h, stride_w = spatial(a["strides"], 2)
    dil_h, dil_w = spatial(a["dilation"], 2)
    icg = in_channel // groups
    tiled = ctx.emit(R.tile(grad, [1, icg, 1, 1]))
    kernel = ctx.emit(R.reshape(tiled, [batch * out_channel * icg, 1, grad_h, grad_w]))
    flat = ctx.emit(R.reshape(data, [1, batch * in_channel, in_h, in_w]))
    conv = ctx.emit(N.conv2d(flat, kernel, strides=[dil_h, dil_w], padding=pad, dilation=[stride_h, stride_w],
                             groups=in_channel * batch, out_dtype=a["out_dtype"] or None))
    full_h = (in_h - (grad_h - 1) * stride_h - 1 + pad[0] + pad[2]) // dil_h + 1
    full_w = (in_w - (grad_w - 1) * stride_w - 1 + pad[1] + pad[3]) // dil_w + 1
    weight = ctx.emit(R.reshape(conv, [batch, icg, out_channel, full_h, full_w]))
    weight = ctx.emit(R.sum(weight, axis=[0]))
    weight = R.permute_dims(weight, [1, 0, 2, 3])
    if full_h > filter_h or full_w > filter_w:
        weight = R.strided_slice(ctx.emit(weight), [0, 1, 2, 3], [0, 0, 0, 0], [out_channel, icg, filter_h, filter_w])
    return weight
