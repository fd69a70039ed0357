"""Expected Relax for op_mappings/elementwise.py: unary math, broadcasting binary ops, casts, clip, where."""

from tvm.script import ir as I
from tvm.script import relax as R
from tvm.script import tirx as T

from ._golden import expects, one_op, tensor

X = f"x: {tensor((2, 3, 4))}"
XY = f"x: {tensor((2, 3, 4))}, y: {tensor((2, 3, 4))}"
XY_I32 = f"x: {tensor((2, 3, 4), 'int32')}, y: {tensor((2, 3, 4), 'int32')}"
XY_BCAST = f"x: {tensor((2, 1, 4))}, y: {tensor((3, 1))}"
XY_FLOAT_BCAST = f"x: {tensor((2, 3, 4))}, y: {tensor((4,))}"

# ---- unary: the Relax op of the same name (Relay and Relax share the TOPI compute)
for relay_op, relax_call in [
    ("abs", "R.abs(x)"), ("acos", "R.acos(x)"), ("acosh", "R.acosh(x)"), ("asin", "R.asin(x)"),
    ("asinh", "R.asinh(x)"), ("atan", "R.atan(x)"), ("atanh", "R.atanh(x)"), ("ceil", "R.ceil(x)"),
    ("cos", "R.cos(x)"), ("cosh", "R.cosh(x)"), ("erf", "R.erf(x)"), ("exp", "R.exp(x)"),
    ("floor", "R.floor(x)"), ("log", "R.log(x)"), ("negative", "R.negative(x)"),
    ("rsqrt", "R.rsqrt(x)"), ("sigmoid", "R.sigmoid(x)"), ("sign", "R.sign(x)"), ("sin", "R.sin(x)"),
    ("sinh", "R.sinh(x)"), ("sqrt", "R.sqrt(x)"), ("tan", "R.tan(x)"), ("tanh", "R.tanh(x)"),
    ("trunc", "R.trunc(x)"), ("zeros_like", "R.zeros_like(x)"), ("ones_like", "R.ones_like(x)"),
]:
    one_op(f"{relay_op}/basic", X, relax_call)

# fast_*: Relay computes TOPI's float32 approximations; the exact function agrees to ~1e-6.
one_op("fast_exp/basic", X, "R.exp(x)", rtol=1e-5, atol=1e-6)
one_op("fast_tanh/basic", X, "R.tanh(x)", atol=2e-6)
one_op("fast_erf/basic", X, "R.erf(x)", atol=2e-6)

one_op("abs/int32", f"x: {tensor((2, 3, 4), 'int32')}", "R.abs(x)")
one_op("negative/int64", f"x: {tensor((2, 3, 4), 'int64')}", "R.negative(x)")
one_op("sign/int32", f"x: {tensor((2, 3, 4), 'int32')}", "R.sign(x)")
one_op("exp/float16", f"x: {tensor((2, 3, 4), 'float16')}", "R.exp(x)", rtol=1e-3, atol=1e-3)
one_op("sqrt/float16", f"x: {tensor((2, 3, 4), 'float16')}", "R.sqrt(x)", rtol=1e-3, atol=1e-3)
one_op("exp/float64", f"x: {tensor((2, 3, 4), 'float64')}", "R.exp(x)")
one_op("exp/scalar", f"x: {tensor(())}", "R.exp(x)")
for op in ("isfinite", "isinf", "isnan"):
    one_op(f"{op}/basic", f"x: {tensor((3, 4))}", f"R.{op}(x)")
one_op("logical_not/basic", f"x: {tensor((2, 3, 4), 'bool')}", "R.logical_not(x)")
one_op("bitwise_not/basic", f"x: {tensor((2, 3, 4), 'int32')}", "R.bitwise_not(x)")
one_op("bitwise_not/uint8", f"x: {tensor((2, 3, 4), 'uint8')}", "R.bitwise_not(x)")



@expects("copy/basic")
@I.ir_module
class Copy:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        return x  # Relax values are immutable: a copy is the value itself


