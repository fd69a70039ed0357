"""Emission: walk a `Plan` scope by scope and bind Relax expressions with a BlockBuilder.

Nested work (an `If`'s branches, the body of an inlined local function) runs as a sub-generator on
an explicit stack (`run`), so neither graph depth nor nesting depth recurses in Python.

Lexical scoping follows Relay: a `Frame` is one instantiation of a plan (a function body with its
parameters bound); a variable that the plan does not bind is looked up in the enclosing frame.
Local functions are `Closure`s: inlined at each call, or lifted to a private global function
when they call themselves (Relay's loops).

Dataflow blocks. A function without control flow (`translate_plan.straight_line`) is emitted straight
into one dataflow block: the bindings of its result nodes (`Plan.result_nodes`) as outputs, everything
else as DataflowVars, bound through a `DataflowBinder` so that names come out as a plain block gives
them. That is what ``relax.transform.ConvertToDataflow`` makes of the plain block, without the pass's
superlinear cost on big functions (its CanonicalizeBindings step). `dataflow_block_unchanged` then
checks, in one pass over the block, that the pass would indeed leave it as it is (no binding it would
fold away, no impure call, outputs exactly the vars the result uses). When it would not, the function
is turned back into a plain block (``ToNonDataflow``: the same bindings and names, so the same input the
pass gets on the plain path) and marked for the pass (`Emitter.needs_pass`). When a translator bound
something behind the binder's back (``ctx.bb.match_cast``, ``ctx.bb.emit``; their unnamed vars are "lv"
in a dataflow block, "gv" in a plain one, and names are unique module-wide), no per-function repair
gives the plain path's names: `PlainBlocksNeeded` asks the caller to translate the module again with
plain blocks and run the pass (`translate.from_relay`).

Functions with control flow keep the pass: those with an ``If`` (in their body or in a local function
they inline) and those that call a recursive local function (a Relay loop, lifted to a global function
whose body has the If). Their block structure (dataflow runs cut at each If, more inside each branch,
which vars cross a block boundary and so stay non-dataflow) is the pass's own logic, which a copy here
would have to track release by release; in converted models these functions are few and small (loop
bodies and the functions calling them), so the pass's cost on them is not what makes big graphs slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import tvm
from tvm import relax

from . import relay_ir as ir
from .errors import MigrateError, UnsupportedInputError
from .translate_context import DataflowBinder, TranslationContext
from .translate_plan import GET_ITEM, GLOBAL_CALL, IF, LOCAL_CALL, OP_CALL, TUPLE, VAR_CALL, straight_line


class PlainBlocksNeeded(Exception):
    """A function emitted as a dataflow block holds bindings made around the `DataflowBinder`: the module
    must be translated with plain blocks (and ``ConvertToDataflow``) to come out as that path makes it."""


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
        self.outputs: frozenset = frozenset()  # ids of nodes bound as dataflow outputs in this frame
        self.output_calls: dict = {}  # id(inlined call) -> paths of its result that are outputs

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
        self.binder: Optional[DataflowBinder] = None  # set while a function is emitted as one dataflow block
        self.needs_pass = False  # the last function built needs relax.transform.ConvertToDataflow

    def function(self, frame: Frame, params: list, name: str, private: bool = False) -> relax.Function:
        bb, module = self.bb, self.module
        direct = module.direct_dataflow and straight_line(frame.plan, module.plan_for, module.is_recursive)
        bb.begin_scope(params)
        outer = bb.binder
        if direct:
            bb._begin_dataflow_block()
            frame.outputs, frame.output_calls = frame.plan.result_nodes(module.plan_for)
            self.binder = bb.binder = DataflowBinder(bb)
        else:
            bb._begin_binding_block()
            self.binder = bb.binder = None
        try:
            run(self.scope(frame, 0))
            result = frame.value(frame.plan.root)
        finally:
            bb.binder = outer
        block = bb._end_block()
        bb.end_scope()
        body = bb.normalize(relax.SeqExpr([block], result))
        func = relax.Function(params, body, is_pure=True)
        self.needs_pass = not direct
        if direct:
            if self.binder.count != len(block.bindings):
                raise PlainBlocksNeeded(name)
            if not dataflow_block_unchanged(block, result, params):
                func = relax.transform.ToNonDataflow()(tvm.IRModule({"f": func}))["f"]
                self.needs_pass = True
            self.binder = None
        return func if private else func.with_attr("global_symbol", name)

    def bind(self, expr: relax.Expr, frame: Frame, node) -> relax.Var:
        """Bind the value of `node`: a dataflow output when it is part of the function's result."""
        name = self.name(frame.plan, node)
        binder = self.binder
        if binder is None:
            return self.bb.emit(expr, name)
        if id(node) in frame.outputs:
            return binder.emit_output(expr, name)
        return binder.emit(expr, name)

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
        paths = frame.output_calls.get(id(node))
        if paths:  # (part of) the inlined body's result is part of the function's result
            outputs, calls = set(), {}
            for path in paths:
                found = callee_plan.result_nodes(self.module.plan_for, path)
                outputs.update(found[0])
                for call, call_paths in found[1].items():
                    calls.setdefault(call, set()).update(call_paths)
            child.outputs, child.output_calls = frozenset(outputs), calls
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
            return self.bind(relax.TupleGetItem(value, node.index), frame, node)
        args = [frame.value(plan.resolve(a)) for a in node.args]
        if kind == GLOBAL_CALL:
            gv = self.module.global_var(node.op.name, node, plan)
            return self._emit(relax.Call(gv, args), frame, node)
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
        return self._emit(result, frame, node)

    def _emit(self, expr: relax.Expr, frame: Frame, node) -> relax.Expr:
        if isinstance(expr, (relax.Var, tvm.ir.expr.Constant, relax.Tuple)):
            return expr
        plan = frame.plan
        try:
            return self.bind(expr, frame, node)
        except Exception as err:  # noqa: BLE001  (a TVM check: report it where it happened)
            raise UnsupportedInputError(
                f"{self.module.where(node, plan)}: {getattr(node.op, 'name', 'call')}: the Relax expression does "
                f"not type-check: {_first_line(err)}"
            ) from err

    @staticmethod
    def name(plan, node) -> str:
        return plan.names.get(id(node), "lv")


