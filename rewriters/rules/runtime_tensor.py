"""runtime-tensor: ``tvm.nd`` and ``NDArray`` became ``tvm.runtime`` and ``Tensor``.

Upstream: apache/tvm#18275 "[FFI][REFACTOR][ABI] Rename NDArray to Tensor"
(2025-09-06) removed the ``tvm.nd`` module: ``tvm.nd.array`` is
``tvm.runtime.tensor``, ``tvm.nd.empty`` is ``tvm.runtime.empty``, ``NDArray`` is
``tvm.runtime.Tensor``, and ``.asnumpy()`` (deprecated since 0.8) is gone; use
``.numpy()``. Device constructors (``tvm.nd.cpu``) live in ``tvm.runtime``.

Safety: safe. ``.asnumpy()`` is only rewritten in files that import tvm; in files that
also import MXNet or MindSpore (whose tensors have ``asnumpy`` too) a call is
rewritten only when its receiver is visibly a TVM tensor, and flagged otherwise.
"""

from __future__ import annotations

import libcst as cst

from rewriters.names import dotted_name
from rewriters.registry import Move, Rule, Safety, register

_PR = "apache/tvm#18275"
_OTHER_ASNUMPY = ("mxnet", "mindspore", "gluoncv")
# calls whose result is certainly a TVM tensor
_TVM_TENSOR_CALLS = {"get_output", "get_input", "array", "empty", "tensor", "copyto"}


def _moves() -> dict[str, Move]:
    table = {
        "tvm.nd": Move("tvm.nd", "tvm.runtime", _PR),
        "tvm.nd.array": Move("tvm.nd.array", "tvm.runtime.tensor", _PR),
        "tvm.nd.NDArray": Move("tvm.nd.NDArray", "tvm.runtime.Tensor", _PR),
        "tvm.nd.gpu": Move("tvm.nd.gpu", "tvm.runtime.cuda", "`gpu` was an alias of `cuda`"),
        "tvm.nd.cl": Move("tvm.nd.cl", "tvm.runtime.opencl", "alias"),
        "tvm.nd.mtl": Move("tvm.nd.mtl", "tvm.runtime.metal", "alias"),
        "tvm.nd.hexagon": Move("tvm.nd.hexagon", "tvm.hexagon", "not in tvm.runtime"),
        "tvm.nd.webgpu": Move("tvm.nd.webgpu", None, 'use `tvm.runtime.device("webgpu", 0)`'),
        "tvm.nd.numpyasarray": Move("tvm.nd.numpyasarray", None, "internal helper removed; use `tvm.runtime.tensor(np_array)`"),
        "tvm.runtime.ndarray": Move("tvm.runtime.ndarray", "tvm.runtime", _PR),
        "tvm.runtime.ndarray.array": Move("tvm.runtime.ndarray.array", "tvm.runtime.tensor", _PR),
        "tvm.runtime.ndarray.NDArray": Move("tvm.runtime.ndarray.NDArray", "tvm.runtime.Tensor", _PR),
        "tvm.runtime.NDArray": Move("tvm.runtime.NDArray", "tvm.runtime.Tensor", _PR),
        "tvm.gpu": Move("tvm.gpu", "tvm.cuda", "`gpu` was an alias of `cuda`"),
        "tvm.cl": Move("tvm.cl", "tvm.opencl", "alias"),
        "tvm.mtl": Move("tvm.mtl", "tvm.metal", "alias"),
    }
    return table


@register
class RuntimeTensor(Rule):
    """``tvm.nd.*`` -> ``tvm.runtime.*``, ``NDArray`` -> ``Tensor``, ``.asnumpy()`` -> ``.numpy()``."""

    id = "runtime-tensor"
    safety = Safety.SAFE
    summary = "tvm.nd.array/empty/NDArray -> tvm.runtime.tensor/empty/Tensor; .asnumpy() -> .numpy()"
    upstream = _PR
    triggers = ("nd", "NDArray", "asnumpy", "gpu", "cl", "mtl")
    moves = _moves()

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.active = ctx.imports.mentions("tvm")
        self.ambiguous = any(ctx.imports.mentions(m) for m in _OTHER_ASNUMPY)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (self.active and isinstance(func, cst.Attribute) and func.attr.value == "asnumpy"):
            return updated
        if original.args:
            return updated
        if self.ambiguous and not self._receiver_is_tvm(func.value):
            self.ctx.flag(
                self.id, original,
                "`.asnumpy()` is `.numpy()` on TVM 0.27 tensors, but this file also uses "
                "MXNet/MindSpore whose tensors keep `asnumpy`: rename it if the receiver is a TVM tensor",
            )
            return updated
        self.ctx.note(self.id, original, "`.asnumpy()` -> `.numpy()` (removed from TVM tensors)")
        new_func = updated.func.with_changes(attr=cst.Name("numpy"))
        return updated.with_changes(func=new_func)

    def _receiver_is_tvm(self, receiver: cst.BaseExpression) -> bool:
        if isinstance(receiver, cst.Call):
            qual = self.ctx.resolve(receiver.func) or ""
            if qual.startswith("tvm."):
                return True
            name = dotted_name(receiver.func) or ""
            return name.rpartition(".")[2] in _TVM_TENSOR_CALLS and name.count(".") >= 1
        return False
