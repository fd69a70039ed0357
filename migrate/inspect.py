"""The pre-flight view of a Relay module: signature, op histogram, params summary."""

from __future__ import annotations

from typing import Optional

import numpy as np

from . import relay_ir as ir
from .attrs import is_known_op


def format_type(ty: Optional[ir.Type]) -> str:
    """A type as the Relay text printer writes it (``Tensor[(1, 3), float32]``, ``float32``)."""
    if ty is None:
        return "?"
    if isinstance(ty, ir.TensorType):
        if not ty.shape:
            return ty.dtype
        dims = ", ".join(repr(d) for d in ty.shape)
        return f"Tensor[({dims}), {ty.dtype}]"
    if isinstance(ty, ir.TupleType):
        inner = ", ".join(format_type(f) for f in ty.fields)
        return f"({inner},)" if len(ty.fields) == 1 else f"({inner})"
    if isinstance(ty, ir.FuncType):
        args = ", ".join(format_type(a) for a in ty.arg_types)
        return f"fn ({args}) -> {format_type(ty.ret_type)}"
    if isinstance(ty, (ir.TypeVar, ir.GlobalTypeVar)):
        return ty.name
    if isinstance(ty, ir.TypeCall):
        return f"{format_type(ty.func)}[{', '.join(format_type(a) for a in ty.args)}]"
    if isinstance(ty, ir.RefType):
        return f"Ref[{format_type(ty.value)}]"
    return "_"


def _param_type(var: ir.Var) -> Optional[ir.Type]:
    return var.type_annotation or var.checked_type


def _ret_type(func: ir.Function) -> Optional[ir.Type]:
    if func.ret_type is not None:
        return func.ret_type
    if isinstance(func.checked_type, ir.FuncType):
        return func.checked_type.ret_type
    return None


def _shape_of(ty: Optional[ir.Type]):
    if isinstance(ty, ir.TensorType):
        return tuple(ty.shape), ty.dtype
    return None, None


def _shape_matches(declared: tuple, actual: tuple) -> bool:
    if len(declared) != len(actual):
        return False
    return all(not isinstance(d, int) or d == a for d, a in zip(declared, actual))


def summarize(mod: ir.IRModule, params: Optional[dict] = None) -> dict:
    """A JSON-ready summary of `mod` (and of `params` checked against ``main``'s signature)."""
    functions = []
    for name, func in mod.functions.items():
        functions.append(
            {
                "name": name,
                "params": [{"name": p.name, "type": format_type(_param_type(p))} for p in func.params],
                "ret_type": format_type(_ret_type(func)),
                "attrs": {k: v for k, v in func.attrs.items() if isinstance(v, (int, float, str, bool))},
            }
        )
    histogram = ir.op_histogram(mod)
    summary = {
        "source": mod.source_name,
        "format": mod.source_format,
        "version": mod.version,
        "functions": functions,
        "type_definitions": sorted(mod.type_definitions),
        "ops": histogram,
        "op_calls": sum(histogram.values()),
        "non_upstream_ops": sorted(op for op in histogram if not is_known_op(op)),
    }
    if params is not None:
        summary["params"] = _summarize_params(mod, params)
    return summary


def _summarize_params(mod: ir.IRModule, params: dict) -> dict:
    main = mod.functions.get("main")
    declared = {p.name: _param_type(p) for p in main.params} if main is not None else {}
    mismatched, unused = [], []
    for name, array in params.items():
        if name not in declared:
            unused.append(name)
            continue
        shape, dtype = _shape_of(declared[name])
        if shape is None:
            continue
        if not _shape_matches(shape, array.shape) or dtype != str(array.dtype):
            mismatched.append(
                {
                    "name": name,
                    "declared": format_type(declared[name]),
                    "given": f"{str(array.dtype)}{list(array.shape)}",
                }
            )
    dtypes: dict = {}
    for array in params.values():
        dtypes[str(array.dtype)] = dtypes.get(str(array.dtype), 0) + 1
    return {
        "count": len(params),
        "elements": int(sum(int(np.prod(a.shape)) for a in params.values())),
        "bytes": int(sum(a.nbytes for a in params.values())),
        "dtypes": dict(sorted(dtypes.items())),
        "inputs": [name for name in declared if name not in params],
        "bound": [name for name in declared if name in params],
        "not_in_main": sorted(unused),
        "mismatched": mismatched,
    }


def _human_bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _name_list(names: list, sigil: str = "", most: int = 8) -> str:
    shown = ", ".join(sigil + n for n in names[:most])
    return shown + (f", ... ({len(names) - most} more; --json lists all)" if len(names) > most else "")


def render_text(summary: dict) -> str:
    """The summary as a person reads it."""
    lines = [f"{summary['source']} (Relay {summary['format']}, {summary['version'] or 'version unknown'})", ""]
    bound = set(summary["params"]["bound"]) if "params" in summary else set()
    for func in summary["functions"]:
        lines.append(f"def @{func['name']}(")
        shown = [p for p in func["params"] if func["name"] != "main" or p["name"] not in bound]
        for p in shown:
            lines.append(f"    %{p['name']}: {p['type']},")
        if len(shown) < len(func["params"]):
            lines.append(f"    ... and {len(func['params']) - len(shown)} weights given by the params file")
        attrs = "".join(f" {k}={v!r}" for k, v in func["attrs"].items())
        lines.append(f") -> {func['ret_type']}{attrs}")
    if summary["type_definitions"]:
        lines.append(f"type definitions: {', '.join(summary['type_definitions'])}")
    lines.append("")
    ops = summary["ops"]
    lines.append(f"ops: {summary['op_calls']} calls of {len(ops)} distinct ops")
    width = max((len(op) for op in ops), default=0)
    for op, count in ops.items():
        mark = "  (not an upstream v0.19 op)" if op in summary["non_upstream_ops"] else ""
        lines.append(f"  {op:<{width}}  {count:>6}{mark}")
    if "params" in summary:
        p = summary["params"]
        lines.append("")
        dtypes = ", ".join(f"{k} x{v}" for k, v in p["dtypes"].items())
        lines.append(
            f"params: {p['count']} arrays, {p['elements']:,} elements, {_human_bytes(p['bytes'])} ({dtypes})"
        )
        lines.append(f"  inputs left to the caller: {_name_list(p['inputs'], '%') or 'none'}")
        if p["not_in_main"]:
            lines.append(f"  not parameters of @main (ignored): {_name_list(p['not_in_main'])}")
        if p["count"] and not p["bound"]:
            lines.append("  WARNING: no array in the params file is a parameter of @main: is it the right file?")
        for m in p["mismatched"]:
            lines.append(f"  MISMATCH %{m['name']}: @main declares {m['declared']}, params file has {m['given']}")
    return "\n".join(lines) + "\n"
