"""Shapes shared by many translators: unary and binary elementwise ops, axis handling."""

from __future__ import annotations

from typing import Callable, Optional, Sequence



def unary(relax_fn: Callable) -> Callable:
    """A translator for a one-input elementwise op with no attributes."""

    def translate_unary(ctx, call, args):
        return relax_fn(args[0])

    translate_unary.__doc__ = f"Relay elementwise op -> {relax_fn.__name__} (same TOPI compute)."
    return translate_unary


def binary(relax_fn: Callable) -> Callable:
    """A translator for a broadcasting two-input op with no attributes."""

    def translate_binary(ctx, call, args):
        return relax_fn(args[0], args[1])

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
