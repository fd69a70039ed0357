"""relay-executors: ``relay.create_executor(...).evaluate()`` and the Relay VM API.

Upstream: Relay's interpreter, ``create_executor`` and the Relay VM left with Relay
after v0.19. In 0.27 ``tvm.runtime.vm.VirtualMachine`` *is* the Relax VM
(``tvm.relax.VirtualMachine``), so ``VirtualMachine(exe, dev)`` keeps working on a
``tvm.compile`` result (relay-build rewrites ``relay.vm.compile``), but its methods differ:

* ``create_executor(kind, mod, device, target, params).evaluate()`` becomes
  ``tvm.relax.VirtualMachine(tvm.compile(BindParams("main", params)(mod), target=target),
  device)["main"]`` for every ``kind`` (debug/graph/vm/aot); an executor assigned to a
  variable is rewritten the same way and its ``.evaluate()`` becomes ``["main"]``.
  ``evaluate()(x, **params)`` moves ``**params`` into the binding when the chain is in
  one expression.
* Relay VM ``vm.run(*args)`` / ``vm.invoke(name, *args)`` -> ``vm["main"](*args)`` /
  ``vm[name](*args)``; without arguments after ``set_input`` they ran the inputs set
  before, which the Relax VM does with ``invoke_stateful`` + ``get_outputs`` (a helper).
  ``vm.get_outputs()`` returned a list; the Relax VM returns one output bare, so a
  helper keeps the list. ``vm.invoke_stateful(name, *args)`` -> ``vm.set_input(name,
  *args)`` + ``vm.invoke_stateful(name)``. Consecutive ``vm.set_one_input(name, key,
  value)`` calls are merged into one ``vm.set_input(name, ...)`` (the Relax VM takes all
  inputs at once; :mod:`rewriters.inputs`). ``vm.benchmark(dev, *args, ...)`` ->
  ``vm.time_evaluator(name, dev, number=5, repeat=5, ...)(*args)``, or without arguments
  ``vm.time_evaluator("invoke_stateful", dev, ...)(name)``.
* ``Executable.load_exec`` (Relay VM bytecode), ``get_input_index`` and
  ``invoke_with_outputs`` have no Relax counterpart: flagged (the relay-build rule flags
  ``exe.save()``).

Safety: behaviour-changing: every executor kind now compiles with the Relax pipeline
(the "debug" interpreter evaluated without compiling); results agree to float tolerance.
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, arg, bind_args, is_literal, string_literal, string_value, with_args
from rewriters.inputs import InputItem, InputsNotMergeable, merge_inputs
from rewriters.names import dotted_name
from rewriters.registry import Rule, Safety, register
from rewriters.rules._flow import CREATE_EXECUTOR as CREATE, CREATE_PARAMS, bound_params, pytorch_inputs
from rewriters.rules.graph_executor import vm_timer
from rewriters.tracking import TrackedValues
VM_CLASSES = ("tvm.runtime.vm.VirtualMachine", "tvm.relay.vm.VirtualMachine",
              "tvm.relay.backend.vm.VirtualMachine", "tvm.relax.VirtualMachine")
LOAD_EXEC = ("tvm.runtime.vm.Executable.load_exec", "tvm.relay.vm.Executable.load_exec")
OUTPUTS_HELPER = "tvm_migrate_vm_outputs"
OUTPUTS_HELPER_CODE = f'''def {OUTPUTS_HELPER}(vm, func_name="main"):
    """Relay VM get_outputs(): the outputs of the last invoke_stateful as a list (tvm-migrate)."""
    outputs = vm.get_outputs(func_name)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
'''
INVOKE_HELPER = "tvm_migrate_vm_invoke"
INVOKE_HELPER_CODE = f'''def {INVOKE_HELPER}(vm, func_name):
    """Relay VM invoke(func_name) with the inputs set by set_input (tvm-migrate)."""
    vm.invoke_stateful(func_name)
    return vm.get_outputs(func_name)
'''
BENCH_PARAMS = ["device", "func_name", "repeat", "number", "min_repeat_ms", "limit_zero_time_iterations",
                "end_to_end", "cooldown_interval_ms", "repeats_to_cooldown"]
NO_COUNTERPART = {
    "get_input_index": "the Relax VM has no input index: inputs are the parameters of the function, in order",
    "invoke_with_outputs": "the Relax VM allocates its outputs: `vm.set_input(name, ...)`, "
                           "`vm.invoke_stateful(name)`, `vm.get_outputs(name)`",
    "set_input_zero_copy": "use `vm.set_input(name, ...)` (all inputs in one call)",
}


@register
class RelayExecutors(Rule):
    """``relay.create_executor(...).evaluate()`` and Relay VM calls -> ``relax.VirtualMachine``."""

    id = "relay-executors"
    safety = Safety.BEHAVIOUR_CHANGING
    behaviour_change = (
        "every executor kind compiles with the Relax pipeline and runs on the Relax VM (the debug "
        "interpreter did not compile); results agree to float tolerance; consecutive set_one_input calls "
        "become one set_input call; benchmark(dev, *args) passes the arguments to every timed call"
    )
    summary = "relay.create_executor(...).evaluate() and the Relay VM (run/invoke/set_one_input/get_outputs/" \
              "benchmark) -> relax.VirtualMachine"
    upstream = "Relay removal after v0.19; tvm.relax.VirtualMachine"
    triggers = ("create_executor", "VirtualMachine", "load_exec")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.executors = TrackedValues(ctx)  # names bound to a rewritten create_executor(...)
        self.vms = TrackedValues(ctx)  # names bound to VirtualMachine(...) in a Relay-era file
        self.functions = TrackedValues(ctx)  # names bound to an executor's evaluate() result
        self.inputs_set: set[str] = set()  # receivers given inputs (set_input / set_one_input) in the file
        self.relay_file = ctx.imports.mentions("tvm.relay")
        self._fold: dict[int, cst.BaseExpression] = {}
        self._folded_calls: set[int] = set()
        self._rewritten: set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if not isinstance(node.value, cst.Call):
            return
        qual = self.ctx.resolve(node.value.func)
        if qual in CREATE and self._create_parts(node.value) is not None:
            tracked = self.executors
        elif self._is_evaluate(node.value):
            tracked = self.functions
        elif qual in VM_CLASSES and self.relay_file:
            tracked = self.vms
        else:
            return
        for t in node.targets:
            tracked.bind(t.target)

    def _create_parts(self, call: cst.Call):
        """The compiled-VM expression pieces of a create_executor call, or None."""
        try:
            bound = bind_args(call, CREATE_PARAMS)
        except UnboundCall:
            return None
        if bound.get("mod") is None or is_literal(bound.get("mod"), None):
            return None
        return bound

    def _vm_expr(self, bound, extra_params: cst.BaseExpression | None = None) -> cst.BaseExpression:
        mod = bound.get("mod")
        params = bound.get("params")
        if params is not None and is_literal(params, None):
            params = None
        if params is not None and extra_params is not None:
            params = cst.Dict([cst.StarredDictElement(params), cst.StarredDictElement(extra_params)])
        elif extra_params is not None:
            params = extra_params
        if params is not None:
            bind = cst.Call(func=self.ctx.reference("tvm.relax.transform.BindParams"),
                            args=[cst.Arg(string_literal("main")), cst.Arg(params)])
            mod = cst.Call(func=bind, args=[cst.Arg(mod)])
        target = bound.get("target")
        compile_args = [cst.Arg(mod), arg(target if target is not None else string_literal("llvm"), "target")]
        compiled = cst.Call(func=self.ctx.reference("tvm.compile"), args=compile_args)
        device = bound.get("device")
        if device is None or is_literal(device, None):
            device = cst.Call(func=self.ctx.reference("tvm.cpu"), args=[cst.Arg(cst.Integer("0"))])
        return cst.Call(func=self.ctx.reference("tvm.relax.VirtualMachine"),
                        args=[cst.Arg(compiled), cst.Arg(device)])

    @staticmethod
    def _main(vm: cst.BaseExpression, name: cst.BaseExpression | None = None) -> cst.Subscript:
        return cst.Subscript(value=vm, slice=[cst.SubscriptElement(cst.Index(name or string_literal("main")))])

    def _is_evaluate(self, call: cst.Call) -> bool:
        """``create_executor(...).evaluate()`` or ``executor.evaluate()`` (no argument)."""
        func = call.func
        return (isinstance(func, cst.Attribute) and func.attr.value == "evaluate" and not call.args
                and (self._evaluate_target(call) is not None or self.executors.holds(func.value)))

    def _evaluated_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``f(x, data=y, **params)`` of an evaluated Relay function: the Relax VM
        function takes positional inputs only. ``**params`` of a dict bound at compile
        time (or empty after the frontend rewrite) is dropped; named inputs are flagged."""
        keywords = [a for a in original.args if a.keyword is not None]
        stars = [a for a in original.args if a.star == "**"]
        unknown = [a for a in stars if not (isinstance(a.value, cst.Name) and a.value.value in bound_params(self.ctx))]
        if keywords or unknown:
            self.ctx.flag(self.id, original, "the Relax VM function takes its inputs by position (in the order of "
                          "`main`'s parameters), not by name; bind weights at compile time with "
                          "`relax.transform.BindParams`")
            return updated
        if not stars:
            return updated
        self.ctx.note(self.id, original, "`**" + "`, `**".join(a.value.value for a in stars) + "` dropped: "
                      "bound at compile time, or empty after the frontend rewrite")
        return with_args(updated, [a for a in updated.args if a.star != "**"])

    def _evaluate_target(self, call: cst.Call) -> cst.Call | None:
        """The create_executor call of ``create_executor(...).evaluate()``, else None."""
        func = call.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "evaluate" and isinstance(func.value, cst.Call)
                and self.ctx.resolve(func.value.func) in CREATE):
            return func.value
        return None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value in ("set_input", "set_one_input")
                and self.vms.holds(func.value)):
            self.inputs_set.add(dotted_name(func.value))
        # create_executor(...).evaluate()(x, **params): bind **params at compile time
        if not isinstance(func, cst.Call):
            return
        create = self._evaluate_target(func)
        stars = [a for a in node.args if a.star == "**"]
        if create is not None and len(stars) == 1 and not func.args:
            self._fold[id(create)] = stars[0].value
            self._folded_calls.add(id(node))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        qual = self.ctx.resolve(func)
        if qual in CREATE:
            return self._create(original, updated)
        if qual in LOAD_EXEC:
            self.ctx.flag(self.id, original, "Relay VM bytecode cannot be loaded in 0.27: rebuild the model with "
                          "`tvm.compile`, `ex.export_library(path)` once, then "
                          "`tvm.relax.VirtualMachine(tvm.runtime.load_module(path), dev)`")
            return updated
        if id(original) in self._folded_calls:
            return with_args(updated, [a for a in updated.args if a.star != "**"])
        if (isinstance(func, cst.Call) and self._is_evaluate(func)) or (
                isinstance(func, cst.Name) and self.functions.holds(func)):
            return self._evaluated_call(original, updated)
        if not isinstance(func, cst.Attribute):
            return updated
        method = func.attr.value
        receiver = func.value
        create = self._evaluate_target(original)
        chained = create is not None and id(create) in self._rewritten
        named = method == "evaluate" and self.executors.holds(receiver)
        if chained or named:
            if original.args:
                self.ctx.flag(self.id, original, "evaluate(expr) evaluated a Relay expression: build a Relax "
                              "function instead")
                return updated
            if named:
                self.ctx.note(self.id, original, "executor.evaluate() -> vm[\"main\"]")
            return self._main(updated.func.value)
        if self.vms.holds(receiver):
            return self._vm_method(original, updated, method)
        return updated

    def _create(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        bound = self._create_parts(updated)
        if bound is None:
            self.ctx.flag(self.id, original, "compile with `tvm.compile(mod, target)` and run with "
                          "`tvm.relax.VirtualMachine(ex, dev)[\"main\"](*inputs)` (the arguments of "
                          "create_executor could not be mapped, or `mod` is missing)")
            self.ctx.handled(original.func, removed=False)
            return updated
        self.ctx.handled(original.func)
        self._rewritten.add(id(original))
        extra = self._fold.get(id(original))
        self.ctx.note(self.id, original, "relay.create_executor(...) -> tvm.relax.VirtualMachine(tvm.compile(...), "
                      "dev) (Relax pipeline for every executor kind)"
                      + ("; the **params given to the evaluated function are bound at compile time" if extra else ""))
        return self._vm_expr(bound, extra)

    # -- the Relay VM ---------------------------------------------------------------------------------
    def _vm_method(self, original: cst.Call, updated: cst.Call, method: str) -> cst.BaseExpression:
        vm = updated.func.value
        args = updated.args
        whole_statement = _statement_call(self.ctx.current_statement) is original
        if method in ("run", "invoke"):
            if method == "invoke" and (not args or args[0].keyword is not None or args[0].star):
                return updated
            name = args[0].value if method == "invoke" else string_literal("main")
            inputs = args[1:] if method == "invoke" else args
            if any(a.keyword is not None or a.star == "**" for a in inputs):
                self.ctx.flag(self.id, original, "the Relax VM function takes positional inputs: "
                              "`vm[\"main\"](*inputs)` or `vm.set_input(\"main\", **named)` + `invoke_stateful`")
                return updated
            if not inputs and dotted_name(original.func.value) in self.inputs_set:
                self.ctx.require_helper(INVOKE_HELPER, INVOKE_HELPER_CODE)
                self.ctx.note(self.id, original, f"Relay VM {method}() with the inputs set before -> "
                              f"{INVOKE_HELPER}(vm, name) (invoke_stateful + get_outputs)")
                return cst.Call(func=cst.Name(INVOKE_HELPER), args=[cst.Arg(vm), cst.Arg(name)])
            self.ctx.note(self.id, original, f"Relay VM {method}(...) -> vm[name](...)")
            return with_args(updated, list(inputs), func=self._main(vm, name))
        if method == "get_outputs" and not args:
            self.ctx.require_helper(OUTPUTS_HELPER, OUTPUTS_HELPER_CODE)
            self.ctx.note(self.id, original, f"Relay VM get_outputs() -> {OUTPUTS_HELPER}(vm) (a list, as in Relay; "
                          "the Relax VM returns one output bare)")
            return cst.Call(func=cst.Name(OUTPUTS_HELPER), args=[cst.Arg(vm)])
        if method == "benchmark":
            return self._benchmark(original, updated)
        if method == "set_input" and args and any(a.keyword is not None for a in args[1:]):
            return self._named_set_input(original, updated)
        if method == "invoke_stateful" and len(args) > 1 and not (whole_statement and _plain(args)):
            self.ctx.flag(self.id, original, "the Relax VM's invoke_stateful takes only the function name: "
                          "`vm.set_input(name, *inputs)` then `vm.invoke_stateful(name)`")
        elif method == "set_one_input" and not (whole_statement and self._group_key(original) is not None):
            self.ctx.flag(self.id, original, "the Relax VM takes all inputs in one call: "
                          "`vm.set_input(name, *inputs)` (no set_one_input)")
        elif method in NO_COUNTERPART:
            self.ctx.flag(self.id, original, f"Relay VM `{method}` has no Relax VM counterpart: "
                          + NO_COUNTERPART[method])
        return updated

    def _renamed_inputs(self) -> tuple[bool, dict[str, int] | None]:
        return pytorch_inputs(self.ctx) if "from_pytorch" in self.ctx.source else (False, None)

    def _named_set_input(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``vm.set_input(name, input0=a, input1=b)`` where a PyTorch import renamed the
        inputs: by position in ``input_infos`` order (the same call otherwise)."""
        renamed, positions = self._renamed_inputs()
        if not renamed:
            return updated
        rest = updated.args[1:]
        items = [InputItem(a.value, string_literal(a.keyword.value)) if a.keyword is not None
                 else InputItem(a.value, splat=True) if a.star == "**" else None for a in rest]
        try:
            if None in items or any(a.keyword is None for a in rest):
                raise InputsNotMergeable("inputs given both by position and by name")
            merged = merge_inputs(items, positions=positions, renamed=True)
        except InputsNotMergeable as exc:
            self.ctx.flag(self.id, original, f"cannot match these inputs by name ({exc}): pass them by position, "
                          "in the order of forward()'s parameters")
            return updated
        self.ctx.note(self.id, original, f"set_input by input_infos names -> by position ({merged.how})")
        return with_args(updated, [updated.args[0], *merged.args])

    def _benchmark(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        positional = [a for a in updated.args if a.keyword is None and not a.star]
        rest = [a for a in updated.args if a.keyword is not None or a.star]
        if not positional or any(a.star for a in rest):
            self.ctx.flag(self.id, original, "time with `vm.time_evaluator(\"main\", dev, number=5, "
                          "repeat=5)(*inputs)` (the benchmark arguments could not be mapped)")
            return updated
        extra = [a for a in rest if a.keyword.value not in BENCH_PARAMS]
        try:
            bound = bind_args(updated.with_changes(args=[positional[0], *[a for a in rest if a not in extra]]),
                              BENCH_PARAMS)
        except UnboundCall:
            bound = None
        end_to_end = bound.get("end_to_end") if bound else None
        if bound is None or extra or (end_to_end is not None and not is_literal(end_to_end, False)):
            self.ctx.flag(self.id, original, "time with `vm.time_evaluator(\"main\", dev, number=5, repeat=5)"
                          "(*inputs)` (named inputs and end_to_end have no counterpart)")
            return updated
        func_name = bound.get("func_name") or string_literal("main")
        vm = updated.func.value
        inputs = positional[1:]
        if inputs:
            timer = vm_timer(vm, bound, func_name)
            self.ctx.note(self.id, original, "Relay VM benchmark(dev, *inputs) -> vm.time_evaluator(name, dev, ...)"
                          "(*inputs)")
            return cst.Call(func=timer, args=[cst.Arg(a.value) for a in inputs])
        timer = vm_timer(vm, bound, string_literal("invoke_stateful"))
        self.ctx.note(self.id, original, "Relay VM benchmark(dev) -> vm.time_evaluator(\"invoke_stateful\", dev, "
                      "...)(name) (times the function with the inputs set before)")
        return cst.Call(func=timer, args=[cst.Arg(func_name)])

    # -- statement-level rewrites: set_one_input groups, invoke_stateful with inputs ------------------------
    def rewrite_body(self, body: list) -> list:
        if not self.vms:
            return body
        out: list = []
        group: list[tuple[int, cst.Call]] = []  # consecutive set_one_input calls of one vm and function

        def flush():
            if group:
                out.extend(self._merge_one_inputs(body, group))
                group.clear()

        for i, stmt in enumerate(body):
            call = _statement_call(stmt)
            if call is not None and self.vms.holds(call.func.value):
                method = call.func.attr.value
                if method == "set_one_input" and self._group_key(call) is not None:
                    if group and self._group_key(group[0][1]) != self._group_key(call):
                        flush()
                    group.append((i, call))
                    continue
                flush()
                if method == "invoke_stateful" and len(call.args) > 1 and _plain(call.args):
                    out.extend(self._split_invoke_stateful(stmt, call))
                    continue
            flush()
            out.append(stmt)
        flush()
        return out

    @staticmethod
    def _group_key(call: cst.Call) -> str | None:
        first = call.args[0] if call.args else None
        if first is None or first.keyword is not None or first.star:
            return None
        return dotted_name(call.func.value) + "|" + (string_value(first.value) or cst.Module([]).code_for_node(
            first.value))

    def _merge_one_inputs(self, body: list, group: list[tuple[int, cst.Call]]) -> list:
        items: list[InputItem] = []
        for _, call in group:
            rest = call.args[1:]
            if len(rest) == 2 and all(a.keyword is None and not a.star for a in rest):
                items.append(InputItem(rest[1].value, rest[0].value))
            elif len(rest) == 1 and rest[0].keyword is not None:
                items.append(InputItem(rest[0].value, string_literal(rest[0].keyword.value)))
            else:
                items = None
                break
        merged = None
        if items is not None:
            renamed, positions = self._renamed_inputs()
            try:
                merged = merge_inputs(items, positions=positions, renamed=renamed)
            except InputsNotMergeable as exc:
                reason = str(exc)
        else:
            reason = "arguments that are not (name, key, value)"
        statements = [body[i] for i, _ in group]
        if merged is None:
            return [self.ctx.flag_updated_statement(
                self.id, stmt, f"cannot merge these set_one_input calls ({reason}): the Relax VM takes all inputs "
                "in one call, `vm.set_input(name, *inputs)`") for stmt in statements]
        last = statements[-1]
        first_call = group[0][1]
        set_input = first_call.with_changes(
            func=first_call.func.with_changes(attr=cst.Name("set_input")), args=[first_call.args[0].with_changes(
                comma=cst.MaybeSentinel.DEFAULT), *merged.args])
        set_input = with_args(set_input, list(set_input.args))
        leading = [line for stmt in statements for line in stmt.leading_lines]
        original = self.ctx.original_statement(last) or last
        self.ctx.note(self.id, original, f"set_one_input(...) x{len(group)} -> set_input(name, ...) ({merged.how})")
        return [last.with_changes(body=[cst.Expr(set_input)], leading_lines=leading)]

    def _split_invoke_stateful(self, stmt, call: cst.Call) -> list:
        name = call.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        set_input = with_args(call, list(call.args), func=call.func.with_changes(attr=cst.Name("set_input")))
        invoke = call.with_changes(args=[name])
        original = self.ctx.original_statement(stmt) or stmt
        self.ctx.note(self.id, original, "Relay VM invoke_stateful(name, *inputs) -> vm.set_input(name, *inputs) + "
                      "vm.invoke_stateful(name)")
        return [stmt.with_changes(body=[cst.Expr(set_input)]),
                stmt.with_changes(body=[cst.Expr(invoke)], leading_lines=[])]


def _plain(args) -> bool:
    return not any(a.keyword is not None or a.star for a in args)


def _statement_call(stmt) -> cst.Call | None:
    """The call of a statement that is just ``receiver.method(...)``."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr):
        call = stmt.body[0].value
        if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                and dotted_name(call.func.value) is not None):
            return call
    return None
