"""Neural-network basics: activations, softmax, dense/matmul/batch_matmul, bias_add, batch_norm, dropout.

``nn.dense`` takes its weight as (units, in): it becomes ``matmul(x, permute_dims(w))`` (what
``relax.op.linear`` builds). ``nn.batch_matmul`` transposes per its attrs (the Python helper
``relay.nn.batch_matmul`` sets ``transpose_b=True``; the attr default is False). ``nn.batch_norm`` and
``nn.dropout`` return tuples in both IRs: Relax's batch_norm is called with ``training=False``, which
normalises with the moving statistics and returns them unchanged, as Relay's inference does.
"""

from __future__ import annotations

from tvm.relax import op as R
from tvm.relax.op import nn as N

from ._common import normalize_axis
from .registry import translator


def _out_dtype(call):
    return call.attrs["out_dtype"] or None


def _swap_last_two(ctx, x):
    ndim = ctx.ndim(x)
    axes = list(range(ndim))
    axes[-2], axes[-1] = axes[-1], axes[-2]
    return R.permute_dims(x, axes)


@translator("nn.relu", relax="R.nn.relu")
def translate_relu(ctx, call, args):
    return N.relu(args[0])


@translator("nn.leaky_relu", relax="R.nn.leakyrelu", attrs="alpha: alpha")
def translate_leaky_relu(ctx, call, args):
    return N.leakyrelu(args[0], float(call.attrs["alpha"]))


@translator("nn.prelu", relax="R.nn.prelu", attrs="axis: axis (the channel axis of alpha)")
def translate_prelu(ctx, call, args):
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(args[0]))
    return N.prelu(args[0], args[1], axis)


def _softmax(relax_fn):
    def translate_softmax(ctx, call, args):
        axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(args[0]))
        return relax_fn(args[0], axis)

    return translate_softmax


translator("nn.softmax", relax="R.nn.softmax", attrs="axis: axis")(_softmax(N.softmax))
translator("nn.log_softmax", relax="R.nn.log_softmax", attrs="axis: axis")(_softmax(N.log_softmax))
translator(
    "nn.fast_softmax", relax="R.nn.softmax", attrs="axis: axis",
    differs="Relay's fast_softmax uses TOPI's fast_exp approximation (rel. error about 1e-7); Relax the exact exp",
)(_softmax(N.softmax))


def _check_units(ctx, call, weight, axis: int):
    units = call.attrs["units"]
    if units is None:
        return
    have = ctx.shape(weight)[axis]
    if isinstance(have, int) and int(units) != have:
        ctx.fail(f"units={units} does not match the weight's {have} output features")


@translator("nn.dense", relax="R.matmul(x, R.permute_dims(w, [1, 0]))", status="composite",
            attrs="units: checked against the weight; out_dtype: matmul out_dtype",
            differs="Relax has no dense; the weight is (units, in), hence the transpose")
def translate_dense(ctx, call, args):
    """dense(x, w) = x @ w^T, accumulating in out_dtype when given (as topi.nn.dense)."""
    x, w = args
    _check_units(ctx, call, w, 0)
    return R.matmul(x, R.permute_dims(w, [1, 0]), out_dtype=_out_dtype(call))


@translator("nn.matmul", relax="R.matmul (with R.permute_dims for transpose_a/transpose_b)", status="composite",
            attrs="transpose_a/transpose_b: permute_dims of the last two axes; units: checked; out_dtype: out_dtype")
def translate_matmul(ctx, call, args):
    a, b = args
    transpose_a, transpose_b = call.attrs["transpose_a"], call.attrs["transpose_b"]
    _check_units(ctx, call, b, 0 if transpose_b else 1)
    if transpose_a:
        a = _swap_last_two(ctx, a)
    if transpose_b:
        b = R.permute_dims(b, [1, 0])
    return R.matmul(a, b, out_dtype=_out_dtype(call))


@translator("nn.batch_matmul", relax="R.matmul (with R.permute_dims for transpose_a/transpose_b)",
            status="composite", attrs="transpose_a/transpose_b: permute_dims(0, 2, 1); out_dtype: out_dtype",
            differs="relay.nn.batch_matmul passes transpose_b=True; Relax's matmul transposes nothing")
def translate_batch_matmul(ctx, call, args):
    """batch_matmul(x, y): (B, M, K) x (B, K, N), each side transposed when its attr says so."""
    x, y = args
    if call.attrs["transpose_a"]:
        x = R.permute_dims(x, [0, 2, 1])
    if call.attrs["transpose_b"]:
        y = R.permute_dims(y, [0, 2, 1])
    return R.matmul(x, y, out_dtype=_out_dtype(call))


@translator("nn.bias_add", relax="R.add(x, R.expand_dims(b, trailing axes))", status="composite",
            attrs="axis: the bias is expanded to broadcast along it")
def translate_bias_add(ctx, call, args):
    """bias_add adds a 1-d bias along `axis`: expand it with trailing unit axes, then add."""
    x, bias = args
    ndim = ctx.ndim(x)
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ndim)
    if axis < ndim - 1:
        bias = R.expand_dims(bias, list(range(1, ndim - axis)))
    return R.add(x, bias)


@translator("nn.batch_norm", relax="R.nn.batch_norm(..., training=False)", status="exact",
            attrs="axis, epsilon, center, scale: the same; momentum: unused at inference",
            differs="Relay's inference rewrite scales by gamma/sqrt(var+eps) first; rounding differs slightly")
def translate_batch_norm(ctx, call, args):
    """batch_norm -> (normalised, moving_mean, moving_var), inference mode."""
    data, gamma, beta, mean, var = args
    a = call.attrs
    axis = normalize_axis(ctx, int(a["axis"]), ctx.ndim(data))
    return N.batch_norm(data, gamma, beta, mean, var, axis, float(a["epsilon"]), bool(a["center"]),
                        bool(a["scale"]), training=False)


@translator("nn.dropout", relax="R.nn.dropout", attrs="rate: rate",
            differs="both are the identity at inference; the tuple's second field (mask) is all ones in Relax")
def translate_dropout(ctx, call, args):
    return N.dropout(args[0], float(call.attrs["rate"]))
