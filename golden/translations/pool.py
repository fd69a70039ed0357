"""Expected Relax for op_mappings/pool.py. Padding is written out in full (before..., after...)."""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

# ---- max / avg pools: the same attributes. Trap: Relax's avg_pool1d/3d default count_include_pad=True
# (avg_pool2d's is False, like Relay's for all three), so the translation always states it.
for op, extra in (("max_pool1d", ""), ("avg_pool1d", ", count_include_pad=False")):
    one_op(f"nn.{op}/basic", f"x: {tensor((1, 2, 8))}",
           f"R.nn.{op}(x, pool_size=[2], strides=[2], padding=[0, 0]{extra})")
    one_op(f"nn.{op}/NWC", f"x: {tensor((1, 8, 2))}",
           f'R.nn.{op}(x, pool_size=[3], padding=[0, 0], layout="NWC"{extra})')
    one_op(f"nn.{op}/pad_ceil_dilation", f"x: {tensor((1, 2, 9))}",
           f"R.nn.{op}(x, pool_size=[3], strides=[2], padding=[1, 1], ceil_mode=True{extra})")
one_op("nn.avg_pool1d/count_include_pad", f"x: {tensor((1, 2, 7))}",
       "R.nn.avg_pool1d(x, pool_size=[3], strides=[2], padding=[1, 1], count_include_pad=True)")

X255 = f"x: {tensor((1, 2, 5, 5))}"
for op in ("max_pool2d", "avg_pool2d"):
    one_op(f"nn.{op}/basic", X255, f"R.nn.{op}(x, pool_size=[2, 2], strides=[2, 2], padding=[0, 0, 0, 0])")
    one_op(f"nn.{op}/NHWC", X255, f'R.nn.{op}(x, pool_size=[2, 2], padding=[0, 0, 0, 0], layout="NHWC")')
    one_op(f"nn.{op}/dilation_asym_pad", X255, f"R.nn.{op}(x, pool_size=[2, 2], padding=[0, 1, 1, 0], dilation=[2, 2])")
    one_op(f"nn.{op}/pad_ceil_mode", X255,
           f"R.nn.{op}(x, pool_size=[3, 3], strides=[2, 2], padding=[1, 1, 1, 1], ceil_mode=True)")
one_op("nn.max_pool2d/int8", f"x: {tensor((1, 2, 4, 4), 'int8')}",
       "R.nn.max_pool2d(x, pool_size=[2, 2], strides=[2, 2], padding=[0, 0, 0, 0])")
one_op("nn.avg_pool2d/pad_count_include_pad", X255,
       "R.nn.avg_pool2d(x, pool_size=[3, 3], strides=[2, 2], padding=[1, 1, 1, 1], count_include_pad=True)")
one_op("nn.avg_pool2d/pad_ceil_count_include_pad", f"x: {tensor((1, 2, 4, 4))}",
       "R.nn.avg_pool2d(x, pool_size=[3, 3], strides=[2, 2], padding=[1, 1, 1, 1], ceil_mode=True, count_include_pad=True)")

for op, extra in (("max_pool3d", ""), ("avg_pool3d", ", count_include_pad=False")):
    one_op(f"nn.{op}/basic", f"x: {tensor((1, 2, 2, 4, 4))}",
           f"R.nn.{op}(x, pool_size=[2, 2, 2], strides=[2, 2, 2], padding=[0, 0, 0, 0, 0, 0]{extra})")
    one_op(f"nn.{op}/pad_ceil_NDHWC", f"x: {tensor((1, 3, 4, 4, 1))}",
           f'R.nn.{op}(x, pool_size=[2, 3, 3], strides=[1, 2, 2], padding=[0, 1, 1, 0, 1, 1], ceil_mode=True, '
           f'layout="NDHWC"{extra})')
