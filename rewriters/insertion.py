"""Adding what rewrites need to a file: ``import`` lines and module-level helpers.

Imports go right after the first top-level ``tvm`` import (else after the leading block
of imports, docstring and ``__future__`` imports) of the unit that holds it -- in a
notebook, the first cell importing tvm. Helpers go after that unit's leading imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from rewriters.names import build_dotted, dotted_name

if TYPE_CHECKING:  # pragma: no cover
    from rewriters.engine import RuleContext


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    )


def _imports_tvm(stmt: cst.CSTNode) -> bool:
    if not _is_import_line(stmt):
        return False
    for small in stmt.body:
        if isinstance(small, cst.Import):
            if any((getattr(a.name, "value", None) or "").startswith("tvm") or
                   _dotted_root(a.name) == "tvm" for a in small.names):
                return True
        elif small.module is not None and _dotted_root(small.module) == "tvm" and not small.relative:
            return True
    return False


def _dotted_root(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _is_docstring_or_future(stmt: cst.CSTNode) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
        return True
    return (
        isinstance(small, cst.ImportFrom)
        and small.module is not None
        and getattr(small.module, "value", None) == "__future__"
    )


def _home_unit(ctx: "RuleContext") -> int:
    for unit in ctx.units:
        if any(_imports_tvm(s) for s in unit.new_module.body):
            return unit.index
    for unit in ctx.units:
        if unit.new_module.body:
            return unit.index
    return 0


def insert_requirements(ctx: "RuleContext") -> None:
    needed = [m for m in ctx.required_imports]
    if not needed and not ctx.helpers:
        return
    unit = ctx.units[_home_unit(ctx)]
    body = list(unit.new_module.body)
    # imports go right after the first top-level tvm import, else after the
    # leading block of imports / docstring / __future__ imports.
    at = next((i + 1 for i, s in enumerate(body) if _imports_tvm(s)), None)
    if at is None:
        at = 0
        for i, stmt in enumerate(body):
            if _is_import_line(stmt) or _is_docstring_or_future(stmt):
                at = i + 1
            else:
                break
    existing = {
        dotted
        for s in body
        if _is_import_line(s)
        for small in s.body
        if isinstance(small, cst.Import)
        for alias in small.names
        if alias.asname is None and (dotted := dotted_name(alias.name))
    }
    new_lines = [
        cst.SimpleStatementLine(body=[cst.Import(names=[cst.ImportAlias(name=build_dotted(m))])])
        for m in needed
        if m not in existing
    ]
    body[at:at] = new_lines
    if ctx.helpers:
        end = at + len(new_lines)
        for i, stmt in enumerate(body):
            if i >= end and (_is_import_line(stmt) or _is_docstring_or_future(stmt)):
                end = i + 1
            elif i >= end:
                break
        helper_nodes = []
        for code in ctx.helpers.values():
            parsed = cst.parse_module(code).body
            first = parsed[0]
            first = first.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *first.leading_lines])
            helper_nodes.extend([first, *parsed[1:]])
        body[end:end] = helper_nodes
        after = end + len(helper_nodes)
        if after < len(body) and hasattr(body[after], "leading_lines"):
            following = body[after]
            blank = 0
            for line in following.leading_lines:
                if line.comment is not None:
                    break
                blank += 1
            if blank < 2:  # two blank lines after a top-level def (PEP 8)
                body[after] = following.with_changes(
                    leading_lines=[cst.EmptyLine()] * (2 - blank) + list(following.leading_lines))
    unit.new_module = unit.new_module.with_changes(body=body)
