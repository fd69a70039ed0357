"""What the schedule rules need to know about a CPU target: vector width and register count.

TVM 0.27's `llvm_get_vector_width` reports the host's width even for a target without `-mcpu`
(512 on this AVX-512 machine), but code built for plain `"llvm"` is generic x86-64 (SSE2, 128-bit
vectors). The width here comes from the target's own CPU features instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import tvm
from tvm.target import codegen


@dataclass(frozen=True)
class CPUInfo:
    """Vector facts of a CPU target, for 32-bit lanes."""

    vector_bits: int  # width of one SIMD register
    vector_registers: int  # SIMD registers the code generator can allocate

    def lanes(self, dtype_bits: int = 32) -> int:
        """Elements of `dtype_bits` in one SIMD register."""
        return max(1, self.vector_bits // dtype_bits)


def cpu_info(target: tvm.target.Target) -> CPUInfo:
    """CPUInfo of an llvm target, from the features LLVM enables for its -mcpu / -mattr."""
    try:
        features = set(codegen.llvm_get_cpu_features(target))
    except Exception:  # a target LLVM cannot describe (no llvm, foreign triple): assume 128-bit SIMD
        features = set()
    if "avx512f" in features:
        return CPUInfo(512, 32)
    if "avx" in features or "avx2" in features:
        return CPUInfo(256, 16)
    arch = str(target.attrs.get("mtriple", "")).split("-")[0]
    if arch in ("aarch64", "arm64"):
        return CPUInfo(128, 32)
    return CPUInfo(128, 16)
