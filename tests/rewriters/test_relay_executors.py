import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

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
        HEAD + "from tvm.runtime.vm import VirtualMachine\nvm = VirtualMachine(exe, dev)\n"
        "a = vm[\"main\"](x)\nb = vm['main'](x, y)\nc = vm.get_outputs(\"main\")\n",
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
        "import tvm\n# TODO(tvm-migrate relay-executors): Relay VM bytecode files are gone: `ex.export_library(path)` "
        "once, then `tvm.relax.VirtualMachine(tvm.runtime.load_module(path), dev)`\n"
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
