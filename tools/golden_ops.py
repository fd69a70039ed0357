"""Single-op Relay programs for golden/ops/<op>/<variant>/ (run under the LEGACY TVM only).

Each case is a small function decorated with `@case(op, variant)` that returns a `Spec`: the
Relay expression (its free variables become main's parameters, in order of first use unless
`args` is given), optional weights bound as params, explicit input arrays, per-input value
ranges for generated inputs, and the opt_level/executor to use. The table is the single source
of truth: make_golden.py only runs it.

Shapes stay tiny (about 64 elements per tensor). Fork workarounds (see
../shared/legacy-relay/README.md): conv2d always gets kernel_size and channels; nn.dense stays 2-D.
"""

import numpy as np
import tvm
from tvm import relay

CASES = []
# Ops of relay-ops-v0.19.txt that are never attempted, with the reason.
NOT_ATTEMPTED = {}
# Class of each skip reason (README groups skips by it).
INTERNAL_REASON = (
    "internal: produced by Relay's own lowering/memory planning/parser, never present in a user's "
    "Relay program, so not constructible as a standalone op"
)
for _op in ("memory.alloc_storage", "memory.alloc_tensor", "memory.kill", "vm.invoke_tvm_op", "vm.reshape_tensor",
            "vm.shape_of", "call_lowered", "parser.MetaRef"):
    NOT_ATTEMPTED[_op] = INTERNAL_REASON

# What was found out about ops that get no bundle: (reason class, explanation). The manifest keeps
# the exact failure message next to it.
SKIP_NOTES = {
    "hardswish": ("registered without a type relation in the fork",
                  "the fork lists the name in its op table with no arguments or type relation (Relay "
                  "lowers hard-swish through other ops); type checking a call segfaults"),
    "vision.invert_permutation": ("registered without a type relation in the fork",
                                  "registered by name only (num_inputs=-1, no type relation); type checking a "
                                  "call segfaults. `invert_permutation` (no prefix) works and has a bundle"),
    "scatter": ("registered without a type relation in the fork",
                "the fork has no relay.attrs.ScatterAttrs (upstream replaced scatter by scatter_elements)"),
    "annotation.with_funcid": ("crash in the fork",
                               "type checking a call to a function wrapped in with_funcid segfaults"),
    "annotation.compiler_begin": ("marker op without compute", "only valid before PartitionGraph, which "
                                  "removes it; relay.build has no strategy for it"),
    "annotation.compiler_end": ("marker op without compute", "only valid before PartitionGraph, which "
                                "removes it; relay.build has no strategy for it"),
    "annotation.bitpack_start": ("marker op without compute", "bit-serial region marker with no strategy"),
    "annotation.bitpack_end": ("marker op without compute", "bit-serial region marker with no strategy"),
    "debug": ("marker op without compute", "carries a Python callback that the graph executor/VM codegen rejects"),
    "nn.contrib_conv2d_gemm_without_weight_transform": ("no implementation for x86",
                                                        "Arm (AArch64) only: produced by AlterOpLayout on Arm"),
    "nn.contrib_conv3d_winograd_without_weight_transform": ("no implementation for x86", "CUDA only"),
    "nn.internal.sparse_dense_padded": ("no implementation for x86", "CUDA only"),
    "nn.contrib_conv2d_winograd_nnpack_weight_transform": ("no implementation for x86",
                                                           "an NNPACK extern call; this build has no NNPACK"),
    "qnn.contrib_dense_pack": ("no implementation for x86", "no QNN canonicalization: only produced by "
                               "AlterOpLayout after canonicalization, never built as written"),
}
for _op in ("binary_elementwise", "conv2d", "depthwise_conv2d", "identity", "pooling", "unary_elementwise"):
    SKIP_NOTES["contrib.ethosu." + _op] = ("needs the Arm Ethos-U NPU codegen",
                                           "needs the Ethos-U Vela compiler (python module `ethosu`) and NPU "
                                           "codegen; no CPU implementation")


class Spec:
    """What to export for one case."""

    def __init__(self, body, params=None, inputs=None, ranges=None, opt_level=3, executor="auto", args=None,
                 note=None, target_op=None, pass_config=None):
        self.body = body
        self.params = params or {}
        self.inputs = inputs or {}
        self.ranges = ranges or {}
        self.opt_level = opt_level
        self.executor = executor
        self.args = args
        self.note = note
        self.target_op = target_op
        self.pass_config = pass_config

    def function(self):
        if isinstance(self.body, relay.Function):
            return self.body
        args = self.args if self.args is not None else _free_vars_in_order(self.body)
        return relay.Function(list(args), self.body)


class OpCase:
    def __init__(self, op, variant, build):
        self.op = op
        self.variant = variant
        self.build = build

    @property
    def key(self):
        return "%s/%s" % (self.op, self.variant)


def case(op, variant="basic"):
    def deco(fn):
        CASES.append(OpCase(op, variant, fn))
        return fn

    return deco


def add_case(op, variant, fn):
    CASES.append(OpCase(op, variant, fn))


def _free_vars_in_order(expr):
    seen = []
    names = set()
    for v in relay.analysis.free_vars(expr):
        if v not in names:
            seen.append(v)
            names.add(v)
    return seen


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

_RNG = np.random.default_rng(1234)


def v(name, shape, dtype="float32"):
    return relay.var(name, shape=shape, dtype=dtype)


def c(value, dtype=None):
    return relay.const(value, dtype)


def rnd(shape, dtype="float32", low=-1.0, high=1.0, seed=None):
    rng = np.random.default_rng(seed) if seed is not None else _RNG
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(low), int(high), size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def call(op_name, args, attrs_type=None, **attrs):
    """A Call to a registered op with an attrs node built from keyword fields (for ops with no wrapper)."""
    attrs_node = tvm.ir.make_node(attrs_type, **attrs) if attrs_type else None
    return relay.Call(tvm.ir.Op.get(op_name), list(args), attrs_node)


