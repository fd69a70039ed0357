"""Compare a Relax result with the value real Relay recorded: dtype, shape, then values.

Dtype and shape must match exactly. Integers and bools must be equal. Floats are close when
``|got - want| <= atol + rtol * |want|`` (numpy.isclose); NaN equals NaN and an infinity equals an
infinity of the same sign.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional

import numpy as np


@dataclass
class OutputComparison:
    """One output (or one intermediate value) of Relax against Relay."""

    key: str
    dtype: str
    shape: tuple
    expected_dtype: str
    expected_shape: tuple
    max_abs: Optional[float]
    max_rel: Optional[float]
    mismatch_fraction: Optional[float]
    passed: bool
    message: str = ""

    def to_dict(self) -> dict:
        out = asdict(self)
        out["shape"], out["expected_shape"] = list(self.shape), list(self.expected_shape)
        for k in ("max_abs", "max_rel"):
            if out[k] is not None and not np.isfinite(out[k]):
                out[k] = str(out[k])  # JSON has no inf
        return out


def _as_float64(arr: np.ndarray) -> np.ndarray:
    if arr.dtype.kind in "fc" or str(arr.dtype) == "bfloat16":
        return np.asarray(arr).astype("float32" if str(arr.dtype) == "bfloat16" else arr.dtype).astype("float64")
    return np.asarray(arr).astype("float64")


def compare(key: str, got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> OutputComparison:
    """`got` (Relax) against `want` (Relay)."""
    got, want = np.asarray(got), np.asarray(want)
    base = dict(key=key, dtype=str(got.dtype), shape=tuple(got.shape), expected_dtype=str(want.dtype),
                expected_shape=tuple(want.shape))
    if base["dtype"] != base["expected_dtype"] or base["shape"] != base["expected_shape"]:
        what = []
        if base["dtype"] != base["expected_dtype"]:
            what.append(f"dtype {got.dtype}, Relay {want.dtype}")
        if base["shape"] != base["expected_shape"]:
            what.append(f"shape {tuple(got.shape)}, Relay {tuple(want.shape)}")
        return OutputComparison(**base, max_abs=None, max_rel=None, mismatch_fraction=None, passed=False,
                                message="; ".join(what))
    if want.size == 0:
        return OutputComparison(**base, max_abs=0.0, max_rel=0.0, mismatch_fraction=0.0, passed=True)
    exact = want.dtype.kind in "biuUS"
    g, w = _as_float64(got), _as_float64(want)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        if exact:
            close = got == want
        else:
            close = np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
        diff = np.abs(g - w)
        diff = np.where(close & ~np.isfinite(diff), 0.0, diff)  # nan==nan, inf==inf count as equal
        diff = np.where(np.isnan(diff), np.inf, diff)  # nan against a number
        rel = np.where(diff == 0, 0.0, diff / np.abs(w))
        rel = np.where(np.isnan(rel), np.inf, rel)
    mismatched = int(close.size - np.count_nonzero(close))
    passed = mismatched == 0
    message = "" if passed else f"{mismatched} of {close.size} elements differ"
    return OutputComparison(**base, max_abs=float(diff.max()), max_rel=float(rel.max()),
                            mismatch_fraction=mismatched / close.size, passed=passed, message=message)
