import pytest
from codemod_harness import assert_rewrite, assert_unchanged, rules, severities

from rewriters.engine import rewrite_source
from rewriters.rules.relay_executors import INVOKE_HELPER_CODE, OUTPUTS_HELPER_CODE

RULE = "relay-executors"
HEAD = "import tvm\nfrom tvm import relay\n"


def test_chained_evaluate_with_params_folded():
    findings = assert_rewrite(
        HEAD + "out = relay.create_executor('graph', mod=mod, device=dev, target='llvm').evaluate()(x, **params)\n",
        HEAD + "out = tvm.relax.VirtualMachine(tvm.compile(tvm.relax.transform.BindParams(\"main\", params)(mod), "
        "target='llvm'), dev)[\"main\"](x)\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "warning")]


def test_assigned_executor_and_defaults():
    assert_rewrite(
        HEAD + "ex = relay.create_executor('vm', mod=mod)\nf = ex.evaluate()\ny = f(a, b)\n",
        HEAD + "ex = tvm.relax.VirtualMachine(tvm.compile(mod, target=\"llvm\"), tvm.cpu(0))\nf = ex[\"main\"]\ny = f(a, b)\n",
        RULE,
    )


def test_positional_arguments_and_params():
    assert_rewrite(
        HEAD + "r = relay.create_executor('debug', mod, tvm.cpu(0), 'llvm', params).evaluate()(x)\n",
        HEAD + "r = tvm.relax.VirtualMachine(tvm.compile(tvm.relax.transform.BindParams(\"main\", params)(mod), "
        "target='llvm'), tvm.cpu(0))[\"main\"](x)\n",
        RULE,
    )


def test_relay_vm_methods():
    assert_rewrite(
        HEAD + "from tvm.runtime.vm import VirtualMachine\nvm = VirtualMachine(exe, dev)\n"
        "a = vm.run(x)\nb = vm.invoke('main', x, y)\nc = vm.get_outputs()\n",
        HEAD + "from tvm.runtime.vm import VirtualMachine\n" + "\n\n" + OUTPUTS_HELPER_CODE + "\n\n"
        "vm = VirtualMachine(exe, dev)\n"
        "a = vm[\"main\"](x)\nb = vm['main'](x, y)\nc = tvm_migrate_vm_outputs(vm)\n",
        RULE,
    )


def test_missing_mod_flagged():
    findings = assert_rewrite(
        HEAD + "f = relay.create_executor().evaluate(expr)\n",
        HEAD + "# TODO(tvm-migrate relay-executors): compile with `tvm.compile(mod, target)` and run with "
        "`tvm.relax.VirtualMachine(ex, dev)[\"main\"](*inputs)` (the arguments of create_executor could not be "
        "mapped, or `mod` is missing)\nf = relay.create_executor().evaluate(expr)\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_bytecode_load_flagged():
    findings = assert_rewrite(
        "import tvm\nexe = tvm.runtime.vm.Executable.load_exec(code, lib)\n",
        "import tvm\n# TODO(tvm-migrate relay-executors): Relay VM bytecode cannot be loaded in 0.27: rebuild the "
        "model with `tvm.compile`, `ex.export_library(path)` once, then "
        "`tvm.relax.VirtualMachine(tvm.runtime.load_module(path), dev)`\n"
        "exe = tvm.runtime.vm.Executable.load_exec(code, lib)\n",
        RULE,
    )
    assert len(findings) == 1


@pytest.mark.parametrize("src", [
    "import tvm\nvm = tvm.relax.VirtualMachine(ex, dev)\ny = vm['main'](x)\n",
    "import tvm\nvm = tvm.relax.VirtualMachine(ex, dev)\nvm.run(x)  # not a Relay-era file\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)


VM_HEAD = HEAD + "from tvm.runtime import vm as rt\n"


def helpers(*codes):
    return "".join("\n\n" + c for c in codes) + "\n\n"


def test_set_one_input_calls_merged_and_run_uses_them():
    findings = assert_rewrite(
        VM_HEAD + "vm = rt.VirtualMachine(exe, dev)\n"
        "vm.set_one_input('main', 'b', b)\nvm.set_one_input('main', 'a', a)\nvm.invoke_stateful('main')\n"
        "outs = vm.get_outputs()\nres = vm.run()\n",
        VM_HEAD + helpers(OUTPUTS_HELPER_CODE, INVOKE_HELPER_CODE) + "vm = rt.VirtualMachine(exe, dev)\n"
        "vm.set_input('main', b=b, a=a)\nvm.invoke_stateful('main')\n"
        "outs = tvm_migrate_vm_outputs(vm)\nres = tvm_migrate_vm_invoke(vm, \"main\")\n",
        RULE,
    )
    assert {sev for _, sev in severities(findings)} == {"warning"}


def test_set_one_input_by_index_and_keyword():
    assert_rewrite(
        VM_HEAD + "vm = rt.VirtualMachine(exe, dev)\nvm.set_one_input('main', 1, b)\nvm.set_one_input('main', 0, a)\n"
        "vm.set_one_input('f', x=c)\n",
        VM_HEAD + "vm = rt.VirtualMachine(exe, dev)\nvm.set_input('main', a, b)\nvm.set_input('f', c)\n",
        RULE,
    )


def test_set_one_input_inside_an_expression_flagged():
    findings = assert_rewrite(
        VM_HEAD + "vm = rt.VirtualMachine(exe, dev)\nok = vm.set_one_input('main', 'a', a) or True\n",
        VM_HEAD + "vm = rt.VirtualMachine(exe, dev)\n# TODO(tvm-migrate relay-executors): the Relax VM takes all inputs "
        "in one call: `vm.set_input(name, *inputs)` (no set_one_input)\nok = vm.set_one_input('main', 'a', a) or True\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_invoke_stateful_with_inputs_split():
    assert_rewrite(
        VM_HEAD + "vm = rt.VirtualMachine(exe, dev)\nvm.invoke_stateful('main', a, b)\n",
        VM_HEAD + "vm = rt.VirtualMachine(exe, dev)\nvm.set_input('main', a, b)\nvm.invoke_stateful('main')\n",
        RULE,
    )


@pytest.mark.parametrize("call, timed", [
    ("vm.benchmark(dev, a, b, repeat=3)", "vm.time_evaluator(\"main\", dev, number=5, repeat=3)(a, b)"),
    ("vm.benchmark(dev, func_name='f', number=2)",
     "vm.time_evaluator(\"invoke_stateful\", dev, number=2, repeat=5)('f')"),
    ("vm.benchmark(dev, x, min_repeat_ms=500, cooldown_interval_ms=1)",
     "vm.time_evaluator(\"main\", dev, number=5, repeat=5, min_repeat_ms=500, cooldown_interval_ms=1)(x)"),
])
def test_relay_vm_benchmark(call, timed):
    assert_rewrite(
        VM_HEAD + f"vm = rt.VirtualMachine(exe, dev)\nr = {call}\n",
        VM_HEAD + f"vm = rt.VirtualMachine(exe, dev)\nr = {timed}\n",
        RULE,
    )


@pytest.mark.parametrize("call", ["vm.benchmark(dev, data=x)", "vm.benchmark(dev, x, end_to_end=True)"])
def test_relay_vm_benchmark_without_counterpart_flagged(call):
    findings = assert_rewrite(
        VM_HEAD + f"vm = rt.VirtualMachine(exe, dev)\nr = {call}\n",
        VM_HEAD + "vm = rt.VirtualMachine(exe, dev)\n# TODO(tvm-migrate relay-executors): time with "
        "`vm.time_evaluator(\"main\", dev, number=5, repeat=5)(*inputs)` (named inputs and end_to_end have no "
        f"counterpart)\nr = {call}\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_vm_in_self_attribute_followed():
    assert_rewrite(
        VM_HEAD + "class M:\n    def __init__(self, exe):\n        self.vm = rt.VirtualMachine(exe, tvm.cpu())\n"
        "    def __call__(self, x):\n        return self.vm.run(x)\n",
        VM_HEAD + "class M:\n    def __init__(self, exe):\n        self.vm = rt.VirtualMachine(exe, tvm.cpu())\n"
        "    def __call__(self, x):\n        return self.vm[\"main\"](x)\n",
        RULE,
    )


@pytest.mark.parametrize("method", ["get_input_index('a')", "invoke_with_outputs('main', {}, [out])"])
def test_no_counterpart_flagged(method):
    out = rewrite_source(VM_HEAD + f"vm = rt.VirtualMachine(exe, dev)\nvm.{method}\n", rules(RULE))
    assert severities(out.findings) == [(RULE, "error")]
    assert "# TODO(tvm-migrate relay-executors): Relay VM `" + method.split("(")[0] in out.codes[0]


def test_pytorch_inputs_named_after_input_infos_passed_by_position():
    pt = ("import torch\nimport tvm\nfrom tvm import relay\nfrom tvm.runtime import vm as rt\n"
          "tr = torch.jit.trace(net, (a, b))\nmod, params = relay.frontend.from_pytorch(tr, [('x0', (1,)), ('x1', (1,))])\n"
          "vm = rt.VirtualMachine(exe, dev)\n")
    assert_rewrite(
        pt + "vm.set_input('main', x1=b, x0=a)\nvm.set_one_input('main', 'x1', b)\nvm.set_one_input('main', 'x0', a)\n",
        pt + "vm.set_input('main', a, b)\nvm.set_input('main', a, b)\n",
        RULE,
    )
    out = rewrite_source(pt + "vm.set_input('main', x0=a, other=b)\n", rules(RULE))
    assert severities(out.findings) == [(RULE, "error")]


def test_evaluated_function_called_by_name_flagged_and_bound_params_dropped():
    findings = assert_rewrite(
        HEAD + "mod, params = relay.frontend.from_tflite(m)\nf = relay.create_executor('graph', mod=mod).evaluate()\n"
        "y = f(x, **params)\nz = f(data=x)\n",
        HEAD + "mod, params = relay.frontend.from_tflite(m)\n"
        "f = tvm.relax.VirtualMachine(tvm.compile(mod, target=\"llvm\"), tvm.cpu(0))[\"main\"]\ny = f(x)\n"
        "# TODO(tvm-migrate relay-executors): the Relax VM function takes its inputs by position (in the order of "
        "`main`'s parameters), not by name; bind weights at compile time with `relax.transform.BindParams`\n"
        "z = f(data=x)\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "warning"), (RULE, "warning"), (RULE, "error")]
