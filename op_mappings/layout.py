"""Layouts: layout_transform and the packed-layout ops that Relay's AlterOpLayout leaves in optimized
graphs (nn.contrib_conv2d_NCHWc, nn.contrib_depthwise_conv2d_NCHWc, nn.contrib_dense_pack, Winograd forms).

Relay names a layout by a string (``NCHW16c``: C split into C/16 outer and 16 inner); Relax's
``layout_transform`` takes an index map from source to destination indices, built here from the two
strings. A split that does not divide its axis pads with zeros in Relay (``topi.layout_transform``);
Relax pads with ``pad_value=0`` the same way. Relax's conv2d accepts packed layouts but cannot legalize
them, so the packed convolutions become layout_transform to NCHW/OIHW, the plain op, and layout_transform
back to ``out_layout``: the form that compiles. Winograd weight transforms are einsums with TOPI's
constant matrix G; a Winograd convolution on a pre-transformed weight recovers the kernel with G's
pseudo-inverse and runs a plain conv2d (TOPI's Winograd computes no longer build in TVM 0.27).
"""

from __future__ import annotations

import re

from tvm.relax import op as R
from tvm.relax.op import nn as N
from tvm.tirx import IndexMap

from .conv import full_padding, spatial, to_layout
from .registry import translator, unsupported

_AXIS = re.compile(r"(\d*)([A-Za-z])")


def parse_layout(ctx, layout: str) -> list:
    """``"NCHW4c"`` -> ``[("N", 0), ("C", 0), ("H", 0), ("W", 0), ("C", 4)]``: (primal axis, split factor or 0)."""
    axes, pos = [], 0
    for m in _AXIS.finditer(layout):
        if m.start() != pos:
            break
        pos = m.end()
        factor, name = m.group(1), m.group(2)
        if name.isupper():
            if factor:
                ctx.fail(f"layout {layout!r}: a primal axis ({name}) cannot carry a factor")
            axes.append((name, 0))
        else:
            if not factor or int(factor) < 1:
                ctx.fail(f"layout {layout!r}: the sub-axis {name} needs a positive factor (e.g. 4{name})")
            axes.append((name.upper(), int(factor)))
    primal = [a for a, f in axes if not f]
    if pos != len(layout) or not axes or len(set(primal)) != len(primal):
        ctx.fail(f"layout {layout!r} is not a layout string (primal axes in capitals, each once; splits like 16c)")
    for axis, factor in axes:
        if factor and axis not in primal:
            ctx.fail(f"layout {layout!r}: sub-axis {axis.lower()} has no primal axis {axis}")
    if len([a for a, f in axes if f]) != len({a for a, f in axes if f}):
        ctx.fail(f"layout {layout!r}: an axis split twice is not supported")
    return axes


def plain_layout(ctx, layout: str) -> str:
    """The layout without its splits: ``"NCHW16c"`` -> ``"NCHW"``, ``"OIHW4i4o"`` -> ``"OIHW"``."""
    return "".join(a for a, f in parse_layout(ctx, layout) if not f)


