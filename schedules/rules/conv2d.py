"""conv2d (NHWC, any groups, depthwise included) with fused epilogues.

Matches a PrimFunc with one reduction block named like TOPI's conv2d computes (`conv2d_nhwc`,
`group_conv2d_nhwc`, `depth_conv2d_nhwc`, ...), iterators `SSSSRRR`, whose output's last axis is the
output channel. Relay's x86 schedules (`topi/x86/conv2d_avx_common.py`, `conv2d_avx_1x1.py`) packed
data to NCHWc so that the output channels are the vector lanes; NHWC gives the same inner loop
without packing. The schedule (see `schedules.tiling.tile_contraction`): register tile of output
columns x channel vectors accumulated over (kh, kw, ic), parallel over rows and channel blocks, the
bias/BatchNorm/ReLU/residual epilogue inlined into the write-back. A zero-padding producer stays a
separate parallel, vectorized pass; a padding-free copy is inlined.

A conv2d left in NCHW (`layout=None`, or when TVM's ConvertLayout fails on the graph) gets the same
schedule with the output columns as vector lanes (when the width is a multiple of the SIMD width):
correct, faster than no schedule, slower than NHWC.
"""

from __future__ import annotations

from tvm import s_tir

from ._base import ContractionRule, iter_kinds


def is_conv2d(sch: s_tir.Schedule, block) -> bool:
    stmt = sch.get(block)
    return ("conv2d" in stmt.name_hint and iter_kinds(sch, block) == "SSSSRRR" and len(stmt.writes) == 1
            and len(stmt.writes[0].source.shape) == 4)


class Conv2DNHWC(ContractionRule):
    name = "conv2d"

    def matches(self, sch: s_tir.Schedule, block) -> bool:
        return is_conv2d(sch, block)
