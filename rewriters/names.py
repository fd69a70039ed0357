"""Which local names refer to which qualified TVM names.

The codemod reads the import statements (at any depth) once and resolves an attribute
chain by its leftmost name, like django-upgrade and pyupgrade do. A name that an import
binds can also be rebound by a variable, a parameter, a ``for`` target... in some scope
(``def f(relay): relay.build()``); :class:`ShadowCheck` then asks libcst's
``ScopeProvider`` which assignments a use really sees. Scope analysis costs ~100 ms
per 100 lines, so it only runs on the code units whose text rebinds an imported name
(a regular-expression pre-filter); other files pay nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import libcst as cst
from libcst.metadata import Assignment, MetadataWrapper, ScopeProvider


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def root_name(node: cst.BaseExpression) -> cst.Name | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def build_dotted(name: str) -> cst.BaseExpression:
    """A Name/Attribute chain for ``a.b.c``."""
    parts = name.split(".")
    expr: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def import_module_path(node: cst.ImportFrom) -> str | None:
    """The absolute module of ``from X import ...`` (None for relative imports)."""
    if node.relative:
        return None
    return dotted_name(node.module) if node.module is not None else None


@dataclass
class Binding:
    """One local name bound by an import statement."""

    local: str
    target: str  # qualified name the local refers to
    alias: cst.ImportAlias
    statement: cst.SimpleStatementLine
    module_level: bool
    unit: int  # index of the code unit (notebook cell) holding the import
    imported_module: str  # for ``import a.b.c``: ``a.b.c``; for from-imports: target


@dataclass
class ImportTable:
    """Bindings of local names to qualified names, collected from import statements."""

    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    star_modules: list[str] = field(default_factory=list)
    imported_modules: set[str] = field(default_factory=set)

    @classmethod
    def collect(cls, modules: Iterable[cst.Module]) -> "ImportTable":
        table = cls()
        for unit, module in enumerate(modules):
            for stmt, module_level in iter_simple_statements(module.body, True):
                for small in stmt.body:
                    if isinstance(small, cst.Import):
                        table._add_import(small, stmt, module_level, unit)
                    elif isinstance(small, cst.ImportFrom):
                        table._add_import_from(small, stmt, module_level, unit)
        return table

    def _add(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.local, []).append(binding)
        self.imported_modules.add(binding.imported_module)

    def _add_import(self, node: cst.Import, stmt, module_level: bool, unit: int) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local, target = alias.asname.name.value, full
            else:
                local = target = full.split(".")[0]
            self._add(Binding(local, target, alias, stmt, module_level, unit, full))

    def _add_import_from(self, node: cst.ImportFrom, stmt, module_level: bool, unit: int) -> None:
        module = import_module_path(node)
        if module is None:
            return
        if isinstance(node.names, cst.ImportStar):
            self.star_modules.append(module)
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            local = (
                alias.asname.name.value
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                else name
            )
            target = f"{module}.{name}"
            self._add(Binding(local, target, alias, stmt, module_level, unit, target))

    # -- queries -------------------------------------------------------------------
    def target_of(self, local: str) -> str | None:
        """The qualified name ``local`` refers to (the last import wins)."""
        found = self.bindings.get(local)
        return found[-1].target if found else None

    def resolve(self, node: cst.BaseExpression) -> str | None:
        """Qualified name of a Name/Attribute chain rooted in an imported name."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        target = self.target_of(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def mentions(self, prefix: str) -> bool:
        """Whether some binding refers to ``prefix`` or something under it."""
        return any(
            is_under(b.target, prefix) or is_under(b.imported_module, prefix)
            for bs in self.bindings.values()
            for b in bs
        )