def boxes(n, seed):
    """n valid boxes [x1, y1, x2, y2] inside a 16x16 image."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 10, size=(n, 2))
    wh = rng.uniform(2, 6, size=(n, 2))
    return np.concatenate([xy, xy + wh], axis=1).astype("float32")


X234 = (2, 3, 4)

# ---------------------------------------------------------------------------------------------
# elementwise unary
# ---------------------------------------------------------------------------------------------

_UNARY = [
    ("abs", None), ("ceil", (-3, 3)), ("cos", None), ("cosh", None), ("erf", None), ("exp", None),
    ("floor", (-3, 3)), ("negative", None), ("round", (-3, 3)), ("sigmoid", (-4, 4)), ("sign", None),
    ("sin", None), ("sinh", None), ("tan", None), ("tanh", (-3, 3)), ("trunc", (-3, 3)), ("atan", None),
    ("asinh", None), ("acos", (-0.95, 0.95)), ("asin", (-0.95, 0.95)), ("atanh", (-0.9, 0.9)),
    ("acosh", (1.1, 3.0)), ("log", (0.1, 3.0)), ("log2", (0.1, 3.0)), ("log10", (0.1, 3.0)),
    ("sqrt", (0.0, 3.0)), ("rsqrt", (0.1, 3.0)), ("copy", None), ("zeros_like", None), ("ones_like", None),
]


def _unary_case(name, rng, dtype="float32", shape=X234):
    def build():
        x = v("x", shape, dtype)
        fn = getattr(relay, name)
        return Spec(fn(x), ranges={"x": rng} if rng else None)

    return build


for _name, _rng in _UNARY:
    add_case(_name, "basic", _unary_case(_name, _rng))
for _name in ("exp", "sqrt"):
    add_case(_name, "float16", _unary_case(_name, (0.1, 2.0) if _name == "sqrt" else None, "float16"))
add_case("abs", "int32", lambda: Spec(relay.abs(v("x", X234, "int32")), ranges={"x": (-5, 5)}))
add_case("negative", "int64", lambda: Spec(relay.negative(v("x", X234, "int64")), ranges={"x": (-5, 5)}))
add_case("sign", "int32", lambda: Spec(relay.sign(v("x", X234, "int32")), ranges={"x": (-3, 3)}))
add_case("round", "ties", lambda: Spec(relay.round(v("x", (6,))),
                                       inputs={"x": np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999997], "float32")}))
add_case("exp", "scalar", lambda: Spec(relay.exp(v("x", (), "float32"))))
add_case("exp", "float64", _unary_case("exp", None, "float64"))

for _name in ("fast_exp", "fast_erf", "fast_tanh"):
    add_case(_name, "basic", (lambda n: lambda: Spec(call(n, [v("x", X234)]), ranges={"x": (-3, 3)}))(_name))

_SPECIAL = np.array([[0.5, np.inf, -np.inf, np.nan], [-2.0, 0.0, np.nan, 1e30], [3.0, -0.0, 7.0, -np.inf]], "float32")
for _name in ("isfinite", "isinf", "isnan"):
    add_case(_name, "basic", (lambda n: lambda: Spec(getattr(relay, n)(v("x", (3, 4))), inputs={"x": _SPECIAL}))(_name))


@case("logical_not")
def _logical_not():
    return Spec(relay.logical_not(v("x", X234, "bool")))


@case("bitwise_not")
def _bitwise_not():
    return Spec(relay.bitwise_not(v("x", X234, "int32")), ranges={"x": (-100, 100)})


@case("bitwise_not", "uint8")
def _bitwise_not_u8():
    return Spec(relay.bitwise_not(v("x", X234, "uint8")), ranges={"x": (0, 256)})


@case("nn.relu")
def _relu():
    return Spec(relay.nn.relu(v("x", X234)))


@case("nn.relu", "int8")
def _relu_int8():
    return Spec(relay.nn.relu(v("x", X234, "int8")), ranges={"x": (-100, 100)})


@case("clip")
def _clip():
    return Spec(relay.clip(v("x", X234), -0.5, 0.25))


@case("clip", "int32")
def _clip_int():
    return Spec(relay.clip(v("x", X234, "int32"), 1, 5), ranges={"x": (-3, 9)})


# ---------------------------------------------------------------------------------------------
# elementwise binary
# ---------------------------------------------------------------------------------------------

_BINARY_FLOAT = [
    ("add", None), ("subtract", None), ("multiply", None), ("divide", (0.5, 2.0)), ("power", (0.5, 2.0)),
    ("maximum", None), ("minimum", None), ("mod", (0.3, 2.0)), ("floor_divide", (0.3, 2.0)),
    ("floor_mod", (0.3, 2.0)), ("trunc_divide", (0.3, 2.0)), ("trunc_mod", (0.3, 2.0)),
]


def _binary_case(name, rhs_range, dtype="float32", lshape=X234, rshape=X234, lhs_range=None, out_bool=False):
    def build():
        x = v("x", lshape, dtype)
        y = v("y", rshape, dtype)
        ranges = {}
        if rhs_range:
            ranges["y"] = rhs_range
        if lhs_range:
            ranges["x"] = lhs_range
        if name == "power" and not lhs_range:
            ranges["x"] = (0.1, 2.0)
        return Spec(getattr(relay, name)(x, y), ranges=ranges)

    return build


for _name, _rng in _BINARY_FLOAT:
    add_case(_name, "basic", _binary_case(_name, _rng))
for _name, _rng in (("add", None), ("multiply", None), ("divide", (0.5, 2.0)), ("maximum", None)):
    add_case(_name, "broadcast", _binary_case(_name, _rng, lshape=(2, 1, 4), rshape=(3, 1)))
for _name, _rng in (("add", None), ("subtract", None), ("multiply", None)):
    add_case(_name, "int32", _binary_case(_name, (-20, 20), "int32", lhs_range=(-20, 20)))
for _name in ("divide", "mod", "floor_divide", "floor_mod", "trunc_divide", "trunc_mod"):
    add_case(_name, "int32", _binary_case(_name, (1, 7), "int32", lhs_range=(-20, 20)))
for _name in ("floor_divide", "floor_mod", "trunc_divide", "trunc_mod"):
    add_case(_name, "int32_negative_divisor",
             _binary_case(_name, (-7, -1), "int32", lhs_range=(-20, 20)))
add_case("add", "float16", _binary_case("add", None, "float16"))
add_case("add", "uint8", _binary_case("add", (0, 200), "uint8", lhs_range=(0, 200)))
add_case("add", "scalar_rhs", lambda: Spec(relay.add(v("x", X234), c(1.5))))
# Two different `?` dims (and a `?` against a static dim) meeting in one broadcast: Relay's type is `?` and
# its compute reads both operands at one index (defined when the dims are equal at run time).
add_case("add", "any_dims", lambda: Spec(
    relay.add(v("x", (relay.Any(), 3)), v("y", (relay.Any(), 3))),
    inputs={"x": rnd((2, 3), seed=21), "y": rnd((2, 3), seed=22)}, executor="vm"))
add_case("where", "any_dims", lambda: Spec(
    relay.where(v("c", (relay.Any(), 4), "bool"), v("x", (3, relay.Any())), v("y", (1, relay.Any()))),
    inputs={"c": rnd((3, 4), seed=23) > 0, "x": rnd((3, 4), seed=24), "y": rnd((1, 4), seed=25)}, executor="vm"))
add_case("multiply", "int64_broadcast", _binary_case("multiply", (-5, 5), "int64", lshape=(4,), rshape=(3, 1),
                                                     lhs_range=(-5, 5)))

for _name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
    add_case(_name, "basic", _binary_case(_name, (0, 3), "int32", lhs_range=(0, 3)))
    add_case(_name, "float_broadcast", _binary_case(_name, None, "float32", lshape=(2, 3, 4), rshape=(4,)))
for _name in ("logical_and", "logical_or", "logical_xor"):
    add_case(_name, "basic", _binary_case(_name, None, "bool"))
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    add_case(_name, "basic", _binary_case(_name, (-50, 50), "int32", lhs_range=(-50, 50)))
    add_case(_name, "bool", _binary_case(_name, None, "bool"))
for _name in ("left_shift", "right_shift"):
    add_case(_name, "basic", _binary_case(_name, (0, 5), "int32", lhs_range=(-50, 50)))
    add_case(_name, "uint8", _binary_case(_name, (0, 8), "uint8", lhs_range=(0, 256)))


@case("where")
def _where():
    return Spec(relay.where(v("cond", X234, "bool"), v("x", X234), v("y", X234)))


@case("where", "broadcast")
def _where_b():
    return Spec(relay.where(v("cond", (3, 1), "bool"), v("x", (2, 1, 4)), v("y", (4,))))


@case("where", "scalar_branch")
def _where_scalar():
    return Spec(relay.where(v("cond", X234, "bool"), v("x", X234), c(0.0)))


# ---------------------------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------------------------


_REDUCE_VARIANTS = {
    "all_axes": dict(),
    "axis1": dict(axis=1),
    "axis_neg1_keepdims": dict(axis=-1, keepdims=True),
    "axes_0_2": dict(axis=[0, 2]),
    "exclude": dict(axis=[1], exclude=True),
    "exclude_keepdims": dict(axis=[0], keepdims=True, exclude=True),
}
_REDUCE_SHORT = ("all_axes", "axis_neg1_keepdims", "exclude")  # enough for ops sharing sum's attrs


def _reduce_variants(name, dtype="float32", ranges=None, full=False):
    fn = getattr(relay, name)
    for vname, kw in _REDUCE_VARIANTS.items():
        if not full and vname not in _REDUCE_SHORT:
            continue
        add_case(name, vname, (lambda kw: lambda: Spec(fn(v("x", X234, dtype), **kw), ranges=ranges))(kw))


for _name in ("sum", "mean", "max", "min", "prod", "variance"):
    _reduce_variants(_name, ranges={"x": (0.5, 1.5)} if _name == "prod" else None, full=_name == "sum")
for _name in ("all", "any"):
    _reduce_variants(_name, "bool")
for _name in ("argmax", "argmin"):
    _reduce_variants(_name, full=_name == "argmax")
add_case("sum", "int32", lambda: Spec(relay.sum(v("x", X234, "int32"), axis=1), ranges={"x": (-9, 9)}))
add_case("max", "int8", lambda: Spec(relay.max(v("x", X234, "int8"), axis=2), ranges={"x": (-100, 100)}))
add_case("argmax", "select_last_index",
         lambda: Spec(relay.argmax(v("x", X234, "int32"), axis=2, select_last_index=True), ranges={"x": (0, 2)}))
add_case("argmin", "select_last_index",
         lambda: Spec(relay.argmin(v("x", X234, "int32"), axis=1, select_last_index=True), ranges={"x": (0, 2)}))
add_case("variance", "unbiased", lambda: Spec(relay.variance(v("x", X234), axis=1, unbiased=True)))


@case("variance", "with_mean")
def _variance_with_mean():
    x = v("x", X234)
    m = v("m", (2, 1, 4))
    return Spec(relay.variance(x, axis=[1], keepdims=True, with_mean=m), args=[x, m])


# ---------------------------------------------------------------------------------------------
# shape / layout transforms
# ---------------------------------------------------------------------------------------------

_RESHAPES = {
    "static": (4, 6), "code_0": (0, -1), "code_minus1": (-1, 4), "code_minus2": (2, -2),
    "code_minus3": (-3, 4), "code_minus4": (-4, 1, 2, -2), "code_minus3_minus2": (-3, -2),
    "code_minus4_infer": (-4, -1, 2, 3, 4), "code_0_0_minus1": (0, 0, -1),
}
for _vname, _shape in _RESHAPES.items():
    add_case("reshape", _vname, (lambda s: lambda: Spec(relay.reshape(v("x", X234), s)))(_shape))
add_case("reshape", "allowzero_static", lambda: Spec(relay.reshape(v("x", X234), (3, 8), allowzero=True)))
add_case("reshape", "int8_to_1d", lambda: Spec(relay.reshape(v("x", X234, "int8"), (-1,)), ranges={"x": (-9, 9)}))
for _vname, _shape in (("basic", (4, 6)), ("code_0_minus1", (0, -1)), ("code_minus1_0", (-1, 0))):
    add_case("contrib_reverse_reshape", _vname,
             (lambda s: lambda: Spec(relay.reverse_reshape(v("x", X234), s)))(_shape))


@case("reshape_like")
def _reshape_like():
    return Spec(relay.reshape_like(v("x", X234), v("y", (4, 6))))


@case("reshape_like", "begin_end")
def _reshape_like_be():
    return Spec(relay.reshape_like(v("x", (2, 12)), v("y", (5, 3, 4, 7)), lhs_begin=1, rhs_begin=1, rhs_end=3))


@case("transpose")
def _transpose():
    return Spec(relay.transpose(v("x", X234)))


@case("transpose", "axes")
def _transpose_axes():
    return Spec(relay.transpose(v("x", X234), axes=[1, 2, 0]))


@case("transpose", "negative_axes")
def _transpose_neg():
    return Spec(relay.transpose(v("x", X234), axes=[0, -1, -2]))


@case("expand_dims")
def _expand_dims():
    return Spec(relay.expand_dims(v("x", X234), 1))


@case("expand_dims", "negative_axis_2")
def _expand_dims_neg():
    return Spec(relay.expand_dims(v("x", X234), -1, num_newaxis=2))


@case("expand_dims", "num_newaxis_0")
def _expand_dims_zero():
    return Spec(relay.expand_dims(v("x", X234), 0, num_newaxis=0))


@case("squeeze")
def _squeeze():
    return Spec(relay.squeeze(v("x", (1, 3, 1, 4))))


@case("squeeze", "axis")
def _squeeze_axis():
    return Spec(relay.squeeze(v("x", (1, 3, 1, 4)), axis=[2]))


@case("squeeze", "negative_axis")
def _squeeze_neg():
    return Spec(relay.squeeze(v("x", (1, 3, 1, 4)), axis=[-2, 0]))


@case("concatenate")
def _concat():
    return Spec(relay.concatenate([v("a", (2, 3)), v("b", (2, 2)), v("c", (2, 1))], axis=1))


@case("concatenate", "negative_axis")
def _concat_neg():
    return Spec(relay.concatenate([v("a", (2, 3, 2)), v("b", (2, 3, 1))], axis=-1))


@case("concatenate", "axis0_int32")
def _concat0():
    return Spec(relay.concatenate([v("a", (1, 4), "int32"), v("b", (3, 4), "int32")], axis=0))


@case("stack")
def _stack():
    return Spec(relay.stack([v("a", (2, 3)), v("b", (2, 3)), v("c", (2, 3))], axis=0))


@case("stack", "negative_axis")
def _stack_neg():
    return Spec(relay.stack([v("a", (2, 3)), v("b", (2, 3))], axis=-1))


@case("split", "sections")
def _split_sections():
    return Spec(relay.split(v("x", (2, 6, 2)), 3, axis=1).astuple())


@case("split", "indices")
def _split_indices():
    return Spec(relay.split(v("x", (2, 7)), [1, 4], axis=1).astuple())


@case("split", "negative_axis")
def _split_neg():
    return Spec(relay.split(v("x", (2, 3, 4)), 2, axis=-1).astuple())


@case("split", "indices_tuple_get")
def _split_get():
    return Spec(relay.TupleGetItem(relay.split(v("x", (8, 2)), [2, 5], axis=0).astuple(), 1))


_SLICES = {
    "basic": dict(begin=[0, 1], end=[2, 3]),
    "strides": dict(begin=[0, 0, 0], end=[2, 3, 4], strides=[1, 2, 3]),
    "negative_strides": dict(begin=[1, 2, 3], end=[-3, -4, 0], strides=[-1, -1, -2]),
    "negative_begin": dict(begin=[-1, -2], end=[2, 3]),
    "end_clamped": dict(begin=[0, 1, 1], end=[100, 100, 100]),
    "slice_mode_size": dict(begin=[0, 1, 1], end=[2, -1, 2], slice_mode="size"),
    "axes": dict(begin=[1], end=[3], axes=[2]),
    "axes_strides": dict(begin=[2, 0], end=[0, 2], strides=[-1, 1], axes=[1, 0]),
}
for _vname, _kw in _SLICES.items():
    add_case("strided_slice", _vname, (lambda kw: lambda: Spec(relay.strided_slice(v("x", X234), **kw)))(_kw))


@case("strided_set")
def _strided_set():
    x = v("x", X234)
    val = v("val", (2, 1, 2))
    return Spec(relay.strided_set(x, val, c(np.array([0, 1, 0], "int64")), c(np.array([2, 2, 4], "int64")),
                                  c(np.array([1, 1, 2], "int64"))), args=[x, val])


@case("slice_like")
def _slice_like():
    return Spec(relay.slice_like(v("x", X234), v("y", (1, 2, 3))))


@case("slice_like", "axes")
def _slice_like_axes():
    return Spec(relay.slice_like(v("x", X234), v("y", (5, 2, 3)), axes=[1, 2]))


@case("reverse")
def _reverse():
    return Spec(relay.reverse(v("x", X234), axis=1))


@case("reverse", "negative_axis")
def _reverse_neg():
    return Spec(relay.reverse(v("x", X234), axis=-1))


@case("reverse_sequence")
def _reverse_sequence():
    return Spec(relay.reverse_sequence(v("x", (3, 4, 2)), v("len", (3,), "int32"), seq_axis=1, batch_axis=0),
                inputs={"len": np.array([1, 4, 3], "int32")})


@case("reverse_sequence", "seq_axis0")
def _reverse_sequence0():
    return Spec(relay.reverse_sequence(v("x", (4, 3)), v("len", (3,), "int64"), seq_axis=0, batch_axis=1),
                inputs={"len": np.array([2, 0, 4], "int64")})


@case("repeat")
def _repeat():
    return Spec(relay.repeat(v("x", X234), 2, axis=1))


@case("repeat", "negative_axis")
def _repeat_neg():
    return Spec(relay.repeat(v("x", (2, 3)), 3, axis=-1))


@case("tile")
def _tile():
    return Spec(relay.tile(v("x", (2, 3)), (2, 2)))


@case("tile", "reps_longer")
def _tile_long():
    return Spec(relay.tile(v("x", (2, 3)), (2, 1, 3)))


@case("tile", "reps_shorter")
def _tile_short():
    return Spec(relay.tile(v("x", X234), (2,)))


@case("broadcast_to")
def _broadcast_to():
    return Spec(relay.broadcast_to(v("x", (3, 1)), (2, 3, 4)))


@case("broadcast_to_like")
def _broadcast_to_like():
    return Spec(relay.broadcast_to_like(v("x", (1, 4)), v("y", X234)))


@case("collapse_sum_like")
def _collapse_sum_like():
    return Spec(relay.collapse_sum_like(v("x", X234), v("y", (3, 1))))


@case("collapse_sum_to")
def _collapse_sum_to():
    return Spec(relay.collapse_sum_to(v("x", X234), (1, 4)))


_CASTS = {"float32_to_int32": ("float32", "int32", (-5, 5)), "float32_to_float16": ("float32", "float16", None),
          "int32_to_float32": ("int32", "float32", (-9, 9)), "float32_to_bool": ("float32", "bool", (-1, 2)),
          "int64_to_int8": ("int64", "int8", (-300, 300)), "float32_to_uint8": ("float32", "uint8", (0, 255)),
          "float32_to_bfloat16": ("float32", "bfloat16", None), "bfloat16_to_float32": ("bfloat16", "float32", None)}
for _vname, (_src, _dst, _rng) in _CASTS.items():
    add_case("cast", _vname,
             (lambda s, d, r: lambda: Spec(relay.cast(v("x", X234, s), d), ranges={"x": r} if r else None))(
                 _src, _dst, _rng))


@case("cast_like")
def _cast_like():
    return Spec(relay.cast_like(v("x", X234), v("y", (2,), "int32")), ranges={"x": (-5, 5)})


@case("reinterpret")
def _reinterpret():
    return Spec(relay.reinterpret(v("x", X234), "int32"))


@case("reinterpret", "int32_to_float32")
def _reinterpret2():
    return Spec(relay.reinterpret(v("x", X234, "int32"), "float32"), ranges={"x": (1 << 29, 1 << 30)})


@case("layout_transform", "NCHW_to_NHWC")
def _lt_nhwc():
    return Spec(relay.layout_transform(v("x", (1, 4, 2, 3)), "NCHW", "NHWC"))


@case("layout_transform", "NCHW_to_NCHW4c")
def _lt_nchw4c():
    return Spec(relay.layout_transform(v("x", (1, 8, 2, 3)), "NCHW", "NCHW4c"))


@case("layout_transform", "NCHW2c_to_NCHW")
def _lt_back():
    return Spec(relay.layout_transform(v("x", (1, 3, 2, 3, 2)), "NCHW2c", "NCHW"))


@case("layout_transform", "OIHW_to_OIHW2i4o")
def _lt_kernel():
    return Spec(relay.layout_transform(v("x", (8, 4, 1, 2)), "OIHW", "OIHW2i4o"))


@case("layout_transform", "NCHW_to_NCHW4c_padded")
def _lt_padded():
    return Spec(relay.layout_transform(v("x", (1, 6, 2, 3)), "NCHW", "NCHW4c"))


@case("layout_transform", "NCHW4c_to_NHWC8c")
def _lt_resplit():
    return Spec(relay.layout_transform(v("x", (1, 2, 2, 3, 4)), "NCHW4c", "NHWC8c"))


@case("auto_scheduler_layout_transform")
def _ansor_lt():
    return Spec(call("auto_scheduler_layout_transform", [v("x", (4, 6))], "relay.attrs.AutoSchedulerLayoutTransformAttrs",
                     src_layout="4n6k", dst_layout="2n3k2n2k"))


@case("meta_schedule_layout_transform")
def _ms_lt():
    index_map = tvm.tir.IndexMap.from_func(lambda i, j: [j, i])
    return Spec(call("meta_schedule_layout_transform", [v("x", (4, 6))], "relay.attrs.MetaScheduleLayoutTransformAttrs",
                     index_map=index_map))


# ---------------------------------------------------------------------------------------------
# indexing / gathering / scattering
# ---------------------------------------------------------------------------------------------


@case("take", "axis_none_clip")
def _take_flat():
    return Spec(relay.take(v("x", X234), v("idx", (5,), "int32")), ranges={"idx": (-5, 30)})


@case("take", "axis1_clip")
def _take_axis():
    return Spec(relay.take(v("x", X234), v("idx", (2, 2), "int32"), axis=1), ranges={"idx": (-2, 5)})


@case("take", "axis1_wrap")
def _take_wrap():
    return Spec(relay.take(v("x", X234), v("idx", (4,), "int32"), axis=1, mode="wrap"), ranges={"idx": (-5, 7)})


@case("take", "axis_neg1_fast")
def _take_fast():
    return Spec(relay.take(v("x", X234), v("idx", (3,), "int64"), axis=-1, mode="fast"), ranges={"idx": (0, 4)})


@case("take", "batch_dims1")
def _take_batch():
    return Spec(relay.take(v("x", X234), v("idx", (2, 3), "int32"), axis=2, batch_dims=1), ranges={"idx": (0, 4)})


@case("take", "scalar_index")
def _take_scalar():
    return Spec(relay.take(v("x", X234), v("idx", (), "int32"), axis=0), inputs={"idx": np.array(1, "int32")})


@case("gather")
def _gather():
    return Spec(relay.gather(v("x", X234), 1, v("idx", (2, 2, 4), "int32")), ranges={"idx": (0, 3)})


@case("gather", "negative_axis_int64")
def _gather_neg():
    return Spec(relay.gather(v("x", X234), -1, v("idx", (2, 3, 2), "int64")), ranges={"idx": (0, 4)})


@case("gather_nd")
def _gather_nd():
    return Spec(relay.gather_nd(v("x", X234), v("idx", (2, 3), "int32")),
                inputs={"idx": np.array([[0, 1, 1], [2, 0, 1]], "int32")})


@case("gather_nd", "batch_dims1")
def _gather_nd_b():
    # indices (M=1, B=2): out[b, :] = x[b, idx[0, b], :]
    return Spec(relay.gather_nd(v("x", X234), v("idx", (1, 2), "int32"), batch_dims=1),
                inputs={"idx": np.array([[2, 0]], "int32")})


@case("adv_index")
def _adv_index():
    return Spec(relay.adv_index([v("x", X234), v("i0", (2, 1), "int32"), v("i1", (3,), "int32")]),
                inputs={"i0": np.array([[1], [0]], "int32"), "i1": np.array([2, 0, 1], "int32")})


@case("scatter_elements")
def _scatter_elements():
    return Spec(relay.scatter_elements(v("x", (3, 4)), v("idx", (2, 4), "int32"), v("upd", (2, 4)), axis=0),
                inputs={"idx": np.array([[0, 1, 2, 0], [2, 0, 1, 1]], "int32")})


for _red in ("add", "mul", "min", "max", "mean"):
    add_case("scatter_elements", "reduction_" + _red, (lambda r: lambda: Spec(
        relay.scatter_elements(v("x", (3, 4)), v("idx", (3, 2), "int64"), v("upd", (3, 2)), axis=1, reduction=r),
        inputs={"idx": np.array([[0, 0], [3, 1], [2, 2]], "int64")}))(_red))


@case("scatter_nd")
def _scatter_nd():
    return Spec(relay.scatter_nd(v("x", (3, 4)), v("idx", (2, 2), "int32"), v("upd", (2,))),
                inputs={"idx": np.array([[0, 2], [1, 3]], "int32")})


@case("scatter_nd", "add_rows")
def _scatter_nd_add():
    return Spec(relay.scatter_nd(v("x", (3, 4)), v("idx", (1, 3), "int64"), v("upd", (3, 4)), mode="add"),
                inputs={"idx": np.array([[0, 2, 0]], "int64")})


@case("scatter")
def _scatter():
    return Spec(call("scatter", [v("x", (3, 4)), v("idx", (2, 4), "int32"), v("upd", (2, 4))],
                     "relay.attrs.ScatterAttrs", axis=0), inputs={"idx": np.array([[0, 1, 2, 0], [2, 0, 1, 1]], "int32")})


@case("one_hot")
def _one_hot():
    return Spec(relay.one_hot(v("idx", (2, 3), "int32"), c(1.0), c(0.0), 4, -1, "float32"), ranges={"idx": (-1, 5)})


@case("one_hot", "axis0_int32")
def _one_hot0():
    return Spec(relay.one_hot(v("idx", (3,), "int64"), c(5, "int32"), c(-1, "int32"), 4, 0, "int32"),
                ranges={"idx": (0, 4)})


@case("sequence_mask")
def _sequence_mask():
    return Spec(relay.sequence_mask(v("x", (4, 2, 3)), v("len", (2,), "int32"), mask_value=-1.0, axis=0),
                inputs={"len": np.array([1, 3], "int32")})


@case("sequence_mask", "axis1")
def _sequence_mask1():
    return Spec(relay.sequence_mask(v("x", (2, 4, 3)), v("len", (2,), "int64"), axis=1),
                inputs={"len": np.array([4, 2], "int64")})


@case("matrix_set_diag")
def _msd():
    return Spec(relay.matrix_set_diag(v("x", (2, 3, 4)), v("d", (2, 3))))


@case("matrix_set_diag", "band_left_right")
def _msd_band():
    return Spec(relay.matrix_set_diag(v("x", (2, 3, 4)), v("d", (2, 2, 3)), k=(-1, 0), align="LEFT_RIGHT"))


@case("trilu", "upper")
def _triu():
    return Spec(relay.trilu(v("x", (3, 4)), c(0, "int32"), upper=True))


@case("trilu", "lower_k1_batched")
def _tril():
    return Spec(relay.trilu(v("x", (2, 3, 4)), c(1, "int64"), upper=False))


@case("trilu", "upper_k_neg1")
def _triu_neg():
    return Spec(relay.trilu(v("x", (4, 4)), c(-1, "int32"), upper=True))


@case("unravel_index")
def _unravel():
    return Spec(relay.unravel_index(v("idx", (4,), "int32"), c(np.array([3, 4, 2], "int32"))),
                inputs={"idx": np.array([0, 5, 17, 23], "int32")})


@case("unravel_index", "scalar")
def _unravel_scalar():
    return Spec(relay.unravel_index(v("idx", (), "int64"), c(np.array([4, 5], "int64"))),
                inputs={"idx": np.array(13, "int64")})


@case("sparse_to_dense")
def _s2d():
    return Spec(relay.sparse_to_dense(v("idx", (3, 2), "int32"), (3, 4), v("vals", (3,)), c(0.5)),
                inputs={"idx": np.array([[0, 1], [1, 3], [2, 0]], "int32")})


@case("sparse_to_dense", "vector")
def _s2d_vec():
    return Spec(relay.sparse_to_dense(v("idx", (3,), "int64"), (6,), v("vals", (3,), "int32")),
                inputs={"idx": np.array([0, 2, 5], "int64")}, ranges={"vals": (1, 9)})


@case("sparse_fill_empty_rows")
def _sfer():
    return Spec(relay.sparse_fill_empty_rows(v("idx", (3, 2), "int64"), v("vals", (3,)), c(np.array([5, 3], "int64")),
                                              v("default", ())),
                inputs={"idx": np.array([[0, 1], [0, 2], [3, 0]], "int64")})


@case("sparse_reshape")
def _sparse_reshape():
    return Spec(relay.sparse_reshape(v("idx", (3, 3), "int64"), v("prev", (3,), "int64"), v("new", (2,), "int64")).astuple(),
                inputs={"idx": np.array([[0, 0, 1], [0, 1, 0], [1, 2, 3]], "int64"),
                        "prev": np.array([2, 3, 4], "int64"), "new": np.array([6, -1], "int64")})


# ---------------------------------------------------------------------------------------------
# sorting / searching / scans
# ---------------------------------------------------------------------------------------------


@case("argsort")
def _argsort():
    return Spec(relay.argsort(v("x", X234)))


@case("argsort", "axis0_descending_int64")
def _argsort2():
    return Spec(relay.argsort(v("x", X234), axis=0, is_ascend=False, dtype="int64"))


@case("sort")
def _sort():
    return Spec(relay.sort(v("x", X234)))


@case("sort", "axis1_descending")
def _sort2():
    return Spec(relay.sort(v("x", X234), axis=1, is_ascend=False))


@case("topk", "both")
def _topk():
    return Spec(relay.topk(v("x", X234), k=2).astuple())


@case("topk", "values_axis1_ascending")
def _topk2():
    return Spec(relay.topk(v("x", X234), k=2, axis=1, ret_type="values", is_ascend=True))


@case("topk", "indices_int64")
def _topk3():
    return Spec(relay.topk(v("x", X234), k=3, ret_type="indices", dtype="int64"))


@case("topk", "k0_all")
def _topk4():
    return Spec(relay.topk(v("x", (2, 5)), k=0).astuple())


@case("searchsorted")
def _searchsorted():
    return Spec(relay.searchsorted(v("seq", (2, 5)), v("vals", (2, 3))),
                inputs={"seq": np.sort(rnd((2, 5), seed=3), axis=-1)})


@case("searchsorted", "right_int64_1d")
def _searchsorted2():
    return Spec(relay.searchsorted(v("seq", (6,), "int32"), v("vals", (4,), "int32"), right=True, dtype="int64"),
                inputs={"seq": np.array([0, 1, 1, 3, 5, 5], "int32"), "vals": np.array([1, 5, -1, 3], "int32")})


@case("cumsum")
def _cumsum():
    return Spec(relay.cumsum(v("x", X234), axis=1))


@case("cumsum", "flattened_exclusive")
def _cumsum2():
    return Spec(relay.cumsum(v("x", X234, "int32"), exclusive=True), ranges={"x": (-3, 4)})


@case("cumsum", "dtype_int64")
def _cumsum3():
    return Spec(relay.cumsum(v("x", X234, "int32"), axis=-1, dtype="int64"), ranges={"x": (-3, 4)})


@case("cumprod")
def _cumprod():
    return Spec(relay.cumprod(v("x", X234), axis=2), ranges={"x": (0.5, 1.5)})


@case("cumprod", "exclusive_axis0")
def _cumprod2():
    return Spec(relay.cumprod(v("x", X234), axis=0, exclusive=True), ranges={"x": (0.5, 1.5)})


def _valid_prefix(tensor, count):
    """tensor[:count] (dyn.strided_slice): Relay leaves the slots past a dynamic count unspecified."""
    return relay.strided_slice(tensor, c(np.array([0], "int64")), relay.cast(count, "int64"),
                               c(np.array([1], "int64")))


def _unique_spec(return_counts, is_sorted):
    u = relay.unique(v("x", (8,), "int32"), is_sorted=is_sorted, return_counts=return_counts)
    num = u[3]
    fields = [_valid_prefix(u[0], num), _valid_prefix(u[1], num), u[2], num]
    if return_counts:
        fields.append(_valid_prefix(u[4], num))
    return Spec(relay.Tuple(fields), inputs={"x": np.array([3, 1, 3, 0, 2, 1, 3, 7], "int32")}, executor="vm",
                note="outputs cut to num_unique with dyn.strided_slice: the slots past it are unspecified")


@case("unique")
def _unique():
    return _unique_spec(False, True)


@case("unique", "unsorted_counts")
def _unique2():
    return _unique_spec(True, False)


def _unique_defined_spec(is_sorted):
    """Only the outputs Relay defines in full: inverse_indices and num_unique (no dynamic slicing)."""
    u = relay.unique(v("x", (8,), "int32"), is_sorted=is_sorted, return_counts=True)
    return Spec(relay.Tuple([u[2], u[3]]), inputs={"x": np.array([3, 1, 3, 0, 2, 1, 3, 7], "int32")})


@case("unique", "inverse_sorted")
def _unique3():
    return _unique_defined_spec(True)


@case("unique", "inverse_unsorted")
def _unique4():
    return _unique_defined_spec(False)


@case("argwhere")
def _argwhere():
    return Spec(relay.argwhere(v("x", (3, 4), "bool")))


@case("argwhere", "int32_3d")
def _argwhere2():
    return Spec(relay.argwhere(v("x", X234, "int32")), ranges={"x": (0, 2)})


@case("meshgrid", "ij")
def _meshgrid():
    return Spec(relay.meshgrid([v("a", (3,)), v("b", (4,))]).astuple())


@case("meshgrid", "xy")
def _meshgrid_xy():
    return Spec(relay.meshgrid([v("a", (3,)), v("b", (4,)), v("c", (2,))], indexing="xy").astuple())


@case("sliding_window")
def _sliding_window():
    return Spec(relay.sliding_window(v("x", (2, 6, 4)), 1, [3, 2], [2, 1]))


@case("einsum", "matmul")
def _einsum():
    return Spec(relay.einsum([v("a", (2, 3)), v("b", (3, 4))], "ij,jk->ik"))


@case("einsum", "batched_transpose")
def _einsum2():
    return Spec(relay.einsum([v("a", (2, 3, 4)), v("b", (2, 5, 4))], "bik,bjk->bji"))


@case("einsum", "trace_sum")
def _einsum3():
    return Spec(relay.einsum([v("a", (4, 4))], "ii->"))


@case("einsum", "outer_ellipsis")
def _einsum4():
    return Spec(relay.einsum([v("a", (2, 3)), v("b", (3,))], "...j,j->...j"))


@case("fixed_point_multiply")
def _fpm():
    return Spec(relay.fixed_point_multiply(v("x", X234, "int32"), 1395864371, -3), ranges={"x": (-1000, 1000)})


@case("fixed_point_multiply", "left_shift")
def _fpm2():
    return Spec(relay.fixed_point_multiply(v("x", X234, "int32"), 1073741824, 2), ranges={"x": (-1000, 1000)})


@case("fixed_point_multiply_per_axis")
def _fpm_axis():
    x = v("x", (2, 3), "int32")
    return Spec(call("fixed_point_multiply_per_axis",
                     [x, c(np.array([1395864371, 1073741824, 2000000000], "int32")),
                      c(np.array([0, 2, 1], "int32")), c(np.array([3, 0, 1], "int32"))],
                     "relay.attrs.FixedPointMultiplyPerAxisAttrs", is_lshift_required=True, is_rshift_required=True,
                     axes=[1]), args=[x], ranges={"x": (-1000, 1000)})


@case("dft")
def _dft():
    return Spec(relay.dft(v("re", (2, 8)), v("im", (2, 8))).astuple())


@case("dft", "inverse")
def _idft():
    return Spec(relay.dft(v("re", (3, 4)), v("im", (3, 4)), inverse=True).astuple())


@case("stft")
def _stft():
    return Spec(relay.stft(v("x", (1, 16)), 8, hop_length=4, win_length=8, window=v("w", (8,)), normalized=False,
                           onesided=True))


@case("stft", "normalized_twosided")
def _stft2():
    return Spec(relay.stft(v("x", (1, 16)), 4, hop_length=2, win_length=4, window=v("w", (4,)), normalized=True,
                           onesided=False))


@case("invert_permutation")
def _invperm():
    return Spec(call("invert_permutation", [v("x", (5,), "int32")]), inputs={"x": np.array([3, 0, 4, 1, 2], "int32")})


@case("hardswish")
def _hardswish():
    return Spec(call("hardswish", [v("x", X234)]), ranges={"x": (-4, 4)})


@case("vision.invert_permutation")
def _vinvperm():
    return Spec(call("vision.invert_permutation", [v("x", (5,), "int32")]),
                inputs={"x": np.array([3, 0, 4, 1, 2], "int32")})


@case("shape_of")
def _shape_of():
    return Spec(relay.shape_of(v("x", X234)))


@case("shape_of", "int64")
def _shape_of64():
    return Spec(relay.shape_of(v("x", X234), "int64"))


@case("ndarray_size")
def _ndarray_size():
    return Spec(relay.ndarray_size(v("x", X234)))


@case("ndarray_size", "int64")
def _ndarray_size64():
    return Spec(relay.ndarray_size(v("x", X234), "int64"))


# ---------------------------------------------------------------------------------------------
# tensor creation
# ---------------------------------------------------------------------------------------------


@case("zeros")
def _zeros():
    return Spec(relay.zeros((2, 3), "float32"))


@case("zeros", "int64")
def _zeros64():
    return Spec(relay.zeros((4,), "int64"))


@case("ones")
def _ones():
    return Spec(relay.ones((2, 3), "float32"))


@case("ones", "int8")
def _ones8():
    return Spec(relay.ones((3, 1), "int8"))


@case("full")
def _full():
    return Spec(relay.full(v("fill", ()), (2, 3)))


@case("full", "const_int32")
def _full_int():
    return Spec(relay.full(c(7, "int32"), (2, 2), "int32"))


@case("full", "dtype_cast")
def _full_cast():
    return Spec(relay.full(v("fill", ()), (3,), "int32"), inputs={"fill": np.array(2.7, "float32")})


@case("full_like")
def _full_like():
    return Spec(relay.full_like(v("x", X234), v("fill", ())))


@case("arange")
def _arange():
    return Spec(relay.arange(c(1.0), c(4.0), c(0.5)))


@case("arange", "int32_stop_only")
def _arange2():
    return Spec(relay.arange(c(5, "int32"), dtype="int32"))


@case("arange", "negative_step")
def _arange3():
    return Spec(relay.arange(c(3.0), c(-2.0), c(-1.5)))


# ---------------------------------------------------------------------------------------------
# nn: dense / matmul / conv
# ---------------------------------------------------------------------------------------------


def W(shape, seed, scale=0.5):
    """A weight array (bound as a param, so it lands in model.params)."""
    return rnd(shape, low=-scale, high=scale, seed=seed)


@case("nn.dense")
def _dense():
    x, w = v("x", (2, 8)), v("weight", (4, 8))
    return Spec(relay.nn.dense(x, w, units=4), params={"weight": W((4, 8), 1)}, args=[x, w])


@case("nn.dense", "no_units_inputs_only")
def _dense2():
    return Spec(relay.nn.dense(v("x", (3, 5)), v("w", (2, 5))))


@case("nn.dense", "int8_out_int32")
def _dense3():
    return Spec(relay.nn.dense(v("x", (2, 6), "int8"), v("w", (3, 6), "int8"), out_dtype="int32"),
                ranges={"x": (-20, 20), "w": (-20, 20)})


@case("nn.matmul")
def _matmul():
    return Spec(relay.nn.matmul(v("a", (2, 3)), v("b", (3, 4))))


@case("nn.matmul", "transpose_a")
def _matmul_ta():
    return Spec(relay.nn.matmul(v("a", (3, 2)), v("b", (3, 4)), transpose_a=True))


@case("nn.matmul", "transpose_b_units")
def _matmul_tb():
    return Spec(call("nn.matmul", [v("a", (2, 3)), v("b", (4, 3))], "relay.attrs.MatmulAttrs", units=4,
                     out_dtype="", transpose_a=False, transpose_b=True),
                note="built with relay.Call: relay.nn.matmul turns (transpose_a=False, transpose_b=True) into nn.dense")


@case("nn.matmul", "transpose_both")
def _matmul_tab():
    return Spec(relay.nn.matmul(v("a", (3, 2)), v("b", (4, 3)), transpose_a=True, transpose_b=True))


for _ta in (False, True):
    for _tb in (False, True):
        def _bm(ta=_ta, tb=_tb):
            a = (2, 4, 3) if ta else (2, 3, 4)
            b = (2, 5, 4) if tb else (2, 4, 5)
            return Spec(relay.nn.batch_matmul(v("a", a), v("b", b), transpose_a=ta, transpose_b=tb))
        add_case("nn.batch_matmul", "ta%d_tb%d" % (_ta, _tb), _bm)


@case("nn.batch_matmul", "broadcast_batch")
def _bm_b():
    return Spec(relay.nn.batch_matmul(v("a", (1, 3, 4)), v("b", (2, 5, 4))))


@case("nn.batch_matmul", "int8_out_int32")
def _bm_i8():
    return Spec(relay.nn.batch_matmul(v("a", (2, 3, 4), "int8"), v("b", (2, 5, 4), "int8"), out_dtype="int32"),
                ranges={"a": (-20, 20), "b": (-20, 20)})


@case("nn.bias_add")
def _bias_add():
    return Spec(relay.nn.bias_add(v("x", (2, 3, 4)), v("b", (3,))))


@case("nn.bias_add", "axis_neg1")
def _bias_add2():
    return Spec(relay.nn.bias_add(v("x", (2, 3, 4)), v("b", (4,)), axis=-1))


def _conv(op_fn, x_shape, w_shape, seed, weight_param=True, **kw):
    x, w = v("x", x_shape), v("weight", w_shape)
    params = {"weight": W(w_shape, seed)} if weight_param else None
    return Spec(op_fn(x, w, **kw), params=params, args=[x, w])


@case("nn.conv1d")
def _conv1d():
    return _conv(relay.nn.conv1d, (1, 2, 8), (4, 2, 3), 11, kernel_size=3, channels=4, padding=1)


@case("nn.conv1d", "stride_dilation_groups")
def _conv1d2():
    return _conv(relay.nn.conv1d, (1, 4, 10), (4, 2, 3), 12, kernel_size=3, channels=4, strides=2, dilation=2,
                 groups=2, padding=(2, 1))


@case("nn.conv1d", "NWC_WIO")
def _conv1d3():
    return _conv(relay.nn.conv1d, (1, 8, 2), (3, 2, 4), 13, kernel_size=3, channels=4, data_layout="NWC",
                 kernel_layout="WIO")


_CONV2D = {
    "basic": dict(x=(1, 2, 5, 5), w=(4, 2, 3, 3), kw=dict(kernel_size=(3, 3), channels=4, padding=(1, 1))),
    "NHWC_HWIO": dict(x=(1, 5, 5, 2), w=(3, 3, 2, 4),
                      kw=dict(kernel_size=(3, 3), channels=4, data_layout="NHWC", kernel_layout="HWIO")),
    "groups2": dict(x=(1, 4, 4, 4), w=(4, 2, 3, 3), kw=dict(kernel_size=(3, 3), channels=4, groups=2, padding=1)),
    "depthwise": dict(x=(1, 4, 4, 4), w=(4, 1, 3, 3), kw=dict(kernel_size=(3, 3), channels=4, groups=4, padding=1)),
    "depthwise_NHWC_HWOI": dict(x=(1, 4, 4, 4), w=(3, 3, 4, 1),
                                kw=dict(kernel_size=(3, 3), channels=4, groups=4, padding=1, data_layout="NHWC",
                                        kernel_layout="HWOI")),
    "stride2_dilation2_asym_pad": dict(x=(1, 2, 7, 7), w=(2, 2, 3, 3),
                                       kw=dict(kernel_size=(3, 3), channels=2, strides=(2, 2), dilation=(2, 2),
                                               padding=(1, 0, 2, 1))),
    "rect_kernel_1x3": dict(x=(1, 2, 4, 6), w=(3, 2, 1, 3), kw=dict(kernel_size=(1, 3), channels=3, padding=(0, 1))),
    "out_layout_NHWC": dict(x=(1, 2, 4, 4), w=(2, 2, 3, 3), kw=dict(kernel_size=(3, 3), channels=2,
                                                                     out_layout="NHWC")),
}
for _vname, _cfg in _CONV2D.items():
    add_case("nn.conv2d", _vname, (lambda cfg, s: lambda: _conv(relay.nn.conv2d, cfg["x"], cfg["w"], s, **cfg["kw"]))(
        _cfg, 20 + len(CASES)))


@case("nn.conv2d", "int8_out_int32")
def _conv2d_i8():
    x, w = v("x", (1, 2, 4, 4), "int8"), v("w", (2, 2, 3, 3), "int8")
    return Spec(relay.nn.conv2d(x, w, kernel_size=(3, 3), channels=2, out_dtype="int32"),
                ranges={"x": (-20, 20), "w": (-20, 20)})


@case("nn.conv2d", "opt_level2_no_kernel_size")
def _conv2d_ol2():
    x, w = v("x", (1, 2, 4, 4)), v("w", (2, 2, 3, 3))
    return Spec(relay.nn.conv2d(x, w), opt_level=2,
                note="conv2d without kernel_size/channels fails at opt_level=3 in this fork")


@case("nn.conv3d")
def _conv3d():
    return _conv(relay.nn.conv3d, (1, 2, 3, 4, 4), (2, 2, 2, 3, 3), 31, kernel_size=(2, 3, 3), channels=2,
                 padding=(0, 1, 1))


@case("nn.conv3d", "NDHWC_DHWIO_stride")
def _conv3d2():
    return _conv(relay.nn.conv3d, (1, 3, 4, 4, 2), (2, 2, 2, 2, 2), 32, kernel_size=(2, 2, 2), channels=2,
                 strides=(1, 2, 2), data_layout="NDHWC", kernel_layout="DHWIO")


@case("nn.conv1d_transpose")
def _conv1d_t():
    return _conv(relay.nn.conv1d_transpose, (1, 2, 5), (2, 3, 3), 41, kernel_size=(3,), channels=3, strides=(2,),
                 padding=(1,), output_padding=(1,))


@case("nn.conv2d_transpose")
def _conv2d_t():
    return _conv(relay.nn.conv2d_transpose, (1, 2, 3, 3), (2, 3, 3, 3), 42, kernel_size=(3, 3), channels=3)


@case("nn.conv2d_transpose", "stride2_output_padding")
def _conv2d_t2():
    return _conv(relay.nn.conv2d_transpose, (1, 2, 3, 3), (2, 2, 3, 3), 43, kernel_size=(3, 3), channels=2,
                 strides=(2, 2), padding=(1, 1), output_padding=(1, 1))


@case("nn.conv2d_transpose", "groups2")
def _conv2d_t3():
    return _conv(relay.nn.conv2d_transpose, (1, 4, 3, 3), (4, 1, 2, 2), 44, kernel_size=(2, 2), channels=2,
                 groups=2)


@case("nn.conv2d_transpose", "NHWC_HWOI")
def _conv2d_t4():
    return _conv(relay.nn.conv2d_transpose, (1, 3, 3, 2), (3, 3, 4, 2), 45, kernel_size=(3, 3), channels=4,
                 data_layout="NHWC", kernel_layout="HWOI", strides=(2, 2))


@case("nn.conv3d_transpose")
def _conv3d_t():
    return _conv(relay.nn.conv3d_transpose, (1, 2, 2, 3, 3), (2, 2, 2, 2, 2), 46, kernel_size=(2, 2, 2), channels=2,
                 strides=(1, 2, 2), output_padding=(0, 1, 1))


@case("nn.contrib_conv2d_NCHWc")
def _conv_nchwc():
    x, w = v("x", (1, 2, 4, 4, 4)), v("weight", (2, 2, 3, 3, 4, 4))
    return Spec(relay.nn.contrib_conv2d_nchwc(x, w, kernel_size=(3, 3), channels=8, padding=(1, 1),
                                              data_layout="NCHW4c", kernel_layout="OIHW4i4o", out_layout="NCHW4c"),
                params={"weight": W((2, 2, 3, 3, 4, 4), 51, 0.2)}, args=[x, w])


@case("nn.contrib_conv2d_NCHWc", "stride2_out_NCHW2c")
def _conv_nchwc2():
    x, w = v("x", (1, 1, 5, 5, 4)), v("weight", (2, 1, 3, 3, 4, 2))
    return Spec(relay.nn.contrib_conv2d_nchwc(x, w, kernel_size=(3, 3), channels=4, strides=(2, 2),
                                              data_layout="NCHW4c", kernel_layout="OIHW4i2o", out_layout="NCHW2c"),
                params={"weight": W((2, 1, 3, 3, 4, 2), 52, 0.2)}, args=[x, w])


@case("nn.contrib_depthwise_conv2d_NCHWc")
def _dwconv_nchwc():
    x, w = v("x", (1, 2, 4, 4, 4)), v("weight", (2, 1, 3, 3, 1, 4))
    return Spec(relay.nn.contrib_depthwise_conv2d_nchwc(x, w, kernel_size=(3, 3), channels=8, groups=8,
                                                        padding=(1, 1), data_layout="NCHW4c",
                                                        kernel_layout="OIHW1i4o", out_layout="NCHW4c"),
                params={"weight": W((2, 1, 3, 3, 1, 4), 53)}, args=[x, w])


@case("nn.contrib_conv2d_winograd_weight_transform")
def _wino_wt():
    return Spec(relay.nn.contrib_conv2d_winograd_weight_transform(v("w", (2, 2, 3, 3)), 2))


@case("nn.contrib_conv2d_winograd_without_weight_transform")
def _wino():
    # The x86 strategy only has the NHWC auto-scheduler kernel (weight pre-transformed as in AlterOpLayout).
    x, w = v("x", (1, 4, 4, 2)), v("w", (3, 3, 2, 2))
    wt = relay.nn.contrib_conv2d_winograd_weight_transform(relay.transpose(w, axes=[3, 2, 0, 1]), 4)
    return Spec(relay.nn.contrib_conv2d_winograd_without_weight_transform(
        x, wt, 4, kernel_size=(3, 3), channels=2, padding=(1, 1), data_layout="NHWC", kernel_layout="HWIO"),
        args=[x, w], pass_config={"relay.backend.use_auto_scheduler": True},
        note="x86 has only the auto-scheduler NHWC kernel: built with relay.backend.use_auto_scheduler=True")


@case("nn.contrib_conv3d_winograd_weight_transform")
def _wino3_wt():
    return Spec(relay.nn.contrib_conv3d_winograd_weight_transform(v("w", (2, 2, 3, 3, 3)), 2))


@case("nn.contrib_conv3d_winograd_without_weight_transform")
def _wino3():
    x, w = v("x", (1, 2, 4, 4, 4)), v("w", (2, 2, 3, 3, 3))
    wt = relay.nn.contrib_conv3d_winograd_weight_transform(w, 2)
    return Spec(relay.nn.contrib_conv3d_winograd_without_weight_transform(
        x, wt, 2, kernel_size=(3, 3, 3), channels=2, padding=(1, 1, 1)), args=[x, w])


@case("nn.contrib_conv2d_winograd_nnpack_weight_transform")
def _nnpack_wt():
    return Spec(relay.nn.contrib_conv2d_winograd_nnpack_weight_transform(v("w", (2, 2, 3, 3)), 0))


@case("nn.contrib_conv2d_gemm_weight_transform")
def _gemm_wt():
    return Spec(relay.nn.contrib_conv2d_gemm_weight_transform(v("w", (3, 3, 2, 4)), 4, 4, "HWIO"))


@case("nn.contrib_conv2d_gemm_without_weight_transform")
def _gemm_conv():
    x, w = v("x", (1, 4, 4, 2)), v("w", (3, 3, 2, 4))
    wt = relay.nn.contrib_conv2d_gemm_weight_transform(w, 4, 4, "HWIO")
    return Spec(relay.nn.contrib_conv2d_gemm_without_weight_transform(
        x, wt, kernel_size=(3, 3), channels=4, data_layout="NHWC", kernel_layout="HWIO"), args=[x, w])


@case("nn.contrib_dense_pack")
def _dense_pack():
    x, w = v("x", (2, 8)), v("w", (2, 8, 2))
    return Spec(relay.nn.contrib_dense_pack(x, w, weight_layout="NC2n", units=4))


@case("nn.conv2d_backward_weight")
def _conv2d_bw():
    return Spec(relay.nn.conv2d_backward_weight(v("grad", (1, 2, 3, 3)), v("x", (1, 2, 5, 5)), kernel_size=(3, 3),
                                                channels=2))


@case("nn.conv2d_backward_weight", "stride_padding")
def _conv2d_bw2():
    return Spec(relay.nn.conv2d_backward_weight(v("grad", (1, 3, 3, 3)), v("x", (1, 2, 5, 5)), kernel_size=(3, 3),
                                                channels=3, strides=(2, 2), padding=(1, 1)))


@case("nn.deformable_conv2d")
def _deform():
    x, off, w = v("x", (1, 2, 4, 4)), v("offset", (1, 18, 2, 2)), v("w", (2, 2, 3, 3))
    return Spec(relay.nn.deformable_conv2d(x, off, w, kernel_size=(3, 3), channels=2), args=[x, off, w])


@case("nn.deformable_conv2d", "padding_deformable_groups2")
def _deform2():
    x, off, w = v("x", (1, 4, 3, 3)), v("offset", (1, 36, 3, 3)), v("w", (2, 4, 3, 3))
    return Spec(relay.nn.deformable_conv2d(x, off, w, kernel_size=(3, 3), channels=2, padding=(1, 1),
                                           deformable_groups=2), args=[x, off, w])


@case("nn.correlation")
def _corr():
    return Spec(relay.nn.correlation(v("a", (1, 2, 5, 5)), v("b", (1, 2, 5, 5)), kernel_size=1, max_displacement=1,
                                     stride1=1, stride2=1, padding=(1, 1), is_multiply=True, layout="NCHW"))


@case("nn.correlation", "subtract_kernel3")
def _corr2():
    return Spec(relay.nn.correlation(v("a", (1, 2, 6, 6)), v("b", (1, 2, 6, 6)), kernel_size=3, max_displacement=2,
                                     stride1=1, stride2=2, padding=(2, 2), is_multiply=False, layout="NCHW"))


@case("nn.bitpack")
def _bitpack():
    return Spec(relay.nn.bitpack(v("x", (1, 8, 2, 2), "int32"), bits=2, pack_axis=1, bit_axis=2, pack_type="uint8"),
                ranges={"x": (0, 4)})


@case("nn.bitserial_conv2d")
def _bitserial_conv():
    return Spec(relay.nn.bitserial_conv2d(v("x", (1, 8, 4, 4), "int16"), v("w", (8, 8, 3, 3), "int16"),
                                          kernel_size=(3, 3), channels=8, activation_bits=1, weight_bits=1,
                                          pack_dtype="uint8", out_dtype="int16"), ranges={"x": (0, 2), "w": (0, 2)})


@case("nn.bitserial_dense")
def _bitserial_dense():
    return Spec(relay.nn.bitserial_dense(v("x", (2, 8), "int16"), v("w", (4, 8), "int16"), units=4, data_bits=1,
                                         weight_bits=1, pack_dtype="uint8", out_dtype="int16"),
                ranges={"x": (0, 2), "w": (0, 2)})


# ---------------------------------------------------------------------------------------------
# nn: normalisation / activations
# ---------------------------------------------------------------------------------------------


@case("nn.batch_norm")
def _bn():
    x = v("x", (2, 3, 2, 2))
    g, b, m, var = v("gamma", (3,)), v("beta", (3,)), v("mean", (3,)), v("var", (3,))
    return Spec(relay.nn.batch_norm(x, g, b, m, var).astuple(), args=[x, g, b, m, var],
                params={"gamma": rnd((3,), low=0.5, high=1.5, seed=61), "beta": W((3,), 62),
                        "mean": W((3,), 63), "var": rnd((3,), low=0.5, high=2.0, seed=64)})


@case("nn.batch_norm", "axis_neg1_no_center_scale_first_output")
def _bn2():
    x = v("x", (2, 2, 4))
    g, b, m, var = v("gamma", (4,)), v("beta", (4,)), v("mean", (4,)), v("var", (4,))
    return Spec(relay.TupleGetItem(relay.nn.batch_norm(x, g, b, m, var, axis=-1, epsilon=1e-3, center=False,
                                                       scale=False).astuple(), 0),
                args=[x, g, b, m, var], ranges={"var": (0.5, 2.0)})


@case("nn.layer_norm")
def _ln():
    return Spec(relay.nn.layer_norm(v("x", X234), v("gamma", (4,)), v("beta", (4,))))


@case("nn.layer_norm", "axis1_eps_no_scale")
def _ln2():
    return Spec(relay.nn.layer_norm(v("x", X234), v("gamma", (3,)), v("beta", (3,)), axis=1, epsilon=1e-3,
                                    scale=False))


@case("nn.group_norm")
def _gn():
    return Spec(relay.nn.group_norm(v("x", (1, 4, 2, 3)), v("gamma", (4,)), v("beta", (4,)), num_groups=2))


@case("nn.instance_norm")
def _in():
    return Spec(relay.nn.instance_norm(v("x", (2, 3, 2, 2)), v("gamma", (3,)), v("beta", (3,))))


@case("nn.instance_norm", "axis_neg1_no_center")
def _in2():
    return Spec(relay.nn.instance_norm(v("x", (2, 4, 3)), v("gamma", (3,)), v("beta", (3,)), axis=-1, center=False))


@case("nn.l2_normalize")
def _l2n():
    return Spec(relay.nn.l2_normalize(v("x", X234), eps=1e-6, axis=[1]))


@case("nn.l2_normalize", "all_axes")
def _l2n2():
    return Spec(relay.nn.l2_normalize(v("x", X234), eps=0.1))


@case("nn.lrn")
def _lrn():
    return Spec(relay.nn.lrn(v("x", (1, 5, 2, 3)), size=3, axis=1, bias=1.0, alpha=1e-4, beta=0.75))


@case("nn.lrn", "axis3")
def _lrn2():
    return Spec(relay.nn.lrn(v("x", (1, 2, 3, 6)), size=5, axis=3, bias=2.0, alpha=0.5, beta=0.5))


for _name in ("softmax", "log_softmax", "fast_softmax"):
    add_case("nn." + _name, "basic", (lambda n: lambda: Spec(getattr(relay.nn, n)(v("x", X234))))(_name))
    add_case("nn." + _name, "axis1", (lambda n: lambda: Spec(getattr(relay.nn, n)(v("x", X234), axis=1)))(_name))


@case("nn.leaky_relu")
def _leaky():
    return Spec(relay.nn.leaky_relu(v("x", X234), alpha=0.2))


@case("nn.prelu")
def _prelu():
    return Spec(relay.nn.prelu(v("x", (1, 3, 2, 2)), v("alpha", (3,))))


@case("nn.prelu", "axis_last")
def _prelu2():
    return Spec(relay.nn.prelu(v("x", X234), v("alpha", (4,)), axis=2))


@case("nn.dropout")
def _dropout():
    return Spec(relay.nn.dropout(v("x", X234), rate=0.3))


@case("nn.batch_flatten")
def _batch_flatten():
    return Spec(relay.nn.batch_flatten(v("x", X234)))


@case("nn.batch_flatten", "4d")
def _batch_flatten2():
    return Spec(relay.nn.batch_flatten(v("x", (2, 2, 3, 2))))


# ---------------------------------------------------------------------------------------------
# nn: pooling
# ---------------------------------------------------------------------------------------------

_POOL2D = {
    "basic": dict(pool_size=(2, 2), strides=(2, 2)),
    "pad_ceil_mode": dict(pool_size=(3, 3), strides=(2, 2), padding=(1, 1), ceil_mode=True),
    "dilation_asym_pad": dict(pool_size=(2, 2), strides=(1, 1), dilation=(2, 2), padding=(0, 1, 1, 0)),
    "NHWC": dict(pool_size=(2, 2), strides=(1, 1), layout="NHWC"),
}
for _vname, _kw in _POOL2D.items():
    add_case("nn.max_pool2d", _vname, (lambda kw: lambda: Spec(relay.nn.max_pool2d(v("x", (1, 2, 5, 5)), **kw)))(_kw))
    add_case("nn.avg_pool2d", _vname, (lambda kw: lambda: Spec(relay.nn.avg_pool2d(v("x", (1, 2, 5, 5)), **kw)))(_kw))
add_case("nn.avg_pool2d", "pad_count_include_pad", lambda: Spec(relay.nn.avg_pool2d(
    v("x", (1, 2, 5, 5)), pool_size=(3, 3), strides=(2, 2), padding=(1, 1), count_include_pad=True)))
add_case("nn.avg_pool2d", "pad_ceil_count_include_pad", lambda: Spec(relay.nn.avg_pool2d(
    v("x", (1, 2, 4, 4)), pool_size=(3, 3), strides=(2, 2), padding=(1, 1), ceil_mode=True, count_include_pad=True)))
add_case("nn.max_pool2d", "int8", lambda: Spec(relay.nn.max_pool2d(
    v("x", (1, 2, 4, 4), "int8"), pool_size=(2, 2), strides=(2, 2)), ranges={"x": (-100, 100)}))

for _pname in ("max_pool1d", "avg_pool1d"):
    add_case("nn." + _pname, "basic", (lambda n: lambda: Spec(getattr(relay.nn, n)(
        v("x", (1, 2, 8)), pool_size=(2,), strides=(2,))))(_pname))
    add_case("nn." + _pname, "pad_ceil_dilation", (lambda n: lambda: Spec(getattr(relay.nn, n)(
        v("x", (1, 2, 9)), pool_size=(3,), strides=(2,), padding=(1, 1), dilation=(1,), ceil_mode=True)))(_pname))
    add_case("nn." + _pname, "NWC", (lambda n: lambda: Spec(getattr(relay.nn, n)(
        v("x", (1, 8, 2)), pool_size=(3,), strides=(1,), layout="NWC")))(_pname))
add_case("nn.avg_pool1d", "count_include_pad", lambda: Spec(relay.nn.avg_pool1d(
    v("x", (1, 2, 7)), pool_size=(3,), strides=(2,), padding=(1,), count_include_pad=True)))
for _pname in ("max_pool3d", "avg_pool3d"):
    add_case("nn." + _pname, "basic", (lambda n: lambda: Spec(getattr(relay.nn, n)(
        v("x", (1, 2, 2, 4, 4)), pool_size=(2, 2, 2), strides=(2, 2, 2))))(_pname))
    add_case("nn." + _pname, "pad_ceil_NDHWC", (lambda n: lambda: Spec(getattr(relay.nn, n)(
        v("x", (1, 3, 4, 4, 1)), pool_size=(2, 3, 3), strides=(1, 2, 2), padding=(0, 1, 1), ceil_mode=True,
        layout="NDHWC")))(_pname))
add_case("nn.avg_pool3d", "count_include_pad", lambda: Spec(relay.nn.avg_pool3d(
    v("x", (1, 1, 3, 4, 4)), pool_size=(2, 3, 3), strides=(1, 2, 2), padding=(1, 1, 1), count_include_pad=True)))

for _pname in ("global_avg_pool2d", "global_max_pool2d"):
    add_case("nn." + _pname, "basic", (lambda n: lambda: Spec(getattr(relay.nn, n)(v("x", (1, 3, 4, 4)))))(_pname))
    add_case("nn." + _pname, "NHWC", (lambda n: lambda: Spec(getattr(relay.nn, n)(
        v("x", (1, 4, 4, 3)), layout="NHWC")))(_pname))

_ADAPTIVE = {"1d": ((1, 2, 7), (3,), "NWC", (1, 7, 2)), "2d": ((1, 2, 5, 7), (2, 3), "NHWC", (1, 5, 7, 2)),
             "3d": ((1, 1, 3, 5, 4), (2, 2, 3), "NDHWC", (1, 3, 5, 4, 1))}
for _dim, (_shape, _out, _cl, _clshape) in _ADAPTIVE.items():
    for _kind in ("avg", "max"):
        _fname = "adaptive_%s_pool%s" % (_kind, _dim)
        add_case("nn." + _fname, "basic", (lambda n, s, o: lambda: Spec(getattr(relay.nn, n)(v("x", s), o)))(
            _fname, _shape, _out))
        add_case("nn." + _fname, "channels_last", (lambda n, s, o, l: lambda: Spec(getattr(relay.nn, n)(
            v("x", s), o, layout=l)))(_fname, _clshape, _out, _cl))
        add_case("nn." + _fname, "output_1", (lambda n, s: lambda: Spec(getattr(relay.nn, n)(v("x", s), [1])))(
            _fname, _shape))


@case("nn.max_pool2d_grad")
def _mp_grad():
    return Spec(relay.nn.max_pool2d_grad(v("grad", (1, 2, 2, 2)), v("x", (1, 2, 4, 4)), pool_size=(2, 2),
                                         strides=(2, 2)))


@case("nn.max_pool2d_grad", "overlap_pad")
def _mp_grad2():
    return Spec(relay.nn.max_pool2d_grad(v("grad", (1, 1, 3, 3)), v("x", (1, 1, 5, 5)), pool_size=(3, 3),
                                         strides=(2, 2), padding=(1, 1)))


@case("nn.avg_pool2d_grad")
def _ap_grad():
    return Spec(relay.nn.avg_pool2d_grad(v("grad", (1, 2, 2, 2)), v("x", (1, 2, 4, 4)), pool_size=(2, 2),
                                         strides=(2, 2)))


@case("nn.avg_pool2d_grad", "overlap_pad_count_include_pad")
def _ap_grad2():
    return Spec(relay.nn.avg_pool2d_grad(v("grad", (1, 1, 3, 3)), v("x", (1, 1, 5, 5)), pool_size=(3, 3),
                                         strides=(2, 2), padding=(1, 1), count_include_pad=True))


# ---------------------------------------------------------------------------------------------
# nn: padding / resampling / rearrangement / losses / misc
# ---------------------------------------------------------------------------------------------


@case("nn.pad")
def _pad():
    return Spec(relay.nn.pad(v("x", (1, 2, 3, 3)), ((0, 0), (0, 1), (1, 2), (2, 0)), pad_value=0.5))


@case("nn.pad", "edge")
def _pad_edge():
    return Spec(relay.nn.pad(v("x", (2, 3, 3)), ((0, 0), (1, 1), (2, 1)), pad_mode="edge"))


@case("nn.pad", "reflect")
def _pad_reflect():
    return Spec(relay.nn.pad(v("x", (2, 3, 4)), ((0, 0), (2, 1), (1, 3)), pad_mode="reflect"))


@case("nn.pad", "pad_value_input")
def _pad_var():
    return Spec(relay.nn.pad(v("x", (2, 3)), ((1, 1), (0, 2)), pad_value=v("pv", ())))


@case("nn.mirror_pad")
def _mirror_pad():
    return Spec(relay.nn.mirror_pad(v("x", (1, 2, 3, 3)), ((0, 0), (0, 0), (1, 2), (2, 1))))


@case("nn.mirror_pad", "reflect")
def _mirror_pad2():
    return Spec(relay.nn.mirror_pad(v("x", (2, 3, 4)), ((0, 0), (1, 2), (2, 3)), mode="REFLECT"))


@case("nn.upsampling")
def _ups():
    return Spec(relay.nn.upsampling(v("x", (1, 2, 2, 3)), scale_h=2, scale_w=2))


@case("nn.upsampling", "bilinear_align_corners")
def _ups2():
    return Spec(relay.nn.upsampling(v("x", (1, 2, 2, 3)), scale_h=2, scale_w=1.5, method="bilinear",
                                    align_corners=True))


@case("nn.upsampling", "bicubic_NHWC")
def _ups3():
    return Spec(relay.nn.upsampling(v("x", (1, 3, 3, 2)), scale_h=2, scale_w=2, layout="NHWC", method="bicubic"))


@case("nn.upsampling3d")
def _ups3d():
    return Spec(relay.nn.upsampling3d(v("x", (1, 1, 2, 2, 3)), scale_d=2, scale_h=2, scale_w=2))


@case("nn.upsampling3d", "trilinear_align_corners")
def _ups3d2():
    return Spec(relay.nn.upsampling3d(v("x", (1, 1, 2, 2, 2)), scale_d=2, scale_h=1.5, scale_w=2,
                                      method="trilinear", coordinate_transformation_mode="align_corners"))


@case("nn.depth_to_space")
def _d2s():
    return Spec(relay.nn.depth_to_space(v("x", (1, 8, 2, 3)), 2))


@case("nn.depth_to_space", "CRD")
def _d2s2():
    return Spec(relay.nn.depth_to_space(v("x", (1, 8, 2, 3)), 2, mode="CRD"))


@case("nn.depth_to_space", "NHWC")
def _d2s3():
    return Spec(relay.nn.depth_to_space(v("x", (1, 2, 3, 8)), 2, layout="NHWC"))


@case("nn.space_to_depth")
def _s2d_nn():
    return Spec(relay.nn.space_to_depth(v("x", (1, 2, 4, 6)), 2))


@case("nn.space_to_depth", "NHWC")
def _s2d_nn2():
    return Spec(relay.nn.space_to_depth(v("x", (1, 4, 6, 2)), 2, layout="NHWC"))


@case("nn.batch_to_space_nd")
def _b2s():
    return Spec(relay.nn.batch_to_space_nd(v("x", (4, 2, 2, 1)), [2, 2], [[0, 0], [1, 0]]))


@case("nn.space_to_batch_nd")
def _s2b():
    return Spec(relay.nn.space_to_batch_nd(v("x", (1, 3, 4, 2)), [2, 2], [[1, 0], [0, 0]], pad_value=-1.0))


@case("nn.dilate")
def _dilate():
    return Spec(relay.nn.dilate(v("x", (2, 3, 3)), (1, 2, 3)))


@case("nn.dilate", "dilation_value")
def _dilate2():
    return Spec(relay.nn.dilate(v("x", (3, 3)), (2, 2), dilation_value=-1.0))


@case("nn.fifo_buffer")
def _fifo():
    return Spec(relay.nn.fifo_buffer(v("data", (1, 2, 2)), v("buffer", (1, 5, 2)), axis=1))


@case("nn.cross_entropy")
def _ce():
    return Spec(relay.nn.cross_entropy(v("pred", (3, 4)), v("target", (3, 4))), ranges={"pred": (0.05, 1.0)})


@case("nn.cross_entropy_with_logits")
def _ce_logits():
    return Spec(relay.nn.cross_entropy_with_logits(v("pred", (3, 4)), v("target", (3, 4))))


for _red in ("mean", "sum", "none"):
    add_case("nn.nll_loss", _red, (lambda r: lambda: Spec(
        relay.nn.nll_loss(v("pred", (3, 4)), v("target", (3,), "int32"), v("weights", (4,)), reduction=r,
                          ignore_index=1), inputs={"target": np.array([0, 1, 3], "int32")},
        ranges={"weights": (0.5, 1.5)}))(_red))


@case("nn.nll_loss", "spatial_mean")
def _nll_spatial():
    return Spec(relay.nn.nll_loss(v("pred", (2, 3, 2, 2)), v("target", (2, 2, 2), "int64"), v("weights", (3,))),
                ranges={"target": (0, 3), "weights": (0.5, 1.5)})


# ---------------------------------------------------------------------------------------------
# nn: sparse
# ---------------------------------------------------------------------------------------------

_CSR_DATA = np.array([1.0, -2.0, 0.5, 3.0, -1.5], "float32")
_CSR_INDICES = np.array([0, 3, 1, 2, 3], "int32")
_CSR_INDPTR = np.array([0, 2, 3, 5], "int32")  # a 3x4 matrix


def _csr_vars():
    return (c(_CSR_DATA), c(_CSR_INDICES), c(_CSR_INDPTR))


@case("nn.sparse_dense")
def _sparse_dense():
    x = v("x", (2, 4))
    return Spec(relay.nn.sparse_dense(x, _csr_vars()), args=[x])


@case("nn.sparse_dense", "sparse_lhs")
def _sparse_dense_lhs():
    x = v("x", (2, 4))
    return Spec(relay.nn.sparse_dense(x, _csr_vars(), sparse_lhs=True), args=[x])


@case("nn.sparse_dense", "bsr_2x2")
def _sparse_dense_bsr():
    x = v("x", (2, 4))
    data = c(rnd((2, 2, 2), seed=71))
    return Spec(relay.nn.sparse_dense(x, (data, c(np.array([0, 1], "int32")), c(np.array([0, 1, 2], "int32")))),
                args=[x])


@case("nn.internal.sparse_dense_padded")
def _sparse_dense_padded():
    x = v("x", (2, 4))
    return Spec(call("nn.internal.sparse_dense_padded", [x, c(_CSR_DATA), c(_CSR_INDICES), c(_CSR_INDPTR)],
                     "relay.attrs.SparseDenseAttrs", sparse_lhs=False), args=[x])


@case("nn.sparse_transpose")
def _sparse_transpose():
    data = c(np.array([1.0, -2.0, 0.5, 3.0, -1.5], "float32"))
    indices = c(np.array([0, 3, 1, 2, 3], "int32"))
    indptr = c(np.array([0, 2, 3, 3, 5], "int32"))  # a 4x4 matrix (the op wants a square one)
    return Spec(relay.nn.sparse_transpose((data, indices, indptr)).astuple())


@case("nn.sparse_add")
def _sparse_add():
    x = v("x", (3, 4))
    return Spec(relay.nn.sparse_add(x, _csr_vars()), args=[x])


@case("nn.sparse_conv2d")
def _sparse_conv2d():
    x = v("x", (1, 4, 2, 2))
    return Spec(call("nn.sparse_conv2d", [x, c(_CSR_DATA.reshape(5, 1)), c(_CSR_INDICES), c(_CSR_INDPTR)],
                     "relay.attrs.SparseConv2DAttrs", layout="NCHW", kernel_size=[1, 1]), args=[x])


# ---------------------------------------------------------------------------------------------
# image
# ---------------------------------------------------------------------------------------------

_RESIZE2D = {
    "nearest_asymmetric_floor": dict(method="nearest_neighbor", coordinate_transformation_mode="asymmetric",
                                     rounding_method="floor"),
    "nearest_half_pixel_round_prefer_ceil": dict(method="nearest_neighbor",
                                                 coordinate_transformation_mode="half_pixel",
                                                 rounding_method="round_prefer_ceil"),
    "nearest_align_corners_round": dict(method="nearest_neighbor", coordinate_transformation_mode="align_corners",
                                        rounding_method="round"),
    "nearest_tf_half_pixel_for_nn": dict(method="nearest_neighbor",
                                         coordinate_transformation_mode="tf_half_pixel_for_nn",
                                         rounding_method="round_prefer_ceil"),
    "linear_half_pixel": dict(method="linear", coordinate_transformation_mode="half_pixel"),
    "linear_align_corners": dict(method="linear", coordinate_transformation_mode="align_corners"),
    "linear_asymmetric": dict(method="linear", coordinate_transformation_mode="asymmetric"),
    "linear_pytorch_half_pixel": dict(method="linear", coordinate_transformation_mode="pytorch_half_pixel"),
    "cubic_half_pixel": dict(method="cubic", coordinate_transformation_mode="half_pixel"),
    "cubic_align_corners_alpha075_exclude": dict(method="cubic", coordinate_transformation_mode="align_corners",
                                                 cubic_alpha=-0.75, cubic_exclude=1),
    "cubic_asymmetric": dict(method="cubic", coordinate_transformation_mode="asymmetric"),
}
for _vname, _kw in _RESIZE2D.items():
    add_case("image.resize2d", _vname, (lambda kw: lambda: Spec(relay.image.resize2d(
        v("x", (1, 2, 3, 4)), (5, 7), **kw)))(_kw))
add_case("image.resize2d", "linear_downscale", lambda: Spec(relay.image.resize2d(
    v("x", (1, 1, 6, 8)), (3, 3), method="linear")))
add_case("image.resize2d", "NHWC_linear", lambda: Spec(relay.image.resize2d(
    v("x", (1, 3, 4, 2)), (6, 5), layout="NHWC", method="linear", coordinate_transformation_mode="align_corners")))
add_case("image.resize2d", "tf_crop_and_resize_roi", lambda: Spec(relay.image.resize2d(
    v("x", (1, 1, 4, 4)), (3, 5), roi=(0.1, 0.2, 0.8, 0.9), method="linear",
    coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=-1.0)))
add_case("image.resize2d", "out_dtype_uint8", lambda: Spec(relay.image.resize2d(
    v("x", (1, 1, 3, 3), "uint8"), (5, 5), method="nearest_neighbor", coordinate_transformation_mode="asymmetric",
    rounding_method="floor"), ranges={"x": (0, 255)}))

for _vname, _kw in (("linear_half_pixel", dict(method="linear")),
                    ("nearest_asymmetric", dict(method="nearest_neighbor", coordinate_transformation_mode="asymmetric",
                                                rounding_method="floor")),
                    ("cubic_align_corners", dict(method="cubic", coordinate_transformation_mode="align_corners"))):
    add_case("image.resize1d", _vname, (lambda kw: lambda: Spec(relay.image.resize1d(v("x", (1, 2, 5)), (8,), **kw)))(
        _kw))
for _vname, _kw in (("linear_half_pixel", dict(method="linear")),
                    ("nearest_asymmetric", dict(method="nearest_neighbor", coordinate_transformation_mode="asymmetric",
                                                rounding_method="floor")),
                    ("linear_align_corners_NDHWC", dict(method="linear", layout="NDHWC",
                                                        coordinate_transformation_mode="align_corners"))):
    add_case("image.resize3d", _vname, (lambda kw: lambda: Spec(relay.image.resize3d(
        v("x", (1, 2, 2, 3, 2) if kw.get("layout") == "NDHWC" else (1, 1, 2, 2, 3)), (3, 3, 4), **kw)))(_kw))


@case("image.crop_and_resize")
def _crop_and_resize():
    return Spec(relay.image.crop_and_resize(v("x", (1, 2, 5, 5)), v("boxes", (2, 4)), v("box_idx", (2,), "int32"),
                                            (3, 3), "NCHW"),
                inputs={"boxes": np.array([[0.1, 0.1, 0.8, 0.9], [0.0, 0.3, 1.0, 0.6]], "float32"),
                        "box_idx": np.array([0, 0], "int32")})


@case("image.crop_and_resize", "nearest_NHWC_extrapolation")
def _crop_and_resize2():
    return Spec(relay.image.crop_and_resize(v("x", (2, 4, 4, 1)), v("boxes", (2, 4)), v("box_idx", (2,), "int32"),
                                            (3, 2), "NHWC", method="nearest_neighbor", extrapolation_value=-1.0),
                inputs={"boxes": np.array([[-0.2, 0.1, 0.8, 1.2], [0.0, 0.0, 0.5, 0.5]], "float32"),
                        "box_idx": np.array([1, 0], "int32")})


@case("image.dilation2d")
def _dilation2d():
    return Spec(relay.image.dilation2d(v("x", (1, 2, 5, 5)), v("w", (2, 3, 3))))


@case("image.dilation2d", "NHWC_strides_dilations_padding")
def _dilation2d2():
    return Spec(relay.image.dilation2d(v("x", (1, 5, 5, 2)), v("w", (2, 2, 2)), strides=(2, 2), dilations=(2, 2),
                                       padding=(1, 1), data_layout="NHWC", kernel_layout="HWI"))


@case("image.affine_grid")
def _affine_grid():
    return Spec(relay.image.affine_grid(v("theta", (1, 2, 3)), (4, 5)))


for _method in ("bilinear", "nearest", "bicubic"):
    for _padding in ("zeros", "border", "reflection"):
        for _ac in (True, False):
            if _method != "bilinear" and not _ac and _padding != "zeros":
                continue
            add_case("image.grid_sample", "%s_%s%s" % (_method, _padding, "_align_corners" if _ac else ""),
                     (lambda m, p, a: lambda: Spec(relay.image.grid_sample(
                         v("x", (1, 2, 4, 4)), v("grid", (1, 2, 3, 3)), method=m, padding_mode=p, align_corners=a),
                         ranges={"grid": (-1.2, 1.2)}))(_method, _padding, _ac))


@case("image.grid_sample", "3d_bilinear_NCDHW")
def _grid_sample_3d():
    return Spec(relay.image.grid_sample(v("x", (1, 1, 3, 3, 3)), v("grid", (1, 3, 2, 2, 2)), method="bilinear",
                                        layout="NCDHW", padding_mode="border", align_corners=False))


# ---------------------------------------------------------------------------------------------
# vision
# ---------------------------------------------------------------------------------------------


def _det_data(n=5, seed=81):
    """(1, n, 6) rows [class_id, score, x1, y1, x2, y2]."""
    rng = np.random.default_rng(seed)
    cls = rng.integers(0, 2, size=(n, 1)).astype("float32")
    score = rng.uniform(0.0, 1.0, size=(n, 1)).astype("float32")
    return np.concatenate([cls, score, boxes(n, seed)], axis=1)[None]


@case("vision.get_valid_counts")
def _gvc():
    return Spec(relay.vision.get_valid_counts(v("data", (1, 5, 6)), 0.3, id_index=0, score_index=1).astuple(),
                inputs={"data": _det_data()})


@case("vision.non_max_suppression")
def _nms():
    return Spec(relay.vision.non_max_suppression(
        v("data", (1, 5, 6)), v("valid_count", (1,), "int32"), v("indices", (1, 5), "int32"), max_output_size=-1,
        iou_threshold=0.3, force_suppress=False, top_k=-1, coord_start=2, score_index=1, id_index=0,
        return_indices=False, invalid_to_bottom=True),
        inputs={"data": _det_data(), "valid_count": np.array([5], "int32"),
                "indices": np.arange(5, dtype="int32")[None]})


@case("vision.non_max_suppression", "return_indices_force_suppress")
def _nms2():
    return Spec(relay.vision.non_max_suppression(
        v("data", (1, 5, 6)), v("valid_count", (1,), "int32"), v("indices", (1, 5), "int32"), max_output_size=3,
        iou_threshold=0.2, force_suppress=True, top_k=4, return_indices=True).astuple(),
        inputs={"data": _det_data(seed=82), "valid_count": np.array([4], "int32"),
                "indices": np.arange(5, dtype="int32")[None]})


@case("vision.all_class_non_max_suppression")
def _acnms():
    out = relay.vision.all_class_non_max_suppression(
        v("boxes", (1, 5, 4)), v("scores", (1, 2, 5)), max_output_boxes_per_class=2, iou_threshold=0.3,
        score_threshold=0.1)
    return Spec(relay.Tuple([_valid_prefix(out[0], out[1]), out[1]]), inputs={"boxes": boxes(5, 83)[None]},
                ranges={"scores": (0, 1)}, executor="vm",
                note="selected_indices cut to num_total_detections (dyn.strided_slice): later rows are unspecified")


@case("vision.all_class_non_max_suppression", "tensorflow_format")
def _acnms2():
    return Spec(relay.vision.all_class_non_max_suppression(
        v("boxes", (1, 5, 4)), v("scores", (1, 2, 5)), max_output_boxes_per_class=3, iou_threshold=0.5,
        score_threshold=0.2, output_format="tensorflow").astuple(), inputs={"boxes": boxes(5, 84)[None]},
        ranges={"scores": (0, 1)})


@case("vision.regular_non_max_suppression")
def _rnms():
    return Spec(relay.vision.regular_non_max_suppression(
        v("boxes", (1, 5, 4)), v("scores", (1, 5, 3)), max_detections_per_class=2, max_detections=4, num_classes=3,
        iou_threshold=0.4, score_threshold=0.1).astuple(), inputs={"boxes": boxes(5, 85)[None] / 16.0},
        ranges={"scores": (0, 1)})


@case("vision.multibox_prior")
def _mbp():
    return Spec(relay.vision.multibox_prior(v("x", (1, 2, 3, 4)), sizes=(0.5, 0.25), ratios=(1.0, 2.0)))


@case("vision.multibox_prior", "steps_offsets_clip")
def _mbp2():
    return Spec(relay.vision.multibox_prior(v("x", (1, 1, 2, 2)), sizes=(0.8,), ratios=(1.0, 0.5, 2.0),
                                            steps=(0.5, 0.5), offsets=(0.25, 0.75), clip=True))


@case("vision.multibox_transform_loc")
def _mbtl():
    anchors = np.clip(np.concatenate([rnd((1, 4, 2), low=0, high=0.5, seed=86),
                                      rnd((1, 4, 2), low=0.5, high=1.0, seed=87)], axis=2), 0, 1)
    return Spec(relay.vision.multibox_transform_loc(v("cls_prob", (1, 3, 4)), v("loc_pred", (1, 16)),
                                                    v("anchor", (1, 4, 4)), threshold=0.2).astuple(),
                inputs={"anchor": anchors.astype("float32")}, ranges={"cls_prob": (0, 1), "loc_pred": (-0.5, 0.5)})


@case("vision.multibox_transform_loc", "threshold_compacts_no_clip")
def _mbtl_compact():
    anchors = np.clip(np.concatenate([rnd((1, 4, 2), low=0, high=0.5, seed=88),
                                      rnd((1, 4, 2), low=0.5, high=1.0, seed=89)], axis=2), 0, 1)
    # anchors 1 (batch 0) and 0, 2 (batch 1) have their best non-background score below 0.5: dropped
    cls_prob = np.array([[[0.1, 0.8, 0.2, 0.3], [0.7, 0.1, 0.1, 0.6], [0.2, 0.1, 0.7, 0.1]],
                         [[0.6, 0.2, 0.5, 0.1], [0.3, 0.7, 0.4, 0.1], [0.1, 0.1, 0.1, 0.8]]], "float32")
    return Spec(relay.vision.multibox_transform_loc(v("cls_prob", (2, 3, 4)), v("loc_pred", (2, 16)),
                                                    v("anchor", (1, 4, 4)), clip=False, threshold=0.5,
                                                    variances=(0.2, 0.1, 0.3, 0.25)).astuple(),
                inputs={"anchor": anchors.astype("float32"), "cls_prob": cls_prob}, ranges={"loc_pred": (-0.5, 0.5)})


@case("vision.roi_align")
def _roi_align():
    return Spec(relay.vision.roi_align(v("x", (1, 2, 6, 6)), v("rois", (2, 5)), (2, 2), 0.5, sample_ratio=2),
                inputs={"rois": np.array([[0, 1, 1, 9, 7], [0, 0, 2, 6, 11]], "float32")})


@case("vision.roi_align", "max_NHWC_adaptive_ratio")
def _roi_align2():
    return Spec(relay.vision.roi_align(v("x", (1, 6, 6, 2)), v("rois", (2, 5)), (3, 2), 1.0, sample_ratio=-1,
                                       layout="NHWC", mode="max"),
                inputs={"rois": np.array([[0, 0.5, 1, 4, 5], [0, 2, 0, 5.5, 3]], "float32")})


@case("vision.roi_pool")
def _roi_pool():
    return Spec(relay.vision.roi_pool(v("x", (1, 2, 6, 6)), v("rois", (2, 5)), (2, 2), 0.5),
                inputs={"rois": np.array([[0, 1, 1, 9, 7], [0, 0, 2, 6, 11]], "float32")})


@case("vision.proposal")
def _proposal():
    return Spec(relay.vision.proposal(v("cls_prob", (1, 4, 3, 3)), v("bbox_pred", (1, 8, 3, 3)), v("im_info", (1, 3)),
                                      scales=(2.0,), ratios=(0.5, 1.0), feature_stride=4, threshold=0.7,
                                      rpn_pre_nms_top_n=10, rpn_post_nms_top_n=4, rpn_min_size=1, iou_loss=False),
                inputs={"im_info": np.array([[12.0, 12.0, 1.0]], "float32")},
                ranges={"cls_prob": (0, 1), "bbox_pred": (-0.2, 0.2)})


@case("vision.yolo_reorg")
def _yolo_reorg():
    return Spec(relay.vision.yolo_reorg(v("x", (1, 4, 2, 2)), 2))


# ---------------------------------------------------------------------------------------------
# qnn
# ---------------------------------------------------------------------------------------------

F = lambda x: c(float(x), "float32")  # noqa: E731
I = lambda x: c(int(x), "int32")  # noqa: E731


@case("qnn.quantize")
def _q():
    return Spec(relay.qnn.op.quantize(v("x", X234), F(0.02), I(3), out_dtype="int8"), ranges={"x": (-3, 3)})


@case("qnn.quantize", "uint8_per_axis")
def _q2():
    return Spec(relay.qnn.op.quantize(v("x", X234), c(np.array([0.01, 0.02, 0.05], "float32")),
                                      c(np.array([120, 128, 130], "int32")), axis=1, out_dtype="uint8"))


@case("qnn.quantize", "int32")
def _q3():
    return Spec(relay.qnn.op.quantize(v("x", X234), F(0.001), I(0), out_dtype="int32"))


@case("qnn.dequantize")
def _dq():
    return Spec(relay.qnn.op.dequantize(v("x", X234, "int8"), F(0.05), I(-2)), ranges={"x": (-128, 128)})


@case("qnn.dequantize", "uint8_per_axis")
def _dq2():
    return Spec(relay.qnn.op.dequantize(v("x", X234, "uint8"), c(np.array([0.1, 0.2, 0.3, 0.4], "float32")),
                                        c(np.array([100, 128, 0, 255], "int32")), axis=-1), ranges={"x": (0, 256)})


@case("qnn.dequantize", "int32")
def _dq3():
    return Spec(relay.qnn.op.dequantize(v("x", X234, "int32"), F(0.001), I(0)), ranges={"x": (-5000, 5000)})


for _round in ("UPWARD", "TONEAREST"):
    add_case("qnn.requantize", "int32_to_int8_" + _round.lower(), (lambda r: lambda: Spec(relay.qnn.op.requantize(
        v("x", X234, "int32"), F(0.01), I(0), F(0.15), I(-3), rounding=r, out_dtype="int8"),
        ranges={"x": (-3000, 3000)}))(_round))
add_case("qnn.requantize", "uint8_to_uint8_per_channel_float_compute", lambda: Spec(relay.qnn.op.requantize(
    v("x", (1, 3, 2, 2), "uint8"), c(np.array([0.1, 0.2, 0.05], "float32")), I(128), F(0.12), I(120), axis=1,
    compute_dtype="float32", out_dtype="uint8"), ranges={"x": (0, 256)}))
for _round in ("UPWARD", "TONEAREST"):  # per-channel int64 path; 0.3 / 0.12 needs a left shift
    add_case("qnn.requantize", "int32_to_int8_per_channel_" + _round.lower(), (lambda r: lambda: Spec(
        relay.qnn.op.requantize(v("x", (2, 3, 4), "int32"), c(np.array([0.01, 0.3, 0.045], "float32")),
                                c(np.array([0, 5, -7], "int32")), F(0.12), I(4), axis=1, rounding=r,
                                out_dtype="int8"),
        ranges={"x": (-400, 400)}))(_round))

_QBIN = dict(lhs_scale=F(0.05), lhs_zero_point=I(10), rhs_scale=F(0.08), rhs_zero_point=I(-5), output_scale=F(0.1),
             output_zero_point=I(2))
for _name in ("add", "subtract", "mul"):
    add_case("qnn." + _name, "basic", (lambda n: lambda: Spec(getattr(relay.qnn.op, n)(
        v("a", X234, "int8"), v("b", X234, "int8"), **_QBIN), ranges={"a": (-100, 100), "b": (-100, 100)}))(_name))
    add_case("qnn." + _name, "uint8_broadcast", (lambda n: lambda: Spec(getattr(relay.qnn.op, n)(
        v("a", (2, 3, 4), "uint8"), v("b", (4,), "uint8"), F(0.03), I(128), F(0.05), I(100), F(0.07), I(120)),
        ranges={"a": (0, 256), "b": (0, 256)}))(_name))


@case("qnn.concatenate")
def _qconcat():
    return Spec(relay.qnn.op.concatenate([v("a", (2, 3), "int8"), v("b", (2, 2), "int8")],
                                         [F(0.05), F(0.1)], [I(1), I(-4)], F(0.08), I(0), axis=1),
                ranges={"a": (-100, 100), "b": (-100, 100)})


@case("qnn.conv2d")
def _qconv():
    x, w = v("x", (1, 2, 4, 4), "int8"), v("w", (2, 2, 3, 3), "int8")
    return Spec(relay.qnn.op.conv2d(x, w, I(3), I(0), F(0.05), F(0.02), kernel_size=(3, 3), channels=2,
                                    padding=(1, 1)), params={"w": rnd((2, 2, 3, 3), "int8", -60, 60, seed=91)},
                args=[x, w], ranges={"x": (-100, 100)})


@case("qnn.conv2d", "uint8_per_channel_NHWC")
def _qconv2():
    x, w = v("x", (1, 4, 4, 2), "uint8"), v("w", (3, 3, 2, 3), "uint8")
    return Spec(relay.qnn.op.conv2d(x, w, I(120), I(128), F(0.05), c(np.array([0.01, 0.02, 0.03], "float32")),
                                    kernel_size=(3, 3), channels=3, strides=(1, 1), data_layout="NHWC",
                                    kernel_layout="HWIO"),
                params={"w": rnd((3, 3, 2, 3), "uint8", 100, 156, seed=92)}, args=[x, w], ranges={"x": (0, 256)})


@case("qnn.conv2d_transpose")
def _qconvt():
    x, w = v("x", (1, 2, 3, 3), "int8"), v("w", (2, 2, 3, 3), "int8")
    return Spec(relay.qnn.op.conv2d_transpose(x, w, I(1), I(0), F(0.05), F(0.02), kernel_size=(3, 3), channels=2,
                                              strides=(2, 2), padding=(1, 1), output_padding=(1, 1),
                                              out_dtype="int32"),
                params={"w": rnd((2, 2, 3, 3), "int8", -60, 60, seed=93)}, args=[x, w], ranges={"x": (-100, 100)})


@case("qnn.dense")
def _qdense():
    x, w = v("x", (2, 6), "int8"), v("w", (3, 6), "int8")
    return Spec(relay.qnn.op.dense(x, w, I(2), I(0), F(0.05), F(0.03), units=3),
                params={"w": rnd((3, 6), "int8", -60, 60, seed=94)}, args=[x, w], ranges={"x": (-100, 100)})


@case("qnn.dense", "uint8_per_channel")
def _qdense2():
    x, w = v("x", (2, 6), "uint8"), v("w", (3, 6), "uint8")
    return Spec(relay.qnn.op.dense(x, w, I(128), I(120), F(0.05), c(np.array([0.01, 0.02, 0.03], "float32")),
                                   units=3), ranges={"x": (0, 256), "w": (90, 150)})


@case("qnn.contrib_dense_pack")
def _qdense_pack():
    x, w = v("x", (2, 8), "int8"), v("w", (1, 2, 4, 4), "int8")
    return Spec(relay.qnn.op.contrib_dense_pack(x, w, I(2), I(0), F(0.05), F(0.03), kernel_layout="NC4n4c",
                                                units=4), ranges={"x": (-100, 100), "w": (-60, 60)})


@case("qnn.batch_matmul")
def _qbmm():
    return Spec(relay.qnn.op.batch_matmul(v("a", (2, 3, 4), "int8"), v("b", (2, 5, 4), "int8"), I(1), I(-2),
                                          F(0.05), F(0.04)), ranges={"a": (-100, 100), "b": (-100, 100)})


@case("qnn.batch_matmul", "uint8")
def _qbmm2():
    return Spec(relay.qnn.op.batch_matmul(v("a", (1, 3, 4), "uint8"), v("b", (1, 2, 4), "uint8"), I(128), I(120),
                                          F(0.05), F(0.04)), ranges={"a": (0, 256), "b": (0, 256)})


_QUNARY = {"abs": (-100, 100), "erf": (-100, 100), "exp": (-100, 60), "hardswish": (-100, 100), "log": (-60, 120),
           "rsqrt": (-60, 120), "sigmoid": (-100, 100), "sqrt": (-64, 120), "tanh": (-100, 100)}
for _name, _rng in _QUNARY.items():
    add_case("qnn." + _name, "basic", (lambda n, r: lambda: Spec(getattr(relay.qnn.op, n)(
        v("x", X234, "int8"), F(0.03), I(-64), F(0.02), I(-10)), ranges={"x": r}))(_name, _rng))


@case("qnn.leaky_relu")
def _qleaky():
    return Spec(call("qnn.leaky_relu", [v("x", X234, "int8"), F(0.05), I(3), F(0.04), I(-2)],
                     "relay.attrs.LeakyReluAttrs", alpha=0.1), ranges={"x": (-100, 100)},
                note="built with relay.Call: the fork's python wrapper has a stale 4-argument signature")


@case("qnn.softmax")
def _qsoftmax():
    return Spec(call("qnn.softmax", [v("x", X234, "int8"), F(0.05), I(0), F(1.0 / 256), I(-128)],
                     "relay.attrs.SoftmaxAttrs", axis=-1), ranges={"x": (-100, 100)})


@case("qnn.avg_pool2d")
def _qavgpool():
    return Spec(call("qnn.avg_pool2d", [v("x", (1, 2, 4, 4), "uint8"), F(0.05), I(100), F(0.06), I(110)],
                     "relay.attrs.AvgPool2DAttrs", pool_size=[2, 2], strides=[2, 2], dilation=[1, 1],
                     padding=[0, 0, 0, 0], layout="NCHW", out_layout="", ceil_mode=False, count_include_pad=False),
                ranges={"x": (0, 256)})


@case("qnn.simulated_quantize")
def _sq():
    return Spec(relay.qnn.op.simulated_quantize(v("x", X234), F(0.02), I(3), axis=-1, out_dtype="int8"),
                ranges={"x": (-3, 3)})


@case("qnn.simulated_quantize", "per_axis_uint8")
def _sq2():
    return Spec(relay.qnn.op.simulated_quantize(v("x", X234), c(np.array([0.01, 0.02, 0.05], "float32")),
                                                c(np.array([120, 128, 130], "int32")), axis=1, out_dtype="uint8"))


@case("qnn.simulated_dequantize")
def _sdq():
    return Spec(relay.qnn.op.simulated_dequantize(v("x", X234), F(0.05), I(-2), in_dtype="int8"),
                inputs={"x": np.round(rnd(X234, low=-120, high=120, seed=95)).astype("float32")})


@case("relay.op.annotation.simulated_quantize")
def _annot_sq():
    from tvm.relay.quantize import _quantize

    x = v("x", X234)
    return Spec(_quantize.simulated_quantize(x, F(0.05), F(-127.0), F(127.0), 1, True, "round"), args=[x],
                ranges={"x": (-8, 8)}, note="relay.quantize's simulated_quantize (kind=1 QInput, sign, round)")


# ---------------------------------------------------------------------------------------------
# random (threefry)
# ---------------------------------------------------------------------------------------------


def _key():
    return relay.random.threefry_key(0)


@case("random.threefry_generate")
def _tf_gen():
    return Spec(relay.random.threefry_generate(_key(), (2, 4)), args=[])


@case("random.threefry_generate", "key_input")
def _tf_gen2():
    return Spec(relay.random.threefry_generate(v("key", (10,), "uint64"), (3,)),
                inputs={"key": np.array([0, 0, 0, 0, 0, 0, 0, 0, 1 << 63, 0], "uint64")})


@case("random.threefry_split")
def _tf_split():
    return Spec(relay.random.threefry_split(_key()), args=[])


@case("random.uniform")
def _uniform():
    return Spec(relay.random.uniform(_key(), (2, 3), low=-1.0, high=2.0), args=[])


@case("random.normal")
def _normal():
    return Spec(relay.random.normal(_key(), (2, 3), mean=1.0, scale=0.5), args=[])


@case("random.multinomial")
def _multinomial():
    return Spec(relay.random.multinomial(_key(), v("probs", (2, 4)), 5), ranges={"probs": (0.1, 1.0)})


# ---------------------------------------------------------------------------------------------
# dynamic-shape ops (relay.dyn.*, made by passing a tensor where a shape/attr is expected)
# ---------------------------------------------------------------------------------------------


def _dyn(op, spec):
    spec.target_op = op
    if spec.executor == "auto":
        spec.executor = "vm"
    return spec


@case("dyn.reshape")
def _dyn_reshape():
    return _dyn("dyn.reshape", Spec(relay.reshape(v("x", X234), v("newshape", (2,), "int64")),
                                    inputs={"newshape": np.array([4, 6], "int64")}))


@case("dyn.reshape", "minus1")
def _dyn_reshape2():
    return _dyn("dyn.reshape", Spec(relay.reshape(v("x", X234), v("newshape", (3,), "int64")),
                                    inputs={"newshape": np.array([3, -1, 2], "int64")}))


@case("dyn.broadcast_to")
def _dyn_bt():
    return _dyn("dyn.broadcast_to", Spec(relay.broadcast_to(v("x", (3, 1)), v("shape", (3,), "int64")),
                                         inputs={"shape": np.array([2, 3, 4], "int64")}))


@case("dyn.expand_dims")
def _dyn_ed():
    return _dyn("dyn.expand_dims", Spec(relay.expand_dims(v("x", (2, 3)), v("axis", (), "int64")),
                                        inputs={"axis": np.array(1, "int64")}))


@case("dyn.squeeze")
def _dyn_sq():
    return _dyn("dyn.squeeze", Spec(relay.squeeze(v("x", (1, 3, 1, 4)), v("axis", (1,), "int64")),
                                    inputs={"axis": np.array([2], "int64")}))


@case("dyn.full")
def _dyn_full():
    return _dyn("dyn.full", Spec(relay.full(v("fill", ()), v("shape", (2,), "int64"), "float32"),
                                 inputs={"fill": np.array(1.5, "float32"), "shape": np.array([2, 3], "int64")}))


@case("dyn.ones")
def _dyn_ones():
    return _dyn("dyn.ones", Spec(relay.ones(v("shape", (2,), "int64"), "float32"),
                                 inputs={"shape": np.array([3, 2], "int64")}))


@case("dyn.zeros")
def _dyn_zeros():
    return _dyn("dyn.zeros", Spec(relay.zeros(v("shape", (3,), "int64"), "int32"),
                                  inputs={"shape": np.array([1, 2, 3], "int64")}))


@case("dyn.one_hot")
def _dyn_one_hot():
    return _dyn("dyn.one_hot", Spec(relay.one_hot(v("idx", (3,), "int32"), c(1.0), c(0.0), v("depth", (), "int32"),
                                                  -1, "float32"),
                                    inputs={"idx": np.array([0, 2, 5], "int32"), "depth": np.array(4, "int32")}))


@case("dyn.strided_slice")
def _dyn_ss():
    return _dyn("dyn.strided_slice", Spec(relay.strided_slice(
        v("x", X234), v("begin", (3,), "int64"), v("end", (3,), "int64"), v("strides", (3,), "int64")),
        inputs={"begin": np.array([0, 1, 0], "int64"), "end": np.array([2, 3, 4], "int64"),
                "strides": np.array([1, 1, 2], "int64")}))


@case("dyn.tile")
def _dyn_tile():
    return _dyn("dyn.tile", Spec(relay.tile(v("x", (2, 3)), v("reps", (2,), "int64")),
                                 inputs={"reps": np.array([2, 2], "int64")}))


@case("dyn.topk")
def _dyn_topk():
    return _dyn("dyn.topk", Spec(relay.topk(v("x", (2, 5)), v("k", (), "int32")).astuple(),
                                 inputs={"k": np.array(2, "int32")}))


@case("dyn.sparse_to_dense")
def _dyn_s2d():
    return _dyn("dyn.sparse_to_dense", Spec(relay.sparse_to_dense(
        v("idx", (3, 2), "int32"), v("shape", (2,), "int32"), v("vals", (3,)), c(0.0)),
        inputs={"idx": np.array([[0, 1], [1, 3], [2, 0]], "int32"), "shape": np.array([3, 4], "int32")}))


@case("dyn.image.resize2d")
def _dyn_resize():
    return _dyn("dyn.image.resize2d", Spec(relay.image.resize2d(v("x", (1, 2, 3, 4)), v("size", (2,), "int64"),
                                                                method="linear"),
                                           inputs={"size": np.array([5, 6], "int64")}))


@case("dyn.nn.pad")
def _dyn_pad():
    return _dyn("dyn.nn.pad", Spec(relay.nn.pad(v("x", (2, 3)), v("pad_width", (2, 2), "int64"), v("pad_value", ())),
                                   inputs={"pad_width": np.array([[1, 0], [0, 2]], "int64"),
                                           "pad_value": np.array(0.5, "float32")}))


@case("dyn.nn.upsampling")
def _dyn_ups():
    return _dyn("dyn.nn.upsampling", Spec(relay.nn.upsampling(v("x", (1, 2, 2, 3)), scale_h=v("sh", (), "float64"),
                                                              scale_w=v("sw", (), "float64")),
                                          inputs={"sh": np.array(2.0), "sw": np.array(1.5)}))


@case("dyn.nn.upsampling3d")
def _dyn_ups3d():
    return _dyn("dyn.nn.upsampling3d", Spec(relay.nn.upsampling3d(
        v("x", (1, 1, 2, 2, 2)), scale_d=v("sd", (), "float64"), scale_h=v("sh", (), "float64"),
        scale_w=v("sw", (), "float64")), inputs={"sd": np.array(2.0), "sh": np.array(1.0), "sw": np.array(2.0)}))


# dyn.* calls whose dynamic argument is a constant (what binding params into a dyn program without
# DynamicToStatic leaves): made with the dyn _make functions, since relay.topk & co. fold constants.
def _dyn_make():
    from tvm.relay.op.dyn import _make as dyn_make  # noqa: PLC0415

    return dyn_make


def _dyn_nn_make():
    from tvm.relay.op.dyn.nn import _make as dyn_nn_make  # noqa: PLC0415

    return dyn_nn_make


@case("dyn.topk", "const_k")
def _dyn_topk_const():
    return _dyn("dyn.topk", Spec(_dyn_make().topk(v("x", (2, 5)), c(2, "int32"), -1, "both", False, "int32")))


@case("dyn.one_hot", "const_depth")
def _dyn_one_hot_const():
    return _dyn("dyn.one_hot", Spec(_dyn_make().one_hot(v("idx", (3,), "int32"), c(1.0), c(0.0), c(4, "int32"), -1,
                                                        "float32"),
                                    inputs={"idx": np.array([0, 2, 5], "int32")}))


@case("dyn.tile", "const_reps")
def _dyn_tile_const():
    return _dyn("dyn.tile", Spec(_dyn_make().tile(v("x", (2, 3)), c(np.array([2, 2], "int64")))))


@case("dyn.squeeze", "const_axis")
def _dyn_squeeze_const():
    return _dyn("dyn.squeeze", Spec(_dyn_make().squeeze(v("x", (1, 3, 1, 4)), c(np.array([2], "int64")))))


@case("dyn.expand_dims", "const_axis")
def _dyn_expand_dims_const():
    return _dyn("dyn.expand_dims", Spec(_dyn_make().expand_dims(v("x", (2, 3)), c(1, "int64"), 1)))


@case("dyn.strided_slice", "const_bounds")
def _dyn_ss_const():
    return _dyn("dyn.strided_slice", Spec(_dyn_make().strided_slice(
        v("x", X234), c(np.array([0, 1, 0], "int64")), c(np.array([2, 3, 4], "int64")),
        c(np.array([1, 1, 2], "int64")), "end")))


@case("dyn.strided_slice", "leading_axes")
def _dyn_ss_leading():
    # run-time begin/end/strides for the first axis only (what NMS post-processing makes): the rest are whole
    return _dyn("dyn.strided_slice", Spec(_dyn_make().strided_slice(
        v("x", (5, 3), "int64"), v("begin", (1,), "int32"), v("end", (1,), "int64"), v("strides", (1,), "int32"),
        "end"), inputs={"x": np.arange(15, dtype="int64").reshape(5, 3), "begin": np.array([1], "int32"),
                        "end": np.array([4], "int64"), "strides": np.array([2], "int32")}))


@case("dyn.nn.pad", "const_pad_width")
def _dyn_pad_const():
    return _dyn("dyn.nn.pad", Spec(_dyn_nn_make().pad(v("x", (2, 3)), c(np.array([[1, 0], [0, 2]], "int64")),
                                                      v("pad_value", ()), "constant"),
                                   inputs={"pad_value": np.array(0.5, "float32")}))


@case("dyn.nn.upsampling", "const_scales")
def _dyn_ups_const():
    return _dyn("dyn.nn.upsampling", Spec(_dyn_nn_make().upsampling(v("x", (1, 2, 2, 3)), c(2.0, "float64"),
                                                                    c(1.5, "float64"), "NCHW", "nearest_neighbor",
                                                                    False)))


@case("dyn.nn.upsampling3d", "const_scales")
def _dyn_ups3d_const():
    return _dyn("dyn.nn.upsampling3d", Spec(_dyn_nn_make().upsampling3d(
        v("x", (1, 1, 2, 2, 2)), c(2.0, "float64"), c(1.0, "float64"), c(2.0, "float64"), "NCDHW",
        "nearest_neighbor", "half_pixel")))


# ---------------------------------------------------------------------------------------------
# annotations, devices, debug
# ---------------------------------------------------------------------------------------------


@case("annotation.stop_fusion")
def _stop_fusion():
    x = v("x", X234)
    return Spec(relay.exp(relay.annotation.stop_fusion(relay.add(x, c(1.0)))), args=[x])


@case("annotation.checkpoint")
def _checkpoint():
    x = v("x", X234)
    return Spec(relay.exp(relay.annotation.checkpoint(relay.add(x, c(1.0)))), args=[x])


@case("annotation.compiler_begin")
def _compiler_begin():
    x = v("x", X234)
    inner = relay.annotation.compiler_end(relay.abs(relay.annotation.compiler_begin(x, "default")), "default")
    return Spec(inner, args=[x], note="compiler_begin/compiler_end pair around abs, compiler='default'")


@case("annotation.compiler_end")
def _compiler_end():
    return _compiler_begin()


@case("annotation.cast_hint")
def _cast_hint():
    x = v("x", X234)
    return Spec(relay.cast(call("annotation.cast_hint", [x], "relay.attrs.CastHintAttrs", dtype="float16"),
                           "float16"), args=[x])


@case("annotation.bitpack_start")
def _bitpack_start():
    x = v("x", X234)
    return Spec(call("annotation.bitpack_end", [relay.abs(call("annotation.bitpack_start", [x]))]), args=[x])


@case("annotation.bitpack_end")
def _bitpack_end():
    return _bitpack_start()


@case("annotation.with_funcid")
def _with_funcid():
    x = v("x", X234)
    return Spec(relay.abs(call("annotation.with_funcid", [x], "relay.attrs.WithFuncIdAttrs", fid=1)), args=[x])


@case("on_device")
def _on_device():
    x = v("x", X234)
    return Spec(relay.exp(relay.annotation.on_device(relay.add(x, c(1.0)), tvm.cpu(0))), args=[x])


@case("device_copy")
def _device_copy():
    x = v("x", X234)
    return Spec(relay.exp(relay.device_copy(x, tvm.cpu(0), tvm.cpu(0))), args=[x])


@case("debug")
def _debug():
    x = v("x", X234)
    return Spec(relay.add(relay.op.debug(x), c(1.0)), args=[x])


# ---------------------------------------------------------------------------------------------
# Arm Ethos-U (needs its NPU codegen; attempted so the manifest records the exact failure)
# ---------------------------------------------------------------------------------------------


def _ethosu(op_name):
    def build():
        from tvm.relay.backend.contrib.ethosu import op as ethosu_op  # noqa: F401

        fn = getattr(ethosu_op, "ethosu_" + op_name.split(".")[-1])
        x = v("ifm", (1, 4, 4, 8), "int8")
        lut = c(np.zeros((0,), "int8"))
        if op_name.endswith("identity"):
            return Spec(fn(x, lut), args=[x])
        if op_name.endswith("unary_elementwise"):
            return Spec(fn(x, lut, "ABS", 1.0, 0, 1.0, 0, 8), args=[x])
        if op_name.endswith("binary_elementwise"):
            y = v("ifm2", (1, 4, 4, 8), "int8")
            return Spec(fn(x, y, lut, "ADD", 1.0, 0, 1.0, 0, 1.0, 0, 8, 8, "int8"), args=[x, y])
        if op_name.endswith("pooling"):
            return Spec(fn(x, lut, "MAX", 1.0, 0, 1.0, 0, (2, 2), 8), args=[x])
        w = c(rnd((8, 3, 3, 8 if op_name.endswith(".conv2d") else 1), "int8", -10, 10, seed=99))
        sb = c(np.zeros((8, 10), "uint8"))
        return Spec(fn(x, w, sb, lut, 1.0, 0, 0, 1.0, 0, (3, 3), 8 if op_name.endswith(".conv2d") else (1,)),
                    args=[x])

    return build


for _name in ("contrib.ethosu.binary_elementwise", "contrib.ethosu.conv2d", "contrib.ethosu.depthwise_conv2d",
              "contrib.ethosu.identity", "contrib.ethosu.pooling", "contrib.ethosu.unary_elementwise"):
    add_case(_name, "basic", _ethosu(_name))
