"""Divergence localization: a deliberately wrong translator is traced to the Relay node it translates,
using the intermediates real Relay recorded (relay_export.py --intermediates)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tvm import relax

import migrate
from migrate.cli import main as cli_main
from migrate.parity import check_bundle
from op_mappings.registry import unregister_translator

from parity_helpers import CONV, NESTED, copy_bundle, read_npz, relay_call_nodes, write_npz


@pytest.fixture
def wrong_translator():
    """Register a wrong translator for an op for one test, then put the built-in one back."""
    planted = []

    def plant(op_name, fn):
        migrate.register_translator(op_name, fn, override=True)
        planted.append(op_name)

    yield plant
    for op_name in planted:
        unregister_translator(op_name)


def test_recorded_intermediates_are_keyed_by_model_json_node():
    """The exporter's keys name the right nodes: the softmax node's value is main's output."""
    calls = relay_call_nodes(CONV / "model.json")
    mid = read_npz(CONV / "intermediates.npz")
    assert sorted(mid) == sorted(str(i) for ids in calls.values() for i in ids)
    np.testing.assert_allclose(mid[str(calls["nn.softmax"][0])], read_npz(CONV / "outputs.npz")["output_0"],
                               rtol=1e-5, atol=1e-6)
    assert mid[str(calls["nn.conv2d"][0])].shape == (1, 4, 8, 8) and mid[str(calls["nn.dense"][0])].shape == (1, 5)


def test_planted_wrong_relu_is_localized(wrong_translator, capsys):
    wrong_translator("nn.relu", lambda ctx, call, args: relax.op.nn.leakyrelu(args[0], 0.1))
    r = check_bundle(CONV, repeat=0)
    assert not r.passed and r.error is None
    d = r.divergence
    relu = relay_call_nodes(CONV / "model.json")["nn.relu"][0]
    assert (d.node, d.key, d.op, d.attrs, d.input_shapes) == (relu, str(relu), "nn.relu", {}, ["(1, 4, 8, 8) float32"])
    assert d.message.startswith(f"first diverging Relay node: model.json node {relu} (nn.relu), value '{relu}': ")
    assert d.message.endswith("; every recorded value before it matches Relay")
    code = cli_main(["check", "--repeat", "0", str(CONV)])
    out = capsys.readouterr().out
    assert code == 1 and f"  divergence: first diverging Relay node: model.json node {relu} (nn.relu)" in out
    assert "    inputs: (1, 4, 8, 8) float32\n" in out


def test_planted_wrong_op_with_attrs_in_a_tuple_program(wrong_translator):
    wrong_translator("multiply", lambda ctx, call, args: relax.op.add(args[0], args[1]))
    d = check_bundle(NESTED, repeat=0).divergence
    mul = relay_call_nodes(NESTED / "model.json")["multiply"][0]
    assert (d.node, d.op) == (mul, "multiply")
    assert d.input_shapes == ["(2, 3) float32", "() float32"]


def test_attrs_are_reported(wrong_translator):
    wrong_translator("nn.max_pool2d", lambda ctx, call, args: relax.op.nn.avg_pool2d(args[0], (2, 2), (2, 2)))
    d = check_bundle(CONV, repeat=0).divergence
    assert (d.node, d.op) == (relay_call_nodes(CONV / "model.json")["nn.max_pool2d"][0], "nn.max_pool2d")
    assert (d.attrs["pool_size"], d.attrs["strides"], d.attrs["layout"]) == ([2, 2], [2, 2], "NCHW")


def test_every_intermediate_matches_when_only_the_recorded_output_is_off(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    arrays = read_npz(b / "outputs.npz")
    write_npz(b / "outputs.npz", {"output_0": arrays["output_0"] * 2})
    d = check_bundle(b, repeat=0).divergence
    assert d.node is None
    assert d.message == ("all 7 recorded intermediate values match Relay; the difference is in how the outputs are "
                         "assembled or in the optimized Relay build")


def test_intermediates_key_naming_no_node(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    mid = read_npz(b / "intermediates.npz")
    mid["9999"] = mid.pop("47")
    write_npz(b / "intermediates.npz", mid)
    meta = json.loads((b / "meta.json").read_text())
    meta["intermediates"]["arrays"]["9999"] = meta["intermediates"]["arrays"].pop("47")
    (b / "meta.json").write_text(json.dumps(meta))
    write_npz(b / "outputs.npz", {"output_0": read_npz(b / "outputs.npz")["output_0"] + 1})
    d = check_bundle(b, repeat=0).divergence
    assert d.message == (f"cannot localize: {b}/intermediates.npz: key '9999' names no expression node of @main "
                         f"in model.json")


def test_probe_that_fails_as_a_whole_is_bisected(wrong_translator):
    """A compiler that cannot take many outputs at once: localization bisects the probe down to pieces it can
    compile and still names the planted node."""
    import tvm
    from tvm import relax as rx

    seen = []

    def picky_compile(mod, target):
        ret = mod["main"].ret_ty
        fields = len(ret.fields) if isinstance(ret, rx.TupleType) else 1
        seen.append(fields)
        if fields > 2:
            raise RuntimeError(f"refusing {fields} outputs")
        return tvm.compile(mod, target=target)

    wrong_translator("nn.relu", lambda ctx, call, args: relax.op.nn.leakyrelu(args[0], 0.1))
    d = check_bundle(CONV, repeat=0, compile=picky_compile).divergence
    assert (d.node, d.op) == (relay_call_nodes(CONV / "model.json")["nn.relu"][0], "nn.relu")
    assert seen == [1, 7, 3, 1, 2, 4, 2, 2]  # the model, all 7 nodes, then halves down to compilable pieces
