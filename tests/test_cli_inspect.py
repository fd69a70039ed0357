"""`tvm-migrate inspect`: what a user sees before migrating, and the errors they get."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from conftest import GOLDEN, ROOT

MLP = GOLDEN / "models" / "mlp"  # relay.testing.mlp: batch_flatten, 3 x (dense, bias_add), 2 relu, softmax


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "migrate", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_inspect_text_shows_signature_histogram_and_params():
    result = run_cli("inspect", "golden/models/mlp/model.relay", "--params", "golden/models/mlp/model.params")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "golden/models/mlp/model.relay (Relay text, 0.0.5)\n"
        "\n"
        "def @main(\n"
        "    %data: Tensor[(1, 1, 28, 28), float32],\n"
        "    ... and 6 weights given by the params file\n"
        ") -> Tensor[(1, 10), float32]\n"
        "\n"
        "ops: 10 calls of 5 distinct ops\n"
        "  nn.bias_add            3\n"
        "  nn.dense               3\n"
        "  nn.relu                2\n"
        "  nn.batch_flatten       1\n"
        "  nn.softmax             1\n"
        "\n"
        "params: 6 arrays, 109,386 elements, 427.3 KiB (float32 x6)\n"
        "  inputs left to the caller: %data\n"
    )


def test_inspect_json_is_machine_readable_and_agrees_with_the_text_form():
    from_json = json.loads(run_cli("inspect", "golden/models/mlp/model.json", "--json").stdout)
    from_text = json.loads(run_cli("inspect", "golden/models/mlp/model.relay", "--json").stdout)
    assert from_json["format"] == "json" and from_text["format"] == "text"
    assert from_json["version"] == "0.16.dev0"
    assert from_json["ops"] == from_text["ops"] == {
        "nn.bias_add": 3, "nn.dense": 3, "nn.relu": 2, "nn.batch_flatten": 1, "nn.softmax": 1
    }
    assert from_json["functions"] == from_text["functions"]
    assert [p["name"] for p in from_json["functions"][0]["params"]] == [
        "data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias", "fc3_weight", "fc3_bias"
    ]


def test_inspect_names_params_that_do_not_match_main(tmp_path):
    weights = {"fc1_weight": np.zeros((128, 700), "float32"), "fc1_bias": np.zeros(128, "float16"), "extra": np.zeros(1)}
    path = tmp_path / "bad.npz"
    np.savez(path, **weights)
    result = run_cli("inspect", str(MLP / "model.relay"), "--params", str(path), "--json")
    params = json.loads(result.stdout)["params"]
    assert params["mismatched"] == [
        {"name": "fc1_weight", "declared": "Tensor[(128, 784), float32]", "given": "float32[128, 700]"},
        {"name": "fc1_bias", "declared": "Tensor[(128), float32]", "given": "float16[128]"},
    ]
    assert params["not_in_main"] == ["extra"]
    text = run_cli("inspect", str(MLP / "model.relay"), "--params", str(path)).stdout
    assert "  MISMATCH %fc1_weight: @main declares Tensor[(128, 784), float32], params file has float32[128, 700]\n" in text
    assert "  not parameters of @main (ignored): extra\n" in text


def test_inspect_marks_ops_that_are_not_upstream(tmp_path):
    model = tmp_path / "vendor.relay"
    model.write_text(
        '#[version = "0.0.5"]\n'
        "def @main(%x: Tensor[(1, 4), float32]) {\n"
        '  %0 = qnn.csi.relu(%x, q_params=[[1f, 0f]], layer_name="r");\n'
        "  nn.relu(%0)\n"
        "}\n"
    )
    result = run_cli("inspect", str(model))
    assert result.returncode == 0, result.stderr
    assert "  qnn.csi.relu       1  (not an upstream v0.19 op)\n" in result.stdout
    assert "  nn.relu            1\n" in result.stdout


def test_a_parse_error_is_reported_with_position_and_caret_without_traceback(tmp_path):
    model = tmp_path / "broken.relay"
    model.write_text('#[version = "0.0.5"]\ndef @main(%x: Tensor[(2), float32]) {\n  nn.relu(%x;\n}\n')
    result = run_cli("inspect", str(model))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    first, line, caret = result.stderr.splitlines()[:3]
    assert first == f"{model}:3:13: error: expected `,` or `)` in the call arguments, found `;`"
    assert line == "    nn.relu(%x;"
    assert caret == "  " + " " * 12 + "^"


def test_missing_params_file_is_an_error_not_a_traceback():
    result = run_cli("inspect", "golden/models/mlp/model.relay", "--params", "nope.params")
    assert result.returncode == 2
    assert result.stderr == "error: nope.params: cannot read params file (No such file or directory)\n"
