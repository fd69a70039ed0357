import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "s-tir-modules"

CASES = {
    "dlight_import": (
        "from tvm import dlight as dl\nmod = dl.ApplyDefaultSchedule(dl.gpu.Matmul())(mod)\n",
        "from tvm.s_tir import dlight as dl\nmod = dl.ApplyDefaultSchedule(dl.gpu.Matmul())(mod)\n",
    ),
    "meta_schedule_import": (
        "from tvm import meta_schedule as ms\ndb = ms.tune_tir(mod, 'llvm', './w', 8)\n",
        "from tvm.s_tir import meta_schedule as ms\ndb = ms.tune_tir(mod, 'llvm', './w', 8)\n",
    ),
    "qualified": (
        "import tvm\ndb = tvm.meta_schedule.database.JSONDatabase(work_dir='w')\n",
        "import tvm\ndb = tvm.s_tir.meta_schedule.database.JSONDatabase(work_dir='w')\n",
    ),
    "import_submodule": (
        "import tvm.dlight.gpu\n",
        "import tvm.s_tir.dlight.gpu\n",
    ),
    "block_info": (
        "from tvm.dlight import BlockInfo\n",
        "from tvm.s_tir.dlight import SBlockInfo as BlockInfo\n",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rewrites(name):
    before, after = CASES[name]
    findings = assert_rewrite(before, after, RULE)
    assert {sev for _, sev in severities(findings)} == {"info"}


@pytest.mark.parametrize("src", [
    "from tvm.s_tir import meta_schedule as ms\n",
    "import tvm\nimport dlight\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)


def test_relay_integration_flagged():
    findings = assert_rewrite(
        "from tvm import meta_schedule as ms\ndb = ms.relay_integration.tune_relay(mod, params, target, 'w', 64)\n",
        "from tvm.s_tir import meta_schedule as ms\n# TODO(tvm-migrate s-tir-modules): "
        "`tvm.meta_schedule.relay_integration` has no counterpart in TVM 0.27: Relay tuning is gone: tune the Relax "
        "module with `tvm.s_tir.meta_schedule.relax_integration.tune_relax(mod, params, target, work_dir, "
        "max_trials_global)` and build with `compile_relax`, or use `relax.get_pipeline(\"static_shape_tuning\", "
        "target=..., total_trials=...)`\ndb = ms.relay_integration.tune_relay(mod, params, target, 'w', 64)\n",
        RULE,
    )
    assert ("s-tir-modules", "error") in severities(findings)
