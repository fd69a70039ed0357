import pytest
from codemod_harness import assert_rewrite, assert_unchanged, rules, severities

from rewriters.engine import rewrite_source

RULE = "pytorch-frontend"
RECIPE = ("TorchScript is not accepted by Relax: export the nn.Module with "
          "`ep = torch.export.export(model, (example_input,))` and import it with "
          "`mod = tvm.relax.frontend.torch.from_exported_program(ep, unwrap_unit_return_tuple=True)` "
          "(weights become constants, so there is no `params`)")


def test_visible_trace_is_rewritten_to_torch_export():
    findings = assert_rewrite(
        "import torch\nimport tvm\nfrom tvm import relay\n"
        "scripted = torch.jit.trace(model, example).eval()\n"
        "mod, params = relay.frontend.from_pytorch(scripted, [('input0', (1, 3))])\n",
        "import torch\nimport tvm\nimport torch.export\nimport tvm.relax.frontend.torch\nfrom tvm import relay\n"
        "scripted = torch.jit.trace(model, example).eval()\n"
        "mod, params = tvm.relax.frontend.torch.from_exported_program(torch.export.export(model, tuple(example) if "
        "isinstance(example, (tuple, list)) else (example,)), unwrap_unit_return_tuple=True), {}\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "warning")]


def test_tuple_example_inputs_kept():
    assert_rewrite(
        "import torch\nimport tvm\ntr = torch.jit.trace(net, (a, b))\n"
        "mod, params = tvm.relay.frontend.from_pytorch(tr, shapes)\n",
        "import torch\nimport tvm\nimport torch.export\nimport tvm.relax.frontend.torch\ntr = torch.jit.trace(net, (a, b))\n"
        "mod, params = tvm.relax.frontend.torch.from_exported_program(torch.export.export(net, (a, b)), "
        "unwrap_unit_return_tuple=True), {}\n",
        RULE,
    )


def test_loaded_torchscript_flagged():
    findings = assert_rewrite(
        "import torch\nimport tvm\nm = torch.jit.load('m.pt')\nmod, params = tvm.relay.frontend.from_pytorch(m, shapes)\n",
        "import torch\nimport tvm\nm = torch.jit.load('m.pt')\n"
        f"# TODO(tvm-migrate pytorch-frontend): {RECIPE}\nmod, params = tvm.relay.frontend.from_pytorch(m, shapes)\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_custom_convert_map_flagged():
    findings = assert_rewrite(
        "import torch\nimport tvm\nt = torch.jit.trace(net, x)\n"
        "mod, params = tvm.relay.frontend.from_pytorch(t, shapes, custom_convert_map={'x': f})\n",
        "import torch\nimport tvm\nt = torch.jit.trace(net, x)\n"
        f"# TODO(tvm-migrate pytorch-frontend): a custom_convert_map needs porting to Relax; {RECIPE}\n"
        "mod, params = tvm.relay.frontend.from_pytorch(t, shapes, custom_convert_map={'x': f})\n",
        RULE,
    )
    assert len(findings) == 1


def test_noop():
    assert_unchanged("import torch\nimport tvm\nep = torch.export.export(net, (x,))\n", RULE)


@pytest.mark.parametrize("setup, example, args", [
    ("x = torch.randn(1, 3)\n", "x", "(x,)"),  # one tensor: jit.trace wrapped it in a tuple
    ("inputs = (a, b)\n", "inputs", "inputs"),  # a tuple already
    ("", "[a, b]", "(a, b)"),
    ("", "[a]", "(a,)"),
])
def test_example_inputs_become_export_args(setup, example, args):
    src = ("import torch\nimport tvm\n" + setup + f"tr = torch.jit.trace(net, {example})\n"
           "mod, params = tvm.relay.frontend.from_pytorch(tr, shapes)\n")
    out = rewrite_source(src, rules(RULE)).codes[0]
    assert f"torch.export.export(net, {args})" in out
