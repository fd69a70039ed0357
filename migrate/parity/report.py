"""How `tvm-migrate check` shows its verdicts: a text block per bundle, a JSON document, an HTML page."""

from __future__ import annotations

import os
import platform
import sys
import tempfile

from .. import __version__

CHECK_FORMAT = "tvm-migrate-check/1"


def _num(value, fmt: str = ".3g") -> str:
    return "-" if value is None else format(value, fmt)


def summary_line(checks: list) -> str:
    passed = sum(c.passed for c in checks)
    return f"{passed} passed, {len(checks) - passed} failed of {len(checks)}"


def render_text(check) -> str:
    """One bundle's verdict as a readable block."""
    lines = [f"{'PASS' if check.passed else 'FAIL'} {check.name}  ({check.path})"]
    if check.error:
        lines += ["  " + ln for ln in check.error.splitlines()]
        return "\n".join(lines) + "\n"
    rows = [("output", "dtype", "shape", "max abs err", "max rel err", "mismatched", "")]
    for o in check.outputs:
        shape = str(tuple(o.shape)) if o.shape == o.expected_shape else f"{tuple(o.shape)} vs {tuple(o.expected_shape)}"
        dtype = o.dtype if o.dtype == o.expected_dtype else f"{o.dtype} vs {o.expected_dtype}"
        frac = "-" if o.mismatch_fraction is None else f"{o.mismatch_fraction:.2%}"
        rows.append((o.key, dtype, shape, _num(o.max_abs), _num(o.max_rel), frac,
                     "ok" if o.passed else "FAIL" + (f": {o.message}" if o.message else "")))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for r in rows:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)) + ("  " + r[6] if r[6] else ""))
    relay, relax = check.relay_latency_ms, check.relax_latency_ms
    latency = f"  latency: Relax {_num(relax, '.3f')} ms"
    if relay is not None:
        latency += f", Relay {relay:.3f} ms"
        if check.latency_ratio is not None:
            latency += f" (Relax/Relay {check.latency_ratio:.2f}x)"
    else:
        latency += " (no Relay latency: the bundle has no meta.json)"
    lines.append(latency)
    lines.append(f"  convert {_num(check.convert_s, '.2f')} s, compile {_num(check.compile_s, '.2f')} s; "
                 f"rtol {check.rtol:g}, atol {check.atol:g}, target {check.target}, pipeline {check.pipeline}")
    d = check.divergence
    if d is not None:
        lines.append(f"  divergence: {d.message}")
        if d.node is not None:
            if d.attrs:
                lines.append("    attrs: " + ", ".join(f"{k}={v}" for k, v in d.attrs.items()))
            lines.append("    inputs: " + ("; ".join(d.input_shapes) or "(none)"))
    elif not check.passed:
        lines.append("  (re-export the bundle with relay_export.py --intermediates to find the first diverging node)")
    return "\n".join(lines) + "\n"


def to_json(checks: list) -> dict:
    passed = sum(c.passed for c in checks)
    return {
        "format": CHECK_FORMAT,
        "tool": {"tvm_migrate": __version__, "tvm": _tvm_version(), "python": platform.python_version()},
        "summary": {"passed": passed, "failed": len(checks) - passed, "total": len(checks)},
        "bundles": [c.to_dict() for c in checks],
    }


from ..report import _tvm_version  # noqa: E402  (one place says which TVM made a report)


def render_html(checks: list) -> str:
    """All verdicts as one self-contained HTML page (templates/check.html.j2)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                    "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["num"] = _num
    return env.get_template("check.html.j2").render(doc=to_json(checks), summary=summary_line(checks))


def write_atomic(path: str, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same directory and a rename."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Progress:
    """Progress on stderr for several bundles: a redrawn bar on a terminal; elsewhere (CI logs) one
    plain line per bundle, and only for long runs (PLAIN_FROM bundles or more)."""

    PLAIN_FROM = 20

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, done: int, total: int, name: str) -> None:
        if total < 2:
            return
        if not self.tty:
            if total >= self.PLAIN_FROM and done < total:
                self.stream.write(f"[{done + 1}/{total}] {name}\n")
                self.stream.flush()
            return
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        text = f"\r[{bar}] {done}/{total} {name[-40:]}"
        self.stream.write(text.ljust(self.width + 55) if done < total else "\r" + " " * (self.width + 55) + "\r")
        self.stream.flush()
