"""Expected Relax for op_mappings/array.py.

einsum/meshgrid/reverse_sequence/trilu are Relax ops under the same or a close name; sequence_mask,
slice_like, unravel_index, argwhere and invert_permutation are short compositions; reinterpret,
strided_set, matrix_set_diag and the fixed-point multiplies are Relay's own TOPI computes (call_tir).
Goldens holding tensor constants are built with a BlockBuilder (TVMScript cannot carry them).
"""

from tvm import topi
from tvm.relax import op as RO
from tvm.script import ir as I
from tvm.script import relax as R
from tvm.script import tirx as T

from ._built import built, const
from ._golden import expects, one_op, tensor


# ---- einsum, meshgrid
one_op("einsum/matmul", f"a: {tensor((2, 3))}, b: {tensor((3, 4))}", 'R.einsum((a, b), subscripts="ij,jk->ik")')
one_op("einsum/batched_transpose", f"a: {tensor((2, 3, 4))}, b: {tensor((2, 5, 4))}",
       'R.einsum((a, b), subscripts="bik,bjk->bji")')
one_op("einsum/outer_ellipsis", f"a: {tensor((2, 3))}, b: {tensor((3,))}",
       'R.einsum((a, b), subscripts="...j,j->...j")')
one_op("einsum/trace_sum", f"a: {tensor((4, 4))}", 'R.einsum((a,), subscripts="ii->")')
one_op("meshgrid/ij", f"a: {tensor((3,))}, b: {tensor((4,))}", 'R.meshgrid((a, b), indexing="ij")')
one_op("meshgrid/xy", f"a: {tensor((3,))}, b: {tensor((4,))}, c: {tensor((2,))}",
       'R.meshgrid((a, b, c), indexing="xy")')

# ---- reverse_sequence, trilu
one_op("reverse_sequence/basic", f"x: {tensor((3, 4, 2))}, len: {tensor((3,), 'int32')}",
       "R.reverse_sequence(x, len, seq_axis=1, batch_axis=0)")
one_op("reverse_sequence/seq_axis0", f"x: {tensor((4, 3))}, len: {tensor((3,), 'int64')}",
       "R.reverse_sequence(x, len, seq_axis=0, batch_axis=1)")
one_op("trilu/upper", f"x: {tensor((3, 4))}", "R.triu(x, 0)")
one_op("trilu/upper_k_neg1", f"x: {tensor((4, 4))}", "R.triu(x, -1)")
one_op("trilu/lower_k1_batched", f"x: {tensor((2, 3, 4))}", "R.tril(x, 1)")

# ---- slice_like: the ends are shape_like's dims on the sliced axes
one_op("slice_like/basic", f"x: {tensor((2, 3, 4))}, y: {tensor((1, 2, 3))}",
       "R.strided_slice(x, axes=[0, 1, 2], begin=[0, 0, 0], end=[1, 2, 3])")
one_op("slice_like/axes", f"x: {tensor((2, 3, 4))}, y: {tensor((5, 2, 3))}",
       "R.strided_slice(x, axes=[1, 2], begin=[0, 0], end=[2, 3])")


# ---- sequence_mask: position t of batch b is kept when t < len[b]
@expects("sequence_mask/basic")
@I.ir_module
class SequenceMask:
    @R.function
    def main(x: R.Tensor((4, 2, 3), "float32"), len: R.Tensor((2,), "int32")):
        with R.dataflow():
            lv = R.arange(0, 4, 1, "int32")
            lv1 = R.reshape(lv, [4, 1, 1])
            lv2 = R.reshape(len, [1, 2, 1])
            lv3 = R.less(lv1, lv2)
            gv = R.where(lv3, x, R.const(-1.0, "float32"))
            R.output(gv)
        return gv


@expects("sequence_mask/axis1")
@I.ir_module
class SequenceMaskAxis1:
    @R.function
    def main(x: R.Tensor((2, 4, 3), "float32"), len: R.Tensor((2,), "int64")):
        with R.dataflow():
            lv = R.arange(0, 4, 1, "int64")
            lv1 = R.reshape(lv, [1, 4, 1])
            lv2 = R.reshape(len, [2, 1, 1])
            lv3 = R.less(lv1, lv2)
            gv = R.where(lv3, x, R.const(0.0, "float32"))
            R.output(gv)
        return gv


# ---- argwhere: Relax's nonzero is (ndim, n) int64 with n unknown: match_cast names it
@expects("argwhere/basic")
@I.ir_module
class Argwhere:
    @R.function
    def main(x: R.Tensor((3, 4), "bool")):
        n = T.int64()
        with R.dataflow():
            lv = R.nonzero(x)
            lv1 = R.match_cast(lv, R.Tensor((2, n), "int64"))
            lv2 = R.permute_dims(lv1, [1, 0])
            gv = R.astype(lv2, "int32")
            R.output(gv)
        return gv


