"""The CPU schedule rules, in the order they are tried (the first that applies wins).

Each rule is a `tvm.s_tir.dlight.ScheduleRule`: `apply(func, target, tunable)` returns a schedule
of the PrimFunc or None when the function is not its kind. `schedules.pipeline` applies them with
`dlight.ApplyDefaultSchedule`; PrimFuncs no rule matches are compiled as they are.
"""

from .conv2d import Conv2DNHWC
from .injective import Injective
from .matmul import Matmul
from .pooling import WindowPool
from .reduction import RowReduction


def default_rules() -> list:
    """One instance of every rule, most specific first."""
    return [Conv2DNHWC(), Matmul(), WindowPool(), RowReduction(), Injective()]


__all__ = ["Conv2DNHWC", "Injective", "Matmul", "RowReduction", "WindowPool", "default_rules"]
