"""``python -m libcst.tool codemod tvm_migrate.TvmMigrateCommand`` runs the same rules."""

import os
import pathlib
import shutil
import subprocess
import sys

from rewriters.engine import rewrite_source

ROOT = pathlib.Path(__file__).parents[2]
LEGACY = (
    "import tvm\nfrom tvm import relay\n\n\n"
    "def f(a):   # odd   spacing is not reformatted\n"
    "    return tvm.nd.array(a).asnumpy(),  relay.save_param_dict({})\n"
)


def test_libcst_tool_uses_the_rules_without_formatting(tmp_path):
    target = tmp_path / "legacy.py"
    target.write_text(LEGACY)
    proc = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "tvm_migrate.TvmMigrateCommand", str(target)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == rewrite_source(LEGACY).codes[0]
    assert "runtime-tensor info" in proc.stderr
    assert "odd   spacing" in target.read_text()


def test_config_lists_the_module_and_turns_black_off():
    import yaml

    config = yaml.safe_load((ROOT / ".libcst.codemod.yaml").read_text())
    assert config["modules"] == ["rewriters"]
    assert "black" not in " ".join(config["formatter"])
    assert shutil.which(config["formatter"][0])


def test_pre_commit_hook_definition():
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["tvm-migrate-check"]["entry"].startswith("tvm-migrate codemod --check")
    assert "jupyter" in hooks["tvm-migrate-check"]["types_or"]
