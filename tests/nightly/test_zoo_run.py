"""nightly/run.py + report.py on real bundles: golden bundles recorded by real Relay stand in the bundle
cache (so no legacy build runs), the real check worker checks them, and the report and history follow."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys

import numpy as np
import pytest

from nightly.report import render_report
from nightly.run import append_history, cache_key, main, read_history
from nightly.spec import load_zoo
from nightly.svg import pass_rate_chart

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "golden", "models")

ZOO = """
[[model]]
name = "conv"
source = "onnx-backend"
path = "pytorch-converted/test_Conv2d/model.onnx"

[[model]]
name = "elu-tampered"
source = "onnx-backend"
path = "pytorch-converted/test_ELU/model.onnx"

[[model]]
name = "broken"
source = "relay.testing"
workload = "mlp"

[[model]]
name = "later"
source = "relay.testing"
workload = "dqn"
skip = "not today"
"""
PERTURBATION = 0.5


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    """A zoo file and a bundle cache: two golden bundles (one with a perturbed output) and a failed build."""
    base = tmp_path_factory.mktemp("zoo")
    (base / "zoo.toml").write_text(ZOO)
    models = {m.name: m for m in load_zoo(base / "zoo.toml")}
    cache = base / "cache"

    def entry(name):
        return cache / ("%s-%s" % (name, cache_key(models[name])))

    for name, golden in (("conv", "onnx_Conv2d"), ("elu-tampered", "onnx_ELU")):
        shutil.copytree(os.path.join(GOLDEN, golden), entry(name) / "bundle")
        (entry(name) / "build.json").write_text(json.dumps({"ok": True, "build_s": 1.5, "relay_ops": {}}))
    out = entry("elu-tampered") / "bundle" / "outputs.npz"
    with np.load(out, allow_pickle=False) as z:
        arrays = {k: z[k].copy() for k in z.files}
    arrays["output_0"].flat[3] += PERTURBATION
    np.savez(out, **arrays)
    entry("broken").mkdir(parents=True)
    (entry("broken") / "build.json").write_text(json.dumps(
        {"ok": False, "error": "TVMError: nn.dense: unsupported layout", "relay_ops": {"nn.dense": 1},
         "build_s": 2.0}))
    return base


def _run(zoo, capsys, *extra):
    code = main(["--zoo", str(zoo / "zoo.toml"), "--cache", str(zoo / "cache"), "--out", str(zoo / "out"),
                 "--legacy-python", sys.executable, "--jobs", "2", *extra])
    return code, capsys.readouterr().out


def test_zoo_run_report_and_history(zoo, capsys):
    code, out = _run(zoo, capsys, "--only", "conv")
    assert code == 0, out
    assert out.splitlines()[-1] == "RESULT: 0 failed of 1"

    code, out = _run(zoo, capsys)
    assert code == 1
    assert out.splitlines()[-1] == "RESULT: 2 failed of 3"
    lines = {ln.split()[1]: ln for ln in out.splitlines() if ln.startswith("[")}
    assert lines["conv"].split()[2] == "PASS"
    assert lines["elu-tampered"].split()[2] == "MISMATCH"
    assert "legacy build failed: TVMError: nn.dense: unsupported layout" in lines["broken"]
    assert lines["later"].split()[2] == "SKIPPED"

    results = json.loads((zoo / "out" / "results.json").read_text())
    rows = {r["name"]: r for r in results["models"]}
    assert rows["conv"]["status"] == "pass" and rows["conv"]["cached"] is True
    assert rows["conv"]["relay_ops"] == {"nn.bias_add": 1, "nn.conv2d": 1}  # read from the Relay program
    assert rows["conv"]["check"]["outputs"][0]["max_abs"] < 1e-5
    bad = rows["elu-tampered"]["check"]["outputs"][0]
    assert bad["passed"] is False and abs(bad["max_abs"] - PERTURBATION) < 1e-5
    assert rows["broken"]["status"] == "build-failed" and rows["broken"]["check"] is None
    assert rows["later"]["status"] == "skipped" and rows["later"]["error"] == "not today"
    assert results["summary"]["counts"] == {"pass": 1, "mismatch": 1, "build-failed": 1, "skipped": 1}

    history, bad_lines = read_history(zoo / "out" / "history.jsonl")
    assert bad_lines == 0
    assert [(h["passed"], h["models"], h["only"]) for h in history] == [(1, 1, ["conv"]), (1, 3, [])]
    assert history[1]["pass_rate"] == pytest.approx(1 / 3)

    html = (zoo / "out" / "report.html").read_text()
    assert "<h1>Model zoo: 1 of 3 models pass (33.3%)</h1>" in html
    assert html.count("<svg") == 2
    assert len(re.findall(r"<circle [^>]*fill=\"#1d4f91\"", html)) == 2  # one point per history entry
    assert '<td class="mismatch">mismatch</td>' in html and '<td class="build-failed">build-failed</td>' in html
    assert "legacy build failed: TVMError: nn.dense: unsupported layout" in html
    assert "<code>nn.conv2d</code>&nbsp;1" in html
    assert "<small>skipped: not today</small>" in html


def test_report_escapes_and_tolerates_partial_history():
    results = {"started": "2026-01-01T00:00:00+00:00", "elapsed_s": 1.0, "target": "llvm", "zoo": "z.toml",
               "summary": {"passed": 0, "models": 1, "pass_rate": 0.0, "only": []},
               "models": [{"name": "m<1>", "source": "onnx-backend", "status": "error", "relay_ops": {},
                           "error": "conversion failed: <script>", "check": None}]}
    html = render_report(results, [{"date": "d1"}, {"date": "d2", "pass_rate": 0.5, "passed": 1, "models": 2}])
    assert "<script>" not in html and "conversion failed: &lt;script&gt;" in html
    assert "<code>m&lt;1&gt;</code>" in html


def test_history_append_and_read(tmp_path):
    path = tmp_path / "sub" / "history.jsonl"
    append_history(path, {"date": "a", "pass_rate": 1.0, "passed": 2, "models": 2})
    with open(path, "a") as f:
        f.write("not json\n[1, 2]\n\n")
    append_history(path, {"date": "b", "pass_rate": 0.5, "passed": 1, "models": 2})
    entries, bad = read_history(path)
    assert [e["date"] for e in entries] == ["a", "b"] and bad == 2
    svg = pass_rate_chart(entries)
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert "b: 1 of 2 passed (50.0%)" in svg
    assert read_history(tmp_path / "none.jsonl") == ([], 0)


def test_cli_errors(tmp_path, capsys):
    assert main(["--legacy-python", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err == ("nightly: error: no legacy interpreter at %s; pass --legacy-python or set "
                   "TVM_MIGRATE_LEGACY_PYTHON to a python that imports a Relay-era tvm\n" % (tmp_path / "nope"))
    (tmp_path / "z.toml").write_text('[[model]]\nname = "a"\nsource = "relay.testing"\nworkload = "mlp"\n')
    assert main(["--zoo", str(tmp_path / "z.toml"), "--legacy-python", sys.executable, "--only", "b*"]) == 2
    assert capsys.readouterr().err == "nightly: error: --only b* matches no model of %s\n" % (tmp_path / "z.toml")


LEGACY_PYTHON = os.environ.get("TVM_MIGRATE_LEGACY_PYTHON", "/work/legacy/env/python")


@pytest.mark.skipif(not os.path.exists(LEGACY_PYTHON), reason="needs the legacy Relay interpreter")
def test_a_real_legacy_build_failure_is_reported_and_cached(tmp_path, capsys):
    # TVM 0.16's ONNX importer cannot import 1-D MaxPool (KeyError: 'ceil_mode'; see legacy-relay/README.md)
    (tmp_path / "z.toml").write_text('[[model]]\nname = "maxpool1d"\nsource = "onnx-backend"\n'
                                     'path = "pytorch-converted/test_MaxPool1d/model.onnx"\n')
    argv = ["--zoo", str(tmp_path / "z.toml"), "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "out"),
            "--legacy-python", LEGACY_PYTHON]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "RESULT: 1 failed of 1"
    row = json.loads((tmp_path / "out" / "results.json").read_text())["models"][0]
    assert row["status"] == "build-failed" and row["cached"] is False
    assert row["error"] == "legacy build failed: KeyError: 'ceil_mode'"
    assert main(argv) == 1
    capsys.readouterr()
    row = json.loads((tmp_path / "out" / "results.json").read_text())["models"][0]
    assert row["status"] == "build-failed" and row["cached"] is True
