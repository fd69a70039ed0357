"""Expected Relax for op_mappings/nn.py: activations, softmax, dense/matmul/batch_matmul, bias_add,
batch_norm, dropout."""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

X = f"x: {tensor((2, 3, 4))}"

one_op("nn.relu/basic", X, "R.nn.relu(x)")
one_op("nn.relu/int8", f"x: {tensor((2, 3, 4), 'int8')}", "R.nn.relu(x)")
one_op("nn.leaky_relu/basic", X, "R.nn.leakyrelu(x, alpha=0.2)", note="alpha printed as 0.2f: a float32 value")
one_op("nn.prelu/basic", f"x: {tensor((1, 3, 2, 2))}, alpha: {tensor((3,))}", "R.nn.prelu(x, alpha, axis=1)")
one_op("nn.prelu/axis_last", f"{X}, alpha: {tensor((4,))}", "R.nn.prelu(x, alpha, axis=2)")
one_op("nn.softmax/basic", X, "R.nn.softmax(x, axis=2)")
one_op("nn.softmax/axis1", X, "R.nn.softmax(x, axis=1)")
one_op("nn.log_softmax/basic", X, "R.nn.log_softmax(x, axis=2)")
one_op("nn.log_softmax/axis1", X, "R.nn.log_softmax(x, axis=1)")
# fast_softmax: Relay's uses TOPI's fast_exp approximation
one_op("nn.fast_softmax/basic", X, "R.nn.softmax(x, axis=2)", rtol=1e-5, atol=1e-6)
one_op("nn.fast_softmax/axis1", X, "R.nn.softmax(x, axis=1)", rtol=1e-5, atol=1e-6)


