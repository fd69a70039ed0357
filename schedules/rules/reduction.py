"""Row reductions with their elementwise stages: softmax, layer norm, RMS norm, mean/sum/max over the
innermost axes, NCHW global pooling.

Matches a PrimFunc whose blocks all start with the same leading spatial axes (the rows), whose
reduction blocks reduce only trailing axes, and whose last block is injective. Like
`tvm.s_tir.dlight.cpu.Reduction` (the 0.27 rule this follows): the rows of the last block become one
parallel loop, every earlier block is computed at that loop (so a row's intermediates stay in
cache), elementwise stages are vectorized along the row, and reductions along the row are split
into SIMD-width chunks for the backend to unroll. Relay's x86 `schedule_softmax` /
`schedule_reduce` parallelized the same outer axes.
"""

from __future__ import annotations

from tvm import s_tir

from ..target import CPUInfo
from ..tiling import static_extent
from ._base import CPURule, iter_kinds, output_dtype_bits, reduction_blocks, root_blocks


def _leading_spatial(kinds: str) -> int:
    return len(kinds) - len(kinds.lstrip("S"))


class RowReduction(CPURule):
    name = "reduction"

    def schedule(self, sch: s_tir.Schedule, cpu: CPUInfo) -> bool:
        if not reduction_blocks(sch):
            return False
        blocks = root_blocks(sch)
        for block in blocks[:-1]:  # inline pure elementwise producers (e.g. casts) where possible
            if "R" not in iter_kinds(sch, block) and len(blocks) > 1:
                try:
                    sch.compute_inline(block)
                except s_tir.ScheduleError:
                    pass
        blocks = root_blocks(sch)
        kinds = [iter_kinds(sch, b) for b in blocks]
        if "R" in kinds[-1] or any("O" in k for k in kinds):
            return False
        for k in kinds:
            if "R" in k and k != "S" * k.count("S") + "R" * k.count("R"):
                return False
        lead = min(_leading_spatial(k) for k in kinds)
        if lead == 0:
            return False
        last = blocks[-1]
        loops = sch.get_loops(last)
        if len(loops) != len(kinds[-1]):
            return False
        rows = sch.fuse(*loops[:lead]) if lead > 1 else loops[0]
        row_count = static_extent(sch, rows)
        if row_count is None or row_count > 1:
            sch.parallel(rows)
        for block in reversed(blocks[:-1]):
            sch.compute_at(block, rows, preserve_unit_loops=True)
        lanes = cpu.lanes(output_dtype_bits(sch, last))
        for block in root_blocks_under(sch, blocks):
            inner = sch.get_loops(block)[-1]
            extent = static_extent(sch, inner)
            if extent is None or extent < lanes or extent % lanes:
                continue
            if "R" in iter_kinds(sch, block):
                _, chunk = sch.split(inner, [None, lanes])
                sch.annotate(chunk, "pragma_auto_unroll_max_step", lanes)
                sch.annotate(chunk, "pragma_unroll_explicit", 1)
            else:
                _, vec = sch.split(inner, [None, lanes])
                sch.vectorize(vec)
        return True


def root_blocks_under(sch: s_tir.Schedule, blocks: list) -> list:
    """The given blocks that still have a loop of their own below the shared row loop."""
    out = []
    for block in blocks:
        loops = sch.get_loops(block)
        if len(loops) > 1 and static_extent(sch, loops[-1]) not in (None, 1):
            out.append(block)
    return out
