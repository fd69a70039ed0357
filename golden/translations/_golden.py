"""Support for the expected-Relax goldens in this folder (one file per op family).

Each golden pairs a real Relay bundle, ``golden/ops/<op>/<variant>/`` (written by a real legacy Relay),
with the Relax module that tvm-migrate must produce for it, written by hand as TVMScript: a
specification, reviewed as such, never a dump of what the translator emits. Modules carry their
weights as parameters (``from_relay(..., keep_params_in_input=True)``): TVM 0.27 cannot print
tensor constants.

Two ways to write one:

- ``one_op(bundle, params, call)`` for the common shape "one Relax call on the inputs"; it fills the
  TVMScript template `ONE_OP` below.
- ``@expects(bundle)`` above an ``@I.ir_module`` class, for anything else.

`rtol`/`atol` loosen the numeric comparison with Relay's recorded outputs where a justified
per-op tolerance is needed (the default is fp32's rtol 1e-4, atol 1e-5; integers and bools match
exactly).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Optional

import tvm

RTOL, ATOL = 1e-4, 1e-5

ONE_OP = '''
@I.ir_module
class Expected:
    @R.function
    def main({params}):
        {attrs}with R.dataflow():
            gv = {call}
            R.output(gv)
        return gv
'''



@dataclass
class Golden:
    bundle: str  # "<op>/<variant>" under golden/ops
    source: str  # TVMScript text (one_op) or "<class>" for decorated classes
    module: Optional[tvm.IRModule] = None
    rtol: float = RTOL
    atol: float = ATOL
    note: str = ""
    family: str = ""  # the golden file that declares it

    def expected(self) -> tvm.IRModule:
        if self.module is None:
            from tvm.script import ir as I, relax as R, tirx as T

            self.module = tvm.script.from_source(self.source, extra_vars={"I": I, "R": R, "T": T})
        return self.module


GOLDENS: dict = {}


def _add(golden: Golden) -> None:
    golden.family = sys._getframe(2).f_globals.get("__name__", "").rsplit(".", 1)[-1]
    if golden.bundle in GOLDENS:
        raise ValueError(f"two goldens for {golden.bundle}")
    GOLDENS[golden.bundle] = golden


def one_op(bundle: str, params: str, call: str, *, num_input: Optional[int] = None, rtol: float = RTOL,
           atol: float = ATOL, note: str = "") -> None:
    """Expect ``main(params) = call`` in one dataflow block."""
    attrs = f'R.func_attr({{"num_input": {num_input}}})\n        ' if num_input is not None else ""
    _add(Golden(bundle, ONE_OP.format(params=params, call=call, attrs=attrs), rtol=rtol, atol=atol, note=note))


def expects(bundle: str, *, rtol: float = RTOL, atol: float = ATOL, note: str = ""):
    """Register the decorated ``@I.ir_module`` class as the golden of `bundle`."""

    def deco(module: tvm.IRModule) -> tvm.IRModule:
        _add(Golden(bundle, "<class>", module, rtol=rtol, atol=atol, note=note))
        return module

    return deco


def tensor(shape, dtype: str = "float32") -> str:
    """TVMScript text of a tensor type: ``tensor((2, 3), "int32")`` -> ``R.Tensor((2, 3), "int32")``."""
    dims = ", ".join(str(d) for d in shape)
    if len(shape) == 1:
        dims += ","
    return f'R.Tensor(({dims}), "{dtype}")'
