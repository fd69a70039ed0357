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
        return self.bb.emit(expr, name)

    def normalize(self, expr: relax.Expr) -> relax.Expr:
        return self.bb.normalize(expr)

    def ty(self, expr: relax.Expr) -> relax.Type:
        ty = expr.ty if getattr(expr, "ty", None) is not None else self.bb.normalize(expr).ty
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
