import pytest
from codemod_harness import assert_rewrite, assert_unchanged, only, severities

from rewriters.rules.graph_executor import HELPER_CODE

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
        "    m.set_input(\"main\", **{\"b\": b, \"a\": a})\n"
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


def test_star_params_flagged():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\nm.set_input('x', x)\nm.set_input(**params)\nm.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\n"
        + "".join(
            "# TODO(tvm-migrate graph-executor): cannot merge the inputs of `m.run()`: `**params`-style inputs (the VM "
            "rejects names that are not inputs of `main`); the Relax VM takes all inputs in one call: "
            "`m.set_input(\"main\", ...)` then `m.invoke_stateful(\"main\")`\n" + line
            for line in ["m.set_input('x', x)\n", "m.set_input(**params)\n", "m.run()\n"]
        ),
        RULE,
    )
    assert [sev for _, sev in severities(findings)].count("error") == 3


def test_value_reassigned_between_set_input_and_run_flagged():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.GraphModule(lib['default'](dev))\nm.set_input('x', x)\nx = 2\nm.run()\n",
        HEAD + "m = tvm.relax.VirtualMachine(lib, dev)\n"
        + "".join(
            "# TODO(tvm-migrate graph-executor): cannot merge the inputs of `m.run()`: a value is reassigned between "
            "set_input and run(); the Relax VM takes all inputs in one call: `m.set_input(\"main\", ...)` then "
            "`m.invoke_stateful(\"main\")`\n" + line if line != "x = 2\n" else line
            for line in ["m.set_input('x', x)\n", "x = 2\n", "m.run()\n"]
        ),
        RULE,
    )
    assert len(only(findings, RULE)) == 3


def test_create_and_gone_methods_flagged():
    findings = assert_rewrite(
        HEAD + "m = graph_executor.create(graph, lib, dev)\n",
        HEAD + "# TODO(tvm-migrate graph-executor): graph JSON + library executors are gone: compile with "
        "`tvm.compile` and run with `tvm.relax.VirtualMachine(ex, dev)`\nm = graph_executor.create(graph, lib, dev)\n",
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
