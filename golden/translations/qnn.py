"""Expected Relax for op_mappings/qnn.py: Relay's QNN canonicalization (v0.19 src/relay/qnn/op/*.cc) in Relax.

Every fixed-point constant below was worked out by hand from GetFixedPointMultiplierShift: for a ratio
r = in_scale / out_scale (float32 scales, divided in double), frexp(r) = (f, e), multiplier round(f * 2^31),
left shift max(e, 0), total right shift max(-e, 0) + 31, UPWARD offset 2^(total - 1) (TONEAREST: that
offset, minus 1 for negative values). E.g. 0.01 / 0.15 = 0.5333.. * 2^-3 -> 1145324541, shift 34.

The bodies are written with `Body`, a small line builder: each call appends ``lvN = <expr>`` and returns
the new name, so a golden reads top to bottom like the Relay lowering it specifies.
"""

from __future__ import annotations

import tvm
from tvm.script import ir as I, relax as R, tirx as T

from ._golden import expects


def c(value, dtype: str) -> str:
    """TVMScript of a constant."""
    return f'R.const({value}, "{dtype}")'


class Body:
    def __init__(self):
        self.lines: list = []

    def __call__(self, expr: str) -> str:
        name = f"lv{len(self.lines)}"
        self.lines.append(f"{name} = {expr}")
        return name

    def op(self, fn: str, *args, **kwargs) -> str:
        """Append ``lvN = fn(args..., key=value...)``; string kwargs are quoted."""
        parts = [str(a) for a in args] + [f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in kwargs.items()]
        return self(f"{fn}({', '.join(parts)})")

    def cast(self, x: str, dtype: str) -> str:
        return self.op("R.astype", x, f'"{dtype}"')

    def fpm(self, x: str, multiplier: int, total: int, lshift: int = 0, rounding: str = "UPWARD") -> str:
        """int32 x times a Q31 multiplier, in int64: ((x << lshift) * m + offset) >> total."""
        v = self.cast(x, "int64")
        if lshift:
            v = self.op("R.left_shift", v, c(lshift, "int64"))
        v = self.op("R.multiply", v, c(multiplier, "int64"))
        offset = 1 << (total - 1)
        if rounding == "UPWARD":
            v = self.op("R.add", v, c(offset, "int64"))
        else:  # TONEAREST: one less for negative values
            sign = self.op("R.greater_equal", v, c(0, "int64"))
            v = self.op("R.add", v, self.op("R.where", sign, c(offset, "int64"), c(offset - 1, "int64")))
        v = self.op("R.right_shift", v, c(total, "int64"))
        return self.cast(v, "int32")

    def shifted(self, x: str, zp, dtype: str = "int32") -> str:
        """int32(x) - zp (skipped for a zero zero point)."""
        v = self.cast(x, "int32")
        return self.op("R.subtract", v, c(zp, dtype)) if zp else v

    def requant(self, x: str, in_zp: int, multiplier: int, total: int, out_zp: int, lshift: int = 0,
                to_int32: bool = True) -> str:
        """int32(x) - in_zp, fixed-point multiply (UPWARD), + out_zp."""
        v = self.shifted(x, in_zp) if to_int32 else (self.op("R.subtract", x, c(in_zp, "int32")) if in_zp else x)
        v = self.fpm(v, multiplier, total, lshift)
        return self.op("R.add", v, c(out_zp, "int32")) if out_zp else v

    def saturate(self, x: str, dtype: str, lo: int, hi: int) -> str:
        return self.cast(self.op("R.clip", x, lo, hi), dtype)

    def round_half_away(self, x: str) -> str:
        whole = self.op("R.trunc", x)
        half = self.op("R.greater_equal", self.op("R.abs", self.op("R.subtract", x, whole)), c(0.5, "float32"))
        return self.op("R.where", half, self.op("R.add", whole, self.op("R.sign", x)), whole)


def module(bundle: str, params: str, body: Body, num_input=None) -> None:
    attrs = f'R.func_attr({{"num_input": {num_input}}})\n        ' if num_input is not None else ""
    lines = "\n            ".join(body.lines)
    out = body.lines[-1].split(" = ")[0]
    source = f'''
@I.ir_module
class Expected:
    @R.function
    def main({params}):
        {attrs}with R.dataflow():
            {lines}
            R.output({out})
        return {out}
'''
    expects(bundle)(tvm.script.from_source(source, extra_vars={"I": I, "R": R, "T": T}))


