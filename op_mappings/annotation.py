"""Annotations and device placement: markers that do not change values, dropped where that is exact.

They guide Relay's own passes (fusion boundaries, BYOC regions, recomputation, mixed precision,
device placement). Relax expresses those differently (FuseOpsByPattern for BYOC, VDevice for
placement), so the translation keeps the value and drops the marker.
"""

from __future__ import annotations

from .registry import translator

_MARKERS = {
    "annotation.stop_fusion": "a fusion boundary for Relay's FuseOps",
    "annotation.checkpoint": "a recomputation marker for Relay's gradient pass",
    "annotation.cast_hint": "a dtype hint for mixed-precision passes",
    "annotation.with_funcid": "a function-id tag used by Relay's lowering",
    "annotation.compiler_begin": "a BYOC region start (re-partition with relax FuseOpsByPattern)",
    "annotation.compiler_end": "a BYOC region end (re-partition with relax FuseOpsByPattern)",
    "annotation.bitpack_start": "a bit-packing region start for Relay's quantization",
    "annotation.bitpack_end": "a bit-packing region end for Relay's quantization",
}


def _identity(ctx, call, args):
    """The marker's value is its input."""
    return args[0]


for _op, _what in _MARKERS.items():
    translator(_op, relax="(the input itself)", differs=f"the marker ({_what}) is dropped")(_identity)

translator(
    "on_device", relax="(the input itself)", attrs="virtual_device, constrain_result/body: dropped",
    differs="device placement is dropped (single-device program); use R.to_vdevice for heterogeneous placement",
)(_identity)
translator(
    "device_copy", relax="(the input itself)", status="composite", attrs="src/dst virtual devices: dropped",
    differs="the copy between devices is dropped (single-device program); use R.to_vdevice for placement",
)(_identity)
translator(
    "debug", relax="(the input itself)", status="composite", attrs="debug_func: dropped",
    differs="the Python debug callback is not called (it cannot be saved with the model anyway)",
)(_identity)