@expects("round/basic")  # Relay rounds halves away from zero (llvm.round); Relax's R.round to even
@I.ir_module
class Round:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.trunc(x)
            lv1 = R.subtract(x, lv)
            lv2 = R.abs(lv1)
            lv3 = R.greater_equal(lv2, R.const(0.5, "float32"))
            lv4 = R.sign(x)
            lv5 = R.add(lv, lv4)
            gv = R.where(lv3, lv5, lv)
            R.output(gv)
        return gv


@expects("round/ties")  # exact halves: Relay gives 1, 2, 3, -1, -3 (away from zero), R.round 0, 2, 2, -0, -2
@I.ir_module
class RoundTies:
    @R.function
    def main(x: R.Tensor((6,), "float32")):
        with R.dataflow():
            lv = R.trunc(x)
            lv1 = R.subtract(x, lv)
            lv2 = R.abs(lv1)
            lv3 = R.greater_equal(lv2, R.const(0.5, "float32"))
            lv4 = R.sign(x)
            lv5 = R.add(lv, lv4)
            gv = R.where(lv3, lv5, lv)
            R.output(gv)
        return gv


@expects("log2/basic")
@I.ir_module
class Log2:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.log(x)
            gv = R.divide(lv, R.const(0.6931471805599453, "float32"))  # ln 2
            R.output(gv)
        return gv


@expects("log10/basic")
@I.ir_module
class Log10:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.log(x)
            gv = R.divide(lv, R.const(2.302585092994046, "float32"))  # ln 10
            R.output(gv)
        return gv


# ---- binary broadcasting ops: same name in Relax
for relay_op in ("add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "floor_divide",
                 "floor_mod", "mod"):
    one_op(f"{relay_op}/basic", XY, f"R.{relay_op}(x, y)")
for relay_op in ("add", "divide", "maximum", "multiply"):
    one_op(f"{relay_op}/broadcast", XY_BCAST, f"R.{relay_op}(x, y)")
for relay_op in ("add", "subtract", "multiply", "divide", "floor_divide", "floor_mod", "mod"):
    one_op(f"{relay_op}/int32", XY_I32, f"R.{relay_op}(x, y)")
for relay_op in ("floor_divide", "floor_mod"):
    one_op(f"{relay_op}/int32_negative_divisor", XY_I32, f"R.{relay_op}(x, y)")
one_op("add/float16", f"x: {tensor((2, 3, 4), 'float16')}, y: {tensor((2, 3, 4), 'float16')}", "R.add(x, y)",
       rtol=1e-3, atol=1e-3)
one_op("add/uint8", f"x: {tensor((2, 3, 4), 'uint8')}, y: {tensor((2, 3, 4), 'uint8')}", "R.add(x, y)")
one_op("add/scalar_rhs", X, 'R.add(x, R.const(1.5, "float32"))')
one_op("multiply/int64_broadcast", f"x: {tensor((4,), 'int64')}, y: {tensor((3, 1), 'int64')}", "R.multiply(x, y)")

for relay_op in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
    one_op(f"{relay_op}/basic", XY_I32, f"R.{relay_op}(x, y)")
    one_op(f"{relay_op}/float_broadcast", XY_FLOAT_BCAST, f"R.{relay_op}(x, y)")

XY_BOOL = f"x: {tensor((2, 3, 4), 'bool')}, y: {tensor((2, 3, 4), 'bool')}"
for relay_op in ("logical_and", "logical_or", "logical_xor"):
    one_op(f"{relay_op}/basic", XY_BOOL, f"R.{relay_op}(x, y)")
for relay_op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    one_op(f"{relay_op}/basic", XY_I32, f"R.{relay_op}(x, y)")
    one_op(f"{relay_op}/bool", XY_BOOL, f"R.{relay_op}(x, y)")
for relay_op in ("left_shift", "right_shift"):
    one_op(f"{relay_op}/basic", XY_I32, f"R.{relay_op}(x, y)")
    one_op(f"{relay_op}/uint8", f"x: {tensor((2, 3, 4), 'uint8')}, y: {tensor((2, 3, 4), 'uint8')}",
           f"R.{relay_op}(x, y)")