def t(shape, dtype):
    return f'R.Tensor(({", ".join(map(str, shape))}{"," if len(shape) == 1 else ""}), "{dtype}")'


# ---- quantize: clip(round_half_away(x / s) + zp), cast
for bundle, scale, zp, dtype, lo, hi in (("basic", 0.019999999552965164, 3.0, "int8", -128, 127),
                                         ("int32", 0.0010000000474974513, 0.0, "int32", -2147483648, 2147483647)):
    b = Body()
    r = b.round_half_away(b.op("R.divide", "x", c(scale, "float32")))
    b.saturate(b.op("R.add", r, c(zp, "float32")), dtype, lo, hi)
    module(f"qnn.quantize/{bundle}", f"x: {t((2, 3, 4), 'float32')}", b)

b = Body()  # per axis 1: scales (0.01, 0.02, 0.05), zero points (120, 128, 130), shaped (3, 1)
r = b.round_half_away(b.op("R.divide", "x", c([[0.009999999776482582], [0.019999999552965164], [0.05000000074505806]], "float32")))
b.saturate(b.op("R.add", r, c([[120.0], [128.0], [130.0]], "float32")), "uint8", 0, 255)
module("qnn.quantize/uint8_per_axis", f"x: {t((2, 3, 4), 'float32')}", b)

# ---- dequantize: float32(int32(x) - zp) * s (an int32 input needs no cast)
b = Body()
b.op("R.multiply", b.cast(b.shifted("x", -2), "float32"), c(0.05000000074505806, "float32"))
module("qnn.dequantize/basic", f"x: {t((2, 3, 4), 'int8')}", b)
b = Body()
b.op("R.multiply", b.cast(b.op("R.subtract", "x", c(0, "int32")), "float32"), c(0.0010000000474974513, "float32"))
module("qnn.dequantize/int32", f"x: {t((2, 3, 4), 'int32')}", b)
b = Body()  # per axis -1 (4 channels): zero points (100, 128, 0, 255), scales (0.1, 0.2, 0.3, 0.4)
s = b.op("R.subtract", b.cast("x", "int32"), c([100, 128, 0, 255], "int32"))
b.op("R.multiply", b.cast(s, "float32"),
     c([0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645], "float32"))
module("qnn.dequantize/uint8_per_axis", f"x: {t((2, 3, 4), 'uint8')}", b)

# ---- requantize 0.01 -> 0.15 (multiplier 1145324541, shift 34), zp 0 -> -3
for rounding in ("UPWARD", "TONEAREST"):
    b = Body()
    q = b.fpm("x", 1145324541, 34, rounding=rounding)
    b.saturate(b.op("R.add", q, c(-3, "int32")), "int8", -128, 127)
    module(f"qnn.requantize/int32_to_int8_{rounding.lower()}", f"x: {t((2, 3, 4), 'int32')}", b)

b = Body()  # compute_dtype float32, per-channel axis 1: (0.1, 0.2, 0.05) / 0.12, zp 128 -> 120, UPWARD = floor(x + 0.5)
f = b.op("R.subtract", b.cast("x", "float32"), c(128.0, "float32"))
f = b.op("R.multiply", f, c([[[0.8333333730697632]], [[1.6666667461395264]], [[0.4166666865348816]]], "float32"))
f = b.op("R.add", f, c(120.0, "float32"))
f = b.op("R.floor", b.op("R.add", f, c(0.5, "float32")))
b.saturate(b.cast(f, "int32"), "uint8", 0, 255)
module("qnn.requantize/uint8_to_uint8_per_channel_float_compute", f"x: {t((1, 3, 2, 2), 'uint8')}", b)

