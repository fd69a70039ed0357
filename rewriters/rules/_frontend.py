"""What the frontend rules share: matching a Relay importer call and adapting its
``(mod, params)`` return to Relax importers, which return only an ``IRModule``."""

from __future__ import annotations

import libcst as cst

from rewriters.registry import Rule


class FrontendRule(Rule):
    """Base for rules that rewrite ``relay.frontend.from_X(...)`` calls."""

    qualnames: tuple[str, ...] = ()
    triggers = ("frontend", "from_")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._unpacked: set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, (cst.Tuple, cst.List)):
            if len(node.targets[0].target.elements) == 2:
                self._unpacked.add(id(node.value))

    def matches(self, call: cst.Call) -> bool:
        return self.ctx.resolve(call.func) in self.qualnames

    def with_empty_params(self, original: cst.Call, module_expr: cst.BaseExpression) -> cst.BaseExpression:
        """``(module_expr, {})``: Relax importers embed the weights as constants, so the
        params dict Relay returned (empty with ``freeze_params=True``) is ``{}``."""
        pair = cst.Tuple(elements=[cst.Element(module_expr), cst.Element(cst.Dict(elements=[]))])
        if id(original) in self._unpacked:
            return pair.with_changes(lpar=[], rpar=[])
        return pair
