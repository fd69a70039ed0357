"""Helpers for the schedule-rule tests: build a PrimFunc, run it on random data, inspect loop kinds."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `schedules` is a top-level package of the repository
    sys.path.insert(0, str(ROOT))


def run_prim_func(func, arrays):
    """Build `func` for generic llvm and run it; returns the numpy value of its last (output) buffer."""
    import tvm

    lib = tvm.compile(tvm.IRModule({"main": func.with_attr("global_symbol", "main")}), target="llvm")
    args = [tvm.runtime.tensor(a) for a in arrays]
    lib["main"](*args)
    return args[-1].numpy()


def random_args(func, seed=0):
    """Random float32 inputs and a zero output for every buffer parameter of `func`."""
    rng = np.random.default_rng(seed)
    arrays = []
    for buf in func.params:
        shape = [int(d) for d in buf.shape]
        arrays.append(rng.uniform(-1, 1, size=shape).astype(str(buf.dtype)))
    arrays[-1][...] = 0
    return arrays


_ANNOTATED_LOOP = re.compile(r"for (\w+) in T\.(parallel|vectorized|unroll)\((?:T\.int64\()?(\d+)")


def loop_kinds(func) -> list:
    """[(loop var, kind, extent)] of the parallel / vectorized / unrolled loops in `func`'s TVMScript."""
    return [(name, kind, int(extent)) for name, kind, extent in _ANNOTATED_LOOP.findall(func.script())]


@pytest.fixture
def generic_target():
    import tvm

    return tvm.target.Target("llvm")
