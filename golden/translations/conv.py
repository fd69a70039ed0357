"""Expected Relax for op_mappings/conv.py. The weights are bound params, so they follow the input
(`num_input` = 1); padding is written out in full (before..., after...)."""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor


def conv(bundle, x, w, call, **kw):
    one_op(bundle, f"x: {tensor(x)}, weight: {tensor(w)}", call, num_input=1, **kw)


conv("nn.conv1d/basic", (1, 2, 8), (4, 2, 3), "R.nn.conv1d(x, weight, padding=[1, 1])")
conv("nn.conv1d/NWC_WIO", (1, 8, 2), (3, 2, 4),
     'R.nn.conv1d(x, weight, padding=[0, 0], data_layout="NWC", kernel_layout="WIO")')
conv("nn.conv1d/stride_dilation_groups", (1, 4, 10), (4, 2, 3),
     "R.nn.conv1d(x, weight, strides=[2], padding=[2, 1], dilation=[2], groups=2)")
conv("nn.conv2d/basic", (1, 2, 5, 5), (4, 2, 3, 3), "R.nn.conv2d(x, weight, padding=[1, 1, 1, 1])")
conv("nn.conv2d/NHWC_HWIO", (1, 5, 5, 2), (3, 3, 2, 4),
     'R.nn.conv2d(x, weight, padding=[0, 0, 0, 0], data_layout="NHWC", kernel_layout="HWIO")')
conv("nn.conv2d/depthwise", (1, 4, 4, 4), (4, 1, 3, 3), "R.nn.conv2d(x, weight, padding=[1, 1, 1, 1], groups=4)")
conv("nn.conv2d/depthwise_NHWC_HWOI", (1, 4, 4, 4), (3, 3, 4, 1),
     'R.nn.conv2d(x, weight, padding=[1, 1, 1, 1], groups=4, data_layout="NHWC", kernel_layout="HWOI")')
conv("nn.conv2d/groups2", (1, 4, 4, 4), (4, 2, 3, 3), "R.nn.conv2d(x, weight, padding=[1, 1, 1, 1], groups=2)")
conv("nn.conv2d/rect_kernel_1x3", (1, 2, 4, 6), (3, 2, 1, 3), "R.nn.conv2d(x, weight, padding=[0, 1, 0, 1])")
conv("nn.conv2d/stride2_dilation2_asym_pad", (1, 2, 7, 7), (2, 2, 3, 3),
     "R.nn.conv2d(x, weight, strides=[2, 2], padding=[1, 0, 2, 1], dilation=[2, 2])")
conv("nn.conv3d/basic", (1, 2, 3, 4, 4), (2, 2, 2, 3, 3), "R.nn.conv3d(x, weight, padding=[0, 1, 1, 0, 1, 1])")
conv("nn.conv3d/NDHWC_DHWIO_stride", (1, 3, 4, 4, 2), (2, 2, 2, 2, 2),
     'R.nn.conv3d(x, weight, strides=[1, 2, 2], padding=[0, 0, 0, 0, 0, 0], data_layout="NDHWC", kernel_layout="DHWIO")')
conv("nn.conv2d_transpose/basic", (1, 2, 3, 3), (2, 3, 3, 3), "R.nn.conv2d_transpose(x, weight, padding=[0, 0, 0, 0])")
conv("nn.conv2d_transpose/groups2", (1, 4, 3, 3), (4, 1, 2, 2),
     "R.nn.conv2d_transpose(x, weight, padding=[0, 0, 0, 0], groups=2)")
conv("nn.conv2d_transpose/stride2_output_padding", (1, 2, 3, 3), (2, 2, 3, 3),
     "R.nn.conv2d_transpose(x, weight, strides=[2, 2], padding=[1, 1, 1, 1], output_padding=[1, 1])")
conv("nn.conv1d_transpose/basic", (1, 2, 5), (2, 3, 3),
     "R.nn.conv1d_transpose(x, weight, strides=[2], padding=[1, 1], output_padding=[1])")
conv("nn.conv3d_transpose/basic", (1, 2, 2, 3, 3), (2, 2, 2, 2, 2),
     "R.nn.conv3d_transpose(x, weight, strides=[1, 2, 2], padding=[0, 0, 0, 0, 0, 0], output_padding=[0, 1, 1])")


@expects("nn.conv2d/out_layout_NHWC")  # Relax cannot legalize an out_layout unlike the input's: transpose after
@I.ir_module
class ConvOutNHWC:
    @R.function
    def main(x: R.Tensor((1, 2, 4, 4), "float32"), weight: R.Tensor((2, 2, 3, 3), "float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            lv = R.nn.conv2d(x, weight, padding=[0, 0, 0, 0])
            gv = R.permute_dims(lv, axes=[0, 2, 3, 1])
            R.output(gv)
        return gv


@expects("nn.conv2d/opt_level2_no_kernel_size")  # channels/kernel_size absent: the weight's shape says it all
@I.ir_module
class ConvNoKernelSize:
    @R.function
    def main(x: R.Tensor((1, 2, 4, 4), "float32"), w: R.Tensor((2, 2, 3, 3), "float32")):
        with R.dataflow():
            gv = R.nn.conv2d(x, w, padding=[0, 0, 0, 0])
            R.output(gv)
        return gv


@expects("nn.conv2d/int8_out_int32")
@I.ir_module
class ConvInt8:
    @R.function
    def main(x: R.Tensor((1, 2, 4, 4), "int8"), w: R.Tensor((2, 2, 3, 3), "int8")):
        with R.dataflow():
            gv = R.nn.conv2d(x, w, padding=[0, 0, 0, 0], out_dtype="int32")
            R.output(gv)
        return gv


@expects("nn.conv2d_transpose/NHWC_HWOI")  # transposed convs legalize only in NCHW/IOHW: permute around
@I.ir_module
class ConvTransposeNHWC:
    @R.function
    def main(x: R.Tensor((1, 3, 3, 2), "float32"), weight: R.Tensor((3, 3, 4, 2), "float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            lv = R.permute_dims(x, axes=[0, 3, 1, 2])
            lv1 = R.permute_dims(weight, axes=[3, 2, 0, 1])
            lv2 = R.nn.conv2d_transpose(lv, lv1, strides=[2, 2], padding=[0, 0, 0, 0])
            gv = R.permute_dims(lv2, axes=[0, 2, 3, 1])
            R.output(gv)
        return gv
