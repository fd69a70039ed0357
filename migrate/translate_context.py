"""What a translator sees: the `TranslationContext`, and Relay type -> Relax type conversion."""

from __future__ import annotations

import re
from typing import Optional

import numpy as np
import tvm
from tvm import relax, tirx

from . import relay_ir as ir
from .errors import UnsupportedInputError

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def sanitize_name(name: str) -> str:
    """A Python identifier close to `name` (what TVMScript needs); `name` itself when it already is one."""
    if _IDENT.match(name):
        return name
    out = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return out if _IDENT.match(out) else "v_" + out


class TypeConverter:
    """Relay types to Relax types. A named size variable maps to one shared `tirx.Var`; each ``?``
    gets a fresh one, named after where it appears (``x_dim0``)."""

    def __init__(self):
        self.size_vars: dict = {}
        self._fresh_names: set = set()

    def fresh(self, hint: str) -> tirx.Var:
        name, k = hint, 1
        while name in self._fresh_names or name in self.size_vars:
            name, k = f"{hint}_{k}", k + 1
        self._fresh_names.add(name)
        return tirx.Var(name, "int64")

    def dim(self, d, hint: str):
        if isinstance(d, bool):
            raise TypeError(d)
        if isinstance(d, int):
            return d
        if isinstance(d, ir.AnyDim):
            return self.fresh(hint)
        if isinstance(d, ir.SizeVar):
            var = self.size_vars.get(d.name)
            if var is None:
                var = self.size_vars[d.name] = tirx.Var(sanitize_name(d.name), "int64")
            return var
        if isinstance(d, ir.DimExpr):
            args = [self.dim(a, hint) for a in d.args]
            if d.op == "Cast":
                return args[0]
            ops = {
                "Add": lambda a, b: a + b, "Sub": lambda a, b: a - b, "Mul": lambda a, b: a * b,
                "Div": tirx.truncdiv, "FloorDiv": tirx.floordiv, "Mod": tirx.truncmod, "FloorMod": tirx.floormod,
                "Min": tirx.min, "Max": tirx.max,
            }
            if d.op in ops and len(args) == 2:
                return ops[d.op](*[tvm.tirx.const(a, "int64") if isinstance(a, int) else a for a in args])
        raise UnsupportedInputError(f"dimension {d!r} cannot be expressed as a Relax shape")

    def convert(self, ty, hint: str = "v") -> Optional[relax.Type]:
        """The Relax type of a Relay type; None for a missing or incomplete type."""
        if ty is None or isinstance(ty, ir.IncompleteType):
            return None
        if isinstance(ty, ir.TensorType):
            shape = [self.dim(d, f"{hint}_dim{i}") for i, d in enumerate(ty.shape)]
            return relax.TensorType(shape, ty.dtype)
        if isinstance(ty, ir.TupleType):
            fields = [self.convert(f, f"{hint}_{i}") for i, f in enumerate(ty.fields)]
            if any(f is None for f in fields):
                return None
            return relax.TupleType(fields)
        if isinstance(ty, ir.FuncType):
            args = [self.convert(a, f"{hint}_arg{i}") for i, a in enumerate(ty.arg_types)]
            ret = self.convert(ty.ret_type, f"{hint}_ret")
            if ret is None or any(a is None for a in args):
                return None
            return relax.FuncType(args, ret)
        raise UnsupportedInputError(f"Relay type {ty!r} has no Relax equivalent (ADT, reference or type variable)")


