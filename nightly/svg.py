"""Two small inline-SVG charts for the zoo report (no plotting library): a line chart of the pass
rate over runs and a log-log scatter of Relax/Relay latency ratio against Relay latency."""

from __future__ import annotations

import math
from html import escape


def _svg(width, height, body, title):
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
            'aria-label="%s" font-family="sans-serif" font-size="11">%s</svg>'
            % (width, height, width, height, escape(title), "".join(body)))


def pass_rate_chart(history, width=640, height=220):
    """Pass rate (0-100 %) of each run in `history` (dicts with "date", "pass_rate", "passed", "models")."""
    points = [h for h in history if isinstance(h.get("pass_rate"), (int, float))]
    left, right, top, bottom = 44, 16, 14, 36
    w, h = width - left - right, height - top - bottom
    body = ['<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#bbb"/>' % (left, top, w, h)]
    for pct in (0, 25, 50, 75, 100):
        y = top + h - h * pct / 100.0
        body.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>' % (left, left + w, y, y))
        body.append('<text x="%d" y="%.1f" text-anchor="end" dy="4">%d%%</text>' % (left - 4, y, pct))
    if not points:
        body.append('<text x="%d" y="%d" text-anchor="middle">no runs yet</text>' % (left + w // 2, top + h // 2))
        return _svg(width, height, body, "pass rate per run")
    n = len(points)

    def xy(i, rate):
        x = left + (w * (i + 0.5) / n)
        return x, top + h - h * rate

    coords = [xy(i, p["pass_rate"]) for i, p in enumerate(points)]
    if n > 1:
        body.append('<polyline fill="none" stroke="#1d4f91" stroke-width="2" points="%s"/>'
                    % " ".join("%.1f,%.1f" % c for c in coords))
    step = max(1, n // 8)
    for i, (p, (x, y)) in enumerate(zip(points, coords)):
        label = "%s: %s of %s passed (%.1f%%)" % (p.get("date", "?"), p.get("passed", "?"), p.get("models", "?"),
                                                  100 * p["pass_rate"])
        body.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="#1d4f91"><title>%s</title></circle>'
                    % (x, y, escape(label)))
        if i % step == 0 or i == n - 1:
            body.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                        % (x, top + h + 16, escape(str(p.get("date", ""))[:10])))
    return _svg(width, height, body, "pass rate per run")


def _log_ticks(lo, hi):
    return [10.0 ** k for k in range(int(math.floor(lo)), int(math.ceil(hi)) + 1)]


def _fmt(v):
    return ("%g" % v) if 1e-3 <= v < 1e5 else "1e%d" % round(math.log10(v))


def latency_scatter(points, width=640, height=320):
    """points: [(relay_ms, ratio, name, status)] -> log-log scatter; ratio 1 is drawn as a line."""
    pts = [p for p in points if p[0] and p[1] and p[0] > 0 and p[1] > 0]
    left, right, top, bottom = 52, 16, 14, 40
    w, h = width - left - right, height - top - bottom
    body = ['<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#bbb"/>' % (left, top, w, h)]
    if not pts:
        body.append('<text x="%d" y="%d" text-anchor="middle">no latency measured</text>'
                    % (left + w // 2, top + h // 2))
        return _svg(width, height, body, "Relax/Relay latency ratio")
    xs = [math.log10(p[0]) for p in pts]
    ys = [math.log10(p[1]) for p in pts] + [0.0]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)

    def px(v):
        return left + w * (math.log10(v) - x0) / (x1 - x0)

    def py(v):
        return top + h - h * (math.log10(v) - y0) / (y1 - y0)

    for t in _log_ticks(x0, x1):
        body.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#eee"/>' % (px(t), px(t), top, top + h))
        body.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (px(t), top + h + 14, _fmt(t)))
    for t in _log_ticks(y0, y1):
        body.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>' % (left, left + w, py(t), py(t)))
        body.append('<text x="%d" y="%.1f" text-anchor="end" dy="4">%s</text>' % (left - 4, py(t), _fmt(t)))
    body.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#888" stroke-dasharray="4 3"/>'
                % (left, left + w, py(1.0), py(1.0)))
    body.append('<text x="%d" y="%d" text-anchor="middle">Relay latency (ms, log)</text>'
                % (left + w // 2, height - 6))
    body.append('<text transform="translate(12,%d) rotate(-90)" text-anchor="middle">Relax / Relay (log)</text>'
                % (top + h // 2))
    colors = {"pass": "#176117", "mismatch": "#a11", "error": "#a11"}
    for relay_ms, ratio, name, status in pts:
        body.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s" fill-opacity="0.75"><title>%s: Relay %.3g ms, '
                    'Relax %.3gx</title></circle>' % (px(relay_ms), py(ratio), colors.get(status, "#888"),
                                                    escape(name), relay_ms, ratio))
    return _svg(width, height, body, "Relax/Relay latency ratio")
