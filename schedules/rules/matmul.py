"""matmul, dense and batch_matmul (`out[b.., i, j] += a[b.., i, k] * w[b.., k, j]`) with fused epilogues.

Matches a PrimFunc with one reduction block named like TOPI/Relax matmul computes (`matmul`,
`T_matmul`, `T_batch_matmul_NN`, `T_dense`...), iterators `S+R` (one reduction axis), whose output's
last axis is the column axis. Relay's x86 `dense_pack` / `batch_matmul` schedules tile columns by the
SIMD width with the weight packed `[N/bn, K, bn]`; the schedule here does the same through
`schedules.tiling.tile_contraction` (rows x column vectors in registers, parallel over batch and
column blocks, bias/activation epilogue inlined, constant weights packed once at compile time).
"""

from __future__ import annotations

from tvm import s_tir

from ..target import CPUInfo
from ..tiling import inline_producers, schedule_injective, tile_contraction
from ._base import CPURule, iter_kinds, output_dtype_bits, reduction_blocks, schedule_leftovers

_NAMES = ("matmul", "dense", "batch_matmul")


def is_matmul(sch: s_tir.Schedule, block) -> bool:
    stmt = sch.get(block)
    kinds = iter_kinds(sch, block)
    return (any(n in stmt.name_hint.lower() for n in _NAMES) and kinds.count("R") == 1
            and kinds.endswith("R") and len(kinds) >= 3 and len(stmt.writes) == 1)


class Matmul(CPURule):
    name = "matmul"

    def schedule(self, sch: s_tir.Schedule, cpu: CPUInfo) -> bool:
        blocks = reduction_blocks(sch)
        if len(blocks) != 1 or not is_matmul(sch, blocks[0]):
            return False
        mm = blocks[0]
        bits = output_dtype_bits(sch, mm)
        producers = inline_producers(sch, mm)
        if not tile_contraction(sch, mm, cpu, bits):
            return False
        for producer in producers:
            schedule_injective(sch, producer, cpu, output_dtype_bits(sch, producer))
        schedule_leftovers(sch, cpu)
        return True
