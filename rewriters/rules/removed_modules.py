"""removed-modules: imports and uses of modules that TVM 0.27 no longer has.

Upstream: Relay and everything built on it (``tvm.relay``, the graph executor
``tvm.contrib.graph_executor``, its debugger, AutoTVM, the auto-scheduler, microTVM,
``tvmc``, the Relay text parser ``tvm.parser``) was removed after v0.19 (the Relax
transition, apache/tvm#17658 and the 2025 "Phase out Relay" PRs); see
shared/api-map.md.

What it does: the other rules rewrite the uses they understand (``relay.build``,
``relay.frontend.from_onnx``, ``graph_executor.GraphModule`` ...). This rule runs
last: every remaining use of a removed module is flagged with a TODO naming the
0.27 replacement, and an import of a removed module is deleted once nothing uses it
(it would raise ``ImportError`` on 0.27), or flagged while uses remain.

Safety: manual for the remaining uses; deleting an import that nothing uses is safe.
"""

from __future__ import annotations

from collections import defaultdict

import libcst as cst

from rewriters.engine import _Pending, add_todo
from rewriters.names import dotted_name, import_module_path, is_under
from rewriters.registry import Rule, Safety, Severity, register

_CONVERT = (
    "or build it with the legacy TVM, save it with `tvm.ir.save_json(mod)` / `mod.astext()` and "
    "`relay.save_param_dict(params)`, then run `tvm-migrate convert`"
)

# removed module -> what replaces it (shown when a use is left)
REMOVED = {
    "tvm.relay": "Relay was removed after TVM 0.19: express the model in Relax "
                 "(an importer in `tvm.relax.frontend`, `relax.BlockBuilder` or TVMScript `@R.function`), " + _CONVERT,
    "tvm.contrib.graph_executor": "the graph executor is gone: run the `tvm.compile` result with "
                                  "`tvm.relax.VirtualMachine(ex, dev)`",
    "tvm.contrib.graph_runtime": "the graph executor is gone: use `tvm.relax.VirtualMachine(ex, dev)`",
    "tvm.contrib.debugger": "the debug graph executor is gone: use `tvm.relax.VirtualMachine(ex, dev, "
                            "profile=True)` / `vm.profile` or instrument passes with `tvm.ir.instrument`",
    "tvm.contrib.pipeline_executor": "the pipeline executor is gone; no 0.27 counterpart",
    "tvm.autotvm": "AutoTVM is gone: tune with `tvm.s_tir.meta_schedule` "
                   "(`relax_integration.tune_relax`, or `relax.get_pipeline(\"static_shape_tuning\", target=..., "
                   "total_trials=...)`)",
    "tvm.auto_scheduler": "the auto-scheduler (Ansor) is gone: tune with `tvm.s_tir.meta_schedule` "
                          "(`relax_integration.tune_relax` / `tune_tir`)",
    "tvm.micro": "microTVM was removed; no 0.27 counterpart",
    "tvm.driver.tvmc": "tvmc was removed: script the flow with `tvm.relax.frontend` + `tvm.compile`",
    "tvm.parser": "the Relay text parser is gone: `tvm-migrate convert` reads Relay text (`.txt`/`.rly`) files",
    "tvm.topi.testing": "topi.testing (NumPy reference kernels) is gone: compare against NumPy directly",
    "tvm.runtime.profiler_vm": "the Relay profiler VM is gone: use `tvm.relax.VirtualMachine(..., profile=True)`",
    "tvm.runtime.executor": "Relay executors are gone: use `tvm.relax.VirtualMachine`",
    "tvm.contrib.target": "Relay BYOC codegens are gone: partition Relax with `relax.transform.FuseOpsByPattern` "
                          "+ `RunCodegen`",
}

