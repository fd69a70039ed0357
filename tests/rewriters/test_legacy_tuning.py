import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "legacy-tuning"
MS = "tvm.s_tir.meta_schedule"


def test_autotvm_flow_flagged_with_counterparts():
    before = (
        "from tvm import autotvm\n"
        "tasks = autotvm.task.extract_from_program(mod['main'], target=target, params=params)\n"
        "with autotvm.apply_history_best('log.json'):\n"
        "    pass\n"
    )
    after = (
        "from tvm import autotvm\n"
        "# TODO(tvm-migrate legacy-tuning): `tvm.autotvm.task.extract_from_program` is gone in TVM 0.27: "
        f"`{MS}.relax_integration.extract_tasks(mod, target, params)`\n"
        "tasks = autotvm.task.extract_from_program(mod['main'], target=target, params=params)\n"
        "# TODO(tvm-migrate legacy-tuning): `tvm.autotvm.apply_history_best` is gone in TVM 0.27: "
        f"`ex = {MS}.relax_integration.compile_relax(database, mod, target, params)` with the Database that "
        f"tune_relax returned (or `{MS}.database.JSONDatabase(work_dir=...)`)\n"
        "with autotvm.apply_history_best('log.json'):\n"
        "    pass\n"
    )
    findings = assert_rewrite(before, after, RULE)
    assert severities(findings) == [(RULE, "error"), (RULE, "error")]


def test_auto_scheduler_imported_name():
    findings = assert_rewrite(
        "from tvm.auto_scheduler import TaskScheduler\nts = TaskScheduler(tasks, weights)\n",
        "from tvm.auto_scheduler import TaskScheduler\n# TODO(tvm-migrate legacy-tuning): "
        "`tvm.auto_scheduler.TaskScheduler` is gone in TVM 0.27: "
        f"`{MS}.relax_integration.tune_relax(mod, params, target, work_dir, max_trials_global)`\n"
        "ts = TaskScheduler(tasks, weights)\n",
        RULE,
    )
    assert len(findings) == 1


def test_one_finding_per_chain():
    findings = assert_rewrite(
        "import tvm\nr = tvm.autotvm.LocalRunner(number=5)\n",
        "import tvm\n# TODO(tvm-migrate legacy-tuning): `tvm.autotvm.LocalRunner` is gone in TVM 0.27: "
        f"`{MS}.runner.LocalRunner`\nr = tvm.autotvm.LocalRunner(number=5)\n",
        RULE,
    )
    assert len(findings) == 1


@pytest.mark.parametrize("src", [
    "import tvm\nfrom tvm.s_tir import meta_schedule as ms\n",
    "import tvm\nautotvm = 'a string name'\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)
