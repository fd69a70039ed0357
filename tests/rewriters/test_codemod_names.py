"""Name resolution: imports read once, uses checked against scopes where a name is rebound
(rewriters/names.py), and values followed per scope and through ``self`` attributes
(rewriters/tracking.py, exercised through the rules that use it)."""

import libcst as cst
import pytest
from codemod_harness import assert_rewrite, rules

from rewriters.engine import rewrite_units
from rewriters.names import ShadowCheck

SAVE = "tvm.runtime.save_param_dict"


def test_parameter_named_like_a_module_alias_is_not_the_module():
    assert_rewrite(
        "import tvm\nfrom tvm import relay\n\ndef report(relay):\n    return relay.save_param_dict(x)\n\n"
        "blob = relay.save_param_dict(p)\n",
        "import tvm\nfrom tvm import relay\n\ndef report(relay):\n    return relay.save_param_dict(x)\n\n"
        f"blob = {SAVE}(p)\n",
        "param-dict",
    )


@pytest.mark.parametrize("shadow", [
    "def f(xs):\n    nd = np\n    return nd.array(xs)\n",  # a local variable
    "def f(xs):\n    return [nd.array(x) for nd in xs]\n",  # a comprehension variable
    "f = lambda nd: nd.array(1)\n",  # a lambda parameter
    "class Table:\n    nd = np\n    value = nd.array(1)\n",  # a class attribute, in the class body
    "def f(xs):\n    for nd in xs:\n        nd.array(1)\n",  # a loop variable
    "def f():\n    with open('x') as nd:\n        nd.array(1)\n",
])
def test_shadowed_alias_left_alone(shadow):
    # the import moves (tvm.nd is gone); the shadowed use is not rewritten
    assert_rewrite("import numpy as np\nfrom tvm import nd\n" + shadow,
                   "import numpy as np\nfrom tvm import runtime as nd\n" + shadow, "runtime-tensor")


def test_function_import_is_not_shadowed_by_itself():
    assert_rewrite(
        "import tvm\ndef f(x):\n    from tvm import nd\n    return nd.array(x)\n",
        "import tvm\ndef f(x):\n    from tvm import runtime as nd\n    return nd.tensor(x)\n",
        "runtime-tensor",
    )


def test_fallback_binding_beside_the_import_still_resolves():
    # ``relay = None`` in an except branch rebinds the module-level name, but the
    # import is one of its bindings: uses are still the module
    assert_rewrite(
        "import tvm\ntry:\n    from tvm import relay\nexcept ImportError:\n    relay = None\n"
        "blob = relay.save_param_dict(p)\n",
        "import tvm\ntry:\n    from tvm import relay\nexcept ImportError:\n    relay = None\n"
        f"blob = {SAVE}(p)\n",
        "param-dict",
    )


def test_keyword_argument_named_like_the_alias_is_no_rebinding():
    assert_rewrite(
        "import tvm\nfrom tvm import relay\nf(relay=1)\nblob = relay.save_param_dict(p)\n",
        f"import tvm\nfrom tvm import relay\nf(relay=1)\nblob = {SAVE}(p)\n",
        "param-dict",
    )


def test_removed_modules_does_not_flag_a_shadowing_variable():
    # the only remaining `relay` is a parameter: the import goes, nothing is flagged
    assert_rewrite(
        "import tvm\nfrom tvm import relay\n\ndef show(relay):\n    print(relay.frontend)\n",
        "import tvm\n\ndef show(relay):\n    print(relay.frontend)\n",
    )


def test_notebook_cell_sees_the_import_of_an_earlier_cell_unless_it_rebinds_it():
    cells = ["from tvm import nd\n", "a = nd.array(x)\n", "nd = other\nb = nd.array(x)\n"]
    out = rewrite_units("nb.ipynb", cells, rules("runtime-tensor"), cells=[1, 2, 3])
    assert out.codes == ["from tvm import runtime as nd\n", "a = nd.tensor(x)\n", "nd = other\nb = nd.array(x)\n"]


def test_scope_analysis_runs_only_where_a_name_is_rebound():
    def check(source, names):
        return ShadowCheck([cst.parse_module(source)], [source], names)

    assert not check("import tvm\nfrom tvm import relay\nx = relay.build(m)\nif relay == 1:\n    pass\n",
                     {"tvm", "relay"}).active
    assert check("from tvm import relay\ndef f(a, relay):\n    pass\n", {"relay"}).active
