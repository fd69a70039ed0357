"""Expected Relax for op_mappings/sparse.py.

Relax has no sparse tensors: a constant CSR/BSR matrix (a weight) is densified and the op becomes its
dense counterpart. The dense matrices below are written out by hand from the bundles' CSR triples.
"""

import numpy as np
from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects

# The CSR triple of the bundles: data [1, -2, 0.5, 3, -1.5], indices [0, 3, 1, 2, 3], indptr [0, 2, 3, 5]
W = np.array([[1.0, 0.0, 0.0, -2.0],
              [0.0, 0.5, 0.0, 0.0],
              [0.0, 0.0, 3.0, -1.5]], "float32")
WT = np.ascontiguousarray(W.T)
W_OIHW = W.reshape(3, 4, 1, 1)
# The BSR (2x2 blocks) triple of bsr_2x2: blocks at (0, 0) and (1, 1), indptr [0, 1, 2]
B0 = [[-0.49317264556884766, 0.05507767200469971], [0.5219731330871582, 0.26952213048934937]]
B1 = [[-0.5916551351547241, -0.9084606170654297], [0.046330880373716354, -0.5971763134002686]]
BSR_T = np.ascontiguousarray(np.array([B0[0] + [0, 0], B0[1] + [0, 0], [0, 0] + B1[0], [0, 0] + B1[1]], "float32").T)
# sparse_transpose of the 4x4 CSR (indptr [0, 2, 3, 3, 5]): the columns of
# [[1, 0, 0, -2], [0, .5, 0, 0], [0, 0, 0, 0], [0, 0, 3, -1.5]] read as rows
T_DATA = np.array([1.0, 0.5, 3.0, -2.0, -1.5], "float32")
T_INDICES = np.array([0, 1, 3, 0, 3], "int32")
T_INDPTR = np.array([0, 1, 2, 3, 5], "int32")


@expects("nn.sparse_dense/basic")
@I.ir_module
class SparseDense:
    @R.function
    def main(x: R.Tensor((2, 4), "float32")):
        with R.dataflow():
            gv = R.matmul(x, R.const(WT))  # x @ W^T
            R.output(gv)
        return gv


@expects("nn.sparse_dense/bsr_2x2")
@I.ir_module
class SparseDenseBSR:
    @R.function
    def main(x: R.Tensor((2, 4), "float32")):
        with R.dataflow():
            gv = R.matmul(x, R.const(BSR_T))
            R.output(gv)
        return gv


@expects("nn.sparse_dense/sparse_lhs")
@I.ir_module
class SparseDenseLhs:
    @R.function
    def main(x: R.Tensor((2, 4), "float32")):
        with R.dataflow():
            lv = R.permute_dims(x)
            gv = R.matmul(R.const(W), lv)  # W @ x^T
            R.output(gv)
        return gv


@expects("nn.sparse_add/basic")
@I.ir_module
class SparseAdd:
    @R.function
    def main(x: R.Tensor((3, 4), "float32")):
        with R.dataflow():
            gv = R.add(x, R.const(W))
            R.output(gv)
        return gv


@expects("nn.sparse_conv2d/basic")
@I.ir_module
class SparseConv2d:
    @R.function
    def main(x: R.Tensor((1, 4, 2, 2), "float32")):
        with R.dataflow():
            gv = R.nn.conv2d(x, R.const(W_OIHW))
            R.output(gv)
        return gv


@expects("nn.sparse_transpose/basic")
@I.ir_module
class SparseTranspose:
    @R.function
    def main():
        return (R.const(T_DATA), R.const(T_INDICES), R.const(T_INDPTR))


@expects("sparse_reshape/basic")
@I.ir_module
class SparseReshape:
    @R.function
    def main(idx: R.Tensor((3, 3), "int64"), prev: R.Tensor((3,), "int64"), new: R.Tensor((2,), "int64")):
        with R.dataflow():
            # the new shape, its -1 inferred from the old element count
            infer = R.equal(new, R.const(-1, "int64"))
            lv = R.where(infer, R.const(1, "int64"), new)
            known = R.prod(lv)
            total = R.prod(prev)
            lv1 = R.floor_divide(total, known)
            shape = R.where(infer, lv1, new)
            # flat index of each row: sum(idx * old strides), strides = exclusive cumprod from the right
            lv2 = R.flip(prev, axis=0)
            lv3 = R.cumprod(lv2, axis=0, exclusive=True)
            old_strides = R.flip(lv3, axis=0)
            lv4 = R.expand_dims(old_strides, [0])
            lv5 = R.multiply(idx, lv4)
            flat = R.sum(lv5, axis=[1], keepdims=True)
            lv6 = R.flip(shape, axis=0)
            lv7 = R.cumprod(lv6, axis=0, exclusive=True)
            lv8 = R.flip(lv7, axis=0)
            new_strides = R.expand_dims(lv8, [0])
            lv9 = R.floor_divide(flat, new_strides)
            lv10 = R.expand_dims(shape, [0])
            coords = R.floor_mod(lv9, lv10)
            R.output(shape, coords)
        return (coords, shape)
