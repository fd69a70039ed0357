import pytest
from codemod_harness import assert_rewrite, assert_unchanged, only, severities

from codemod_harness import rules

from rewriters.engine import rewrite_source
from rewriters.rules.graph_executor import COUNT_HELPER_CODE, HELPER_CODE

RULE = "graph-executor"
HEAD = "import tvm\nfrom tvm.contrib import graph_executor\n"
HELPER = "\n\n" + HELPER_CODE + "\n\n"


def test_single_input_flow():
    findings = assert_rewrite(
        HEAD
        + "m = graph_executor.GraphModule(lib['default'](dev))\n"
        + "m.set_input('input.1', data)  # the image\n"
        + "m.run()\n"
        + "out = m.get_output(0)\n",
        HEAD + HELPER
        + "m = tvm.relax.VirtualMachine(lib, dev)\n"
        + "m.set_input(\"main\", data)\n"
        + "m.invoke_stateful(\"main\")\n"
        + "out = tvm_migrate_graph_output(m, 0)\n",
        RULE,
    )
    assert {sev for _, sev in severities(findings)} == {"warning"}


def test_several_inputs_by_name_in_any_order():
    assert_rewrite(
        HEAD + "def run(lib, a, b):\n"
        "    m = graph_executor.GraphModule(lib['default'](tvm.cpu(0)))\n"
        "    m.set_input('b', b)\n"
        "    m.set_input(key='a', value=a)\n"
        "    m.run()\n",
        HEAD + "def run(lib, a, b):\n"
        "    m = tvm.relax.VirtualMachine(lib, tvm.cpu(0))\n"
        "    m.set_input(\"main\", b=b, a=a)\n"
        "    m.invoke_stateful(\"main\")\n",
        RULE,
    )


def test_keyword_inputs_and_run_kwargs():
    assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\nm.set_input(data=x)\nm.run()\n"
        "m.run(data=y)\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\nm.set_input(\"main\", x)\nm.invoke_stateful(\"main\")\n"
        "m.set_input(\"main\", y)\nm.invoke_stateful(\"main\")\n",
        RULE,
    )


def test_repeated_run_reuses_inputs():
    assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\nm.set_input('x', x)\nm.run()\n"
        "for _ in range(3):\n    m.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\nm.set_input(\"main\", x)\nm.invoke_stateful(\"main\")\n"
        "for _ in range(3):\n    m.invoke_stateful(\"main\")\n",
        RULE,
    )


def test_benchmark_and_time_evaluator():
    assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\n"
        "r = m.benchmark(dev, repeat=3)\n"
        "ftimer = m.module.time_evaluator('run', dev, number=1, repeat=10)\n",
        HEAD.replace("import tvm\n", "import tvm\nimport functools\n")
        + "m = tvm.relax.VirtualMachine(lib, dev)\n"
        "r = m.time_evaluator(\"invoke_stateful\", dev, number=5, repeat=3)(\"main\")\n"
        "ftimer = functools.partial(m.time_evaluator(\"invoke_stateful\", dev, number=1, repeat=10), \"main\")\n",
        RULE,
    )


def test_inputs_from_a_loop_are_flagged():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\n"
        "for k, v in inputs.items():\n    m.set_input(k, v)\nm.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\n"
        "for k, v in inputs.items():\n"
        "    # TODO(tvm-migrate graph-executor): the Relax VM takes all inputs in one call: collect them and call "
        "`m.set_input(\"main\", *inputs)` then `m.invoke_stateful(\"main\")` where `m.run()` was (no run() follows in "
        "this block)\n    m.set_input(k, v)\n"
        "m.invoke_stateful(\"main\")\n",
        RULE,
    )
    assert [sev for _, sev in severities(findings)].count("error") == 1


def test_run_without_any_inputs_flagged():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\nm.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\n# TODO(tvm-migrate graph-executor): make sure the inputs were "
        "set with `m.set_input(\"main\", ...)`: the Relax VM takes all inputs in one call\nm.invoke_stateful(\"main\")\n",
        RULE,
    )
    assert [sev for _, sev in severities(findings)].count("error") == 1


