"""Quantized ops (qnn.*): Relay's QNN canonicalization (v0.19 src/relay/qnn/op/*.cc) spelled in Relax ops.

Relax 0.27 has only quantize/dequantize, and its quantize rounds with ``te.round`` (halves to even since
apache/tvm#19368) where Relay's ``Round`` rounds halves away from zero. So every qnn op becomes the integer
arithmetic Relay lowered it to, step for step, and gives the same integers:

- ``requantize`` (compute_dtype int64): subtract the input zero point in int32, multiply by the fixed-point
  multiplier of ``in_scale / out_scale`` (a Q31 significand and a shift, ``GetFixedPointMultiplierShift``)
  in int64, add the rounding offset (UPWARD: ``2^(s-1)``; TONEAREST: ``2^(s-1)`` or ``2^(s-1) - 1`` by sign),
  arithmetic right shift, add the output zero point, saturate to out_dtype. float32/float64 compute_dtype:
  the float form (multiply, add zero point, round, saturate).
- add/subtract/concatenate/avg_pool2d/leaky_relu requantize their inputs to the output's parameters and
  work in int32; mul multiplies the zero-point-shifted inputs and requantizes by ``s_a * s_b / s_c``.
- conv2d/dense/batch_matmul/conv2d_transpose: ``(x - zp_x) (*) (w - zp_w)`` accumulated in int32 (Relay
  expands this into four terms; integer arithmetic makes both the same). Scales do not enter the result.
- conv2d/dense/batch_matmul/conv2d_transpose/contrib_dense_pack reuse the float family's translator on the
  shifted int32 operands, so every layout and attribute is handled as for nn.conv2d etc.
- unary ops (exp, tanh, ..., hardswish): dequantize, the float op, quantize (Relay's default lowering).
- softmax: Relay's integer approximation (exp by shifts, int32 division), requantized to int8.
- simulated_quantize/simulated_dequantize: the float-valued simulation; the dtype code must be a constant.

Relay's Round and requantize's TONEAREST round halves away from zero; R.round would round them to even, so
rounding is spelled out (trunc, sign). Scales and zero points must be constants (Relay's canonicalization
reads their values too), except the 1-d scale/zero-point tensors of the simulated ops.
"""

from __future__ import annotations

import math

import numpy as np
from tvm import relax
from tvm.relax import op as R

from ._common import constant_array, normalize_axis
from .registry import get_mapping, translator

_QRANGE = {
    "int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767), "uint16": (0, 65535),
    "int32": (-(2 ** 31), 2 ** 31 - 1),
}


# ---------------------------------------------------------------- helpers


def qparam(ctx, expr, what: str) -> np.ndarray:
    """The value of a scale or zero point argument; they must be constants."""
    value = constant_array(expr)
    if value is None:
        ctx.fail(f"{what} must be a constant (Relay's QNN lowering reads its value); fold it first "
                 f"(relay.transform.FoldConstant) before saving the model")
    return value


def _qrange(ctx, dtype: str) -> tuple:
    if dtype not in _QRANGE:
        ctx.fail(f"quantized dtype {dtype!r} is not supported ({', '.join(_QRANGE)})")
    return _QRANGE[dtype]


def along_axis(values: np.ndarray, ndim: int, axis: int) -> np.ndarray:
    """A per-channel vector shaped to broadcast along `axis` of an ndim tensor (ExpandBiasToMatchAxis);
    a scalar or single value stays a scalar."""
    values = np.asarray(values)
    if values.size == 1:
        return values.reshape(())
    return values.reshape([-1] + [1] * (ndim - axis - 1))


def one(values, dtype: str = "float32"):
    """The single value of a scalar (or one-element) parameter, as a Python number of `dtype`."""
    return np.asarray(values, dtype).reshape(-1)[0].item()


def _same_params(scale, zp, out_scale, out_zp) -> bool:
    """IsEqualScalar on both: per-tensor parameters equal to the output's (no requantize needed)."""
    return (np.asarray(scale).size == 1 and np.asarray(zp).size == 1
            and one(scale) == one(out_scale) and one(zp, "int32") == one(out_zp, "int32"))


