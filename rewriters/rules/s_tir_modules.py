"""s-tir-modules: ``tvm.dlight`` and ``tvm.meta_schedule`` moved under ``tvm.s_tir``.

Upstream: apache/tvm#18734 "[REFACTOR][S-TIR] Lift dlight into s_tir namespace" and
#18735 "[REFACTOR][S-TIR] Migrate meta_schedule into s_tir namespace".
``meta_schedule.relay_integration`` left with Relay: tune Relax modules with
``tvm.s_tir.meta_schedule.relax_integration`` (``tune_relax`` / ``compile_relax``).
``dlight.BlockInfo`` is ``SBlockInfo`` after #18689.

Safety: safe for the moves; the Relay integration is flagged (manual).
"""

from __future__ import annotations

from rewriters.registry import Move, Rule, Safety, register

_RELAY_MS = (
    "Relay tuning is gone: tune the Relax module with "
    "`tvm.s_tir.meta_schedule.relax_integration.tune_relax(mod, params, target, work_dir, max_trials_global)` "
    "and build with `compile_relax`, or use `relax.get_pipeline(\"static_shape_tuning\", target=..., total_trials=...)`"
)


@register
class STirModules(Rule):
    """``tvm.dlight`` -> ``tvm.s_tir.dlight``; ``tvm.meta_schedule`` -> ``tvm.s_tir.meta_schedule``."""

    id = "s-tir-modules"
    safety = Safety.SAFE
    summary = "tvm.dlight / tvm.meta_schedule -> tvm.s_tir.dlight / tvm.s_tir.meta_schedule"
    upstream = "apache/tvm#18734, #18735"
    triggers = ("dlight", "meta_schedule")
    moves = {
        "tvm.dlight": Move("tvm.dlight", "tvm.s_tir.dlight", "apache/tvm#18734"),
        "tvm.dlight.BlockInfo": Move("tvm.dlight.BlockInfo", "tvm.s_tir.dlight.SBlockInfo", "apache/tvm#18689"),
        "tvm.meta_schedule": Move("tvm.meta_schedule", "tvm.s_tir.meta_schedule", "apache/tvm#18735"),
        "tvm.meta_schedule.relay_integration": Move("tvm.meta_schedule.relay_integration", None, _RELAY_MS),
        "tvm.meta_schedule.is_meta_schedule_enabled": Move(
            "tvm.meta_schedule.is_meta_schedule_enabled", None,
            "it read Relay's PassContext flag; Relax pipelines choose tuning explicitly"),
    }
