import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

from rewriters.rules.target_string import ATTR_TYPES, TargetParseError, parse_target

RULE = "target-string"

CASES = {
    "assigned_target_variable": (
        "import tvm\ntarget = 'llvm -mtriple=x86_64-linux-gnu'\n",
        "import tvm\ntarget = tvm.target.Target({\"kind\": \"llvm\", \"mtriple\": \"x86_64-linux-gnu\"})\n",
    ),
    "inside_target_constructor": (
        "import tvm\nt = tvm.target.Target('cuda -arch=sm_80 -max_num_threads=1024')\n",
        "import tvm\nt = tvm.target.Target({\"kind\": \"cuda\", \"arch\": \"sm_80\", \"max_num_threads\": 1024})\n",
    ),
    "build_argument_lists_and_bools": (
        "import tvm\nfrom tvm import relay\nlib = relay.build(mod, 'llvm -mcpu=skylake -mattr=+avx2,+fma -fast-math', "
        "params=p)\n",
        "import tvm\nfrom tvm import relay\nlib = relay.build(mod, tvm.target.Target({\"kind\": \"llvm\", \"mcpu\": "
        "\"skylake\", \"mattr\": [\"+avx2\", \"+fma\"], \"fast-math\": True}), params=p)\n",
    ),
    "target_host_keyword": (
        "import tvm\nt = tvm.target.Target('cuda', host='llvm -mtriple=aarch64-linux-gnu')\n",
        "import tvm\nt = tvm.target.Target('cuda', host=tvm.target.Target({\"kind\": \"llvm\", \"mtriple\": "
        "\"aarch64-linux-gnu\"}))\n",
    ),
    "keys_and_device": (
        "import tvm\nTARGET = 'llvm -device=arm_cpu -keys=arm_cpu,cpu -num-cores=4'\n",
        "import tvm\nTARGET = tvm.target.Target({\"kind\": \"llvm\", \"device\": \"arm_cpu\", \"keys\": [\"arm_cpu\", "
        "\"cpu\"], \"num-cores\": 4})\n",
    ),
    "adds_import": (
        "from tvm import relay\nlib = relay.build(mod, target='opencl -device=mali')\n",
        "from tvm import relay\nimport tvm\nlib = relay.build(mod, target=tvm.target.Target({\"kind\": \"opencl\", "
        "\"device\": \"mali\"}))\n",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rewrites(name):
    before, after = CASES[name]
    findings = assert_rewrite(before, after, RULE)
    assert severities(findings) == [(RULE, "info")]


@pytest.mark.parametrize("src", [
    "import tvm\ntarget = 'llvm'\n",
    "import tvm\ntarget = tvm.target.Target('cuda')\n",
    "import tvm\nmsg = 'llvm -mcpu=skylake'  # not a target position\n",
    "import tvm\ntarget = tvm.target.Target({'kind': 'llvm', 'mcpu': 'skylake'})\n",
    "import tvm\ntarget_name = 'nvidia/geforce-rtx-3090'\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)


def test_unknown_option_flagged():
    findings = assert_rewrite(
        "import tvm\ntarget = 'llvm -system-lib'\n",
        "import tvm\n# TODO(tvm-migrate target-string): target string 'llvm -system-lib' raises in TVM 0.27 and cannot "
        "be converted: `-system-lib` is not an option of `llvm` targets in TVM 0.27 (pass `system_lib=True` to "
        "`tvm.relax.build` instead); write it as `tvm.target.Target({\"kind\": ..., ...})`\n"
        "target = 'llvm -system-lib'\n",
        RULE,
    )
    assert severities(findings) == [(RULE, "error")]


def test_fstring_flagged():
    findings = assert_rewrite(
        "import tvm\ntarget = f'llvm -mcpu={cpu}'\n",
        "import tvm\n# TODO(tvm-migrate target-string): CLI target strings raise in TVM 0.27: build a dict, e.g. "
        "`tvm.target.Target({\"kind\": \"llvm\", \"mcpu\": cpu})`\ntarget = f'llvm -mcpu={cpu}'\n",
        RULE,
    )
    assert len(findings) == 1


def test_parse_errors():
    with pytest.raises(TargetParseError):
        parse_target("llvm -mcpu")
    with pytest.raises(TargetParseError):
        parse_target("nosuchkind -x=1")
    with pytest.raises(TargetParseError):
        parse_target("llvm -num-cores=four")


def test_attribute_table_matches_installed_tvm():
    from tvm.target import Target, TargetKind

    type_names = {"str": "str", "int": "int", "bool": "bool", "Array<str>": "list"}
    for kind, table in ATTR_TYPES.items():
        options = {k: type_names.get(v) for k, v in dict(TargetKind.options_from_name(kind)).items()}
        for key, kind_of in table.items():
            assert options.get(key) == kind_of, (kind, key, options.get(key))
    # and the dicts the rule builds make real targets
    for text in ["llvm -mtriple=x86_64-linux-gnu -mattr=+avx2,+fma -num-cores=2 -fast-math",
                 "cuda -arch=sm_80 -max_num_threads=1024 -libs=cudnn,cublas",
                 "llvm -device=arm_cpu -keys=arm_cpu,cpu -mtriple=aarch64-linux-gnu"]:
        target = Target(parse_target(text))
        assert str(target.kind) == text.split()[0]


def test_parameter_default_and_keyword_argument_named_target():
    assert_rewrite(
        "import tvm\ndef build(mod, target='llvm -mcpu=skylake'):\n    pass\nbuild(m, host_target='llvm -mcpu=x')\n"
        "tvm.target.Target(target='llvm -mcpu=y')\n",
        "import tvm\ndef build(mod, target=tvm.target.Target({\"kind\": \"llvm\", \"mcpu\": \"skylake\"})):\n    pass\n"
        "build(m, host_target=tvm.target.Target({\"kind\": \"llvm\", \"mcpu\": \"x\"}))\n"
        "tvm.target.Target(target={\"kind\": \"llvm\", \"mcpu\": \"y\"})\n",
        "target-string",
    )
