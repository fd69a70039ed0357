"""Emission: walk a `Plan` scope by scope and bind Relax expressions with a BlockBuilder.

Nested work (an `If`'s branches, the body of an inlined local function) runs as a sub-generator on
an explicit stack (`run`), so neither graph depth nor nesting depth recurses in Python.

Lexical scoping follows Relay: a `Frame` is one instantiation of a plan (a function body with its
parameters bound); a variable that the plan does not bind is looked up in the enclosing frame.
Local functions are `Closure`s: inlined at each call, or lifted to a private global function
when they call themselves (Relay's loops).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import tvm
from tvm import relax

from . import relay_ir as ir
from .errors import MigrateError, UnsupportedInputError
from .translate_context import TranslationContext
from .translate_plan import GET_ITEM, GLOBAL_CALL, IF, LOCAL_CALL, OP_CALL, TUPLE, VAR_CALL


def run(gen) -> Any:
    """Drive a generator that yields sub-generators (and gets their return values sent back)."""
    stack, value = [gen], None
    while stack:
        try:
            sub = stack[-1].send(value)
        except StopIteration as stop:
            stack.pop()
            value = stop.value
            continue
        stack.append(sub)
        value = None
    return value


@dataclass(eq=False)
class Closure:
    """A local function together with the frame it was defined in."""

    func: ir.Function
    frame: "Frame"


class Frame:
    """One instantiation of a plan: parameter values (`env`), emitted node values, the enclosing frame."""

    def __init__(self, plan, env: dict, parent, emitter: "Emitter"):
        self.plan = plan
        self.env = env
        self.values: dict = {}
        self.parent = parent
        self.emitter = emitter

    def lookup(self, var: ir.Var):
        frame = self
        while frame is not None:
            if id(var) in frame.env:
                return frame.env[id(var)]
            if frame.plan is not None and frame.plan.is_local(var):
                target = frame.plan.resolve(var)
                if isinstance(target, ir.Function):
                    return Closure(target, frame)
                return frame.value(target)
            frame = frame.parent
        raise UnsupportedInputError(
            f"{self.emitter.module.where(var, self.plan)}: free variable %{var.name}: it is bound nowhere in the "
            f"function; give it as a parameter"
        )

    def value(self, node) -> relax.Expr:
        key = id(node)
        if self.plan is not None and key in self.plan.kind:
            return self.values[key]
        if isinstance(node, ir.Var):
            value = self.lookup(node)
            if isinstance(value, Closure):
                raise UnsupportedInputError(
                    f"{self.emitter.module.where(node, self.plan)}: local function %{node.name} is used as a value; "
                    f"only direct calls of local functions can be translated"
                )
            return value
        if isinstance(node, ir.Constant):
            return self.emitter.module.constant(node)
        if isinstance(node, ir.GlobalVar):
            return self.emitter.module.global_var(node.name, node)
        raise UnsupportedInputError(
            f"{self.emitter.module.where(node, self.plan)}: {type(node).__name__} cannot be used as a value here"
        )


class Emitter:
    """Builds Relax function bodies with the module's BlockBuilder (scopes nest: a lifted function is
    built while its caller's block is still open, like an If branch)."""

    def __init__(self, module):
        self.module = module
        self.bb = module.bb

    def function(self, frame: Frame, params: list, name: str, private: bool = False) -> relax.Function:
        bb = self.bb
        bb.begin_scope(params)
        bb._begin_binding_block()
        run(self.scope(frame, 0))
        result = frame.value(frame.plan.root)
        block = bb._end_block()
        bb.end_scope()
        body = bb.normalize(relax.SeqExpr([block], result))
        func = relax.Function(params, body, is_pure=True)
        return func if private else func.with_attr("global_symbol", name)

    # ------------------------------------------------------------------ generators

    def scope(self, frame: Frame, scope: int):
        plan = frame.plan
        for node in plan.scope_nodes.get(scope, ()):
            kind = plan.kind[id(node)]
            if kind == IF:
                value = yield self.emit_if(frame, node)
            elif kind in (LOCAL_CALL, VAR_CALL):
                value = yield self.local_call(frame, node, kind)
            else:
                value = self.simple(frame, node, kind)
            frame.values[id(node)] = value

    def emit_if(self, frame: Frame, node: ir.If):
        plan, bb = frame.plan, self.bb
        cond = frame.value(plan.resolve(node.cond))
        branches = []
        for scope, branch in zip(plan.if_scopes[id(node)], (node.true_branch, node.false_branch)):
            bb.begin_scope()
            bb._begin_binding_block()
            yield self.scope(frame, scope)
            result = frame.value(plan.resolve(branch))
            block = bb._end_block()
            bb.end_scope()
            branches.append(relax.SeqExpr([block], result))
        try:
            return bb.emit(relax.If(cond, branches[0], branches[1]), self.name(plan, node))
        except Exception as err:  # noqa: BLE001  (a TVM check: report it where it happened)
            raise UnsupportedInputError(
                f"{self.module.where(node, plan)}: if: cannot build the Relax If: {_first_line(err)}"
            ) from None

    def local_call(self, frame: Frame, node: ir.Call, kind: int):
        plan = frame.plan
        args = [frame.value(plan.resolve(a)) for a in node.args]
        if kind == LOCAL_CALL:
            # a global function has no enclosing frame
            closure = Closure(plan.callee[id(node)], None if id(node) in plan.global_callees else frame)
        else:
            closure = frame.lookup(plan.callee[id(node)])
            if not isinstance(closure, Closure):
                raise UnsupportedInputError(
                    f"{self.module.where(node, plan)}: calls %{plan.callee[id(node)].name}, which is not a function"
                )
        func = closure.func
        if len(args) != len(func.params):
            raise UnsupportedInputError(
                f"{self.module.where(node, plan)}: local function takes {len(func.params)} arguments, "
                f"the call gives {len(args)}"
            )
        if self.module.is_recursive(func):
            gv, captures = self.module.lift(closure, node, plan)
            return self.bb.emit(relax.Call(gv, args + captures), self.name(plan, node))
        callee_plan = self.module.plan_for(func)
        child = Frame(callee_plan, {id(p): a for p, a in zip(func.params, args)}, closure.frame, self)
        yield self.scope(child, 0)
        return child.value(callee_plan.root)

    def simple(self, frame: Frame, node, kind: int) -> relax.Expr:
        plan, bb = frame.plan, self.bb
        if kind == TUPLE:
            return relax.Tuple([frame.value(plan.resolve(f)) for f in node.fields])
        if kind == GET_ITEM:
            value = frame.value(plan.resolve(node.tuple_value))
            if isinstance(value, relax.Tuple):
                return value.fields[node.index]
            return bb.emit(relax.TupleGetItem(value, node.index), self.name(plan, node))
        args = [frame.value(plan.resolve(a)) for a in node.args]
        if kind == GLOBAL_CALL:
            gv = self.module.global_var(node.op.name, node, plan)
            return self._emit(relax.Call(gv, args), plan, node)
        assert kind == OP_CALL
        mapping = self.module.mapping(node.op.name)
        ctx = TranslationContext(bb, node, lambda: self.module.where(node, plan))
        try:
            result = mapping.translator(ctx, node, args)
        except MigrateError:
            raise
        except Exception as err:  # a TVM check or a translator bug: say where, keep the cause
            raise UnsupportedInputError(
                f"{ctx.where}: {node.op.name}: translation failed: {_first_line(err)}"
            ) from err
        return self._emit(result, plan, node)

    def _emit(self, expr: relax.Expr, plan, node) -> relax.Expr:
        if isinstance(expr, (relax.Var, tvm.ir.expr.Constant, relax.Tuple)):
            return expr
        try:
            return self.bb.emit(expr, self.name(plan, node))
        except Exception as err:  # noqa: BLE001  (a TVM check: report it where it happened)
            raise UnsupportedInputError(
                f"{self.module.where(node, plan)}: {getattr(node.op, 'name', 'call')}: the Relax expression does "
                f"not type-check: {_first_line(err)}"
            ) from err

    @staticmethod
    def name(plan, node) -> str:
        return plan.names.get(id(node), "lv")


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "Error" in ln or "Check failed" in ln:
            return ln.strip()
    return lines[-1].strip() if lines else type(err).__name__


def constant_value(node: ir.Constant) -> tvm.ir.expr.Constant:
    data = node.data
    if not isinstance(data, np.ndarray):
        data = np.asarray(data)
    return relax.const(data, str(data.dtype))
