"""Convolutions: nn.conv1d/2d/3d and their transposes.

Relay's padding comes as 1 value, one per spatial dim, or two per spatial dim (all "before" pads,
then all "after" pads); it is written out in full (2 per dim), the form both IRs use internally.
``channels`` and ``kernel_size`` only restate the weight's shape: they are checked, not passed.
Relax's transposed convolutions legalize only for NC(D)HW data and IO(D)HW kernels: other layouts
are permuted to those around the op (``permute_dims``), which compiles and computes the same thing.
"""

from __future__ import annotations

from tvm.relax import op as R
from tvm.relax.op import nn as N

from .registry import translator

_CONV = {1: N.conv1d, 2: N.conv2d, 3: N.conv3d}
_CONV_T = {1: N.conv1d_transpose, 2: N.conv2d_transpose, 3: N.conv3d_transpose}
_DATA = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_KERNEL_T = {1: "IOW", 2: "IOHW", 3: "IODHW"}


def full_padding(ctx, padding, n: int) -> list:
    """Relay's padding (1, n or 2n values) as 2n values: the n "before" pads, then the n "after" pads."""
    pads = [int(p) for p in (padding if isinstance(padding, (tuple, list)) else (padding,))]
    if len(pads) == 1:
        return pads * (2 * n)
    if len(pads) == n:
        return pads + pads
    if len(pads) == 2 * n:
        return pads
    ctx.fail(f"padding {pads} must have 1, {n} or {2 * n} values")


def spatial(values, n: int) -> list:
    values = [int(v) for v in (values if isinstance(values, (tuple, list)) else (values,))]
    return values * n if len(values) == 1 else values


def _check_channels(ctx, call, weight, kernel_layout: str, groups_per_o: int = 1):
    """`channels` = the weight's O dim (times groups for transposed convolutions); `kernel_size` = its spatial dims."""
    shape = ctx.shape(weight)
    channels = call.attrs.get("channels")
    have = shape[kernel_layout.index("O")] if "O" in kernel_layout else None
    if channels is not None and isinstance(have, int) and have * groups_per_o != int(channels):
        ctx.fail(f"channels={channels} does not match the weight's shape {list(shape)} ({kernel_layout})")
    kernel_size = call.attrs.get("kernel_size")
    if kernel_size is not None:
        dims = [shape[i] for i, c in enumerate(kernel_layout) if c in "DHW"]
        if all(isinstance(d, int) for d in dims) and dims != [int(k) for k in kernel_size]:
            ctx.fail(f"kernel_size={list(kernel_size)} does not match the weight's shape {list(shape)} ({kernel_layout})")


def _conv(n: int):
    def translate_conv(ctx, call, args):
        """nn.conv{n}d -> R.nn.conv{n}d with the same layouts, padding written out in full."""
        a = call.attrs
        data, weight = args
        _check_channels(ctx, call, weight, a["kernel_layout"])
        out = _CONV[n](
            data, weight, strides=spatial(a["strides"], n), padding=full_padding(ctx, a["padding"], n),
            dilation=spatial(a["dilation"], n), groups=int(a["groups"]), data_layout=a["data_layout"],
            kernel_layout=a["kernel_layout"], out_dtype=a["out_dtype"] or None,
        )
        return to_layout(ctx, out, a["data_layout"], a["out_layout"])

    return translate_conv


for _n in (1, 2, 3):
    translator(
        f"nn.conv{_n}d", relax=f"R.nn.conv{_n}d",
        attrs="strides, dilation, groups, data/kernel layouts, out_dtype: the same; padding: written out "
          "(before..., after...); out_layout: permute_dims after the op; channels, kernel_size: checked",
    )(_conv(_n))


def _permutation(src: str, dst: str) -> list:
    return [src.index(c) for c in dst]


def to_layout(ctx, out, layout: str, out_layout: str):
    """`out` (in `layout`) in `out_layout`: Relax's ops cannot legalize an out_layout different from the input's."""
    if not out_layout or out_layout == layout:
        return out
    if not (_plain(layout) and _plain(out_layout) and sorted(layout) == sorted(out_layout)):
        ctx.fail(f"out_layout {out_layout!r} from {layout!r} is not supported (only permutations of plain layouts)")
    return R.permute_dims(ctx.emit(out), _permutation(layout, out_layout))


def _plain(layout: str) -> bool:
    return layout.isalpha() and layout.isupper() and len(set(layout)) == len(layout)


def _conv_transpose(n: int):
    def translate_conv_transpose(ctx, call, args):
        """nn.conv{n}d_transpose -> R.nn.conv{n}d_transpose in NC..-/IO.. layouts (permuted around if needed)."""
        a = call.attrs
        data, weight = args
        data_layout, kernel_layout = a["data_layout"], a["kernel_layout"]
        out_layout = a["out_layout"] or data_layout
        for layout in (data_layout, kernel_layout, out_layout):
            if not _plain(layout):
                ctx.fail(f"layout {layout!r}: packed layouts are not supported for transposed convolutions")
        _check_channels(ctx, call, weight, kernel_layout, int(a["groups"]))
        if data_layout != _DATA[n]:
            data = ctx.emit(R.permute_dims(data, _permutation(data_layout, _DATA[n])))
        if kernel_layout != _KERNEL_T[n]:
            weight = ctx.emit(R.permute_dims(weight, _permutation(kernel_layout, _KERNEL_T[n])))
        out = _CONV_T[n](
            data, weight, strides=spatial(a["strides"], n), padding=full_padding(ctx, a["padding"], n),
            output_padding=spatial(a["output_padding"], n), dilation=spatial(a["dilation"], n),
            groups=int(a["groups"]), data_layout=_DATA[n], kernel_layout=_KERNEL_T[n],
            out_dtype=a["out_dtype"] or None,
        )
        if out_layout != _DATA[n]:
            out = R.permute_dims(ctx.emit(out), _permutation(_DATA[n], out_layout))
        return out

    return translate_conv_transpose


for _n in (1, 2, 3):
    translator(
        f"nn.conv{_n}d_transpose", relax=f"R.nn.conv{_n}d_transpose", status="exact",
        attrs="strides, output_padding, dilation, groups, out_dtype: the same; padding: written out; "
              "layouts other than NC..-/IO.. are permuted around the op",
    )(_conv_transpose(_n))
