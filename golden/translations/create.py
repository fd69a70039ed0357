"""Expected Relax for op_mappings/create.py. one_hot's on/off values and arange's bounds are prim values."""

from ._golden import one_op, tensor

one_op("zeros/basic", "", 'R.zeros(R.shape([2, 3]), "float32")')
one_op("zeros/int64", "", 'R.zeros(R.shape([4]), "int64")')
one_op("ones/basic", "", 'R.ones(R.shape([2, 3]), "float32")')
one_op("ones/int8", "", 'R.ones(R.shape([3, 1]), "int8")')
one_op("full/basic", f"fill: {tensor(())}", 'R.full(R.shape([2, 3]), fill, "float32")')
one_op("full/const_int32", "", 'R.full(R.shape([2, 2]), R.const(7, "int32"), "int32")')
one_op("full/dtype_cast", f"fill: {tensor(())}", 'R.full(R.shape([3]), fill, "int32")')
one_op("one_hot/basic", f"idx: {tensor((2, 3), 'int32')}",
       "R.one_hot(idx, T.float32(1.0), T.float32(0.0), depth=4, axis=2)")  # axis -1 of the 3-d result
one_op("one_hot/axis0_int32", f"idx: {tensor((3,), 'int64')}", "R.one_hot(idx, T.int32(5), T.int32(-1), depth=4, axis=0)")
one_op("arange/basic", "", 'R.arange(T.float32(1.0), T.float32(4.0), T.float32(0.5), dtype="float32")')
one_op("arange/int32_stop_only", "", 'R.arange(T.int32(0), T.int32(5), T.int32(1), dtype="int32")')
one_op("arange/negative_step", "", 'R.arange(T.float32(3.0), T.float32(-2.0), T.float32(-1.5), dtype="float32")')
