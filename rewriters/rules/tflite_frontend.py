"""tflite-frontend: ``relay.frontend.from_tflite`` -> ``tvm.relax.frontend.tflite.from_tflite``.

Upstream: Relay was removed after v0.19; TVM 0.27 has a Relax TFLite importer
(``python/tvm/relax/frontend/tflite/tflite_frontend.py``) with the same
``(model, shape_dict, dtype_dict, op_converter)`` parameters, returning one
``IRModule`` whose weights are constants and whose inputs keep the TFLite tensor names.

Safety: behaviour-changing: Relay returned the weights in ``params`` (bound at build
time); now ``params`` is ``{}`` and the weights are inside the module. A custom Relay
``op_converter`` cannot be reused; such calls are flagged.
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, bind_args, with_args
from rewriters.registry import Safety, register
from rewriters.rules._frontend import FrontendRule

PARAMS = ["model", "shape_dict", "dtype_dict", "op_converter"]


@register
class TfliteFrontend(FrontendRule):
    """``relay.frontend.from_tflite`` -> ``tvm.relax.frontend.tflite.from_tflite`` returning ``(mod, {})``."""

    id = "tflite-frontend"
    safety = Safety.BEHAVIOUR_CHANGING
    behaviour_change = (
        "`params` is `{}` (Relay returned the weights there; Relax embeds them as constants); the module is "
        "compiled by the Relax pipeline (results agree to float tolerance)"
    )
    summary = "relay.frontend.from_tflite -> tvm.relax.frontend.tflite.from_tflite, (mod, params) return adapted"
    upstream = "Relay removal after v0.19; tvm.relax.frontend.tflite.from_tflite"
    qualnames = ("tvm.relay.frontend.from_tflite", "tvm.relay.frontend.tflite.from_tflite")
    triggers = ("from_tflite",)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not self.matches(original):
            return updated
        try:
            bound = bind_args(updated, PARAMS)
        except UnboundCall as exc:
            bound = None
            reason = f"cannot map the arguments ({exc})"
        else:
            reason = "a custom Relay `op_converter` does not work with Relax" if "op_converter" in bound else ""
        if bound is None or reason:
            self.ctx.flag(self.id, original, f"{reason}: call `tvm.relax.frontend.tflite.from_tflite(model, "
                          "shape_dict, dtype_dict[, op_converter=<a relax OperatorConverter subclass>])`, which "
                          "returns only the module")
            self.ctx.handled(original.func, removed=False)
            return updated
        func = self.ctx.reference("tvm.relax.frontend.tflite.from_tflite", module="tvm.relax.frontend.tflite")
        new_call = with_args(updated, list(updated.args), func=func)
        self.ctx.handled(original.func)
        self.ctx.note(self.id, original, "TFLite import through Relax: the weights are constants in the module, "
                      "so `params` is `{}` where Relay returned them (binding them at build time is then a no-op)")
        return self.with_empty_params(original, new_call)
