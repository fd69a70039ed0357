import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

from rewriters.rules.onnx_frontend import HELPER_CODE

RULE = "onnx-frontend"
HEAD = "import tvm\nfrom tvm import relay\n"
NEW = "import tvm\nimport tvm.relax.frontend.onnx\nfrom tvm import relay\n"

CASES = {
    "unpacked": (
        HEAD + "mod, params = relay.frontend.from_onnx(model, shape_dict)\n",
        NEW + "mod, params = tvm.relax.frontend.onnx.from_onnx(model, shape_dict, sanitize_input_names=False), {}\n",
    ),
    "keywords_renamed": (
        HEAD + "mod, params = relay.frontend.from_onnx(model, shape={'x': (1, 3)}, dtype='float16', opset=13)\n",
        NEW + "mod, params = tvm.relax.frontend.onnx.from_onnx(model, shape_dict={'x': (1, 3)}, dtype_dict='float16', "
        "opset=13, sanitize_input_names=False), {}\n",
    ),
    "positional_dtype_opset": (
        HEAD + "mod, params = relay.frontend.from_onnx(model, shapes, 'float32', 11)\n",
        NEW + "mod, params = tvm.relax.frontend.onnx.from_onnx(model, shapes, 'float32', 11, "
        "sanitize_input_names=False), {}\n",
    ),
    "freeze_params_true_dropped": (
        HEAD + "mod, params = relay.frontend.from_onnx(model, shapes, freeze_params=True)\n",
        NEW + "mod, params = tvm.relax.frontend.onnx.from_onnx(model, shapes, sanitize_input_names=False), {}\n",
    ),
    "not_unpacked_gets_a_tuple": (
        HEAD + "res = relay.frontend.from_onnx(model, shapes)\n",
        NEW + "res = (tvm.relax.frontend.onnx.from_onnx(model, shapes, sanitize_input_names=False), {})\n",
    ),
    "returned": (
        HEAD + "def load(m):\n    return relay.frontend.from_onnx(m)\n",
        NEW + "def load(m):\n    return (tvm.relax.frontend.onnx.from_onnx(m, sanitize_input_names=False), {})\n",
    ),
    "submodule_path": (
        "from tvm.relay.frontend.onnx import from_onnx\nmod, p = from_onnx(model, shapes)\n",
        "from tvm.relay.frontend.onnx import from_onnx\nimport tvm.relax.frontend.onnx\n"
        "mod, p = tvm.relax.frontend.onnx.from_onnx(model, shapes, sanitize_input_names=False), {}\n",
    ),
    "no_tvm_binding_adds_module_import": (
        "from tvm import relay\nimport onnx\nmod, params = relay.frontend.from_onnx(onnx.load('m.onnx'))\n",
        "from tvm import relay\nimport tvm.relax.frontend.onnx\nimport onnx\nmod, params = "
        "tvm.relax.frontend.onnx.from_onnx(onnx.load('m.onnx'), sanitize_input_names=False), {}\n",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rewrites(name):
    before, after = CASES[name]
    findings = assert_rewrite(before, after, RULE)
    assert severities(findings) == [(RULE, "warning")]


NAMED = "\n\n" + HELPER_CODE + "\n\n"


def test_freeze_params_false_returns_the_weights_by_name():
    findings = assert_rewrite(
        HEAD + "mod, params = relay.frontend.from_onnx(model, shapes, freeze_params=False)\n",
        NEW + NAMED + "mod, params = tvm_migrate_named_params(tvm.relax.frontend.onnx.from_onnx(model, shapes, "
        "keep_params_in_input=True, sanitize_input_names=False))\n",
        RULE,
    )
    assert "keep_params_in_input=True" in findings[0].message


@pytest.mark.parametrize("flag, keep", [
    ("freeze_params=frozen", "keep_params_in_input=not frozen"),
    ("freeze_params=a or b", "keep_params_in_input=not (a or b)"),
])
def test_freeze_params_variable_negated(flag, keep):
    assert_rewrite(
        HEAD + f"res = relay.frontend.from_onnx(model, shapes, {flag})\n",
        NEW + NAMED + f"res = tvm_migrate_named_params(tvm.relax.frontend.onnx.from_onnx(model, shapes, {keep}, "
        "sanitize_input_names=False))\n",
        RULE,
    )


def test_star_kwargs_flagged():
    findings = assert_rewrite(
        HEAD + "mod, params = relay.frontend.from_onnx(model, **kw)\n",
        HEAD + "# TODO(tvm-migrate onnx-frontend): cannot map the arguments (`**` arguments): rewrite as "
        "`tvm.relax.frontend.onnx.from_onnx(model, shape_dict, dtype_dict, opset)`, which returns only the module "
        "(weights embedded)\nmod, params = relay.frontend.from_onnx(model, **kw)\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


@pytest.mark.parametrize("src", [
    "import tvm\nimport tvm.relax.frontend.onnx\nmod = tvm.relax.frontend.onnx.from_onnx(m)\n",
    "import tvm\nfrom mylib import from_onnx\nmod, p = from_onnx(m)\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)
