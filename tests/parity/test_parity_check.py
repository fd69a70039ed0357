"""`tvm-migrate check` on bundles recorded by real Relay: passing ones, tampered ones (exit 1 with the
reason), usage errors (exit 2), and the JSON / HTML forms."""

from __future__ import annotations

import json

import numpy as np
import pytest

from migrate.cli import main
from migrate.parity import check_bundle

from parity_helpers import CONV, GOLDEN, NESTED, TUPLE_NAMES, copy_bundle, read_npz, write_npz

REAL = [CONV, NESTED, TUPLE_NAMES, GOLDEN / "models" / "mlp", GOLDEN / "models" / "onnx_operator_chunk",
        GOLDEN / "ops" / "cast" / "float32_to_bfloat16", GOLDEN / "ops" / "unravel_index" / "scalar"]  # 0-d input


def run(capsys, *argv):
    code = main(["check", "--repeat", "1", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_real_bundles_pass(capsys):
    code, out, err = run(capsys, *REAL)
    assert code == 0, out + err
    assert out.endswith("7 passed, 0 failed of 7\n")
    assert out.count("\nPASS ") + out.startswith("PASS ") == 7
    nested = out[out.index("PASS nested_tuple_out"):].splitlines()
    assert nested[1].split() == ["output", "dtype", "shape", "max", "abs", "err", "max", "rel", "err", "mismatched"]
    assert nested[2].split() == ["output_0", "float32", "(2,", "3)", "0", "0", "0.00%", "ok"]
    assert nested[4].split() == ["output_2", "float32", "(2,", "6)", "0", "0", "0.00%", "ok"]
    assert nested[5].startswith("  latency: Relax ") and "ms, Relay " in nested[5] and "(Relax/Relay " in nested[5]


def test_check_bundle_api_fields():
    r = check_bundle(TUPLE_NAMES, repeat=2)
    assert r.passed and r.error is None and r.divergence is None
    assert [(o.key, o.dtype, o.shape, o.passed) for o in r.outputs] == [("output_0", "float32", (3,), True),
                                                                        ("output_1", "int32", (3,), True)]
    assert r.ops == {"add": 2, "multiply": 1, "cast": 1}
    assert r.relay_latency_ms > 0 and r.relax_latency_ms > 0 and r.convert_s >= 0 and r.compile_s > 0
    assert json.loads(json.dumps(r.to_dict()))["outputs"][1]["expected_dtype"] == "int32"


def test_perturbed_output_fails_with_exit_1(tmp_path, capsys):
    b = copy_bundle(NESTED, tmp_path / "perturbed")
    (b / "intermediates.npz").unlink()
    arrays = read_npz(b / "outputs.npz")
    arrays["output_1"] = arrays["output_1"].copy()
    relax_value = float(arrays["output_1"][0, 0])  # what Relay (and Relax) computed
    arrays["output_1"][0, 0] += 0.5
    write_npz(b / "outputs.npz", arrays)
    code, out, _ = run(capsys, b)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"FAIL perturbed  ({b})"
    assert lines[3].split() == ["output_1", "float32", "(2,", "3)", "0.5",
                                f"{0.5 / abs(relax_value + 0.5):.3g}", "16.67%", "FAIL:", "1", "of", "6",
                                "elements", "differ"]
    assert "  (re-export the bundle with relay_export.py --intermediates to find the first diverging node)" in lines
    assert lines[-1] == "0 passed, 1 failed of 1"


def test_wrong_output_shape(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    write_npz(b / "outputs.npz", {"output_0": read_npz(b / "outputs.npz")["output_0"].reshape(5)})
    r = check_bundle(b, repeat=0)
    assert not r.passed and r.error is None
    o, = r.outputs
    assert (o.passed, o.message, o.max_abs) == (False, "shape (1, 5), Relay (5,)", None)


def test_wrong_output_dtype(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    meta = json.loads((b / "meta.json").read_text())
    meta["outputs"]["output_0"]["dtype"] = "int32"  # same item size: the view is readable, the dtype differs
    (b / "meta.json").write_text(json.dumps(meta))
    o, = check_bundle(b, repeat=0).outputs
    assert (o.passed, o.message) == (False, "dtype float32, Relay int32")


def test_wrong_number_of_outputs(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    arrays = read_npz(b / "outputs.npz")
    arrays["output_1"] = arrays["output_0"]
    write_npz(b / "outputs.npz", arrays)
    (b / "meta.json").unlink()
    r = check_bundle(b, repeat=0)
    assert r.error == f"Relax returned 1 outputs, Relay recorded 2 ({b}/outputs.npz)"


@pytest.mark.parametrize("breakage", ["missing", "corrupt"])
def test_unreadable_bundle_counts_as_failed(tmp_path, capsys, breakage):
    b = copy_bundle(CONV, tmp_path / "b")
    if breakage == "missing":
        (b / "model.params").unlink()
        reason = (f"{b}/model.params: file is missing; a bundle needs model.params, inputs.npz, outputs.npz and "
                  f"model.json or model.relay")
    else:
        (b / "inputs.npz").write_bytes(b"PK\x03\x04garbage")
        reason = f"{b}/inputs.npz: not a readable .npz archive (File is not a zip file)"
    code, out, _ = run(capsys, CONV, b)
    assert code == 1
    assert f"FAIL b  ({b})\n  {reason}\n" in out
    assert out.endswith("1 passed, 1 failed of 2\n")


def test_integers_must_match_exactly(tmp_path):
    b = copy_bundle(TUPLE_NAMES, tmp_path / "b")
    arrays = read_npz(b / "outputs.npz")
    arrays["output_1"] = arrays["output_1"] + np.int32(1)
    write_npz(b / "outputs.npz", arrays)
    r = check_bundle(b, repeat=0, rtol=1.0, atol=1.0)  # tolerances apply to floats only
    assert [o.passed for o in r.outputs] == [True, False]
    assert (r.outputs[1].max_abs, r.outputs[1].mismatch_fraction) == (1.0, 1.0)


def test_json_and_html(tmp_path, capsys):
    html = tmp_path / "report.html"
    code, out, _ = run(capsys, "--json", "--html", html, CONV)
    assert code == 0
    doc = json.loads(out)
    assert doc["summary"] == {"passed": 1, "failed": 0, "total": 1}
    b, = doc["bundles"]
    assert (b["name"], b["passed"], b["outputs"][0]["shape"], b["ops"]["nn.conv2d"]) == ("conv_block", True, [1, 5], 1)
    page = html.read_text()
    assert "<h1>Parity with real Relay: 1 passed, 0 failed of 1</h1>" in page and "<code>conv_block</code>" in page


@pytest.mark.parametrize("argv, message", [
    (["--rtol", "-1"], "error: --rtol and --atol must be >= 0 (got -1, 1e-05)"),
    (["--repeat", "-2"], "error: --repeat must be >= 0 (got -2)"),
    (["--target", "{nope"], "error: --target '{nope': not valid JSON (Expecting property name enclosed in double quotes)"),
])
def test_usage_errors_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv, CONV)
    assert (code, out, err) == (2, "", message + "\n")


def test_target_as_json(capsys):
    code, out, _ = run(capsys, "--target", '{"kind": "llvm"}', CONV)
    assert code == 0 and 'rtol 0.0001, atol 1e-05, target {"kind": "llvm"}, pipeline tvm-migrate\n' in out


def test_pipeline_default_is_tvm_compile(capsys):
    code, out, _ = run(capsys, "--pipeline", "default", "--repeat", "0", CONV)
    assert code == 0 and "target llvm, pipeline default\n" in out


def test_progress_is_plain_lines_off_a_terminal_for_long_runs():
    import io

    from migrate.parity.report import Progress

    short, long_ = io.StringIO(), io.StringIO()
    for stream, total in ((short, 5), (long_, 20)):
        progress = Progress(stream)
        for i in range(total + 1):
            progress(i, total, f"b{i}")
    assert short.getvalue() == ""
    assert long_.getvalue().splitlines()[:2] == ["[1/20] b0", "[2/20] b1"] and len(long_.getvalue().splitlines()) == 20


def test_without_meta_and_model_json(tmp_path, capsys):
    """Only the model text, params, inputs and outputs are required; there is then no latency ratio."""
    b = copy_bundle(NESTED, tmp_path / "bare")
    for name in ("meta.json", "model.json", "intermediates.npz"):
        (b / name).unlink()
    code, out, _ = run(capsys, b)
    assert code == 0
    latency = next(ln for ln in out.splitlines() if ln.startswith("  latency: "))
    assert latency.endswith(" ms (no Relay latency: the bundle has no meta.json)")
    r = check_bundle(b, repeat=1)
    assert r.relay_latency_ms is None and r.latency_ratio is None and r.relax_latency_ms > 0
