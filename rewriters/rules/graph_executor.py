"""graph-executor: ``graph_executor.GraphModule`` -> ``tvm.relax.VirtualMachine``.

Upstream: the graph executor (``tvm.contrib.graph_executor``) left with Relay after
v0.19. ``relax.VirtualMachine(ex, dev)`` (python/tvm/runtime/vm.py) runs a
``tvm.compile`` result; its stateful API is ``set_input("main", *args, **kwargs)``,
``invoke_stateful("main")`` and ``get_outputs("main")``.

The two differ in ways a rename would get wrong:

* the graph executor takes inputs one name at a time, in any order, and keeps them;
  the VM takes all of a function's inputs in one ``set_input`` call. The
  ``set_input`` statements before a ``run()`` in the same block are merged into one
  call at the ``run()`` (:mod:`rewriters.inputs`): one input by position, several by
  name (``x=a, y=b``; the onnx-frontend rule keeps ONNX names with
  ``sanitize_input_names=False``), by position where the importer renames inputs
  (PyTorch) and the ``input_infos`` order is known. ``set_input(**params)`` of a dict
  that is bound into the module (``relay.build(..., params=params)``) did nothing in
  Relay and is dropped. Inputs fed from a loop are flagged.
* ``get_outputs`` returns a lone Tensor for one output and a tuple for several, so
  ``get_output(i)`` / ``get_num_outputs()`` become small module-level helpers.
* ``benchmark`` / ``module.time_evaluator("run", ...)`` become
  ``time_evaluator("invoke_stateful", dev, ...)`` called with ``"main"`` (Relay's
  benchmark defaults ``repeat=5, number=5`` are kept).
* ``graph_executor.create(graph, lib, dev)`` after ``graph, lib, params =
  relay.build(...)`` becomes ``tvm.relax.VirtualMachine(lib, dev)``; a graph JSON read
  from a file has no VM counterpart and is flagged.

Modules are followed through variables, ``self.x`` attributes and functions that return
one (:mod:`rewriters.tracking`).

Safety: behaviour-changing, see ``behaviour_change``.
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, arg, bind_args, string_literal, string_value, with_args
from rewriters.inputs import InputItem, InputsNotMergeable, merge_inputs
from rewriters.names import dotted_name
from rewriters.registry import Rule, Safety, register
from rewriters.rules._flow import GRAPH_CREATE as CREATE, bound_params, graph_build_libs, pytorch_inputs
from rewriters.tracking import TrackedValues

GRAPH_MODULE = ("tvm.contrib.graph_executor.GraphModule", "tvm.contrib.graph_runtime.GraphModule",
                "tvm.contrib.debugger.debug_executor.GraphModuleDebug")
HELPER = "tvm_migrate_graph_output"
HELPER_CODE = f'''def {HELPER}(vm, index):
    """GraphModule.get_output(index) for a Relax VM: one output is a Tensor, several a tuple (tvm-migrate)."""
    outputs = vm.get_outputs("main")
    return outputs[index] if isinstance(outputs, (list, tuple)) else outputs
'''
COUNT_HELPER = "tvm_migrate_graph_num_outputs"
COUNT_HELPER_CODE = f'''def {COUNT_HELPER}(vm):
    """GraphModule.get_num_outputs() for a Relax VM, after invoke_stateful (tvm-migrate)."""
    outputs = vm.get_outputs("main")
    return len(outputs) if isinstance(outputs, (list, tuple)) else 1
'''
GONE_METHODS = {
    "get_input": "the VM does not hand inputs back: keep your own reference to the input tensors",
    "get_input_index": "the VM has no input index: inputs are the parameters of `main`, in order",
    "get_input_info": "read the shapes from the Relax module: `mod[\"main\"].params`",
    "get_num_inputs": "count the parameters of `main` in the Relax module",
    "load_params": "params are bound into the module at compile time (relax.transform.BindParams)",
    "share_params": "params are bound into the module at compile time (relax.transform.BindParams)",
    "set_output_zero_copy": "the VM allocates its outputs: read them with `vm.get_outputs(\"main\")`",
    "debug_get_output": "profile with `tvm.relax.VirtualMachine(ex, dev, profile=True)` / `vm.profile(...)`",
}
SET_INPUT = ("set_input", "set_input_zero_copy")
RELAX_VM = ("tvm.relax.VirtualMachine", "tvm.runtime.vm.VirtualMachine", "tvm.relax.vm.VirtualMachine")
BENCH_PARAMS = ["device", "func_name", "repeat", "number", "min_repeat_ms", "limit_zero_time_iterations",
                "end_to_end", "cooldown_interval_ms", "repeats_to_cooldown"]
TIMER_PARAMS = ["func_name", "dev", "number", "repeat", "min_repeat_ms", "limit_zero_time_iterations",
                "cooldown_interval_ms", "repeats_to_cooldown", "f_preproc"]
CREATE_PARAMS = ["graph_json_str", "libmod", "device"]


def _method_call(stmt: cst.CSTNode) -> tuple[cst.BaseExpression, str, cst.Call] | None:
    """``(receiver, method, call)`` for a statement that is just ``receiver.method(...)``."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    expr = stmt.body[0]
    if not isinstance(expr, cst.Expr) or not isinstance(expr.value, cst.Call):
        return None
    func = expr.value.func
    if isinstance(func, cst.Attribute) and dotted_name(func.value) is not None:
        return func.value, func.attr.value, expr.value
    return None


