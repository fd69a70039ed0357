"""graph-executor: ``graph_executor.GraphModule`` -> ``tvm.relax.VirtualMachine``.

Upstream: the graph executor (``tvm.contrib.graph_executor``) left with Relay after
v0.19. ``relax.VirtualMachine(ex, dev)`` (python/tvm/runtime/vm.py) runs a
``tvm.compile`` result; its stateful API is ``set_input("main", *args, **kwargs)``,
``invoke_stateful("main")`` and ``get_outputs("main")``.

The two differ in ways a rename would get wrong:

* the graph executor takes inputs one name at a time, in any order, and keeps them;
  the VM takes all of a function's inputs in one ``set_input`` call. The
  ``set_input`` statements before a ``run()`` in the same block are merged into one
  call at the ``run()``; a single input is passed positionally (robust to input
  renaming), several by name (``**{"input.1": x, ...}``; the onnx-frontend rule keeps
  ONNX names with ``sanitize_input_names=False``). Inputs fed from a loop, by index or
  from ``**params`` are flagged.
* ``get_outputs`` returns a lone Tensor for one output and a tuple for several, so
  ``get_output(i)`` becomes a small module-level helper that handles both.
* ``benchmark`` / ``module.time_evaluator("run", ...)`` become
  ``time_evaluator("invoke_stateful", dev, ...)`` called with ``"main"`` (Relay's
  benchmark defaults ``repeat=5, number=5`` are kept).

Safety: behaviour-changing, see ``behaviour_change``.
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, arg, bind_args, string_literal, string_value, with_args
from rewriters.registry import Rule, Safety, register

GRAPH_MODULE = ("tvm.contrib.graph_executor.GraphModule", "tvm.contrib.graph_runtime.GraphModule",
                "tvm.contrib.debugger.debug_executor.GraphModuleDebug")
CREATE = ("tvm.contrib.graph_executor.create", "tvm.contrib.graph_runtime.create",
          "tvm.contrib.debugger.debug_executor.create")
HELPER = "tvm_migrate_graph_output"
HELPER_CODE = f'''def {HELPER}(vm, index):
    """GraphModule.get_output(index) for a Relax VM: one output is a Tensor, several a tuple (tvm-migrate)."""
    outputs = vm.get_outputs("main")
    return outputs[index] if isinstance(outputs, (list, tuple)) else outputs
'''
GONE_METHODS = {
    "get_input": "the VM does not expose inputs: keep your own reference to the input tensors",
    "get_input_index": "the VM has no input index: inputs are the parameters of `main`, in order",
    "get_input_info": "read the shapes from the Relax module: `mod[\"main\"].params`",
    "get_num_inputs": "count the parameters of `main` in the Relax module",
    "get_num_outputs": "after `invoke_stateful`, `vm.get_outputs(\"main\")` is one Tensor or a tuple of them",
    "load_params": "params are bound into the module at compile time (relax.transform.BindParams)",
    "share_params": "params are bound into the module at compile time (relax.transform.BindParams)",
    "debug_get_output": "profile with `tvm.relax.VirtualMachine(ex, dev, profile=True)` / `vm.profile(...)`",
}
BENCH_PARAMS = ["device", "func_name", "repeat", "number", "min_repeat_ms", "limit_zero_time_iterations",
                "end_to_end", "cooldown_interval_ms", "repeats_to_cooldown"]
TIMER_PARAMS = ["func_name", "dev", "number", "repeat", "min_repeat_ms", "limit_zero_time_iterations",
                "cooldown_interval_ms", "repeats_to_cooldown", "f_preproc"]


def _method_call(stmt: cst.CSTNode) -> tuple[str, str, cst.Call] | None:
    """``(receiver, method, call)`` for a statement that is just ``name.method(...)``."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    expr = stmt.body[0]
    if not isinstance(expr, cst.Expr) or not isinstance(expr.value, cst.Call):
        return None
    func = expr.value.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        return func.value.value, func.attr.value, expr.value
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


