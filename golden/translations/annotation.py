"""Expected Relax for op_mappings/annotation.py: markers and placement dropped, values kept."""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects


@expects("annotation.cast_hint/basic")
@I.ir_module
class CastHint:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            gv = R.astype(x, "float16")
            R.output(gv)
        return gv


def _add_then_exp(bundle):
    @expects(bundle)
    @I.ir_module
    class AddExp:
        @R.function
        def main(x: R.Tensor((2, 3, 4), "float32")):
            with R.dataflow():
                lv = R.add(x, R.const(1.0, "float32"))
                gv = R.exp(lv)  # the marker between the two ops is gone
                R.output(gv)
            return gv


for _bundle in ("annotation.checkpoint/basic", "annotation.stop_fusion/basic", "on_device/basic"):
    _add_then_exp(_bundle)


@expects("device_copy/basic")
@I.ir_module
class DeviceCopy:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            gv = R.exp(x)
            R.output(gv)
        return gv
