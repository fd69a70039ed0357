"""Relay's ``dyn.*`` ops: the static op's arguments given as tensors computed (or fed) at run time.

Relay made them when a shape, a ``k``, a depth, pad widths... came from a tensor instead of an
attribute; ``relay.transform.DynamicToStatic`` turned them back into static ops when the tensor was
a constant. The translation does the same first: an argument that is a constant (a Relay constant, a
parameter bound with ``params=``) or computed only from constants and static shapes (``shape_of``
arithmetic; evaluated once at translation time, see `fold_constant`) is folded, and the call is
translated as its static op, with every attribute honoured by that op's translator.

When the argument is only known at run time:

- where Relax takes a shape (reshape, broadcast_to, full/zeros/ones, sparse_to_dense, resize2d's size,
  upsampling's size computed from its scales), the shape tensor becomes a symbolic shape:
  ``R.tensor_to_shape`` + ``R.match_cast`` to fresh shape variables;
- ``dyn.strided_slice`` becomes ``R.dynamic_strided_slice``;
- one_hot with a run-time depth is the comparison it computes (indices == arange(depth)); tile with
  run-time repeats is a broadcast over interleaved unit axes and a reshape;
- where Relax needs a value at compile time (topk ``k``, pad widths, squeeze/expand_dims axes,
  resize2d's roi), the translation fails and says which argument must be a constant and how to get there.
"""

from __future__ import annotations

import numpy as np
import tvm
from tvm import relax, tirx
from tvm.relax import op as R

from migrate import relay_ir as ir
from migrate.translate_context import TranslationContext, static_int

from ._common import constant_array
from .image import _resize_kwargs, rounding
from .registry import get_mapping, translator

_HOW_TO_FOLD = ("bind it with from_relay(..., params={...}) (keep_params_in_input=False), or run "
                "relay.transform.DynamicToStatic on the Relay module before saving it")


def _must_fold(ctx, what: str):
    ctx.fail(f"{what} is computed at run time, but Relax needs it as a constant: {_HOW_TO_FOLD}")


def as_static(ctx, static_op: str, args: list, **fields):
    """Translate the call as `static_op` with `args` and the dyn call's attrs updated by `fields`."""
    call = ctx.call
    attrs = dict(call.attrs.fields) if call.attrs is not None else {}
    attrs.update(fields)
    type_key = call.attrs.type_key if call.attrs is not None and call.attrs.type_key else None
    static_call = ir.Call(ir.Op(static_op), list(call.args), ir.Attrs(type_key, attrs), span=call.span)
    row = get_mapping(static_op)
    if row is None or row.translator is None:
        ctx.fail(f"folds to {static_op}, which has no translator ({row.status if row else 'no row'})")
    return row.translator(TranslationContext(ctx.bb, static_call, lambda: ctx.where), static_call, args)


_FOLD_LIMIT = 64  # bindings; a longer computation is treated as run-time


def fold_constant(ctx, expr):
    """The numpy value of `expr` when it is a constant or computed only from constants and static shapes
    (what relay.transform.DynamicToStatic folds, e.g. ``shape_of`` arithmetic); None when it depends on an
    input. The few bindings it depends on are compiled and run once, at translation time."""
    value = constant_array(expr)
    if value is not None or not isinstance(expr, relax.Var):
        return value
    values, stack = {}, [expr]
    while stack:
        var = stack.pop()
        if var in values:
            continue
        ty = var.ty
        if isinstance(ty, relax.ShapeType) and ty.values is not None and all(
                static_int(d) is not None for d in ty.values):
            values[var] = relax.ShapeExpr([static_int(d) for d in ty.values])
            continue
        bound = ctx.bb.lookup_binding(var)
        if bound is None or len(values) >= _FOLD_LIMIT:
            return None  # an input (or too long a computation): known at run time only
        values[var] = bound
        stack.extend(relax.analysis.free_vars(bound))
    order, done, stack = [], set(), [(expr, False)]
    while stack:  # dependencies first
        var, expanded = stack.pop()
        if var in done:
            continue
        if expanded:
            done.add(var)
            order.append(var)
            continue
        stack.append((var, True))
        if not isinstance(values[var], relax.ShapeExpr):
            stack.extend((v, False) for v in relax.analysis.free_vars(values[var]) if v not in done)
    bindings = [relax.VarBinding(v, values[v]) for v in order]
    if any(isinstance(v, relax.DataflowVar) for v in order):  # read from a dataflow block being built
        out = relax.Var("folded", expr.ty)
        body = relax.SeqExpr([relax.DataflowBlock(bindings + [relax.VarBinding(out, expr)])], out)
    else:
        body = relax.SeqExpr([relax.BindingBlock(bindings)], expr)
    func = relax.Function([], body, expr.ty).with_attr("global_symbol", "fold")
    try:
        executable = tvm.compile(tvm.IRModule({"fold": func}), target="llvm")
        out = relax.VirtualMachine(executable, tvm.cpu())["fold"]()
    except Exception:  # noqa: BLE001 - e.g. a TOPI call whose PrimFunc lives in the module being built
        return None
    return out.numpy() if isinstance(out, tvm.runtime.Tensor) else None