def _is_zero(values: np.ndarray) -> bool:
    return bool(np.all(np.asarray(values) == 0))


def saturate(ctx, x, dtype: str):
    """Clip to the range of `dtype` and cast (ConvertDtype); int32 is left as it is."""
    if dtype == "int32" and ctx.dtype(x) == "int32":
        return x
    lo, hi = _qrange(ctx, dtype)
    return R.astype(ctx.emit(R.clip(x, lo, hi)), dtype)


def as_int32(ctx, x):
    return x if ctx.dtype(x) == "int32" else ctx.emit(R.astype(x, "int32"))


def round_half_away(ctx, x):
    """Relay's Round (llvm.round): halves away from zero; x - trunc(x) is exact in floating point."""
    dtype = ctx.dtype(x)
    whole = ctx.emit(R.trunc(x))
    half = ctx.emit(R.greater_equal(ctx.emit(R.abs(ctx.emit(R.subtract(x, whole)))), ctx.const(0.5, dtype)))
    return ctx.emit(R.where(half, ctx.emit(R.add(whole, ctx.emit(R.sign(x)))), whole))


def multiplier_shift(multiplier: float) -> tuple:
    """GetFixedPointMultiplierShift: a Q31 significand (int32) and a power-of-two exponent."""
    if multiplier == 0.0:
        return 0, 0
    significand, exponent = math.frexp(multiplier)
    fixed = int(math.floor(abs(significand) * (1 << 31) + 0.5)) * (1 if significand >= 0 else -1)  # std::round
    if fixed == 1 << 31:
        fixed //= 2
        exponent += 1
    return fixed, exponent


def fixed_point_multiply(ctx, x, multipliers: np.ndarray, ndim: int, axis: int, rounding: str):
    """int32 x times double multiplier(s), as Relay's FixedPointMultiply(ToNearest/PerChannel): int64 math."""
    pairs = [multiplier_shift(float(m)) for m in np.asarray(multipliers, dtype="float64").reshape(-1)]
    fixed = np.array([p[0] for p in pairs], "int64")
    lshift = np.array([max(p[1], 0) for p in pairs], "int64")
    total = np.array([max(-p[1], 0) + 31 for p in pairs], "int64")
    pos = np.left_shift(np.int64(1), total - 1)

    def c(values):
        return ctx.const(along_axis(values, ndim, axis), "int64")

    t = ctx.emit(R.astype(x, "int64"))
    if np.any(lshift != 0):
        t = ctx.emit(R.left_shift(t, c(lshift)))
    t = ctx.emit(R.multiply(t, c(fixed)))
    if rounding == "UPWARD":
        offset = c(pos)
    else:  # TONEAREST
        offset = ctx.emit(R.where(ctx.emit(R.greater_equal(t, ctx.const(0, "int64"))), c(pos), c(pos - 1)))
    t = ctx.emit(R.add(t, offset))
    t = ctx.emit(R.right_shift(t, c(total)))
    return ctx.emit(R.astype(t, "int32"))


def _rounding(ctx, rounding: str) -> str:
    rounding = "UPWARD" if rounding in (None, "", "None") else rounding
    if rounding not in ("UPWARD", "TONEAREST"):
        ctx.fail(f"rounding {rounding!r} is not supported (Relay v0.19 supports UPWARD and TONEAREST)")
    return rounding


