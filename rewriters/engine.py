"""The codemod engine: one libcst pass per code unit running every active rule.

A file is one code unit; a notebook is one unit per code cell, sharing one import
table (a name imported in cell 1 is used in cell 5). For each file the engine

1. parses every unit (a unit that does not parse makes the whole file skipped);
2. picks the rules whose ``triggers`` occur in the text (most files stop here);
3. reads the imports (:class:`rewriters.names.ImportTable`); where the text rebinds an
   imported TVM name, uses are checked against scopes (:class:`rewriters.names.ShadowCheck`);
   rules that need facts about the whole file (a call later in the file, the values
   assigned to a name) ask :attr:`RuleContext.index`, built once on demand;
4. runs one transformer per unit that dispatches ``visit_X``/``leave_X`` to the
   rules, applies the declarative moves (:mod:`rewriters.moves`), keeps a stack
   of enclosing statements so that flagged sites get their TODO comment, and calls
   ``rewrite_body`` hooks on every statement block;
5. lets rules ``finish`` (e.g. drop imports that became unused), inserts the imports
   and helpers the rewrites need, and turns findings into report lines whose
   positions are those of the input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from rewriters.findings import TODO_MARK, Finding, todo_comment
from rewriters.insertion import insert_requirements
from rewriters.moves import MoveApplier, MoveTable
from rewriters.names import Binding, ImportTable, ShadowCheck, build_dotted, is_under, root_name
from rewriters.registry import Rule, Severity

STATEMENT_TYPES = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UnitSyntaxError(Exception):
    def __init__(self, unit: int, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.unit, self.line, self.column, self.message = unit, line, column, message


@dataclass
class _Pending:
    rule_id: str
    severity: Severity
    message: str
    unit: int
    node: cst.CSTNode | None
    statement: cst.CSTNode | None
    acknowledged: bool


@dataclass
class RewriteOutcome:
    codes: list[str]
    findings: list[Finding]


@dataclass
class _Unit:
    index: int
    source: str
    module: cst.Module
    new_module: cst.Module | None = None
    positions: dict | None = None


class RuleContext:
    """Everything a rule may ask of the engine while one file is rewritten."""

    def __init__(self, path: str, units: list[_Unit], rules: Sequence[type[Rule]]) -> None:
        self.path = path
        self.units = units
        self.imports = ImportTable.collect(u.module for u in units)
        # only names bound to TVM (or torch, for torch.jit.trace) matter to the rules
        self.shadows = ShadowCheck([u.module for u in units], [u.source for u in units], [
            local for local, bs in self.imports.bindings.items()
            if any(b.target.split(".")[0] in ("tvm", "torch") for b in bs)])
        self._index: FileIndex | None = None
        self.facts: dict[str, object] = {}  # cross-rule facts computed on demand (rules/_flow.py)
        self.moves = MoveTable.from_rules(rules)
        self.source = "\n".join(u.source for u in units)
        self.unit_index = 0
        self._findings: list[_Pending] = []
        self._statements: list[cst.CSTNode] = []
        self._todos: dict[int, list[tuple[str, str]]] = defaultdict(list)
        self._origin: dict[int, tuple[cst.CSTNode, cst.CSTNode]] = {}
        self._handled: dict[int, str] = {}
        self.required_imports: list[str] = []
        self.helpers: dict[str, str] = {}
        self._names_in_use: set[str] | None = None
        self.rules = [rule(self) for rule in rules]

    # -- looking things up ---------------------------------------------------------
    def resolve(self, node: cst.BaseExpression) -> str | None:
        """The qualified (legacy) name an expression refers to, if it is an import
        (None when a local binding shadows the import at this use)."""
        qualname = self.imports.resolve(node)
        if qualname is not None and self.shadows.active:
            root = root_name(node)
            if root is not None and self.shadows.shadowed(root, self.unit_index):
                return None
        return qualname

    @property
    def current_statement(self) -> cst.CSTNode | None:
        return self._statements[-1] if self._statements else None

    def enclosing(self, kind: type) -> list[cst.CSTNode]:
        """The input statements of type ``kind`` (FunctionDef, ClassDef) around the
        node being visited, outermost first."""
        return [s for s in self._statements if isinstance(s, kind)]

    @property
    def index(self) -> "FileIndex":
        """Calls and simple assignments of the whole file (built on first use)."""
        if self._index is None:
            self._index = FileIndex.build(self)
        return self._index

    def original_statement(self, updated: cst.CSTNode) -> cst.CSTNode | None:
        """The input statement an updated statement (seen in ``rewrite_body``) came from."""
        entry = self._origin.get(id(updated))
        return entry[1] if entry and entry[0] is updated else None

    # -- reporting -------------------------------------------------------------------
    def note(self, rule_id: str, node: cst.CSTNode, message: str, severity: Severity | None = None) -> None:
        """Report a rewrite that was applied (info or warning)."""
        rule = self._rule(rule_id)
        self._findings.append(
            _Pending(rule_id, severity or rule.default_severity(), message, self.unit_index,
                     node, self.current_statement, False)
        )

    def flag(self, rule_id: str, node: cst.CSTNode, message: str, statement: cst.CSTNode | None = None) -> bool:
        """Report a site that needs a person and queue its TODO comment.

        Returns False when the statement already carries a ``TODO(tvm-migrate RULE)``.
        """
        stmt = statement if statement is not None else self.current_statement
        acknowledged = stmt is not None and self.is_acknowledged(stmt, rule_id)
        self._findings.append(
            _Pending(rule_id, Severity.ERROR, message, self.unit_index, node, stmt, acknowledged)
        )
        if stmt is not None and not acknowledged:
            todos = self._todos[id(stmt)]
            if (rule_id, message) not in todos:
                todos.append((rule_id, message))
        return not acknowledged

    def flag_updated_statement(
        self, rule_id: str, updated: cst.CSTNode, message: str, node: cst.CSTNode | None = None
    ) -> cst.CSTNode:
        """``flag`` for statements handled in ``rewrite_body``: returns the statement
        with its TODO comment added (unless already acknowledged)."""
        original = self.original_statement(updated) or updated
        if self.flag(rule_id, node or original, message, statement=original):
            updated = add_todo(updated, rule_id, message)
            self._todos.pop(id(original), None)
        return updated

    def is_acknowledged(self, stmt: cst.CSTNode, rule_id: str) -> bool:
        mark = f"{TODO_MARK} {rule_id})"
        comments = [l.comment.value for l in getattr(stmt, "leading_lines", ()) if l.comment]
        if isinstance(stmt, cst.SimpleStatementLine) and stmt.trailing_whitespace.comment:
            comments.append(stmt.trailing_whitespace.comment.value)
        unit = self.units[self.unit_index]
        if unit.module.body and unit.module.body[0] is stmt:
            comments.extend(l.comment.value for l in unit.module.header if l.comment)
        return any(mark in c for c in comments)

    # -- references to TVM 0.27 names -------------------------------------------------
    def handled(self, node: cst.CSTNode, removed: bool = True) -> None:
        """Mark the legacy reference ``node`` (an input Name/Attribute/Call) as dealt
        with: ``removed`` when the rewrite no longer contains it, else reported (a
        rule flagged it, so ``removed-modules`` need not flag it again but still
        counts it as a use)."""
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, cst.Name):
                self._handled[id(n)] = "removed" if removed else "reported"
            elif isinstance(n, cst.Attribute):
                stack.append(n.value)
            elif isinstance(n, cst.Call):
                stack.append(n.func)

    def handled_state(self, name: cst.Name) -> str | None:
        """"removed", "reported" or None (see :meth:`handled`)."""
        return self._handled.get(id(name))

    def module_bindings(self) -> list[Binding]:
        return [bs[-1] for bs in self.imports.bindings.values() if bs[-1].module_level]

    def reference(self, qualname: str, module: str | None = None) -> cst.BaseExpression:
        """An expression for the TVM 0.27 name ``qualname``, importing what it needs.

        Uses the longest module-level import that covers it (``relax.VirtualMachine``
        after ``from tvm import relax``), else ``tvm.<...>`` with ``import tvm`` added.
        ``module``: a module that plain ``import tvm`` does not load.
        """
        if module is not None and not self._module_imported(module):
            self.require_import(module)
        best: tuple[int, str, str] | None = None
        for binding in self.module_bindings():
            new_target = self.moves.translate(binding.target)
            # an import the moves re-pointed (``from tvm import runtime as nd``) is not
            # a good root for unrelated names; nor is a gone module
            if new_target != binding.target or not is_under(qualname, new_target):
                continue
            if best is None or len(new_target) > best[0]:
                best = (len(new_target), binding.local, new_target)
        if best is not None:
            _, local, target = best
            rest = qualname[len(target):]
            return build_dotted(local + rest)
        if not self._tvm_bound():
            self.require_import("tvm")
        return build_dotted(qualname)

    def _tvm_bound(self) -> bool:
        if self.required_imports:
            return True
        return any(b.local == "tvm" and b.target == "tvm" for b in self.module_bindings())

    def _module_imported(self, module: str) -> bool:
        if module in self.required_imports:
            return True
        return any(
            b.module_level and (is_under(b.imported_module, module))
            for bs in self.imports.bindings.values()
            for b in bs
        )

    def require_import(self, module: str) -> None:
        if module not in self.required_imports:
            self.required_imports.append(module)

    def require_helper(self, name: str, code: str) -> None:
        """A module-level helper definition inserted after the imports (once)."""
        self.helpers.setdefault(name, code)

    def fresh_name(self, base: str) -> str:
        """An identifier not used anywhere in the file."""
        if self._names_in_use is None:
            self._names_in_use = set(_IDENT.findall(self.source))
        name, n = base, 1
        while name in self._names_in_use:
            n += 1
            name = f"{base}_{n}"
        self._names_in_use.add(name)
        return name

    # -- engine internals --------------------------------------------------------------
    def _rule(self, rule_id: str) -> type[Rule]:
        for rule in self.rules:
            if rule.id == rule_id:
                return type(rule)
        from rewriters.registry import all_rules

        for rule_cls in all_rules():
            if rule_cls.id == rule_id:
                return rule_cls
        raise KeyError(rule_id)

    def _finish_statement(self, original: cst.CSTNode, updated):
        todos = self._todos.pop(id(original), None)
        if todos and updated is not cst.RemovalSentinel.REMOVE:
            if isinstance(updated, cst.FlattenSentinel):
                nodes = list(updated.nodes)
                for rule_id, message in todos:
                    nodes[0] = add_todo(nodes[0], rule_id, message)
                updated = cst.FlattenSentinel(nodes)
            else:
                for rule_id, message in todos:
                    updated = add_todo(updated, rule_id, message)
        if isinstance(updated, cst.FlattenSentinel):
            for node in updated.nodes:
                self._origin[id(node)] = (node, original)
        elif isinstance(updated, cst.CSTNode):
            self._origin[id(updated)] = (updated, original)
        return updated

    def findings(self, cells: list[int | None]) -> list[Finding]:
        out = []
        for p in self._findings:
            line, col = self._position(p)
            out.append(
                Finding(self.path, line, col, p.rule_id, p.severity, p.message,
                        cells[p.unit], p.acknowledged)
            )
        out.sort(key=lambda f: (f.cell or 0, f.line, f.column, f.rule_id))
        return out

    def _position(self, pending: _Pending) -> tuple[int, int]:
        unit = self.units[pending.unit]
        if unit.positions is None:
            unit.positions = MetadataWrapper(unit.module, unsafe_skip_copy=True).resolve(
                PositionProvider
            )
        for node in (pending.node, pending.statement):
            if node is not None and node in unit.positions:
                start = unit.positions[node].start
                return start.line, start.column + 1
        return 1, 1


@dataclass
class FileIndex:
    """What some rules need to know about the whole file before rewriting a part of
    it (a use can come before the definition it depends on, e.g. in a function
    defined first): every call by resolved qualified name, and the values assigned to
    plain names. Built by one iterative walk over the input units, on demand."""

    calls: dict[str, list[tuple[int, cst.Call]]]
    assigned: dict[str, list[cst.BaseExpression]]  # plain name -> values assigned to it
    names: dict[str, list[cst.Name]]  # every Name node (not ``.attr`` nor ``keyword=``)
    targets: dict[int, list[str | None]]  # id(assigned value) -> its target names (None: not a name)

    @classmethod
    def build(cls, ctx: "RuleContext") -> "FileIndex":
        calls: dict[str, list] = defaultdict(list)
        assigned: dict[str, list] = defaultdict(list)
        names: dict[str, list] = defaultdict(list)
        targets: dict[int, list] = {}
        saved = ctx.unit_index
        try:
            for unit in ctx.units:
                ctx.unit_index = unit.index
                stack: list[cst.CSTNode] = [unit.module]
                while stack:
                    node = stack.pop()
                    if isinstance(node, cst.Call):
                        qual = ctx.resolve(node.func)
                        if qual is not None:
                            calls[qual].append((unit.index, node))
                    elif isinstance(node, cst.Assign):
                        for t in node.targets:
                            if isinstance(t.target, cst.Name):
                                assigned[t.target.value].append(node.value)
                        if len(node.targets) == 1:
                            target = node.targets[0].target
                            if isinstance(target, (cst.Tuple, cst.List)):
                                targets[id(node.value)] = [
                                    e.value.value if isinstance(e.value, cst.Name) else None
                                    for e in target.elements]
                            elif isinstance(target, cst.Name):
                                targets[id(node.value)] = [target.value]
                    elif isinstance(node, cst.Name):
                        names[node.value].append(node)
                    elif isinstance(node, (cst.Import, cst.ImportFrom)):
                        continue
                    if isinstance(node, (cst.Attribute, cst.Arg)):  # not ``.attr`` / ``keyword=``
                        stack.append(node.value)
                        continue
                    stack.extend(reversed(node.children))
        finally:
            ctx.unit_index = saved
        return cls(dict(calls), dict(assigned), dict(names), targets)

    def calls_to(self, qualnames) -> list[tuple[int, cst.Call]]:
        return [c for q in qualnames for c in self.calls.get(q, ())]


def add_todo(stmt: cst.CSTNode, rule_id: str, message: str) -> cst.CSTNode:
    """``stmt`` with a ``# TODO(tvm-migrate RULE): message`` line above it."""
    if not hasattr(stmt, "leading_lines"):
        return stmt
    line = cst.EmptyLine(indent=True, comment=cst.Comment(todo_comment(rule_id, message)))
    if any(l.comment and l.comment.value == line.comment.value for l in stmt.leading_lines):
        return stmt
    return stmt.with_changes(leading_lines=[*stmt.leading_lines, line])


