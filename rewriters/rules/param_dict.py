"""param-dict: ``relay.save_param_dict`` / ``load_param_dict`` live in ``tvm.runtime``.

Upstream: the functions moved to ``tvm.runtime`` (``python/tvm/runtime/params.py``)
before Relay's removal; TVM 0.27 keeps ``tvm.runtime.save_param_dict`` /
``load_param_dict`` (plus ``save_param_dict_to_file`` / ``load_param_dict_from_file``)
and reads ``.params`` files written by Relay-era TVM (checked on a 137-tensor
MobileNet, see shared/api-map.md).

Safety: safe (same byte format, same dict of name -> tensor).
"""

from __future__ import annotations

from rewriters.registry import Move, Rule, Safety, register

_NOTE = "same format; 0.27 reads Relay-era .params files"


@register
class ParamDict(Rule):
    """``relay.save_param_dict`` / ``relay.load_param_dict`` -> ``tvm.runtime.*``."""

    id = "param-dict"
    safety = Safety.SAFE
    summary = "relay.save_param_dict/load_param_dict -> tvm.runtime.save_param_dict/load_param_dict"
    upstream = "python/tvm/runtime/params.py (tvm.runtime.save_param_dict)"
    triggers = ("param_dict",)
    moves = {
        f"tvm.relay{sub}.{fn}": Move(f"tvm.relay{sub}.{fn}", f"tvm.runtime.{fn}", _NOTE)
        for sub in ("", ".param_dict")
        for fn in ("save_param_dict", "load_param_dict")
    }
