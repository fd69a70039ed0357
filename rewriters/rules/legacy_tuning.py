"""legacy-tuning: AutoTVM and the auto-scheduler are gone; tune with MetaSchedule.

Upstream: ``tvm.autotvm`` and ``tvm.auto_scheduler`` were removed with Relay; tuning
is ``tvm.s_tir.meta_schedule`` (moved there by apache/tvm#18735):
``relax_integration.extract_tasks(mod, target, params)``,
``relax_integration.tune_relax(mod, params, target, work_dir, max_trials_global)`` ->
a ``Database``, ``relax_integration.compile_relax(database, mod, target, params)``;
``tune_tir`` for a single PrimFunc; or the pipeline
``relax.get_pipeline("static_shape_tuning", target=..., total_trials=...)`` and the
passes ``relax.transform.MetaScheduleTuneIRMod`` / ``MetaScheduleApplyDatabase``.
Tuning logs of AutoTVM/Ansor cannot be reused.

Safety: manual: each use is flagged with the MetaSchedule counterpart.
"""

from __future__ import annotations

import libcst as cst

from rewriters.names import is_under
from rewriters.registry import Rule, Safety, register

_MS = "tvm.s_tir.meta_schedule"
GUIDANCE = {
    "tvm.autotvm.task.extract_from_program": f"`{_MS}.relax_integration.extract_tasks(mod, target, params)`",
    "tvm.auto_scheduler.extract_tasks": f"`{_MS}.relax_integration.extract_tasks(mod, target, params)`",
    "tvm.autotvm.tuner": f"`{_MS}.relax_integration.tune_relax(mod, params, target, work_dir, max_trials_global)` "
                         "(the search strategy is an argument: strategy=\"evolutionary\", cost_model=\"xgb\")",
    "tvm.auto_scheduler.TaskScheduler": f"`{_MS}.relax_integration.tune_relax(mod, params, target, work_dir, "
                                        "max_trials_global)`",
    "tvm.auto_scheduler.TuningOptions": "pass max_trials_global / num_trials_per_iter / runner to "
                                        f"`{_MS}.relax_integration.tune_relax`",
    "tvm.autotvm.measure_option": f"pass builder=/runner= (`{_MS}.runner.LocalRunner`, `RPCRunner`) to tune_relax",
    "tvm.autotvm.LocalRunner": f"`{_MS}.runner.LocalRunner`", "tvm.autotvm.RPCRunner": f"`{_MS}.runner.RPCRunner`",
    "tvm.autotvm.LocalBuilder": f"`{_MS}.builder.LocalBuilder`",
    "tvm.auto_scheduler.LocalRunner": f"`{_MS}.runner.LocalRunner`",
    "tvm.auto_scheduler.RPCRunner": f"`{_MS}.runner.RPCRunner`",
    "tvm.autotvm.apply_history_best": f"`ex = {_MS}.relax_integration.compile_relax(database, mod, target, params)` "
                                      "with the Database that tune_relax returned (or `"
                                      f"{_MS}.database.JSONDatabase(work_dir=...)`)",
    "tvm.auto_scheduler.ApplyHistoryBest": f"`{_MS}.relax_integration.compile_relax(database, mod, target, params)`",
    "tvm.autotvm.callback": "pass measure_callbacks= to tune_relax",
    "tvm.auto_scheduler.RecordToFile": "tune_relax writes its JSON database into work_dir",
    "tvm.autotvm.template": f"write the kernel as a PrimFunc and tune it with `{_MS}.tune_tir(mod, target, work_dir, "
                            "max_trials_global)` (schedule templates became schedule rules)",
    "tvm.auto_scheduler.register_workload": f"tune the PrimFunc with `{_MS}.tune_tir`",
    "tvm.autotvm": f"tune with `{_MS}.relax_integration.tune_relax` / `compile_relax`, or "
                   "`relax.get_pipeline(\"static_shape_tuning\", target=..., total_trials=...)`",
    "tvm.auto_scheduler": f"tune with `{_MS}.relax_integration.tune_relax` / `compile_relax`, or "
                          "`relax.get_pipeline(\"static_shape_tuning\", target=..., total_trials=...)`",
}


def guidance(qualname: str) -> str:
    parts = qualname.split(".")
    for n in range(len(parts), 1, -1):
        key = ".".join(parts[:n])
        if key in GUIDANCE:
            return GUIDANCE[key]
    return GUIDANCE["tvm.autotvm"]


@register
class LegacyTuning(Rule):
    """Flag AutoTVM / auto-scheduler uses with their MetaSchedule counterparts."""

    id = "legacy-tuning"
    safety = Safety.MANUAL
    summary = "autotvm / auto_scheduler uses: flagged with the tvm.s_tir.meta_schedule counterpart"
    upstream = "AutoTVM/Ansor removed with Relay; MetaSchedule moved to tvm.s_tir by apache/tvm#18735"
    triggers = ("autotvm", "auto_scheduler")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._outer_seen: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        qual = self.ctx.resolve(node)
        if qual is None or id(node) in self._outer_seen:
            return
        inner = node.value
        while isinstance(inner, cst.Attribute):  # only the outermost link of a chain reports
            self._outer_seen.add(id(inner))
            inner = inner.value
        if is_under(qual, "tvm.autotvm") or is_under(qual, "tvm.auto_scheduler"):
            self._report(node, qual)

    def visit_Name(self, node: cst.Name) -> None:
        qual = self.ctx.imports.target_of(node.value)
        if qual is None or id(node) in self._outer_seen or not (
                is_under(qual, "tvm.autotvm") or is_under(qual, "tvm.auto_scheduler")):
            return
        # a bare imported name (``extract_from_program(...)``, ``autotvm`` alone)
        self._report(node, qual)

    def _report(self, node: cst.BaseExpression, qualname: str) -> None:
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        self._outer_seen.add(id(root))
        self.ctx.flag(self.id, node, f"`{qualname}` is gone in TVM 0.27: {guidance(qualname)}")
        self.ctx.handled(node, removed=False)
