"""te-schedule: ``te.create_schedule``, ``tvm.lower`` and ``tvm.build(schedule, args)`` are gone.

Upstream: apache/tvm#17658 "[REFACTOR] Phase out te.schedule python components".
TE remains for describing computations; scheduling is TensorIR: make a PrimFunc with
``te.create_prim_func([A, B, C])``, schedule it with ``tvm.s_tir.Schedule(func)``,
and build with ``tvm.compile(func, target)`` or ``tvm.build(mod, target, pipeline)``
(``tvm.build`` now takes a PrimFunc/IRModule, not a schedule and an argument list).
``tvm.lower`` no longer exists; ``Schedule.mod.script()`` shows the scheduled TIR.

Safety: manual: the schedule primitives differ (``s[C].split`` vs
``sch.split(sch.get_loops(sch.get_sblock("C"))[0], ...)``), so sites are flagged with
this recipe.
"""

from __future__ import annotations

import libcst as cst

from rewriters.registry import Move, Rule, Safety, register

_RECIPE = ("build a PrimFunc with `te.create_prim_func([A, B, C])`, schedule it with "
           "`sch = tvm.s_tir.Schedule(func)` (`sch.get_sblock(\"C\")`, `sch.get_loops`, `sch.split`, ...) and "
           "build with `tvm.compile(sch.mod, target)`")
_PR = "apache/tvm#17658"


@register
class TeSchedule(Rule):
    """Flag ``te.create_schedule`` / ``tvm.lower`` / ``tvm.build(s, args)`` with the TensorIR recipe."""

    id = "te-schedule"
    safety = Safety.MANUAL
    summary = "te.create_schedule, tvm.lower, tvm.build(schedule, args): flagged with the TensorIR recipe"
    upstream = _PR
    triggers = ("create_schedule", "lower", "build", "schedule")
    moves = {
        "tvm.te.create_schedule": Move("tvm.te.create_schedule", None, f"te.schedule was removed ({_PR}): {_RECIPE}"),
        "tvm.te.schedule": Move("tvm.te.schedule", None, f"te.schedule was removed ({_PR}): {_RECIPE}"),
        "tvm.lower": Move("tvm.lower", None, f"tvm.lower was removed ({_PR}): {_RECIPE}; "
                          "`sch.mod.script()` shows the scheduled TIR"),
        "tvm.driver.lower": Move("tvm.driver.lower", None, f"removed ({_PR}): {_RECIPE}"),
        "tvm.driver.build_module.schedule_to_module": Move(
            "tvm.driver.build_module.schedule_to_module", None,
            f"removed ({_PR}): `tvm.IRModule({{\"main\": te.create_prim_func(args)}})`"),
        "tvm.te.auto_scheduler": Move("tvm.te.auto_scheduler", None, "the auto-scheduler is gone; use meta_schedule"),
    }

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.schedules: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and self.ctx.resolve(node.value.func) in (
                "tvm.te.create_schedule", "tvm.te.schedule.create_schedule"):
            self.schedules.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.resolve(original.func) not in ("tvm.build", "tvm.driver.build"):
            return updated
        positional = [a.value for a in original.args if a.keyword is None and not a.star]
        first = positional[0] if positional else None
        takes_schedule = (isinstance(first, cst.Name) and first.value in self.schedules) or (
            len(positional) >= 2 and isinstance(positional[1], (cst.List, cst.Tuple)))
        if takes_schedule:
            self.ctx.flag(self.id, original, f"`tvm.build` no longer takes a schedule and an argument list "
                          f"({_PR}): {_RECIPE}, or `tvm.build(te.create_prim_func(args), target)`")
        return updated
