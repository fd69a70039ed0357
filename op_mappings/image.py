"""Image ops: image.resize1d/2d/3d, nn.upsampling, nn.upsampling3d, image.grid_sample, image.affine_grid,
image.crop_and_resize, image.dilation2d.

Relax's resize2d/3d take the same attributes as Relay's, but several defaults differ (Relax's
cubic_alpha is -0.75, Relay's -0.5; Relax's resize3d rounding_method is "", Relay's "round"), so every
attribute is passed explicitly. Relax has no resize1d: it becomes a resize2d over a unit height (a unit
axis resized to 1 maps every output row onto input row 0), or over two identical rows for align_corners,
whose scale (in-1)/(out-1) would divide by zero on a unit axis. nn.upsampling is topi's
resize2d to round(size * scale) with asymmetric (or align_corners) coordinates, rounding "",
cubic_alpha -0.5, as Relay's compute does. Nearest-neighbour "round" is asked as "round_prefer_ceil"
(see `rounding`).
grid_sample and affine_grid are Relax ops with Relay's attributes (Relay's affine_grid always spans [-1, 1]
inclusive: align_corners=True). Relax has no crop_and_resize or dilation2d: Relay's TOPI computes (call_te).
"""

from __future__ import annotations

from tvm.relax import op as R

from .registry import translator

_RESIZE_ATTRS = ("size, roi, layout, method, coordinate_transformation_mode, rounding_method, cubic_alpha, "
                 "cubic_exclude, extrapolation_value, out_dtype: all passed explicitly (some defaults differ)")


def rounding(method: str, mode: str, rounding_method: str) -> str:
    """The nearest-neighbour rounding to ask Relax for, so that it rounds as Relay v0.19 did.

    topi's "round" is round-half-to-even in TVM 0.27 (apache/tvm#19368) but was llvm.round (half away
    from zero) in v0.19; resize coordinates are >= -0.5 and clamped at 0, where half away from zero is
    "round_prefer_ceil". An empty rounding_method means "round" for align_corners, else "floor" (topi)."""
    if method != "nearest_neighbor":
        return rounding_method
    effective = rounding_method or ("round" if mode == "align_corners" else "floor")
    return "round_prefer_ceil" if effective == "round" else effective


def _resize_kwargs(a) -> dict:
    return dict(
        method=a["method"], coordinate_transformation_mode=a["coordinate_transformation_mode"],
        rounding_method=rounding(a["method"], a["coordinate_transformation_mode"], a["rounding_method"]),
        cubic_alpha=float(a["cubic_alpha"]), cubic_exclude=int(a["cubic_exclude"]),
        extrapolation_value=float(a["extrapolation_value"]), out_dtype=a["out_dtype"] or None,
    )


def _roi(a, n: int) -> list:
    roi = [float(r) for r in (a["roi"] or ())]
    return roi if roi else [0.0] * (2 * n)


@translator("image.resize2d", relax="R.image.resize2d", attrs=_RESIZE_ATTRS)
def translate_resize2d(ctx, call, args):
    a = call.attrs
    return R.image.resize2d(args[0], [int(s) for s in a["size"]], _roi(a, 2), a["layout"], **_resize_kwargs(a))


@translator("image.resize3d", relax="R.image.resize3d", attrs=_RESIZE_ATTRS)
def translate_resize3d(ctx, call, args):
    a = call.attrs
    return R.image.resize3d(args[0], [int(s) for s in a["size"]], _roi(a, 3), a["layout"], **_resize_kwargs(a))


@translator("image.resize1d", relax="R.image.resize2d over a unit height (expand_dims, squeeze)", status="composite",
            attrs=_RESIZE_ATTRS + "; roi (start, end) becomes (0, start, 0, end)", differs="Relax has no resize1d")
def translate_resize1d(ctx, call, args):
    a = call.attrs
    layout = a["layout"]
    if layout not in ("NCW", "NWC"):
        ctx.fail(f"layout {layout!r} is not supported (NCW or NWC)")
    axis = layout.index("W")
    start, end = _roi(a, 1)
    image = ctx.emit(R.expand_dims(args[0], [axis]))
    rows = 1
    if a["coordinate_transformation_mode"] == "align_corners":  # its scale (in-1)/(out-1) is 0/0 on a unit axis
        rows = 2
        shape = list(ctx.shape(image))
        shape[axis] = 2
        image = ctx.emit(R.broadcast_to(image, shape))
    out = ctx.emit(R.image.resize2d(image, [rows, int(a["size"][0])], [0.0, start, 0.0, end],
                                    "NCHW" if layout == "NCW" else "NHWC", **_resize_kwargs(a)))
    if rows == 2:
        out = ctx.emit(R.strided_slice(out, [axis], [0], [1], [1]))
    return R.squeeze(out, [axis])


def _scaled(ctx, x, layout: str, scales) -> list:
    shape = ctx.shape(x)
    dims = [shape[layout.index(c)] for c in "DHW" if c in layout]
    if not all(isinstance(d, int) for d in dims):
        ctx.fail("upsampling needs static spatial dims")
    return [int(round(d * float(s))) for d, s in zip(dims, scales)]  # te.round: half to even, as Python's