def _int_list(value: np.ndarray) -> list:
    return [int(v) for v in np.asarray(value).reshape(-1)]


def symbolic_shape(ctx, shape_tensor, hint: str) -> list:
    """Fresh shape variables bound (match_cast) to the values of a 1-d integer tensor at run time."""
    length = ctx.shape(shape_tensor)
    if len(length) != 1 or not isinstance(length[0], int):
        ctx.fail(f"the shape argument must be a 1-d tensor of known length, got shape {list(length)}")
    if ctx.dtype(shape_tensor) != "int64":
        shape_tensor = ctx.emit(R.astype(shape_tensor, "int64"))
    dims = [tirx.Var(f"{hint}_dim{i}", "int64") for i in range(length[0])]
    shape = ctx.emit(R.tensor_to_shape(shape_tensor))
    ctx.bb.match_cast(shape, relax.ShapeType(dims))
    return dims


# ----------------------------------------------------------------------------- shapes: symbolic when not constant


@translator("dyn.reshape", relax="R.reshape (constant newshape) or R.reshape(x, R.tensor_to_shape(resolved))",
            status="composite",
            attrs="newshape (argument): folded when constant; else 0 and -1 resolved with tensor ops; allowzero",
            differs="a run-time newshape may use 0 and -1. Relay's shape function rejects -2 and -4, and its -3 "
                    "merges two dims into an output of rank len(newshape) with the trailing dims unset "
                    "(undefined); here any negative code other than -1 fails when the output is allocated")
def translate_dyn_reshape(ctx, call, args):
    """Relay's reshape codes need the newshape values; at run time only 0 and -1 are resolved here.

    v0.19's dyn.reshape shape function (python/tvm/relay/op/dyn/_transform.py) gives the output rank
    len(newshape); a -3 fills one slot from two input dims and leaves the last slot unset, so no Relay
    program gets a defined result from a run-time -3.
    """
    x, newshape = args
    value = fold_constant(ctx, newshape)
    if value is not None:
        return as_static(ctx, "reshape", [x], newshape=tuple(_int_list(value)))
    dims = ctx.shape(x)
    length = ctx.shape(newshape)
    if len(length) != 1 or not isinstance(length[0], int):
        ctx.fail("newshape must be a 1-d tensor of known length")
    n = length[0]
    int64 = "int64"
    if ctx.dtype(newshape) != int64:
        newshape = ctx.emit(R.astype(newshape, int64))
    resolved = newshape
    if not call.attrs["allowzero"]:  # 0 copies the input dim at the same position
        aligned = [dims[i] if i < len(dims) else 0 for i in range(n)]
        copied = ctx.emit(R.shape_to_tensor(relax.ShapeExpr(aligned)))
        resolved = ctx.emit(R.where(ctx.emit(R.equal(resolved, ctx.const(0, int64))), copied, resolved))
    infer = ctx.emit(R.equal(resolved, ctx.const(-1, int64)))
    known = ctx.emit(R.prod(ctx.emit(R.where(infer, ctx.const(1, int64), resolved))))
    known = ctx.emit(R.maximum(known, ctx.const(1, int64)))
    total = 1
    for d in dims:
        total = total * d
    total_expr = ctx.const(total, int64) if isinstance(total, int) else ctx.emit(
        R.prod(R.shape_to_tensor(relax.ShapeExpr(list(dims)))))
    inferred = ctx.emit(R.floor_divide(total_expr, known))
    resolved = ctx.emit(R.where(infer, inferred, resolved))
    return R.reshape(x, relax.ShapeExpr(symbolic_shape(ctx, resolved, "reshape")))