# ---- add / subtract: both sides requantized to the output's params, combined in int32, zp_out corrected
# int8 (out 0.1 zp 2): a 0.05 zp 10 (0.5: 1073741824, 31); b 0.08 zp -5 (0.8: 1717986854, 31)
# uint8 (out 0.07 zp 120): a 0.03 zp 128 (1840700221, 32); b (4,) 0.05 zp 100 (1533916908, 31)
for op, relax_op, fix_op in (("add", "R.add", "R.subtract"), ("subtract", "R.subtract", "R.add")):
    b = Body()
    lhs = b.requant("a", 10, 1073741824, 31, 2)
    rhs = b.requant("b", -5, 1717986854, 31, 2)
    b.saturate(b.op(fix_op, b.op(relax_op, lhs, rhs), c(2, "int32")), "int8", -128, 127)
    module(f"qnn.{op}/basic", f"a: {t((2, 3, 4), 'int8')}, b: {t((2, 3, 4), 'int8')}", b)
    b = Body()
    lhs = b.requant("a", 128, 1840700221, 32, 120)
    rhs = b.requant("b", 100, 1533916908, 31, 120)
    b.saturate(b.op(fix_op, b.op(relax_op, lhs, rhs), c(120, "int32")), "uint8", 0, 255)
    module(f"qnn.{op}/uint8_broadcast", f"a: {t((2, 3, 4), 'uint8')}, b: {t((4,), 'uint8')}", b)

# ---- mul: (a - zp_a) * (b - zp_b) requantized by float32(s_a * s_b) / s_c
# int8: 0.05f * 0.08f = 0.004f, / 0.1 -> (1374389580, 35); uint8: 0.03f * 0.05f = 0.0015f, / 0.07 -> (1472560222, 36)
for bundle, params, za, zb, m, total, zc, dtype, lo, hi in (
        ("basic", f"a: {t((2, 3, 4), 'int8')}, b: {t((2, 3, 4), 'int8')}", 10, -5, 1374389580, 35, 2, "int8", -128, 127),
        ("uint8_broadcast", f"a: {t((2, 3, 4), 'uint8')}, b: {t((4,), 'uint8')}", 128, 100, 1472560222, 36, 120,
         "uint8", 0, 255)):
    b = Body()
    q = b.fpm(b.op("R.multiply", b.shifted("a", za), b.shifted("b", zb)), m, total)
    b.saturate(b.op("R.add", q, c(zc, "int32")), dtype, lo, hi)
    module(f"qnn.mul/{bundle}", params, b)

# ---- concatenate (out 0.08 zp 0): a 0.05 zp 1 (0.625: 1342177330, 31); b 0.1 zp -4 (1.25: same, lshift 1)
b = Body()
qa = b.saturate(b.requant("a", 1, 1342177330, 31, 0), "int8", -128, 127)
qb = b.saturate(b.requant("b", -4, 1342177330, 31, 0, lshift=1), "int8", -128, 127)
b(f"R.concat(({qa}, {qb}), axis=1)")
module("qnn.concatenate/basic", f"a: {t((2, 3), 'int8')}, b: {t((2, 2), 'int8')}", b)

# ---- avg_pool2d: requantize 0.05 zp 100 -> 0.06 zp 110 (1789569773, 31), integer average, saturate
b = Body()
p = b.op("R.nn.avg_pool2d", b.requant("x", 100, 1789569773, 31, 110), pool_size=[2, 2], strides=[2, 2],
         dilation=[1, 1], padding=[0, 0, 0, 0], ceil_mode=False, count_include_pad=False, layout="NCHW", out_layout="NCHW")
b.saturate(p, "uint8", 0, 255)
module("qnn.avg_pool2d/basic", f"x: {t((1, 2, 4, 4), 'uint8')}", b)

# ---- leaky_relu alpha 0.1: q = requantize(0.05 zp 3 -> 0.04 zp -2) (1.25: 1342177330, lshift 1);
# alpha * q: (1717986918, 34); (1 - alpha) * zp_out = 0.9 * -2: (-2 * 1932735283 + 2^30) >> 31 = -2, folded
b = Body()
x32 = b.cast("x", "int32")
q = b.requant(x32, 3, 1342177330, 31, -2, lshift=1, to_int32=False)
low = b.op("R.add", b.fpm(q, 1717986918, 34), c(-2, "int32"))
b.saturate(b.op("R.where", b.op("R.less", x32, c(3, "int32")), low, q), "int8", -128, 127)
module("qnn.leaky_relu/basic", f"x: {t((2, 3, 4), 'int8')}", b)