def requantize(ctx, x, in_scale, in_zp, out_scale, out_zp, out_dtype: str, *, axis: int = -1,
               rounding: str = "UPWARD", compute_dtype: str = "int64"):
    """Relay's RequantizeLower: `in_scale`/`in_zp` scalars or per-channel vectors along `axis`."""
    ndim = ctx.ndim(x)
    axis = normalize_axis(ctx, axis, ndim) if ndim else 0
    in_scale = np.asarray(in_scale, "float32")
    out_scale = one(out_scale)
    in_zp, out_zp = np.asarray(in_zp, "int32"), one(out_zp, "int32")
    if out_scale == 0.0:
        ctx.fail("the output scale is 0")
    per_tensor = in_scale.size == 1
    multipliers = in_scale.astype("float64").reshape(-1) / np.float64(np.float32(out_scale))
    compute_dtype = "int64" if compute_dtype in (None, "", "None") else compute_dtype
    if compute_dtype in ("float32", "float64"):
        fdt = compute_dtype
        t = ctx.emit(R.astype(x, fdt))
        if not _is_zero(in_zp):
            t = ctx.emit(R.subtract(t, ctx.const(along_axis(in_zp, ndim, axis), fdt)))
        if not (per_tensor and float(in_scale.reshape(-1)[0]) == out_scale):
            t = ctx.emit(R.multiply(t, ctx.const(along_axis(multipliers, ndim, axis), fdt)))
        if out_zp != 0:
            t = ctx.emit(R.add(t, ctx.const(out_zp, fdt)))
        if rounding == "UPWARD":  # floor(x + 0.5)
            t = ctx.emit(R.floor(ctx.emit(R.add(t, ctx.const(0.5, fdt)))))
        else:  # trunc(x + 0.5 sign(x)): halves away from zero, as Relay's Tonearest
            half = ctx.emit(R.where(ctx.emit(R.less(t, ctx.const(0.0, fdt))), ctx.const(-0.5, fdt), ctx.const(0.5, fdt)))
            t = ctx.emit(R.trunc(ctx.emit(R.add(t, half))))
        t = ctx.emit(R.astype(t, "int32"))
        return saturate(ctx, t, out_dtype)
    if compute_dtype != "int64":
        ctx.fail(f"compute_dtype {compute_dtype!r} is not supported (int64, float32, float64)")
    t = as_int32(ctx, x)
    if not _is_zero(in_zp):
        t = ctx.emit(R.subtract(t, ctx.const(along_axis(in_zp, ndim, axis), "int32")))
    if not (per_tensor and float(in_scale.reshape(-1)[0]) == out_scale):
        t = fixed_point_multiply(ctx, t, multipliers, ndim, axis, rounding)
    if out_zp != 0:
        t = ctx.emit(R.add(t, ctx.const(out_zp, "int32")))
    return saturate(ctx, t, out_dtype)


def requantize_or_upcast(ctx, x, scale, zp, out_scale, out_zp, axis: int = -1):
    """RequantizeOrUpcast: requantize to int32 at (out_scale, out_zp), or just cast when they match."""
    if _same_params(scale, zp, out_scale, out_zp):
        return as_int32(ctx, x)
    return requantize(ctx, x, scale, zp, out_scale, out_zp, "int32", axis=axis)


def quantize(ctx, x, scale, zp, axis: int, out_dtype: str):
    """Relay's QuantizeLower: clip(round(x / scale) + zp) cast to out_dtype, rounding halves away from zero."""
    ndim = ctx.ndim(x)
    axis = normalize_axis(ctx, axis, ndim) if ndim else 0
    lo, hi = _qrange(ctx, out_dtype)
    scaled = ctx.emit(R.divide(x, ctx.const(along_axis(np.asarray(scale, "float32"), ndim, axis), "float32")))
    rounded = round_half_away(ctx, scaled)
    shifted = ctx.emit(R.add(rounded, ctx.const(along_axis(np.asarray(zp).astype("float32"), ndim, axis), "float32")))
    return R.astype(ctx.emit(R.clip(shifted, lo, hi)), out_dtype)


def dequantize(ctx, x, scale, zp, axis: int):
    """Relay's DequantizeLower: (int32(x) - zp) * scale, in float32."""
    ndim = ctx.ndim(x)
    axis = normalize_axis(ctx, axis, ndim) if ndim else 0
    shifted = ctx.emit(R.subtract(as_int32(ctx, x), ctx.const(along_axis(np.asarray(zp, "int32"), ndim, axis), "int32")))
    return R.multiply(ctx.emit(R.astype(shifted, "float32")),
                      ctx.const(along_axis(np.asarray(scale, "float32"), ndim, axis), "float32"))