@translator("dyn.broadcast_to", relax="R.broadcast_to (shape folded, or R.tensor_to_shape)",
            attrs="shape (argument): folded when constant, else a symbolic shape")
def translate_dyn_broadcast_to(ctx, call, args):
    """broadcast_to a shape given as a tensor."""
    x, shape = args
    value = fold_constant(ctx, shape)
    if value is not None:
        return R.broadcast_to(x, _int_list(value))
    return R.broadcast_to(x, relax.ShapeExpr(symbolic_shape(ctx, shape, "broadcast_to")))


def _creation(name: str, relax_fn):
    def translate_dyn_creation(ctx, call, args):
        shape = args[-1]
        value = fold_constant(ctx, shape)
        dims = _int_list(value) if value is not None else symbolic_shape(ctx, shape, name)
        dtype = call.attrs["dtype"] or "float32"
        if name == "full":
            return R.full(relax.ShapeExpr(dims), args[0], call.attrs["dtype"] or ctx.dtype(args[0]))
        return relax_fn(relax.ShapeExpr(dims), dtype)

    translate_dyn_creation.__doc__ = f"dyn.{name}: R.{name} over the folded or symbolic shape."
    return translate_dyn_creation


for _name, _fn in (("zeros", R.zeros), ("ones", R.ones), ("full", R.full)):
    translator(f"dyn.{_name}", relax=f"R.{_name} (shape folded, or R.tensor_to_shape)",
               attrs="shape (argument): folded when constant, else a symbolic shape; dtype: the same")(
        _creation(_name, _fn))


@translator("dyn.strided_slice", relax="R.strided_slice (folded) or R.dynamic_strided_slice", status="composite",
            attrs="begin/end/strides (arguments): folded when all constant (then every attr as strided_slice); "
                  "else one value per axis; slice_mode='size' at run time: end = begin + size",
            differs="R.dynamic_strided_slice needs begin/end/strides of the input's rank: shorter ones are "
                    "padded (the trailing axes taken whole, as Relay does)")
def translate_dyn_strided_slice(ctx, call, args):
    """strided_slice with begin/end/strides given as tensors (Relay's dyn shape function clamps as Relax's)."""
    x, begin, end, strides = args
    values = [fold_constant(ctx, a) for a in (begin, end, strides)]
    if all(v is not None for v in values):
        b, e, s = (tuple(_int_list(v)) for v in values)
        return as_static(ctx, "strided_slice", [x], begin=b, end=e, strides=s)
    ndim = ctx.ndim(x)
    if call.attrs["axes"] is not None:
        ctx.fail(f"axes with run-time begin/end/strides is not supported: {_HOW_TO_FOLD}")
    lengths = {ctx.shape(a)[0] if ctx.ndim(a) == 1 else None for a in (begin, end, strides)}
    count = lengths.pop() if len(lengths) == 1 else None
    if not isinstance(count, int) or count > ndim:
        shapes = ", ".join(f"{n} {list(ctx.shape(a))}" for n, a in (("begin", begin), ("end", end), ("strides", strides)))
        ctx.fail(f"begin, end and strides must be 1-d with one length of at most the input's rank {ndim}; got {shapes}")
    begin, end, strides = (a if ctx.dtype(a) == "int64" else ctx.emit(R.astype(a, "int64"))
                           for a in (begin, end, strides))
    if count < ndim:  # Relay slices the leading axes only: the others are taken whole
        rest = list(ctx.shape(x))[count:]
        begin = ctx.emit(R.concat([begin, ctx.const([0] * len(rest), "int64")]))
        whole = (ctx.const(rest, "int64") if all(isinstance(d, int) for d in rest)
                 else ctx.emit(R.shape_to_tensor(relax.ShapeExpr(rest))))
        end = ctx.emit(R.concat([end, whole]))
        strides = ctx.emit(R.concat([strides, ctx.const([1] * len(rest), "int64")]))
    if call.attrs["slice_mode"] == "size":  # end = begin + size; size < 0 means to the end; strides are 1
        to_end = ctx.emit(R.shape_to_tensor(relax.ShapeExpr(list(ctx.shape(x)))))
        end = ctx.emit(R.where(ctx.emit(R.less(end, ctx.const(0, "int64"))), to_end, ctx.emit(R.add(begin, end))))
        strides = ctx.emit(R.ones_like(strides))
    return R.dynamic_strided_slice(x, begin, end, strides)


