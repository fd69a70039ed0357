"""What every rule shares: the CPU target check, the blocks of a PrimFunc, the fallback for leftovers."""

from __future__ import annotations

import warnings
from typing import Optional

from tvm import s_tir, tirx
from tvm.s_tir.dlight import ScheduleRule
from tvm.target import Target

from ..target import CPUInfo, cpu_info
from ..tiling import inline_producers, schedule_injective, tile_contraction


class CPURule(ScheduleRule):
    """A dlight ScheduleRule for llvm targets: subclasses implement `schedule(sch, cpu) -> bool`."""

    name = "cpu-rule"

    def apply(self, func: tirx.PrimFunc, target: Target, tunable: bool) -> Optional[s_tir.Schedule]:
        if not isinstance(func, tirx.PrimFunc) or target.kind.name != "llvm":
            return None
        sch = s_tir.Schedule(func)
        try:
            return sch if self.schedule(sch, cpu_info(target)) else None
        except s_tir.ScheduleError:
            return None  # a shape the rule does not handle: the next rule gets the original function
        except (RuntimeError, ValueError) as exc:  # a TVM failure past the rule's checks: never fail the build
            lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
            warnings.warn(f"tvm-migrate: schedule rule {self.name!r} failed on a kernel "
                          f"({lines[-1] if lines else type(exc).__name__}); the next rule or none schedules it",
                          stacklevel=1)
            return None

    def schedule(self, sch: s_tir.Schedule, cpu: CPUInfo) -> bool:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<rule {self.name}>"


class ContractionRule(CPURule):
    """A PrimFunc whose one reduction block is a contraction (`matches`): the block register-tiled by
    `tile_contraction`, its producers inlined or given a parallel, vectorized pass, the rest as leftovers."""

    pack_weights = True

    def matches(self, sch: s_tir.Schedule, block) -> bool:
        raise NotImplementedError

    def schedule(self, sch: s_tir.Schedule, cpu: CPUInfo) -> bool:
        blocks = reduction_blocks(sch)
        if len(blocks) != 1 or not self.matches(sch, blocks[0]):
            return False
        block = blocks[0]
        producers = inline_producers(sch, block)
        if not tile_contraction(sch, block, cpu, output_dtype_bits(sch, block), pack_weights=self.pack_weights):
            return False
        for producer in producers:
            schedule_injective(sch, producer, cpu, output_dtype_bits(sch, producer))
        schedule_leftovers(sch, cpu)
        return True


def root_blocks(sch: s_tir.Schedule) -> list:
    """Blocks directly under the root block, in program order."""
    return list(sch.get_child_blocks(sch.get_sblock("root")))


def iter_kinds(sch: s_tir.Schedule, block) -> str:
    """'S'/'R'/'O' per block iterator, e.g. 'SSSSRRR' for conv2d."""
    return "".join({tirx.IterVar.DataPar: "S", tirx.IterVar.CommReduce: "R"}.get(iv.iter_type, "O")
                   for iv in sch.get(block).iter_vars)


def reduction_blocks(sch: s_tir.Schedule) -> list:
    return [b for b in root_blocks(sch) if "R" in iter_kinds(sch, b)]


def output_dtype_bits(sch: s_tir.Schedule, block) -> int:
    writes = sch.get(block).writes
    return writes[0].source.dtype.bits if writes else 32


def schedule_leftovers(sch: s_tir.Schedule, cpu: CPUInfo) -> None:
    """Parallelize and vectorize the injective root blocks no rule step has scheduled yet."""
    for block in root_blocks(sch):
        if "R" in iter_kinds(sch, block):
            continue
        if sch.get_loops(block) and not _already_scheduled(sch, block):
            schedule_injective(sch, block, cpu, output_dtype_bits(sch, block))


def _already_scheduled(sch: s_tir.Schedule, block) -> bool:
    return any(sch.get(lp).kind != tirx.ForKind.SERIAL for lp in sch.get_loops(block))