def _names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Name):
            found.add(n.value)
        stack.extend(n.children)
    return found


def _assigned_names(stmt: cst.CSTNode) -> set[str]:
    names: set[str] = set()
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            targets = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets = [small.target]
            for t in targets:
                names |= _names_in(t)
    elif isinstance(stmt, cst.BaseCompoundStatement):
        names |= _names_in(stmt)  # conservative: anything in a nested block
    return names


def _code(node: cst.CSTNode) -> str:
    return " ".join(cst.Module([]).code_for_node(node).split())


@register
class GraphExecutor(Rule):
    """``graph_executor.GraphModule`` + ``set_input``/``run``/``get_output`` -> ``relax.VirtualMachine``."""

    id = "graph-executor"
    safety = Safety.BEHAVIOUR_CHANGING
    behaviour_change = (
        "inputs set before a run() are passed in one set_input call (a value computed between the original "
        "set_input and run() is read at the run()); several inputs are matched by name against main's "
        "parameters; get_num_outputs() counts the outputs of the last run; outputs come from the Relax VM"
    )
    summary = "graph_executor.GraphModule/create + set_input/run/get_output/benchmark -> relax.VirtualMachine " \
              "(inputs merged into one set_input call)"
    upstream = "Relay/graph executor removal after v0.19; tvm.relax.VirtualMachine (python/tvm/runtime/vm.py)"
    triggers = ("graph_executor", "graph_runtime", "debug_executor")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.modules = TrackedValues(ctx)
        self.inputs_set: set[str] = set()  # receivers given an explicit input somewhere in the file
        self.relax_vms = TrackedValues(ctx)  # already a Relax VM (e.g. a second run): not flagged
        self.factory_functions: set[str] = set()  # functions that return a GraphModule
        self.graph_file = any(ctx.imports.mentions(m) for m in (
            "tvm.contrib.graph_executor", "tvm.contrib.graph_runtime", "tvm.contrib.debugger"))

    # -- construction ---------------------------------------------------------------------------
    def _factory_parts(self, call: cst.Call):
        """``(lib, dev, key)`` for ``GraphModule(lib[key](dev))``, else None."""
        if len(call.args) != 1 or call.args[0].keyword or call.args[0].star:
            return None
        inner = call.args[0].value
        if not (isinstance(inner, cst.Call) and len(inner.args) == 1 and not inner.args[0].keyword
                and isinstance(inner.func, cst.Subscript) and len(inner.func.slice) == 1):
            return None
        index = inner.func.slice[0].slice
        if not isinstance(index, cst.Index) or string_value(index.value) is None:
            return None
        return inner.func.value, inner.args[0].value, string_value(index.value)

    def _create_parts(self, call: cst.Call):
        """``(lib, device)`` for ``create(graph, lib, dev)`` whose ``lib`` comes from
        ``graph, lib, params = relay.build(...)``, else None."""
        try:
            bound = bind_args(call, CREATE_PARAMS)
        except UnboundCall:
            return None
        lib, device = bound.get("libmod"), bound.get("device")
        if isinstance(lib, cst.Name) and device is not None and lib.value in graph_build_libs(self.ctx):
            return lib, device
        return None

    def _makes_module(self, value: cst.BaseExpression | None) -> bool:
        """``GraphModule(lib["default"](dev))``, ``create(...)`` of a built library, a
        call of a function returning one, or a name/attribute bound to one."""
        if isinstance(value, (cst.Name, cst.Attribute)):
            return self.modules.holds(value)
        if not isinstance(value, cst.Call):
            return False
        qual = self.ctx.resolve(value.func)
        if qual in GRAPH_MODULE:
            return self._factory_parts(value) is not None
        if qual in CREATE:
            return self._create_parts(value) is not None
        return isinstance(value.func, cst.Name) and value.func.value in self.factory_functions

    def visit_Assign(self, node: cst.Assign) -> None:
        makes = self._makes_module(node.value)
        relax_vm = isinstance(node.value, cst.Call) and self.ctx.resolve(node.value.func) in RELAX_VM
        for t in node.targets:
            if makes:
                self.modules.bind(t.target)
            elif isinstance(t.target, cst.Name):
                self.modules.bind_other(t.target)
            if relax_vm:
                self.relax_vms.bind(t.target)

    def visit_Return(self, node: cst.Return) -> None:
        functions = self.ctx.enclosing(cst.FunctionDef)
        if functions and self._makes_module(node.value):
            self.factory_functions.add(functions[-1].name.value)

    def visit_Call(self, node: cst.Call) -> None:
        # inputs set earlier in source order (visits run top-down, before any block is rewritten)
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value in (*SET_INPUT, "run")
                and any(not a.star for a in node.args) and self.modules.holds(func.value)):
            self.inputs_set.add(dotted_name(func.value))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        qual = self.ctx.resolve(original.func)
        if qual in GRAPH_MODULE:
            return self._graph_module(original, updated)
        if qual in CREATE:
            return self._create(original, updated)
        func = original.func
        if not isinstance(func, cst.Attribute):
            return updated
        method = func.attr.value
        receiver = func.value
        shown = dotted_name(receiver)
        if self.modules.holds(receiver):
            if method == "get_output":
                return self._get_output(original, updated)
            if method == "get_num_outputs" and not updated.args:
                self.ctx.require_helper(COUNT_HELPER, COUNT_HELPER_CODE)
                self.ctx.note(self.id, original, f"get_num_outputs() -> {COUNT_HELPER}(vm) (counts the outputs of "
                              "the last invoke_stateful; Relay knew the count before any run)")
                return cst.Call(func=cst.Name(COUNT_HELPER), args=[cst.Arg(updated.func.value)])
            if method == "benchmark":
                return self._benchmark(original, updated)
            if method in GONE_METHODS:
                self.ctx.flag(self.id, original, f"`{method}` is not on the Relax VM: {GONE_METHODS[method]}")
        elif (method == "time_evaluator" and isinstance(receiver, cst.Attribute) and receiver.attr.value == "module"
              and self.modules.holds(receiver.value)):
            return self._time_evaluator(original, updated)
        elif (self.graph_file and shown is not None and self._legacy_call(original, method)
              and not self.relax_vms.holds(receiver)):
            self.ctx.flag(self.id, original, f"if `{shown}` is a graph executor module (its creation was "
                          "not recognised): it is a `tvm.relax.VirtualMachine` now: `set_input(\"main\", *inputs)`, "
                          "`invoke_stateful(\"main\")`, `get_outputs(\"main\")`")
        return updated

    @staticmethod
    def _legacy_call(call: cst.Call, method: str) -> bool:
        """A call that only makes sense on a graph executor module."""
        if method in ("get_output", "get_num_outputs", "get_input", "set_input_zero_copy"):
            return True
        if method == "set_input":
            first = call.args[0] if call.args else None
            return first is None or first.keyword is not None or string_value(first.value) != "main"
        return False

    def _graph_module(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        parts = self._factory_parts(original)
        if parts is None or parts[2] != "default":
            self.ctx.flag(self.id, original, "run the `tvm.compile` result with `tvm.relax.VirtualMachine(ex, dev)`"
                          " (this GraphModule argument is not `lib[\"default\"](dev)`)")
            self.ctx.handled(original.func, removed=False)
            return updated
        lib, dev, _ = self._factory_parts(updated)
        self.ctx.handled(original.func)
        self.ctx.note(self.id, original, "GraphModule(lib[\"default\"](dev)) -> tvm.relax.VirtualMachine(lib, dev)")
        return cst.Call(func=self.ctx.reference("tvm.relax.VirtualMachine"), args=[cst.Arg(lib), cst.Arg(dev)])

    def _create(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self._create_parts(original) is None:
            self.ctx.flag(self.id, original, "graph JSON + library executors are gone: build the model with "
                          "`tvm.compile` (a Relay graph JSON and library cannot run on 0.27) and run it with "
                          "`tvm.relax.VirtualMachine(ex, dev)`")
            self.ctx.handled(original.func, removed=False)
            return updated
        lib, device = self._create_parts(updated)
        self.ctx.handled(original.func)
        self.ctx.note(self.id, original, "graph_executor.create(graph, lib, dev) -> tvm.relax.VirtualMachine(lib, dev)"
                      " (the Executable holds the program and its constants)")
        return cst.Call(func=self.ctx.reference("tvm.relax.VirtualMachine"), args=[cst.Arg(lib), cst.Arg(device)])

    # -- outputs and timing ------------------------------------------------------------------------
    def _get_output(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if len(updated.args) != 1 or updated.args[0].keyword or updated.args[0].star:
            self.ctx.flag(self.id, original, "`get_output(index, out)` has no VM counterpart: copy from "
                          "`vm.get_outputs(\"main\")` yourself")
            return updated
        self.ctx.require_helper(HELPER, HELPER_CODE)
        self.ctx.note(self.id, original, f"get_output(i) -> {HELPER}(vm, i) (the VM returns one output bare, "
                      "several as a tuple)")
        receiver = updated.func.value
        return cst.Call(func=cst.Name(HELPER), args=[cst.Arg(receiver), cst.Arg(updated.args[0].value)])

    def _benchmark(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        try:
            bound = bind_args(updated, BENCH_PARAMS)
        except UnboundCall as exc:
            self.ctx.flag(self.id, original, f"benchmark({exc}): set the inputs with `vm.set_input(\"main\", ...)`"
                          " and time `vm.time_evaluator(\"invoke_stateful\", dev, number=5, repeat=5)(\"main\")`")
            return updated
        func_name = bound.get("func_name")
        end_to_end = bound.get("end_to_end")
        if (func_name is not None and string_value(func_name) != "run") or (
                end_to_end is not None and not (isinstance(end_to_end, cst.Name) and end_to_end.value == "False")):
            self.ctx.flag(self.id, original, "time with `vm.time_evaluator(\"invoke_stateful\", dev, number, "
                          "repeat)(\"main\")` (end_to_end / another function has no VM counterpart)")
            return updated
        timer = vm_timer(updated.func.value, bound, string_literal("invoke_stateful"))
        self.ctx.note(self.id, original, "benchmark(...) -> time_evaluator(\"invoke_stateful\", ...)(\"main\") "
                      "(times the VM call with the inputs already set)")
        return cst.Call(func=timer, args=[cst.Arg(string_literal("main"))])

    def _time_evaluator(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        try:
            bound = bind_args(updated, TIMER_PARAMS)
        except UnboundCall:
            bound = None
        if bound is None or string_value(bound.get("func_name")) != "run":
            self.ctx.flag(self.id, original, "time the VM with `vm.time_evaluator(\"invoke_stateful\", dev, ...)"
                          "(\"main\")`")
            return updated
        args = [cst.Arg(string_literal("invoke_stateful"))] + [
            a for a in updated.args if a is not bound.args["func_name"]]
        vm = updated.func.value.value  # m.module -> m
        timer = with_args(updated, args, func=cst.Attribute(value=vm, attr=cst.Name("time_evaluator")))
        partial = cst.Call(func=self.ctx.reference("functools.partial", module="functools"),
                           args=[cst.Arg(timer), cst.Arg(string_literal("main"))])
        self.ctx.note(self.id, original, "module.time_evaluator(\"run\", ...) -> "
                      "functools.partial(vm.time_evaluator(\"invoke_stateful\", ...), \"main\")")
        return partial

    # -- set_input ... run() ---------------------------------------------------------------------------
    @staticmethod
    def _inputs(call: cst.Call, method: str) -> list[InputItem] | str:
        """The inputs a set_input/run call sets, or why they cannot be merged."""
        items = []
        args = list(call.args)
        if any(a.star == "*" for a in args):
            return "`*args` inputs"
        if method in SET_INPUT:
            positional = [a for a in args if a.keyword is None and not a.star]
            keywords = {a.keyword.value: a for a in args if a.keyword is not None}
            if len(positional) > 2:
                return "too many arguments"
            key = positional[0].value if positional else (keywords.pop("key").value if "key" in keywords else None)
            value = positional[1].value if len(positional) > 1 else (
                keywords.pop("value").value if "value" in keywords else None)
            if key is not None:
                if value is None:
                    return "set_input(name) without a value"
                items.append(InputItem(value, key))
            args = list(keywords.values()) + [a for a in args if a.star]
        for a in args:
            if a.star:
                items.append(InputItem(a.value, splat=True))
            elif a.keyword is None:
                return "positional run() arguments"
            else:
                items.append(InputItem(a.value, string_literal(a.keyword.value)))
        return items

    def rewrite_body(self, body: list) -> list:
        if not self.modules:
            return body
        pending: dict[str, list[int]] = {}
        replace: dict[int, list] = {}
        for i, stmt in enumerate(body):
            call = _method_call(stmt)
            if call is None or not self.modules.holds(call[0]):
                continue
            receiver, method, node = call
            key = dotted_name(receiver)
            if method in SET_INPUT:
                pending.setdefault(key, []).append(i)
            elif method == "run":
                replace.update(self._merge(body, receiver, pending.pop(key, []), i))
        for key, indices in pending.items():
            for j in indices:
                replace[j] = [self.ctx.flag_updated_statement(
                    self.id, body[j],
                    f"the Relax VM takes all inputs in one call: collect them and call "
                    f"`{key}.set_input(\"main\", *inputs)` then `{key}.invoke_stateful(\"main\")` where `{key}.run()` "
                    "was (no run() follows in this block)")]
        if not replace:
            return body
        out, carry = [], []
        for i, stmt in enumerate(body):
            new = replace.get(i, [stmt])
            if not new:
                carry.extend(stmt.leading_lines)
                continue
            if carry:
                new = [new[0].with_changes(leading_lines=[*carry, *new[0].leading_lines]), *new[1:]]
                carry = []
            out.extend(new)
        return out

    def _merge(self, body: list, receiver: cst.BaseExpression, indices: list[int], run_index: int) -> dict[int, list]:
        vm = dotted_name(receiver)
        items, problem = [], None
        for j in [*indices, run_index]:
            _, method, node = _method_call(body[j])
            got = self._inputs(node, method)
            if isinstance(got, str):
                problem = f"`{_code(node)}`: {got}"
                break
            items.extend(got)
        if problem is None and items:
            used = set().union(*(_names_in(i.value) | (_names_in(i.key) if i.key is not None else set())
                                 for i in items))
            for k in range(min(indices, default=run_index) + 1, run_index):
                if k not in indices and _assigned_names(body[k]) & used:
                    problem = f"`{_code(body[k])}` reassigns a value between set_input and run()"
                    break
        merged = None
        if problem is None:
            renamed, positions = pytorch_inputs(self.ctx) if "from_pytorch" in self.ctx.source else (False, None)
            try:
                merged = merge_inputs(items, bound=bound_params(self.ctx) if any(i.splat for i in items) else set(),
                                      positions=positions, renamed=renamed)
            except InputsNotMergeable as exc:
                problem = str(exc)
        if problem is not None:
            message = (f"cannot merge the inputs of `{vm}.run()` ({problem}); the Relax VM takes all inputs in one "
                       f"call: `{vm}.set_input(\"main\", ...)` then `{vm}.invoke_stateful(\"main\")`")
            return {run_index: [self.ctx.flag_updated_statement(self.id, body[run_index], message)]}
        run_stmt = body[run_index]
        stateful = run_stmt.with_changes(body=[cst.Expr(vm_call(receiver, "invoke_stateful", []))])
        result = {j: [] for j in indices}
        original = self.ctx.original_statement(run_stmt) or run_stmt
        dropped = ("; `**" + "`, `**".join(merged.dropped) + "` dropped: bound into the compiled module at build "
                   "time (the graph executor ignored them)") if merged.dropped else ""
        if not merged.args:
            if dotted_name(receiver) not in self.inputs_set:
                stateful = self.ctx.flag_updated_statement(
                    self.id, stateful, f"make sure the inputs were set with `{vm}.set_input(\"main\", ...)`: the "
                                       "Relax VM takes all inputs in one call")
            elif dropped:
                self.ctx.note(self.id, original, f"run() -> {vm}.invoke_stateful(\"main\"){dropped}")
            result[run_index] = [stateful]
            return result
        set_input = cst.SimpleStatementLine(
            body=[cst.Expr(vm_call(receiver, "set_input", merged.args))], leading_lines=run_stmt.leading_lines)
        stateful = stateful.with_changes(leading_lines=[])
        self.ctx.note(self.id, original,
                      f"set_input(...) x{len(indices)} + run() -> {vm}.set_input(\"main\", ...) + "
                      f"{vm}.invoke_stateful(\"main\") ({merged.how}){dropped}")
        result[run_index] = [set_input, stateful]
        return result


def vm_call(vm: cst.BaseExpression, method: str, args: list[cst.Arg]) -> cst.Call:
    """``vm.method("main", *args)``."""
    return cst.Call(func=cst.Attribute(value=vm, attr=cst.Name(method)),
                    args=[cst.Arg(string_literal("main")), *args])


def vm_timer(vm: cst.BaseExpression, bound, func_name: cst.BaseExpression) -> cst.Call:
    """``vm.time_evaluator(func_name, device, number=.., repeat=.., ...)`` from the bound
    arguments of a Relay ``benchmark`` call (Relay's defaults: number=5, repeat=5)."""
    args = [cst.Arg(func_name), cst.Arg(bound.get("device"))]
    for name, default in (("number", "5"), ("repeat", "5")):
        value = bound.get(name)
        args.append(arg(value if value is not None else cst.Integer(default), name))
    for name in ("min_repeat_ms", "cooldown_interval_ms", "repeats_to_cooldown"):
        value = bound.get(name)
        if value is not None and not (isinstance(value, cst.Name) and value.value == "None"):
            args.append(arg(value, name))
    return cst.Call(func=cst.Attribute(value=vm, attr=cst.Name("time_evaluator")), args=args)
