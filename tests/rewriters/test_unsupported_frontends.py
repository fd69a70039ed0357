import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "unsupported-frontends"
TAIL = ("then `tvm.relax.frontend.onnx.from_onnx`), or convert the saved Relay with `tvm-migrate convert` (save it "
        "with the legacy TVM: `tvm.ir.save_json(mod)` + `relay.save_param_dict(params)`)")


@pytest.mark.parametrize("framework, route", [
    ("keras", "convert to ONNX with tf2onnx (`tf2onnx.convert.from_keras`) or to TFLite (`tf.lite.TFLiteConverter`)"),
    ("tensorflow", "convert to ONNX with tf2onnx (`python -m tf2onnx.convert`) or to TFLite"),
    ("mxnet", "export to ONNX with `mx.onnx.export_model`"),
    ("caffe", "convert to ONNX (e.g. with caffe2onnx)"),
    ("darknet", "convert the network to ONNX (e.g. via a PyTorch port)"),
    ("coreml", "convert the source model to ONNX (e.g. with onnxmltools)"),
    ("paddle", "export to ONNX with paddle2onnx"),
    ("oneflow", "export to ONNX with oneflow_onnx"),
])
def test_flagged_with_route(framework, route):
    call = f"mod, params = relay.frontend.from_{framework}(model, shapes)\n"
    findings = assert_rewrite(
        "from tvm import relay\n" + call,
        f"from tvm import relay\n# TODO(tvm-migrate unsupported-frontends): no Relax frontend for {framework} in "
        f"TVM 0.27: go through ONNX ({route}, {TAIL}\n" + call,
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_not_double_flagged_and_import_kept():
    from rewriters.engine import rewrite_source

    out = rewrite_source("from tvm import relay\nm, p = relay.frontend.from_keras(k)\n")
    ids = [f.rule_id for f in out.findings]
    assert ids.count("unsupported-frontends") == 1
    assert "from tvm import relay" in out.codes[0]  # still used: removing it would turn ImportError into NameError
    assert sum(1 for f in out.findings if f.rule_id == "removed-modules") == 1  # the import line


def test_noop():
    assert_unchanged("import tvm\nfrom keras_helpers import from_keras\nm = from_keras(k)\n", RULE)