@register
class GraphExecutor(Rule):
    """``graph_executor.GraphModule`` + ``set_input``/``run``/``get_output`` -> ``relax.VirtualMachine``."""

    id = "graph-executor"
    safety = Safety.BEHAVIOUR_CHANGING
    behaviour_change = (
        "inputs set before a run() are passed in one set_input call (a value computed between the original "
        "set_input and run() is read at the run()); several inputs are matched by name against main's "
        "parameters; outputs come from the Relax VM"
    )
    summary = "graph_executor.GraphModule + set_input/run/get_output/benchmark -> relax.VirtualMachine " \
              "(inputs merged into one set_input call)"
    upstream = "Relay/graph executor removal after v0.19; tvm.relax.VirtualMachine (python/tvm/runtime/vm.py)"
    triggers = ("graph_executor", "graph_runtime", "debug_executor")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.modules: set[str] = set()
        self.inputs_set: set[str] = set()
        self.factory_functions: set[str] = set()  # functions that return a GraphModule
        self._functions: list[str] = []
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

    def _makes_module(self, value: cst.BaseExpression | None) -> bool:
        """``GraphModule(lib["default"](dev))``, a call of a function returning one, or a
        name bound to one."""
        if isinstance(value, cst.Name):
            return value.value in self.modules
        if not isinstance(value, cst.Call):
            return False
        if self.ctx.resolve(value.func) in GRAPH_MODULE:
            return self._factory_parts(value) is not None
        return isinstance(value.func, cst.Name) and value.func.value in self.factory_functions

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._makes_module(node.value):
            for t in node.targets:
                if isinstance(t.target, cst.Name):
                    self.modules.add(t.target.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node.name.value)

    def leave_FunctionDef(self, original, updated):
        self._functions.pop()
        return updated

    def visit_Return(self, node: cst.Return) -> None:
        if self._functions and self._makes_module(node.value):
            self.factory_functions.add(self._functions[-1])

    def visit_Call(self, node: cst.Call) -> None:
        # inputs set earlier in source order (visits run top-down, before any block is rewritten)
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value in ("set_input", "run")
                and isinstance(func.value, cst.Name) and func.value.value in self.modules
                and (func.attr.value == "set_input" or node.args)):
            self.inputs_set.add(func.value.value)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        qual = self.ctx.resolve(original.func)
        if qual in GRAPH_MODULE:
            return self._graph_module(original, updated)
        if qual in CREATE:
            self.ctx.flag(self.id, original, "graph JSON + library executors are gone: compile with `tvm.compile` "
                          "and run with `tvm.relax.VirtualMachine(ex, dev)`")
            self.ctx.handled(original.func, removed=False)
            return updated
        func = original.func
        if not isinstance(func, cst.Attribute):
            return updated
        method = func.attr.value
        receiver = func.value
        if (self.graph_file and isinstance(receiver, cst.Name) and receiver.value not in self.modules
                and self._legacy_call(original, method)):
            self.ctx.flag(self.id, original, f"if `{receiver.value}` is a graph executor module (its creation was "
                          "not recognised): it is a `tvm.relax.VirtualMachine` now: `set_input(\"main\", *inputs)`, "
                          "`invoke_stateful(\"main\")`, `get_outputs(\"main\")`")
            return updated
        if isinstance(receiver, cst.Name) and receiver.value in self.modules:
            if method == "get_output":
                return self._get_output(original, updated)
            if method == "benchmark":
                return self._benchmark(original, updated)
            if method in GONE_METHODS:
                self.ctx.flag(self.id, original, f"`{method}` is not on the Relax VM: {GONE_METHODS[method]}")
        elif (method == "time_evaluator" and isinstance(receiver, cst.Attribute) and receiver.attr.value == "module"
              and isinstance(receiver.value, cst.Name) and receiver.value.value in self.modules):
            return self._time_evaluator(original, updated)
        return updated

    @staticmethod
    def _legacy_call(call: cst.Call, method: str) -> bool:
        """A call that only makes sense on a graph executor module."""
        if method in ("get_output", "get_num_outputs", "get_input"):
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
        args = [cst.Arg(string_literal("invoke_stateful")), cst.Arg(bound.get("device"))]
        for name, default in (("number", "5"), ("repeat", "5")):
            value = bound.get(name)
            args.append(arg(value if value is not None else cst.Integer(default), name))
        for name in ("min_repeat_ms", "cooldown_interval_ms", "repeats_to_cooldown"):
            value = bound.get(name)
            if value is not None and not (isinstance(value, cst.Name) and value.value == "None"):
                args.append(arg(value, name))
        timer = cst.Call(func=updated.func.with_changes(attr=cst.Name("time_evaluator")), args=args)
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
    def _inputs(self, call: cst.Call, method: str):
        """``[(name, value)]`` of a set_input/run call, or a reason it cannot be merged."""
        items = []
        args = list(call.args)
        if method == "set_input":
            positional = [a for a in args if a.keyword is None and not a.star]
            keywords = {a.keyword.value: a for a in args if a.keyword is not None}
            key = positional[0].value if positional else (keywords.pop("key").value if "key" in keywords else None)
            value = positional[1].value if len(positional) > 1 else (
                keywords.pop("value").value if "value" in keywords else None)
            if len(positional) > 2:
                return "too many arguments"
            if key is not None:
                name = string_value(key)
                if name is None:
                    return "an input named by a variable or an index (the VM matches inputs by position or name)"
                if value is None:
                    return "set_input(name) without a value"
                items.append((name, value))
            args = list(keywords.values()) + [a for a in args if a.star]
        for a in args:
            if a.star:
                return "`**params`-style inputs (the VM rejects names that are not inputs of `main`)"
            if a.keyword is None:
                return "positional run() arguments"
            items.append((a.keyword.value, a.value))
        return items

    def rewrite_body(self, body: list) -> list:
        if not self.modules:
            return body
        pending: dict[str, list[int]] = {}
        replace: dict[int, list] = {}
        for i, stmt in enumerate(body):
            call = _method_call(stmt)
            if call is None or call[0] not in self.modules:
                continue
            vm, method, node = call
            if method == "set_input":
                pending.setdefault(vm, []).append(i)
            elif method == "run":
                indices = pending.pop(vm, [])
                replace.update(self._merge(body, vm, indices, i))
        for vm, indices in pending.items():
            for j in indices:
                replace[j] = [self.ctx.flag_updated_statement(
                    self.id, body[j],
                    f"the Relax VM takes all inputs in one call: collect them and call "
                    f"`{vm}.set_input(\"main\", *inputs)` then `{vm}.invoke_stateful(\"main\")` where `{vm}.run()` "
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

    def _merge(self, body: list, vm: str, indices: list[int], run_index: int) -> dict[int, list]:
        items, problem = [], None
        for j in [*indices, run_index]:
            _, method, node = _method_call(body[j])
            got = self._inputs(node, method)
            if isinstance(got, str):
                problem = got
                break
            items.extend(got)
        if problem is None and items:
            used = set().union(*(_names_in(v) for _, v in items))
            for k in range(min(indices, default=run_index) + 1, run_index):
                if k not in indices and _assigned_names(body[k]) & used:
                    problem = "a value is reassigned between set_input and run()"
                    break
        if problem is not None:
            message = (f"cannot merge the inputs of `{vm}.run()`: {problem}; the Relax VM takes all inputs in one "
                       f"call: `{vm}.set_input(\"main\", ...)` then `{vm}.invoke_stateful(\"main\")`")
            return {j: [self.ctx.flag_updated_statement(self.id, body[j], message)] for j in [*indices, run_index]}
        run_stmt = body[run_index]
        stateful = run_stmt.with_changes(body=[cst.Expr(self._vm_call(vm, "invoke_stateful", []))])
        result = {j: [] for j in indices}
        if not items:
            if vm not in self.inputs_set:
                stateful = self.ctx.flag_updated_statement(
                    self.id, stateful, f"make sure the inputs were set with `{vm}.set_input(\"main\", ...)`: the "
                                       "Relax VM takes all inputs in one call")
            result[run_index] = [stateful]
            return result
        merged: dict[str, cst.BaseExpression] = {}
        for name, value in items:
            merged[name] = value  # a later set_input of the same name wins, as in the graph executor
        if len(merged) == 1:
            args = [cst.Arg(next(iter(merged.values())))]
            how = "one input, passed by position"
        else:
            args = [cst.Arg(cst.Dict([cst.DictElement(string_literal(k), v) for k, v in merged.items()]), star="**")]
            how = f"{len(merged)} inputs passed by name: they must match the parameter names of `main`"
        set_input = cst.SimpleStatementLine(
            body=[cst.Expr(self._vm_call(vm, "set_input", args))], leading_lines=run_stmt.leading_lines)
        stateful = stateful.with_changes(leading_lines=[])
        original = self.ctx.original_statement(run_stmt)
        self.ctx.note(self.id, original or run_stmt,
                      f"set_input(...) x{len(indices)} + run() -> {vm}.set_input(\"main\", ...) + "
                      f"{vm}.invoke_stateful(\"main\") ({how})")
        result[run_index] = [set_input, stateful]
        return result

    @staticmethod
    def _vm_call(vm: str, method: str, args: list[cst.Arg]) -> cst.Call:
        return cst.Call(func=cst.Attribute(value=cst.Name(vm), attr=cst.Name(method)),
                        args=[cst.Arg(string_literal("main")), *args])
