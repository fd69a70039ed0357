"""pytorch-frontend: ``relay.frontend.from_pytorch`` (TorchScript) -> ``torch.export`` +
``tvm.relax.frontend.torch.from_exported_program``.

Upstream: Relay was removed after v0.19. The Relax PyTorch importer
(``python/tvm/relax/frontend/torch/exported_program_translator.py``) takes a
``torch.export.ExportedProgram``, not TorchScript: ``from_exported_program(ep, *,
keep_params_as_input=False, unwrap_unit_return_tuple=False, ...)``.

Rewrite, only where the traced module is visible (``traced = torch.jit.trace(model,
example)`` in the same file): the call becomes
``tvm.relax.frontend.torch.from_exported_program(torch.export.export(model, (example,)),
unwrap_unit_return_tuple=True), {}`` (``example`` stays as it is when it is a tuple).
Elsewhere (``torch.jit.script``, a loaded TorchScript file, a custom convert map) the
call is flagged with that recipe.

Input names: Relay named the inputs after ``input_infos``; Relax names them after
``forward()``'s parameters. Code that feeds a graph executor by name is rewritten to pass
the inputs by position in ``input_infos`` order when those names can be read from the
file (a literal list, or a name assigned one), and flagged otherwise (graph-executor).

Safety: behaviour-changing: ``torch.export`` traces the Python module again (it can
fail where ``jit.trace`` worked), inputs are named after ``forward``'s parameters
instead of ``input_infos``, and ``params`` is ``{}`` (weights are constants).
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, arg, bind_args, with_args
from rewriters.registry import Safety, register
from rewriters.rules._frontend import FrontendRule

PARAMS = ["script_module", "input_infos", "custom_convert_map", "default_dtype", "use_parser_friendly_name",
          "keep_quantized_weight", "export_renamed_c_graph_path"]
RECIPE = ("TorchScript is not accepted by Relax: export the nn.Module with "
          "`ep = torch.export.export(model, (example_input,))` and import it with "
          "`mod = tvm.relax.frontend.torch.from_exported_program(ep, unwrap_unit_return_tuple=True)` "
          "(weights become constants, so there is no `params`)")


@register
class PytorchFrontend(FrontendRule):
    """``relay.frontend.from_pytorch`` -> ``torch.export`` + ``from_exported_program`` (or guidance)."""

    id = "pytorch-frontend"
    safety = Safety.BEHAVIOUR_CHANGING
    behaviour_change = (
        "the model is re-traced with torch.export (may fail where jit.trace worked); inputs are named after "
        "forward()'s parameters, not input_infos; `params` is `{}`"
    )
    summary = "relay.frontend.from_pytorch -> torch.export + relax from_exported_program (when the traced " \
              "module is visible), else guidance"
    upstream = "Relay removal after v0.19; tvm.relax.frontend.torch.from_exported_program"
    qualnames = ("tvm.relay.frontend.from_pytorch", "tvm.relay.frontend.pytorch.from_pytorch")
    triggers = ("from_pytorch",)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.traced: dict[str, tuple[cst.BaseExpression, cst.BaseExpression]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        value = node.value
        # torch.jit.trace(model, example)[.eval()]
        if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "eval" and isinstance(value.func.value, cst.Call)):
            value = value.func.value
        if not (isinstance(value, cst.Call) and self.ctx.resolve(value.func) == "torch.jit.trace"):
            return
        positional = [a for a in value.args if a.keyword is None and not a.star]
        if len(positional) < 2 or len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        self.traced[node.targets[0].target.value] = (positional[0].value, positional[1].value)

    def _export_args(self, example: cst.BaseExpression) -> cst.BaseExpression:
        """torch.export's ``args`` tuple for ``torch.jit.trace``'s ``example_inputs``
        (a tuple of inputs, or one tensor that jit.trace wraps in a tuple)."""
        if isinstance(example, cst.Tuple):
            return example
        if isinstance(example, cst.List):
            return cst.Tuple(elements=[e.with_changes(comma=cst.Comma()) if i == 0 and len(example.elements) == 1
                                       else e for i, e in enumerate(example.elements)])
        values = self.ctx.index.assigned.get(example.value, []) if isinstance(example, cst.Name) else [example]
        if values and all(isinstance(v, cst.Tuple) for v in values):
            return example
        if values and not any(isinstance(v, (cst.Tuple, cst.List, cst.Name, cst.Subscript)) for v in values):
            return cst.Tuple(elements=[cst.Element(example, comma=cst.Comma())])
        # unknown: jit.trace accepted a tensor or a tuple
        return cst.IfExp(
            test=cst.Call(func=cst.Name("isinstance"), args=[cst.Arg(example), cst.Arg(cst.Tuple(
                [cst.Element(cst.Name("tuple")), cst.Element(cst.Name("list"))]))]),
            body=cst.Call(func=cst.Name("tuple"), args=[cst.Arg(example)]),
            orelse=cst.Tuple(elements=[cst.Element(example, comma=cst.Comma())]))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not self.matches(original):
            return updated
        try:
            bound = bind_args(original, PARAMS)
        except UnboundCall:
            bound = None
        module = bound.get("script_module") if bound else None
        traced = self.traced.get(module.value) if isinstance(module, cst.Name) else None
        if bound is None or traced is None or "custom_convert_map" in bound:
            why = "a custom_convert_map needs porting to Relax; " if bound and "custom_convert_map" in bound else ""
            self.ctx.flag(self.id, original, why + RECIPE)
            self.ctx.handled(original.func, removed=False)
            return updated
        model, example = traced
        example_args = self._export_args(example)
        export = cst.Call(func=self.ctx.reference("torch.export.export", module="torch.export"),
                          args=[cst.Arg(model), cst.Arg(example_args)])
        func = self.ctx.reference("tvm.relax.frontend.torch.from_exported_program", module="tvm.relax.frontend.torch")
        new_call = with_args(updated, [cst.Arg(export), arg(cst.Name("True"), "unwrap_unit_return_tuple")], func=func)
        self.ctx.handled(original.func)
        self.ctx.note(self.id, original, "PyTorch import through torch.export + Relax: the model is re-exported "
                      "from the nn.Module that was traced; inputs take forward()'s parameter names, not "
                      "input_infos; `params` is `{}` (weights are constants)")
        return self.with_empty_params(original, new_call)