def dataflow_block_unchanged(block, result: relax.Expr, params: list) -> bool:
    """True when ``ConvertToDataflow`` (its CanonicalizeBindings step) would leave the function
    ``params -> SeqExpr([block], result)`` as it is: the block is not empty; its non-dataflow vars are
    exactly the vars of `result` bound in it, and `result` uses no DataflowVar; and no binding is one
    the pass folds or splits the block at: a var or constant, an item of a known tuple, a tuple rebuilt
    from the items of one tuple, a match_cast, an If, a function, an impure call."""
    bindings = block.bindings
    if len(bindings) == 0:
        return False
    used, stack, seen = set(), [result], set()
    while stack:
        expr = stack.pop()
        if isinstance(expr, relax.Tuple):
            if expr not in seen:  # a tuple may be shared: walk it once
                seen.add(expr)
                stack.extend(expr.fields)
        elif isinstance(expr, relax.DataflowVar):
            return False
        elif isinstance(expr, relax.Var):
            used.add(expr)
    used.difference_update(params)
    tuples, items, outputs = set(), set(), set()
    for binding in bindings:
        if not isinstance(binding, relax.VarBinding):
            return False
        var, value = binding.var, binding.value
        if not isinstance(var, relax.DataflowVar):
            outputs.add(var)
        if isinstance(value, relax.Call):
            if not _is_pure(value.op):
                return False
        elif isinstance(value, relax.TupleGetItem):
            tup = value.tuple_value
            if isinstance(tup, relax.Tuple) or tup in tuples:
                return False
            items.add(var)
        elif isinstance(value, relax.Tuple):
            first = value.fields[0] if len(value.fields) else None
            if isinstance(first, relax.TupleGetItem) or (first is not None and first in items):
                return False
            tuples.add(var)
        elif isinstance(value, (relax.Var, tvm.ir.expr.Constant, relax.If, relax.Function, relax.SeqExpr)):
            return False
    return outputs == used


_OP_PURITY: dict = {}  # Op -> its FPurity


def _is_pure(callee) -> bool:
    if isinstance(callee, tvm.ir.Op):
        pure = _OP_PURITY.get(callee)
        if pure is None:
            pure = _OP_PURITY[callee] = bool(callee.get_attr("FPurity"))
        return pure
    ty = getattr(callee, "ty", None)
    return bool(getattr(ty, "purity", False))


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