def test_star_params_kept_when_not_bound_at_build():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\nm.set_input('x', x)\nm.set_input(**params)\nm.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\nm.set_input(\"main\", x, **params)\nm.invoke_stateful(\"main\")\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "warning"), (RULE, "warning")]


def test_star_params_bound_at_build_dropped():
    findings = assert_rewrite(
        "import tvm\nfrom tvm import relay\nfrom tvm.contrib import graph_executor\n"
        "lib = relay.build(mod, 'llvm', params=params)\n"
        "m = graph_executor.GraphModule(lib['default'](dev))\nm.set_input(**params)\nm.set_input('x', x)\nm.run()\n",
        "import tvm\nfrom tvm import relay\nfrom tvm.contrib import graph_executor\n"
        "lib = relay.build(mod, 'llvm', params=params)\n"
        "m = tvm.relax.VirtualMachine(lib, dev)\nm.set_input(\"main\", x)\nm.invoke_stateful(\"main\")\n",
        RULE,
    )
    assert "`**params` dropped: bound into the compiled module" in findings[-1].message


def test_value_reassigned_between_set_input_and_run_flagged_once():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\nm.set_input('x', x)\nx = 2\nm.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\nm.set_input('x', x)\nx = 2\n"
        "# TODO(tvm-migrate graph-executor): cannot merge the inputs of `m.run()` (`x = 2` reassigns a value between "
        "set_input and run()); the Relax VM takes all inputs in one call: `m.set_input(\"main\", ...)` then "
        "`m.invoke_stateful(\"main\")`\nm.run()\n",
        RULE,
    )
    assert severities(only(findings, RULE)) == [(RULE, "warning"), (RULE, "error")]


def test_create_and_gone_methods_flagged():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.create(graph, lib, dev)\n",
        HEAD + "# TODO(tvm-migrate graph-executor): graph JSON + library executors are gone: build the model with "
        "`tvm.compile` (a Relay graph JSON and library cannot run on 0.27) and run it with "
        "`tvm.relax.VirtualMachine(ex, dev)`\nm = graph_executor.create(graph, lib, dev)\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


