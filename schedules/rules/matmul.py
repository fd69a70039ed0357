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

from ._base import ContractionRule, iter_kinds

_NAMES = ("matmul", "dense", "batch_matmul")


def is_matmul(sch: s_tir.Schedule, block) -> bool:
    stmt = sch.get(block)
    kinds = iter_kinds(sch, block)
    return (any(n in stmt.name_hint.lower() for n in _NAMES) and kinds.count("R") == 1
            and kinds.endswith("R") and len(kinds) >= 3 and len(stmt.writes) == 1)


class Matmul(ContractionRule):
    name = "matmul"

    def matches(self, sch: s_tir.Schedule, block) -> bool:
        return is_matmul(sch, block)