# ---- softmax (input scale 0.05, zp 0: x0 = round(1 / 0.05) = 20): Relay's shift-based integer softmax
b = Body()
d = b.cast("x", "int32")
x = b.op("R.subtract", d, b.op("R.max", d, axis=[2], keepdims=True))
xp = b.op("R.subtract", b.op("R.add", x, b.op("R.right_shift", x, c(1, "int32"))), b.op("R.right_shift", x, c(4, "int32")))
q = b.op("R.clip", b.op("R.divide", xp, c(-20, "int32")), 0, 20)
max_q = b.op("R.max", q, axis=[2], keepdims=True)
r = b.op("R.subtract", xp, b.op("R.multiply", q, c(-20, "int32")))
xb = b.op("R.add", b.op("R.right_shift", r, c(1, "int32")), c(20, "int32"))
exps = b.op("R.left_shift", xb, b.op("R.subtract", max_q, q))
sums = b.op("R.sum", exps, axis=[2], keepdims=True)
out = b.op("R.right_shift", b.op("R.multiply", b.op("R.divide", c(1 << 30, "int32"), sums), exps), c(23, "int32"))
# requantize 1/128 -> 0.00390625 (ratio 2: multiplier 2^30, lshift 2), zp -128, always int8
b.saturate(b.op("R.add", b.fpm(out, 1073741824, 31, lshift=2), c(-128, "int32")), "int8", -128, 127)
module("qnn.softmax/basic", f"x: {t((2, 3, 4), 'int8')}", b)

# ---- integer-accumulating ops: (int32(x) - zp_x) (*) (int32(w) - zp_w), zero zero points skipped
b = Body()
b.op("R.nn.conv2d", b.shifted("x", 3), b.cast("w", "int32"), strides=[1, 1], padding=[1, 1, 1, 1], dilation=[1, 1],
     groups=1, data_layout="NCHW", kernel_layout="OIHW", out_layout="NCHW", out_dtype="int32")
module("qnn.conv2d/basic", f"x: {t((1, 2, 4, 4), 'int8')}, w: {t((2, 2, 3, 3), 'int8')}", b, num_input=1)

b = Body()
b.op("R.nn.conv2d", b.shifted("x", 120), b.shifted("w", 128), strides=[1, 1], padding=[0, 0, 0, 0], dilation=[1, 1],
     groups=1, data_layout="NHWC", kernel_layout="HWIO", out_layout="NHWC", out_dtype="int32")
module("qnn.conv2d/uint8_per_channel_NHWC", f"x: {t((1, 4, 4, 2), 'uint8')}, w: {t((3, 3, 2, 3), 'uint8')}", b,
       num_input=1)

b = Body()
b.op("R.nn.conv2d_transpose", b.shifted("x", 1), b.cast("w", "int32"), strides=[2, 2], padding=[1, 1, 1, 1],
     output_padding=[1, 1], dilation=[1, 1], groups=1, data_layout="NCHW", kernel_layout="IOHW", out_layout="NCHW",
     out_dtype="int32")
module("qnn.conv2d_transpose/basic", f"x: {t((1, 2, 3, 3), 'int8')}, w: {t((2, 2, 3, 3), 'int8')}", b, num_input=1)

for bundle, dtype, zx, zw, num_input in (("basic", "int8", 2, 0, 1), ("uint8_per_channel", "uint8", 128, 120, None)):
    b = Body()
    xs = b.shifted("x", zx)
    b.op("R.matmul", xs, b.op("R.permute_dims", b.shifted("w", zw), axes=[1, 0]), out_dtype="int32")
    module(f"qnn.dense/{bundle}", f"x: {t((2, 6), dtype)}, w: {t((3, 6), dtype)}", b, num_input=num_input)

for bundle, dtype, sa, sb, za, zb in (("basic", "int8", (2, 3, 4), (2, 5, 4), 1, -2),
                                      ("uint8", "uint8", (1, 3, 4), (1, 2, 4), 128, 120)):
    b = Body()
    xa = b.shifted("a", za)
    b.op("R.matmul", xa, b.op("R.permute_dims", b.shifted("b", zb), axes=[0, 2, 1]), out_dtype="int32")
    module(f"qnn.batch_matmul/{bundle}", f"a: {t(sa, dtype)}, b: {t(sb, dtype)}", b)

