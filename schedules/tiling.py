"""Scheduling building blocks shared by the rules: register-tiled contractions, injective loops.

A *contraction* is a block `out[s0, .., sk] += f(inputs)` over spatial axes `s` and reduction axes
`r`, whose last spatial axis is contiguous in memory (conv2d in NHWC: output channels; matmul: the
columns of the result; pooling in NHWC: channels). `tile_contraction` gives it the classic CPU
micro-kernel:

    parallel  for (outer spatial axes, channel blocks):      # fused, one parallel loop
      for w_o:                                                # register-tile rows
        acc[tw, tc] = 0                                       # in registers (`local`, unrolled)
        for r in reduction axes:                              # original order
          unroll for w_i in tw:  vector for c_i in tc: acc[w_i, c_i] += ...
        unroll for w_i: vector for c_i: out[...] = epilogue(acc[w_i, c_i])   # bias, relu, ... inlined

with `tc` a multiple of the SIMD width (see `choose_tile` for the sizes and why).
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import Iterator, Optional

import tvm
from tvm import s_tir, tirx

from .target import CPUInfo


def static_extent(sch: s_tir.Schedule, loop) -> Optional[int]:
    """The loop's extent as an int, or None when it is symbolic."""
    extent = sch.get(loop).extent
    return int(extent) if isinstance(extent, tirx.IntImm) else None


def divisors(n: int) -> list:
    return [d for d in range(1, n + 1) if n % d == 0]


@dataclass(frozen=True)
class Tile:
    """The register tile of a contraction: `tw` rows (axis `w_axis`) by `tc` contiguous elements."""

    tc: int
    tw: int
    w_axis: Optional[int]  # index among the spatial axes of the row axis, None when there is none