# finer guidance for common leftovers, by longest prefix
HINTS = {
    "tvm.relay.transform": "Relay passes are gone: use the `tvm.relax.transform` counterpart on a Relax module",
    "tvm.relay.transform.FoldConstant": "use `tvm.relax.transform.FoldConstant()`",
    "tvm.relay.transform.ToMixedPrecision": "use `tvm.relax.transform.ToMixedPrecision(out_dtype=...)` (fp16 only)",
    "tvm.relay.transform.ConvertLayout": "use `tvm.relax.transform.ConvertLayout({\"relax.nn.conv2d\": [...]})` "
                                         "(op names gain the `relax.` prefix)",
    "tvm.relay.transform.SimplifyInference": "use `tvm.relax.transform.DecomposeOpsForInference()`",
    "tvm.relay.transform.AlterOpLayout": "use `tvm.relax.transform.AlterOpImpl(...)`",
    "tvm.relay.transform.CombineParallelDense": "use `tvm.relax.transform.CombineParallelMatmul()`",
    "tvm.relay.transform.FastMath": "use `tvm.relax.transform.FastMathTransform()`",
    "tvm.relay.transform.FuseOps": "use `tvm.relax.transform.FuseOps()` then `FuseTIR()`",
    "tvm.relay.transform.EliminateCommonSubexpr": "use `tvm.relax.transform.EliminateCommonSubexpr()`",
    "tvm.relay.transform.DeadCodeElimination": "use `tvm.relax.transform.DeadCodeElimination()`",
    "tvm.relay.transform.InferType": "Relax infers types on construction; drop it or use "
                                     "`tvm.relax.transform.Normalize()`",
    "tvm.relay.transform.build_config": "use `tvm.transform.PassContext(opt_level=...)`",
    "tvm.relay.build_config": "use `tvm.transform.PassContext(opt_level=...)`",
    "tvm.relay.dataflow_pattern": "use `tvm.relax.dpl` (`is_op(\"relax.nn.conv2d\")`, `wildcard()`, "
                                  "`rewrite_call(pattern, fn, func)`)",
    "tvm.relay.testing": "relay.testing workloads are gone: export the model to ONNX and import it with "
                         "`tvm.relax.frontend.onnx.from_onnx`, " + _CONVERT,
    "tvm.relay.qnn": "Relax has only `relax.op.quantize` / `dequantize`; convert the quantized model with "
                     "`tvm-migrate convert` or import it through ONNX/TFLite",
    "tvm.relay.quantize": "Relay's quantizer is gone; quantize before import (ONNX/TFLite) or use "
                          "`relax.op.quantize` / `dequantize`",
    "tvm.relay.op.contrib": "BYOC partitioning moved to Relax: `tvm.relax.backend.<target>` patterns with "
                            "`relax.transform.FuseOpsByPattern` + `MergeCompositeFunctions` + `RunCodegen`",
    "tvm.relay.backend": "Relay backends are gone: `tvm.compile` builds a Relax VM executable",
    "tvm.relay.frontend": "no Relax importer for this frontend function: import through ONNX, " + _CONVERT,
}


def _hint(qualname: str) -> str:
    parts = qualname.split(".")
    for n in range(len(parts), 1, -1):
        key = ".".join(parts[:n])
        if key in HINTS:
            return HINTS[key]
        if key in REMOVED:
            return REMOVED[key]
    return "removed in TVM 0.27"


def removed_prefix(qualname: str) -> str | None:
    parts = qualname.split(".")
    for n in range(1, len(parts) + 1):
        key = ".".join(parts[:n])
        if key in REMOVED:
            return key
    return None


