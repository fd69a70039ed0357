"""Expected Relax for op_mappings/sort.py.

Relay's is_ascend is Relax's `not descending` / `not largest`; topk's k < 1 ("all") becomes the axis
extent; searchsorted has no Relax op and is Relay's own TOPI compute.
"""

from tvm import topi
from tvm.script import ir as I
from tvm.script import relax as R

from ._built import te
from ._golden import expects, one_op, tensor

X = f"x: {tensor((2, 3, 4))}"

one_op("argsort/basic", X, 'R.argsort(x, axis=2, descending=False, dtype="int32")')
one_op("argsort/axis0_descending_int64", X, 'R.argsort(x, axis=0, descending=True, dtype="int64")')
one_op("sort/basic", X, "R.sort(x, axis=2, descending=False)")
one_op("sort/axis1_descending", X, "R.sort(x, axis=1, descending=True)")
one_op("topk/both", X, 'R.topk(x, k=2, axis=2, ret_type="both", largest=True, dtype="int32")')
one_op("topk/indices_int64", X, 'R.topk(x, k=3, axis=2, ret_type="indices", largest=True, dtype="int64")')
one_op("topk/k0_all", f"x: {tensor((2, 5))}", 'R.topk(x, k=5, axis=1, ret_type="both", largest=True, dtype="int32")')
one_op("topk/values_axis1_ascending", X, 'R.topk(x, k=2, axis=1, ret_type="values", largest=False, dtype="int32")')

one_op("cumsum/basic", X, "R.cumsum(x, axis=1)")
one_op("cumsum/dtype_int64", f"x: {tensor((2, 3, 4), 'int32')}", 'R.cumsum(x, axis=2, dtype="int64")')
one_op("cumsum/flattened_exclusive", f"x: {tensor((2, 3, 4), 'int32')}", "R.cumsum(x, exclusive=True)")
one_op("cumprod/basic", X, "R.cumprod(x, axis=2)")
one_op("cumprod/exclusive_axis0", X, "R.cumprod(x, axis=0, exclusive=True)")


# searchsorted(seq, vals, right, dtype): call_tir of topi.searchsorted
expects("searchsorted/basic")(te([("seq", (2, 5)), ("vals", (2, 3))], topi.searchsorted, False, "int32",
                                 name="searchsorted"))
expects("searchsorted/right_int64_1d")(te([("seq", (6,), "int32"), ("vals", (4,), "int32")], topi.searchsorted,
                                          True, "int64", name="searchsorted"))


# ---- unique: Relay pads every output to n = 8 and returns num_unique. Sort; flag where a run of equal
# values starts; group id = cumsum(flags) - 1; scatter values, first positions (min), inverse, counts (add).
# These bundles return (inverse_indices, num_unique), the outputs Relay defines in full.
@expects("unique/inverse_sorted")
@I.ir_module
class UniqueSorted:
    @R.function
    def main(x: R.Tensor((8,), "int32")):
        with R.dataflow():
            perm = R.argsort(x, axis=0, descending=False, dtype="int32")
            ordered = R.take(x, perm, axis=0)
            tail = R.strided_slice(ordered, axes=[0], begin=[1], end=[8])
            head = R.strided_slice(ordered, axes=[0], begin=[0], end=[7])
            changed = R.not_equal(tail, head)
            one = R.ones(R.shape([1]), "int32")
            changed_i = R.astype(changed, "int32")
            flags = R.concat((one, changed_i), axis=0)
            run_end = R.cumsum(flags, axis=0)
            group = R.subtract(run_end, R.const(1, "int32"))
            num_unique = R.sum(flags, axis=[0], keepdims=True)
            zeros = R.zeros(R.shape([8]), "int32")
            values = R.scatter_elements(zeros, group, ordered, axis=0, reduction="update")
            n_filled = R.full(R.shape([8]), R.const(8, "int32"), "int32")
            first = R.scatter_elements(n_filled, group, perm, axis=0, reduction="min")
            inverse = R.scatter_elements(zeros, perm, group, axis=0, reduction="update")
            ones = R.ones(R.shape([8]), "int32")
            counts = R.scatter_elements(zeros, group, ones, axis=0, reduction="add")
            R.output(num_unique, inverse)
        return (inverse, num_unique)


@expects("unique/inverse_unsorted")
@I.ir_module
class UniqueUnsorted:
    @R.function
    def main(x: R.Tensor((8,), "int32")):
        with R.dataflow():
            perm = R.argsort(x, axis=0, descending=False, dtype="int32")
            ordered = R.take(x, perm, axis=0)
            tail = R.strided_slice(ordered, axes=[0], begin=[1], end=[8])
            head = R.strided_slice(ordered, axes=[0], begin=[0], end=[7])
            changed = R.not_equal(tail, head)
            one = R.ones(R.shape([1]), "int32")
            changed_i = R.astype(changed, "int32")
            flags = R.concat((one, changed_i), axis=0)
            run_end = R.cumsum(flags, axis=0)
            group = R.subtract(run_end, R.const(1, "int32"))
            num_unique = R.sum(flags, axis=[0], keepdims=True)
            zeros = R.zeros(R.shape([8]), "int32")
            values = R.scatter_elements(zeros, group, ordered, axis=0, reduction="update")
            n_filled = R.full(R.shape([8]), R.const(8, "int32"), "int32")
            first = R.scatter_elements(n_filled, group, perm, axis=0, reduction="min")
            inverse = R.scatter_elements(zeros, perm, group, axis=0, reduction="update")
            ones = R.ones(R.shape([8]), "int32")
            counts = R.scatter_elements(zeros, group, ones, axis=0, reduction="add")
            # not sorted: groups ordered by first occurrence; the inverse maps through the order's rank
            order = R.argsort(first, axis=0, descending=False, dtype="int32")
            rank = R.argsort(order, axis=0, descending=False, dtype="int32")
            values1 = R.take(values, order, axis=0)
            first1 = R.take(first, order, axis=0)
            inverse1 = R.take(rank, inverse, axis=0)
            counts1 = R.take(counts, order, axis=0)
            R.output(num_unique, inverse1)
        return (inverse1, num_unique)
