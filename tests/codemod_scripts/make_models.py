"""Writes the small ONNX models the behaviour scripts use (run once; the .onnx files are committed).

    /work/main/.venv/bin/python tests/codemod_scripts/make_models.py

Opset 13, float32, weights from a fixed seed. Input names follow what exporters produce
(``input.1`` from torch.onnx, ``0``), since Relax's importer renames such names.
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
RNG = np.random.default_rng(20250101)


def _w(name, *shape):
    return numpy_helper.from_array((RNG.standard_normal(shape) * 0.5).astype(np.float32), name)


def _save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="tvm-migrate-tests")
    model.ir_version = 7  # readable by the onnx 1.16 of the legacy environment
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


def mlp():
    x = helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 8])
    y = helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 4])
    nodes = [
        helper.make_node("Gemm", ["input.1", "w1", "b1"], ["h"], transB=1),
        helper.make_node("Relu", ["h"], ["hr"]),
        helper.make_node("Gemm", ["hr", "w2", "b2"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["out"], axis=1),
    ]
    inits = [_w("w1", 16, 8), _w("b1", 16), _w("w2", 4, 16), _w("b2", 4)]
    _save(helper.make_graph(nodes, "mlp", [x], [y], inits), "mlp.onnx")


def conv():
    x = helper.make_tensor_value_info("0", TensorProto.FLOAT, [1, 3, 8, 8])
    y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 4])
    nodes = [
        helper.make_node("Conv", ["0", "cw", "cb"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p"], ["g"]),
        helper.make_node("Flatten", ["g"], ["logits"]),
    ]
    _save(helper.make_graph(nodes, "conv", [x], [y], [_w("cw", 4, 3, 3, 3), _w("cb", 4)]), "conv.onnx")


def two_io():
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [2, 3])
    s = helper.make_tensor_value_info("sum", TensorProto.FLOAT, [2, 3])
    d = helper.make_tensor_value_info("diff", TensorProto.FLOAT, [2, 3])
    nodes = [
        helper.make_node("Mul", ["b", "k"], ["bk"]),
        helper.make_node("Add", ["a", "bk"], ["sum"]),
        helper.make_node("Sub", ["a", "b"], ["d0"]),
        helper.make_node("Tanh", ["d0"], ["diff"]),
    ]
    _save(helper.make_graph(nodes, "two_io", [a, b], [s, d], [_w("k", 2, 3)]), "two_io.onnx")


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    mlp()
    conv()
    two_io()
