"""Expected Relax for op_mappings/norm.py. Relax 0.27 applies gamma/beta whatever scale/center say, so a
disabled one is replaced by ones/zeros."""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

one_op("nn.layer_norm/basic", f"x: {tensor((2, 3, 4))}, gamma: {tensor((4,))}, beta: {tensor((4,))}",
       "R.nn.layer_norm(x, gamma, beta, axes=[2])")
one_op("nn.group_norm/basic", f"x: {tensor((1, 4, 2, 3))}, gamma: {tensor((4,))}, beta: {tensor((4,))}",
       "R.nn.group_norm(x, gamma, beta, num_groups=2, channel_axis=1, axes=[2, 3])")
one_op("nn.instance_norm/basic", f"x: {tensor((2, 3, 2, 2))}, gamma: {tensor((3,))}, beta: {tensor((3,))}",
       "R.nn.instance_norm(x, gamma, beta, channel_axis=1, axes=[2, 3])")


@expects("nn.layer_norm/axis1_eps_no_scale")
@I.ir_module
class LayerNormNoScale:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), gamma: R.Tensor((3,), "float32"), beta: R.Tensor((3,), "float32")):
        with R.dataflow():
            lv = R.ones_like(gamma)  # scale=False
            gv = R.nn.layer_norm(x, lv, beta, axes=[1], epsilon=0.001)
            R.output(gv)
        return gv


@expects("nn.instance_norm/axis_neg1_no_center")
@I.ir_module
class InstanceNormNoCenter:
    @R.function
    def main(x: R.Tensor((2, 4, 3), "float32"), gamma: R.Tensor((3,), "float32"), beta: R.Tensor((3,), "float32")):
        with R.dataflow():
            lv = R.zeros_like(beta)  # center=False
            gv = R.nn.instance_norm(x, gamma, lv, channel_axis=2, axes=[1])
            R.output(gv)
        return gv


@expects("nn.l2_normalize/basic")  # x / sqrt(max(sum(x^2, axis, keepdims), eps)), Relay's inference rewrite
@I.ir_module
class L2Normalize:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.multiply(x, x)
            lv1 = R.sum(lv, axis=[1], keepdims=True)
            lv2 = R.maximum(lv1, R.const(1e-06, "float32"))
            lv3 = R.sqrt(lv2)
            gv = R.divide(x, lv3)
            R.output(gv)
        return gv


@expects("nn.l2_normalize/all_axes")
@I.ir_module
class L2NormalizeAll:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.multiply(x, x)
            lv1 = R.sum(lv, keepdims=True)
            lv2 = R.maximum(lv1, R.const(0.1, "float32"))
            lv3 = R.sqrt(lv2)
            gv = R.divide(x, lv3)
            R.output(gv)
        return gv


@expects("nn.lrn/basic")  # size 3 across channels: x / (bias + alpha * window_sum(x^2) / size) ** beta
@I.ir_module
class Lrn:
    @R.function
    def main(x: R.Tensor((1, 5, 2, 3), "float32")):
        with R.dataflow():
            lv = R.multiply(x, x)
            lv1 = R.nn.pad(lv, [0, 0, 1, 1, 0, 0, 0, 0])
            lv2 = R.strided_slice(lv1, axes=[1], begin=[0], end=[5], strides=[1])
            lv3 = R.strided_slice(lv1, axes=[1], begin=[1], end=[6], strides=[1])
            lv4 = R.add(lv2, lv3)
            lv5 = R.strided_slice(lv1, axes=[1], begin=[2], end=[7], strides=[1])
            lv6 = R.add(lv4, lv5)
            lv7 = R.multiply(lv6, R.const(0.0001, "float32"))  # alpha
            lv8 = R.divide(lv7, R.const(3.0, "float32"))  # size
            lv9 = R.add(lv8, R.const(1.0, "float32"))  # bias
            lv10 = R.power(lv9, R.const(0.75, "float32"))  # beta
            gv = R.divide(x, lv10)
            R.output(gv)
        return gv


@expects("nn.lrn/axis3")  # the default size 5 along axis 3
@I.ir_module
class LrnAxis3:
    @R.function
    def main(x: R.Tensor((1, 2, 3, 6), "float32")):
        with R.dataflow():
            lv = R.multiply(x, x)
            lv1 = R.nn.pad(lv, [0, 0, 0, 0, 0, 0, 2, 2])
            lv2 = R.strided_slice(lv1, axes=[3], begin=[0], end=[6], strides=[1])
            lv3 = R.strided_slice(lv1, axes=[3], begin=[1], end=[7], strides=[1])
            lv4 = R.add(lv2, lv3)
            lv5 = R.strided_slice(lv1, axes=[3], begin=[2], end=[8], strides=[1])
            lv6 = R.add(lv4, lv5)
            lv7 = R.strided_slice(lv1, axes=[3], begin=[3], end=[9], strides=[1])
            lv8 = R.add(lv6, lv7)
            lv9 = R.strided_slice(lv1, axes=[3], begin=[4], end=[10], strides=[1])
            lv10 = R.add(lv8, lv9)
            lv11 = R.multiply(lv10, R.const(0.5, "float32"))
            lv12 = R.divide(lv11, R.const(5.0, "float32"))
            lv13 = R.add(lv12, R.const(2.0, "float32"))
            lv14 = R.power(lv13, R.const(0.5, "float32"))
            gv = R.divide(x, lv14)
            R.output(gv)
        return gv
