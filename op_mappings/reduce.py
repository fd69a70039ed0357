"""Reductions: sum, mean, max, min, prod, all, any, argmax, argmin, variance.

Relay's reduce attrs are ``axis`` (None or [] = every axis), ``keepdims`` and ``exclude`` (reduce
every axis *not* listed); Relax takes the axes to reduce, so ``exclude`` is resolved statically from
the input rank (v0.19 ``GetReduceAxes``). When ``exclude`` leaves no axis, Relay returns the input
unchanged; so does the translation. argmax/argmin return int32 in Relay (the dtype of the shape),
int64 in Relax: an astype restores Relay's dtype.
"""

from __future__ import annotations

from tvm.relax import op as R

from ._common import reduce_axes, static_product
from .registry import translator

_REDUCE_ATTRS = "axis/exclude: resolved to the reduced axes; keepdims: keepdims"


def _axes(ctx, call, x):
    ndim = ctx.ndim(x)
    axes = reduce_axes(ctx, ndim, call.attrs["axis"], call.attrs["exclude"])
    return axes, ndim


def _relax_axis(axes: list, ndim: int):
    """What Relax's axis argument takes: None for every axis."""
    return None if len(axes) == ndim else axes


def _reduction(relax_fn):
    def translate_reduction(ctx, call, args):
        x = args[0]
        axes, ndim = _axes(ctx, call, x)
        if not axes:  # exclude=True listing every axis: Relay's compute is the identity
            return x
        return relax_fn(x, _relax_axis(axes, ndim), call.attrs["keepdims"])

    translate_reduction.__doc__ = f"Relay reduction -> {relax_fn.__name__} over the resolved axes."
    return translate_reduction


for _name, _fn in (("sum", R.sum), ("mean", R.mean), ("max", R.max), ("min", R.min), ("prod", R.prod)):
    translator(_name, relax=f"R.{_fn.__name__}", attrs=_REDUCE_ATTRS)(_reduction(_fn))


def _bool_reduction(relax_fn, name):
    def translate_bool_reduction(ctx, call, args):
        x = args[0]
        axes, ndim = _axes(ctx, call, x)
        if not axes:
            return x
        as_int = R.astype(x, "int8")
        return R.astype(relax_fn(as_int, _relax_axis(axes, ndim), call.attrs["keepdims"]), "bool")

    translate_bool_reduction.__doc__ = f"{name}: {relax_fn.__name__} of the input as int8, cast back to bool."
    return translate_bool_reduction


for _name, _fn in (("all", R.min), ("any", R.max)):
    translator(
        _name, relax=f"R.astype(R.{_fn.__name__}(R.astype(x, 'int8')), 'bool')", status="composite",
        attrs=_REDUCE_ATTRS, differs="Relax has no all/any and its min/max reject bool",
    )(_bool_reduction(_fn, _name))


def _arg_reduction(relax_fn, name):
    def translate_arg_reduction(ctx, call, args):
        x = args[0]
        ndim = ctx.ndim(x)
        if ndim == 0:
            return x
        axes = reduce_axes(ctx, ndim, call.attrs["axis"], call.attrs["exclude"])
        if not axes:
            return x
        shape = ctx.shape(x)
        keepdims = call.attrs["keepdims"]
        if len(axes) == 1:
            data, axis, extent, relax_keepdims = x, axes[0], shape[axes[0]], keepdims
        else:
            # topi ravels the reduced axes row-major: move them last, merge them, reduce the merged axis
            kept = [i for i in range(ndim) if i not in axes]
            data = x if kept + axes == list(range(ndim)) else ctx.emit(R.permute_dims(x, kept + axes))
            merged = static_product(shape[i] for i in axes)
            data = ctx.emit(R.reshape(data, [shape[i] for i in kept] + [-1 if merged is None else merged]))
            axis, extent, relax_keepdims = len(kept), ctx.shape(data)[-1], False
        if call.attrs["select_last_index"]:
            last = ctx.const(extent - 1, "int64") if isinstance(extent, int) else extent - 1
            index = R.subtract(last, ctx.emit(relax_fn(R.flip(data, axis), axis, relax_keepdims)))
        else:
            index = relax_fn(data, axis, relax_keepdims)
        if keepdims and not relax_keepdims:
            index = R.reshape(ctx.emit(index), [1 if i in axes else d for i, d in enumerate(shape)])
        return R.astype(index, _index_dtype(ctx))

    translate_arg_reduction.__doc__ = (
        f"{name}: Relax's over one axis; several axes are moved last and merged (topi ravels them row-major); "
        f"select_last_index flips the axis and maps i to n-1-i."
    )
    return translate_arg_reduction


def _index_dtype(ctx) -> str:
    out = ctx.out_type
    return getattr(out, "dtype", None) or "int32"


for _name, _fn in (("argmax", R.argmax), ("argmin", R.argmin)):
    translator(
        _name, relax=f"R.astype(R.{_fn.__name__}(x), 'int32')", status="composite",
        attrs="axis/exclude: reduced axes merged into one; keepdims: reshape; select_last_index: flip, n-1-index",
        differs="Relax returns int64 indices, Relay int32 (the dtype of the shape)",
    )(_arg_reduction(_fn, _name))


@translator("variance", relax="R.divide(R.sum(R.multiply(d, d)), N - unbiased) with d = x - mean",
            status="composite", attrs=_REDUCE_ATTRS + "; unbiased: divide by N - 1")
def translate_variance(ctx, call, args):
    """variance(x, mean) uses the given mean (Relay's variance op takes it as its second input)."""
    x, mean = args
    axes, ndim = _axes(ctx, call, x)
    if not axes:
        return x
    shape = ctx.shape(x)
    count = 1
    for a in axes:
        count = count * shape[a]
    if call.attrs["unbiased"]:
        count = count - 1
    diff = ctx.emit(R.subtract(x, mean))
    total = R.sum(R.multiply(diff, diff), _relax_axis(axes, ndim), call.attrs["keepdims"])
    if not isinstance(count, int):
        ctx.fail("variance over a symbolic dimension is not supported yet")
    return R.divide(total, ctx.const(count, ctx.dtype(x)))

