"""nightly/transformers.py: the exported ONNX graphs have the structure each model is designed to have."""

from __future__ import annotations

import collections
import subprocess
import sys

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("torch")

from onnx import numpy_helper  # noqa: E402

from nightly.transformers import SPECS, TransformerExportError, example_inputs, export_onnx  # noqa: E402

LAYERS = 4


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = {}
    base = tmp_path_factory.mktemp("transformers")
    for name in ("bert", "gpt", "vit"):
        info = export_onnx(name, base / (name + ".onnx"), seed=0)
        out[name] = (info, onnx.load(str(base / (name + ".onnx"))))
    return out


def _ops(model):
    return collections.Counter(n.op_type for n in model.graph.node)


def _signature(model):
    type_names = {onnx.TensorProto.INT64: "int64", onnx.TensorProto.FLOAT: "float32"}
    return [(i.name, [d.dim_value for d in i.type.tensor_type.shape.dim], type_names[i.type.tensor_type.elem_type])
            for i in model.graph.input]


def test_sizes_are_the_documented_ones():
    assert SPECS["bert"] == {"vocab": 1000, "hidden": 256, "layers": LAYERS, "heads": 4, "ffn": 1024, "seq": 128,
                             "segments": 2}
    assert SPECS["vit"]["image"] == 64 and SPECS["vit"]["patch"] == 8


def test_bert_encoder(exported):
    info, model = exported["bert"]
    assert info["opset"] == 17 and model.opset_import[0].version == 17
    assert _signature(model) == [("input_ids", [1, 128], "int64"), ("token_type_ids", [1, 128], "int64"),
                                 ("attention_mask", [1, 128], "int64")]
    assert [o.name for o in model.graph.output] == ["last_hidden_state", "pooled"]
    ops = _ops(model)
    # per layer: q, k, v, out projections, QK^T, PV, FFN up and down = 8 MatMul
    assert ops["MatMul"] == 8 * LAYERS
    assert ops["Softmax"] == LAYERS and ops["Erf"] == LAYERS  # exact GELU, exported as its erf form
    assert ops["LayerNormalization"] == 1 + 2 * LAYERS  # embeddings + post-LN twice per layer
    assert ops["Gather"] == 3 + 1  # token, position, segment embeddings + the [CLS] row for the pooler
    assert ops["Tanh"] == 1 and ops["Gemm"] == 1  # pooler
    assert ops["Cast"] == 1 and ops["Sub"] == 1  # (1 - mask) * -10000 additive padding mask
    assert "Where" not in ops


def test_gpt_decoder_is_causal(exported):
    info, model = exported["gpt"]
    assert _signature(model) == [("input_ids", [1, 128], "int64")]
    assert info["outputs"] == ["logits"]
    ops = _ops(model)
    assert ops["MatMul"] == 8 * LAYERS + 1  # + LM head tied to the token embedding
    assert ops["Where"] == LAYERS and ops["Softmax"] == LAYERS
    assert ops["LayerNormalization"] == 2 * LAYERS + 1  # pre-LN twice per layer + final
    assert "Gemm" not in ops
    # every Where selects with the same constant lower-triangular mask
    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant":
            consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    masks = [consts[n.input[0]] for n in model.graph.node if n.op_type == "Where"]
    assert len(masks) == LAYERS
    for m in masks:
        assert m.dtype == np.bool_ and m.shape == (1, 1, 128, 128)
        np.testing.assert_array_equal(m[0, 0], np.tril(np.ones((128, 128), bool)))


def test_vit_image_model(exported):
    _, model = exported["vit"]
    assert _signature(model) == [("pixel_values", [1, 3, 64, 64], "float32")]
    ops = _ops(model)
    conv = [n for n in model.graph.node if n.op_type == "Conv"]
    assert len(conv) == 1
    attrs = {a.name: list(a.ints) for a in conv[0].attribute}
    assert attrs["kernel_shape"] == [8, 8] and attrs["strides"] == [8, 8]  # patch embedding
    assert ops["Concat"] >= 1  # [CLS] token prepended
    assert ops["MatMul"] == 8 * LAYERS and ops["Softmax"] == LAYERS
    assert ops["LayerNormalization"] == 2 * LAYERS + 1
    assert ops["Gemm"] == 1  # classifier on [CLS]
    shapes = {i.name: list(numpy_helper.to_array(i).shape) for i in model.graph.initializer}
    assert [1, 65, 256] in shapes.values()  # position embedding: 64 patches + [CLS]


def test_export_is_deterministic_and_seeded(tmp_path, exported):
    from nightly.transformers import build_torch_model

    export_onnx("vit", tmp_path / "again.onnx", seed=0)
    again = onnx.load(str(tmp_path / "again.onnx"))
    base = exported["vit"][1]
    assert len(base.graph.initializer) == len(again.graph.initializer) > 0
    for x, y in zip(base.graph.initializer, again.graph.initializer):
        np.testing.assert_array_equal(numpy_helper.to_array(x), numpy_helper.to_array(y))
    w0 = build_torch_model("vit", seed=0).state_dict()
    w1 = build_torch_model("vit", seed=1).state_dict()
    assert all(not np.array_equal(w0[k].numpy(), w1[k].numpy()) for k in ("cls", "pos", "head.weight"))


def test_example_inputs_are_in_range():
    bert = example_inputs("bert")
    assert bert["input_ids"].dtype == np.int64 and 0 <= bert["input_ids"].min() and bert["input_ids"].max() < 1000
    assert set(np.unique(bert["attention_mask"])) == {0, 1} and bert["attention_mask"][0, -1] == 0
    assert set(np.unique(bert["token_type_ids"])) == {0, 1}


def test_errors(tmp_path):
    with pytest.raises(TransformerExportError, match="unknown transformer model 't5'; choose one of bert, gpt, vit"):
        export_onnx("t5", tmp_path / "x.onnx")
    proc = subprocess.run([sys.executable, "-m", "nightly.transformers", "gpt", str(tmp_path / "no" / "x.onnx")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "nightly.transformers: error: cannot write %s: directory %s does not exist\n" % (
        tmp_path / "no" / "x.onnx", tmp_path / "no")
    assert list(tmp_path.iterdir()) == []