@translator("dyn.sparse_to_dense",
            relax="R.scatter_nd(R.full(shape, default), indices, values) over the folded or symbolic shape",
            status="composite", attrs="output_shape (argument): folded when constant, else a symbolic shape",
            differs="Relax has no sparse_to_dense")
def translate_dyn_sparse_to_dense(ctx, call, args):
    """sparse_to_dense with the output shape given as a tensor."""
    indices, values, default, shape = args
    value = fold_constant(ctx, shape)
    if value is not None:
        return as_static(ctx, "sparse_to_dense", [indices, values, default], output_shape=tuple(_int_list(value)))
    dims = symbolic_shape(ctx, shape, "sparse_to_dense")
    base = ctx.emit(R.full(relax.ShapeExpr(dims), default, ctx.dtype(values)))
    ishape = ctx.shape(indices)
    if len(ishape) < 2:  # 0-d or 1-d indices address a 1-d output: one index per row
        indices = ctx.emit(R.reshape(indices, [-1, 1]))
    if ctx.ndim(values) == 0:
        values = ctx.emit(R.broadcast_to(values, [ctx.shape(indices)[0]]))
    return R.scatter_nd(base, indices, values, "update")


# ----------------------------------------------------------------------------- values Relax needs statically


def _folded(ctx, arg, what: str) -> np.ndarray:
    value = fold_constant(ctx, arg)
    if value is None:
        _must_fold(ctx, what)
    return value


@translator("dyn.topk", relax="R.topk (k folded)", attrs="k (argument): must be a constant; the rest as topk")
def translate_dyn_topk(ctx, call, args):
    """topk with k given as a tensor: Relax needs k statically (it fixes the output shape)."""
    k = _folded(ctx, args[1], "k (the 2nd argument)")
    return as_static(ctx, "topk", [args[0]], k=int(k.reshape(-1)[0]))


@translator("dyn.one_hot", relax="R.one_hot (depth folded), else R.where(indices == R.arange(depth), on, off)",
            status="composite",
            attrs="depth (argument): folded when constant, else a symbolic extent; axis, dtype as one_hot",
            differs="Relax's one_hot needs a constant depth: a run-time depth becomes the comparison it computes")
def translate_dyn_one_hot(ctx, call, args):
    """on where indices == position along `axis` (0 <= position < depth), else off."""
    indices, on, off, depth = args
    value = fold_constant(ctx, depth)
    if value is not None:
        return as_static(ctx, "one_hot", args[:3], depth=int(value.reshape(-1)[0]))
    ndim = ctx.ndim(indices)
    axis = int(call.attrs["axis"])
    axis = ndim if axis == -1 else axis
    if not 0 <= axis <= ndim:
        ctx.fail(f"axis {call.attrs['axis']} is out of range for a {ndim}-d input")
    (extent,) = symbolic_shape(ctx, ctx.emit(R.reshape(depth, [1])), "one_hot_depth")
    positions = ctx.emit(R.arange(0, extent, 1, ctx.dtype(indices)))
    if axis < ndim:  # the positions run along `axis` of the result
        positions = ctx.emit(R.reshape(positions, [-1] + [1] * (ndim - axis)))
    hit = ctx.emit(R.equal(ctx.emit(R.expand_dims(indices, [axis])), positions))
    dtype = call.attrs["dtype"] or ctx.dtype(on)
    on, off = (v if ctx.dtype(v) == dtype else ctx.emit(R.astype(v, dtype)) for v in (on, off))
    return R.where(hit, on, off)