@expects("argwhere/int32_3d")
@I.ir_module
class Argwhere3d:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "int32")):
        n = T.int64()
        with R.dataflow():
            lv = R.nonzero(x)
            lv1 = R.match_cast(lv, R.Tensor((3, n), "int64"))
            lv2 = R.permute_dims(lv1, [1, 0])
            gv = R.astype(lv2, "int32")
            R.output(gv)
        return gv


# ---- invert_permutation: the argsort of a permutation is its inverse
one_op("invert_permutation/basic", f"x: {tensor((5,), 'int32')}",
       'R.argsort(x, axis=-1, descending=False, dtype="int32")')


# ---- unravel_index: coordinate i = idx // stride_i % dim_i (row-major strides of the constant shape)
expects("unravel_index/basic")(built(
    [("idx", (4,), "int32")],
    lambda bb, idx: RO.floor_mod(
        bb.emit(RO.floor_divide(bb.emit(RO.expand_dims(idx, [0])), const([[8], [2], [1]], "int32"))),
        const([[3], [4], [2]], "int32"))))
expects("unravel_index/scalar")(built(
    [("idx", (), "int64")],
    lambda bb, idx: RO.floor_mod(
        bb.emit(RO.floor_divide(bb.emit(RO.expand_dims(idx, [0])), const([5, 1], "int64"))),
        const([4, 5], "int64"))))


# ---- TOPI computes
def te(name, compute, *attrs):
    """main(x) = call_tir of the TOPI `compute`(x, *attrs)."""
    return lambda bb, x: bb.call_te(compute, x, *attrs, primfunc_name_hint=name)




expects("reinterpret/basic")(built([("x", (2, 3, 4), "float32")], te("reinterpret", topi.reinterpret, "int32")))
expects("reinterpret/int32_to_float32")(built(
    [("x", (2, 3, 4), "int32")], te("reinterpret", topi.reinterpret, "float32")))
expects("fixed_point_multiply/left_shift")(built(
    [("x", (2, 3, 4), "int32")], te("fixed_point_multiply", topi.fixed_point_multiply, 1073741824, 2)))
expects("fixed_point_multiply_per_axis/basic")(built(
    [("x", (2, 3), "int32")],
    lambda bb, x: bb.call_te(topi.fixed_point_multiply_per_axis, x,
                             const([1395864371, 1073741824, 2000000000], "int32"), const([0, 2, 1], "int32"),
                             const([3, 0, 1], "int32"), 1, 1, [1], primfunc_name_hint="fixed_point_multiply_per_axis")))
expects("fixed_point_multiply/basic")(built(
    [("x", (2, 3, 4), "int32")], te("fixed_point_multiply", topi.fixed_point_multiply, 1395864371, -3)))


# ---- matrix_set_diag: where(on the band, the diagonal's value at a constant flat index, x).
# basic: k = 0 on a 3x4 matrix; the diagonal (2, 3) holds (0,0), (1,1), (2,2).
expects("matrix_set_diag/basic")(built(
    [("x", (2, 3, 4), "float32"), ("d", (2, 3), "float32")],
    lambda bb, x, d: RO.where(
        const([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], "bool"),
        bb.emit(RO.take(d, const([[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 2, 0]], "int64"), axis=1, mode="fast")), x)))
# band_left_right: k in [-1, 0], diagonals (2, 2, 3) = band 0: d = 0 (len 3), band 1: d = -1 (len 2, right aligned
# as sub_diag_right_align, so it starts at offset 1). Flat index = band * 3 + position.
expects("matrix_set_diag/band_left_right")(built(
    [("x", (2, 3, 4), "float32"), ("d", (2, 2, 3), "float32")],
    lambda bb, x, d: RO.where(
        const([[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0]], "bool"),
        bb.emit(RO.take(bb.emit(RO.reshape(d, [2, -1])),
                        const([[0, 0, 0, 0], [4, 1, 0, 0], [0, 5, 2, 0]], "int64"), axis=1, mode="fast")), x)))


# ---- strided_set: x[0:2, 1:2, 0:4:2] = val (2, 1, 2); where(covered, val.flat[index], x)
_COVERED = [[[0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]] * 2
_INDEX = [[[0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]], [[0, 0, 0, 0], [2, 0, 3, 0], [0, 0, 0, 0]]]
expects("strided_set/basic")(built(
    [("x", (2, 3, 4), "float32"), ("val", (2, 1, 2), "float32")],
    lambda bb, x, val: RO.where(
        const(_COVERED, "bool"),
        bb.emit(RO.take(bb.emit(RO.reshape(val, [-1])), const(_INDEX, "int64"), axis=0, mode="fast")), x)))