class _UnitTransformer(cst.CSTTransformer):
    """Dispatches libcst's visit/leave calls of one unit to the engine and the rules."""

    def __init__(self, ctx: RuleContext, moves: MoveApplier) -> None:
        super().__init__()
        self.ctx = ctx
        self.visit_handlers: dict[str, list[Callable]] = defaultdict(list)
        self.leave_handlers: dict[str, list[Callable]] = defaultdict(list)
        self.statement_hooks = []
        self.body_hooks = []
        for component in [moves, *ctx.rules]:
            for attr in dir(type(component)):
                if attr.startswith("visit_") and attr[6:7].isupper():
                    self.visit_handlers[attr[6:]].append(getattr(component, attr))
                elif attr.startswith("leave_") and attr[6:7].isupper():
                    self.leave_handlers[attr[6:]].append(getattr(component, attr))
            if hasattr(component, "leave_statement"):
                self.statement_hooks.append(component.leave_statement)
            if hasattr(component, "rewrite_body"):
                self.body_hooks.append(component.rewrite_body)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, STATEMENT_TYPES):
            self.ctx._statements.append(node)
        descend = True
        for handler in self.visit_handlers.get(type(node).__name__, ()):
            if handler(node) is False:
                descend = False
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            return False
        return descend

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        result = updated
        for handler in self.leave_handlers.get(type(original).__name__, ()):
            result = handler(original, result)
            if not isinstance(result, cst.CSTNode) or type(result) is not type(original):
                break
        if isinstance(original, STATEMENT_TYPES):
            for hook in self.statement_hooks:
                if isinstance(result, cst.CSTNode):
                    result = hook(original, result)
            result = self.ctx._finish_statement(original, result)
            self.ctx._statements.pop()
        if isinstance(original, (cst.IndentedBlock, cst.Module)) and self.body_hooks:
            body = list(result.body)
            for hook in self.body_hooks:
                body = hook(body)
            if isinstance(result, cst.IndentedBlock) and not body:
                body = [cst.SimpleStatementLine(body=[cst.Pass()])]
            result = result.with_changes(body=body)
        return result


