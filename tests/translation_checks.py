"""Numeric checks shared by the translation tests: run a compiled Relax module, compare with Relay's outputs."""

from __future__ import annotations

import numpy as np
import tvm
from tvm import relax


def run_main(mod: tvm.IRModule, args: list) -> list:
    """Compile `mod` for llvm, call main on `args`, return its outputs flattened depth-first (as outputs.npz)."""
    from migrate.parity.check import flatten_result

    ex = tvm.compile(mod, target="llvm")
    return flatten_result(relax.VirtualMachine(ex, tvm.cpu())["main"](*[tvm.runtime.tensor(a) for a in args]))


def assert_outputs_match(got: list, expected: dict, rtol: float, atol: float) -> None:
    """`got` against Relay's `output_<i>` arrays: same dtypes and shapes; exact for integers and bools."""
    assert len(got) == len(expected), f"{len(got)} outputs, Relay recorded {len(expected)}"
    for i, value in enumerate(got):
        want = expected[f"output_{i}"]
        assert (str(value.dtype), value.shape) == (str(want.dtype), want.shape), f"output {i}"
        if want.dtype.kind in "biu":
            np.testing.assert_array_equal(value, want, err_msg=f"output {i}")
        else:
            np.testing.assert_allclose(value.astype("float64"), want.astype("float64"), rtol=rtol, atol=atol,
                                       equal_nan=True, err_msg=f"output {i}")
