"""The conversion report of `tvm-migrate convert`: a JSON document and a readable HTML page (jinja2).

It says which Relay ops the model uses (with counts) and how each maps to Relax (status and target
from the op-alignment table), what the user should know (warnings), the semantic differences that
apply to those ops, the weights, and how long each step took.
"""

from __future__ import annotations

import os
import platform

from . import __version__
from . import relay_ir as ir

REPORT_FORMAT = "tvm-migrate-report/1"


def build_report(*, name, relay_mod, relax_mod, entry, names, params, weights, params_source, renamed, nonfinite,
                 caught, timings) -> dict:
    """The JSON-ready report of one conversion (see `migrate.convert.convert`)."""
    from op_mappings import get_mapping

    histogram = ir.op_histogram(relay_mod)
    ops, differences = [], []
    for op, count in histogram.items():
        row = get_mapping(op)
        entry_ = {
            "op": op, "count": count,
            "status": row.status if row else "unknown",
            "relax": row.relax if row else "",
            "family": row.family if row else "",
            "builtin": row.builtin if row else False,
        }
        ops.append(entry_)
        if row is not None and row.differs:
            differences.append({"op": op, "differs": row.differs})
    warnings = []
    for op in ops:
        if op["status"] == "topi":
            warnings.append(f"{op['op']} ({op['count']}x) is lowered through TOPI (emit_te): opaque to Relax "
                            f"passes such as fusion and layout conversion")
        if not op["builtin"] and op["status"] != "unknown":
            warnings.append(f"{op['op']} is translated by a registered (non built-in) translator: {op['family']}")
    if renamed:
        shown = ", ".join(f"'{o}' -> '{n}'" for _, o, n in renamed[:3])
        more = f" and {len(renamed) - 3} more" if len(renamed) > 3 else ""
        warnings.append(f"{len(renamed)} variable name(s) are not Python identifiers (or are reserved) and are "
                        f"renamed in the TVMScript file: {shown}{more}; <name>.names.json maps the entry "
                        f"function's Relay parameter names to the new ones")
    if nonfinite:
        warnings.append(f"{nonfinite} non-finite scalar constant(s) written as R.const(float('inf'), ...) and the like "
                        f"(TVM 0.27 prints R.const(\"-inf\"), which its parser rejects)")
    relay_params = {p.name for p in relay_mod.functions[entry].params}
    unused = sorted(k for k in params if k not in relay_params)
    if unused:
        shown = ", ".join(unused[:10]) + (f" and {len(unused) - 10} more" if len(unused) > 10 else "")
        warnings.append(f"{len(unused)} param(s) not used by @{entry} (not written): {shown}")
    dropped = sorted(n for n in relay_mod.functions if n not in {gv.name_hint for gv in relax_mod.functions})
    if dropped:
        warnings.append(f"global function(s) not reachable from @{entry} were not converted: "
                        + ", ".join("@" + n for n in dropped))
    for w in caught:
        warnings.append(f"{w.category.__name__}: {w.message}")

    tensors = [p for p in names["parameters"] if p["kind"] != "input"]
    constants = sum(p["kind"] == "const" for p in tensors)
    if constants:
        warnings.append(f"{constants} tensor constant(s) of the Relay program are trailing parameters const_<k> of "
                        f"@{entry} in the TVMScript file (TVM 0.27 cannot print tensor constants); their values "
                        f"are in the params file, and ConvertedModel.bind() binds them")
    by_dtype: dict = {}
    total_bytes = 0
    for p in tensors:
        nbytes = int(weights[p["name"]].nbytes)
        total_bytes += nbytes
        d = by_dtype.setdefault(p["dtype"], {"count": 0, "bytes": 0})
        d["count"] += 1
        d["bytes"] += nbytes
    status_counts: dict = {}
    for op in ops:
        status_counts[op["status"]] = status_counts.get(op["status"], 0) + op["count"]
    return {
        "format": REPORT_FORMAT,
        "name": name,
        "tool": {"tvm_migrate": __version__, "tvm": _tvm_version(), "python": platform.python_version()},
        "source": {"path": relay_mod.source_name, "format": relay_mod.source_format, "version": relay_mod.version,
                   "params": params_source},
        "entry": entry,
        "functions": sorted(gv.name_hint for gv in relax_mod.functions),
        "op_calls": sum(histogram.values()),
        "status_counts": status_counts,
        "ops": ops,
        "semantic_differences": differences,
        "warnings": warnings,
        "inputs": [p for p in names["parameters"] if p["kind"] == "input"],
        "params": {"count": len(tensors), "constants": constants, "bytes": total_bytes, "by_dtype": by_dtype,
                   "unused": unused, "tensors": tensors},
        "renamed": [{"function": f, "relay": o, "tvmscript": n} for f, o, n in renamed],
        "timings": {k: round(v, 6) for k, v in timings.items()},
    }


def _tvm_version() -> str:
    try:
        import tvm

        return str(tvm.__version__)
    except Exception:  # noqa: BLE001
        return "unknown"


def render_html(report: dict) -> str:
    """The report as a self-contained HTML page."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_bytes"] = _human_bytes
    return env.get_template("report.html.j2").render(r=report)


def _human_bytes(n) -> str:
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