@translator("dyn.tile", relax="R.tile (reps folded), else R.broadcast_to over interleaved unit axes, R.reshape",
            status="composite",
            attrs="reps (argument): folded when constant, else symbolic repeats (one per input axis)",
            differs="Relax's tile needs constant repeats: a run-time reps becomes broadcast + reshape")
def translate_dyn_tile(ctx, call, args):
    """tile(x, r)[..., k*d + j, ...] = x[..., j, ...]: x with a unit axis before each axis, broadcast to the
    repeats, and merged."""
    x, reps = args
    value = fold_constant(ctx, reps)
    if value is not None:
        return as_static(ctx, "tile", [x], reps=tuple(_int_list(value)))
    shape = list(ctx.shape(x))
    if list(ctx.shape(reps)) != [len(shape)]:
        ctx.fail(f"a run-time reps must have one value per input axis ({len(shape)}), got shape "
                 f"{list(ctx.shape(reps))}: {_HOW_TO_FOLD}")
    repeats = symbolic_shape(ctx, reps, "tile")
    spread = ctx.emit(R.reshape(x, [v for d in shape for v in (1, d)]))
    tiled = ctx.emit(R.broadcast_to(spread, relax.ShapeExpr([v for r, d in zip(repeats, shape) for v in (r, d)])))
    return R.reshape(tiled, relax.ShapeExpr([r * d for r, d in zip(repeats, shape)]))


@translator("dyn.squeeze", relax="R.squeeze (axis folded)", attrs="axis (argument): must be a constant")
def translate_dyn_squeeze(ctx, call, args):
    """squeeze with the axes given as a tensor: they fix the output rank, so they must be constants."""
    axis = _folded(ctx, args[1], "axis (the 2nd argument)")
    return as_static(ctx, "squeeze", [args[0]], axis=tuple(_int_list(axis)))


@translator("dyn.expand_dims", relax="R.expand_dims (axis folded)",
            attrs="axis (argument): must be a constant; num_newaxis: the same")
def translate_dyn_expand_dims(ctx, call, args):
    """expand_dims with the axis given as a tensor: it fixes where the new axes go, so it must be constant."""
    axis = _folded(ctx, args[1], "axis (the 2nd argument)")
    return as_static(ctx, "expand_dims", [args[0]], axis=int(axis.reshape(-1)[0]))


@translator("dyn.nn.pad", relax="R.nn.pad (pad widths folded)",
            attrs="pad_width (argument): must be a constant; pad_value and pad_mode as nn.pad")
def translate_dyn_pad(ctx, call, args):
    """nn.pad with the widths given as a tensor: Relax's nn.pad takes them as attributes."""
    widths = _folded(ctx, args[1], "pad_width (the 2nd argument)")
    pairs = tuple(tuple(int(w) for w in row) for row in np.asarray(widths).reshape(-1, 2))
    return as_static(ctx, "nn.pad", [args[0], args[2]], pad_width=pairs)


def _round_half_away(value: float) -> int:
    return int(np.floor(abs(value) + 0.5) * np.sign(value))


def _upsample(ctx, x, scales: list, relax_fn, method: str, mode: str):
    """Relay's dyn upsampling: size = round(dim * scale), half away from zero (its shape function), then the
    static op's resize. Constant scales give a static size; run-time ones a symbolic size computed from them."""
    layout = ctx.call.attrs["layout"]
    axes = [layout.index(c) for c in "DHW" if c in layout]
    shape = ctx.shape(x)
    if len(axes) != len(scales) or not all(isinstance(shape[a], int) for a in axes):
        ctx.fail(f"needs static spatial dims and a {len(scales) + 2}-d layout, got {layout!r}")
    values = [fold_constant(ctx, s) for s in scales]
    if all(v is not None for v in values):
        size = [_round_half_away(shape[a] * float(v.reshape(-1)[0])) for a, v in zip(axes, values)]
    else:
        parts = []
        for a, s in zip(axes, scales):
            scaled = ctx.emit(R.multiply(ctx.const(shape[a], ctx.dtype(s)), s))
            rounded = ctx.emit(R.floor(ctx.emit(R.add(scaled, ctx.const(0.5, ctx.dtype(s))))))
            parts.append(ctx.emit(R.reshape(ctx.emit(R.astype(rounded, "int64")), [1])))
        size = relax.ShapeExpr(symbolic_shape(ctx, ctx.emit(R.concat(parts, 0)), "upsampling"))
    return relax_fn(x, size, [0.0] * (2 * len(axes)), layout, method, mode,
                    rounding_method=rounding(method, mode, ""), cubic_alpha=-0.5, cubic_exclude=0,
                    extrapolation_value=0.0)


