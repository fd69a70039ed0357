"""Report lines (``path:line:col: RULE-ID SEVERITY: message``) and the summary."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable

from rewriters.registry import Severity

TODO_MARK = "TODO(tvm-migrate"
SYNTAX_RULE = "syntax-error"
IO_RULE = "io-error"


def todo_comment(rule_id: str, message: str) -> str:
    """The comment left above a site that was not rewritten automatically."""
    return f"# {TODO_MARK} {rule_id}): {' '.join(message.split())}"


@dataclass(frozen=True)
class Finding:
    """One report line. ``line``/``column`` are 1-based, in the input file."""

    path: str
    line: int
    column: int
    rule_id: str
    severity: Severity
    message: str
    cell: int | None = None  # notebook cell number (1-based), None for .py files
    acknowledged: bool = False  # already marked with a TODO(tvm-migrate ...) comment

    def location(self) -> str:
        if self.cell is not None:
            return f"{self.path}:cell {self.cell}:{self.line}:{self.column}"
        return f"{self.path}:{self.line}:{self.column}"

    def format(self) -> str:
        sev = "acknowledged" if self.acknowledged else self.severity.value
        return f"{self.location()}: {self.rule_id} {sev}: {self.message}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @property
    def needs_attention(self) -> bool:
        return self.severity is Severity.ERROR and not self.acknowledged


@dataclass
class FileResult:
    """What the codemod did (or would do) to one file."""

    path: str
    original: bytes | None = None
    rewritten: bytes | None = None
    findings: list[Finding] = field(default_factory=list)
    skipped: bool = False  # syntax error or unreadable: left untouched
    written: bool = False

    @property
    def changed(self) -> bool:
        return (
            not self.skipped
            and self.rewritten is not None
            and self.original is not None
            and self.rewritten != self.original
        )


@dataclass
class Summary:
    files: int = 0
    changed: int = 0
    skipped: int = 0
    per_rule: Counter = field(default_factory=Counter)
    per_severity: Counter = field(default_factory=Counter)
    acknowledged: int = 0

    @classmethod
    def of(cls, results: Iterable[FileResult]) -> "Summary":
        summary = cls()
        for result in results:
            summary.files += 1
            summary.changed += result.changed
            summary.skipped += result.skipped
            for f in result.findings:
                if f.acknowledged:
                    summary.acknowledged += 1
                    continue
                summary.per_rule[f.rule_id] += 1
                summary.per_severity[f.severity.value] += 1
        return summary

    def format(self) -> str:
        lines = [
            f"tvm-migrate codemod: {self.files} file(s) checked, {self.changed} "
            f"rewritten{'' if not self.skipped else f', {self.skipped} skipped'}"
        ]
        if self.per_rule:
            lines.append("by rule:")
            width = max(len(r) for r in self.per_rule)
            for rule, count in sorted(self.per_rule.items()):
                lines.append(f"  {rule:<{width}}  {count}")
        sev = ", ".join(
            f"{s.value} {self.per_severity.get(s.value, 0)}" for s in Severity
        )
        lines.append(f"by severity: {sev}")
        if self.acknowledged:
            lines.append(f"already marked TODO(tvm-migrate ...): {self.acknowledged}")
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "files": self.files,
            "changed": self.changed,
            "skipped": self.skipped,
            "per_rule": dict(sorted(self.per_rule.items())),
            "per_severity": {s.value: self.per_severity.get(s.value, 0) for s in Severity},
            "acknowledged": self.acknowledged,
        }


def report_text(results: list[FileResult], include_acknowledged: bool = False, with_lines: bool = True) -> str:
    """Report lines (unless ``with_lines`` is false) followed by the summary."""
    lines = [
        f.format()
        for r in results
        for f in r.findings
        if with_lines and (include_acknowledged or not f.acknowledged)
    ]
    lines.append(Summary.of(results).format())
    return "\n".join(lines) + "\n"


def report_json(results: list[FileResult]) -> str:
    payload = {
        "files": [
            {
                "path": r.path,
                "changed": r.changed,
                "skipped": r.skipped,
                "findings": [f.to_json() for f in r.findings],
            }
            for r in results
        ],
        "summary": Summary.of(results).to_json(),
    }
    return json.dumps(payload, indent=2) + "\n"