def is_under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def iter_simple_statements(
    body: Iterable[cst.CSTNode], module_level: bool
) -> Iterator[tuple[cst.SimpleStatementLine, bool]]:
    """Every SimpleStatementLine in ``body``, descending into compound statements.

    ``module_level`` stays true through ``if``/``try``/``with`` at module level and
    becomes false inside function and class bodies.
    """
    stack: list[tuple[cst.CSTNode, bool]] = [(s, module_level) for s in reversed(list(body))]
    while stack:
        node, top = stack.pop()
        if isinstance(node, cst.SimpleStatementLine):
            yield node, top
            continue
        if not isinstance(node, cst.BaseCompoundStatement):
            continue
        inner_top = top and not isinstance(node, (cst.FunctionDef, cst.ClassDef))
        for block in compound_blocks(node):
            if isinstance(block, cst.IndentedBlock):
                stack.extend((s, inner_top) for s in reversed(block.body))
            elif isinstance(block, cst.SimpleStatementSuite):
                # ``if x: import y`` -- wrap the small statements to look alike
                stack.append((cst.SimpleStatementLine(body=block.body), inner_top))


def compound_blocks(node: cst.BaseCompoundStatement) -> list[cst.BaseSuite]:
    """The suites (bodies) of a compound statement, in source order."""
    if isinstance(node, cst.Match):
        return [case.body for case in node.cases]
    blocks: list[cst.BaseSuite] = [node.body]
    if isinstance(node, (cst.Try, cst.TryStar)):
        blocks.extend(h.body for h in node.handlers)
    orelse = getattr(node, "orelse", None)
    while orelse is not None:
        blocks.append(orelse.body)
        orelse = getattr(orelse, "orelse", None) if isinstance(orelse, cst.If) else None
    final = getattr(node, "finalbody", None)
    if final is not None:
        blocks.append(final.body)
    return blocks


@functools.lru_cache(maxsize=256)
def _rebinding_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """A regex finding text that may rebind one of ``names`` outside an import:
    ``n =``, ``n: T =``, ``n :=``, ``a, n =``, ``for n``, ``as n``, ``def n``,
    ``class n``, ``global n``, a parameter ``def f(..., n, ...)`` or ``lambda n:``.
    False positives only cost a scope analysis."""
    if not names:
        return None
    alt = "|".join(map(re.escape, names))
    return re.compile(
        rf"(?<![\w.])(?:{alt})\s*(?::[^=\n]*)?=(?!=)"  # n = / n: T = / n := / f(n=...)
        rf"|(?<![\w.])(?:{alt})\s*,[^=\n]*=(?!=)"  # n, x = ...
        rf"|,\s*(?:{alt})\s*(?:,[^=\n]*)?=(?!=)"  # x, n = ...
        rf"|\b(?:for|as|def|class|global|nonlocal)\s+(?:{alt})\b"
        rf"|\b(?:def\s+\w+\s*\([^)]*|lambda[^:]*)(?<![\w.])(?:{alt})\b"
    )


class ShadowCheck:
    """Tells whether a use of an imported name sees a non-import binding instead.

    A use is *shadowed* when the assignments of its name visible from its scope
    (``ScopeProvider``) exist and none of them is an import, e.g. a parameter or a
    local variable named like a module alias. A name with no visible assignment in its
    unit (a notebook cell using an import of an earlier cell) is not shadowed.
    """

    def __init__(self, modules: list[cst.Module], sources: list[str], imported: Iterable[str]) -> None:
        self.modules = modules
        self.names = set(imported)
        pattern = _rebinding_pattern(tuple(sorted(self.names)))
        self._candidates = [
            pattern is not None and pattern.search(source) is not None and any(
                not line.lstrip().startswith(("import ", "from ")) and pattern.search(line)
                for line in source.splitlines())
            for source in sources
        ]
        self._scopes: dict[int, dict] = {}

    @property
    def active(self) -> bool:
        return any(self._candidates)

    def shadowed(self, name: cst.Name, unit: int) -> bool:
        if name.value not in self.names or not self._candidates[unit]:
            return False
        scopes = self._scopes.get(unit)
        if scopes is None:
            scopes = MetadataWrapper(self.modules[unit], unsafe_skip_copy=True).resolve(ScopeProvider)
            self._scopes[unit] = scopes
        scope = scopes.get(name)
        if scope is None:  # not a node of the input (e.g. built by a rule)
            return False
        assignments = scope[name.value]
        if not assignments:
            return False
        return not any(
            isinstance(a, Assignment) and isinstance(a.node, (cst.Import, cst.ImportFrom)) for a in assignments
        )