def parse_units(sources: Sequence[str]) -> list[_Unit]:
    units = []
    for index, source in enumerate(sources):
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError as exc:
            raise UnitSyntaxError(index, exc.raw_line, exc.raw_column + 1, exc.message) from exc
        except (RecursionError, MemoryError) as exc:  # pathological nesting
            raise UnitSyntaxError(index, 1, 1, f"too deeply nested to parse ({type(exc).__name__})") from exc
        units.append(_Unit(index, source, module))
    return units


def rewrite_units(
    path: str,
    sources: Sequence[str],
    rules: Sequence[type[Rule]],
    cells: list[int | None] | None = None,
) -> RewriteOutcome:
    """Rewrite the code units of one file. Raises :class:`UnitSyntaxError`."""
    cells = cells if cells is not None else [None] * len(sources)
    text = "\n".join(sources)
    # every rule is about TVM: a file that never says "tvm" costs one substring search
    if "tvm" not in text:
        return RewriteOutcome(list(sources), [])
    units = parse_units(sources)  # also for untriggered files: syntax errors get reported
    active = [r for r in rules if r.is_triggered(text)]
    if not active:
        return RewriteOutcome(list(sources), [])
    ctx = RuleContext(path, units, active)
    moves = MoveApplier(ctx)
    for unit in units:
        ctx.unit_index = unit.index
        unit.new_module = unit.module.visit(_UnitTransformer(ctx, moves))
    for rule in ctx.rules:
        if hasattr(rule, "finish"):
            rule.finish()
    insert_requirements(ctx)
    codes = [u.new_module.code for u in units]
    return RewriteOutcome(codes, ctx.findings(cells))


def rewrite_source(source: str, rules: Sequence[type[Rule]] | None = None, path: str = "<string>") -> RewriteOutcome:
    """Rewrite one Python source string (the API the tests and libcst command use)."""
    from rewriters.registry import all_rules

    return rewrite_units(path, [source], all_rules() if rules is None else rules)

