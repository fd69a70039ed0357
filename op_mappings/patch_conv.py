"""Patch-sampling convolutions: nn.deformable_conv2d and nn.correlation (FlowNet's cost volume).

Relax 0.27 has neither; both are Relay's own TOPI computes through ``call_te`` (status topi), which
build unchanged in TVM 0.27, so they compute exactly what Relay computed.
"""

from __future__ import annotations

from tvm import topi

from .conv import full_padding, spatial
from .registry import translator

_DEFORMABLE = {("NCHW", "OIHW"): topi.nn.deformable_conv2d_nchw, ("NHWC", "HWIO"): topi.nn.deformable_conv2d_nhwc}


@translator("nn.deformable_conv2d", relax="call_te(topi.nn.deformable_conv2d_{nchw,nhwc})", status="topi",
            attrs="strides, padding, dilation, deformable_groups, groups, out_dtype: the same; data/kernel layouts "
                  "NCHW/OIHW or NHWC/HWIO pick the compute; channels, kernel_size: implied by the weight",
            differs="no Relax op: Relay's own TOPI compute")
def translate_deformable_conv2d(ctx, call, args):
    """A convolution whose sampling positions are shifted by learned offsets (bilinear sampling)."""
    a = call.attrs
    data, offset, weight = args
    layouts = (a["data_layout"], a["kernel_layout"])
    compute = _DEFORMABLE.get(layouts)
    if compute is None:
        ctx.fail(f"layouts {layouts[0]}/{layouts[1]} are not supported (NCHW/OIHW or NHWC/HWIO)")
    if (a["out_layout"] or a["data_layout"]) != a["data_layout"]:
        ctx.fail(f"out_layout {a['out_layout']!r} different from data_layout is not supported")
    return ctx.bb.call_te(compute, data, offset, weight, spatial(a["strides"], 2), full_padding(ctx, a["padding"], 2),
                          spatial(a["dilation"], 2), int(a["deformable_groups"]), int(a["groups"]),
                          a["out_dtype"] or ctx.dtype(data), primfunc_name_hint="deformable_conv2d")


@translator("nn.correlation", relax="call_te(topi.nn.correlation_nchw)", status="topi",
            attrs="kernel_size, max_displacement, stride1, stride2, padding, is_multiply: the same; layout: NCHW only",
            differs="no Relax op: Relay's own TOPI compute")
def translate_correlation(ctx, call, args):
    """FlowNet correlation of two NCHW feature maps over displacements up to max_displacement."""
    a = call.attrs
    if a["layout"] != "NCHW":
        ctx.fail(f"layout {a['layout']!r} is not supported (Relay's correlation is NCHW only)")
    padding = [int(p) for p in a["padding"]]
    return ctx.bb.call_te(topi.nn.correlation_nchw, args[0], args[1], int(a["kernel_size"]),
                          int(a["max_displacement"]), int(a["stride1"]), int(a["stride2"]), padding,
                          bool(a["is_multiply"]), primfunc_name_hint="correlation")
