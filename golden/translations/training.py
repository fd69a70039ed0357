"""Expected Relax for op_mappings/training.py (gradient and training ops).

Relay's cross entropies divide the total by the batch size (not a mean over classes). Relay's pool
gradients ignore dilation. conv2d_backward_weight is Relay's own legalization: the input's channels
become groups, the tiled output gradient the kernel, with strides and dilation swapped, summed over
the batch.
"""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

one_op("collapse_sum_like/basic", f"x: {tensor((2, 3, 4))}, y: {tensor((3, 1))}", "R.collapse_sum_like(x, y)")
one_op("collapse_sum_to/basic", f"x: {tensor((2, 3, 4))}", "R.collapse_sum_to(x, R.shape([1, 4]))")


@expects("nn.cross_entropy/basic")
@I.ir_module
class CrossEntropy:
    @R.function
    def main(pred: R.Tensor((3, 4), "float32"), target: R.Tensor((3, 4), "float32")):
        with R.dataflow():
            lv = R.log(pred)
            lv1 = R.multiply(lv, target)
            lv2 = R.sum(lv1)
            lv3 = R.negative(lv2)
            gv = R.divide(lv3, R.const(3.0, "float32"))  # the batch size
            R.output(gv)
        return gv


@expects("nn.cross_entropy_with_logits/basic")
@I.ir_module
class CrossEntropyWithLogits:
    @R.function
    def main(pred: R.Tensor((3, 4), "float32"), target: R.Tensor((3, 4), "float32")):
        with R.dataflow():
            lv = R.multiply(pred, target)
            lv1 = R.sum(lv)
            lv2 = R.negative(lv1)
            gv = R.divide(lv2, R.const(3.0, "float32"))
            R.output(gv)
        return gv


P34 = f"pred: {tensor((3, 4))}, target: {tensor((3,), 'int32')}, weights: {tensor((4,))}"
one_op("nn.nll_loss/mean", P34, 'R.nn.nll_loss(pred, target, weights, reduction="mean", ignore_index=1)')
one_op("nn.nll_loss/none", P34, 'R.nn.nll_loss(pred, target, weights, reduction="none", ignore_index=1)')
one_op("nn.nll_loss/sum", P34, 'R.nn.nll_loss(pred, target, weights, reduction="sum", ignore_index=1)')
one_op("nn.nll_loss/spatial_mean",
       f"pred: {tensor((2, 3, 2, 2))}, target: {tensor((2, 2, 2), 'int64')}, weights: {tensor((3,))}",
       'R.nn.nll_loss(pred, target, weights, reduction="mean", ignore_index=-100)')

G2 = f"grad: {tensor((1, 2, 2, 2))}, x: {tensor((1, 2, 4, 4))}"
G3 = f"grad: {tensor((1, 1, 3, 3))}, x: {tensor((1, 1, 5, 5))}"
one_op("nn.avg_pool2d_grad/basic", G2,
       "R.grad.avg_pool2d_backward(grad, x, pool_size=[2, 2], strides=[2, 2], padding=[0, 0, 0, 0])")
one_op("nn.avg_pool2d_grad/overlap_pad_count_include_pad", G3,
       "R.grad.avg_pool2d_backward(grad, x, pool_size=[3, 3], strides=[2, 2], padding=[1, 1, 1, 1], "
       "count_include_pad=True)")
one_op("nn.max_pool2d_grad/basic", G2,
       "R.grad.max_pool2d_backward(grad, x, pool_size=[2, 2], strides=[2, 2], padding=[0, 0, 0, 0])")
one_op("nn.max_pool2d_grad/overlap_pad", G3,
       "R.grad.max_pool2d_backward(grad, x, pool_size=[3, 3], strides=[2, 2], padding=[1, 1, 1, 1])")


@expects("nn.conv2d_backward_weight/basic")
@I.ir_module
class Conv2dBackwardWeight:
    @R.function
    def main(grad: R.Tensor((1, 2, 3, 3), "float32"), x: R.Tensor((1, 2, 5, 5), "float32")):
        with R.dataflow():
            lv = R.tile(grad, [1, 2, 1, 1])  # one copy per input channel of the group
            lv1 = R.reshape(lv, R.shape([4, 1, 3, 3]))  # batch * out * in/groups kernels of one channel
            lv2 = R.reshape(x, R.shape([1, 2, 5, 5]))  # batch * in channels, as groups
            lv3 = R.nn.conv2d(lv2, lv1, strides=[1, 1], padding=[0, 0, 0, 0], dilation=[1, 1], groups=2)
            lv4 = R.reshape(lv3, R.shape([1, 2, 2, 3, 3]))
            lv5 = R.sum(lv4, axis=[0])
            gv = R.permute_dims(lv5, [1, 0, 2, 3])
            R.output(gv)
        return gv


@expects("nn.conv2d_backward_weight/stride_padding")
@I.ir_module
class Conv2dBackwardWeightStride:
    @R.function
    def main(grad: R.Tensor((1, 3, 3, 3), "float32"), x: R.Tensor((1, 2, 5, 5), "float32")):
        with R.dataflow():
            lv = R.tile(grad, [1, 2, 1, 1])
            lv1 = R.reshape(lv, R.shape([6, 1, 3, 3]))
            lv2 = R.reshape(x, R.shape([1, 2, 5, 5]))
            # the forward stride 2 becomes the dilation of this conv
            lv3 = R.nn.conv2d(lv2, lv1, strides=[1, 1], padding=[1, 1, 1, 1], dilation=[2, 2], groups=2)
            lv4 = R.reshape(lv3, R.shape([1, 2, 3, 3, 3]))
            lv5 = R.sum(lv4, axis=[0])
            gv = R.permute_dims(lv5, [1, 0, 2, 3])
            R.output(gv)
        return gv
