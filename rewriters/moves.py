"""Declarative renames of qualified names (ruff NPY201-style tables).

Rules declare ``moves = {old: Move(old, new, note)}``. A move applies to ``old`` and
everything under it (``tvm.contrib.utils`` covers ``tvm.contrib.utils.tempdir``);
the longest matching ``old`` wins, so a table can move a module and override single
members (``tvm.nd`` -> ``tvm.runtime`` but ``tvm.nd.array`` -> ``tvm.runtime.tensor``).

Imports are rewritten so that every local name keeps working:
``from tvm import nd`` becomes ``from tvm import runtime as nd`` and
``nd.array(x)`` then becomes ``nd.tensor(x)``. Attribute chains are rewritten at the
node where a key ends. A move whose ``new`` is None is flagged, not rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import libcst as cst

from rewriters.names import build_dotted, dotted_name, import_module_path, is_under, root_name
from rewriters.registry import Move, Rule

if TYPE_CHECKING:  # pragma: no cover
    from rewriters.engine import RuleContext


@dataclass(frozen=True)
class MoveHit:
    key: str
    move: Move
    rule_id: str


class MoveTable:
    def __init__(self, entries: dict[str, tuple[Move, str]]) -> None:
        self.entries = entries
        self._cache: dict[str, MoveHit | None] = {}

    @classmethod
    def from_rules(cls, rules: Sequence[type[Rule]]) -> "MoveTable":
        entries: dict[str, tuple[Move, str]] = {}
        for rule in rules:
            for key, move in rule.moves.items():
                entries[key] = (move, rule.id)
        return cls(entries)

    def lookup(self, qualname: str) -> MoveHit | None:
        """The move with the longest key covering ``qualname``."""
        if qualname in self._cache:
            return self._cache[qualname]
        hit = None
        parts = qualname.split(".")
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            if key in self.entries:
                move, rule_id = self.entries[key]
                hit = MoveHit(key, move, rule_id)
                break
        self._cache[qualname] = hit
        return hit

    def translate(self, qualname: str) -> str | None:
        """The 0.27 name of ``qualname`` (itself when no move covers it; None if gone)."""
        hit = self.lookup(qualname)
        if hit is None:
            return qualname
        if hit.move.new is None:
            return None
        return hit.move.new + qualname[len(hit.key):]


def _describe(old: str, move: Move) -> str:
    text = f"`{old}` is `{move.new}` in TVM 0.27"
    return f"{text} ({move.note})" if move.note else text


class MoveApplier:
    """Engine component applying the moves of the active rules (imports + references)."""

    def __init__(self, ctx: "RuleContext") -> None:
        self.ctx = ctx
        self.table = ctx.moves
        self._splits: dict[int, list[cst.ImportFrom]] = {}
        self._pending: dict[int, tuple[str, cst.CSTNode, str]] = {}

    # -- imports ------------------------------------------------------------------------
    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        if not self.table.entries:
            return updated
        names = list(updated.names)
        changed = False
        for i, alias in enumerate(original.names):
            full = dotted_name(alias.name)
            hit = self.table.lookup(full) if full else None
            if hit is None:
                continue
            if hit.move.new is None:
                self.ctx.flag(hit.rule_id, alias, f"`{full}` has no counterpart in TVM 0.27: {hit.move.note}")
                continue
            new_full = self.table.translate(full)
            names[i] = names[i].with_changes(name=build_dotted(new_full))
            changed = True
            self.ctx.note(hit.rule_id, alias, f"import `{full}` -> `{new_full}`" + _note(hit.move))
        return updated.with_changes(names=names) if changed else updated

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if not self.table.entries:
            return updated
        module = import_module_path(original)
        if module is None:
            return updated
        if isinstance(original.names, cst.ImportStar):
            hit = self.table.lookup(module)
            if hit is None:
                return updated
            if hit.move.new is None:
                self.ctx.flag(hit.rule_id, original, f"`{module}` has no counterpart in TVM 0.27: {hit.move.note}")
                return updated
            new_module = self.table.translate(module)
            self.ctx.note(hit.rule_id, original, f"import `{module}` -> `{new_module}`" + _note(hit.move))
            return updated.with_changes(module=build_dotted(new_module))
        groups: dict[str, list[cst.ImportAlias]] = {}
        changed = False
        for alias, new_alias in zip(original.names, updated.names):
            name = dotted_name(alias.name) or ""
            full = f"{module}.{name}"
            hit = self.table.lookup(full)
            target_module = module
            if hit is not None and hit.move.new is None:
                self.ctx.flag(hit.rule_id, alias, f"`{full}` has no counterpart in TVM 0.27: {hit.move.note}")
            elif hit is not None:
                new_full = self.table.translate(full)
                target_module, _, new_name = new_full.rpartition(".")
                local = (
                    alias.asname.name.value
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                    else name
                )
                asname = None if local == new_name else cst.AsName(name=cst.Name(local))
                new_alias = new_alias.with_changes(name=cst.Name(new_name), asname=asname)
                changed = True
                self.ctx.note(hit.rule_id, alias, f"`{full}` -> `{new_full}`" + _note(hit.move))
            groups.setdefault(target_module, []).append(new_alias)
        if not changed:
            return updated
        if len(groups) == 1:
            (target_module, aliases), = groups.items()
            return updated.with_changes(module=build_dotted(target_module), names=aliases)
        parts = []
        for target_module, aliases in groups.items():
            aliases = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in aliases]
            parts.append(
                cst.ImportFrom(module=build_dotted(target_module), names=aliases)
            )
        self._splits[id(parts[0])] = parts
        return parts[0]

    def leave_SimpleStatementLine(self, original, updated):
        if not self._splits:
            return updated
        lines: list[cst.SimpleStatementLine] = []
        current: list[cst.BaseSmallStatement] = []
        split = False
        for small in updated.body:
            parts = self._splits.pop(id(small), None)
            if parts is None:
                current.append(small)
                continue
            split = True
            current.append(parts[0])
            for part in parts[1:]:
                lines.append(cst.SimpleStatementLine(body=current))
                current = [part]
        if not split:
            return updated
        lines.append(cst.SimpleStatementLine(body=current))
        lines[0] = lines[0].with_changes(leading_lines=updated.leading_lines)
        lines[-1] = lines[-1].with_changes(trailing_whitespace=updated.trailing_whitespace)
        return cst.FlattenSentinel(lines)

    # -- references -------------------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if not self.table.entries:
            return updated
        qualname = self.ctx.resolve(original)
        if qualname is None:
            return updated
        hit = self.table.lookup(qualname)
        if hit is None:
            return updated
        root = root_name(original)
        if hit.key != qualname:
            pending = self._pending.get(id(root))
            if pending is not None and pending[0] == "note" and hit.move.new is not None:
                message = f"`{qualname}` is `{self.table.translate(qualname)}` in TVM 0.27" + _note(hit.move)
                self._pending[id(root)] = ("note", original, hit.rule_id, message)
            return updated
        if hit.move.new is None:
            self._pending[id(root)] = ("flag", original, hit.rule_id,
                                       f"`{qualname}` has no counterpart in TVM 0.27: {hit.move.note}")
            # keep the site as written (an inner link may have been moved already)
            return original if dotted_name(original) is not None else updated
        new = hit.move.new
        self.ctx.handled(original)
        self._pending[id(root)] = ("note", original, hit.rule_id, _describe(qualname, hit.move))
        expr = self._express(root.value, new, hit.move.module)
        return expr.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def _express(self, local: str, qualname: str, module: str | None) -> cst.BaseExpression:
        """``qualname`` through the same local name when it still covers it."""
        target = self.ctx.imports.target_of(local)
        new_target = self.table.translate(target) if target else None
        if new_target is not None and is_under(qualname, new_target):
            if module is not None and not self.ctx._module_imported(module):
                self.ctx.require_import(module)
            return build_dotted(local + qualname[len(new_target):])
        return self.ctx.reference(qualname, module)

    def leave_statement(self, original, updated):
        for kind, node, rule_id, message in self._pending.values():
            if kind == "flag":
                self.ctx.flag(rule_id, node, message)
            else:
                self.ctx.note(rule_id, node, message)
        self._pending.clear()
        return updated


def _note(move: Move) -> str:
    return f" ({move.note})" if move.note else ""