@translator("dyn.nn.upsampling", relax="R.image.resize2d (static size, or symbolic from run-time scales)",
            status="composite",
            attrs="scale_h/scale_w (arguments): size = round(dim * scale) half away from zero, folded when constant; "
                  "method, align_corners as nn.upsampling",
            differs="Relax has no upsampling op; Relay's dyn shape function rounds halves away from zero")
def translate_dyn_upsampling(ctx, call, args):
    """nn.upsampling with the scales given as tensors."""
    method = call.attrs["method"]
    method = method[2:] if method.startswith("bi") else method
    mode = "align_corners" if call.attrs["align_corners"] else "asymmetric"
    return _upsample(ctx, args[0], args[1:3], R.image.resize2d, method, mode)


@translator("dyn.nn.upsampling3d", relax="R.image.resize3d (static size, or symbolic from run-time scales)",
            status="composite",
            attrs="scale_d/scale_h/scale_w (arguments): size = round(dim * scale) half away from zero, folded when "
                  "constant; method, coordinate_transformation_mode as nn.upsampling3d",
            differs="Relax has no upsampling op; Relay's dyn shape function rounds halves away from zero")
def translate_dyn_upsampling3d(ctx, call, args):
    """nn.upsampling3d with the scales given as tensors."""
    method = call.attrs["method"]
    method = method[3:] if method.startswith("tri") else method
    return _upsample(ctx, args[0], args[1:4], R.image.resize3d, method, call.attrs["coordinate_transformation_mode"])


@translator("dyn.image.resize2d", relax="R.image.resize2d (size folded, or a symbolic size)",
            attrs="size (argument): folded when constant, else a symbolic shape; roi (argument): must be a constant; "
                  "the rest as image.resize2d")
def translate_dyn_resize2d(ctx, call, args):
    """Relax's resize2d takes its size as a shape, so a run-time size becomes symbolic dims."""
    roi = _folded(ctx, args[2], "roi (the 3rd argument)")
    roi = tuple(float(r) for r in np.asarray(roi).reshape(-1))
    size = fold_constant(ctx, args[1])
    if size is not None:
        return as_static(ctx, "image.resize2d", [args[0]], size=tuple(_int_list(size)), roi=roi)
    dims = symbolic_shape(ctx, args[1], "resize2d")
    a = call.attrs
    return R.image.resize2d(args[0], relax.ShapeExpr(dims), list(roi) or [0.0] * 4, a["layout"], **_resize_kwargs(a))


# ----------------------------------------------------------------------------- shape queries


@translator("shape_of", relax="R.astype(R.shape_to_tensor(R.shape_of(x)), dtype)", status="composite",
            attrs="dtype: an astype of the int64 shape tensor (none for int64)",
            differs="Relax's shape_of gives a shape value, shape_to_tensor an int64 tensor")
def translate_shape_of(ctx, call, args):
    """The input's shape as a 1-d tensor of `dtype` (symbolic dims are read at run time)."""
    shape = ctx.emit(R.shape_to_tensor(R.shape_of(args[0])))
    dtype = call.attrs["dtype"] or "int32"
    return shape if dtype == "int64" else R.astype(shape, dtype)


@translator("ndarray_size", relax="R.const(number of elements) (symbolic: R.prod of the shape tensor)",
            status="composite", attrs="dtype: the result's dtype")
def translate_ndarray_size(ctx, call, args):
    """The number of elements, a 0-d tensor of `dtype`: a constant when the shape is static."""
    dtype = call.attrs["dtype"] or "int32"
    total = 1
    for d in ctx.shape(args[0]):
        total = total * d
    if isinstance(total, int):
        return ctx.const(total, dtype)
    size = ctx.emit(R.prod(ctx.emit(R.shape_to_tensor(R.shape_of(args[0])))))
    return size if dtype == "int64" else R.astype(size, dtype)
