"""relay-build: ``relay.build`` / ``relay.vm.compile`` -> ``tvm.compile`` with params bound.

Upstream: Relay was removed after v0.19. ``tvm.compile(mod, target, *,
relax_pipeline="default", tir_pipeline="default")`` (python/tvm/driver/build_module.py)
builds a Relax VM ``Executable``. Relay took ``params=`` and bound them by name; in
Relax that is ``relax.transform.BindParams("main", params)(mod)`` (a no-op for ``{}``).
``target_host=`` becomes ``tvm.target.Target(target, host=...)``.
``executor=Executor("graph"[, {"link-params": ...}])`` is dropped (the Executable embeds
the constants anyway); ``runtime=Runtime("cpp", {"system-lib": True})`` becomes
``tvm.relax.build(..., system_lib=True)``. The AOT executor, the C runtime (``crt``),
other executor/runtime options and USMP memory pools have no 0.27 counterpart: flagged.
The deprecated ``graph, lib, params = relay.build(...)`` becomes ``graph, lib, params =
None, tvm.compile(...), {}`` when ``graph`` is only handed to ``graph_executor.create``
(which graph-executor turns into a VM). Relay-only ``PassContext`` config keys
(``relay.*``) raise in 0.27 (the key list is ``tvm.transform.PassContext.list_configs()``)
and are removed. ``relay.build_config`` is ``tvm.transform.PassContext``.

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
from rewriters.rules._flow import BUILD, BUILD_PARAMS, GRAPH_CREATE, VM_COMPILE, VM_PARAMS, three_tuple_targets
from rewriters.tracking import TrackedValues
FACTORY_METHODS = {
    "get_graph_json": "there is no graph JSON: the VM Executable holds the program (`ex.as_text()` to inspect it)",
    "get_params": "params are bound into the module at compile time (BindParams); there is no params blob",
    "get_lib": "the Executable is the library: call `export_library` on it",
    "get_executor_config": "there is no executor config in Relax",
    "get_devices": "pass devices to `tvm.relax.VirtualMachine(ex, dev)`",
}
VM_EXECUTABLE_METHODS = {
    "save": "Relay VM bytecode is gone: `exe.export_library(path)`, then "
            "`tvm.relax.VirtualMachine(tvm.runtime.load_module(path), dev)`",
    "move_late_bound_consts": "the Executable keeps its constants: export it with `export_library`",
    "load_late_bound_consts": "the Executable keeps its constants: export it with `export_library`",
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
        self.factories = TrackedValues(ctx)  # Relay build results (graph-executor factories)
        self.vm_executables = TrackedValues(ctx)  # relay.vm.compile results
        self._three: dict[int, list[cst.Name]] = {}  # id(build call) -> its graph, lib, params targets

    def visit_Assign(self, node: cst.Assign) -> None:
        if not isinstance(node.value, cst.Call):
            return
        qual = self.ctx.resolve(node.value.func)
        tracked = self.factories if qual in BUILD else self.vm_executables if qual in VM_COMPILE else None
        if tracked is None:
            return
        for t in node.targets:
            tracked.bind(t.target)
        target = node.targets[0].target
        if (qual in BUILD and len(node.targets) == 1 and isinstance(target, (cst.Tuple, cst.List))
                and len(target.elements) == 3 and three_tuple_targets(self.ctx, node.value) is not None):
            self._three[id(node.value)] = [e.value for e in target.elements]

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        qual = self.ctx.resolve(original.func)
        if qual in BUILD:
            return self._build(original, updated, BUILD_PARAMS, "relay.build")
        if qual in VM_COMPILE:
            return self._build(original, updated, VM_PARAMS, "relay.vm.compile")
        if qual in _PASS_CONTEXT:
            return self._pass_context(original, updated)
        func = original.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in FACTORY_METHODS and self.factories.holds(func.value):
                self.ctx.flag(self.id, original, f"`{method}()` of Relay's build result is gone: "
                              + FACTORY_METHODS[method])
            elif method in VM_EXECUTABLE_METHODS and self.vm_executables.holds(func.value):
                self.ctx.flag(self.id, original, f"`{method}()` of a Relay VM executable: "
                              + VM_EXECUTABLE_METHODS[method])
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
        executor = self._kind(bound.get("executor"), "graph", {"link-params"})
        if executor is None:
            problems.append("only the Relax VM exists in 0.27 (no AOT executor)"
                            if self._kind_name(bound.get("executor")) == "aot"
                            else "graph executor options other than link-params have no 0.27 counterpart")
        runtime = self._kind(bound.get("runtime"), "cpp", {"system-lib"})
        if runtime is None:
            problems.append("the C runtime (crt) is gone in 0.27"
                            if self._kind_name(bound.get("runtime")) == "crt"
                            else "runtime options other than system-lib have no 0.27 counterpart")
        graph_uses = self._other_graph_uses(original)
        if graph_uses:
            problems.append(f"the graph JSON `{graph_uses}` is used beyond `graph_executor.create`: there is no graph "
                            "JSON in 0.27 (the Executable holds the program; save it with `export_library`)")
        if problems:
            self._flag(original, f"{shown}: " + "; ".join(problems))
            return updated
        system_lib = runtime is not None and runtime.get("system-lib")
        original_bound = bind_args(original, params)
        for option in (original_bound.get("executor"), original_bound.get("runtime")):
            if isinstance(option, cst.Call):
                self.ctx.handled(option.func)
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
        builder = "tvm.compile"
        if system_lib:
            args.append(arg(system_lib, "system_lib"))
            builder = "tvm.relax.build"
            extra += "; the system-lib runtime -> tvm.relax.build(..., system_lib=...)"
        elif executor is not None and executor.get("link-params") is not None:
            extra += "; link-params is dropped (the Executable embeds the constants)"
        new_call = with_args(updated, args, func=self.ctx.reference(builder))
        self.ctx.handled(original.func)
        three = self._three.get(id(original))
        if three is not None:
            extra += (f"; `{three[0].value}` (graph JSON) is None and `{three[2].value}` is {{}}: the Executable "
                      "holds the program and its constants")
        self.ctx.note(self.id, original, f"{shown} -> {builder} (Relax VM Executable"
                      + (", params bound with relax.transform.BindParams" if binds else "")
                      + "); the Relax default pipeline replaces Relay's" + extra)
        if three is not None:
            return cst.Tuple([cst.Element(cst.Name("None")), cst.Element(new_call), cst.Element(cst.Dict([]))],
                             lpar=[], rpar=[])
        return new_call

    def _other_graph_uses(self, call: cst.Call) -> str | None:
        """For ``graph, lib, params = relay.build(...)``: the name ``graph`` when it is
        used other than as the graph argument of ``graph_executor.create``."""
        three = self._three.get(id(call))
        if three is None:
            return None
        graph = three[0]
        allowed = {id(graph)}
        for _, create in self.ctx.index.calls_to(GRAPH_CREATE):
            first = create.args[0].value if create.args and create.args[0].keyword is None else None
            if isinstance(first, cst.Name):
                allowed.add(id(first))
        uses = [n for n in self.ctx.index.names.get(graph.value, ()) if id(n) not in allowed]
        return graph.value if uses else None

    @staticmethod
    def _kind_name(node: cst.BaseExpression | None) -> str | None:
        if isinstance(node, cst.Call) and node.args:
            return string_value(node.args[0].value)
        return string_value(node)

    @staticmethod
    def _kind(node: cst.BaseExpression | None, kind: str, options: set[str]) -> dict | None:
        """The options of ``Executor("graph"[, {...}])`` / ``Runtime("cpp"[, {...}])`` (or
        just the kind's string, or no argument) as ``{key: value expr}``; None for another
        kind or options other than ``options`` in a literal dict."""
        if node is None or is_literal(node, None) or string_value(node) == kind:
            return {}
        if not isinstance(node, cst.Call) or not node.args or any(a.star for a in node.args):
            return None
        if string_value(node.args[0].value) != kind or node.args[0].keyword is not None or len(node.args) > 2:
            return None
        if len(node.args) == 1:
            return {}
        opts = node.args[1].value
        if not isinstance(opts, cst.Dict):
            return None
        found = {}
        for element in opts.elements:
            key = string_value(element.key) if isinstance(element, cst.DictElement) else None
            if key not in options:
                return None
            found[key] = element.value
        return found

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
