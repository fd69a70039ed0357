import pytest
from codemod_harness import assert_rewrite, assert_unchanged, only, severities

RULE = "removed-modules"
RELAY = ("Relay was removed after TVM 0.19: express the model in Relax (an importer in `tvm.relax.frontend`, "
         "`relax.BlockBuilder` or TVMScript `@R.function`), or build it with the legacy TVM, save it with "
         "`tvm.ir.save_json(mod)` / `mod.astext()` and `relay.save_param_dict(params)`, then run `tvm-migrate convert`")


def test_unused_imports_removed_after_other_rules():
    findings = assert_rewrite(
        "import tvm\n# io helpers\nfrom tvm import relay\nfrom tvm.contrib import graph_executor\n"
        "b = relay.save_param_dict(p)\n",
        "import tvm\n# io helpers\nb = tvm.runtime.save_param_dict(p)\n",
        RULE, "param-dict",
    )
    assert severities(only(findings, RULE)) == [(RULE, "info"), (RULE, "info")]


def test_leftover_use_flagged_and_import_kept():
    findings = assert_rewrite(
        "from tvm import relay\nx = relay.var('x', shape=(1,))\n",
        "# TODO(tvm-migrate removed-modules): `tvm.relay` does not exist in TVM 0.27, so this import fails: migrate "
        "the remaining use(s) (line 2), then delete it\nfrom tvm import relay\n"
        f"# TODO(tvm-migrate removed-modules): `relay.var` (`tvm.relay.var`) does not exist in TVM 0.27: {RELAY}\n"
        "x = relay.var('x', shape=(1,))\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error"), (RULE, "error")]
    assert [f.line for f in findings] == [1, 2]


def test_specific_hints():
    findings = assert_rewrite(
        "import tvm\nmod = tvm.relay.transform.FoldConstant()(mod)\n",
        "import tvm\n# TODO(tvm-migrate removed-modules): `tvm.relay.transform.FoldConstant` does not exist in TVM "
        "0.27: use `tvm.relax.transform.FoldConstant()`\nmod = tvm.relay.transform.FoldConstant()(mod)\n",
        RULE,
    )
    assert len(findings) == 1


def test_import_of_submodule_kept_while_used():
    findings = assert_rewrite(
        "import tvm.relay.testing\nmod, params = tvm.relay.testing.mlp.get_workload(1)\n",
        "# TODO(tvm-migrate removed-modules): `tvm.relay` does not exist in TVM 0.27, so this import fails: migrate "
        "the remaining use(s) (line 2), then delete it\nimport tvm.relay.testing\n"
        "# TODO(tvm-migrate removed-modules): `tvm.relay.testing.mlp.get_workload` does not exist in TVM 0.27: "
        "relay.testing workloads are gone: export the model to ONNX and import it with "
        "`tvm.relax.frontend.onnx.from_onnx`, or build it with the legacy TVM, save it with `tvm.ir.save_json(mod)` / "
        "`mod.astext()` and `relay.save_param_dict(params)`, then run `tvm-migrate convert`\n"
        "mod, params = tvm.relay.testing.mlp.get_workload(1)\n",
        RULE,
    )
    assert len(findings) == 2


def test_partial_import_line():
    assert_rewrite(
        "import tvm\nfrom tvm import relay, te\nA = te.placeholder((1,))\n",
        "import tvm\nfrom tvm import te\nA = te.placeholder((1,))\n",
        RULE,
    )


def test_import_inside_function_removed_and_block_kept_valid():
    assert_rewrite(
        "def f():\n    from tvm.contrib import graph_executor\n",
        "def f():\n    pass\n",
        RULE,
    )


def test_names_that_are_not_references_are_ignored():
    assert_rewrite(
        "from tvm import relay\nclass A:\n    relay = 1\ndef f(relay=None):\n    return g(relay=2).relay\n",
        "class A:\n    relay = 1\ndef f(relay=None):\n    return g(relay=2).relay\n",
        RULE,
    )


@pytest.mark.parametrize("src", [
    "import tvm\nfrom tvm import relax\n",
    "import tvm\nx = tvm.runtime.tensor(a)\n",
    "import relay\nimport tvm\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)


def test_imports_in_try_except_fallbacks_removed_when_unused():
    assert_rewrite(
        "import tvm\ntry:\n    from tvm.contrib import graph_executor\nexcept ImportError:\n"
        "    from tvm.contrib import graph_runtime as graph_executor\nelse:\n    pass\n",
        "import tvm\ntry:\n    pass\nexcept ImportError:\n    pass\nelse:\n    pass\n",
        RULE,
    )