@translator("nn.upsampling", relax="R.image.resize2d", status="composite",
            attrs="scale_h/scale_w: size = round(dim * scale); method: nearest_neighbor/bilinear/bicubic; "
                  "align_corners: coordinate mode align_corners, else asymmetric",
            differs="Relax has no upsampling op; this is Relay's own compute (topi.nn.upsampling)")
def translate_upsampling(ctx, call, args):
    a = call.attrs
    x, layout = args[0], a["layout"]
    if layout not in ("NCHW", "NHWC"):
        ctx.fail(f"layout {layout!r} is not supported (NCHW or NHWC)")
    method = a["method"][2:] if a["method"].startswith("bi") else a["method"]
    mode = "align_corners" if a["align_corners"] else "asymmetric"
    return R.image.resize2d(
        x, _scaled(ctx, x, layout, (a["scale_h"], a["scale_w"])), [0.0] * 4, layout, method, mode,
        rounding_method=rounding(method, mode, ""), cubic_alpha=-0.5, cubic_exclude=0, extrapolation_value=0.0,
    )


@translator("nn.upsampling3d", relax="R.image.resize3d", status="composite",
            attrs="scale_d/h/w: size = round(dim * scale); method: nearest_neighbor/trilinear; "
                  "coordinate_transformation_mode: the same",
            differs="Relax has no upsampling op; this is Relay's own compute (topi.nn.upsampling3d)")
def translate_upsampling3d(ctx, call, args):
    a = call.attrs
    x, layout = args[0], a["layout"]
    if layout not in ("NCDHW", "NDHWC"):
        ctx.fail(f"layout {layout!r} is not supported (NCDHW or NDHWC)")
    method = a["method"][3:] if a["method"].startswith("tri") else a["method"]
    mode = a["coordinate_transformation_mode"]
    return R.image.resize3d(
        x, _scaled(ctx, x, layout, (a["scale_d"], a["scale_h"], a["scale_w"])), [0.0] * 6, layout, method, mode,
        rounding_method=rounding(method, mode, ""), cubic_alpha=-0.5, cubic_exclude=0, extrapolation_value=0.0,
    )


@translator("image.grid_sample", relax="R.image.grid_sample",
            attrs="method, layout, padding_mode, align_corners: the same (Relax legalizes to the same topi compute)")
def translate_grid_sample(ctx, call, args):
    a = call.attrs
    return R.image.grid_sample(args[0], args[1], method=a["method"], layout=a["layout"],
                               padding_mode=a["padding_mode"], align_corners=bool(a["align_corners"]))


@translator("image.affine_grid", relax="R.image.affine_grid(align_corners=True)",
            attrs="target_shape: size; align_corners: True (Relay's grid spans -1..1 inclusive)")
def translate_affine_grid(ctx, call, args):
    return R.image.affine_grid(args[0], [int(s) for s in call.attrs["target_shape"]], align_corners=True)


@translator("image.crop_and_resize", relax="emit_te(topi.image.crop_and_resize)", status="topi",
            attrs="crop_size, layout, method, extrapolation_value, out_dtype: the same",
            differs="Relax has no crop_and_resize: Relay's own TOPI compute")
def translate_crop_and_resize(ctx, call, args):
    """Each box of `boxes` (normalized y1, x1, y2, x2) of image box_indices[i], resized to crop_size."""
    from tvm import topi  # noqa: PLC0415

    a = call.attrs
    return ctx.bb.call_te(
        topi.image.crop_and_resize, args[0], args[1], args[2], [int(s) for s in a["crop_size"]], layout=a["layout"],
        method=a["method"], extrapolation_value=float(a["extrapolation_value"]), out_dtype=a["out_dtype"] or None,
        primfunc_name_hint="crop_and_resize")


@translator("image.dilation2d", relax="emit_te(topi.image.dilation2d_nchw / _nhwc)", status="topi",
            attrs="strides, padding, dilations, data_layout (NCHW/NHWC), kernel_layout (IHW/HWI), out_dtype",
            differs="Relax has no morphological dilation: Relay's own TOPI compute")
def translate_dilation2d(ctx, call, args):
    """max over the window of x + w (grayscale morphological dilation)."""
    from tvm import topi  # noqa: PLC0415

    a = call.attrs
    layouts = {("NCHW", "IHW"): topi.image.dilation2d_nchw, ("NHWC", "HWI"): topi.image.dilation2d_nhwc}
    fn = layouts.get((a["data_layout"], a["kernel_layout"]))
    if fn is None:
        ctx.fail(f"layouts {a['data_layout']}/{a['kernel_layout']} are not supported (NCHW/IHW or NHWC/HWI)")
    return ctx.bb.call_te(fn, args[0], args[1], [int(s) for s in a["strides"]], [int(p) for p in a["padding"]],
                          [int(d) for d in a["dilations"]], a["out_dtype"] or None,
                          primfunc_name_hint=fn.__name__)