@pytest.mark.parametrize("src", [
    "import tvm\nvm = tvm.relax.VirtualMachine(ex, dev)\nvm.set_input('main', x)\nvm.invoke_stateful('main')\n",
    "import tvm\nm = Other()\nm.set_input('x', 1)\nm.run()\nm.get_output(0)\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)


def test_module_returned_by_a_function_is_tracked():
    assert_rewrite(
        HEAD + "def make(lib):\n    return graph_executor.GraphModule(lib['default'](tvm.cpu()))\n"
        "g = make(lib)\ng.set_input('x', x)\ng.run()\n",
        HEAD + "def make(lib):\n    return tvm.relax.VirtualMachine(lib, tvm.cpu())\n"
        "g = make(lib)\ng.set_input(\"main\", x)\ng.invoke_stateful(\"main\")\n",
        RULE,
    )


def test_unrecognised_module_flagged_not_silently_left():
    findings = assert_rewrite(
        HEAD + "mods = [graph_executor.GraphModule(lib['default'](dev))]\nm = mods[0]\nm.set_input('x', x)\n",
        HEAD + "mods = [tvm.relax.VirtualMachine(lib, dev)]\nm = mods[0]\n# TODO(tvm-migrate graph-executor): if `m` "
        "is a graph executor module (its creation was not recognised): it is a `tvm.relax.VirtualMachine` now: "
        "`set_input(\"main\", *inputs)`, `invoke_stateful(\"main\")`, `get_outputs(\"main\")`\nm.set_input('x', x)\n",
        RULE,
    )
    assert ("graph-executor", "error") in severities(findings)


@pytest.mark.parametrize("sets, merged", [
    # names that are not identifiers (or are keywords, or set_input's own parameter) stay a dict
    ("m.set_input('input.1', a)\nm.set_input('class', b)\n", "m.set_input(\"main\", **{\"input.1\": a, \"class\": b})\n"),
    ("m.set_input('func_name', a)\nm.set_input('b', b)\n", "m.set_input(\"main\", **{\"func_name\": a, \"b\": b})\n"),
    # by index: positional, in index order
    ("m.set_input(1, b)\nm.set_input(0, a)\n", "m.set_input(\"main\", a, b)\n"),
    # one input named by a variable (the from_tflite tutorial): by position
    ("m.set_input(input_name, tvm.nd.array(a))\n", "m.set_input(\"main\", tvm.nd.array(a))\n"),
    # several, one named by a variable: a dict keyed by that variable
    ("m.set_input(name_a, a)\nm.set_input('b', b)\n", "m.set_input(\"main\", **{name_a: a, \"b\": b})\n"),
    # the same input twice: the later value wins, as in the graph executor
    ("m.set_input('a', a)\nm.set_input('b', b)\nm.set_input('a', c)\n", "m.set_input(\"main\", b=b, a=c)\n"),
    ("m.set_input_zero_copy('a', a)\nm.set_input('b', b)\n", "m.set_input(\"main\", a=a, b=b)\n"),
])
def test_merged_input_styles(sets, merged):
    assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\n" + sets + "m.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\n" + merged + "m.invoke_stateful(\"main\")\n",
        RULE,
    )


def test_index_and_name_mixed_flagged():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\nm.set_input(0, a)\nm.set_input('b', b)\nm.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\nm.set_input(0, a)\nm.set_input('b', b)\n"
        "# TODO(tvm-migrate graph-executor): cannot merge the inputs of `m.run()` (inputs are set both by index and by "
        "name); the Relax VM takes all inputs in one call: `m.set_input(\"main\", ...)` then "
        "`m.invoke_stateful(\"main\")`\nm.run()\n",
        RULE,
    )
    assert severities(only(findings, RULE))[-1] == (RULE, "error")


PT_HEAD = ("import torch\nimport tvm\nfrom tvm import relay\nfrom tvm.contrib import graph_executor\n"
           "tr = torch.jit.trace(model, (x, y))\n")


def test_pytorch_inputs_fed_by_input_infos_name_become_positional():
    # Relax names the inputs after forward()'s parameters: the input_infos order decides
    src = (PT_HEAD + "infos = [('input0', (1, 4)), ('input1', (1, 3))]\n"
           "mod, params = relay.frontend.from_pytorch(tr, infos)\n"
           "m = graph_executor.GraphModule(lib['default'](dev))\n"
           "m.set_input('input1', b)\nm.set_input('input0', a)\nm.run()\n")
    out = rewrite_source(src, rules(RULE), path="t.py").codes[0]
    assert "m.set_input(\"main\", a, b)\nm.invoke_stateful(\"main\")\n" in out


def test_pytorch_inputs_with_unreadable_input_infos_flagged():
    src = (PT_HEAD + "mod, params = relay.frontend.from_pytorch(tr, make_infos())\n"
           "m = graph_executor.GraphModule(lib['default'](dev))\n"
           "m.set_input('input1', b)\nm.set_input('input0', a)\nm.run()\n")
    out = rewrite_source(src, rules(RULE), path="t.py")
    (error,) = [f for f in out.findings if f.severity.value == "error"]
    assert "the PyTorch importer names the inputs after forward()'s parameters" in error.message
    assert "m.run()" in out.codes[0]


def test_create_after_three_tuple_build_becomes_vm():
    assert_rewrite(
        "import tvm\nfrom tvm import relay\nfrom tvm.contrib import graph_executor\n"
        "graph, lib, params = relay.build(mod, 'llvm', params=params)\n"
        "m = graph_executor.create(graph, lib, dev)\nm.set_input(**params)\nm.set_input('x', x)\nm.run()\n"
        "n = m.get_num_outputs()\n",
        "import tvm\nfrom tvm import relay\nfrom tvm.contrib import graph_executor\n"
        + "\n\n" + COUNT_HELPER_CODE + "\n\n"
        "graph, lib, params = relay.build(mod, 'llvm', params=params)\n"
        "m = tvm.relax.VirtualMachine(lib, dev)\nm.set_input(\"main\", x)\nm.invoke_stateful(\"main\")\n"
        "n = tvm_migrate_graph_num_outputs(m)\n",
        RULE,
    )


def test_module_in_self_attribute_is_followed_across_methods():
    assert_rewrite(
        HEAD + "class Runner:\n"
        "    def __init__(self, lib, dev):\n"
        "        self.module = graph_executor.GraphModule(lib['default'](dev))\n"
        "    def __call__(self, x):\n"
        "        self.module.set_input('data', x)\n"
        "        self.module.run()\n"
        "        return self.module.get_output(0)\n",
        HEAD + HELPER + "class Runner:\n"
        "    def __init__(self, lib, dev):\n"
        "        self.module = tvm.relax.VirtualMachine(lib, dev)\n"
        "    def __call__(self, x):\n"
        "        self.module.set_input(\"main\", x)\n"
        "        self.module.invoke_stateful(\"main\")\n"
        "        return tvm_migrate_graph_output(self.module, 0)\n",
        RULE,
    )


def test_same_name_in_another_function_is_not_the_module():
    # `m` of use() is a parameter: not the GraphModule of make(); flagged, not rewritten
    findings = assert_rewrite(
        HEAD + "def make(lib):\n    m = graph_executor.GraphModule(lib['default'](dev))\n    m.set_input('x', 1)\n"
        "    m.run()\n\ndef use(m):\n    m.run()\n    m.set_input('x', 2)\n",
        HEAD + "def make(lib):\n    m = tvm.relax.VirtualMachine(lib, dev)\n    m.set_input(\"main\", 1)\n"
        "    m.invoke_stateful(\"main\")\n\ndef use(m):\n    m.run()\n"
        "    # TODO(tvm-migrate graph-executor): if `m` is a graph executor module (its creation was not recognised): it "
        "is a `tvm.relax.VirtualMachine` now: `set_input(\"main\", *inputs)`, `invoke_stateful(\"main\")`, "
        "`get_outputs(\"main\")`\n    m.set_input('x', 2)\n",
        RULE,
    )
    assert severities(only(findings, RULE))[-1] == (RULE, "error")


def test_local_rebinding_hides_the_module_level_module():
    assert_unchanged(
        "import tvm\nm = tvm.relax.VirtualMachine(ex, dev)\ndef f():\n    m = Other()\n    m.set_input('x', 1)\n"
        "    m.run()\n", RULE)