def _params(ctx, args, start: int, names) -> list:
    return [qparam(ctx, args[start + i], n) for i, n in enumerate(names)]


# ---------------------------------------------------------------- quantize / dequantize / requantize


@translator("qnn.quantize", relax="clip(round(x / scale) + zp) -> out_dtype", status="composite",
            attrs="axis: the channel axis of per-channel scale/zp; out_dtype: the saturating cast",
            differs="R.quantize rounds halves to even (te.round, 0.27); Relay away from zero: spelled out")
def translate_quantize(ctx, call, args):
    scale, zp = _params(ctx, args, 1, ("output_scale", "output_zero_point"))
    return quantize(ctx, args[0], scale, zp, int(call.attrs["axis"]), call.attrs["out_dtype"])


@translator("qnn.dequantize", relax="(int32(x) - zp) * scale", status="composite",
            attrs="axis: the channel axis of per-channel scale/zp; out_dtype: float32 (others saturate)")
def translate_dequantize(ctx, call, args):
    scale, zp = _params(ctx, args, 1, ("input_scale", "input_zero_point"))
    out = dequantize(ctx, args[0], scale, zp, int(call.attrs["axis"]))
    out_dtype = call.attrs["out_dtype"] or "float32"
    if out_dtype != "float32":
        lo, hi = (-65504.0, 65504.0) if out_dtype == "float16" else (None, None)
        if lo is None:
            ctx.fail(f"out_dtype {out_dtype!r} is not supported (float32, float16)")
        out = R.astype(ctx.emit(R.clip(ctx.emit(out), lo, hi)), out_dtype)
    return out


@translator("qnn.requantize", relax="int64 fixed-point multiply, shift, add zp, saturate", status="composite",
            attrs="axis: channel axis of per-channel input scale/zp; rounding: UPWARD/TONEAREST offsets; "
                  "compute_dtype: int64 fixed point or float32/float64; out_dtype: saturating cast")
def translate_requantize(ctx, call, args):
    a = call.attrs
    in_scale, in_zp, out_scale, out_zp = _params(
        ctx, args, 1, ("input_scale", "input_zero_point", "output_scale", "output_zero_point"))
    return requantize(ctx, args[0], in_scale, in_zp, out_scale, out_zp, a["out_dtype"], axis=int(a["axis"]),
                      rounding=_rounding(ctx, a["rounding"]), compute_dtype=a["compute_dtype"])


# ---------------------------------------------------------------- binary ops

_BINARY_PARAMS = ("lhs_scale", "lhs_zero_point", "rhs_scale", "rhs_zero_point", "output_scale", "output_zero_point")


def _add_or_subtract(combine, correct, name: str):
    """Q_c = Q_a' (+/-) Q_b' (-/+) zp_c, with Q_a', Q_b' the inputs requantized to the output's params (int32)."""

    def translate(ctx, call, args):
        ls, lz, rs, rz, os_, oz = _params(ctx, args, 2, _BINARY_PARAMS)
        lhs = requantize_or_upcast(ctx, args[0], ls, lz, os_, oz, int(call.attrs["lhs_axis"]))
        rhs = requantize_or_upcast(ctx, args[1], rs, rz, os_, oz, int(call.attrs["rhs_axis"]))
        out = ctx.emit(combine(lhs, rhs))
        oz = one(oz, "int32")
        if oz != 0:
            out = ctx.emit(correct(out, ctx.const(oz, "int32")))
        return saturate(ctx, out, ctx.dtype(args[0]))

    translate.__doc__ = f"qnn.{name}: both inputs requantized to the output's scale and zero point, combined in int32."
    return translate


