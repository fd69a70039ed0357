"""Shapes shared by many translators: unary and binary elementwise ops, axis handling."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

import tvm_ffi
from tvm import relax, tirx



def unary(relax_fn: Callable) -> Callable:
    """A translator for a one-input elementwise op with no attributes."""

    def translate_unary(ctx, call, args):
        return relax_fn(args[0])

    translate_unary.__doc__ = f"Relay elementwise op -> {relax_fn.__name__} (same TOPI compute)."
    return translate_unary


def binary(relax_fn: Callable) -> Callable:
    """A translator for a broadcasting two-input op with no attributes."""

    def translate_binary(ctx, call, args):
        return relax_fn(*same_runtime_dims(ctx, args))

    translate_binary.__doc__ = f"Relay broadcasting op -> {relax_fn.__name__} (same TOPI compute)."
    return translate_binary


def normalize_axis(ctx, axis: int, ndim: int, extra: int = 0) -> int:
    """`axis` in [0, ndim + extra); negative axes count from the end (Relay's convention)."""
    bound = ndim + extra
    if not -bound <= axis < bound:
        ctx.fail(f"axis {axis} is out of range for a {ndim}-d input")
    return axis + bound if axis < 0 else axis


def reduce_axes(ctx, ndim: int, axis: Optional[Sequence[int]], exclude: bool) -> list:
    """The axes a Relay reduction reduces (v0.19 GetReduceAxes): None or [] means all, even with exclude."""
    if not axis:
        return list(range(ndim))
    picked = sorted({normalize_axis(ctx, int(a), ndim) for a in axis})
    if not exclude:
        return picked
    return [i for i in range(ndim) if i not in picked]


def static_product(dims) -> Optional[int]:
    """The product of `dims` when every one is a known int, else None."""
    out = 1
    for d in dims:
        if not isinstance(d, int):
            return None
        out *= d
    return out


def constant_array(expr):
    """The numpy value of a Relax constant, or None when `expr` is computed at run time."""
    import tvm  # noqa: PLC0415

    if isinstance(expr, tvm.ir.expr.Constant):
        return expr.value.numpy()
    return None


def tuple_fields(ctx, tup) -> list:
    """The fields of a Relay tuple argument (einsum, meshgrid, adv_index): a Relax Tuple's fields, or
    TupleGetItems of a tuple-typed value."""
    from tvm import relax  # noqa: PLC0415

    if isinstance(tup, relax.Tuple):
        return list(tup.fields)
    ty = ctx.ty(tup)
    if not isinstance(ty, relax.TupleType):
        ctx.fail(f"expected a tuple argument, got {ty}")
    return [ctx.emit(relax.TupleGetItem(tup, i)) for i in range(len(ty.fields))]


def same_runtime_dims(ctx, args: Sequence) -> list:
    """Broadcast operands whose dims Relax cannot relate, made to share one shape where Relay assumed it.

    Where two different `?` dims (or a `?` and a static dim other than 1) meet in a broadcasting op,
    Relay's type is `?` (or the static dim) and its TOPI compute reads both operands at the same index:
    it is defined only when the dims are equal at run time. Relax infers no shape there, so the op
    cannot be legalized. The operands are brought to the common dim with `R.broadcast_to` (a static
    dim when there is one), which reads them at the same index: Relay's values wherever they are defined.
    (A `match_cast` would say the same, but relax.transform.CanonicalizeBindings folds such a cast
    between two parameters' dims away, and the shape is lost again.)
    """
    shapes = []
    for arg in args:
        ty = ctx.ty(arg)
        if not isinstance(ty, relax.TensorType) or not isinstance(ty.shape, relax.ShapeExpr):
            return list(args)
        shapes.append(list(ty.shape.values))
    if all(isinstance(d, tirx.IntImm) for shape in shapes for d in shape):
        return list(args)  # static shapes: Relax checks and broadcasts them itself
    rank = max(len(shape) for shape in shapes)
    targets = {}
    for pos in range(1, rank + 1):
        dims = [shape[-pos] for shape in shapes if len(shape) >= pos and not _is_one(shape[-pos])]
        if len(dims) < 2 or all(_same_dim(d, dims[0]) for d in dims[1:]):
            continue
        static = [d for d in dims if isinstance(d, tirx.IntImm)]
        targets[pos] = static[0] if static else dims[0]
    if not targets:
        return list(args)
    out = []
    for arg, shape in zip(args, shapes):
        new, changed = list(shape), False
        for pos, dim in targets.items():
            if len(shape) >= pos and not _is_one(shape[-pos]) and not _same_dim(shape[-pos], dim):
                new[-pos], changed = dim, True
        if not changed:
            out.append(arg)
        else:
            out.append(ctx.emit(relax.op.broadcast_to(arg, relax.ShapeExpr(new))))
    return out


def _is_one(dim) -> bool:
    return isinstance(dim, tirx.IntImm) and int(dim) == 1


def _same_dim(a, b) -> bool:
    return a.same_as(b) or tvm_ffi.structural_equal(a, b)
