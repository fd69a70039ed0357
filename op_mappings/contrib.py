"""Vendor- and target-specific ops with no Relax counterpart (NPU offload, bit-serial kernels)."""

from __future__ import annotations

from .registry import unsupported

for _op in ("binary_elementwise", "conv2d", "depthwise_conv2d", "identity", "pooling", "unary_elementwise"):
    unsupported(
        f"contrib.ethosu.{_op}",
        reason="an Arm Ethos-U NPU operator made by the Ethos-U partitioner; TVM 0.27 has no Ethos-U backend",
        action="save and convert the model before partitioning it for Ethos-U",
    )

for _op, _what in (("nn.bitpack", "bit-packing of low-precision tensors"),
                   ("nn.bitserial_conv2d", "a bit-serial convolution"),
                   ("nn.bitserial_dense", "a bit-serial dense layer")):
    unsupported(
        _op,
        reason=f"{_what} for Relay's bit-serial (1-2 bit) kernels; Relax has no bit-serial ops",
        action="convert the full-precision model instead, then quantize it in Relax",
    )