translator("qnn.add", relax="requantize both to the output, add in int32, subtract zp_out, saturate",
           status="composite", attrs="lhs_axis/rhs_axis: channel axes of per-channel input params")(
    _add_or_subtract(R.add, R.subtract, "add"))
translator("qnn.subtract", relax="requantize both to the output, subtract in int32, add zp_out, saturate",
           status="composite", attrs="lhs_axis/rhs_axis: channel axes of per-channel input params")(
    _add_or_subtract(R.subtract, R.add, "subtract"))


@translator("qnn.mul", relax="(a - zp_a) * (b - zp_b) in int32, requantized by s_a * s_b / s_c",
            status="composite", attrs="lhs_axis/rhs_axis: channel axis of per-channel params (must be equal)")
def translate_qnn_mul(ctx, call, args):
    ls, lz, rs, rz, os_, oz = _params(ctx, args, 2, _BINARY_PARAMS)
    ndim = ctx.ndim(args[0])
    per_tensor = np.asarray(ls).size == 1 and np.asarray(rs).size == 1
    axis = int(call.attrs["lhs_axis"])
    if not per_tensor and axis != int(call.attrs["rhs_axis"]):
        ctx.fail("per-channel qnn.mul needs lhs_axis == rhs_axis (as Relay)")
    norm_axis = normalize_axis(ctx, axis, ndim) if ndim else 0
    sides = []
    for x, zp in ((args[0], lz), (args[1], rz)):
        x = as_int32(ctx, x)
        if not _is_zero(zp):
            x = ctx.emit(R.subtract(x, ctx.const(along_axis(np.asarray(zp, "int32"), ndim, norm_axis), "int32")))
        sides.append(x)
    product = ctx.emit(R.multiply(*sides))
    if per_tensor:
        scale = np.float32(one(ls)) * np.float32(one(rs))  # float32 product, as Relay
    else:
        # products in double, stored as a float32 constant (MakeConstantTensor(Float(32)))
        scale = (np.asarray(ls, "float32").astype("float64") * np.asarray(rs, "float32").astype("float64")).astype(
            "float32")
    return requantize(ctx, product, scale, np.int32(0), os_, oz, ctx.dtype(args[0]), axis=axis)


@translator("qnn.concatenate", relax="R.concat of the inputs requantized to the output's params",
            status="composite", attrs="axis: axis")
def translate_qnn_concatenate(ctx, call, args):
    data, scales, zps, out_scale, out_zp = args
    out_scale, out_zp = qparam(ctx, out_scale, "output_scale"), qparam(ctx, out_zp, "output_zero_point")
    fields = _tuple_fields(ctx, data)
    scale_fields, zp_fields = _tuple_fields(ctx, scales), _tuple_fields(ctx, zps)
    parts = []
    for x, s, z in zip(fields, scale_fields, zp_fields):
        s, z = qparam(ctx, s, "input_scales"), qparam(ctx, z, "input_zero_points")
        if _same_params(s, z, out_scale, out_zp):
            parts.append(x)
        else:
            parts.append(ctx.emit(requantize(ctx, x, s, z, out_scale, out_zp, ctx.dtype(x))))
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(parts[0]))
    return R.concat(parts, axis)


def _tuple_fields(ctx, tup) -> list:
    if isinstance(tup, relax.Tuple):
        return list(tup.fields)
    ty = ctx.ty(tup)
    if not isinstance(ty, relax.TupleType):
        ctx.fail("expects a tuple")
    return [ctx.emit(relax.TupleGetItem(tup, i)) for i in range(len(ty.fields))]


# ---------------------------------------------------------------- integer-accumulating ops


def _shifted(ctx, x, zp, ndim_axis=None):
    """int32(x) - zp (zp scalar, or per-channel along `ndim_axis` = (ndim, axis))."""
    x = as_int32(ctx, x)
    zp = np.asarray(zp, "int32")
    if _is_zero(zp):
        return x
    value = zp.reshape(()) if zp.size == 1 else along_axis(zp, *ndim_axis)
    return ctx.emit(R.subtract(x, ctx.const(value, "int32")))


