"""Expected Relax for op_mappings/image.py. Every resize attribute is stated: Relax's defaults differ
(cubic_alpha -0.75 vs Relay's -0.5; resize3d rounding "" vs "round"). Nearest-neighbour "round"
(half away from zero in v0.19) is "round_prefer_ceil" in Relax 0.27, whose "round" goes to even."""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

X = f"x: {tensor((1, 2, 3, 4))}"


def resize2d(size, method="linear", mode="half_pixel", rounding="", alpha=-0.5, exclude=0, roi=(0.0,) * 4,
             layout="NCHW", extrapolation=0.0):
    return (f"R.image.resize2d(x, R.shape({list(size)}), roi={list(roi)}, layout=\"{layout}\", method=\"{method}\", "
            f"coordinate_transformation_mode=\"{mode}\", rounding_method=\"{rounding}\", cubic_alpha={alpha}, "
            f"cubic_exclude={exclude}, extrapolation_value={extrapolation})")


one_op("image.resize2d/linear_half_pixel", X, resize2d((5, 7)))
one_op("image.resize2d/linear_align_corners", X, resize2d((5, 7), mode="align_corners"))
one_op("image.resize2d/linear_asymmetric", X, resize2d((5, 7), mode="asymmetric"))
one_op("image.resize2d/linear_pytorch_half_pixel", X, resize2d((5, 7), mode="pytorch_half_pixel"))
one_op("image.resize2d/linear_downscale", f"x: {tensor((1, 1, 6, 8))}", resize2d((3, 3)))
one_op("image.resize2d/NHWC_linear", f"x: {tensor((1, 3, 4, 2))}", resize2d((6, 5), mode="align_corners", layout="NHWC"))
one_op("image.resize2d/cubic_half_pixel", X, resize2d((5, 7), method="cubic"))
one_op("image.resize2d/cubic_asymmetric", X, resize2d((5, 7), method="cubic", mode="asymmetric"))
one_op("image.resize2d/cubic_align_corners_alpha075_exclude", X,
       resize2d((5, 7), method="cubic", mode="align_corners", alpha=-0.75, exclude=1))
one_op("image.resize2d/nearest_align_corners_round", X,
       resize2d((5, 7), method="nearest_neighbor", mode="align_corners", rounding="round_prefer_ceil"))
one_op("image.resize2d/nearest_asymmetric_floor", X,
       resize2d((5, 7), method="nearest_neighbor", mode="asymmetric", rounding="floor"))
one_op("image.resize2d/nearest_half_pixel_round_prefer_ceil", X,
       resize2d((5, 7), method="nearest_neighbor", rounding="round_prefer_ceil"))
one_op("image.resize2d/nearest_tf_half_pixel_for_nn", X,
       resize2d((5, 7), method="nearest_neighbor", mode="tf_half_pixel_for_nn", rounding="round_prefer_ceil"))
one_op("image.resize2d/out_dtype_uint8", f"x: {tensor((1, 1, 3, 3), 'uint8')}",
       resize2d((5, 5), method="nearest_neighbor", mode="asymmetric", rounding="floor"))
one_op("image.resize2d/tf_crop_and_resize_roi", f"x: {tensor((1, 1, 4, 4))}",
       resize2d((3, 5), mode="tf_crop_and_resize", roi=(0.1, 0.2, 0.8, 0.9), extrapolation=-1.0))


def resize3d(size, method="linear", mode="half_pixel", rounding="", layout="NCDHW"):
    return (f"R.image.resize3d(x, R.shape({list(size)}), roi=[0.0, 0.0, 0.0, 0.0, 0.0, 0.0], layout=\"{layout}\", "
            f"method=\"{method}\", coordinate_transformation_mode=\"{mode}\", rounding_method=\"{rounding}\", "
            f"cubic_alpha=-0.5, cubic_exclude=0, extrapolation_value=0.0)")


