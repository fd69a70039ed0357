import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "relay-build"
BIND = "tvm.relax.transform.BindParams(\"main\", params)"

CASES = {
    "with_pass_context": (
        "import tvm\nfrom tvm import relay\nwith tvm.transform.PassContext(opt_level=3):\n"
        "    lib = relay.build(mod, target=target, params=params)\n",
        "import tvm\nfrom tvm import relay\nwith tvm.transform.PassContext(opt_level=3):\n"
        f"    lib = tvm.compile({BIND}(mod), target=target)\n",
    ),
    "positional_target_no_params": (
        "import tvm\nfrom tvm import relay\nlib = relay.build(mod, 'llvm')\n",
        "import tvm\nfrom tvm import relay\nlib = tvm.compile(mod, target='llvm')\n",
    ),
    "params_none": (
        "import tvm\nlib = tvm.relay.build(mod, target, params=None)\n",
        "import tvm\nlib = tvm.compile(mod, target=target)\n",
    ),
    "target_host": (
        "import tvm\nlib = tvm.relay.build(mod, target='cuda', target_host='llvm', params=params)\n",
        f"import tvm\nlib = tvm.compile({BIND}(mod), target=tvm.target.Target('cuda', host='llvm'))\n",
    ),
    "default_executor_and_runtime_dropped": (
        "import tvm\nfrom tvm.relay.backend import Executor, Runtime\n"
        "lib = tvm.relay.build(mod, 'llvm', executor=Executor('graph'), runtime=Runtime('cpp'), params=params)\n",
        "import tvm\nfrom tvm.relay.backend import Executor, Runtime\n"
        f"lib = tvm.compile({BIND}(mod), target='llvm')\n",
    ),
    "build_config": (
        "import tvm\nfrom tvm import relay\nwith relay.build_config(opt_level=3):\n    lib = relay.build(mod, 'llvm')\n",
        "import tvm\nfrom tvm import relay\nwith tvm.transform.PassContext(opt_level=3):\n"
        "    lib = tvm.compile(mod, target='llvm')\n",
    ),
    "vm_compile": (
        "import tvm\nfrom tvm import relay\nexe = relay.vm.compile(mod, target='llvm', params=params)\n",
        f"import tvm\nfrom tvm import relay\nexe = tvm.compile({BIND}(mod), target='llvm')\n",
    ),
    "relay_config_keys_removed": (
        "import tvm\nwith tvm.transform.PassContext(opt_level=3, config={'relay.FuseOps.max_depth': 10, "
        "'tir.disable_vectorize': True}):\n    pass\n",
        "import tvm\nwith tvm.transform.PassContext(opt_level=3, config={'tir.disable_vectorize': True}):\n    pass\n",
    ),
    "relay_only_config_removed_entirely": (
        "import tvm\nwith tvm.transform.PassContext(opt_level=3, config={'relay.backend.use_meta_schedule': True}):\n"
        "    pass\n",
        "import tvm\nwith tvm.transform.PassContext(opt_level=3):\n    pass\n",
    ),
    "uses_existing_relax_import": (
        "import tvm\nfrom tvm import relax, relay\nlib = relay.build(mod, 'llvm', params=params)\n",
        "import tvm\nfrom tvm import relax, relay\n"
        "lib = tvm.compile(relax.transform.BindParams(\"main\", params)(mod), target='llvm')\n",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rewrites(name):
    before, after = CASES[name]
    findings = assert_rewrite(before, after, RULE)
    assert {sev for _, sev in severities(findings)} == {"warning"}


def test_aot_executor_flagged():
    findings = assert_rewrite(
        "import tvm\nfrom tvm.relay.backend import Executor\nlib = tvm.relay.build(mod, 'c', executor=Executor('aot'))\n",
        "import tvm\nfrom tvm.relay.backend import Executor\n# TODO(tvm-migrate relay-build): relay.build: only the Relax "
        "VM exists in 0.27 (no AOT executor): compile with `tvm.compile(relax.transform.BindParams(\"main\", params)"
        "(mod), target=...)` and run with `tvm.relax.VirtualMachine`\n"
        "lib = tvm.relay.build(mod, 'c', executor=Executor('aot'))\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_factory_methods_flagged():
    findings = assert_rewrite(
        "import tvm\nlib = tvm.relay.build(mod, 'llvm')\ngraph = lib.get_graph_json()\n",
        "import tvm\nlib = tvm.compile(mod, target='llvm')\n# TODO(tvm-migrate relay-build): `get_graph_json()` of "
        "Relay's build result is gone: there is no graph JSON: the VM Executable holds the program (`ex.as_text()` "
        "to inspect it)\ngraph = lib.get_graph_json()\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "warning"), (RULE, "error")]


@pytest.mark.parametrize("src", [
    "import tvm\nex = tvm.compile(mod, target='llvm')\n",
    "import tvm\nwith tvm.transform.PassContext(opt_level=3):\n    pass\n",
    "import tvm\nimport setuptools\nsetuptools.build(1)\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)
