"""Errors a user can get from tvm-migrate. Each says what was found, where, and what to do.

The CLI prints `str(error)` for these and exits 2; it never shows a traceback for them.
"""

from __future__ import annotations

from typing import Optional


class MigrateError(Exception):
    """Base of every error caused by the user's input (not by a bug in tvm-migrate)."""


class RelayParseError(MigrateError):
    """Malformed Relay text: carries file:line:col, the offending line with a caret, and what was expected."""

    def __init__(
        self,
        message: str,
        source_name: str = "<string>",
        line: int = 0,
        column: int = 0,
        line_text: Optional[str] = None,
        hint: Optional[str] = None,
    ):
        self.message = message
        self.source_name = source_name
        self.line = line
        self.column = column
        self.line_text = line_text
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        out = f"{self.source_name}:{self.line}:{self.column}: error: {self.message}"
        if self.line_text is not None:
            text = self.line_text.rstrip("\n")
            # Keep very long lines readable: show a window around the column.
            col = max(self.column, 1)
            start = 0
            if len(text) > 160:
                start = max(0, col - 80)
                text = ("..." if start else "") + text[start : start + 160] + ("..." if start + 160 < len(self.line_text) else "")
                col = col - start + (3 if start else 0)
            out += f"\n  {text}\n  {' ' * (col - 1)}^"
        if self.hint:
            out += f"\n  hint: {self.hint}"
        return out


class RelayJSONError(MigrateError):
    """A `tvm.ir.save_json` document that is not a Relay module we can read."""


class RelayAttrError(MigrateError):
    """A call's attributes do not fit the op's attrs type (unknown field, wrong kind of value)."""


class ParamsError(MigrateError):
    """A params file (.params or .npz) that is truncated, corrupt, or not a params file."""


class UnsupportedInputError(MigrateError):
    """Input that is well formed but that tvm-migrate cannot handle (with the reason)."""


class UnsupportedOpsError(UnsupportedInputError):
    """Relay ops (and constructs) that tvm-migrate cannot translate, every one of them at once.

    `entries` maps each name (an op such as ``nn.lrn``, or a construct such as ``match``) to a dict with
    ``count`` (how many calls), ``where`` (the first one's location), ``reason`` and ``action``.
    """

    def __init__(self, entries: dict, source_name: str = "<string>"):
        self.entries = dict(entries)
        self.source_name = source_name
        total = sum(e["count"] for e in self.entries.values())
        lines = [
            f"{source_name}: cannot translate {len(self.entries)} Relay op"
            f"{'s' if len(self.entries) != 1 else ''}/construct{'s' if len(self.entries) != 1 else ''} "
            f"({total} use{'s' if total != 1 else ''}):"
        ]
        for name, e in self.entries.items():
            line = f"  {name}: {e['count']}x, first at {e['where']}"
            if e.get("reason"):
                line += f": {e['reason']}"
            if e.get("action"):
                line += f"; {e['action']}"
            lines.append(line)
        lines.append(
            "  (see `tvm-migrate ops` for the op table; migrate.register_translator adds a translator for an op)"
        )
        super().__init__("\n".join(lines))