one_op("image.resize3d/linear_half_pixel", f"x: {tensor((1, 1, 2, 2, 3))}", resize3d((3, 3, 4)))
one_op("image.resize3d/linear_align_corners_NDHWC", f"x: {tensor((1, 2, 2, 3, 2))}",
       resize3d((3, 3, 4), mode="align_corners", layout="NDHWC"))
one_op("image.resize3d/nearest_asymmetric", f"x: {tensor((1, 1, 2, 2, 3))}",
       resize3d((3, 3, 4), method="nearest_neighbor", mode="asymmetric", rounding="floor"))

# ---- nn.upsampling: topi's resize to round(dim * scale), asymmetric unless align_corners
one_op("nn.upsampling/basic", f"x: {tensor((1, 2, 2, 3))}",
       resize2d((4, 6), method="nearest_neighbor", mode="asymmetric", rounding="floor"))
one_op("nn.upsampling/bicubic_NHWC", f"x: {tensor((1, 3, 3, 2))}",
       resize2d((6, 6), method="cubic", mode="asymmetric", layout="NHWC"))
one_op("nn.upsampling/bilinear_align_corners", f"x: {tensor((1, 2, 2, 3))}",
       resize2d((4, 4), mode="align_corners"))  # 3 * 1.5 = 4.5 rounds to 4 (te.round, half to even)
one_op("nn.upsampling3d/basic", f"x: {tensor((1, 1, 2, 2, 3))}",
       resize3d((4, 4, 6), method="nearest_neighbor", rounding="floor"))
one_op("nn.upsampling3d/trilinear_align_corners", f"x: {tensor((1, 1, 2, 2, 2))}", resize3d((4, 3, 4), mode="align_corners"))


# ---- resize1d: Relax has none; a resize2d over a unit height
@expects("image.resize1d/linear_half_pixel")
@I.ir_module
class Resize1dLinear:
    @R.function
    def main(x: R.Tensor((1, 2, 5), "float32")):
        with R.dataflow():
            lv = R.expand_dims(x, axis=[2])
            lv1 = R.image.resize2d(lv, R.shape([1, 8]), roi=[0.0, 0.0, 0.0, 0.0], layout="NCHW", method="linear",
                                   coordinate_transformation_mode="half_pixel", rounding_method="", cubic_alpha=-0.5,
                                   cubic_exclude=0, extrapolation_value=0.0)
            gv = R.squeeze(lv1, axis=[2])
            R.output(gv)
        return gv


@expects("image.resize1d/nearest_asymmetric")
@I.ir_module
class Resize1dNearest:
    @R.function
    def main(x: R.Tensor((1, 2, 5), "float32")):
        with R.dataflow():
            lv = R.expand_dims(x, axis=[2])
            lv1 = R.image.resize2d(lv, R.shape([1, 8]), roi=[0.0, 0.0, 0.0, 0.0], layout="NCHW",
                                   method="nearest_neighbor", coordinate_transformation_mode="asymmetric",
                                   rounding_method="floor", cubic_alpha=-0.5, cubic_exclude=0, extrapolation_value=0.0)
            gv = R.squeeze(lv1, axis=[2])
            R.output(gv)
        return gv


@expects("image.resize1d/cubic_align_corners")  # align_corners divides by out - 1: two identical rows, not one
@I.ir_module
class Resize1dCubicAlignCorners:
    @R.function
    def main(x: R.Tensor((1, 2, 5), "float32")):
        with R.dataflow():
            lv = R.expand_dims(x, axis=[2])
            lv1 = R.broadcast_to(lv, R.shape([1, 2, 2, 5]))
            lv2 = R.image.resize2d(lv1, R.shape([2, 8]), roi=[0.0, 0.0, 0.0, 0.0], layout="NCHW", method="cubic",
                                   coordinate_transformation_mode="align_corners", rounding_method="",
                                   cubic_alpha=-0.5, cubic_exclude=0, extrapolation_value=0.0)
            lv3 = R.strided_slice(lv2, axes=[2], begin=[0], end=[1], strides=[1])
            gv = R.squeeze(lv3, axis=[2])
            R.output(gv)
        return gv


