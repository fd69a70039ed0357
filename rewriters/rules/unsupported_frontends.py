"""unsupported-frontends: Relay importers with no Relax counterpart in TVM 0.27.

Upstream: Relay was removed after v0.19; ``tvm.relax.frontend`` in 0.27 has only
``onnx``, ``torch``, ``tflite``, ``stablehlo`` and ``nn``. Keras, TensorFlow, MXNet,
Caffe, Caffe2, Darknet, CoreML, PaddlePaddle and OneFlow models must go through ONNX
(or TFLite), or be imported with the legacy TVM, saved, and converted with
``tvm-migrate convert``.

Safety: manual (the site is flagged with the route for that framework).
"""

from __future__ import annotations

import libcst as cst

from rewriters.registry import Rule, Safety, register

_ROUTE = {
    "keras": "convert to ONNX with tf2onnx (`tf2onnx.convert.from_keras`) or to TFLite (`tf.lite.TFLiteConverter`)",
    "tensorflow": "convert to ONNX with tf2onnx (`python -m tf2onnx.convert`) or to TFLite",
    "mxnet": "export to ONNX with `mx.onnx.export_model`",
    "caffe": "convert to ONNX (e.g. with caffe2onnx)",
    "caffe2": "export to ONNX with `caffe2.python.onnx.frontend`",
    "darknet": "convert the network to ONNX (e.g. via a PyTorch port)",
    "coreml": "convert the source model to ONNX (e.g. with onnxmltools)",
    "paddle": "export to ONNX with paddle2onnx",
    "oneflow": "export to ONNX with oneflow_onnx",
}
_FUNCS = {f"from_{name}": name for name in _ROUTE}


@register
class UnsupportedFrontends(Rule):
    """Flag ``relay.frontend.from_keras/tensorflow/mxnet/caffe/darknet/coreml/paddle/oneflow``."""

    id = "unsupported-frontends"
    safety = Safety.MANUAL
    summary = "relay.frontend.from_keras/tensorflow/mxnet/caffe/darknet/coreml/paddle/oneflow: no Relax " \
              "frontend, flagged with the ONNX route"
    upstream = "Relay removal after v0.19; tvm.relax.frontend has onnx, torch, tflite, stablehlo, nn"
    triggers = tuple(_FUNCS)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        qual = self.ctx.resolve(original.func) or ""
        if not qual.startswith("tvm.relay.frontend."):
            return updated
        framework = _FUNCS.get(qual.rpartition(".")[2])
        if framework is None:
            return updated
        self.ctx.flag(
            self.id, original,
            f"no Relax frontend for {framework} in TVM 0.27: go through ONNX ({_ROUTE[framework]}, then "
            "`tvm.relax.frontend.onnx.from_onnx`), or convert the saved Relay with `tvm-migrate convert` "
            "(save it with the legacy TVM: `tvm.ir.save_json(mod)` + `relay.save_param_dict(params)`)",
        )
        self.ctx.handled(original.func, removed=False)
        return updated
