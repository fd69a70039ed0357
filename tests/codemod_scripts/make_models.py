"""Writes the small models the behaviour scripts use (run once; the model files are committed).

    /work/main/.venv/bin/python tests/codemod_scripts/make_models.py

ONNX: opset 13, float32, weights from a fixed seed. Input names follow what exporters
produce (``input.1`` from torch.onnx, ``0``), since Relax's importer renames such names.

TFLite: ``mlp.tflite`` is written with the flatbuffer builders of the ``tflite`` package
(no TensorFlow needed): FULLY_CONNECTED (fused RELU) -> MUL by a constant -> SOFTMAX.
The PyTorch scripts build their tiny ``nn.Module`` in the script itself (seeded).
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


def _tflite_vector(builder, start, values, prepend):
    start(builder, len(values))
    for v in reversed(values):
        prepend(v)
    return builder.EndVector()


def mlp_tflite():
    """A float32 TFLite flatbuffer: input (1, 8) -> FC(4, relu) -> x scale -> softmax -> output."""
    import importlib

    import flatbuffers
    # the generated modules (tflite.Buffer etc.) hold the builder functions; the package
    # attributes of the same names are the reader classes
    (Buffer, Model, Operator, OperatorCode, SubGraph, Tensor, FullyConnectedOptions, MulOptions,
     SoftmaxOptions) = (importlib.import_module(f"tflite.{name}") for name in (
        "Buffer", "Model", "Operator", "OperatorCode", "SubGraph", "Tensor", "FullyConnectedOptions",
        "MulOptions", "SoftmaxOptions"))
    from tflite.ActivationFunctionType import ActivationFunctionType
    from tflite.BuiltinOperator import BuiltinOperator
    from tflite.BuiltinOptions import BuiltinOptions
    from tflite.TensorType import TensorType

    b = flatbuffers.Builder(1024)
    weights = (RNG.standard_normal((4, 8)) * 0.5).astype(np.float32)
    bias = (RNG.standard_normal(4) * 0.5).astype(np.float32)
    scale = np.array([0.5, 1.5, -1.0, 2.0], np.float32)
    datas = [None, weights, bias, scale]  # buffer 0 is the empty buffer by convention
    buffers = []
    for data in datas:
        vec = None if data is None else b.CreateNumpyVector(np.frombuffer(data.tobytes(), np.uint8))
        Buffer.BufferStart(b)
        if vec is not None:
            Buffer.BufferAddData(b, vec)
        buffers.append(Buffer.BufferEnd(b))
    # name, shape, buffer index
    specs = [("input", [1, 8], 0), ("fc_weights", [4, 8], 1), ("fc_bias", [4], 2), ("fc", [1, 4], 0),
             ("scale", [4], 3), ("scaled", [1, 4], 0), ("output", [1, 4], 0)]
    tensors = []
    for name, shape, buf in specs:
        name_off = b.CreateString(name)
        shape_off = _tflite_vector(b, Tensor.TensorStartShapeVector, shape, b.PrependInt32)
        Tensor.TensorStart(b)
        Tensor.TensorAddShape(b, shape_off)
        Tensor.TensorAddType(b, TensorType.FLOAT32)
        Tensor.TensorAddBuffer(b, buf)
        Tensor.TensorAddName(b, name_off)
        tensors.append(Tensor.TensorEnd(b))
    codes = []
    for op in (BuiltinOperator.FULLY_CONNECTED, BuiltinOperator.MUL, BuiltinOperator.SOFTMAX):
        OperatorCode.OperatorCodeStart(b)
        OperatorCode.OperatorCodeAddDeprecatedBuiltinCode(b, op)
        OperatorCode.OperatorCodeAddBuiltinCode(b, op)
        OperatorCode.OperatorCodeAddVersion(b, 1)
        codes.append(OperatorCode.OperatorCodeEnd(b))
    FullyConnectedOptions.FullyConnectedOptionsStart(b)
    FullyConnectedOptions.FullyConnectedOptionsAddFusedActivationFunction(b, ActivationFunctionType.RELU)
    fc_opts = FullyConnectedOptions.FullyConnectedOptionsEnd(b)
    MulOptions.MulOptionsStart(b)
    mul_opts = MulOptions.MulOptionsEnd(b)
    SoftmaxOptions.SoftmaxOptionsStart(b)
    SoftmaxOptions.SoftmaxOptionsAddBeta(b, 1.0)
    softmax_opts = SoftmaxOptions.SoftmaxOptionsEnd(b)
    ops = []
    for code, ins, outs, kind, opts in ((0, [0, 1, 2], [3], BuiltinOptions.FullyConnectedOptions, fc_opts),
                                        (1, [3, 4], [5], BuiltinOptions.MulOptions, mul_opts),
                                        (2, [5], [6], BuiltinOptions.SoftmaxOptions, softmax_opts)):
        ins_off = _tflite_vector(b, Operator.OperatorStartInputsVector, ins, b.PrependInt32)
        outs_off = _tflite_vector(b, Operator.OperatorStartOutputsVector, outs, b.PrependInt32)
        Operator.OperatorStart(b)
        Operator.OperatorAddOpcodeIndex(b, code)
        Operator.OperatorAddInputs(b, ins_off)
        Operator.OperatorAddOutputs(b, outs_off)
        Operator.OperatorAddBuiltinOptionsType(b, kind)
        Operator.OperatorAddBuiltinOptions(b, opts)
        ops.append(Operator.OperatorEnd(b))
    tensors_off = _tflite_vector(b, SubGraph.SubGraphStartTensorsVector, tensors, b.PrependUOffsetTRelative)
    inputs_off = _tflite_vector(b, SubGraph.SubGraphStartInputsVector, [0], b.PrependInt32)
    outputs_off = _tflite_vector(b, SubGraph.SubGraphStartOutputsVector, [6], b.PrependInt32)
    ops_off = _tflite_vector(b, SubGraph.SubGraphStartOperatorsVector, ops, b.PrependUOffsetTRelative)
    graph_name = b.CreateString("main")
    SubGraph.SubGraphStart(b)
    SubGraph.SubGraphAddTensors(b, tensors_off)
    SubGraph.SubGraphAddInputs(b, inputs_off)
    SubGraph.SubGraphAddOutputs(b, outputs_off)
    SubGraph.SubGraphAddOperators(b, ops_off)
    SubGraph.SubGraphAddName(b, graph_name)
    subgraph = SubGraph.SubGraphEnd(b)
    codes_off = _tflite_vector(b, Model.ModelStartOperatorCodesVector, codes, b.PrependUOffsetTRelative)
    subgraphs_off = _tflite_vector(b, Model.ModelStartSubgraphsVector, [subgraph], b.PrependUOffsetTRelative)
    buffers_off = _tflite_vector(b, Model.ModelStartBuffersVector, buffers, b.PrependUOffsetTRelative)
    description = b.CreateString("tvm-migrate-tests")
    Model.ModelStart(b)
    Model.ModelAddVersion(b, 3)
    Model.ModelAddOperatorCodes(b, codes_off)
    Model.ModelAddSubgraphs(b, subgraphs_off)
    Model.ModelAddDescription(b, description)
    Model.ModelAddBuffers(b, buffers_off)
    b.Finish(Model.ModelEnd(b), file_identifier=b"TFL3")
    with open(os.path.join(HERE, "mlp.tflite"), "wb") as fh:
        fh.write(b.Output())


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    mlp()
    conv()
    two_io()
    mlp_tflite()
