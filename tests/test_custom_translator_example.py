"""The README's extension example works: a vendor op becomes Relax once its translator is registered."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
import tvm
from tvm.script import ir as I
from tvm.script import relax as R

import op_mappings
from conftest import ROOT
from migrate import UnsupportedOpsError, from_relay

EXAMPLE = ROOT / "examples" / "custom_translator.py"


@I.ir_module
class Expected:
    @R.function
    def main(x: R.Tensor((1, 4), "float32")):
        with R.dataflow():
            lv = R.nn.relu(x)
            gv = R.sigmoid(lv)
            R.output(gv)
        return gv


def load_example():
    spec = importlib.util.spec_from_file_location("custom_translator_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # registers the translator
    return module


def test_vendor_op_is_unsupported_until_registered():
    text = load_example().RELAY_TEXT
    op_mappings.unregister_translator("qnn.csi.relu")
    with pytest.raises(UnsupportedOpsError) as err:
        from_relay(text)
    assert "qnn.csi.relu" in str(err.value)


def test_registered_vendor_translator_is_used():
    example = load_example()
    try:
        tvm.ir.assert_structural_equal(from_relay(example.RELAY_TEXT), Expected)
        row = op_mappings.get_mapping("qnn.csi.relu")
        assert (row.status, row.relax, row.builtin) == ("exact", "R.nn.relu", False)
    finally:
        op_mappings.unregister_translator("qnn.csi.relu")


def test_example_runs_as_a_script():
    result = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "R.nn.relu(x)" in result.stdout and "R.sigmoid(lv)" in result.stdout
