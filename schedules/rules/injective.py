"""Fallback for PrimFuncs without reductions (elementwise, broadcast, transpose, reshape, padding).

Every block: the outer loops fused into one parallel loop, the innermost loop vectorized (split to a
multiple of the SIMD width when its extent allows). Blocks that read nothing but their own inputs
are first inlined into their consumers, as dlight's fallback does.
"""

from __future__ import annotations

from tvm import s_tir

from ..target import CPUInfo
from ._base import CPURule, reduction_blocks, root_blocks, schedule_leftovers


class Injective(CPURule):
    name = "injective"

    def schedule(self, sch: s_tir.Schedule, cpu: CPUInfo) -> bool:
        if reduction_blocks(sch):
            return False
        blocks = root_blocks(sch)
        if not blocks:
            return False
        for block in blocks[:-1]:  # inline intermediate stages into their consumers
            try:
                sch.compute_inline(block)
            except s_tir.ScheduleError:
                pass
        schedule_leftovers(sch, cpu)
        return True