def static_int(value) -> Optional[int]:
    """`value` as a Python int when it is a constant dimension, else None."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, tvm.tirx.IntImm):
        return int(value.value)
    return None


_COMPOUND = (relax.Call, relax.TupleGetItem)  # arguments the normalizer binds (translators make no If/SeqExpr)


class TranslationBuilder(relax.BlockBuilder):
    """The module's BlockBuilder, plus the `DataflowBinder` in use while a function is emitted as one
    dataflow block (None otherwise): `TranslationContext.emit` binds through it."""

    def __init__(self):
        super().__init__()
        self.binder: Optional["DataflowBinder"] = None


class DataflowBinder:
    """Binds expressions into an open dataflow block exactly as a plain binding block would bind them.

    ``BlockBuilder.emit`` names an unnamed binding "lv" in a dataflow block but "gv" in a plain one, and
    so does the normalizer for the nested calls it binds; names are made unique module-wide, so one
    different name shifts all later ones. Here nested calls are bound first, in the normalizer's order
    (depth first, left to right, each distinct expression object once per block), and every unnamed
    binding is named "gv": the same names, in the same order, as a plain block gets. `count` is the
    number of bindings made here: a block holding more was also written to directly (a translator's
    ``ctx.bb.emit`` / ``ctx.bb.match_cast``), with "lv" names.
    """

    def __init__(self, bb: relax.BlockBuilder):
        self.bb = bb
        self.count = 0
        self._bound: dict = {}  # nested expression -> its var (the normalizer's per-block cache)

    def emit(self, expr: relax.Expr, name: str = "") -> relax.Var:
        expr = self.flatten(expr)
        self.count += 1
        return self.bb.emit(expr, name or "gv")

    def emit_output(self, expr: relax.Expr, name: str = "") -> relax.Var:
        expr = self.flatten(expr)
        self.count += 1
        return self.bb.emit_output(expr, name or "gv")

    def normalize(self, expr: relax.Expr) -> relax.Expr:
        return self.bb.normalize(self.flatten(expr))

    def flatten(self, expr: relax.Expr) -> relax.Expr:
        """`expr` with its nested calls and tuple items bound (nothing to do for a normalized expression).
        Iterative: a deep nest of calls built by a translator does not recurse in Python."""
        if not _has_compound_operand(expr):
            return expr
        # (expression, its operands, its operands rebuilt so far); an operand is bound once all of its own are
        stack = [(expr, list(_operands(expr)), [])]
        while True:
            node, pending, ready = stack[-1]
            while len(ready) < len(pending):
                arg = pending[len(ready)]
                var = self._bound.get(arg)
                if var is not None:
                    ready.append(var)
                elif isinstance(arg, (relax.Tuple,) + _COMPOUND) and _has_compound_operand(arg):
                    break
                elif isinstance(arg, _COMPOUND):
                    ready.append(self._bind_operand(arg, arg))
                else:
                    ready.append(arg)
            else:
                stack.pop()
                rebuilt = _rebuild(node, ready)
                if not stack:
                    return rebuilt
                parent_ready = stack[-1][2]
                if isinstance(node, _COMPOUND):
                    parent_ready.append(self._bind_operand(node, rebuilt))
                else:  # a tuple operand stays a tuple; its fields are bound
                    parent_ready.append(rebuilt)
                continue
            stack.append((arg, list(_operands(arg)), []))

    def _bind_operand(self, original: relax.Expr, expr: relax.Expr) -> relax.Var:
        self.count += 1
        var = self.bb.emit(expr, "gv")
        self._bound[original] = var
        return var


def _operands(expr: relax.Expr):
    if isinstance(expr, relax.Call):
        return expr.args
    if isinstance(expr, relax.Tuple):
        return expr.fields
    if isinstance(expr, relax.TupleGetItem):
        return (expr.tuple_value,)
    return ()


def _has_compound_operand(expr: relax.Expr) -> bool:
    return any(isinstance(a, _COMPOUND) or (isinstance(a, relax.Tuple) and _has_compound_operand(a))
               for a in _operands(expr))


def _rebuild(expr: relax.Expr, operands: list) -> relax.Expr:
    if isinstance(expr, relax.Call):
        return relax.Call(expr.op, operands, expr.attrs, expr.ty_args, expr.span)
    if isinstance(expr, relax.Tuple):
        return relax.Tuple(operands, expr.span)
    return relax.TupleGetItem(operands[0], expr.index)


class TranslationContext:
    """Handed to each translator: the block builder, the Relay call and helpers.

    - ``ctx.bb``: the `relax.BlockBuilder`; ``ctx.emit(expr, name="")`` binds an expression.
    - ``ctx.shape(expr)``: a tuple of dims (int when static, `tirx.PrimExpr` when symbolic);
      ``ctx.ndim(expr)``, ``ctx.dtype(expr)``.
    - ``ctx.const(value, dtype)``: a Relax constant.
    - ``ctx.call``: the Relay call (attrs normalised: every field present, v0.19 defaults filled in);
      ``ctx.out_type``: its Relay checked type when the input recorded one (else None).
    - ``ctx.where``: the call's location; ``ctx.fail(message)`` raises `UnsupportedInputError` with it.
    """

    def __init__(self, bb: relax.BlockBuilder, call: ir.Call, where):
        self.bb = bb
        self.call = call
        self._where = where  # a string, or a callable computing it (only when a message needs it)

    @property
    def where(self) -> str:
        if callable(self._where):
            self._where = self._where()
        return self._where

    @property
    def op_name(self) -> str:
        return self.call.op.name if isinstance(self.call.op, ir.Op) else "<call>"

    @property
    def out_type(self):
        return self.call.checked_type

    def emit(self, expr: relax.Expr, name: str = "") -> relax.Expr:
        if isinstance(expr, (relax.Var, tvm.ir.expr.Constant)):
            return expr
        binder = getattr(self.bb, "binder", None)
        return self.bb.emit(expr, name) if binder is None else binder.emit(expr, name)

    def normalize(self, expr: relax.Expr) -> relax.Expr:
        binder = getattr(self.bb, "binder", None)
        return self.bb.normalize(expr) if binder is None else binder.normalize(expr)

    def ty(self, expr: relax.Expr) -> relax.Type:
        ty = expr.ty if getattr(expr, "ty", None) is not None else self.normalize(expr).ty
        return ty

    def tensor_type(self, expr: relax.Expr) -> relax.TensorType:
        ty = self.ty(expr)
        if not isinstance(ty, relax.TensorType):
            self.fail(f"expected a tensor argument, got {ty}")
        return ty

    def shape(self, expr: relax.Expr) -> tuple:
        ty = self.tensor_type(expr)
        if ty.shape is None or not isinstance(ty.shape, relax.ShapeExpr):
            self.fail("needs an argument of known rank and shape")
        return tuple(static_int(d) if static_int(d) is not None else d for d in ty.shape.values)

    def ndim(self, expr: relax.Expr) -> int:
        ty = self.tensor_type(expr)
        if ty.ndim < 0:
            self.fail("needs an argument of known rank")
        return int(ty.ndim)

    def dtype(self, expr: relax.Expr) -> str:
        return str(self.tensor_type(expr).dtype)

    def const(self, value, dtype: str) -> tvm.ir.expr.Constant:
        return relax.const(np.array(value, dtype=dtype), dtype)

    def fail(self, message: str):
        raise UnsupportedInputError(f"{self.where}: {self.op_name}: {message}")