def _delegate(ctx, call, op: str, args):
    return get_mapping(op).translator(ctx, call, args)


def _int_accumulate(float_op: str, kernel_axis):
    def translate(ctx, call, args):
        x, w = args[0], args[1]
        zx, zw = _params(ctx, args, 2, ("input_zero_point", "kernel_zero_point"))
        if call.attrs["out_dtype"] not in ("int32", "", None):
            ctx.fail(f"out_dtype {call.attrs['out_dtype']!r}: only int32 accumulation is supported")
        ndim = ctx.ndim(w)
        axis = kernel_axis(call, ndim)
        if np.asarray(zw).size != 1:
            extent = None if axis is None else ctx.shape(w)[axis]
            if extent != np.asarray(zw).size:
                ctx.fail(f"a kernel zero point of {np.asarray(zw).size} values is supported only with one value "
                         f"per output channel of an unpacked weight")
        return _delegate(ctx, call, float_op, [_shifted(ctx, x, zx), _shifted(ctx, w, zw, (ndim, axis))])

    translate.__doc__ = f"{float_op} on int32(x) - zp_x and int32(w) - zp_w, accumulated in int32."
    return translate


_ACC = "(int32(x) - zp_x) {} (int32(w) - zp_w) in int32"
_ACC_ATTRS = "{} attrs as for {}; out_dtype: int32; scales: unused (Relay's result is the int32 accumulator)"
translator("qnn.conv2d", relax=_ACC.format("R.nn.conv2d"), status="composite",
           attrs=_ACC_ATTRS.format("conv", "nn.conv2d"))(
    _int_accumulate("nn.conv2d", lambda call, ndim: call.attrs["kernel_layout"].index("O")))
translator("qnn.conv2d_transpose", relax=_ACC.format("R.nn.conv2d_transpose"), status="composite",
           attrs=_ACC_ATTRS.format("conv", "nn.conv2d_transpose"))(
    _int_accumulate("nn.conv2d_transpose", lambda call, ndim: call.attrs["kernel_layout"].index("O")))
translator("qnn.dense", relax=_ACC.format("R.matmul(x, R.permute_dims(w))"), status="composite",
           attrs=_ACC_ATTRS.format("units", "nn.dense"))(_int_accumulate("nn.dense", lambda call, ndim: 0))
translator("qnn.batch_matmul", relax=_ACC.format("R.matmul"), status="composite",
           attrs=_ACC_ATTRS.format("transpose_a/transpose_b", "nn.batch_matmul"))(
    _int_accumulate("nn.batch_matmul", lambda call, ndim: ndim - 2 if call.attrs["transpose_b"] else ndim - 1))


@translator("qnn.avg_pool2d", relax="R.nn.avg_pool2d on the int32 input requantized to the output params",
            status="composite", attrs="pool attrs as for nn.avg_pool2d; the average is integer division")
def translate_qnn_avg_pool2d(ctx, call, args):
    scale, zp, out_scale, out_zp = _params(
        ctx, args, 1, ("input_scale", "input_zero_point", "output_scale", "output_zero_point"))
    x = requantize_or_upcast(ctx, args[0], scale, zp, out_scale, out_zp)
    pooled = ctx.emit(_delegate(ctx, call, "nn.avg_pool2d", [x]))
    return saturate(ctx, pooled, ctx.dtype(args[0]))


@translator("qnn.leaky_relu", relax="where(x < zp_in, alpha*q + (1-alpha)*zp_out, q) in fixed point",
            status="composite", attrs="alpha: fixed-point multipliers of alpha and 1 - alpha")
