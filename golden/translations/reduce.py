"""Expected Relax for op_mappings/reduce.py.

Relay's `exclude=True` names the axes to keep; Relax takes the axes to reduce. Relay argmax/argmin
give int32, Relax int64. Relax has no all/any, and its min/max reject bool.
"""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

X = f"x: {tensor((2, 3, 4))}"

for op in ("sum", "mean", "max", "min", "prod"):
    one_op(f"{op}/all_axes", X, f"R.{op}(x)")
    one_op(f"{op}/axis_neg1_keepdims", X, f"R.{op}(x, axis=[2], keepdims=True)")
    one_op(f"{op}/exclude", X, f"R.{op}(x, axis=[0, 2])")  # exclude [1]
one_op("sum/axes_0_2", X, "R.sum(x, axis=[0, 2])")
one_op("sum/axis1", X, "R.sum(x, axis=[1])")
one_op("sum/exclude_keepdims", X, "R.sum(x, axis=[1, 2], keepdims=True)")  # exclude [0]
one_op("sum/int32", f"x: {tensor((2, 3, 4), 'int32')}", "R.sum(x, axis=[1])")
one_op("max/int8", f"x: {tensor((2, 3, 4), 'int8')}", "R.max(x, axis=[2])")


@expects("all/all_axes")
@I.ir_module
class AllAxes:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "bool")):
        with R.dataflow():
            lv = R.astype(x, "int8")
            lv1 = R.min(lv)
            gv = R.astype(lv1, "bool")
            R.output(gv)
        return gv


@expects("all/axis_neg1_keepdims")
@I.ir_module
class AllKeepdims:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "bool")):
        with R.dataflow():
            lv = R.astype(x, "int8")
            lv1 = R.min(lv, axis=[2], keepdims=True)
            gv = R.astype(lv1, "bool")
            R.output(gv)
        return gv


@expects("all/exclude")
@I.ir_module
class AllExclude:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "bool")):
        with R.dataflow():
            lv = R.astype(x, "int8")
            lv1 = R.min(lv, axis=[0, 2])
            gv = R.astype(lv1, "bool")
            R.output(gv)
        return gv


@expects("any/all_axes")
@I.ir_module
class AnyAxes:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "bool")):
        with R.dataflow():
            lv = R.astype(x, "int8")
            lv1 = R.max(lv)
            gv = R.astype(lv1, "bool")
            R.output(gv)
        return gv


@expects("any/axis_neg1_keepdims")
@I.ir_module
class AnyKeepdims:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "bool")):
        with R.dataflow():
            lv = R.astype(x, "int8")
            lv1 = R.max(lv, axis=[2], keepdims=True)
            gv = R.astype(lv1, "bool")
            R.output(gv)
        return gv


@expects("any/exclude")
@I.ir_module
class AnyExclude:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "bool")):
        with R.dataflow():
            lv = R.astype(x, "int8")
            lv1 = R.max(lv, axis=[0, 2])
            gv = R.astype(lv1, "bool")
            R.output(gv)
        return gv


# ---- argmax / argmin: one axis directly; several axes moved last and merged (topi ravels them row-major)
@expects("argmax/all_axes")
@I.ir_module
class ArgmaxAll:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([24]))
            lv1 = R.argmax(lv, axis=0)
            gv = R.astype(lv1, "int32")
            R.output(gv)
        return gv


@expects("argmin/all_axes")
@I.ir_module
class ArgminAll:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([24]))
            lv1 = R.argmin(lv, axis=0)
            gv = R.astype(lv1, "int32")
            R.output(gv)
        return gv


@expects("argmax/axes_0_2")
@I.ir_module
class ArgmaxAxes02:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(x, axes=[1, 0, 2])
            lv1 = R.reshape(lv, R.shape([3, 8]))
            lv2 = R.argmax(lv1, axis=1)
            gv = R.astype(lv2, "int32")
            R.output(gv)
        return gv


@expects("argmax/exclude")  # exclude [1]: reduce 0 and 2, as axes_0_2
@I.ir_module
class ArgmaxExclude:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(x, axes=[1, 0, 2])
            lv1 = R.reshape(lv, R.shape([3, 8]))
            lv2 = R.argmax(lv1, axis=1)
            gv = R.astype(lv2, "int32")
            R.output(gv)
        return gv