# ---- dense: the weight is (units, in)
@expects("nn.dense/basic")  # the weight is a bound param: it follows the inputs (num_input = 1)
@I.ir_module
class Dense:
    @R.function
    def main(x: R.Tensor((2, 8), "float32"), weight: R.Tensor((4, 8), "float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            lv = R.permute_dims(weight, axes=[1, 0])
            gv = R.matmul(x, lv)
            R.output(gv)
        return gv


@expects("nn.dense/no_units_inputs_only")
@I.ir_module
class DenseNoUnits:
    @R.function
    def main(x: R.Tensor((3, 5), "float32"), w: R.Tensor((2, 5), "float32")):
        with R.dataflow():
            lv = R.permute_dims(w, axes=[1, 0])
            gv = R.matmul(x, lv)
            R.output(gv)
        return gv


@expects("nn.dense/int8_out_int32")
@I.ir_module
class DenseInt8:
    @R.function
    def main(x: R.Tensor((2, 6), "int8"), w: R.Tensor((3, 6), "int8")):
        with R.dataflow():
            lv = R.permute_dims(w, axes=[1, 0])
            gv = R.matmul(x, lv, out_dtype="int32")
            R.output(gv)
        return gv


# ---- matmul: (M, K) x (K, N), each side transposed when its attr says so
one_op("nn.matmul/basic", f"a: {tensor((2, 3))}, b: {tensor((3, 4))}", "R.matmul(a, b)")


@expects("nn.matmul/transpose_a")
@I.ir_module
class MatmulTA:
    @R.function
    def main(a: R.Tensor((3, 2), "float32"), b: R.Tensor((3, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(a, axes=[1, 0])
            gv = R.matmul(lv, b)
            R.output(gv)
        return gv


@expects("nn.matmul/transpose_b_units")
@I.ir_module
class MatmulTB:
    @R.function
    def main(a: R.Tensor((2, 3), "float32"), b: R.Tensor((4, 3), "float32")):
        with R.dataflow():
            lv = R.permute_dims(b, axes=[1, 0])
            gv = R.matmul(a, lv)
            R.output(gv)
        return gv


@expects("nn.matmul/transpose_both")
@I.ir_module
class MatmulTT:
    @R.function
    def main(a: R.Tensor((3, 2), "float32"), b: R.Tensor((4, 3), "float32")):
        with R.dataflow():
            lv = R.permute_dims(a, axes=[1, 0])
            lv1 = R.permute_dims(b, axes=[1, 0])
            gv = R.matmul(lv, lv1)
            R.output(gv)
        return gv


# ---- batch_matmul: (B, M, K) x (B, K, N); transpose_b=True (what relay.nn.batch_matmul passes) takes (B, N, K)
one_op("nn.batch_matmul/ta0_tb0", f"a: {tensor((2, 3, 4))}, b: {tensor((2, 4, 5))}", "R.matmul(a, b)")


@expects("nn.batch_matmul/ta0_tb1")
@I.ir_module
class BatchMatmulTB:
    @R.function
    def main(a: R.Tensor((2, 3, 4), "float32"), b: R.Tensor((2, 5, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(b, axes=[0, 2, 1])
            gv = R.matmul(a, lv)
            R.output(gv)
        return gv


@expects("nn.batch_matmul/ta1_tb0")
@I.ir_module
class BatchMatmulTA:
    @R.function
    def main(a: R.Tensor((2, 4, 3), "float32"), b: R.Tensor((2, 4, 5), "float32")):
        with R.dataflow():
            lv = R.permute_dims(a, axes=[0, 2, 1])
            gv = R.matmul(lv, b)
            R.output(gv)
        return gv


@expects("nn.batch_matmul/ta1_tb1")
@I.ir_module
class BatchMatmulTT:
    @R.function
    def main(a: R.Tensor((2, 4, 3), "float32"), b: R.Tensor((2, 5, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(a, axes=[0, 2, 1])
            lv1 = R.permute_dims(b, axes=[0, 2, 1])
            gv = R.matmul(lv, lv1)
            R.output(gv)
        return gv


@expects("nn.batch_matmul/broadcast_batch")  # batch 1 broadcasts against 2
@I.ir_module
class BatchMatmulBroadcast:
    @R.function
    def main(a: R.Tensor((1, 3, 4), "float32"), b: R.Tensor((2, 5, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(b, axes=[0, 2, 1])
            gv = R.matmul(a, lv)
            R.output(gv)
        return gv


@expects("nn.batch_matmul/int8_out_int32")
@I.ir_module
class BatchMatmulInt8:
    @R.function
    def main(a: R.Tensor((2, 3, 4), "int8"), b: R.Tensor((2, 5, 4), "int8")):
        with R.dataflow():
            lv = R.permute_dims(b, axes=[0, 2, 1])
            gv = R.matmul(a, lv, out_dtype="int32")
            R.output(gv)
        return gv


# ---- bias_add: the 1-d bias broadcast along `axis`
@expects("nn.bias_add/basic")
@I.ir_module
class BiasAdd:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), b: R.Tensor((3,), "float32")):
        with R.dataflow():
            lv = R.expand_dims(b, axis=[1])
            gv = R.add(x, lv)
            R.output(gv)
        return gv


one_op("nn.bias_add/axis_neg1", f"{X}, b: {tensor((4,))}", "R.add(x, b)")


# ---- batch_norm and dropout keep their tuple results; inference mode
@expects("nn.batch_norm/basic")  # gamma, beta, mean, var are bound params: they follow x
@I.ir_module
class BatchNorm:
    @R.function
    def main(x: R.Tensor((2, 3, 2, 2), "float32"), gamma: R.Tensor((3,), "float32"), beta: R.Tensor((3,), "float32"),
             mean: R.Tensor((3,), "float32"), var: R.Tensor((3,), "float32")):
        R.func_attr({"num_input": 1})
        with R.dataflow():
            gv = R.nn.batch_norm(x, gamma, beta, mean, var, axis=1, epsilon=1e-5, training=False)
            R.output(gv)
        return gv


@expects("nn.batch_norm/axis_neg1_no_center_scale_first_output")
@I.ir_module
class BatchNormFirst:
    @R.function
    def main(x: R.Tensor((2, 2, 4), "float32"), gamma: R.Tensor((4,), "float32"), beta: R.Tensor((4,), "float32"),
             mean: R.Tensor((4,), "float32"), var: R.Tensor((4,), "float32")):
        with R.dataflow():
            lv = R.nn.batch_norm(x, gamma, beta, mean, var, axis=2, epsilon=0.001, center=False, scale=False,
                                 training=False)
            gv = lv[0]
            R.output(gv)
        return gv


@expects("nn.dropout/basic")
@I.ir_module
class Dropout:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.nn.dropout(x, rate=0.3)
            gv = lv[0]
            R.output(gv)
        return gv