one_op("nn.avg_pool3d/count_include_pad", f"x: {tensor((1, 1, 3, 4, 4))}",
       "R.nn.avg_pool3d(x, pool_size=[2, 3, 3], strides=[1, 2, 2], padding=[1, 1, 1, 1, 1, 1], count_include_pad=True)")

# ---- global pools: adaptive avg pool to 1x1; a max reduction over the spatial axes
one_op("nn.global_avg_pool2d/basic", f"x: {tensor((1, 3, 4, 4))}", "R.nn.adaptive_avg_pool2d(x, output_size=[1, 1])")
one_op("nn.global_avg_pool2d/NHWC", f"x: {tensor((1, 4, 4, 3))}",
       'R.nn.adaptive_avg_pool2d(x, output_size=[1, 1], layout="NHWC")')
one_op("nn.global_max_pool2d/basic", f"x: {tensor((1, 3, 4, 4))}", "R.max(x, axis=[2, 3], keepdims=True)")
one_op("nn.global_max_pool2d/NHWC", f"x: {tensor((1, 4, 4, 3))}", "R.max(x, axis=[1, 2], keepdims=True)")

# ---- adaptive avg pools: the same op; one output size value means every spatial dim
one_op("nn.adaptive_avg_pool1d/basic", f"x: {tensor((1, 2, 7))}", "R.nn.adaptive_avg_pool1d(x, output_size=[3])")
one_op("nn.adaptive_avg_pool1d/channels_last", f"x: {tensor((1, 7, 2))}",
       'R.nn.adaptive_avg_pool1d(x, output_size=[3], layout="NWC")')
one_op("nn.adaptive_avg_pool1d/output_1", f"x: {tensor((1, 2, 7))}", "R.nn.adaptive_avg_pool1d(x, output_size=[1])")
one_op("nn.adaptive_avg_pool2d/basic", f"x: {tensor((1, 2, 5, 7))}", "R.nn.adaptive_avg_pool2d(x, output_size=[2, 3])")
one_op("nn.adaptive_avg_pool2d/channels_last", f"x: {tensor((1, 5, 7, 2))}",
       'R.nn.adaptive_avg_pool2d(x, output_size=[2, 3], layout="NHWC")')
one_op("nn.adaptive_avg_pool2d/output_1", f"x: {tensor((1, 2, 5, 7))}", "R.nn.adaptive_avg_pool2d(x, output_size=[1, 1])")
one_op("nn.adaptive_avg_pool3d/basic", f"x: {tensor((1, 1, 3, 5, 4))}",
       "R.nn.adaptive_avg_pool3d(x, output_size=[2, 2, 3])")
one_op("nn.adaptive_avg_pool3d/channels_last", f"x: {tensor((1, 3, 5, 4, 1))}",
       'R.nn.adaptive_avg_pool3d(x, output_size=[2, 2, 3], layout="NDHWC")')
one_op("nn.adaptive_avg_pool3d/output_1", f"x: {tensor((1, 1, 3, 5, 4))}",
       "R.nn.adaptive_avg_pool3d(x, output_size=[1, 1, 1])")

# ---- adaptive max pools: Relax has none. Output 1 is a max reduction ...
one_op("nn.adaptive_max_pool1d/output_1", f"x: {tensor((1, 2, 7))}", "R.max(x, axis=[2], keepdims=True)")
one_op("nn.adaptive_max_pool2d/output_1", f"x: {tensor((1, 2, 5, 7))}", "R.max(x, axis=[2, 3], keepdims=True)")
one_op("nn.adaptive_max_pool3d/output_1", f"x: {tensor((1, 1, 3, 5, 4))}", "R.max(x, axis=[2, 3, 4], keepdims=True)")


