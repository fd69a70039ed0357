import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "param-dict"

CASES = {
    "save": (
        "import tvm\nfrom tvm import relay\nb = relay.save_param_dict(params)\n",
        "import tvm\nfrom tvm import relay\nb = tvm.runtime.save_param_dict(params)\n",
    ),
    "load_qualified": (
        "import tvm\np = tvm.relay.load_param_dict(blob)\n",
        "import tvm\np = tvm.runtime.load_param_dict(blob)\n",
    ),
    "adds_import_tvm_when_missing": (
        "from tvm import relay\np = relay.load_param_dict(open('x.params', 'rb').read())\n",
        "from tvm import relay\nimport tvm\np = tvm.runtime.load_param_dict(open('x.params', 'rb').read())\n",
    ),
    "from_import": (
        "from tvm.relay import save_param_dict\nb = save_param_dict(params)\n",
        "from tvm.runtime import save_param_dict\nb = save_param_dict(params)\n",
    ),
    "param_dict_module": (
        "from tvm.relay import param_dict\nb = param_dict.save_param_dict(p)\n",
        "from tvm.relay import param_dict\nimport tvm\nb = tvm.runtime.save_param_dict(p)\n",
    ),
    "uses_existing_runtime_import": (
        "from tvm import relay, runtime\nb = relay.save_param_dict(p)\n",
        "from tvm import relay, runtime\nb = runtime.save_param_dict(p)\n",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rewrites(name):
    before, after = CASES[name]
    findings = assert_rewrite(before, after, RULE)
    assert set(severities(findings)) == {("param-dict", "info")}


@pytest.mark.parametrize("src", [
    "import tvm\nb = tvm.runtime.save_param_dict(p)\n",
    "import tvm\nsave_param_dict = 1\n",
    "import tvm\nfrom mylib import relay\nb = relay.save_param_dict(p)\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)