# ---- grid_sample: Relax's op takes Relay's attributes (Relay's align_corners defaults to True)
def grid_sample(method="bilinear", padding="zeros", align=True, layout="NCHW"):
    return (f'R.image.grid_sample(x, grid, method="{method}", layout="{layout}", padding_mode="{padding}", '
            f"align_corners={align})")


_GRID_2D = f"x: {tensor((1, 2, 4, 4))}, grid: {tensor((1, 2, 3, 3))}"
for _method in ("bilinear", "bicubic", "nearest"):
    for _padding in ("zeros", "border", "reflection"):
        for _align in (True, False):
            _bundle = f"image.grid_sample/{_method}_{_padding}" + ("_align_corners" if _align else "")
            if _bundle.split("/")[1] in {
                "bicubic_border", "bicubic_reflection", "nearest_border", "nearest_reflection",
            }:
                continue  # no such bundle
            one_op(_bundle, _GRID_2D, grid_sample(_method, _padding, _align))
one_op("image.grid_sample/3d_bilinear_NCDHW", f"x: {tensor((1, 1, 3, 3, 3))}, grid: {tensor((1, 3, 2, 2, 2))}",
       grid_sample(padding="border", align=False, layout="NCDHW"))

# ---- affine_grid: Relay's grid spans [-1, 1] with both ends included, which is Relax's align_corners=True
one_op("image.affine_grid/basic", f"theta: {tensor((1, 2, 3))}", "R.image.affine_grid(theta, R.shape([4, 5]), align_corners=True)")


# ---- crop_and_resize, dilation2d: no Relax op; Relay's own topi computes (call_tir)
def _te_module(params, compute, *args, name, **kwargs):
    """main(*params) = call_te(compute, *params, *args, **kwargs): params are (name, shape, dtype)."""
    from tvm import relax  # noqa: PLC0415

    bb = relax.BlockBuilder()
    variables = [relax.Var(n, relax.TensorType(s, d)) for n, s, d in params]
    with bb.function("main", variables):
        with bb.dataflow():
            gv = bb.emit_output(bb.call_te(compute, *variables, *args, primfunc_name_hint=name, **kwargs))
        bb.emit_func_output(gv)
    return bb.get()


def _topi_goldens():
    from tvm import topi  # noqa: PLC0415

    boxes = [("boxes", (2, 4), "float32"), ("box_idx", (2,), "int32")]
    expects("image.crop_and_resize/basic")(_te_module(
        [("x", (1, 2, 5, 5), "float32"), *boxes], topi.image.crop_and_resize, [3, 3], layout="NCHW",
        method="bilinear", extrapolation_value=0.0, out_dtype=None, name="crop_and_resize"))
    expects("image.crop_and_resize/nearest_NHWC_extrapolation")(_te_module(
        [("x", (2, 4, 4, 1), "float32"), *boxes], topi.image.crop_and_resize, [3, 2], layout="NHWC",
        method="nearest_neighbor", extrapolation_value=-1.0, out_dtype=None, name="crop_and_resize"))
    # Relay's defaults: strides 1, padding 0, dilations 1, NCHW/IHW
    expects("image.dilation2d/basic")(_te_module(
        [("x", (1, 2, 5, 5), "float32"), ("w", (2, 3, 3), "float32")], topi.image.dilation2d_nchw,
        [1, 1], [0, 0], [1, 1], None, name="dilation2d_nchw"))
    expects("image.dilation2d/NHWC_strides_dilations_padding")(_te_module(
        [("x", (1, 5, 5, 2), "float32"), ("w", (2, 2, 2), "float32")], topi.image.dilation2d_nhwc,
        [2, 2], [1, 1], [2, 2], None, name="dilation2d_nhwc"))


_topi_goldens()
