"""Pooling over a window in channels-last layouts (max/avg pool2d, adaptive pools in NHWC).

Matches a PrimFunc with one reduction block named `pool_*` / `adaptive_pool_*` whose reduction axes
(the window) are not the output's last axis, so that the channels are the vector lanes. The window
reduction then has the shape of a contraction and gets the same register tile
(`schedules.tiling.tile_contraction`, without weight packing); the padding producer is a separate
parallel, vectorized pass; the averaging division and any fused elementwise ops are inlined into
the write-back.
"""

from __future__ import annotations

from tvm import s_tir

from ..target import CPUInfo
from ..tiling import inline_producers, schedule_injective, tile_contraction
from ._base import CPURule, iter_kinds, output_dtype_bits, reduction_blocks, schedule_leftovers


def is_window_pool(sch: s_tir.Schedule, block) -> bool:
    kinds = iter_kinds(sch, block)
    name = sch.get(block).name_hint
    return ("pool" in name and "R" in kinds and kinds == "S" * kinds.count("S") + "R" * kinds.count("R")
            and kinds.count("S") >= 3)


class WindowPool(CPURule):
    name = "pooling"

    def schedule(self, sch: s_tir.Schedule, cpu: CPUInfo) -> bool:
        blocks = reduction_blocks(sch)
        if len(blocks) != 1 or not is_window_pool(sch, blocks[0]):
            return False
        pool = blocks[0]
        bits = output_dtype_bits(sch, pool)
        pads = inline_producers(sch, pool)
        if not tile_contraction(sch, pool, cpu, bits, pack_weights=False):
            return False
        for pad in pads:
            schedule_injective(sch, pad, cpu, output_dtype_bits(sch, pad))
        schedule_leftovers(sch, cpu)
        return True
