"""Expected Relax for op_mappings/scatter_gather.py.

Relay's gather_nd/scatter_nd indices are (M, Y...), Relax's (Y..., M): a permute_dims comes first, and
Relax's gather_nd takes int64 indices only.
sparse_to_dense is a scatter_nd into R.full(output_shape, default_value).
"""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

X = f"x: {tensor((2, 3, 4))}"

one_op("gather/basic", f"{X}, idx: {tensor((2, 2, 4), 'int32')}", "R.gather_elements(x, idx, axis=1)")
one_op("gather/negative_axis_int64", f"{X}, idx: {tensor((2, 3, 2), 'int64')}", "R.gather_elements(x, idx, axis=2)")


@expects("gather_nd/basic")
@I.ir_module
class GatherNd:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), idx: R.Tensor((2, 3), "int32")):
        with R.dataflow():
            lv = R.astype(idx, "int64")
            lv1 = R.permute_dims(lv, axes=[1, 0])
            gv = R.gather_nd(x, lv1)
            R.output(gv)
        return gv


@expects("gather_nd/batch_dims1")
@I.ir_module
class GatherNdBatch:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), idx: R.Tensor((1, 2), "int32")):
        with R.dataflow():
            lv = R.astype(idx, "int64")
            lv1 = R.permute_dims(lv, axes=[1, 0])
            gv = R.gather_nd(x, lv1, batch_dims=1)
            R.output(gv)
        return gv


@expects("adv_index/basic")
@I.ir_module
class AdvIndex:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), i0: R.Tensor((2, 1), "int32"), i1: R.Tensor((3,), "int32")):
        with R.dataflow():
            gv = R.index_tensor(x, (i0, i1))
            R.output(gv)
        return gv


one_op("scatter_elements/basic",
       f"x: {tensor((3, 4))}, idx: {tensor((2, 4), 'int32')}, upd: {tensor((2, 4))}",
       'R.scatter_elements(x, idx, upd, axis=0, reduction="update")')
for mode in ("add", "max", "mean", "min", "mul"):
    one_op(f"scatter_elements/reduction_{mode}",
           f"x: {tensor((3, 4))}, idx: {tensor((3, 2), 'int64')}, upd: {tensor((3, 2))}",
           f'R.scatter_elements(x, idx, upd, axis=1, reduction="{mode}")')


@expects("scatter_nd/basic")
@I.ir_module
class ScatterNd:
    @R.function
    def main(x: R.Tensor((3, 4), "float32"), idx: R.Tensor((2, 2), "int32"), upd: R.Tensor((2,), "float32")):
        with R.dataflow():
            lv = R.permute_dims(idx, axes=[1, 0])
            gv = R.scatter_nd(x, lv, upd, reduction="update")
            R.output(gv)
        return gv


@expects("scatter_nd/add_rows")
@I.ir_module
class ScatterNdAdd:
    @R.function
    def main(x: R.Tensor((3, 4), "float32"), idx: R.Tensor((1, 3), "int64"), upd: R.Tensor((3, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(idx, axes=[1, 0])
            gv = R.scatter_nd(x, lv, upd, reduction="add")
            R.output(gv)
        return gv


@expects("sparse_to_dense/basic")
@I.ir_module
class SparseToDense:
    @R.function
    def main(idx: R.Tensor((3, 2), "int32"), vals: R.Tensor((3,), "float32")):
        with R.dataflow():
            lv = R.full(R.shape([3, 4]), R.const(0.5, "float32"), "float32")
            gv = R.scatter_nd(lv, idx, vals, reduction="update")
            R.output(gv)
        return gv


@expects("sparse_to_dense/vector")
@I.ir_module
class SparseToDenseVector:
    @R.function
    def main(idx: R.Tensor((3,), "int64"), vals: R.Tensor((3,), "int32")):
        with R.dataflow():
            lv = R.expand_dims(idx, axis=[1])
            lv1 = R.full(R.shape([6]), R.const(0, "int32"), "int32")
            gv = R.scatter_nd(lv1, lv, vals, reduction="update")
            R.output(gv)
        return gv
