"""Behaviour, not just text: codemodded Relay-era scripts compute what they computed.

Each ``legacy_*.py`` here ran on the real legacy Relay (TVM 0.16, see
shared/legacy-relay/) and its outputs are stored in ``expected/<script>.npz``
(record_legacy_outputs.py). The test rewrites each script with every rule, checks that
nothing needed a person (no error findings), runs the results on TVM 0.27 in two
separate interpreters (run_migrated.py: one TVM import per interpreter, not one per
script) and compares the outputs numerically.

A script whose docstring says ``requires: torch`` (or another module) is skipped, with
that reason, when the module is not installed here (``pip install -e .[torch]``).
"""

import importlib.util
import json
import pathlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rewriters.engine import rewrite_source
from rewriters.registry import Severity

HERE = pathlib.Path(__file__).parent
SCRIPTS = sorted(p.stem for p in HERE.glob("legacy_*.py"))
WORKERS = 2


def requirements(name: str) -> list[str]:
    match = re.search(r"^requires: (.+)$", (HERE / f"{name}.py").read_text(), re.M)
    return [m.strip() for m in match.group(1).split(",")] if match else []


def missing(name: str) -> list[str]:
    return [m for m in requirements(name) if importlib.util.find_spec(m) is None]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """``{name: (findings, run status)}`` for every script that can run here."""
    workdir = tmp_path_factory.mktemp("migrated")
    runnable = [n for n in SCRIPTS if not missing(n)]
    outcomes = {}
    for name in runnable:
        outcome = rewrite_source((HERE / f"{name}.py").read_text(), path=f"{name}.py")
        (workdir / f"{name}.py").write_text(outcome.codes[0])
        outcomes[name] = outcome
    # heavier scripts (torch) first, then round-robin over the workers
    order = sorted(runnable, key=lambda n: -len(requirements(n)))
    groups = [order[i::WORKERS] for i in range(WORKERS)]

    def run(group):
        if not group:
            return []
        proc = subprocess.run(
            [sys.executable, str(HERE / "run_migrated.py"), str(HERE / "models"),
             *(str(workdir / f"{n}.py") for n in group)],
            capture_output=True, text=True, cwd=workdir, timeout=600)
        statuses = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        done = {pathlib.Path(s["script"]).stem for s in statuses}
        crashed = [{"script": n, "ok": False, "error": f"interpreter died (exit {proc.returncode}): "
                    f"{proc.stderr[-2000:]}"} for n in group if n not in done]
        return statuses + crashed

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        statuses = [s for batch in pool.map(run, groups) for s in batch]
    by_name = {pathlib.Path(s["script"]).stem: s for s in statuses}
    return {n: (outcomes[n], by_name[n], workdir / f"{n}.npz") for n in runnable}


def test_there_are_enough_scripts():
    assert len(SCRIPTS) >= 10
    assert all((HERE / "expected" / f"{name}.npz").exists() for name in SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_migrated_script_matches_legacy_outputs(name, migrated):
    if missing(name):
        pytest.skip(f"{name} needs {', '.join(missing(name))}, which is not installed here "
                    "(torch: pip install -e .[torch]; tflite: pip install -e .[test])")
    outcome, status, out = migrated[name]
    errors = [f.format() for f in outcome.findings if f.severity is Severity.ERROR]
    assert not errors, errors
    assert status["ok"], status["error"]
    expected = np.load(HERE / "expected" / f"{name}.npz")
    actual = np.load(out)
    assert sorted(actual.files) == sorted(expected.files)
    for key in expected.files:
        want, got = expected[key], actual[key]
        assert got.shape == want.shape, key
        if np.issubdtype(want.dtype, np.floating):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"{name}:{key}")
        else:
            np.testing.assert_array_equal(got, want, err_msg=f"{name}:{key}")
