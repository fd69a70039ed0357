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
  ``vm[name](*args)``; ``vm.get_outputs()`` -> ``vm.get_outputs("main")``;
  ``exe.save()`` / ``Executable.load_exec`` are flagged (use ``export_library`` /
  ``tvm.runtime.load_module``).

Safety: behaviour-changing: every executor kind now compiles with the Relax pipeline
(the "debug" interpreter evaluated without compiling); results agree to float tolerance.
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, arg, bind_args, is_literal, string_literal, with_args
from rewriters.registry import Rule, Safety, register

CREATE = ("tvm.relay.create_executor", "tvm.relay.build_module.create_executor")
CREATE_PARAMS = ["kind", "mod", "device", "target", "params"]
VM_CLASSES = ("tvm.runtime.vm.VirtualMachine", "tvm.relay.vm.VirtualMachine",
              "tvm.relay.backend.vm.VirtualMachine", "tvm.relax.VirtualMachine")
LOAD_EXEC = ("tvm.runtime.vm.Executable.load_exec", "tvm.relay.vm.Executable.load_exec")


@register
class RelayExecutors(Rule):
    """``relay.create_executor(...).evaluate()`` and Relay VM calls -> ``relax.VirtualMachine``."""

    id = "relay-executors"
    safety = Safety.BEHAVIOUR_CHANGING
    behaviour_change = (
        "every executor kind compiles with the Relax pipeline and runs on the Relax VM (the debug "
        "interpreter did not compile); results agree to float tolerance"
    )
    summary = "relay.create_executor(...).evaluate() and Relay VM run/invoke/get_outputs -> relax.VirtualMachine"
    upstream = "Relay removal after v0.19; tvm.relax.VirtualMachine"
    triggers = ("create_executor", "VirtualMachine", "load_exec")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.executors: set[str] = set()  # names bound to a rewritten create_executor(...)
        self.vms: set[str] = set()  # names bound to VirtualMachine(...) in a Relay-era file
        self.relay_file = ctx.imports.mentions("tvm.relay")
        self._fold: dict[int, cst.BaseExpression] = {}
        self._folded_calls: set[int] = set()
        self._rewritten: set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if not isinstance(node.value, cst.Call):
            return
        qual = self.ctx.resolve(node.value.func)
        names = [t.target.value for t in node.targets if isinstance(t.target, cst.Name)]
        if qual in CREATE and self._create_parts(node.value) is not None:
            self.executors.update(names)
        elif qual in VM_CLASSES and self.relay_file:
            self.vms.update(names)

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

    def _evaluate_target(self, call: cst.Call) -> cst.Call | None:
        """The create_executor call of ``create_executor(...).evaluate()``, else None."""
        func = call.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "evaluate" and isinstance(func.value, cst.Call)
                and self.ctx.resolve(func.value.func) in CREATE):
            return func.value
        return None

    def visit_Call(self, node: cst.Call) -> None:
        # create_executor(...).evaluate()(x, **params): bind **params at compile time
        if not isinstance(node.func, cst.Call):
            return
        create = self._evaluate_target(node.func)
        stars = [a for a in node.args if a.star == "**"]
        if create is not None and len(stars) == 1 and not node.func.args:
            self._fold[id(create)] = stars[0].value
            self._folded_calls.add(id(node))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        qual = self.ctx.resolve(func)
        if qual in CREATE:
            return self._create(original, updated)
        if qual in LOAD_EXEC:
            self.ctx.flag(self.id, original, "Relay VM bytecode files are gone: `ex.export_library(path)` once, "
                          "then `tvm.relax.VirtualMachine(tvm.runtime.load_module(path), dev)`")
            return updated
        if id(original) in self._folded_calls:
            return with_args(updated, [a for a in updated.args if a.star != "**"])
        if not isinstance(func, cst.Attribute):
            return updated
        method = func.attr.value
        receiver = func.value
        create = self._evaluate_target(original)
        chained = create is not None and id(create) in self._rewritten
        named = method == "evaluate" and isinstance(receiver, cst.Name) and receiver.value in self.executors
        if chained or named:
            if original.args:
                self.ctx.flag(self.id, original, "evaluate(expr) evaluated a Relay expression: build a Relax "
                              "function instead")
                return updated
            if named:
                self.ctx.note(self.id, original, "executor.evaluate() -> vm[\"main\"]")
            return self._main(updated.func.value)
        if isinstance(receiver, cst.Name) and receiver.value in self.vms:
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

    def _vm_method(self, original: cst.Call, updated: cst.Call, method: str) -> cst.BaseExpression:
        vm = updated.func.value
        if method == "run":
            if any(a.keyword is not None or a.star == "**" for a in updated.args):
                self.ctx.flag(self.id, original, "the Relax VM function takes positional inputs: "
                              "`vm[\"main\"](*inputs)` or `vm.set_input(\"main\", **named)` + `invoke_stateful`")
                return updated
            self.ctx.note(self.id, original, "Relay VM run(*args) -> vm[\"main\"](*args)")
            return updated.with_changes(func=self._main(vm))
        if method == "invoke" and updated.args and updated.args[0].keyword is None:
            if any(a.keyword is not None or a.star == "**" for a in updated.args[1:]):
                self.ctx.flag(self.id, original, "the Relax VM function takes positional inputs")
                return updated
            self.ctx.note(self.id, original, "Relay VM invoke(name, *args) -> vm[name](*args)")
            return updated.with_changes(func=self._main(vm, updated.args[0].value), args=updated.args[1:])
        if method == "get_outputs" and not updated.args:
            self.ctx.note(self.id, original, "Relay VM get_outputs() -> get_outputs(\"main\") (one output comes "
                          "back as a Tensor, several as a tuple)")
            return updated.with_changes(args=[cst.Arg(string_literal("main"))])
        if method in ("benchmark", "invoke_with_outputs", "set_one_input", "get_input_index"):
            self.ctx.flag(self.id, original, f"Relay VM `{method}` has no Relax VM counterpart: use "
                          "`vm.time_evaluator(\"main\", dev, number, repeat)(*inputs)` for timing, "
                          "`vm.set_input(\"main\", ...)` for inputs")
        return updated