def translate_qnn_leaky_relu(ctx, call, args):
    scale, zp, out_scale, out_zp = _params(
        ctx, args, 1, ("input_scale", "input_zero_point", "output_scale", "output_zero_point"))
    alpha = float(call.attrs["alpha"])
    data = as_int32(ctx, args[0])
    q = requantize_or_upcast(ctx, data, scale, zp, out_scale, out_zp)
    ndim = ctx.ndim(data)
    prod = fixed_point_multiply(ctx, q, np.array([alpha]), ndim, 0, "UPWARD")
    fixed, exponent = multiplier_shift(1 - alpha)  # (1 - alpha) * zp_out, folded: Relay computes it the same way
    total = max(-exponent, 0) + 31
    scaled_zp = ((one(out_zp, "int32") << max(exponent, 0)) * fixed + (1 << (total - 1))) >> total
    low = ctx.emit(R.add(prod, ctx.const(scaled_zp, "int32")))
    out = ctx.emit(R.where(ctx.emit(R.less(data, ctx.const(one(zp, "int32"), "int32"))), low, q))
    return saturate(ctx, out, ctx.dtype(args[0]))


# ---------------------------------------------------------------- float round trips


def _float_roundtrip(float_fn, name):
    def translate(ctx, call, args):
        scale, zp, out_scale, out_zp = _params(
            ctx, args, 1, ("scale", "zero_point", "output_scale", "output_zero_point"))
        x = ctx.emit(dequantize(ctx, args[0], scale, zp, -1))
        return quantize(ctx, ctx.emit(float_fn(ctx, call, x)), out_scale, out_zp, -1, ctx.dtype(args[0]))

    translate.__doc__ = f"qnn.{name}: dequantize, {name} in float32, quantize (Relay's default lowering)."
    return translate


def _hardswish(ctx, call, x):
    """x * relu6(x + 3) / 6 (topi hardswish)."""
    relu6 = ctx.emit(R.clip(ctx.emit(R.add(x, ctx.const(3.0, "float32"))), 0.0, 6.0))
    return R.divide(ctx.emit(R.multiply(x, relu6)), ctx.const(6.0, "float32"))


_UNARY = {
    "abs": (R.abs, "R.abs"), "erf": (R.erf, "R.erf"), "exp": (R.exp, "R.exp"), "log": (R.log, "R.log"),
    "rsqrt": (R.rsqrt, "R.rsqrt"), "sigmoid": (R.sigmoid, "R.sigmoid"), "sqrt": (R.sqrt, "R.sqrt"),
    "tanh": (R.tanh, "R.tanh"),
}
for _name, (_fn, _relax) in _UNARY.items():
    translator(f"qnn.{_name}", relax=f"dequantize, {_relax}, quantize", status="composite",
               attrs="scale/zero points: constants")(_float_roundtrip(lambda ctx, call, x, f=_fn: f(x), _name))
translator("qnn.hardswish", relax="dequantize, x * clip(x + 3, 0, 6) / 6, quantize", status="composite",
           attrs="scale/zero points: constants")(_float_roundtrip(_hardswish, "hardswish"))


@translator("qnn.softmax", relax="Relay's integer softmax (shifts, int32 division), requantized to int8",
            status="composite", attrs="axis: the reduced axis")
def translate_qnn_softmax(ctx, call, args):
    """QnnSoftmaxCanonicalize: an integer approximation of exp by shifts; the result is always int8."""
    scale, zp, out_scale, out_zp = _params(
        ctx, args, 1, ("input_scale", "input_zero_point", "output_scale", "output_zero_point"))
    if scale.size != 1 or one(scale) > 1.0:
        ctx.fail("the input scale must be a scalar <= 1 (as Relay requires)")
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(args[0]))
    lo, hi = _QRANGE["int32"]
    x0 = min(max(math.floor(float(np.float32(1.0) / np.float32(one(scale))) + 0.5), lo), hi)  # round(1.f / s)

    def i32(v):
        return ctx.const(v, "int32")

    data = _shifted(ctx, args[0], zp)
    x = ctx.emit(R.subtract(data, ctx.emit(R.max(data, [axis], keepdims=True))))
    x_p = ctx.emit(R.subtract(ctx.emit(R.add(x, ctx.emit(R.right_shift(x, i32(1))))), ctx.emit(R.right_shift(x, i32(4)))))
    q = ctx.emit(R.clip(ctx.emit(R.divide(x_p, i32(-x0))), 0, 20))  # int32 divide truncates, as Relay's
    max_q = ctx.emit(R.max(q, [axis], keepdims=True))
    r = ctx.emit(R.subtract(x_p, ctx.emit(R.multiply(q, i32(-x0)))))
    x_b = ctx.emit(R.add(ctx.emit(R.right_shift(r, i32(1))), i32(x0)))
    exps = ctx.emit(R.left_shift(x_b, ctx.emit(R.subtract(max_q, q))))
    sums = ctx.emit(R.sum(exps, [axis], keepdims=True))
    out = ctx.emit(R.right_shift(ctx.emit(R.multiply(ctx.emit(R.divide(i32(1 << 30), sums)), exps)), i32(30 - 7)))
    return requantize(ctx, out, np.float32(1.0 / 128), np.int32(0), out_scale, out_zp, "int8", axis=0)


