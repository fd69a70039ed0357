import pytest
from codemod_harness import assert_rewrite, assert_unchanged, only, severities

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


def test_link_params_dropped_and_system_lib_uses_relax_build():
    findings = assert_rewrite(
        "import tvm\nfrom tvm.relay.backend import Executor, Runtime\n"
        "lib = tvm.relay.build(mod, 'llvm', executor=Executor('graph', {'link-params': True}),\n"
        "                      runtime=Runtime('cpp', {'system-lib': True}))\n",
        "import tvm\nfrom tvm.relay.backend import Executor, Runtime\n"
        "lib = tvm.relax.build(mod, target='llvm', system_lib=True)\n",
        RULE,
    )
    assert "system_lib" in findings[0].message and "link-params is dropped" not in findings[0].message


def test_executor_imports_removed_once_their_use_is_gone():
    after = assert_rewrite(
        "import tvm\nfrom tvm import relay\nfrom tvm.relay.backend import Executor\n"
        "lib = relay.build(mod, 'llvm', executor=Executor('graph', {'link-params': True}))\n",
        "import tvm\nlib = tvm.compile(mod, target='llvm')\n",
    )
    assert "link-params is dropped" in only(after, RULE)[0].message


@pytest.mark.parametrize("option, problem", [
    ("runtime=Runtime('crt')", "the C runtime (crt) is gone in 0.27"),
    ("runtime=Runtime('cpp', {'system-lib': True, 'x': 1})", "runtime options other than system-lib"),
    ("executor=Executor('graph', {'other': 1})", "graph executor options other than link-params"),
])
def test_runtime_and_executor_options_without_counterpart_flagged(option, problem):
    findings = assert_rewrite(
        f"import tvm\nfrom tvm.relay.backend import Executor, Runtime\nlib = tvm.relay.build(mod, 'c', {option})\n",
        f"import tvm\nfrom tvm.relay.backend import Executor, Runtime\n# TODO(tvm-migrate relay-build): relay.build: "
        f"{problem}{'' if problem.endswith('0.27') else ' have no 0.27 counterpart'}: compile with "
        "`tvm.compile(relax.transform.BindParams(\"main\", params)(mod), target=...)` and run with "
        f"`tvm.relax.VirtualMachine`\nlib = tvm.relay.build(mod, 'c', {option})\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_three_tuple_build():
    findings = assert_rewrite(
        "import tvm\nfrom tvm.contrib import graph_executor\n"
        "graph, lib, params = tvm.relay.build(mod, 'llvm', params=params)\nm = graph_executor.create(graph, lib, dev)\n",
        "import tvm\nfrom tvm.contrib import graph_executor\n"
        f"graph, lib, params = None, tvm.compile({BIND}(mod), target='llvm'), {{}}\n"
        "m = graph_executor.create(graph, lib, dev)\n",
        RULE,
    )
    assert "`graph` (graph JSON) is None and `params` is {}" in findings[0].message


def test_three_tuple_build_with_graph_json_used_elsewhere_flagged():
    findings = assert_rewrite(
        "import tvm\ngraph, lib, params = tvm.relay.build(mod, 'llvm')\nopen('g.json', 'w').write(graph)\n",
        "import tvm\n# TODO(tvm-migrate relay-build): relay.build: the graph JSON `graph` is used beyond "
        "`graph_executor.create`: there is no graph JSON in 0.27 (the Executable holds the program; save it with "
        "`export_library`): compile with `tvm.compile(relax.transform.BindParams(\"main\", params)(mod), "
        "target=...)` and run with `tvm.relax.VirtualMachine`\n"
        "graph, lib, params = tvm.relay.build(mod, 'llvm')\nopen('g.json', 'w').write(graph)\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_relay_vm_executable_save_flagged():
    findings = assert_rewrite(
        "import tvm\nexe = tvm.relay.vm.compile(mod, 'llvm')\ncode, lib = exe.save()\n",
        "import tvm\nexe = tvm.compile(mod, target='llvm')\n# TODO(tvm-migrate relay-build): `save()` of a Relay VM "
        "executable: Relay VM bytecode is gone: `exe.export_library(path)`, then "
        "`tvm.relax.VirtualMachine(tvm.runtime.load_module(path), dev)`\ncode, lib = exe.save()\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "warning"), (RULE, "error")]


def test_multiline_call_keeps_its_closing_layout():
    assert_rewrite(
        "import tvm\nlib = tvm.relay.build(\n    mod, target='llvm', params=params\n)\n",
        f"import tvm\nlib = tvm.compile(\n    {BIND}(mod), target='llvm'\n)\n",
        RULE,
    )
