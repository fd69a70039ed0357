"""`tvm-migrate convert` and `migrate.load_converted`: the written TVMScript parses back to the converted
module, the weights and name map load back, the result runs like real Relay, failures write nothing."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import tvm

import migrate
import migrate.convert
from migrate.cli import main as cli_main
from migrate.params import load_npz

from conftest import GOLDEN
from translation_checks import assert_outputs_match, run_main

FILES = ("{n}.py", "{n}.params.npz", "{n}.names.json", "{n}.report.json", "{n}.report.html")


def _bundle_io(bundle):
    meta = json.loads((bundle / "meta.json").read_text())
    inputs = load_npz(str(bundle / "inputs.npz"), {k: v["dtype"] for k, v in meta["inputs"].items()})
    outputs = load_npz(str(bundle / "outputs.npz"), {k: v["dtype"] for k, v in meta["outputs"].items()})
    return inputs, outputs


@pytest.mark.parametrize("model,fmt", [("mlp", "relay"), ("mlp", "json"), ("mobilenet", "json")])
def test_convert_writes_a_script_that_parses_back_and_runs_like_relay(tmp_path, capsys, model, fmt):
    bundle = GOLDEN / "models" / model
    out = tmp_path / "out"
    rc = cli_main(["convert", str(bundle / f"model.{fmt}"), "--params", str(bundle / "model.params"), "-o", str(out)])
    assert rc == 0
    assert f"-> {out / model}.py" in capsys.readouterr().out
    assert sorted(os.listdir(out)) == sorted(f.format(n=model) for f in FILES)

    # The file is TVMScript for exactly what from_relay produces (weights as trailing parameters).
    parsed = tvm.script.from_source((out / f"{model}.py").read_text())
    expected = migrate.from_relay(bundle / f"model.{fmt}", bundle / "model.params", keep_params_in_input=True)
    tvm.ir.assert_structural_equal(parsed, expected)

    loaded = migrate.load_converted(out)
    assert loaded.name == model
    relay_params = migrate.load_params(bundle / "model.params")
    assert sorted(loaded.params) == sorted(relay_params)  # identifiers: names unchanged
    for k, v in relay_params.items():
        np.testing.assert_array_equal(loaded.params[k], v)
    inputs, outputs = _bundle_io(bundle)
    assert loaded.inputs == list(inputs)
    assert_outputs_match(run_main(loaded.bind(), loaded.arrange_inputs(inputs)), outputs, 1e-4, 1e-5)


def test_name_map_for_input_names_that_are_not_identifiers(tmp_path):
    bundle = GOLDEN / "models" / "onnx_Softmax"  # its JSON keeps the ONNX input name "0"
    out = tmp_path / "softmax"
    assert cli_main(["convert", str(bundle / "model.json"), "-o", str(out), "--name", "sm"]) == 0
    names = json.loads((out / "sm.names.json").read_text())
    assert names["parameters"] == [{"relay": "0", "name": "v_0", "kind": "input"}]
    assert "def main(v_0: R.Tensor((10, 20), dtype=\"float32\"))" in (out / "sm.py").read_text()
    loaded = migrate.load_converted(out, "sm")
    assert loaded.name_map == {"0": "v_0"}
    inputs, outputs = _bundle_io(bundle)
    assert list(inputs) == ["0"]
    assert_outputs_match(run_main(loaded.bind(), loaded.arrange_inputs(inputs)), outputs, 1e-4, 1e-5)


def test_names_that_are_keywords_or_repeated_get_distinct_script_names(tmp_path):
    src = tmp_path / "kw.relay"
    src.write_text(
        '#[version = "0.0.5"]\n'
        "def @main(%class: Tensor[(2), float32], %R: Tensor[(2), float32], %w: Tensor[(2), float32]) {\n"
        "  %0 = add(%class, %R);\n"
        "  multiply(%0, %w)\n"
        "}\n"
    )
    np.savez(tmp_path / "w.npz", w=np.array([2.0, 3.0], "float32"))
    assert cli_main(["convert", str(src), "--params", str(tmp_path / "w.npz"), "-o", str(tmp_path / "o")]) == 0
    loaded = migrate.load_converted(tmp_path / "o")
    assert loaded.name_map == {"class": "v_class", "R": "v_R", "w": "w"}
    args = loaded.arrange_inputs({"class": np.array([1.0, 2.0], "float32"), "R": np.array([10.0, 20.0], "float32")})
    (got,) = run_main(loaded.bind(), args)
    np.testing.assert_array_equal(got, np.array([22.0, 66.0], "float32"))


MASKED = """#[version = "0.0.5"]
def @main(%x: Tensor[(2, 4), float32], %mask: Tensor[(2, 4), bool]) {
  %0 = where(%mask, %x, -inff);
  %1 = nn.softmax(%0);
  %2 = maximum(%x, -inff);
  %3 = minimum(%2, inff);
  (%1, %3)
}
"""


def test_non_finite_constants_round_trip(tmp_path):
    src = tmp_path / "masked.relay"
    src.write_text(MASKED)
    assert cli_main(["convert", str(src), "-o", str(tmp_path / "o")]) == 0
    script = (tmp_path / "o" / "masked.py").read_text()
    assert 'R.const(-float("inf"), "float32")' in script and 'R.const(float("inf"), "float32")' in script
    assert '"-inf"' not in script
    tvm.ir.assert_structural_equal(tvm.script.from_source(script), migrate.from_relay(str(src)))
    report = json.loads((tmp_path / "o" / "masked.report.json").read_text())
    assert any("3 non-finite scalar constant(s)" in w for w in report["warnings"])
    loaded = migrate.load_converted(tmp_path / "o")
    x = np.array([[1, 2, 3, 4], [-1, 0, 1, 2]], "float32")
    mask = np.array([[1, 1, 0, 0], [0, 1, 1, 1]], bool)
    soft, same = run_main(loaded.bind(), loaded.arrange_inputs({"x": x, "mask": mask}))
    e = np.where(mask, np.exp(x - np.where(mask, x, -np.inf).max(axis=1, keepdims=True)), 0)
    np.testing.assert_allclose(soft, e / e.sum(axis=1, keepdims=True), rtol=1e-6)
    np.testing.assert_array_equal(same, x)


UNSUPPORTED = """#[version = "0.0.5"]
def @main(%x: Tensor[(2, 4), float32]) -> Tensor[(2, 4), float32] {
  %0 = vendor.foo(%x);
  %1 = nn.relu(%0);
  %2 = vendor.foo(%1);
  vendor.bar(%2)
}
"""


def test_unsupported_ops_are_all_listed_and_nothing_is_written(tmp_path, capsys):
    src = tmp_path / "vendor.relay"
    src.write_text(UNSUPPORTED)
    out = tmp_path / "out"
    assert cli_main(["convert", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"error: {src}: cannot translate 2 Relay ops/constructs (3 uses):" in err
    assert f"  vendor.foo: 2x, first at {src}: @main, 1st vendor.foo call" in err
    assert f"  vendor.bar: 1x, first at {src}: @main, 1st vendor.bar call" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == ["vendor.relay"]  # no temporary directory left behind


def test_failed_conversion_leaves_existing_outdir_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    (out / "vendor.py").write_text("old")
    src = tmp_path / "vendor.relay"
    src.write_text(UNSUPPORTED)
    assert cli_main(["convert", str(src), "-o", str(out)]) == 2
    assert sorted(os.listdir(out)) == ["keep.txt", "vendor.py"]
    assert (out / "vendor.py").read_text() == "old"

    src.write_text(UNSUPPORTED.replace("vendor.foo", "nn.relu").replace("vendor.bar", "tanh"))
    assert cli_main(["convert", str(src), "-o", str(out)]) == 0  # success replaces only this model's files
    assert (out / "keep.txt").read_text() == "mine"
    assert "R.tanh" in (out / "vendor.py").read_text()
    assert sorted(os.listdir(tmp_path)) == ["out", "vendor.relay"]


def test_report_json_and_html(tmp_path, capsys):
    bundle = GOLDEN / "models" / "mlp"
    out = tmp_path / "o"
    assert cli_main(["convert", str(bundle / "model.relay"), "--params", str(bundle / "model.params"),
                     "-o", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    report = json.loads((out / "mlp.report.json").read_text())
    assert printed["report"] == report
    assert report["name"] == "mlp" and report["entry"] == "main"
    # mlp: batch_flatten, then three dense + bias_add, relu twice, softmax (see model.relay)
    counts = {op["op"]: op["count"] for op in report["ops"]}
    assert counts == {"nn.dense": 3, "nn.bias_add": 3, "nn.relu": 2, "nn.batch_flatten": 1, "nn.softmax": 1}
    assert report["op_calls"] == 10
    from op_mappings import get_mapping

    for op in report["ops"]:
        assert op["status"] == get_mapping(op["op"]).status
    assert {d["op"] for d in report["semantic_differences"]} == {
        op for op in counts if get_mapping(op).differs
    }
    assert report["inputs"] == [{"relay": "data", "name": "data", "kind": "input"}]
    assert report["params"]["count"] == 6
    assert report["params"]["bytes"] == 4 * (128 * 784 + 128 + 64 * 128 + 64 + 10 * 64 + 10)
    assert report["params"]["by_dtype"] == {"float32": {"count": 6, "bytes": report["params"]["bytes"]}}
    assert report["warnings"] == []
    assert report["timings"]["total_s"] > 0 and set(report["timings"]) >= {"translate_s", "verify_s"}

    html = (out / "mlp.report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>tvm-migrate conversion report: mlp</title>" in html
    assert '<tr><td><code>nn.dense</code></td><td class="num">3</td>' in html
    assert "6 tensors, 427.3 KiB" in html
    assert "<h2>Semantic differences</h2>" in html


def test_html_escapes_user_text(tmp_path):
    src = tmp_path / "esc.relay"
    src.write_text('#[version = "0.0.5"]\ndef @main(%x: Tensor[(2), float32]) { nn.relu(%x) }\n')
    np.savez(tmp_path / "p.npz", **{"<b>unused</b>": np.zeros(2, "float32")})
    assert cli_main(["convert", str(src), "--params", str(tmp_path / "p.npz"), "-o", str(tmp_path / "o")]) == 0
    html = (tmp_path / "o" / "esc.report.html").read_text()
    assert "&lt;b&gt;unused&lt;/b&gt;" in html and "<b>unused</b>" not in html


def test_load_converted_says_what_is_wrong(tmp_path):
    with pytest.raises(migrate.UnsupportedInputError, match="no converted model; pass name="):
        migrate.load_converted(tmp_path)


def test_topi_prim_funcs_are_written_and_run(tmp_path, capsys):
    src = tmp_path / "bits.relay"
    src.write_text(
        '#[version = "0.0.5"]\n'
        "def @main(%x: Tensor[(2, 4), float32]) -> Tensor[(2, 4), int32] {\n"
        '  %0 = reinterpret(%x, dtype="int32");\n'
        "  add(%0, 1)\n"
        "}\n"
    )
    assert cli_main(["convert", str(src), "-o", str(tmp_path / "o")]) == 0
    assert "warning: reinterpret (1x) is lowered through TOPI" in capsys.readouterr().out
    assert "@T.prim_func" in (tmp_path / "o" / "bits.py").read_text()
    loaded = migrate.load_converted(tmp_path / "o")
    x = np.array([[1.0, -2.5, 0.0, 3e38], [-0.0, 7.0, 1e-38, -1.0]], "float32")
    (got,) = run_main(loaded.bind(), loaded.arrange_inputs({"x": x}))
    np.testing.assert_array_equal(got, x.view("int32") + 1)


@pytest.mark.parametrize("fmt", ["relay", "json"])
def test_relay_metadata_constants_become_parameters(tmp_path, fmt):
    bundle = GOLDEN / "models" / "onnx_BatchNorm2d_eval"  # its weights are metadata constants, no params file
    out = tmp_path / "bn"
    assert cli_main(["convert", str(bundle / f"model.{fmt}"), "-o", str(out), "--name", "bn"]) == 0
    script = (out / "bn.py").read_text()
    assert "metadata" not in script
    names = json.loads((out / "bn.names.json").read_text())
    consts = [p for p in names["parameters"] if p["kind"] == "const"]
    assert consts and all(p["relay"] is None and p["name"].startswith("const_") for p in consts)
    assert [p["name"] for p in names["parameters"][-len(consts):]] == [p["name"] for p in consts]
    report = json.loads((out / "bn.report.json").read_text())
    assert report["params"]["constants"] == len(consts) and names["num_input"] == 1
    loaded = migrate.load_converted(out)
    inputs, outputs = _bundle_io(bundle)
    assert loaded.inputs == (["v0"] if fmt == "relay" else ["v_0"])  # Relay's text printer wrote %0 as %v0
    assert_outputs_match(run_main(loaded.bind(), list(inputs.values())), outputs, 1e-4, 1e-5)


def test_name_must_be_a_base_name(tmp_path, capsys):
    src = tmp_path / "m.relay"
    src.write_text('#[version = "0.0.5"]\ndef @main(%x: Tensor[(2), float32]) { nn.relu(%x) }\n')
    assert cli_main(["convert", str(src), "-o", str(tmp_path / "o"), "--name", "a/b"]) == 2
    assert capsys.readouterr().err == "error: --name 'a/b': expected a file base name, without a directory\n"
    assert not (tmp_path / "o").exists()


def test_a_failure_while_writing_leaves_nothing_half_written(tmp_path, monkeypatch):
    import migrate.report

    src = tmp_path / "m.relay"
    src.write_text('#[version = "0.0.5"]\ndef @main(%x: Tensor[(2), float32]) { nn.relu(%x) }\n')
    out = tmp_path / "out"
    out.mkdir()
    (out / "m.py").write_text("old")

    def disk_full(report):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(migrate.report, "render_html", disk_full)  # the last file written
    with pytest.raises(migrate.UnsupportedInputError, match="cannot write the converted model"):
        migrate.convert.convert_to_dir(src, out)
    assert sorted(os.listdir(out)) == ["m.py"] and (out / "m.py").read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["m.relay", "out"]


def test_convert_compile_writes_a_library_that_runs_like_relay(tmp_path, capsys):
    """--compile builds NAME.so with migrate.compile, the weights inside: it takes only the inputs."""
    from tvm import relax

    from migrate.parity.check import flatten_result

    bundle = GOLDEN / "models" / "mobilenet"
    out = tmp_path / "out"
    rc = cli_main(["convert", str(bundle / "model.json"), "--params", str(bundle / "model.params"), "-o", str(out),
                   "--compile"])
    assert rc == 0
    assert f"compiled (migrate.compile, weights inside): {out / 'mobilenet.so'}" in capsys.readouterr().out
    assert sorted(os.listdir(out)) == sorted([f.format(n="mobilenet") for f in FILES] + ["mobilenet.so"])
    vm = relax.VirtualMachine(tvm.runtime.load_module(str(out / "mobilenet.so")), tvm.cpu())
    inputs, outputs = _bundle_io(bundle)
    got = flatten_result(vm["main"](*[tvm.runtime.tensor(a) for a in inputs.values()]))
    assert_outputs_match(got, outputs, 1e-4, 1e-5)


def test_convert_tuning_flags_need_compile(tmp_path, capsys):
    bundle = GOLDEN / "models" / "mlp"
    rc = cli_main(["convert", str(bundle / "model.json"), "-o", str(tmp_path / "o"), "--tune", "2"])
    assert rc == 2
    assert capsys.readouterr().err == "error: --target, --tune and --tuning-db choose how --compile builds: add --compile\n"
    assert not (tmp_path / "o").exists()