def choose_tile(spatial_extents: list, cpu: CPUInfo, dtype_bits: int = 32) -> Optional[Tile]:
    """Register tile for spatial axes of these extents (the last is contiguous); None if it cannot vectorize.

    Columns: one cache line (64 bytes) of the contiguous axis when it divides, so each packed weight
    row of the tile is one line. Rows: the largest divisor (up to 8) of the row axis whose
    accumulators fit the register file with 4 registers to spare, when that gives at least 6
    accumulators (to hide the add latency); otherwise (e.g. 7 rows with 16-float columns on SSE2)
    the largest divisor up to 8, or up to 16 when that is below 4, accepting spills. Measured with
    `tune=4` on ResNet-50 (SSE2): 16x2 beat 16x7 by 15-45% on the 14-56 wide layers; on the 7-wide
    ones 16x7 stayed best.
    """
    lanes = cpu.lanes(dtype_bits)
    ec = spatial_extents[-1]
    while ec % lanes and lanes > 4:  # e.g. 1000 columns on AVX-512: 8-wide (ymm) vectors
        lanes //= 2
    if ec % lanes:
        return None
    line = max(lanes, 512 // dtype_bits)
    tc = next(t for t in (line, line // 2, lanes) if t >= lanes and ec % t == 0)
    w_axis = next((i for i in reversed(range(len(spatial_extents) - 1)) if spatial_extents[i] > 1), None)
    if w_axis is None:
        return Tile(tc, 1, None)
    ew = spatial_extents[w_axis]
    per_row = tc // lanes  # accumulator registers per row of the tile
    budget = cpu.vector_registers - 4  # weights, broadcast input and a temporary stay in registers
    fitting = [d for d in divisors(ew) if d * per_row <= budget and d <= 8]
    if fitting and max(fitting) * per_row >= 6:  # enough independent accumulators to hide add latency
        return Tile(tc, max(fitting), w_axis)
    tw = max(d for d in divisors(ew) if d <= 8)
    if tw < 4:
        tw = max(d for d in divisors(ew) if d <= 16)
    return Tile(tc, tw, w_axis)


# The tile a tuning record chose for the kernel being scheduled (see `schedules.tuning`).
_TILE_OVERRIDE: contextvars.ContextVar = contextvars.ContextVar("tile_override", default=None)


@contextlib.contextmanager
def tile_override(tile: Optional[Tile]) -> Iterator[None]:
    """Within the block, `tile_contraction` uses `tile` (when it fits the kernel) instead of `choose_tile`."""
    token = _TILE_OVERRIDE.set(tile)
    try:
        yield
    finally:
        _TILE_OVERRIDE.reset(token)


def tile_candidates(spatial_extents: list, cpu: CPUInfo, dtype_bits: int = 32) -> list:
    """The tiles worth measuring for these extents: `choose_tile`'s first, then other column/row sizes."""
    best = choose_tile(spatial_extents, cpu, dtype_bits)
    if best is None:
        return []
    lanes = cpu.lanes(dtype_bits)
    ec = spatial_extents[-1]
    columns = [t for t in (4 * lanes, 2 * lanes, lanes, 64 // (dtype_bits // 8)) if t >= lanes and ec % t == 0]
    rows = [1] if best.w_axis is None else [d for d in divisors(spatial_extents[best.w_axis]) if d <= 16]
    out = [best]
    for tc in dict.fromkeys(columns):
        for tw in rows:
            tile = Tile(tc, tw, best.w_axis)
            if tile not in out and tw * tc // lanes <= 2 * cpu.vector_registers:
                out.append(tile)
    return out


def _fits(tile: Tile, spatial_extents: list) -> bool:
    if spatial_extents[-1] % tile.tc:
        return False
    if tile.w_axis is None:
        return True
    return tile.w_axis < len(spatial_extents) - 1 and spatial_extents[tile.w_axis] % tile.tw == 0


def tile_contraction(sch: s_tir.Schedule, block, cpu: CPUInfo, dtype_bits: int = 32, *,
                     pack_weights: bool = True) -> bool:
    """Register-tile the contraction `block` (loops: spatial axes, then reduction axes, trivially bound).

    Elementwise consumers of its output are inlined into the write-back of the accumulators. With
    `pack_weights`, a layout-free operand (a weight, see `pack_layout_free_operand`) is read in a
    layout where each register tile's columns are contiguous.
    Returns False (schedule untouched) when the block does not have that shape or cannot vectorize.
    """
    stmt = sch.get(block)
    loops = sch.get_loops(block)
    kinds = ["S" if iv.iter_type == tirx.IterVar.DataPar else "R" for iv in stmt.iter_vars]
    if len(loops) != len(kinds) or "R" not in kinds or kinds != sorted(kinds, key=lambda k: k == "R"):
        return False
    n_s = kinds.index("R")
    extents = [static_extent(sch, lp) for lp in loops]
    if any(e is None for e in extents):
        return False
    tile = _TILE_OVERRIDE.get()
    if tile is None or not _fits(tile, extents[:n_s]):
        tile = choose_tile(extents[:n_s], cpu, dtype_bits)
    if tile is None:
        return False
    if pack_weights:
        pack_layout_free_operand(sch, block, stmt.iter_vars[n_s - 1].var, tile.tc)
    spatial, reduction = list(loops[:n_s]), list(loops[n_s:])
    c_o, c_i = sch.split(spatial[-1], [None, tile.tc])
    w_o = w_i = None
    if tile.w_axis is not None:
        w_o, w_i = sch.split(spatial[tile.w_axis], [None, tile.tw])
    outer = [lp for i, lp in enumerate(spatial[:-1]) if i != tile.w_axis]
    inner = ([w_i] if w_i is not None else []) + [c_i]
    sch.reorder(*outer, c_o, *([w_o] if w_o is not None else []), *reduction, *inner)
    par = sch.fuse(*outer, c_o) if outer else c_o
    sch.parallel(par)
    anchor = w_o if w_o is not None else par

    writeback = sch.cache_write(block, 0, "local")
    writeback = inline_epilogues(sch, writeback)
    sch.reverse_compute_at(writeback, anchor, preserve_unit_loops=False)
    _vectorize_tile(sch, writeback, tile)
    if w_i is not None:
        sch.unroll(w_i)
    sch.vectorize(c_i)  # before decompose_reduction: vectorize needs the block's init to see a reduction
    init = sch.decompose_reduction(block, reduction[0])
    _vectorize_tile(sch, init, tile)
    return True


def _vectorize_tile(sch: s_tir.Schedule, block, tile: Tile) -> None:
    """Vectorize the innermost loop of a block placed under the register tile; unroll the rest."""
    loops = sch.get_loops(block)
    inner = loops[-1]
    extent = static_extent(sch, inner)
    if extent is not None and extent > 1:
        sch.vectorize(inner)
    for lp in reversed(loops[:-1]):
        if static_extent(sch, lp) == tile.tw and tile.tw > 1:
            sch.unroll(lp)
            break


def inline_epilogues(sch: s_tir.Schedule, block):
    """Inline the chain of elementwise consumers into `block`; returns the block that writes last."""
    while True:
        consumers = sch.get_consumers(block)
        if len(consumers) != 1:
            return block
        try:
            sch.reverse_compute_inline(consumers[0])
        except s_tir.ScheduleError:
            return block


def inline_producers(sch: s_tir.Schedule, block) -> list:
    """Inline injective producers of `block` that copy without padding; returns the others."""
    left = []
    for producer in sch.get_producers(block):
        stmt = sch.get(producer)
        if _is_plain_copy(stmt):
            try:
                sch.compute_inline(producer)
                continue
            except s_tir.ScheduleError:
                pass
        left.append(producer)
    return left


def _is_plain_copy(stmt) -> bool:
    """A block whose body stores a buffer load (no if_then_else padding, no arithmetic)."""
    body = stmt.body
    return isinstance(body, tirx.BufferStore) and isinstance(body.value, tvm.ir.expr.TensorLoad)


def schedule_injective(sch: s_tir.Schedule, block, cpu: CPUInfo, dtype_bits: int = 32,
                       max_parallel_fuse: int = 3) -> None:
    """Parallel outer loops, vectorized innermost loop (split to the SIMD width when it divides)."""
    loops = sch.get_loops(block)
    if not loops:
        return
    lanes = cpu.lanes(dtype_bits)
    inner = loops[-1]
    extent = static_extent(sch, inner)
    vec = None
    if extent is not None and extent >= lanes and extent % lanes == 0:
        factor = lanes * 4 if extent % (lanes * 4) == 0 else lanes
        rest, vec = sch.split(inner, [None, factor])
        loops = list(loops[:-1]) + [rest]
    elif extent is not None and 1 < extent < lanes * 4 and len(loops) > 1:
        vec = inner
        loops = list(loops[:-1])
    outer = [lp for lp in loops[:max_parallel_fuse]]
    if outer:
        fused = sch.fuse(*outer) if len(outer) > 1 else outer[0]
        total = static_extent(sch, fused)
        if total is None or total > 1:
            sch.parallel(fused)
    if vec is not None:
        sch.vectorize(vec)


PREPROC_ATTR = "meta_schedule.layout_rewrite_preproc"


def pack_layout_free_operand(sch: s_tir.Schedule, block, c_var, tc: int) -> bool:
    """Read the block's weight operand as `[c // tc, ..., c % tc]` instead of `[..., c]`.

    The weight is a parameter listed in the function's `layout_free_buffers` attribute (set by
    `relax.transform.AttachAttrLayoutFreeBuffers` for constants and model weights) whose last index
    is the contiguous output axis `c_var`. The repacking is a separate block marked as a layout-rewrite
    preprocessing step: `relax.transform.SplitLayoutRewritePreproc` moves it out of the kernel and
    `FoldConstant` then runs it once at compile time, as Relay's NCHWc weight packing did.
    Returns False when there is no such operand.
    """
    func = sch.mod["main"]
    free = func.attrs.get("layout_free_buffers") if func.attrs is not None else None
    if not free:
        return False
    free_bufs = [func.params[int(i)] for i in free]
    stmt = sch.get(block)
    for index, region in enumerate(stmt.reads):
        buf = region.source
        if not any(buf.same_as(f) for f in free_bufs):
            continue
        last = region.region[-1]
        if not (isinstance(last.min, tirx.Var) and last.min.same_as(c_var) and int(last.extent) == 1):
            continue
        if int(buf.shape[-1]) % tc:
            continue
        cached = sch.cache_read(block, index, "global")
        sch.transform_layout(cached, ("write", 0), lambda *idx: (idx[-1] // tc, *idx[:-1], idx[-1] % tc))
        sch.annotate(cached, PREPROC_ATTR, True)
        return True
    return False
