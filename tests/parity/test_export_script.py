"""`tvm-migrate export-script` writes the packaged exporter; the exporter's --intermediates run (with the
real legacy Relay, when this machine has one) reproduces the committed bundle's recorded values."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from migrate.cli import main

from parity_helpers import CONV, ROOT, read_npz

PACKAGED = ROOT / "migrate" / "legacy" / "relay_export.py"
LEGACY_PYTHON = Path(os.environ.get("TVM_MIGRATE_LEGACY_PYTHON", "/work/legacy/env/python"))


def test_writes_a_copy_of_the_packaged_exporter(tmp_path, capsys):
    target = tmp_path / "exporter.py"
    assert main(["export-script", "-o", str(target)]) == 0
    assert target.read_bytes() == PACKAGED.read_bytes()
    assert capsys.readouterr().out.startswith(f"wrote {target}: copy it to the legacy TVM environment")


def test_into_a_directory(tmp_path, capsys):
    assert main(["export-script", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "relay_export.py").read_bytes() == PACKAGED.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["relay_export.py"]  # no temporary file left behind


def test_missing_directory_is_a_usage_error(tmp_path, capsys):
    assert main(["export-script", "-o", str(tmp_path / "no" / "x.py")]) == 2
    assert capsys.readouterr().err == f"error: -o {tmp_path}/no/x.py: directory {tmp_path}/no does not exist\n"


@pytest.mark.skipif(not LEGACY_PYTHON.exists(), reason="no legacy Relay environment on this machine")
def test_exporter_records_the_same_intermediates(tmp_path):
    out = tmp_path / "again"
    run = subprocess.run(
        [str(LEGACY_PYTHON), str(PACKAGED), str(CONV / "model.json"), "--params", str(CONV / "model.params"),
         "--inputs", str(CONV / "inputs.npz"), "--intermediates", "--repeat", "1", "-o", str(out)],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1] == "  intermediates.npz: 7 values"
    got, want = read_npz(out / "intermediates.npz"), read_npz(CONV / "intermediates.npz")
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-6, atol=1e-7, err_msg=key)


@pytest.mark.skipif(not LEGACY_PYTHON.exists(), reason="no legacy Relay environment on this machine")
def test_exporter_writes_text_only_when_save_json_fails(tmp_path):
    """The legacy build cannot re-serialise golden lstm (save_json: `_Map_base::at`): the bundle keeps the text form,
    says why in meta.json, and still checks."""
    from migrate.parity import check_bundle
    from parity_helpers import GOLDEN

    src, out = GOLDEN / "models" / "lstm", tmp_path / "lstm"
    run = subprocess.run(
        [str(LEGACY_PYTHON), str(PACKAGED), str(src / "model.json"), "--params", str(src / "model.params"),
         "--inputs", str(src / "inputs.npz"), "--repeat", "1", "-o", str(out)],
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    meta = json.loads((out / "meta.json").read_text())
    assert meta["model_json_failure"] == ("tvm.ir.save_json failed: TVMError: _Map_base: :at; the bundle has "
                                          "model.relay only")
    assert sorted(os.listdir(out)) == ["inputs.npz", "meta.json", "model.params", "model.relay", "outputs.npz"]
    assert check_bundle(out, repeat=0, pipeline="default").passed
