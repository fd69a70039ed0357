"""export-library: ``lib.export_library(path, fcompile)`` -> ``export_library(path, fcompile=...)``.

Upstream: Relay's build result (``GraphExecutorFactoryModule.export_library(file_name,
fcompile=None, addons=None, **kwargs)``, python/tvm/relay/backend/executor_factory.py
at v0.19) took the compiler function positionally. The 0.27 ``Executable`` and
``runtime.Module`` make it keyword-only (``export_library(file_name, *, fcompile=None,
addons=None, workspace_dir=None, **kwargs)``), so a positional one raises ``TypeError``.
``tvm.runtime.load_module`` is unchanged; run a loaded library with
``tvm.relax.VirtualMachine(loaded, dev)`` (graph-executor rule).

Safety: safe (the same argument, passed by name).
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import keyword_arg
from rewriters.registry import Rule, Safety, register

KEYWORDS = ("fcompile", "addons")


@register
class ExportLibrary(Rule):
    """Positional ``fcompile`` / ``addons`` of ``export_library`` -> keywords."""

    id = "export-library"
    safety = Safety.SAFE
    summary = "lib.export_library(path, fcompile) -> lib.export_library(path, fcompile=fcompile)"
    upstream = "python/tvm/runtime/executable.py (keyword-only fcompile in 0.27)"
    triggers = ("export_library",)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.active = ctx.imports.mentions("tvm")

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (self.active and isinstance(func, cst.Attribute) and func.attr.value == "export_library"):
            return updated
        args = list(updated.args)
        positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
        if len(positional) < 2 or len(positional) > 1 + len(KEYWORDS):
            return updated
        for keyword, index in zip(KEYWORDS, positional[1:]):
            args[index] = keyword_arg(args[index], keyword)
        self.ctx.note(self.id, original, "export_library's compiler function is keyword-only in 0.27: passed as "
                      "`fcompile=`")
        return updated.with_changes(args=args)
