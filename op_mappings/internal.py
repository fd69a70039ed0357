"""Ops of Relay's own compiler and runtime: they never appear in a program a user saved.

Relay's lowering (memory planning, the VM compiler, TE lowering, the text parser, tuning-time layout
rewrites, the quantization pass's calibration) creates them in intermediate IR only. A saved module
that holds them was dumped from the middle of ``relay.build``: save the module before building.
"""

from __future__ import annotations

from .registry import internal

_SAVE_EARLIER = "save the Relay module before relay.build / relay.vm.compile (mod.astext() or save_json on the input)"

_INTERNAL = {
    "memory.alloc_storage": "storage allocation made by Relay's memory planning (ManifestAlloc)",
    "memory.alloc_tensor": "tensor allocation made by Relay's memory planning (ManifestAlloc)",
    "memory.kill": "a storage release made by Relay's memory planning",
    "vm.invoke_tvm_op": "a kernel call made by the Relay VM compiler",
    "vm.reshape_tensor": "a reshape made by the Relay VM compiler for dynamic shapes",
    "vm.shape_of": "a shape query made by the Relay VM compiler",
    "call_lowered": "a call to a lowered PrimFunc made by Relay's TE lowering (LowerTE)",
    "parser.MetaRef": "a placeholder of the Relay text parser for meta[...] references (readers resolve them)",
    "nn.internal.sparse_dense_padded": "a padded sparse_dense made by Relay's CUDA sparse rewrite",
    "relay.op.annotation.simulated_quantize": "a calibration op inserted by relay.quantize's annotate pass",
    "auto_scheduler_layout_transform": "a weight-layout rewrite inserted when applying auto_scheduler tuning logs",
    "meta_schedule_layout_transform": "a weight-layout rewrite inserted when applying meta_schedule tuning logs",
}

for _op, _why in _INTERNAL.items():
    action = _SAVE_EARLIER
    if "tuning" in _why:
        action = "save the model before applying the tuning logs (ApplyHistoryBest / ApplyDatabase)"
    elif _op == "relay.op.annotation.simulated_quantize":
        action = "save the model before relay.quantize, or after realize (which produces plain integer ops)"
    internal(_op, reason=_why, action=action)