# trunc_divide / trunc_mod: Relax's divide and mod truncate on integers (C semantics) ...
for variant in ("int32", "int32_negative_divisor"):
    one_op(f"trunc_divide/{variant}", XY_I32, "R.divide(x, y)")
    one_op(f"trunc_mod/{variant}", XY_I32, "R.mod(x, y)")


# ... and on floats the quotient is truncated explicitly.
@expects("trunc_divide/basic")
@I.ir_module
class TruncDivide:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), y: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.divide(x, y)
            gv = R.trunc(lv)
            R.output(gv)
        return gv


@expects("trunc_mod/basic")
@I.ir_module
class TruncMod:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), y: R.Tensor((2, 3, 4), "float32")):
        with R.dataflow():
            lv = R.divide(x, y)
            lv1 = R.trunc(lv)
            lv2 = R.multiply(lv1, y)
            gv = R.subtract(x, lv2)
            R.output(gv)
        return gv


# ---- where, clip, casts, full_like
one_op("where/basic", f"cond: {tensor((2, 3, 4), 'bool')}, {XY}", "R.where(cond, x, y)")
one_op("where/broadcast", f"cond: {tensor((3, 1), 'bool')}, x: {tensor((2, 1, 4))}, y: {tensor((4,))}",
       "R.where(cond, x, y)")
one_op("where/scalar_branch", f"cond: {tensor((2, 3, 4), 'bool')}, {X}", 'R.where(cond, x, R.const(0.0, "float32"))')
one_op("clip/basic", X, "R.clip(x, T.float64(-0.5), T.float64(0.25))")
one_op("clip/int32", f"x: {tensor((2, 3, 4), 'int32')}", "R.clip(x, T.float64(1.0), T.float64(5.0))")
for variant, src, dst in [
    ("bfloat16_to_float32", "bfloat16", "float32"), ("float32_to_bfloat16", "float32", "bfloat16"),
    ("float32_to_bool", "float32", "bool"), ("float32_to_float16", "float32", "float16"),
    ("float32_to_int32", "float32", "int32"), ("float32_to_uint8", "float32", "uint8"),
    ("int32_to_float32", "int32", "float32"), ("int64_to_int8", "int64", "int8"),
]:
    one_op(f"cast/{variant}", f"x: {tensor((2, 3, 4), src)}", f'R.astype(x, "{dst}")')
one_op("cast_like/basic", f"{X}, y: {tensor((2,), 'int32')}", 'R.astype(x, "int32")')
one_op("full_like/basic", f"{X}, fill: {tensor(())}", "R.full_like(x, fill)")


# ---- `?` dims Relax cannot relate: Relay reads both operands at one index (defined when the dims are equal at
# run time), so the operands are broadcast to the common dim (a static one when there is one) before the op.
@expects("add/any_dims")
@I.ir_module
class AddAnyDims:
    @R.function
    def main(x: R.Tensor(("x_dim0", 3), "float32"), y: R.Tensor(("y_dim0", 3), "float32")):
        x_dim0, y_dim0 = T.int64(), T.int64()
        with R.dataflow():
            lv = R.broadcast_to(y, R.shape([x_dim0, 3]))
            gv = R.add(x, lv)
            R.output(gv)
        return gv


@expects("where/any_dims")
@I.ir_module
class WhereAnyDims:
    @R.function
    def main(c: R.Tensor(("c_dim0", 4), "bool"), x: R.Tensor((3, "x_dim1"), "float32"),
             y: R.Tensor((1, "y_dim1"), "float32")):
        c_dim0, x_dim1, y_dim1 = T.int64(), T.int64(), T.int64()
        with R.dataflow():
            lv = R.broadcast_to(c, R.shape([3, 4]))
            lv1 = R.broadcast_to(x, R.shape([3, 4]))
            lv2 = R.broadcast_to(y, R.shape([1, 4]))
            gv = R.where(lv, lv1, lv2)
            R.output(gv)
        return gv
