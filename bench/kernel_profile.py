"""Per-kernel time of a Relax module's PrimFuncs after a pipeline's scheduling (TVM 0.27).

`kernel_profile(mod, target, passes)` runs the Relax passes up to scheduling, builds each PrimFunc
alone, times it on random inputs (min of a few runs) and weights it by how many times `main` calls
it. The VM of 0.27 has no per-kernel profiler; this gives the same table.
"""

from __future__ import annotations

import numpy as np
import tvm
from tvm import relax


def _call_counts(mod: tvm.IRModule) -> dict:
    counts: dict = {}

    def visit(expr):
        if isinstance(expr, relax.Call) and expr.op == tvm.ir.Op.get("relax.call_tir"):
            name = expr.args[0].name_hint
            counts[name] = counts.get(name, 0) + 1

    for _, func in mod.functions_items():
        if isinstance(func, relax.Function):
            relax.analysis.post_order_visit(func, visit)
    return counts


def _random_args(func, rng):
    args = []
    for buf in func.params:  # 0.27: the parameters are the buffers
        shape = [int(d) for d in buf.shape]
        dtype = str(buf.dtype)
        if dtype.startswith("float"):
            arr = rng.uniform(-1, 1, size=shape).astype(dtype)
        else:
            arr = np.zeros(shape, dtype=dtype)
        args.append(tvm.runtime.tensor(arr))
    return args


def kernel_profile(mod: tvm.IRModule, target: tvm.target.Target, passes: list, repeat: int = 3) -> list:
    """[(name, calls, ms per call, ms total)] sorted by total time, for `mod` after `passes`."""
    with target:
        scheduled = tvm.transform.Sequential(passes)(mod)
    counts = _call_counts(scheduled)
    rng = np.random.default_rng(0)
    rows = []
    for gv, func in scheduled.functions_items():
        if not isinstance(func, tvm.tirx.PrimFunc) or gv.name_hint not in counts:
            continue
        try:
            lib = tvm.compile(tvm.IRModule({"main": func.with_attr("global_symbol", "main")}), target=target)
            args = _random_args(func, rng)
        except (TypeError, ValueError, RuntimeError):  # symbolic shapes, unsupported dtypes: left out
            continue
        timer = lib.mod.time_evaluator("main", tvm.cpu(), number=1, repeat=repeat)
        ms = min(timer(*args).results) * 1e3
        rows.append((gv.name_hint, counts[gv.name_hint], ms, ms * counts[gv.name_hint]))
    rows.sort(key=lambda r: -r[3])
    return rows
