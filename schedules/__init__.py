"""Rule-based CPU schedules for the Relax programs tvm-migrate produces (dlight-style).

`schedules.rules` holds one small pattern-matched rule per kernel kind (conv2d, matmul, pooling,
reductions such as softmax and layer norm, injective fallback); `schedules.pipeline` is the Relax
pipeline that prepares a converted module (BatchNorm folding, NHWC layout), fuses it, and applies
the rules. `migrate.compile` is the user-facing entry point.
"""

from .pipeline import cpu_pipeline, graph_passes, schedule_passes

__all__ = ["cpu_pipeline", "graph_passes", "schedule_passes"]