# ---- unary ops: dequantize (scale 0.03, zp -64), the float op, quantize (scale 0.02, zp -10)
for name in ("abs", "erf", "exp", "log", "rsqrt", "sigmoid", "sqrt", "tanh", "hardswish"):
    b = Body()
    f = b.op("R.multiply", b.cast(b.shifted("x", -64), "float32"), c(0.029999999329447746, "float32"))
    if name == "hardswish":  # x * clip(x + 3, 0, 6) / 6
        relu6 = b.op("R.clip", b.op("R.add", f, c(3.0, "float32")), 0.0, 6.0)
        y = b.op("R.divide", b.op("R.multiply", f, relu6), c(6.0, "float32"))
    else:
        y = b.op(f"R.{name}", f)
    r = b.round_half_away(b.op("R.divide", y, c(0.019999999552965164, "float32")))
    b.saturate(b.op("R.add", r, c(-10.0, "float32")), "int8", -128, 127)
    module(f"qnn.{name}/basic", f"x: {t((2, 3, 4), 'int8')}", b)

# ---- simulated (de)quantize: float results; scale and zero point are 1-d tensors, reshaped to the axis
b = Body()  # dtype code 1 (int8), scale 0.02, zp 3 (the Relay graph reshapes them to [-1])
s = b.op("R.reshape", c(0.019999999552965164, "float32"), "R.shape([1])")
z = b.op("R.reshape", c(3, "int32"), "R.shape([1])")
r = b.round_half_away(b.op("R.divide", "x", s))
b.op("R.clip", b.op("R.add", r, b.cast(z, "float32")), -128, 127)
module("qnn.simulated_quantize/basic", f"x: {t((2, 3, 4), 'float32')}", b)

b = Body()  # dtype code 2 (uint8), per axis 1
s = b.op("R.reshape", c([0.009999999776482582, 0.019999999552965164, 0.05000000074505806], "float32"), "R.shape([3])")
z = b.op("R.reshape", c([120, 128, 130], "int32"), "R.shape([3])")
r = b.round_half_away(b.op("R.divide", "x", b.op("R.reshape", s, "R.shape([3, 1])")))
b.op("R.clip", b.op("R.add", r, b.cast(b.op("R.reshape", z, "R.shape([3, 1])"), "float32")), 0, 255)
module("qnn.simulated_quantize/per_axis_uint8", f"x: {t((2, 3, 4), 'float32')}", b)

b = Body()  # dtype code 1, scale 0.05, zp -2
s = b.op("R.reshape", c(0.05000000074505806, "float32"), "R.shape([1])")
z = b.op("R.reshape", c(-2, "int32"), "R.shape([1])")
b.op("R.multiply", b.op("R.subtract", "x", b.cast(z, "float32")), s)
module("qnn.simulated_dequantize/basic", f"x: {t((2, 3, 4), 'float32')}", b)

# ---- requantize per channel (axis 1) in int64: scales (0.01, 0.3, 0.045) -> 0.12, zero points (0, 5, -7) -> 4.
# Ratios 0.0833 = 0.667 * 2^-3 (1431655765, shift 34); 2.5 = 0.625 * 2^2 (1342177363, left shift 2, shift 31);
# 0.375 = 0.75 * 2^-1 (1610612836, shift 32). Each channel's constants are shaped (3, 1) to broadcast on axis 1.
for rounding in ("UPWARD", "TONEAREST"):
    b = Body()
    v = b.cast(b.op("R.subtract", "x", c([[0], [5], [-7]], "int32")), "int64")
    v = b.op("R.left_shift", v, c([[0], [2], [0]], "int64"))
    v = b.op("R.multiply", v, c([[1431655765], [1342177363], [1610612836]], "int64"))
    pos = c([[1 << 33], [1 << 30], [1 << 31]], "int64")
    if rounding == "UPWARD":
        v = b.op("R.add", v, pos)
    else:
        neg = c([[(1 << 33) - 1], [(1 << 30) - 1], [(1 << 31) - 1]], "int64")
        v = b.op("R.add", v, b.op("R.where", b.op("R.greater_equal", v, c(0, "int64")), pos, neg))
    v = b.cast(b.op("R.right_shift", v, c([[34], [31], [32]], "int64")), "int32")
    b.saturate(b.op("R.add", v, c(4, "int32")), "int8", -128, 127)
    module(f"qnn.requantize/int32_to_int8_per_channel_{rounding.lower()}", f"x: {t((2, 3, 4), 'int32')}", b)