# ... and uneven windows [floor(i*in/out), ceil((i+1)*in/out)) are sliced, reduced and concatenated per axis.
@expects("nn.adaptive_max_pool1d/basic")  # 7 -> 3: windows [0, 3), [2, 5), [4, 7)
@I.ir_module
class AdaptiveMax1d:
    @R.function
    def main(x: R.Tensor((1, 2, 7), "float32")):
        with R.dataflow():
            lv = R.strided_slice(x, axes=[2], begin=[0], end=[3], strides=[1])
            lv1 = R.max(lv, axis=[2], keepdims=True)
            lv2 = R.strided_slice(x, axes=[2], begin=[2], end=[5], strides=[1])
            lv3 = R.max(lv2, axis=[2], keepdims=True)
            lv4 = R.strided_slice(x, axes=[2], begin=[4], end=[7], strides=[1])
            lv5 = R.max(lv4, axis=[2], keepdims=True)
            gv = R.concat((lv1, lv3, lv5), axis=2)
            R.output(gv)
        return gv


@expects("nn.adaptive_max_pool1d/channels_last")
@I.ir_module
class AdaptiveMax1dNWC:
    @R.function
    def main(x: R.Tensor((1, 7, 2), "float32")):
        with R.dataflow():
            lv = R.strided_slice(x, axes=[1], begin=[0], end=[3], strides=[1])
            lv1 = R.max(lv, axis=[1], keepdims=True)
            lv2 = R.strided_slice(x, axes=[1], begin=[2], end=[5], strides=[1])
            lv3 = R.max(lv2, axis=[1], keepdims=True)
            lv4 = R.strided_slice(x, axes=[1], begin=[4], end=[7], strides=[1])
            lv5 = R.max(lv4, axis=[1], keepdims=True)
            gv = R.concat((lv1, lv3, lv5), axis=1)
            R.output(gv)
        return gv


@expects("nn.adaptive_max_pool2d/basic")  # H 5 -> 2: [0, 3), [2, 5); W 7 -> 3: [0, 3), [2, 5), [4, 7)
@I.ir_module
class AdaptiveMax2d:
    @R.function
    def main(x: R.Tensor((1, 2, 5, 7), "float32")):
        with R.dataflow():
            lv = R.strided_slice(x, axes=[2], begin=[0], end=[3], strides=[1])
            lv1 = R.max(lv, axis=[2], keepdims=True)
            lv2 = R.strided_slice(x, axes=[2], begin=[2], end=[5], strides=[1])
            lv3 = R.max(lv2, axis=[2], keepdims=True)
            lv4 = R.concat((lv1, lv3), axis=2)
            lv5 = R.strided_slice(lv4, axes=[3], begin=[0], end=[3], strides=[1])
            lv6 = R.max(lv5, axis=[3], keepdims=True)
            lv7 = R.strided_slice(lv4, axes=[3], begin=[2], end=[5], strides=[1])
            lv8 = R.max(lv7, axis=[3], keepdims=True)
            lv9 = R.strided_slice(lv4, axes=[3], begin=[4], end=[7], strides=[1])
            lv10 = R.max(lv9, axis=[3], keepdims=True)
            gv = R.concat((lv6, lv8, lv10), axis=3)
            R.output(gv)
        return gv


@expects("nn.adaptive_max_pool2d/channels_last")  # axis 1: 5 -> 2; axis 2: 7 -> 3
@I.ir_module
class AdaptiveMax2dNHWC:
    @R.function
    def main(x: R.Tensor((1, 5, 7, 2), "float32")):
        with R.dataflow():
            lv = R.strided_slice(x, axes=[1], begin=[0], end=[3], strides=[1])
            lv1 = R.max(lv, axis=[1], keepdims=True)
            lv2 = R.strided_slice(x, axes=[1], begin=[2], end=[5], strides=[1])
            lv3 = R.max(lv2, axis=[1], keepdims=True)
            lv4 = R.concat((lv1, lv3), axis=1)
            lv5 = R.strided_slice(lv4, axes=[2], begin=[0], end=[3], strides=[1])
            lv6 = R.max(lv5, axis=[2], keepdims=True)
            lv7 = R.strided_slice(lv4, axes=[2], begin=[2], end=[5], strides=[1])
            lv8 = R.max(lv7, axis=[2], keepdims=True)
            lv9 = R.strided_slice(lv4, axes=[2], begin=[4], end=[7], strides=[1])
            lv10 = R.max(lv9, axis=[2], keepdims=True)
            gv = R.concat((lv6, lv8, lv10), axis=2)
            R.output(gv)
        return gv


