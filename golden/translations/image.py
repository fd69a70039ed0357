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
