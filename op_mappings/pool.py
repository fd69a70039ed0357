"""Pooling: max/avg pools (1d/2d/3d), global pools, adaptive pools.

Padding is written out in full (before..., after...), as for convolutions. ``ceil_mode``,
``count_include_pad`` and ``dilation`` mean the same in both IRs (both lower to topi's pool), but
Relax's avg_pool1d/3d default ``count_include_pad=True`` (Relay: False), so it is always passed.
Relax has no global pools (adaptive pools with output size 1 for avg, a max reduction for max)
and no adaptive max pool (see `translate_adaptive_max`).
"""

from __future__ import annotations

from tvm.relax import op as R
from tvm.relax.op import nn as N

from .conv import full_padding, spatial, to_layout
from .registry import translator

_MAX = {1: N.max_pool1d, 2: N.max_pool2d, 3: N.max_pool3d}
_AVG = {1: N.avg_pool1d, 2: N.avg_pool2d, 3: N.avg_pool3d}
_ADAPTIVE_AVG = {1: N.adaptive_avg_pool1d, 2: N.adaptive_avg_pool2d, 3: N.adaptive_avg_pool3d}


def _pool(n: int, relax_fns: dict, average: bool):
    def translate_pool(ctx, call, args):
        a = call.attrs
        out = relax_fns[n](
            args[0], pool_size=spatial(a["pool_size"], n), strides=spatial(a["strides"], n),
            padding=full_padding(ctx, a["padding"], n), dilation=spatial(a["dilation"], n),
            ceil_mode=bool(a["ceil_mode"]), count_include_pad=bool(a["count_include_pad"]) if average else False,
            layout=a["layout"],
        )
        return to_layout(ctx, out, a["layout"], a["out_layout"])

    return translate_pool


_POOL_ATTRS = "pool_size, strides, dilation, ceil_mode, layout: the same; padding: written out"
for _n in (1, 2, 3):
    translator(f"nn.max_pool{_n}d", relax=f"R.nn.max_pool{_n}d", attrs=_POOL_ATTRS)(_pool(_n, _MAX, False))
    translator(f"nn.avg_pool{_n}d", relax=f"R.nn.avg_pool{_n}d", attrs=_POOL_ATTRS + "; count_include_pad: the same")(
        _pool(_n, _AVG, True))


def _spatial_axes(layout: str) -> list:
    return [i for i, c in enumerate(layout) if c in "DHW"]


@translator("nn.global_avg_pool2d", relax="R.nn.adaptive_avg_pool2d(output_size=[1, 1])", attrs="layout: layout")
def translate_global_avg_pool2d(ctx, call, args):
    a = call.attrs
    return to_layout(ctx, N.adaptive_avg_pool2d(args[0], [1, 1], layout=a["layout"]), a["layout"], a["out_layout"])


@translator("nn.global_max_pool2d", relax="R.max(x, spatial axes, keepdims=True)", status="composite",
            attrs="layout: picks the spatial axes", differs="Relax has no global or adaptive max pool")
def translate_global_max_pool2d(ctx, call, args):
    a = call.attrs
    return to_layout(ctx, R.max(args[0], _spatial_axes(a["layout"]), keepdims=True), a["layout"], a["out_layout"])


def _output_size(ctx, call, n: int, shape, layout: str) -> list:
    size = call.attrs["output_size"]
    axes = _spatial_axes(layout)
    if not size:
        return [shape[i] for i in axes]  # Relay: output_size None keeps the input size
    size = [int(s) if s is not None else shape[axes[k]] for k, s in enumerate(size)]
    return size * n if len(size) == 1 else size


def _adaptive_avg(n: int):
    def translate_adaptive_avg(ctx, call, args):
        a = call.attrs
        size = _output_size(ctx, call, n, ctx.shape(args[0]), a["layout"])
        return to_layout(ctx, _ADAPTIVE_AVG[n](args[0], size, layout=a["layout"]), a["layout"], a["out_layout"])

    return translate_adaptive_avg


def _adaptive_max(n: int):
    def translate_adaptive_max(ctx, call, args):
        """Adaptive max pool: window i of an axis spans [floor(i*in/out), ceil((i+1)*in/out)).

        Output 1 is a max reduction; sizes that divide evenly are a max pool (kernel = stride = in/out);
        otherwise each uneven axis is sliced per window, reduced and concatenated (max is separable)."""
        a = call.attrs
        x = args[0]
        shape = ctx.shape(x)
        size = _output_size(ctx, call, n, shape, a["layout"])
        axes = _spatial_axes(a["layout"])
        ins = [shape[i] for i in axes]
        if not all(isinstance(d, int) for d in ins):
            ctx.fail("adaptive max pooling needs static spatial dims (Relax has no adaptive max pool)")
        if size == [1] * n:
            out = R.max(x, axes, keepdims=True)
        elif all(d % s == 0 for d, s in zip(ins, size)):
            kernel = [d // s for d, s in zip(ins, size)]
            out = _MAX[n](x, pool_size=kernel, strides=kernel, padding=[0] * (2 * n), layout=a["layout"])
        else:
            out = x
            for axis, d, s in zip(axes, ins, size):
                if d == s:
                    continue
                parts = []
                for i in range(s):
                    start, end = (i * d) // s, -((-(i + 1) * d) // s)
                    window = ctx.emit(R.strided_slice(out, [axis], [start], [end], [1]))
                    parts.append(ctx.emit(R.max(window, [axis], keepdims=True)))
                out = R.concat(parts, axis) if len(parts) > 1 else parts[0]
                out = ctx.emit(out) if axis != axes[-1] else out
        return to_layout(ctx, out, a["layout"], a["out_layout"])

    return translate_adaptive_max


for _n in (1, 2, 3):
    translator(f"nn.adaptive_avg_pool{_n}d", relax=f"R.nn.adaptive_avg_pool{_n}d",
               attrs="output_size (one value: every spatial dim), layout: the same")(_adaptive_avg(_n))
    translator(
        f"nn.adaptive_max_pool{_n}d",
        relax=f"R.max (output 1) / R.nn.max_pool{_n}d (even windows) / R.strided_slice + R.max + R.concat per axis",
        status="composite", attrs="output_size (one value: every spatial dim), layout: the same",
        differs="Relax has no adaptive max pool",
    )(_adaptive_max(_n))
