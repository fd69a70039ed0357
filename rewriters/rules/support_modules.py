"""support-modules: host-toolchain helpers moved from ``tvm.contrib`` to ``tvm.support``.

Upstream: apache/tvm#19624 "[REFACTOR][PYTHON] Lift compiler/CLI/process modules from
tvm.contrib to tvm.support": ``cc``, ``nvcc``, ``rocm``, ``ndk``, ``xcode``, ``clang``,
``emcc``, ``popen_pool``, ``utils`` and ``tar`` moved unchanged. ``tvm.contrib.spirv``
and ``tvm.contrib.rpc`` were deleted. ``ndk``, ``xcode``, ``clang`` and ``emcc`` are not
loaded by ``import tvm``; the rewrite imports them where a chain needs them.

Safety: safe (same modules, same functions).
"""

from __future__ import annotations

from rewriters.registry import Move, Rule, Safety, register

_PR = "apache/tvm#19624"
MOVED = ("cc", "nvcc", "rocm", "ndk", "xcode", "clang", "emcc", "popen_pool", "utils", "tar")
NOT_AUTO_IMPORTED = ("ndk", "xcode", "clang", "emcc")


def _moves() -> dict[str, Move]:
    table = {}
    for name in MOVED:
        module = f"tvm.support.{name}" if name in NOT_AUTO_IMPORTED else None
        table[f"tvm.contrib.{name}"] = Move(f"tvm.contrib.{name}", f"tvm.support.{name}", _PR, module)
    table["tvm.contrib.spirv"] = Move("tvm.contrib.spirv", None, "deleted by #19624: call `spirv-opt` yourself")
    table["tvm.contrib.rpc"] = Move("tvm.contrib.rpc", None, "deleted: use `tvm.rpc`")
    return table


@register
class SupportModules(Rule):
    """``tvm.contrib.{utils,cc,tar,ndk,...}`` -> ``tvm.support.*``."""

    id = "support-modules"
    safety = Safety.SAFE
    summary = "tvm.contrib.utils/cc/tar/ndk/nvcc/... -> tvm.support.*"
    upstream = _PR
    triggers = ("contrib",)
    moves = _moves()
