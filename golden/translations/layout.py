"""Expected Relax for op_mappings/layout.py.

Relay's layout strings become index maps (a split axis C -> C // f outer, C % f inner; back: C * f + c).
Packed convolutions run as plain NCHW/OIHW conv2d between layout_transforms, the form TVM 0.27 can
compile. Winograd weight transforms are einsums with TOPI's constant G; a Winograd convolution recovers
its kernel with pinv(G) and runs conv2d.
"""

import numpy as np
from tvm.relax import op as RO
from tvm.script import ir as I
from tvm.script import relax as R

from ._built import built, const
from ._golden import expects, one_op, tensor

one_op("layout_transform/NCHW_to_NCHW4c", f"x: {tensor((1, 8, 2, 3))}",
       "R.layout_transform(x, index_map=lambda n, c, h, w: (n, c // 4, h, w, c % 4))")
one_op("layout_transform/NCHW2c_to_NCHW", f"x: {tensor((1, 3, 2, 3, 2))}",
       "R.layout_transform(x, index_map=lambda n, c_o, h, w, c_i: (n, c_o * 2 + c_i, h, w))")
one_op("layout_transform/NCHW_to_NHWC", f"x: {tensor((1, 4, 2, 3))}",
       "R.layout_transform(x, index_map=lambda n, c, h, w: (n, h, w, c))")
one_op("layout_transform/OIHW_to_OIHW2i4o", f"x: {tensor((8, 4, 1, 2))}",
       "R.layout_transform(x, index_map=lambda o, i, h, w: (o // 4, i // 2, h, w, i % 2, o % 4))")


@expects("nn.contrib_conv2d_NCHWc/basic")
@I.ir_module
class Conv2dNCHWc:
    @R.function
    def main(x: R.Tensor((1, 2, 4, 4, 4), "float32"), weight: R.Tensor((2, 2, 3, 3, 4, 4), "float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            lv = R.layout_transform(x, index_map=lambda n, c_o, h, w, c_i: (n, c_o * 4 + c_i, h, w))
            lv1 = R.layout_transform(
                weight, index_map=lambda o_o, i_o, h, w, i_i, o_i: (o_o * 4 + o_i, i_o * 4 + i_i, h, w))
            lv2 = R.nn.conv2d(lv, lv1, padding=[1, 1, 1, 1])
            gv = R.layout_transform(lv2, index_map=lambda n, c, h, w: (n, c // 4, h, w, c % 4))
            R.output(gv)
        return gv


@expects("nn.contrib_conv2d_NCHWc/stride2_out_NCHW2c")
@I.ir_module
class Conv2dNCHWcStride2:
    @R.function
    def main(x: R.Tensor((1, 1, 5, 5, 4), "float32"), weight: R.Tensor((2, 1, 3, 3, 4, 2), "float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            lv = R.layout_transform(x, index_map=lambda n, c_o, h, w, c_i: (n, c_o * 4 + c_i, h, w))
            lv1 = R.layout_transform(
                weight, index_map=lambda o_o, i_o, h, w, i_i, o_i: (o_o * 2 + o_i, i_o * 4 + i_i, h, w))
            lv2 = R.nn.conv2d(lv, lv1, strides=[2, 2], padding=[0, 0, 0, 0])
            gv = R.layout_transform(lv2, index_map=lambda n, c, h, w: (n, c // 2, h, w, c % 2))
            R.output(gv)
        return gv


@expects("nn.contrib_depthwise_conv2d_NCHWc/basic")
@I.ir_module
class DepthwiseConv2dNCHWc:
    @R.function
    def main(x: R.Tensor((1, 2, 4, 4, 4), "float32"), weight: R.Tensor((2, 1, 3, 3, 1, 4), "float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            lv = R.layout_transform(x, index_map=lambda n, c_o, h, w, c_i: (n, c_o * 4 + c_i, h, w))
            lv1 = R.layout_transform(
                weight, index_map=lambda o_o, i_o, h, w, i_i, o_i: (o_o * 4 + o_i, i_o + i_i, h, w))
            lv2 = R.nn.conv2d(lv, lv1, padding=[1, 1, 1, 1], groups=8)
            gv = R.layout_transform(lv2, index_map=lambda n, c, h, w: (n, c // 4, h, w, c % 4))
            R.output(gv)
        return gv


@expects("nn.contrib_dense_pack/basic")
@I.ir_module
class DensePack:
    @R.function
    def main(x: R.Tensor((2, 8), "float32"), w: R.Tensor((2, 8, 2), "float32")):
        with R.dataflow():
            lv = R.layout_transform(w, index_map=lambda n_o, c, n_i: (c, n_o * 2 + n_i))
            gv = R.matmul(x, lv)
            R.output(gv)
        return gv


def _g(tile_size, kernel_size):
    """TOPI's Winograd kernel-transform matrix G (alpha x r) in float64."""
    from tvm.topi.nn.winograd_util import _cook_toom_convolution, _interpolation_points

    return _cook_toom_convolution(_interpolation_points(tile_size + kernel_size - 2), tile_size, kernel_size)[2]


def _einsum_module(w_shape, subscripts, n_g):
    """main(w) = einsum((G,) * n_g + (w,), subscripts): Relay's Winograd weight transform, tile 2, 3-wide kernel."""
    g = const(_g(2, 3), "float32")
    return built([("w", w_shape)], lambda bb, w: RO.einsum((g,) * n_g + (w,), subscripts))


expects("nn.contrib_conv2d_winograd_weight_transform/basic")(
    _einsum_module((2, 2, 3, 3), "ah,bw,oihw->aboi", 2))
expects("nn.contrib_conv3d_winograd_weight_transform/basic")(
    _einsum_module((2, 2, 3, 3, 3), "ad,bh,cw,oidhw->abcoi", 3))


def _winograd_nhwc():
    """The graph transposes HWIO to OIHW, transforms it (tile 4), and convolves NHWC: the kernel is recovered
    with pinv(G) and a plain conv2d runs."""
    g = _g(4, 3)

    def body(bb, x, w):
        oihw = bb.emit(RO.permute_dims(w, [3, 2, 0, 1]))
        u = bb.emit(RO.einsum((const(g, "float32"), const(g, "float32"), oihw), "ah,bw,oihw->aboi"))
        pinv = np.linalg.pinv(g)
        kernel = bb.emit(RO.einsum((const(pinv, "float32"), const(pinv, "float32"), u), "ha,wb,aboi->oihw"))
        return RO.nn.conv2d(x, kernel, padding=[1, 1, 1, 1], data_layout="NHWC", kernel_layout="OIHW")

    return built([("x", (1, 4, 4, 2)), ("w", (3, 3, 2, 2))], body)


expects("nn.contrib_conv2d_winograd_without_weight_transform/basic")(_winograd_nhwc())


# A split that does not divide the axis: Relay's output is padded with zeros (topi.layout_transform).
one_op("layout_transform/NCHW_to_NCHW4c_padded", f"x: {tensor((1, 6, 2, 3))}",
       "R.layout_transform(x, index_map=lambda n, c, h, w: (n, c // 4, h, w, c % 4), pad_value=0.0)")
# From one split to another, with the primal axes reordered.
one_op("layout_transform/NCHW4c_to_NHWC8c", f"x: {tensor((1, 2, 2, 3, 4))}",
       "R.layout_transform(x, index_map=lambda n, c_o, h, w, c_i: "
       "(n, h, w, (c_o * 4 + c_i) // 8, (c_o * 4 + c_i) % 8))")