def layout_transform(ctx, x, src: str, dst: str):
    """`x` (in layout `src`) in layout `dst`, as a Relax layout_transform (None when they are equal)."""
    if src == dst:
        return None
    src_axes, dst_axes = parse_layout(ctx, src), parse_layout(ctx, dst)
    if {a for a, f in src_axes if not f} != {a for a, f in dst_axes if not f}:
        ctx.fail(f"cannot transform layout {src!r} to {dst!r}: they have different axes")
    shape = ctx.shape(x)
    if len(shape) != len(src_axes):
        ctx.fail(f"a {len(shape)}-d input cannot be in layout {src!r}")
    src_factor = {a: f for a, f in src_axes if f}
    dst_factor = {a: f for a, f in dst_axes if f}
    for i, (axis, factor) in enumerate(src_axes):
        if factor and isinstance(shape[i], int) and shape[i] != factor:
            ctx.fail(f"layout {src!r}: dim {i} is {shape[i]}, not the split factor {factor}")
    extent = {a: shape[i] * src_factor.get(a, 1) for i, (a, f) in enumerate(src_axes) if not f}
    padded = any(not isinstance(extent[a], int) or extent[a] % g for a, g in dst_factor.items())
    if any(not isinstance(extent[a], int) for a in dst_factor):
        ctx.fail(f"layout {dst!r}: splitting a symbolic dim is not supported")

    def index_map(*idx):
        outer, inner = {}, {}
        for (axis, factor), i in zip(src_axes, idx):
            (inner if factor else outer)[axis] = i
        full = {a: outer[a] * src_factor[a] + inner[a] if a in src_factor else outer[a] for a in outer}
        out = []
        for axis, factor in dst_axes:
            g = dst_factor.get(axis)
            if factor:
                out.append(full[axis] % factor)
            else:
                out.append(full[axis] // g if g else full[axis])
        return out

    imap = IndexMap.from_func(index_map, ndim=len(src_axes), index_dtype="int64")
    return R.layout_transform(x, imap, pad_value=0 if padded else None)


@translator("layout_transform", relax="R.layout_transform(x, index_map)",
            attrs="src_layout, dst_layout: the index map between them (splits: // and %); padded splits: pad_value=0")
def translate_layout_transform(ctx, call, args):
    """Relay's layout strings become Relax's index map; equal layouts are the identity."""
    out = layout_transform(ctx, args[0], call.attrs["src_layout"], call.attrs["dst_layout"])
    return args[0] if out is None else out


def _to(ctx, x, src: str, dst: str):
    out = layout_transform(ctx, x, src, dst)
    return x if out is None else ctx.emit(out)


def _packed_conv2d(depthwise: bool):
    def translate_packed_conv2d(ctx, call, args):
        a = call.attrs
        data, weight = args
        data_layout, kernel_layout = a["data_layout"], a["kernel_layout"]
        out_layout = a["out_layout"] or data_layout
        plain_data, plain_kernel = plain_layout(ctx, data_layout), plain_layout(ctx, kernel_layout)
        if plain_data != "NCHW" or plain_kernel != "OIHW" or plain_layout(ctx, out_layout) != "NCHW":
            ctx.fail(f"expects NCHW-based data/out layouts and an OIHW-based kernel layout, got "
                     f"{data_layout}/{kernel_layout}/{out_layout}")
        data = _to(ctx, data, data_layout, "NCHW")
        weight = _to(ctx, weight, kernel_layout, "OIHW")
        groups = int(a["groups"])
        if depthwise and groups != ctx.shape(weight)[0]:
            ctx.fail(f"groups={groups} is not a depthwise convolution of {ctx.shape(weight)[0]} channels")
        out = N.conv2d(data, weight, strides=spatial(a["strides"], 2), padding=full_padding(ctx, a["padding"], 2),
                       dilation=spatial(a["dilation"], 2), groups=groups, out_dtype=a["out_dtype"] or None)
        if out_layout == "NCHW":
            return out
        return layout_transform(ctx, ctx.emit(out), "NCHW", out_layout)

    return translate_packed_conv2d


for _name, _dw in (("nn.contrib_conv2d_NCHWc", False), ("nn.contrib_depthwise_conv2d_NCHWc", True)):
    translator(
        _name, relax="R.layout_transform -> R.nn.conv2d (NCHW, OIHW) -> R.layout_transform", status="composite",
        attrs="data/kernel/out layouts: layout_transform around the op; strides, dilation, groups, out_dtype: "
              "the same; padding: written out",
        differs="Relax's conv2d cannot legalize packed layouts: the op runs in NCHW/OIHW between layout_transforms",
    )(_packed_conv2d(_dw))


@translator("nn.contrib_dense_pack", relax="R.matmul(x, R.layout_transform(w, <weight_layout> -> CN))",
            status="composite", attrs="weight_layout (e.g. NC8n): layout_transform of the weight to (in, units); "
                                      "units: checked; out_dtype: matmul out_dtype")
def translate_dense_pack(ctx, call, args):
    """dense with a weight packed as (units/n, in, n): unpacked to (in, units) and multiplied."""
    x, w = args
    layout = call.attrs["weight_layout"]
    if plain_layout(ctx, layout) != "NC":
        ctx.fail(f"weight_layout {layout!r} must be NC-based (e.g. NC8n)")
    w = _to(ctx, w, layout, "CN")
    units = call.attrs["units"]
    if units is not None and isinstance(ctx.shape(w)[1], int) and ctx.shape(w)[1] != int(units):
        ctx.fail(f"units={units} does not match the packed weight's {ctx.shape(w)[1]} output features")
    return R.matmul(x, w, out_dtype=call.attrs["out_dtype"] or None)


def winograd_g(ctx, tile_size: int, kernel_size: int):
    """Winograd's kernel transform matrix G (alpha x r) for F(tile_size, kernel_size), as TOPI builds it (float64)."""
    from tvm.topi.nn.winograd_util import _cook_toom_convolution, _interpolation_points  # noqa: PLC0415

    if not 1 < tile_size < 9 or not 2 < kernel_size < 8:
        ctx.fail(f"tile_size {tile_size} with a {kernel_size}-wide kernel: Relay supports tiles 2..8, kernels 3..7")
    return _cook_toom_convolution(_interpolation_points(tile_size + kernel_size - 2), tile_size, kernel_size)[2]


def _square_kernel(ctx, shape, spatial_axes):
    dims = {shape[i] for i in spatial_axes}
    if len(dims) != 1 or not isinstance(next(iter(dims)), int):
        ctx.fail(f"a Winograd kernel must be square with static dims, got {list(shape)}")
    return next(iter(dims))


@translator("nn.contrib_conv2d_winograd_weight_transform", relax="R.einsum((G, G, w), 'ah,bw,oihw->aboi')",
            status="composite", attrs="tile_size: picks G (alpha = tile_size + kernel - 1)",
            differs="Relax has no Winograd op: G w G^T is an einsum with TOPI's constant G "
                    "(OIHW -> (alpha, alpha, O, I))")
def translate_winograd_weight_transform(ctx, call, args):
    """The Winograd transform G w G^T of an OIHW kernel, laid out (alpha, alpha, O, I) as in Relay."""
    w = args[0]
    g = winograd_g(ctx, int(call.attrs["tile_size"]), _square_kernel(ctx, ctx.shape(w), (2, 3)))
    g = ctx.const(g.astype(ctx.dtype(w)), ctx.dtype(w))
    return R.einsum((g, g, w), "ah,bw,oihw->aboi")


@translator("nn.contrib_conv3d_winograd_weight_transform", relax="R.einsum((G, G, G, w), 'ad,bh,cw,oidhw->abcoi')",
            status="composite", attrs="tile_size: picks G (alpha = tile_size + kernel - 1)",
            differs="Relax has no Winograd op: an einsum with TOPI's constant G (OIDHW -> (alpha, alpha, alpha, O, I))")
def translate_winograd3d_weight_transform(ctx, call, args):
    """The Winograd transform of an OIDHW kernel, laid out (alpha, alpha, alpha, O, I) as in Relay."""
    w = args[0]
    g = winograd_g(ctx, int(call.attrs["tile_size"]), _square_kernel(ctx, ctx.shape(w), (2, 3, 4)))
    g = ctx.const(g.astype(ctx.dtype(w)), ctx.dtype(w))
    return R.einsum((g, g, g, w), "ad,bh,cw,oidhw->abcoi")


@translator("nn.contrib_conv2d_winograd_without_weight_transform",
            relax="R.nn.conv2d(x, R.einsum((P, P, U), 'ha,wb,aboi->oihw')) with P = pinv(G)", status="composite",
            attrs="tile_size: picks G; strides, padding, dilation, groups, data_layout, out_dtype: the conv2d's; "
                  "kernel_layout: ignored (the weight is (alpha, alpha, O, I), or CUDA's (alpha, alpha, I, O))",
            differs="Relax has no Winograd convolution (and TOPI's no longer builds in 0.27): the kernel is recovered "
                    "from the transformed weight with G's pseudo-inverse and a plain conv2d runs. Exact for weights "
                    "made by the weight transform (as AlterOpLayout makes them), up to float rounding")
def translate_winograd_conv2d(ctx, call, args):
    """A Winograd convolution whose weight U = G w G^T is pre-transformed: w = P U P^T, then conv2d."""
    import numpy as np  # noqa: PLC0415

    a = call.attrs
    data, weight = args
    layout = a["data_layout"]
    if layout not in ("NCHW", "NHWC"):
        ctx.fail(f"data_layout {layout!r} is not NCHW or NHWC")
    out_layout = a["out_layout"] or layout
    tile = int(a["tile_size"])
    shape = ctx.shape(weight)
    if len(shape) != 4 or not isinstance(shape[0], int) or shape[0] != shape[1]:
        ctx.fail(f"the transformed weight must be (alpha, alpha, O, I), got {list(shape)}")
    kernel = shape[0] - tile + 1
    in_channels = ctx.shape(data)[layout.index("C")]
    channels = a["channels"]
    # TOPI's generic/x86 computes take (alpha, alpha, O, I); CUDA's pack (alpha, alpha, I, O). Relay's type
    # relation checks neither: tell them apart by the input channels (or `channels`) where the dims differ.
    if shape[3] == in_channels and (channels is None or shape[2] == int(channels)):
        subscripts = "ha,wb,aboi->oihw"
    elif shape[2] == in_channels and (channels is None or shape[3] == int(channels)):
        subscripts = "ha,wb,abio->oihw"
    else:
        ctx.fail(f"the transformed weight {list(shape)} is neither (alpha, alpha, O, I) nor (alpha, alpha, I, O) "
                 f"for {in_channels} input channels")
    dtype = ctx.dtype(weight)
    pinv = np.linalg.pinv(winograd_g(ctx, tile, kernel)).astype(dtype)
    p = ctx.const(pinv, dtype)
    w = ctx.emit(R.einsum((p, p, weight), subscripts))
    out = N.conv2d(data, w, strides=spatial(a["strides"], 2), padding=full_padding(ctx, a["padding"], 2),
                   dilation=spatial(a["dilation"], 2), groups=int(a["groups"]), data_layout=layout,
                   kernel_layout="OIHW", out_dtype=a["out_dtype"] or None)
    return to_layout(ctx, out, layout, out_layout)


unsupported("nn.contrib_conv3d_winograd_without_weight_transform",
            reason="Relay has only a CUDA implementation (no generic or CPU compute) and Relax has no such op",
            action="convert the model before AlterOpLayout (the nn.conv3d form), or run relay.transform with "
                   "opt_level < 3 so the Winograd rewrite does not happen")
unsupported("nn.contrib_conv2d_winograd_nnpack_weight_transform",
            reason="an NNPACK extern call; TVM 0.27 has no NNPACK weight transform",
            action="save the model before AlterOpLayout (the nn.conv2d form) or build it without NNPACK")
unsupported("nn.contrib_conv2d_gemm_weight_transform",
            reason="Arm-only: the padding of the packed weight depends on the Arm target's features (topi.arm_cpu), "
                   "which TVM 0.27 no longer provides",
            action="save the model before AlterOpLayout on Arm (the nn.conv2d NHWC form) and convert that")
unsupported("nn.contrib_conv2d_gemm_without_weight_transform",
            reason="Arm-only (AArch64 conv2d_gemm); no generic compute in Relay and no Relax op",
            action="save the model before AlterOpLayout on Arm (the nn.conv2d NHWC form) and convert that")
