"""migrate.compile on golden models (numerics vs real Relay), its errors, and the tuning records."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tvm
from tvm import relax

from schedule_checks import ROOT, generic_target, loop_kinds  # noqa: F401  (fixture)
from migrate.compile import compile as migrate_compile
from migrate.errors import MigrateError
from migrate.loader import load_relay
from migrate.params import load_npz, load_params
from migrate.translate import from_relay
from schedules.rules import Conv2DNHWC
from schedules.target import cpu_info
from schedules.tuning import RECORDS_FILE, kernel_key, load_records, save_records, with_records

GOLDEN = ROOT / "golden" / "models"


def _bundle(name):
    bundle = GOLDEN / name
    meta = json.loads((bundle / "meta.json").read_text())
    params = load_params(bundle / "model.params")
    mod = from_relay(bundle / "model.json", params)
    main = load_relay(bundle / "model.json").main
    inputs = load_npz(str(bundle / "inputs.npz"), {k: v["dtype"] for k, v in meta["inputs"].items()})
    args = [inputs[p.name] for p in main.params if p.name not in params]
    expected = load_npz(str(bundle / "outputs.npz"), {k: v["dtype"] for k, v in meta["outputs"].items()})
    return mod, args, [expected[f"output_{i}"] for i in range(len(expected))]


def _run(ex, args):
    out = relax.VirtualMachine(ex, tvm.cpu())["main"](*[tvm.runtime.tensor(a) for a in args])
    return [out.numpy()] if isinstance(out, tvm.runtime.Tensor) else [o.numpy() for o in out]


# resnet: NCHW convs + BatchNorm before and after them (ResNet v2); mobilenet: depthwise + pointwise
# convs with BatchNorm folded into the weights; resnet_nhwc: a model already in NHWC; mlp: dense layers.
@pytest.mark.parametrize("name", ["resnet", "mobilenet", "resnet_nhwc", "mlp"])
def test_matches_relay(name):
    mod, args, expected = _bundle(name)
    got = _run(migrate_compile(mod, "llvm"), args)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


def test_layout_none_keeps_nchw_and_still_matches():
    mod, args, expected = _bundle("resnet")
    np.testing.assert_allclose(_run(migrate_compile(mod, "llvm", layout=None), args)[0], expected[0],
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kwargs, message", [
    ({"target": "cuda"}, "migrate.compile builds for CPU only: target 'cuda' is not an llvm target; use tvm.compile "
                         "for other targets"),
    ({"target": "llvm -mcpu=znver4"}, "target 'llvm -mcpu=znver4': TVM 0.27 no longer parses flags in target "
                                      "strings; pass a dict such as {'kind': 'llvm', 'mcpu': 'znver4'} or a "
                                      "tvm.target.Target"),
    ({"tune": -1}, "tune must be a number of trials per kernel (an int >= 0), not -1"),
    ({"layout": "NCHW16c"}, "layout 'NCHW16c' is not supported: use 'NHWC' or None (keep the model's layouts)"),
])
def test_user_errors(kwargs, message):
    mod, _, _ = _bundle("mlp")
    with pytest.raises(MigrateError) as info:
        migrate_compile(mod, **kwargs)
    assert str(info.value) == message


def test_missing_and_foreign_database(tmp_path):
    mod, _, _ = _bundle("mlp")
    missing = tmp_path / "nope"
    with pytest.raises(MigrateError) as info:
        migrate_compile(mod, database=missing)
    assert str(info.value) == f"tuning database {missing} does not exist; run once with tune=N to create it"
    (tmp_path / RECORDS_FILE).write_text('{"format": "something-else"}')
    with pytest.raises(MigrateError) as info:
        migrate_compile(mod, database=tmp_path)
    assert str(info.value) == (f"{tmp_path / RECORDS_FILE}: not a tvm-migrate tuning record file (format "
                               "tvm-migrate-tuning/1); point database= at another directory or delete the file")


def test_recorded_tile_is_used(tmp_path, generic_target):
    from test_conv2d import conv_bias_relu

    save_records(str(tmp_path), {kernel_key(conv_bias_relu): {"name": "conv", "target": "llvm", "tile": [8, 4, 2],
                                                              "run_ms": 1.0, "default_ms": 2.0}})
    rule = with_records([Conv2DNHWC()], load_records(str(tmp_path)))[0]
    kinds = loop_kinds(rule.apply(conv_bias_relu, generic_target, False).mod["main"])
    assert ("xx_1", "unroll", 4) in kinds and ("ff_1", "vectorized", 8) in kinds
    assert cpu_info(generic_target).lanes() == 4


def test_tune_writes_records_and_database_reuses_them(tmp_path):
    mod, args, expected = _bundle("resnet_nhwc")
    ex = migrate_compile(mod, "llvm", tune=2, database=tmp_path)
    np.testing.assert_allclose(_run(ex, args)[0], expected[0], rtol=1e-4, atol=1e-5)
    records = load_records(str(tmp_path))
    assert records and all(len(r["tile"]) == 3 and r["run_ms"] <= r["default_ms"] for r in records.values())
    before = (tmp_path / RECORDS_FILE).read_text()
    ex = migrate_compile(mod, "llvm", database=tmp_path)  # tune=0: records are read, not written
    np.testing.assert_allclose(_run(ex, args)[0], expected[0], rtol=1e-4, atol=1e-5)
    assert (tmp_path / RECORDS_FILE).read_text() == before


def test_squeezenet_dropout_is_removed_so_its_convolutions_go_nhwc():
    """TVM 0.27's ConvertLayout fails on dropout's tuple; at inference dropout is the identity, so it is removed
    first and ONNX SqueezeNet (with a dropout) converts to NHWC and still matches Relay."""
    import warnings

    from schedules.pipeline import graph_passes

    mod, args, expected = _bundle("onnx_squeezenet")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvertLayout fallback
        rewritten = tvm.transform.Sequential(graph_passes("NHWC"))(mod)
        ex = migrate_compile(mod, "llvm")
    script = rewritten.script()
    assert "R.nn.dropout" not in script and 'data_layout="NHWC"' in script and 'data_layout="NCHW"' not in script
    np.testing.assert_allclose(_run(ex, args)[0], expected[0], rtol=1e-4, atol=1e-5)


def test_failed_layout_conversion_falls_back_with_a_warning():
    # A dropout whose mask is used stays (it is not the identity then), and TVM 0.27's ConvertLayout fails on it.
    from tvm.script import ir as I
    from tvm.script import relax as R

    @I.ir_module
    class DropoutMask:
        @R.function
        def main(x: R.Tensor((1, 4, 8, 8), "float32"), w: R.Tensor((4, 4, 3, 3), "float32")):
            with R.dataflow():
                a = R.nn.conv2d(x, w, padding=[1, 1, 1, 1])
                d = R.nn.dropout(a, rate=0.5)
                gv = R.add(d[0], d[1])
                R.output(gv)
            return gv

    with pytest.warns(UserWarning, match=r"failed in TVM's ConvertLayout \(Check failed: .*Expected nested to "
                                         r"match tuple\); they keep the model's layout, which is correct but slower"):
        ex = migrate_compile(DropoutMask, "llvm")
    rng = np.random.default_rng(0)
    x, w = rng.uniform(-1, 1, (1, 4, 8, 8)).astype("float32"), rng.uniform(-1, 1, (4, 4, 3, 3)).astype("float32")
    reference = tvm.compile(DropoutMask, "llvm")
    np.testing.assert_allclose(_run(ex, [x, w])[0], _run(reference, [x, w])[0], rtol=1e-5, atol=1e-5)