_SQNN_DTYPES = {0: None, 1: "int8", 2: "uint8", 3: "int32"}  # SQNN_DTYPE_TO_CODE


def _sqnn_dtype(ctx, expr):
    code = int(qparam(ctx, expr, "the dtype code").reshape(()))
    if code not in _SQNN_DTYPES:
        ctx.fail(f"unknown simulated-quantization dtype code {code} (0 disable, 1 int8, 2 uint8, 3 int32)")
    return _SQNN_DTYPES[code]


def _per_axis(ctx, param, ndim: int, axis: int):
    """A 1-d scale/zero point indexed by the channel (topi's indexmod: one value broadcasts)."""
    shape = [-1] + [1] * (ndim - axis - 1)
    return param if len(shape) == 1 and ctx.ndim(param) == 1 else ctx.emit(R.reshape(param, shape))


@translator("qnn.simulated_quantize", relax="clip(round(x / scale) + zp) in float", status="composite",
            attrs="axis: channel axis; the dtype code argument must be a constant (0 disable, 1 int8, 2 uint8, 3 int32)",
            differs="Relay picks the dtype at run time from a tensor; the translation needs it constant")
def translate_simulated_quantize(ctx, call, args):
    x, code, scale, zp = args
    dtype = _sqnn_dtype(ctx, code)
    if dtype is None:
        return x
    ndim = ctx.ndim(x)
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ndim)
    scaled = ctx.emit(R.divide(x, _per_axis(ctx, scale, ndim, axis)))
    shifted = ctx.emit(R.add(round_half_away(ctx, scaled), ctx.emit(R.astype(_per_axis(ctx, zp, ndim, axis), "float32"))))
    lo, hi = _QRANGE[dtype]
    return R.clip(shifted, lo, hi)


@translator("qnn.simulated_dequantize", relax="(x - zp) * scale in float", status="composite",
            attrs="axis: channel axis; the dtype code argument must be a constant",
            differs="Relay picks the dtype at run time from a tensor; the translation needs it constant")
def translate_simulated_dequantize(ctx, call, args):
    x, code, scale, zp = args
    if _sqnn_dtype(ctx, code) is None:
        return x
    ndim = ctx.ndim(x)
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ndim)
    shifted = ctx.emit(R.subtract(x, ctx.emit(R.astype(_per_axis(ctx, zp, ndim, axis), "float32"))))
    return R.multiply(shifted, _per_axis(ctx, scale, ndim, axis))


translator("qnn.contrib_dense_pack", relax=_ACC.format("nn.contrib_dense_pack's unpack and R.matmul"),
           status="composite", attrs=_ACC_ATTRS.format("weight_layout (e.g. NC8n), units", "nn.contrib_dense_pack"),
           differs="the legacy Relay cannot build it (no QNN canonicalization): checked against qnn.dense's "
                   "Relay output on the same, unpacked weight")(
    _int_accumulate("nn.contrib_dense_pack", lambda call, ndim: None))
