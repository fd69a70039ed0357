"""The op table rendered from the registry: for `tvm-migrate ops` and the generated docs/op-table.md.

Never hand-edit the generated page: ``python -m op_mappings.table --markdown > docs/op-table.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional

from . import all_mappings
from .registry import STATUSES, TRANSLATED

UPSTREAM_OPS_FILE = Path(__file__).resolve().parents[2] / "shared" / "relay-ops-v0.19.txt"


def rows(status: Optional[str] = None, builtin_only: bool = False) -> list:
    out = [r for r in all_mappings() if (status is None or r.status == status) and (r.builtin or not builtin_only)]
    return out


def summary(upstream_ops: Optional[list] = None) -> dict:
    """Counts by status, and coverage of the upstream op list when given."""
    table = rows(builtin_only=True)
    counts = {s: sum(1 for r in table if r.status == s) for s in STATUSES}
    out = {"rows": len(table), "by_status": counts}
    if upstream_ops is not None:
        names = {r.relay_op for r in table}
        non_internal = [op for op in upstream_ops if not (op in names and _status(op) == "internal")]
        translated = [op for op in upstream_ops if op in names and _status(op) in TRANSLATED]
        out.update({
            "upstream_ops": len(upstream_ops),
            "without_row": sorted(op for op in upstream_ops if op not in names),
            "translated_share_of_non_internal": round(len(translated) / max(len(non_internal), 1), 4),
        })
    return out


def _status(op: str) -> str:
    from . import get_mapping

    row = get_mapping(op)
    return row.status if row else ""


def as_json(status: Optional[str] = None) -> str:
    return json.dumps([r.to_dict() for r in rows(status)], indent=2)


def as_text(status: Optional[str] = None) -> str:
    lines = []
    table = rows(status)
    width = max((len(r.relay_op) for r in table), default=10)
    for r in table:
        detail = r.relax if r.status in TRANSLATED else f"{r.reason} -> {r.action}"
        lines.append(f"{r.relay_op:<{width}}  {r.status:<11}  {detail}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def as_markdown(upstream_ops: Optional[list] = None) -> str:
    s = summary(upstream_ops)
    out = [
        "# Relay op table",
        "",
        "Generated from the translator registry (`op_mappings/`) by `python -m op_mappings.table --markdown`;",
        "do not edit by hand. Statuses: `exact` (one Relax op, same semantics), `composite` (Relax ops composed),",
        "`topi` (TOPI through emit_te), `unsupported` (reason and what to do), `internal` (Relay's own lowering).",
        "",
        "Rows: " + ", ".join(f"{k} {v}" for k, v in s["by_status"].items()) + f" (total {s['rows']}).",
    ]
    if upstream_ops is not None:
        out.append(f"Upstream v0.19 ops without a row yet: {len(s['without_row'])}.")
    out += ["", "| Relay op | status | Relax | attributes | differences / reason | family |", "|---|---|---|---|---|---|"]
    for r in rows(builtin_only=True):
        note = r.differs if r.status in TRANSLATED else f"{r.reason}. {r.action}"
        out.append(f"| `{r.relay_op}` | {r.status} | {_cell(r.relax)} | {_cell(r.attrs)} | {_cell(note)} | {r.family} |")
    return "\n".join(out) + "\n"


def upstream_ops() -> Optional[list]:
    return UPSTREAM_OPS_FILE.read_text().split() if UPSTREAM_OPS_FILE.exists() else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m op_mappings.table", description="print the Relay op table")
    parser.add_argument("--status", choices=STATUSES)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true")
    group.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    if args.json:
        sys.stdout.write(as_json(args.status) + "\n")
    elif args.markdown:
        sys.stdout.write(as_markdown(upstream_ops()))
    else:
        sys.stdout.write(as_text(args.status))
    return 0


if __name__ == "__main__":
    sys.exit(main())
