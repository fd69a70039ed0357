"""Behaviour, not just text: codemodded Relay-era scripts compute what they computed.

Each ``legacy_*.py`` here ran on the real legacy Relay (TVM 0.16, see
shared/legacy-relay/) and its outputs are stored in ``expected/<script>.npz``
(record_legacy_outputs.py). The test rewrites each script with every rule, checks that
nothing needed a person (no error findings), runs the result on TVM 0.27 in a separate
interpreter and compares the outputs numerically.
"""

import pathlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rewriters.engine import rewrite_source
from rewriters.registry import Severity

HERE = pathlib.Path(__file__).parent
SCRIPTS = sorted(p.stem for p in HERE.glob("legacy_*.py"))


def _run_migrated(name: str, workdir: pathlib.Path):
    source = (HERE / f"{name}.py").read_text()
    outcome = rewrite_source(source, path=f"{name}.py")
    script = workdir / f"{name}.py"
    script.write_text(outcome.codes[0])
    out = workdir / f"{name}.npz"
    proc = subprocess.run([sys.executable, str(script), str(out), str(HERE / "models")],
                          capture_output=True, text=True, cwd=workdir, timeout=600)
    return outcome, proc, out


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("migrated")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(SCRIPTS, pool.map(lambda n: _run_migrated(n, workdir), SCRIPTS)))
    return results


def test_there_are_enough_scripts():
    assert len(SCRIPTS) >= 10
    assert all((HERE / "expected" / f"{name}.npz").exists() for name in SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_migrated_script_matches_legacy_outputs(name, migrated):
    outcome, proc, out = migrated[name]
    errors = [f.format() for f in outcome.findings if f.severity is Severity.ERROR]
    assert not errors, errors
    assert proc.returncode == 0, proc.stderr[-3000:]
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