@register
class RemovedModules(Rule):
    """Flag what is left of removed modules; drop their imports once unused."""

    id = "removed-modules"
    safety = Safety.MANUAL
    summary = "uses of tvm.relay, graph_executor, autotvm, auto_scheduler, ... left after the other rules: " \
              "flagged; their imports removed once unused"
    upstream = "Relay removed after v0.19 (apache/tvm#17658 and the Relax transition)"
    triggers = tuple(p.split(".")[-1] for p in REMOVED)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.locals = {
            local for local, bindings in ctx.imports.bindings.items()
            if any(removed_prefix(b.target) or is_under(b.target, "tvm") for b in bindings)
        }
        self._skip: set[int] = set()
        self._outer: dict[int, cst.Attribute] = {}
        self._refs: dict[int, list[tuple[cst.Name, cst.BaseExpression, str]]] = defaultdict(list)
        self.leftovers: dict[str, list] = defaultdict(list)  # removed prefix -> pending flags
        # any file importing tvm: ``tvm.relay.X`` chains hang off a plain ``import tvm``
        self.enabled = bool(self.locals) or any(removed_prefix(m) for m in ctx.imports.star_modules)

    # -- collecting references ------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))
        if id(node) in self._skip:  # an inner link of a chain already seen
            return
        inner = node.value
        while isinstance(inner, cst.Attribute):
            self._skip.add(id(inner))
            inner = inner.value
        if isinstance(inner, cst.Name):
            self._outer[id(inner)] = node

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self._skip.add(id(node.name))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._skip.add(id(node.name))

    def _skip_target(self, target: cst.CSTNode | None) -> None:
        if isinstance(target, cst.Name):  # rebinding the name is not a use of the module
            self._skip.add(id(target))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._skip_target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._skip_target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._skip_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._skip_target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._skip_target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._skip_target(node.name)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._skip.add(id(node.name))

    def visit_Name(self, node: cst.Name) -> None:
        if not self.enabled or id(node) in self._skip or node.value not in self.locals:
            return
        chain = self._outer.get(id(node), node)
        qualname = self.ctx.resolve(chain)
        if qualname is None:
            return
        prefix = removed_prefix(qualname)
        if prefix is not None:
            stmt = self.ctx.current_statement
            self._refs[id(stmt)].append((node, chain, qualname))

    def leave_statement(self, original, updated):
        refs = self._refs.pop(id(original), None)
        if not refs:
            return updated
        for name, chain, qualname in refs:
            state = self.ctx.handled_state(name)
            if state == "removed":
                continue
            prefix = removed_prefix(qualname)
            if state == "reported":  # another rule flagged it: a use, but no second TODO
                self.leftovers[prefix].append(
                    _Pending(self.id, Severity.ERROR, "", self.ctx.unit_index, chain, original, True))
                continue
            shown = dotted_name(chain) or qualname
            named = f"`{shown}`" if shown == qualname else f"`{shown}` (`{qualname}`)"
            self.ctx.flag(self.id, chain, f"{named} does not exist in TVM 0.27: {_hint(qualname)}")
            self.leftovers[prefix].append(self.ctx._findings[-1])
        return updated

    # -- imports -------------------------------------------------------------------------------
    def finish(self) -> None:
        if not self.enabled:
            return
        for unit in self.ctx.units:
            self.ctx.unit_index = unit.index
            unit.new_module = unit.new_module.with_changes(body=self._fix_body(list(unit.new_module.body)))

    def _fix_body(self, body: list) -> list:
        out = []
        carry: list[cst.EmptyLine] = []
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                new = self._fix_import_line(stmt)
                if new is None:
                    carry.extend(stmt.leading_lines)
                    continue
                stmt = new
            elif isinstance(stmt, cst.BaseCompoundStatement):
                stmt = self._fix_compound(stmt)
            if carry:
                stmt = stmt.with_changes(leading_lines=[*carry, *stmt.leading_lines])
                carry = []
            out.append(stmt)
        return out

    def _fix_suite(self, suite):
        if not isinstance(suite, cst.IndentedBlock):
            return suite
        return suite.with_changes(body=self._fix_body(list(suite.body)) or [cst.SimpleStatementLine([cst.Pass()])])

    def _fix_compound(self, stmt):
        """The compound statement with the imports in all its blocks fixed."""
        changes = {}
        if hasattr(stmt, "body") and isinstance(stmt.body, cst.BaseSuite):
            changes["body"] = self._fix_suite(stmt.body)
        if isinstance(stmt, (cst.Try, cst.TryStar)):
            changes["handlers"] = [h.with_changes(body=self._fix_suite(h.body)) for h in stmt.handlers]
            if stmt.finalbody is not None:
                changes["finalbody"] = stmt.finalbody.with_changes(body=self._fix_suite(stmt.finalbody.body))
        orelse = getattr(stmt, "orelse", None)
        if isinstance(orelse, cst.If):
            changes["orelse"] = self._fix_compound(orelse)
        elif orelse is not None:
            changes["orelse"] = orelse.with_changes(body=self._fix_suite(orelse.body))
        return stmt.with_changes(**changes) if changes else stmt

    def _fix_import_line(self, stmt: cst.SimpleStatementLine) -> cst.SimpleStatementLine | None:
        """The import line without unused removed modules (None: nothing left), with a
        TODO when a removed module is still used."""
        if not any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body):
            return stmt
        body, todos = [], []
        for small in stmt.body:
            kept = self._fix_import(small, todos)
            if kept is not None:
                body.append(kept)
        if not body:
            return None
        if len(body) != len(stmt.body):
            body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        if len(body) != len(stmt.body) or any(a is not b for a, b in zip(body, stmt.body)):
            stmt = stmt.with_changes(body=body)
        for message in todos:
            stmt = add_todo(stmt, self.id, message)
        return stmt

    def _fix_import(self, small, todos: list[str]):
        if isinstance(small, cst.Import):
            names = [(a, dotted_name(a.name) or "") for a in small.names]
        elif isinstance(small, cst.ImportFrom):
            module = import_module_path(small)
            if module is None:
                return small
            if isinstance(small.names, cst.ImportStar):
                prefix = removed_prefix(module)
                if prefix is None:
                    return small
                if not self.leftovers.get(prefix):
                    self._removed_note(small, module, None)
                    return None
                self._flag_import(small, prefix, None, todos)
                return small
            names = [(a, f"{module}.{dotted_name(a.name)}") for a in small.names]
        else:
            return small
        kept = []
        for alias, full in names:
            prefix = removed_prefix(full)
            if prefix is None:
                kept.append(alias)
            elif self.leftovers.get(prefix):
                kept.append(alias)
                self._flag_import(alias, prefix, self._binding(alias, full), todos)
            else:
                self._removed_note(alias, full, self._binding(alias, full))
        if not kept:
            return None
        if len(kept) != len(names):
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return small.with_changes(names=kept)
        return small

    def _binding(self, alias: cst.ImportAlias, full: str):
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            local = alias.asname.name.value
        else:
            local = (dotted_name(alias.name) or "").split(".")[0]
        for b in self.ctx.imports.bindings.get(local, ()):
            if b.unit == self.ctx.unit_index and b.imported_module == full:
                return b
        return None

    def _removed_note(self, node, full: str, binding) -> None:
        self.ctx.note(
            self.id, binding.alias if binding else node,
            f"removed `import {full}`: nothing uses it after the rewrite and it does not exist in TVM 0.27",
            severity=Severity.INFO,
        )

    def _flag_import(self, node, prefix: str, binding, todos: list[str]) -> None:
        pending = [p for p in self.leftovers[prefix] if p.unit == self.ctx.unit_index]
        lines = sorted({self.ctx._position(p)[0] for p in pending})
        where = f" (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))})" if lines else ""
        message = (f"`{prefix}` does not exist in TVM 0.27, so this import fails: migrate the "
                   f"remaining use(s){where}, then delete it")
        statement = binding.statement if binding is not None else None
        if self.ctx.flag(self.id, binding.alias if binding else node, message, statement=statement):
            if message not in todos:
                todos.append(message)
        if statement is not None:
            self.ctx._todos.pop(id(statement), None)
