"""Elementwise ops: unary math, broadcasting arithmetic, comparison, logical and bitwise ops, casts.

Relay and Relax both lower these ops to the same TOPI computes (``topi.divide`` is C-style
truncating division on integers, ``topi.mod`` is ``truncmod``, ``topi.floor_*`` floor), so most
rows are exact. Relay's broadcast ops require equal dtypes, as Relax's do.
"""

from __future__ import annotations

import math

from tvm.relax import op as R

from .registry import mapping, translator
from ._common import binary, same_runtime_dims, unary

# Relay op -> Relax op with the same compute.
_UNARY = {
    "abs": R.abs, "acos": R.acos, "acosh": R.acosh, "asin": R.asin, "asinh": R.asinh, "atan": R.atan,
    "atanh": R.atanh, "ceil": R.ceil, "cos": R.cos, "cosh": R.cosh, "erf": R.erf, "exp": R.exp,
    "floor": R.floor, "isfinite": R.isfinite, "isinf": R.isinf, "isnan": R.isnan, "log": R.log,
    "negative": R.negative, "rsqrt": R.rsqrt, "sigmoid": R.sigmoid, "sign": R.sign,
    "sin": R.sin, "sinh": R.sinh, "sqrt": R.sqrt, "tan": R.tan, "tanh": R.tanh, "trunc": R.trunc,
    "bitwise_not": R.bitwise_not, "logical_not": R.logical_not,
}
for _name, _fn in _UNARY.items():
    mapping(_name, unary(_fn), relax=f"R.{_fn.__name__}")

_FAST = {"fast_exp": R.exp, "fast_tanh": R.tanh, "fast_erf": R.erf}
for _name, _fn in _FAST.items():
    mapping(
        _name, unary(_fn), relax=f"R.{_fn.__name__}",
        differs=f"Relay computes TOPI's float32 approximation of {_fn.__name__} (rel. error about 1e-7); Relax "
        f"the function itself. relax.transform.FastMathTransform brings the approximation back",
    )

_BINARY = {
    "add": R.add, "subtract": R.subtract, "multiply": R.multiply, "divide": R.divide, "power": R.power,
    "floor_divide": R.floor_divide, "floor_mod": R.floor_mod, "mod": R.mod, "maximum": R.maximum,
    "minimum": R.minimum, "equal": R.equal, "not_equal": R.not_equal, "less": R.less,
    "less_equal": R.less_equal, "greater": R.greater, "greater_equal": R.greater_equal,
    "logical_and": R.logical_and, "logical_or": R.logical_or, "logical_xor": R.logical_xor,
    "bitwise_and": R.bitwise_and, "bitwise_or": R.bitwise_or, "bitwise_xor": R.bitwise_xor,
    "left_shift": R.left_shift, "right_shift": R.right_shift,
}
for _name, _fn in _BINARY.items():
    mapping(_name, binary(_fn), relax=f"R.{_fn.__name__}")


def _log_base(base: float, name: str):
    def translate_log_base(ctx, call, args):
        x = args[0]
        return R.divide(R.log(x), ctx.const(math.log(base), ctx.dtype(x)))

    translate_log_base.__name__ = f"translate_{name}"
    return translate_log_base


for _name, _base in (("log2", 2.0), ("log10", 10.0)):
    mapping(_name, _log_base(_base, _name), relax=f"R.divide(R.log(x), R.const(ln {int(_base)}))",
            status="composite", differs="Relax has no log2/log10; the quotient can differ from the intrinsic by 1 ulp")


@translator("round", relax="R.where(|x - trunc(x)| >= 0.5, trunc(x) + sign(x), trunc(x))", status="composite",
            differs="Relay (v0.19, llvm.round) rounds halves away from zero; Relax 0.27's round rounds them to "
                    "even (apache/tvm#19368)")
def translate_round(ctx, call, args):
    """Round half away from zero, exactly: x - trunc(x) is exact in floating point."""
    x = args[0]
    if not ctx.dtype(x).startswith(("float", "bfloat")):
        return x  # rounding an integer is the identity
    whole = ctx.emit(R.trunc(x))
    half_or_more = ctx.emit(R.greater_equal(ctx.emit(R.abs(ctx.emit(R.subtract(x, whole)))), ctx.const(0.5, ctx.dtype(x))))
    return R.where(half_or_more, ctx.emit(R.add(whole, ctx.emit(R.sign(x)))), whole)


@translator("copy", relax="(the input itself)", differs="Relax values are immutable, so a copy is the value")
def translate_copy(ctx, call, args):
    """copy(x) is x: nothing in Relax can observe the difference."""
    return args[0]


def _is_int(dtype: str) -> bool:
    return dtype.startswith(("int", "uint"))


@translator("trunc_divide", relax="R.divide (integers) / R.trunc(R.divide) (floats)", status="composite")
def translate_trunc_divide(ctx, call, args):
    """Integer division truncating toward zero (topi.trunc_divide): Relax's divide on integers is truncdiv."""
    quotient = R.divide(args[0], args[1])
    return quotient if _is_int(ctx.dtype(args[0])) else R.trunc(quotient)


@translator("trunc_mod", relax="R.mod (integers) / x - R.trunc(x / y) * y (floats)", status="composite")
def translate_trunc_mod(ctx, call, args):
    """Remainder of truncating division (topi.trunc_mod): Relax's mod on integers is truncmod."""
    x, y = args
    if _is_int(ctx.dtype(x)):
        return R.mod(x, y)
    return R.subtract(x, R.multiply(R.trunc(R.divide(x, y)), y))


@translator("where", relax="R.where")
def translate_where(ctx, call, args):
    """where(cond, x, y): both broadcast the condition and the branches the same way."""
    return R.where(*same_runtime_dims(ctx, args))


@translator("clip", relax="R.clip", attrs="a_min, a_max: the bounds (cast to the input dtype, as topi.clip does)")
def translate_clip(ctx, call, args):
    """clip(x, a_min, a_max) with float attrs: Relax takes the bounds as prim values; both cast them to x's dtype."""
    attrs = call.attrs
    return R.clip(args[0], float(attrs["a_min"]), float(attrs["a_max"]))


@translator("cast", relax="R.astype", attrs="dtype: the target dtype")
def translate_cast(ctx, call, args):
    """cast(x, dtype) is astype: the same TIR cast (float->int truncates)."""
    return R.astype(args[0], call.attrs["dtype"])


@translator("cast_like", relax="R.astype(x, dtype of y)")
def translate_cast_like(ctx, call, args):
    """cast_like(x, y) casts to y's dtype."""
    return R.astype(args[0], ctx.dtype(args[1]))


@translator("zeros_like", relax="R.zeros_like")
def translate_zeros_like(ctx, call, args):
    return R.zeros_like(args[0])


@translator("ones_like", relax="R.ones_like")
def translate_ones_like(ctx, call, args):
    return R.ones_like(args[0])


@translator("full_like", relax="R.full_like", differs="the fill value is a 0-d tensor in both")
def translate_full_like(ctx, call, args):
    return R.full_like(args[0], args[1])

