"""The zoo's HTML report (jinja2): a summary, two inline-SVG charts, one row per model, the failures."""

from __future__ import annotations

import math
import os
import tempfile

from .svg import latency_scatter, pass_rate_chart

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
STATUS_ORDER = {"error": 0, "build-failed": 1, "mismatch": 2, "pass": 3, "skipped": 4}


def _num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def model_view(row):
    """A row of results.json reduced to what the table shows (missing values are None)."""
    check = row.get("check") or {}
    outputs = check.get("outputs") or []
    abs_errs = [_num(o.get("max_abs")) for o in outputs]
    rel_errs = [_num(o.get("max_rel")) for o in outputs]
    nonfinite = any(o.get("max_abs") is not None and _num(o.get("max_abs")) is None for o in outputs)
    ops = row.get("relay_ops") or {}
    return {
        "name": row["name"], "source": row.get("source", ""), "status": row["status"], "error": row.get("error"),
        "ops": sorted(ops.items(), key=lambda kv: (-kv[1], kv[0])), "op_calls": sum(ops.values()),
        "max_abs": max([e for e in abs_errs if e is not None], default=None), "nonfinite_error": nonfinite,
        "max_rel": max([e for e in rel_errs if e is not None], default=None),
        "mismatched": [o for o in outputs if not o.get("passed")],
        "rtol": row.get("rtol"), "atol": row.get("atol"),
        "convert_s": _num(check.get("convert_s")), "compile_s": _num(check.get("compile_s")),
        "relay_ms": _num(check.get("relay_latency_ms")), "relax_ms": _num(check.get("relax_latency_ms")),
        "ratio": _num(check.get("latency_ratio")), "build_s": _num(row.get("build_s")), "cached": row.get("cached"),
        "wall_s": _num(row.get("wall_s")), "divergence": check.get("divergence"), "note": row.get("build_note"),
    }


def render_report(results, history):
    """HTML text for `results` (the dict run.py writes to results.json) and the history entries."""
    import jinja2

    history = [{"date": h.get("date", "?"), "passed": h.get("passed"), "models": h.get("models"),
                "pass_rate": _num(h.get("pass_rate")), "elapsed_s": h.get("elapsed_s"), "only": h.get("only") or []}
               for h in history]

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    models = [model_view(r) for r in results["models"]]
    ran = [m for m in models if m["status"] != "skipped"]
    by_status = {}
    for m in models:
        by_status[m["status"]] = by_status.get(m["status"], 0) + 1
    op_totals = {}
    for m in ran:
        for op, _ in m["ops"]:
            op_totals[op] = op_totals.get(op, 0) + 1
    failing_ops = {}
    for m in ran:
        if m["status"] != "pass":
            for op, _ in m["ops"]:
                failing_ops[op] = failing_ops.get(op, 0) + 1
    slowest = sorted([m for m in ran if m["wall_s"] is not None], key=lambda m: -m["wall_s"])[:10]
    scatter = latency_scatter([(m["relay_ms"], m["ratio"], m["name"], m["status"]) for m in ran])
    return env.get_template("zoo_report.html.j2").render(
        results=results, summary=results["summary"], models=sorted(models, key=lambda m: (
            STATUS_ORDER.get(m["status"], 0), m["name"])),
        failures=[m for m in ran if m["status"] != "pass"], by_status=sorted(by_status.items()),
        history_svg=pass_rate_chart(history), latency_svg=scatter, slowest=slowest,
        op_rows=sorted(((op, n, failing_ops.get(op, 0)) for op, n in op_totals.items()),
                       key=lambda r: (-r[2], -r[1], r[0])),
        history=list(reversed(history[-20:])), fmt=_fmt)


def _fmt(v, spec="%.3g"):
    return "" if v is None else spec % v


def write_report(path, results, history):
    """Render and write the report atomically; returns its path."""
    html = render_report(results, history)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".html", dir=os.path.dirname(os.path.abspath(path)))
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(html)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path
