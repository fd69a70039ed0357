"""relay-build: ``relay.build`` / ``relay.vm.compile`` -> ``tvm.compile`` with params bound.

Upstream: Relay was removed after v0.19. ``tvm.compile(mod, target, *,
relax_pipeline="default", tir_pipeline="default")`` (python/tvm/driver/build_module.py)
builds a Relax VM ``Executable``. Relay took ``params=`` and bound them by name; in
Relax that is ``relax.transform.BindParams("main", params)(mod)`` (a no-op for ``{}``).
``target_host=`` becomes ``tvm.target.Target(target, host=...)``. There is no AOT
executor, C runtime or memory-pool option: those arguments are flagged. Relay-only
``PassContext`` config keys (``relay.*``) raise in 0.27 (the key list is
``tvm.transform.PassContext.list_configs()``) and are removed. ``relay.build_config``
is ``tvm.transform.PassContext``.

Safety: behaviour-changing: the Relax default pipeline optimises differently from
Relay's ``opt_level=3`` (same results to float tolerance, different speed; untuned CPU
code is several times slower than Relay's, see shared/api-map.md); the result is a VM
``Executable``, not a graph-executor factory (``get_graph_json``/``get_params``/
``get_lib`` are gone and are flagged).
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, arg, bind_args, is_literal, string_literal, string_value, with_args
from rewriters.registry import Move, Rule, Safety, register

BUILD = ("tvm.relay.build", "tvm.relay.build_module.build")
VM_COMPILE = ("tvm.relay.vm.compile", "tvm.relay.backend.vm.compile")
BUILD_PARAMS = ["ir_mod", "target", "target_host", "executor", "runtime", "workspace_memory_pools",
                "constant_memory_pools", "params", "mod_name"]
VM_PARAMS = ["mod", "target", "target_host", "params"]
FACTORY_METHODS = {
    "get_graph_json": "there is no graph JSON: the VM Executable holds the program (`ex.as_text()` to inspect it)",
    "get_params": "params are bound into the module at compile time (BindParams); there is no params blob",
    "get_lib": "the Executable is the library: call `export_library` on it",
    "get_executor_config": "there is no executor config in Relax",
    "get_devices": "pass devices to `tvm.relax.VirtualMachine(ex, dev)`",
}
_PASS_CONTEXT = ("tvm.transform.PassContext", "tvm.ir.transform.PassContext")


@register
class RelayBuild(Rule):
    """``relay.build(mod, target, params=p)`` -> ``tvm.compile(BindParams("main", p)(mod), target)``."""

    id = "relay-build"
    safety = Safety.BEHAVIOUR_CHANGING
    behaviour_change = (
        "compiled by the Relax default pipeline instead of Relay's (same results to float tolerance, "
        "different speed); returns a VM Executable instead of a graph-executor factory; relay.* PassContext "
        "config keys are dropped"
    )
    summary = "relay.build / relay.vm.compile -> tvm.compile with params bound via relax.transform.BindParams"
    upstream = "Relay removal after v0.19; tvm.compile (python/tvm/driver/build_module.py)"
    triggers = ("build", "compile", "PassContext", "relay.")
    moves = {
        "tvm.relay.build_config": Move("tvm.relay.build_config", "tvm.transform.PassContext", "same arguments"),
        "tvm.relay.transform.build_config": Move("tvm.relay.transform.build_config", "tvm.transform.PassContext",
                                                 "same arguments"),
    }

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.factories: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and self.ctx.resolve(node.value.func) in BUILD:
            for t in node.targets:
                if isinstance(t.target, cst.Name):
                    self.factories.add(t.target.value)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        qual = self.ctx.resolve(original.func)
        if qual in BUILD:
            return self._build(original, updated, BUILD_PARAMS, "relay.build")
        if qual in VM_COMPILE:
            return self._build(original, updated, VM_PARAMS, "relay.vm.compile")
        if qual in _PASS_CONTEXT:
            return self._pass_context(original, updated)
        func = original.func
        if (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.value.value in self.factories and func.attr.value in FACTORY_METHODS):
            self.ctx.flag(self.id, original, f"`{func.attr.value}()` of Relay's build result is gone: "
                          + FACTORY_METHODS[func.attr.value])
        return updated

    def _build(self, original: cst.Call, updated: cst.Call, params: list[str], shown: str):
        try:
            bound = bind_args(updated, params)
        except UnboundCall as exc:
            self._flag(original, f"cannot map the arguments of {shown} ({exc})")
            return updated
        problems = []
        for name in ("workspace_memory_pools", "constant_memory_pools"):
            if name in bound and not is_literal(bound.get(name), None):
                problems.append(f"`{name}` (USMP memory pools) has no Relax counterpart")
        executor = bound.get("executor")
        if executor is not None and not self._is_default_kind(executor, "graph"):
            problems.append("only the Relax VM exists in 0.27 (no AOT executor)")
        runtime = bound.get("runtime")
        if runtime is not None and not self._is_default_kind(runtime, "cpp"):
            problems.append("the C runtime / system-lib options have no `tvm.compile` counterpart "
                            "(`tvm.relax.build(..., system_lib=True)` covers system-lib)")
        if problems:
            self._flag(original, f"{shown}: " + "; ".join(problems))
            return updated
        mod = bound.args[params[0]].value
        param_expr = bound.get("params")
        binds = param_expr is not None and not is_literal(param_expr, None)
        if binds:
            bind = cst.Call(
                func=self.ctx.reference("tvm.relax.transform.BindParams"),
                args=[cst.Arg(string_literal("main")), cst.Arg(param_expr)],
            )
            mod = cst.Call(func=bind, args=[cst.Arg(mod)])
        args = [cst.Arg(mod)]
        target = bound.get("target")
        host = bound.get("target_host")
        if host is not None and not is_literal(host, None):
            target_call = cst.Call(
                func=self.ctx.reference("tvm.target.Target"),
                args=[cst.Arg(target if target is not None else string_literal("llvm")), arg(host, "host")],
            )
            args.append(arg(target_call, "target"))
        elif target is not None:
            args.append(arg(target, "target"))
        mod_name = bound.get("mod_name")
        extra = ""
        if mod_name is not None and string_value(mod_name) != "default":
            extra = "; `mod_name` is dropped (a VM Executable has no module name)"
        new_call = with_args(updated, args, func=self.ctx.reference("tvm.compile"))
        self.ctx.handled(original.func)
        self.ctx.note(self.id, original, f"{shown} -> tvm.compile (Relax VM Executable"
                      + (", params bound with relax.transform.BindParams" if binds else "")
                      + "); the Relax default pipeline replaces Relay's" + extra)
        return new_call

    def _is_default_kind(self, node: cst.BaseExpression, kind: str) -> bool:
        """``Executor("graph")`` / ``Runtime("cpp")`` without options (or just the string)."""
        if string_value(node) == kind:
            return True
        if isinstance(node, cst.Call) and len(node.args) == 1 and node.args[0].keyword is None:
            return string_value(node.args[0].value) == kind
        return False

    def _flag(self, original: cst.Call, message: str) -> None:
        self.ctx.flag(self.id, original, message + ": compile with `tvm.compile(relax.transform.BindParams("
                      "\"main\", params)(mod), target=...)` and run with `tvm.relax.VirtualMachine`")
        self.ctx.handled(original.func, removed=False)

    def _pass_context(self, original: cst.Call, updated: cst.Call):
        """Drop ``relay.*`` keys from a literal ``config={...}`` (they raise in 0.27)."""
        for i, a in enumerate(updated.args):
            if not (a.keyword is not None and a.keyword.value == "config" and isinstance(a.value, cst.Dict)):
                continue
            kept, dropped = [], []
            for element in a.value.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                (dropped if key is not None and key.startswith("relay.") else kept).append(element)
            if not dropped:
                return updated
            names = ", ".join(string_value(e.key) for e in dropped)
            self.ctx.note(self.id, original, f"dropped Relay-only PassContext config {names} (the key no longer "
                          "exists: PassContext raises on it in 0.27)")
            args = list(updated.args)
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                args[i] = a.with_changes(value=a.value.with_changes(elements=kept))
            else:
                del args[i]
            return with_args(updated, args)
        return updated
