"""onnx-frontend: ``relay.frontend.from_onnx`` -> ``tvm.relax.frontend.onnx.from_onnx``.

Upstream: Relay (and ``relay.frontend``) was removed after v0.19; the Relax importer
``python/tvm/relax/frontend/onnx/onnx_frontend.py`` takes
``(model, shape_dict, dtype_dict="float32", opset, keep_params_in_input=False,
sanitize_input_names=True)`` and returns one ``IRModule``.

Rewrite: ``mod, params = relay.frontend.from_onnx(m, shape, dtype, opset)`` becomes
``mod, params = tvm.relax.frontend.onnx.from_onnx(m, shape, dtype, opset,
sanitize_input_names=False), {}``. With Relay's default ``freeze_params=True`` the
weights were constants and ``params`` was already ``{}`` (frontend/onnx.py at v0.19);
Relax embeds them as constants too. ``sanitize_input_names=False`` keeps the ONNX
input names (``input.1``), so code that feeds inputs by name keeps working.

With ``freeze_params=False`` Relay returned the weights in ``params`` (by initializer
name) and ``main`` took them as parameters. Relax does the same with
``keep_params_in_input=True``, except that the arrays sit in ``main``'s ``"params"``
attribute; a small helper detaches them into Relay's ``{name: array}`` form, so
``relay.build(mod, params=params)`` (-> ``BindParams``), ``save_param_dict(params)``
or ``set_input(**params)`` keep their meaning.

Safety: behaviour-changing, see ``behaviour_change``.
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, arg, bind_args, is_literal, keyword_arg, with_args
from rewriters.registry import Safety, register
from rewriters.rules._frontend import FrontendRule

PARAMS = ["model", "shape", "dtype", "opset", "freeze_params", "convert_config", "export_node_renamed_model_path"]
HELPER = "tvm_migrate_named_params"
HELPER_CODE = f'''def {HELPER}(mod):
    """(mod, {{name: weight}}) as Relay's from_onnx(freeze_params=False) returned them, from a Relax import
    made with keep_params_in_input=True: main keeps taking the weights as parameters (tvm-migrate)."""
    from tvm.relax.frontend import detach_params

    mod, detached = detach_params(mod)
    weights = detached.get("main", [])
    params = mod["main"].params
    return mod, dict(zip([p.name for p in params[len(params) - len(weights):]], weights))
'''


@register
class OnnxFrontend(FrontendRule):
    """``relay.frontend.from_onnx`` -> ``tvm.relax.frontend.onnx.from_onnx`` returning ``(mod, {})``."""

    id = "onnx-frontend"
    safety = Safety.BEHAVIOUR_CHANGING
    behaviour_change = (
        "the module is Relax, compiled by the Relax pipeline (results agree to float tolerance, speed "
        "differs); convert_config / export_node_renamed_model_path are dropped"
    )
    summary = "relay.frontend.from_onnx -> tvm.relax.frontend.onnx.from_onnx, (mod, params) return adapted"
    upstream = "Relay removal after v0.19; tvm.relax.frontend.onnx.from_onnx"
    qualnames = ("tvm.relay.frontend.from_onnx", "tvm.relay.frontend.onnx.from_onnx")
    triggers = ("from_onnx",)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not self.matches(original):
            return updated
        try:
            bound = bind_args(updated, PARAMS)
        except UnboundCall as exc:
            self.ctx.flag(self.id, original, f"cannot map the arguments ({exc}): rewrite as "
                          "`tvm.relax.frontend.onnx.from_onnx(model, shape_dict, dtype_dict, opset)`, which "
                          "returns only the module (weights embedded)")
            self.ctx.handled(original.func, removed=False)
            return updated
        notes = []
        args = []
        for name, new_name in (("model", "model"), ("shape", "shape_dict"), ("dtype", "dtype_dict"), ("opset", "opset")):
            if name in bound:
                a = bound.args[name]
                args.append(a if a.keyword is None and name in bound.positional and len(args) == PARAMS.index(name)
                            else keyword_arg(a, new_name))
        freeze = bound.get("freeze_params")
        frozen = freeze is None or is_literal(freeze, True)
        if not frozen:
            keep = cst.Name("True") if is_literal(freeze, False) else cst.UnaryOperation(
                cst.Not(), freeze.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                if isinstance(freeze, (cst.BooleanOperation, cst.Comparison, cst.IfExp)) else freeze)
            args.append(arg(keep, "keep_params_in_input"))
        for dropped in ("convert_config", "export_node_renamed_model_path"):
            if dropped in bound:
                notes.append(f"`{dropped}` has no Relax counterpart and is dropped")
        args.append(arg(cst.Name("False"), "sanitize_input_names"))
        func = self.ctx.reference("tvm.relax.frontend.onnx.from_onnx", module="tvm.relax.frontend.onnx")
        new_call = with_args(updated, args, func=func)
        self.ctx.handled(original.func)
        if frozen:
            message = ("ONNX import through Relax: the module comes back alone, so `params` is `{}` (weights are "
                       "constants, as with Relay's default freeze_params=True); ONNX input names are kept")
        else:
            message = ("ONNX import through Relax with keep_params_in_input=True: `main` takes the weights as "
                       f"parameters and {HELPER} returns them by name, as Relay's freeze_params=False did; ONNX "
                       "input names are kept")
        if notes:
            message += "; " + "; ".join(notes)
        self.ctx.note(self.id, original, message)
        if frozen:
            return self.with_empty_params(original, new_call)
        self.ctx.require_helper(HELPER, HELPER_CODE)
        return cst.Call(func=cst.Name(HELPER), args=[cst.Arg(new_call)])
