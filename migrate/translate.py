"""`from_relay`: a whole Relay program to a Relax IRModule made of high-level Relax ops.

What carries over, and how:

- Every global function reachable from the entry function becomes a Relax function of the same
  name (unreachable ones, e.g. the PyTorch prelude's list functions, are skipped); calls between
  them go through GlobalVars. Functions stay public (``global_symbol`` = name).
- The entry function keeps Relay's parameter names and order and returns the same (nested) tuple
  structure. Parameters named in `params` are bound as constants; with ``keep_params_in_input=True``
  they stay parameters instead, moved after the other inputs in Relay order, and the function gets
  ``num_input`` (the number of real inputs), as `relax.frontend.onnx.from_onnx` does.
- ``?`` dims become a fresh symbolic variable per occurrence (named ``<param>_dim<axis>``); a named
  size variable becomes one shared symbolic variable.
- ``let`` bindings keep their names; ``if`` becomes a Relax ``If`` outside dataflow blocks, with
  each node emitted in the innermost scope that covers all its uses (see `translate_plan`).
  Everything else lands in dataflow blocks, as ``relax.transform.ConvertToDataflow`` places them: a
  function without control flow is emitted as one dataflow block directly (linear in its size; the
  pass is not), the others go through the pass (see `translate_emit`).
- Local functions (``let %f = fn ...``, fused ``Primitive`` functions, BYOC ``Composite``/``Compiler``
  functions) are inlined at each call; a local function that calls itself (a loop) is lifted to a
  private global function whose extra trailing parameters are the variables it captures.
- Free variables of a global function, ADTs (constructors, ``match``), references, and local
  functions used as values (not called) are reported as `UnsupportedInputError` /
  `UnsupportedOpsError`, all of them at once, with where they are.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional, Union

import numpy as np
import tvm
from tvm import relax

from op_mappings import get_mapping

from . import relay_ir as ir
from .attrs import is_known_op
from .errors import ParamsError, UnsupportedInputError, UnsupportedOpsError
from .loader import load_relay
from .gcpause import gc_paused
from .translate_context import TranslationBuilder, TypeConverter, sanitize_name
from .translate_emit import Closure, Emitter, Frame, PlainBlocksNeeded, constant_value
from .translate_plan import OP_CALL, Plan, Unsupported, free_vars


def from_relay(
    source: Union[str, "os.PathLike[str]", ir.IRModule],
    params: Union[None, Mapping, str, "os.PathLike[str]"] = None,
    *,
    keep_params_in_input: bool = False,
    entry: str = "main",
) -> tvm.IRModule:
    """Translate a Relay program to a Relax IRModule of high-level ops.

    `source` is a path (.relay text or .json), Relay text/JSON itself, or a `relay_ir.IRModule`
    from `load_relay`. `params` is a name -> array dict, or a path to a .params / .npz file.
    Parameters of `entry` named in `params` become constants, or, with ``keep_params_in_input``,
    trailing parameters (inputs first, then weights, each in Relay order; ``num_input`` attr).
    """
    mod = load_relay(source)
    if params is not None and not isinstance(params, Mapping):
        from .params import load_params

        params = load_params(params)
    params = dict(params or {})
    with gc_paused():  # translation makes no reference cycles worth collecting mid-way
        try:
            return ModuleTranslator(mod, params, keep_params_in_input, entry).run()
        except PlainBlocksNeeded:  # a translator bound values past the dataflow binder (e.g. a match_cast)
            plain = ModuleTranslator(mod, params, keep_params_in_input, entry, direct_dataflow=False).run()
            return relax.transform.ConvertToDataflow(min_size=1)(plain)


def _to_numpy(value, name: str) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "numpy"):
        return value.numpy()
    try:
        return np.asarray(value)
    except Exception:  # noqa: BLE001
        raise ParamsError(f"param '{name}': expected an array, got {type(value).__name__}") from None


class ModuleTranslator:
    """Translates the functions reachable from `entry`. With ``direct_dataflow`` (the default) functions
    without control flow are emitted as dataflow blocks and the others get ``ConvertToDataflow``; without
    it, every function is emitted into plain binding blocks and `run` returns the module as it is, before
    any dataflow pass (what `from_relay` falls back to, and what tests compare the direct path with)."""

    def __init__(self, mod: ir.IRModule, params: dict, keep_params_in_input: bool, entry: str,
                 direct_dataflow: bool = True):
        self.mod = mod
        self.direct_dataflow = direct_dataflow
        self.needs_dataflow_pass: list = []  # GlobalVars of the functions left to ConvertToDataflow
        self.params = params
        self.keep_params = keep_params_in_input
        self.entry = entry
        self.types = TypeConverter()
        self.bb = TranslationBuilder()  # one for the module: PrimFuncs from emit_te land in its module
        self.plans: dict = {}  # id(Function) -> Plan
        self.gvars: dict = {}  # name -> relax.GlobalVar
        self.translated: dict = {}  # name -> relax.Function
        self.done: set = set()
        self.lifted: dict = {}  # (id(func), id(frame)) -> (GlobalVar, captured values)
        self.extra_functions: dict = {}  # GlobalVar -> relax.Function (lifted local functions)
        self._recursive: dict = {}
        self._fn_var: dict = {}  # id(local Function) -> the let variable bound to it
        self._consts: dict = {}
        self._ordinals: dict = {}
        self._unsupported: dict = {}
        self._unsupported_nodes: set = set()
        self._global_names = {id(f): n for n, f in mod.functions.items()}

    # ------------------------------------------------------------------ driver

    def run(self) -> tvm.IRModule:
        if self.entry not in self.mod.functions:
            raise UnsupportedInputError(
                f"{self.mod.source_name}: no function @{self.entry}; the module defines "
                f"{', '.join('@' + n for n in self.mod.functions) or 'no functions'}"
            )
        order = [n for n in self._reachable_globals() if n == self.entry or self._inline_global(n) is None]
        for name in order:
            self.plan_for(self.mod.functions[name], name)
        self._check_ops()
        if self._unsupported:
            raise UnsupportedOpsError(self._unsupported, self.mod.source_name)
        for name in order:
            self.gvars[name] = relax.GlobalVar(name)
        for name in order:  # callees first
            self._translate_global(name)
        funcs = dict(self.bb.get().functions)  # TOPI PrimFuncs from emit_te, if any
        funcs.update({self.gvars[n]: self.translated[n] for n in order})
        funcs.update(self.extra_functions)
        if not self.direct_dataflow:
            return tvm.IRModule(funcs)
        todo = {gv: funcs[gv] for gv in self.needs_dataflow_pass}
        if todo:
            funcs.update(relax.transform.ConvertToDataflow(min_size=1)(tvm.IRModule(todo)).functions)
        return tvm.IRModule(funcs)

    def _reachable_globals(self) -> list:
        """Global functions reachable from the entry, callees before callers (cycles broken).

        The same walk records every ADT and reference node (dead code included: refs have effects).
        """
        order, state = [], {}
        stack = [(self.entry, False)]
        while stack:
            name, expanded = stack.pop()
            if expanded:
                state[name] = 2
                order.append(name)
                continue
            if name in state:
                continue
            state[name] = 1
            stack.append((name, True))
            callees = []
            for node in ir.post_order(self.mod.functions[name]):
                if isinstance(node, _CONSTRUCTS):
                    self._record_construct(node, name)
                elif isinstance(node, ir.GlobalVar) and node.name not in callees:
                    if node.name not in self.mod.functions:
                        raise UnsupportedInputError(
                            f"{self.mod.source_name}: @{name} refers to @{node.name}, which the module does not define"
                        )
                    callees.append(node.name)
            for callee in reversed(callees):
                if callee not in state:
                    stack.append((callee, False))
        return order

    # ------------------------------------------------------------------ planning and checks

    def plan_for(self, func: ir.Function, global_name: Optional[str] = None) -> Plan:
        plan = self.plans.get(id(func))
        if plan is not None:
            return plan
        pending = [(func, global_name)]
        while pending:
            f, gname = pending.pop()
            if id(f) in self.plans:
                continue
            found = []

            def on_local(target, parent_plan, found=found):
                found.append((target, self._global_names.get(id(target), parent_plan.global_name)))

            plan = Plan(f, gname, self._record_unsupported, on_local, self._inline_global)
            for var_id, value in plan.alias.items():
                if isinstance(value, ir.Function):
                    self._fn_var.setdefault(id(value), plan.let_vars[var_id])
            self.plans[id(f)] = plan
            pending.extend(found)
        return self.plans[id(func)]

    def _inline_global(self, name: str):
        """The global function to inline at its calls: Relay's fused (Primitive) and BYOC (Compiler) functions."""
        func = self.mod.functions.get(name)
        if func is not None and name != self.entry and (func.attrs.get("Primitive") or func.attrs.get("Compiler")):
            return func
        return None

    def _record_construct(self, node, global_name: str) -> None:
        if isinstance(node, ir.Match):
            err = Unsupported("match", node, "Relax has no algebraic data types or pattern matching",
                              "rewrite the model without ADTs before saving it")
        elif isinstance(node, ir.Constructor):
            err = Unsupported(f"ADT constructor {node.name}", node, "Relax has no algebraic data types",
                              "rewrite the model without ADTs (lists/options) before saving it")
        else:
            label = {ir.RefCreate: "ref", ir.RefRead: "ref_read", ir.RefWrite: "ref_write"}[type(node)]
            err = Unsupported(label, node, "Relax has no mutable references",
                              "rewrite the model without references before saving it")
        self._record_unsupported(err, _Where(global_name))

    def _record_unsupported(self, err, plan) -> None:
        if id(err.node) in self._unsupported_nodes:
            return
        self._unsupported_nodes.add(id(err.node))
        entry = self._unsupported.get(err.name)
        if entry is None:
            self._unsupported[err.name] = {
                "count": 1, "where": self.where(err.node, plan), "reason": err.reason, "action": err.action,
            }
        else:
            entry["count"] += 1

    def mapping(self, op_name: str):
        return get_mapping(op_name)

    def _check_ops(self) -> None:
        for plan in self.plans.values():
            for node in plan.order:
                if plan.kind.get(id(node)) != OP_CALL:
                    continue
                name = node.op.name
                row = get_mapping(name)
                if row is not None and row.translator is not None:
                    continue
                entry = self._unsupported.get(name)
                if entry is not None:
                    entry["count"] += 1
                    continue
                if row is None and is_known_op(name):
                    reason = "a Relay v0.19 op that tvm-migrate does not translate yet"
                    action = f"register a translator with migrate.register_translator({name!r}, fn)"
                elif row is None:
                    reason = "not a Relay v0.19 op (a vendor fork's?), and no translator is registered for it"
                    action = f"register one with migrate.register_translator({name!r}, fn)"
                else:
                    reason = f"{row.status}: {row.reason}"
                    action = row.action
                self._unsupported[name] = {"count": 1, "where": self.where(node, plan), "reason": reason,
                                           "action": action}

    # ------------------------------------------------------------------ globals

    def global_var(self, name: str, node=None, plan=None) -> relax.GlobalVar:
        gv = self.gvars.get(name)
        if gv is None:
            raise UnsupportedInputError(f"{self.mod.source_name}: unknown global function @{name}")
        if name not in self.done and not isinstance(gv.ty, relax.FuncType):
            # a call inside a cycle of global functions: its type must come from the annotations
            func = self.mod.functions[name]
            ty = self.types.convert(ir.FuncType(tuple(p.type_annotation or p.checked_type for p in func.params),
                                                func.ret_type), f"{name}")
            if ty is None:
                where = self.where(node, plan) if node is not None else self.mod.source_name
                raise UnsupportedInputError(
                    f"{where}: @{name} is called recursively but its parameter or return types are not annotated; "
                    f"Relax needs them to type the call"
                )
            relax.expr._update_type(gv, ty)
        return gv

    def _param_var(self, param: ir.Var, where: str) -> relax.Var:
        rty = param.type_annotation or param.checked_type
        ty = self.types.convert(rty, sanitize_name(param.name))
        if ty is None:
            raise UnsupportedInputError(
                f"{where}: parameter %{param.name} has no type annotation; Relax needs the type of every parameter"
            )
        return relax.Var(param.name, ty)

    def _translate_global(self, name: str) -> None:
        func = self.mod.functions[name]
        where = f"{self.mod.source_name}: @{name}"
        plan = self.plan_for(func, name)
        env, inputs, kept = {}, [], []
        bound = self._bound_params(func, where) if name == self.entry else {}
        for param in func.params:
            if id(param) in bound:
                array = bound[id(param)]
                if self.keep_params:
                    var = self._param_var(param, where)
                    kept.append(var)
                    env[id(param)] = var
                else:
                    env[id(param)] = relax.const(array, str(array.dtype))
            else:
                var = self._param_var(param, where)
                inputs.append(var)
                env[id(param)] = var
        emitter = Emitter(self)
        frame = Frame(plan, env, None, emitter)
        rfunc = emitter.function(frame, inputs + kept, name)
        if emitter.needs_pass:
            self.needs_dataflow_pass.append(self.gvars[name])
        if kept:
            rfunc = rfunc.with_attr("num_input", len(inputs))
        self.translated[name] = rfunc
        self.done.add(name)
        if not isinstance(self.gvars[name].ty, relax.FuncType):
            relax.expr._update_type(self.gvars[name], relax.FuncType([p.ty for p in rfunc.params], rfunc.body.ty))

    def _bound_params(self, func: ir.Function, where: str) -> dict:
        """id(param) -> array for the entry's parameters named in `params` (shape and dtype checked)."""
        if not self.params:
            return {}
        by_name: dict = {}
        for p in func.params:
            by_name.setdefault(p.name, []).append(p)
        out = {}
        for name, value in self.params.items():
            if name not in by_name:
                continue  # like relay.build: params that name no parameter are ignored
            if len(by_name[name]) > 1:
                raise ParamsError(f"{where}: {len(by_name[name])} parameters are named %{name}; cannot bind param '{name}'")
            param = by_name[name][0]
            array = _to_numpy(value, name)
            rty = param.type_annotation or param.checked_type
            if isinstance(rty, ir.TensorType):
                ok_shape = len(rty.shape) == array.ndim and all(
                    not isinstance(d, int) or d == s for d, s in zip(rty.shape, array.shape))
                if not ok_shape or str(array.dtype) != rty.dtype:
                    raise ParamsError(
                        f"{where}: param '{name}' is {array.dtype}{list(array.shape)} but %{name} is declared {rty!r}"
                    )
            out[id(param)] = array
        return out

    # ------------------------------------------------------------------ local functions

    def is_recursive(self, func: ir.Function) -> bool:
        key = id(func)
        if key not in self._recursive:
            var = self._fn_var.get(key)
            self._recursive[key] = var is not None and any(v is var for v in free_vars(func))
        return self._recursive[key]

    def lift(self, closure: Closure, node, plan):
        """The private global function for a recursive local function, and the values it captures."""
        key = (id(closure.func), id(closure.frame))
        if key in self.lifted:
            gv, captured = self.lifted[key]
            return gv, captured
        func = closure.func
        # What the function captures, with local functions it calls expanded (they are inlined in it).
        data, funcs, seen = [], [], {id(func)}
        stack = [closure]
        while stack:
            c = stack.pop()
            for var in free_vars(c.func):
                value = c.frame.lookup(var)
                if isinstance(value, Closure):
                    if id(value.func) == id(func):
                        funcs.append((var, None))
                    elif id(value.func) not in seen:
                        seen.add(id(value.func))
                        funcs.append((var, value))
                        stack.append(value)
                elif all(v is not var for v, _ in data):
                    data.append((var, value))
        where = self.where(node, plan)
        let_var = self._fn_var.get(id(func))
        fn_name = sanitize_name(let_var.name) if let_var is not None else "local_fn"
        params = [self._param_var(p, where) for p in func.params]
        cap_params = [relax.Var(var.name, value.ty) for var, value in data]
        ret = func.ret_type
        if ret is None and let_var is not None:
            ann = let_var.type_annotation
            ret = ann.ret_type if isinstance(ann, ir.FuncType) else None
        ret_ty = self.types.convert(ret, fn_name)
        if ret_ty is None:
            raise UnsupportedInputError(
                f"{where}: local function %{fn_name} calls itself but its return type is not annotated; "
                f"Relax needs it to type the recursive call"
            )
        gv = relax.GlobalVar(self._unique_global(fn_name))
        relax.expr._update_type(gv, relax.FuncType([p.ty for p in params + cap_params], ret_ty))
        captured = [value for _, value in data]
        self.lifted[key] = (gv, captured)
        # The lifted body sees its captures as parameters.
        emitter = Emitter(self)
        capture_frame = Frame(None, {}, None, emitter)
        for (var, _), p in zip(data, cap_params):
            capture_frame.env[id(var)] = p
        self.lifted[(id(func), id(capture_frame))] = (gv, list(cap_params))
        for var, value in funcs:
            target = Closure(func, capture_frame) if value is None else Closure(value.func, capture_frame)
            capture_frame.env[id(var)] = target
        body_plan = self.plan_for(func, plan.global_name)
        frame = Frame(body_plan, {id(p): v for p, v in zip(func.params, params)}, capture_frame, emitter)
        self.extra_functions[gv] = emitter.function(frame, params + cap_params, gv.name_hint, private=True)
        if emitter.needs_pass:
            self.needs_dataflow_pass.append(gv)
        return gv, captured

    def _unique_global(self, name: str) -> str:
        taken = set(self.mod.functions) | {gv.name_hint for gv in self.extra_functions}
        out, k = name, 1
        while out in taken:
            out, k = f"{name}_{k}", k + 1
        return out

    # ------------------------------------------------------------------ values and locations

    def constant(self, node: ir.Constant) -> relax.Constant:
        value = self._consts.get(id(node))
        if value is None:
            value = self._consts[id(node)] = constant_value(node)
        return value

    def where(self, node, plan=None) -> str:
        """Where `node` is, for messages: its span, or the k-th call of its op in its global function."""
        span = getattr(node, "span", None)
        if span is not None:
            return str(span)
        gname = plan.global_name if plan is not None else None
        if gname is None or gname not in self.mod.functions:
            return self.mod.source_name
        if isinstance(node, ir.Var):
            return f"{self.mod.source_name}: @{gname}, %{node.name}"
        ordinals = self._ordinals.get(gname)
        if ordinals is None:
            ordinals, counts = {}, {}
            for n in ir.post_order(self.mod.functions[gname]):
                label = _label(n)
                if label:
                    counts[label] = counts.get(label, 0) + 1
                    ordinals[id(n)] = (label, counts[label])
            self._ordinals[gname] = ordinals
        if id(node) not in ordinals:
            return f"{self.mod.source_name}: @{gname}"
        label, k = ordinals[id(node)]
        return f"{self.mod.source_name}: @{gname}, {_ordinal(k)} {label}"


_CONSTRUCTS = (ir.Match, ir.Constructor, ir.RefCreate, ir.RefRead, ir.RefWrite)


class _Where:
    """Stands in for a plan when only the global function's name is known."""

    def __init__(self, global_name: str):
        self.global_name = global_name


def _label(node) -> str:
    if isinstance(node, ir.Call):
        if isinstance(node.op, ir.Op):
            return f"{node.op.name} call"
        if isinstance(node.op, ir.GlobalVar):
            return f"@{node.op.name} call"
        return "local function call"
    names = {ir.If: "if", ir.Match: "match", ir.Tuple: "tuple", ir.TupleGetItem: "tuple item",
             ir.RefCreate: "ref", ir.RefRead: "ref_read", ir.RefWrite: "ref_write", ir.Function: "local function"}
    for cls, name in names.items():
        if isinstance(node, cls):
            return name
    return ""


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


__all__ = ["from_relay", "ModuleTranslator"]