@expects("nn.adaptive_max_pool3d/basic")  # axis 2: 3 -> 2; axis 3: 5 -> 2; axis 4: 4 -> 3
@I.ir_module
class AdaptiveMax3d:
    @R.function
    def main(x: R.Tensor((1, 1, 3, 5, 4), "float32")):
        with R.dataflow():
            lv = R.strided_slice(x, axes=[2], begin=[0], end=[2], strides=[1])
            lv1 = R.max(lv, axis=[2], keepdims=True)
            lv2 = R.strided_slice(x, axes=[2], begin=[1], end=[3], strides=[1])
            lv3 = R.max(lv2, axis=[2], keepdims=True)
            lv4 = R.concat((lv1, lv3), axis=2)
            lv5 = R.strided_slice(lv4, axes=[3], begin=[0], end=[3], strides=[1])
            lv6 = R.max(lv5, axis=[3], keepdims=True)
            lv7 = R.strided_slice(lv4, axes=[3], begin=[2], end=[5], strides=[1])
            lv8 = R.max(lv7, axis=[3], keepdims=True)
            lv9 = R.concat((lv6, lv8), axis=3)
            lv10 = R.strided_slice(lv9, axes=[4], begin=[0], end=[2], strides=[1])
            lv11 = R.max(lv10, axis=[4], keepdims=True)
            lv12 = R.strided_slice(lv9, axes=[4], begin=[1], end=[3], strides=[1])
            lv13 = R.max(lv12, axis=[4], keepdims=True)
            lv14 = R.strided_slice(lv9, axes=[4], begin=[2], end=[4], strides=[1])
            lv15 = R.max(lv14, axis=[4], keepdims=True)
            gv = R.concat((lv11, lv13, lv15), axis=4)
            R.output(gv)
        return gv


@expects("nn.adaptive_max_pool3d/channels_last")  # axis 1: 3 -> 2; axis 2: 5 -> 2; axis 3: 4 -> 3
@I.ir_module
class AdaptiveMax3dNDHWC:
    @R.function
    def main(x: R.Tensor((1, 3, 5, 4, 1), "float32")):
        with R.dataflow():
            lv = R.strided_slice(x, axes=[1], begin=[0], end=[2], strides=[1])
            lv1 = R.max(lv, axis=[1], keepdims=True)
            lv2 = R.strided_slice(x, axes=[1], begin=[1], end=[3], strides=[1])
            lv3 = R.max(lv2, axis=[1], keepdims=True)
            lv4 = R.concat((lv1, lv3), axis=1)
            lv5 = R.strided_slice(lv4, axes=[2], begin=[0], end=[3], strides=[1])
            lv6 = R.max(lv5, axis=[2], keepdims=True)
            lv7 = R.strided_slice(lv4, axes=[2], begin=[2], end=[5], strides=[1])
            lv8 = R.max(lv7, axis=[2], keepdims=True)
            lv9 = R.concat((lv6, lv8), axis=2)
            lv10 = R.strided_slice(lv9, axes=[3], begin=[0], end=[2], strides=[1])
            lv11 = R.max(lv10, axis=[3], keepdims=True)
            lv12 = R.strided_slice(lv9, axes=[3], begin=[1], end=[3], strides=[1])
            lv13 = R.max(lv12, axis=[3], keepdims=True)
            lv14 = R.strided_slice(lv9, axes=[3], begin=[2], end=[4], strides=[1])
            lv15 = R.max(lv14, axis=[3], keepdims=True)
            gv = R.concat((lv11, lv13, lv15), axis=3)
            R.output(gv)
        return gv
