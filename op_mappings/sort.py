"""Sorting and scans: argsort, sort, topk, searchsorted, cumsum, cumprod.

Relay's ``is_ascend`` is Relax's ``not descending`` (sort/argsort) or ``not largest`` (topk); both
lower to the same TOPI sort. Relay's topk takes ``k < 1`` as "every element"; Relax needs a positive k,
so it is resolved from the input shape. cumsum/cumprod map one to one (``axis=None`` flattens in both;
``exclusive=None`` means False).
"""

from __future__ import annotations

from tvm import relax, topi
from tvm.relax import op as R

from ._common import normalize_axis
from .registry import translator


@translator("argsort", relax="R.argsort", attrs="axis: axis; is_ascend: not descending; dtype: dtype")
def translate_argsort(ctx, call, args):
    """The indices that sort `axis` (the same TOPI argsort)."""
    a = call.attrs
    axis = normalize_axis(ctx, int(a["axis"]), ctx.ndim(args[0]))
    return R.argsort(args[0], axis, not a["is_ascend"], a["dtype"] or "int32")


@translator("sort", relax="R.sort", attrs="axis: axis; is_ascend: not descending")
def translate_sort(ctx, call, args):
    """The values sorted along `axis` (the same TOPI sort)."""
    axis = normalize_axis(ctx, int(call.attrs["axis"]), ctx.ndim(args[0]))
    return R.sort(args[0], axis, not call.attrs["is_ascend"])


@translator("topk", relax="R.topk",
            attrs="k: k (k < 1 = the whole axis); axis; ret_type; is_ascend: not largest; dtype",
            differs="Relay's k < 1 means every element; it is resolved to the axis extent")
def translate_topk(ctx, call, args):
    """The k largest (or smallest) values and/or their indices along `axis`."""
    a = call.attrs
    x = args[0]
    shape = ctx.shape(x)
    axis = normalize_axis(ctx, int(a["axis"]), len(shape))
    k = a["k"]
    if k is None or not isinstance(k, int):
        ctx.fail("topk needs a constant k (a dynamic k is dyn.topk)")
    if k < 1:
        k = shape[axis]
        if not isinstance(k, int):
            ctx.fail("topk with k < 1 over a symbolic axis is not supported: give k explicitly")
    if a["ret_type"] not in ("both", "values", "indices"):
        ctx.fail(f"ret_type {a['ret_type']!r} is not one of both, values, indices")
    return R.topk(x, k, axis, a["ret_type"], not a["is_ascend"], a["dtype"] or "int32")


@translator("searchsorted", relax="emit_te(topi.searchsorted)", status="topi", attrs="right: right; dtype: out_dtype",
            differs="Relax has no searchsorted (bucketize takes 1-d boundaries only): Relay's own TOPI compute")
def translate_searchsorted(ctx, call, args):
    """Insertion indices of `values` in the innermost axis of `sorted_sequence` (topi.searchsorted)."""
    seq, values = args
    if ctx.ndim(seq) != 1 and ctx.shape(seq)[:-1] != ctx.shape(values)[:-1]:
        ctx.fail("sorted_sequence and values must agree on every dim but the last (or the sequence be 1-d)")
    return ctx.bb.call_te(topi.searchsorted, seq, values, bool(call.attrs["right"]),
                         call.attrs["dtype"] or "int32", primfunc_name_hint="searchsorted")


def _scan(relax_fn, name):
    def translate_scan(ctx, call, args):
        a = call.attrs
        axis = a["axis"]
        if axis is not None:
            axis = normalize_axis(ctx, int(axis), ctx.ndim(args[0]))
        return relax_fn(args[0], axis, a["dtype"] or None, bool(a["exclusive"]))

    translate_scan.__doc__ = f"{name}: the same scan (axis=None flattens; exclusive=None is False)."
    return translate_scan


for _name, _fn in (("cumsum", R.cumsum), ("cumprod", R.cumprod)):
    translator(_name, relax=f"R.{_name}", attrs="axis: axis (None flattens); dtype: dtype; exclusive: exclusive")(
        _scan(_fn, _name))


@translator("unique", relax="argsort, take, cumsum and scatter_elements on static shapes (a tuple of n-long tensors)",
            status="composite", attrs="sorted: order by value, else by first occurrence; return_counts: 5th field",
            differs="Relax's unique has data-dependent shapes (and runs through numpy); Relay's pads every output to "
                    "the input's length n and returns num_unique: built from a sort, run-length flags and scatters")
def translate_unique(ctx, call, args):
    """(unique values, first-occurrence indices, inverse indices, [num_unique], counts), each padded to n."""
    x = args[0]
    shape = ctx.shape(x)
    if len(shape) != 1 or not isinstance(shape[0], int):
        ctx.fail("unique needs a 1-d input of static length")
    n, dtype = shape[0], ctx.dtype(x)
    perm = ctx.emit(R.argsort(x, 0, False, "int32"))
    ordered = ctx.emit(R.take(x, perm, axis=0))
    if n > 1:  # 1 where a run of equal sorted values starts
        changed = ctx.emit(R.not_equal(ctx.emit(R.strided_slice(ordered, [0], [1], [n])),
                                       ctx.emit(R.strided_slice(ordered, [0], [0], [n - 1]))))
        flags = ctx.emit(R.concat([ctx.emit(R.ones([1], "int32")), ctx.emit(R.astype(changed, "int32"))], axis=0))
    else:
        flags = ctx.emit(R.ones([n], "int32"))
    group = ctx.emit(R.subtract(ctx.emit(R.cumsum(flags, axis=0)), ctx.const(1, "int32")))
    num_unique = ctx.emit(R.sum(flags, axis=[0], keepdims=True))
    zeros = ctx.emit(R.zeros([n], "int32"))
    values = ctx.emit(R.scatter_elements(ctx.emit(R.zeros([n], dtype)) if dtype != "int32" else zeros, group,
                                         ordered, 0, "update"))
    first = ctx.emit(R.scatter_elements(ctx.emit(R.full([n], ctx.const(n, "int32"), "int32")), group, perm, 0, "min"))
    inverse = ctx.emit(R.scatter_elements(zeros, perm, group, 0, "update"))
    counts = None
    if call.attrs["return_counts"]:
        counts = ctx.emit(R.scatter_elements(zeros, group, ctx.emit(R.ones([n], "int32")), 0, "add"))
    if not call.attrs["sorted"]:  # order the groups by first occurrence (padding slots hold n: they go last)
        order = ctx.emit(R.argsort(first, 0, False, "int32"))
        rank = ctx.emit(R.argsort(order, 0, False, "int32"))
        values = ctx.emit(R.take(values, order, axis=0))
        first = ctx.emit(R.take(first, order, axis=0))
        inverse = ctx.emit(R.take(rank, inverse, axis=0))
        counts = ctx.emit(R.take(counts, order, axis=0)) if counts is not None else None
    fields = [values, first, inverse, num_unique] + ([counts] if counts is not None else [])
    return relax.Tuple(fields)
