"""Structural comparison of two legacy Relay IR modules, naming the first difference.

Used to check that the text and JSON forms of one module read to the same program. The text
printer loses two things, and `text_vs_json=True` allows exactly those:
- floats print with 6 significant digits (``epsilon=1e-05f``, inline scalars), so floats in
  attributes and inline scalar constants compare to 6 significant digits;
- a call's inferred type arguments are not printed at all;
- variable names are made printable and unique: a name that is not an identifier start
  (``0``) prints as ``v0``, and a name used twice in one scope prints as ``data``, ``data1``, ...
Everything else (ops, attrs after defaults, types, constants, sharing, structure) must match.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Optional

import numpy as np

from . import relay_ir as ir

_SKIP_FIELDS = {"span", "checked_type"}


@dataclasses.dataclass
class Difference:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _render(path) -> str:
    parts = []
    while path is not None:
        path, label = path
        parts.append(label)
    return "".join(reversed(parts))


def _floats_equal(a: float, b: float, digits: Optional[int]) -> bool:
    if a == b or (math.isnan(a) and math.isnan(b)):
        return True
    if digits is None or math.isinf(a) or math.isinf(b) or math.isnan(a) or math.isnan(b):
        return False
    return math.isclose(a, b, rel_tol=10.0 ** (1 - digits) / 2 * 1.0001, abs_tol=0.0)


def text_name_matches(exact: str, printed: str) -> bool:
    """Whether `printed` is how the Relay text printer shows a variable named `exact`."""
    if exact == printed:
        return True
    if printed == "v" + exact:
        return True
    # De-duplication appends a counter to a repeated name (``data`` -> ``data1``); the first
    # occurrence may itself have been renamed with a leading ``v``.
    for base in (exact, "v" + exact):
        if printed.startswith(base) and re.fullmatch(r"\d+", printed[len(base) :]):
            return True
    return False


class _Comparer:
    def __init__(self, text_vs_json: bool, compare_types: bool):
        self.digits = 6 if text_vs_json else None
        self.loose_names = text_vs_json
        self.compare_types = compare_types
        self.pairs: dict = {}

    def run(self, a: Any, b: Any, root_label: str) -> Optional[Difference]:
        stack = [(a, b, (None, root_label))]
        while stack:
            x, y, path = stack.pop()
            diff = self._step(x, y, path, stack)
            if diff is not None:
                return Difference(_render(path), diff)
        return None

    def _step(self, x, y, path, stack) -> Optional[str]:  # noqa: C901 - one dispatch table
        if isinstance(x, (ir.Expr, ir.Attrs, ir.Pattern, ir.Clause, ir.TypeData)) or isinstance(
            y, (ir.Expr, ir.Attrs, ir.Pattern, ir.Clause, ir.TypeData)
        ):
            if type(x) is not type(y):
                return f"{type(x).__name__} != {type(y).__name__}"
            seen = self.pairs.get(id(x))
            if seen is not None:
                return None if seen is y else "sharing differs (one node is used in two places on one side only)"
            self.pairs[id(x)] = y
            if isinstance(x, ir.Var):
                ok = text_name_matches(x.name, y.name) if self.loose_names else x.name == y.name
                if not ok:
                    return f"variable %{x.name} != %{y.name}"
            if isinstance(x, ir.Constant):
                return self._arrays(x.data, y.data, scalar_loose=x.data.ndim == 0)
            for f in dataclasses.fields(x):
                if f.name in _SKIP_FIELDS and not (self.compare_types and f.name == "checked_type"):
                    continue
                if f.name == "name" and isinstance(x, ir.Var):
                    continue
                if f.name == "type_args" and self.loose_names:
                    continue  # inferred type arguments: save_json keeps them, the text printer never shows them
                xv, yv = getattr(x, f.name), getattr(y, f.name)
                if f.name == "checked_type" and (xv is None or yv is None):
                    continue
                stack.append((xv, yv, (path, f".{f.name}")))
            return None
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not (isinstance(x, np.ndarray) and isinstance(y, np.ndarray)):
                return f"{type(x).__name__} != {type(y).__name__}"
            return self._arrays(x, y, scalar_loose=False)
        if isinstance(x, bool) or isinstance(y, bool):
            return None if (type(x) is type(y) and x == y) else f"{x!r} != {y!r}"
        if isinstance(x, float) and isinstance(y, (float, int)):
            return None if _floats_equal(x, float(y), self.digits) else f"{x!r} != {y!r}"
        if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
            if len(x) != len(y):
                return f"length {len(x)} != {len(y)}"
            for i in range(len(x) - 1, -1, -1):
                stack.append((x[i], y[i], (path, f"[{i}]")))
            return None
        if isinstance(x, dict) and isinstance(y, dict):
            if set(x) != set(y):
                only_a = sorted(map(str, set(x) - set(y)))
                only_b = sorted(map(str, set(y) - set(x)))
                return f"keys differ: only in first {only_a}, only in second {only_b}"
            for k in sorted(x, key=str, reverse=True):
                stack.append((x[k], y[k], (path, f"[{k!r}]")))
            return None
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            if type(x) is not type(y):
                return f"{type(x).__name__} != {type(y).__name__}"
            for f in reversed(dataclasses.fields(x)):
                if f.name in _SKIP_FIELDS:
                    continue
                stack.append((getattr(x, f.name), getattr(y, f.name), (path, f".{f.name}")))
            return None
        if type(x) is not type(y) and not (isinstance(x, (int, float)) and isinstance(y, (int, float))):
            return f"{x!r} ({type(x).__name__}) != {y!r} ({type(y).__name__})"
        return None if x == y else f"{x!r} != {y!r}"

    def _arrays(self, x: np.ndarray, y: np.ndarray, scalar_loose: bool) -> Optional[str]:
        if str(x.dtype) != str(y.dtype) or x.shape != y.shape:
            return f"constant {x.dtype}{list(x.shape)} != {y.dtype}{list(y.shape)}"
        if scalar_loose and self.digits is not None and x.dtype.kind == "f":
            return None if _floats_equal(float(x), float(y), self.digits) else f"constant {x} != {y}"
        if x.dtype.kind in "fc" or str(x.dtype) == "bfloat16":
            xf, yf = x.astype("float64"), y.astype("float64")
            same = np.array_equal(xf, yf, equal_nan=True)
        else:
            same = np.array_equal(x, y)
        return None if same else "constant values differ"


def first_difference(
    a: ir.IRModule, b: ir.IRModule, *, text_vs_json: bool = False, compare_types: bool = False
) -> Optional[Difference]:
    """The first structural difference between two modules, or None if they are the same program.

    `text_vs_json`: allow exactly what the text printer loses (see the module docstring).
    `compare_types`: also compare the checked types recorded on expressions (where both have one).
    """
    if list(a.functions) != list(b.functions) and set(a.functions) != set(b.functions):
        return Difference("module", f"functions {sorted(a.functions)} != {sorted(b.functions)}")
    comparer = _Comparer(text_vs_json, compare_types)
    for name in a.functions:
        diff = comparer.run(a.functions[name], b.functions[name], f"@{name}")
        if diff is not None:
            return diff
    if set(a.type_definitions) != set(b.type_definitions):
        return Difference(
            "module", f"type definitions {sorted(a.type_definitions)} != {sorted(b.type_definitions)}"
        )
    for name in a.type_definitions:
        diff = comparer.run(a.type_definitions[name], b.type_definitions[name], f"type {name}")
        if diff is not None:
            return diff
    return None
