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

from ._base import ContractionRule, iter_kinds


def is_window_pool(sch: s_tir.Schedule, block) -> bool:
    kinds = iter_kinds(sch, block)
    name = sch.get(block).name_hint
    return ("pool" in name and "R" in kinds and kinds == "S" * kinds.count("S") + "R" * kinds.count("R")
            and kinds.count("S") >= 3)


class WindowPool(ContractionRule):
    name = "pooling"
    pack_weights = False  # a window has no weights

    def matches(self, sch: s_tir.Schedule, block) -> bool:
        return is_window_pool(sch, block)
