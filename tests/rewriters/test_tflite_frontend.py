import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "tflite-frontend"


def test_rewrites_and_keeps_arguments():
    findings = assert_rewrite(
        "import tvm\nfrom tvm import relay\n"
        "mod, params = relay.frontend.from_tflite(tfl, shape_dict={'in': (1, 4)}, dtype_dict={'in': 'float32'})\n",
        "import tvm\nimport tvm.relax.frontend.tflite\nfrom tvm import relay\n"
        "mod, params = tvm.relax.frontend.tflite.from_tflite(tfl, shape_dict={'in': (1, 4)}, "
        "dtype_dict={'in': 'float32'}), {}\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "warning")]
    assert "`params` is `{}`" in findings[0].message


def test_positional():
    assert_rewrite(
        "import tvm\nmod, params = tvm.relay.frontend.from_tflite(m, shapes, dtypes)\n",
        "import tvm\nimport tvm.relax.frontend.tflite\n"
        "mod, params = tvm.relax.frontend.tflite.from_tflite(m, shapes, dtypes), {}\n",
        RULE,
    )


def test_custom_op_converter_flagged():
    findings = assert_rewrite(
        "import tvm\nmod, params = tvm.relay.frontend.from_tflite(m, op_converter=MyConv)\n",
        "import tvm\n# TODO(tvm-migrate tflite-frontend): a custom Relay `op_converter` does not work with Relax: call "
        "`tvm.relax.frontend.tflite.from_tflite(model, shape_dict, dtype_dict[, op_converter=<a relax "
        "OperatorConverter subclass>])`, which returns only the module\n"
        "mod, params = tvm.relay.frontend.from_tflite(m, op_converter=MyConv)\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


@pytest.mark.parametrize("src", [
    "import tvm\nimport tvm.relax.frontend.tflite as t\nmod = t.from_tflite(m)\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)