@expects("argmin/exclude")
@I.ir_module
class ArgminExclude:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(x, axes=[1, 0, 2])
            lv1 = R.reshape(lv, R.shape([3, 8]))
            lv2 = R.argmin(lv1, axis=1)
            gv = R.astype(lv2, "int32")
            R.output(gv)
        return gv


@expects("argmax/exclude_keepdims")  # exclude [0]: reduce 1 and 2, already last
@I.ir_module
class ArgmaxExcludeKeepdims:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([2, 12]))
            lv1 = R.argmax(lv, axis=1)
            lv2 = R.reshape(lv1, R.shape([2, 1, 1]))
            gv = R.astype(lv2, "int32")
            R.output(gv)
        return gv


one_op("argmax/axis1", X, 'R.astype(R.argmax(x, axis=1), "int32")')
one_op("argmax/axis_neg1_keepdims", X, 'R.astype(R.argmax(x, axis=2, keepdims=True), "int32")')
one_op("argmin/axis_neg1_keepdims", X, 'R.astype(R.argmin(x, axis=2, keepdims=True), "int32")')


@expects("argmax/select_last_index")  # the last maximum: argmax of the flipped axis, mapped back by n-1-i
@I.ir_module
class ArgmaxLast:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "int32")):
        with R.dataflow():
            lv = R.flip(x, axis=2)
            lv1 = R.argmax(lv, axis=2)
            lv2 = R.subtract(R.const(3, "int64"), lv1)
            gv = R.astype(lv2, "int32")
            R.output(gv)
        return gv


@expects("argmin/select_last_index")
@I.ir_module
class ArgminLast:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "int32")):
        with R.dataflow():
            lv = R.flip(x, axis=1)
            lv1 = R.argmin(lv, axis=1)
            lv2 = R.subtract(R.const(2, "int64"), lv1)
            gv = R.astype(lv2, "int32")
            R.output(gv)
        return gv


# ---- variance(x, mean): Relay's op takes the mean as an input; sum of squared deviations / (N - unbiased)
@expects("variance/all_axes")
@I.ir_module
class VarianceAll:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.mean(x, keepdims=True)
            lv1 = R.subtract(x, lv)
            lv2 = R.multiply(lv1, lv1)
            lv3 = R.sum(lv2)
            gv = R.divide(lv3, R.const(24.0, "float32"))
            R.output(gv)
        return gv


@expects("variance/axis_neg1_keepdims")
@I.ir_module
class VarianceKeepdims:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.mean(x, axis=[2], keepdims=True)
            lv1 = R.subtract(x, lv)
            lv2 = R.multiply(lv1, lv1)
            lv3 = R.sum(lv2, axis=[2], keepdims=True)
            gv = R.divide(lv3, R.const(4.0, "float32"))
            R.output(gv)
        return gv


@expects("variance/exclude")
@I.ir_module
class VarianceExclude:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.mean(x, axis=[0, 2], keepdims=True)
            lv1 = R.subtract(x, lv)
            lv2 = R.multiply(lv1, lv1)
            lv3 = R.sum(lv2, axis=[0, 2])
            gv = R.divide(lv3, R.const(8.0, "float32"))
            R.output(gv)
        return gv


@expects("variance/unbiased")
@I.ir_module
class VarianceUnbiased:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.mean(x, axis=[1], keepdims=True)
            lv1 = R.subtract(x, lv)
            lv2 = R.multiply(lv1, lv1)
            lv3 = R.sum(lv2, axis=[1])
            gv = R.divide(lv3, R.const(2.0, "float32"))  # N - 1
            R.output(gv)
        return gv


@expects("variance/with_mean")
@I.ir_module
class VarianceWithMean:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), m: R.Tensor((2, 1, 4), "float32")):
        with R.dataflow():
            lv = R.subtract(x, m)
            lv1 = R.multiply(lv, lv)
            lv2 = R.sum(lv1, axis=[1], keepdims=True)
            gv = R.divide(lv2, R.const(3.0, "float32"))
            R.output(gv)
        return gv
