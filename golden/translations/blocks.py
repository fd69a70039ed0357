"""Expected Relax for op_mappings/blocks.py.

Relax has none of these ops: fifo_buffer is a concat and a slice, batch_to_space_nd TensorFlow's
reshape / transpose / reshape / crop (TOPI 0.27's batch_to_space_nd crashes when built); the others
are Relay's own TOPI computes as call_tir, built here with the same TOPI function.
"""

from tvm import relax, topi
from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects


def _topi(params: dict, compute, *attrs, name: str):
    """main(params) = call_tir of `compute(*params, *attrs)`."""
    bb = relax.BlockBuilder()
    args = [relax.Var(n, relax.TensorType(shape, dtype)) for n, (shape, dtype) in params.items()]
    with bb.function("main", args):
        with bb.dataflow():
            gv = bb.emit_output(bb.call_te(compute, *args, *attrs, primfunc_name_hint=name))
        bb.emit_func_output(gv)
    return bb.get()


# block_shape [2, 2], paddings [[1, 0], [0, 0]], pad_value -1
expects("nn.space_to_batch_nd/basic")(_topi({"x": ((1, 3, 4, 2), "float32")}, topi.nn.space_to_batch_nd,
                                            [2, 2], [1, 0], [0, 0], -1.0, name="space_to_batch_nd"))
expects("sliding_window/basic")(_topi({"x": ((2, 6, 4), "float32")}, topi.sliding_window, 1, [3, 2], [2, 1],
                                      name="sliding_window"))
expects("nn.dilate/basic")(_topi({"x": ((2, 3, 3), "float32")}, topi.nn.dilate, [1, 2, 3], 0.0, name="dilate"))
expects("nn.dilate/dilation_value")(_topi({"x": ((3, 3), "float32")}, topi.nn.dilate, [2, 2], -1.0, name="dilate"))


@expects("nn.batch_to_space_nd/basic")  # block_shape [2, 2], crops [[0, 0], [1, 0]]
@I.ir_module
class BatchToSpaceND:
    @R.function
    def main(x: R.Tensor((4, 2, 2, 1), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([2, 2, 1, 2, 2, 1]))  # (b0, b1, batch, h, w, c)
            lv1 = R.permute_dims(lv, [2, 3, 0, 4, 1, 5])  # (batch, h, b0, w, b1, c)
            lv2 = R.reshape(lv1, R.shape([1, 4, 4, 1]))
            gv = R.strided_slice(lv2, axes=[1, 2], begin=[0, 1], end=[4, 4])  # crop 1 from the start of w
            R.output(gv)
        return gv


@expects("nn.fifo_buffer/basic")
@I.ir_module
class FifoBuffer:
    @R.function
    def main(data: R.Tensor((1, 2, 2), "float32"), buffer: R.Tensor((1, 5, 2), "float32")):
        with R.dataflow():
            lv = R.concat([buffer, data], axis=1)
            gv = R.strided_slice(lv, axes=[1], begin=[2], end=[7])  # the last 5 along axis 1
            R.output(gv)
        return gv
