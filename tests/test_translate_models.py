"""Every model of the golden corpus (relay.testing workloads, ONNX-imported models) converts from its
Relay text and its JSON, compiles, and reproduces the outputs real Relay recorded."""

from __future__ import annotations

import json

import pytest

from migrate.loader import load_relay
from migrate.params import load_npz, load_params
from migrate.translate import from_relay

from conftest import GOLDEN
from translation_checks import assert_outputs_match, run_main

MODELS = sorted(p.parent for p in (GOLDEN / "models").glob("*/model.json"))
# Per-model tolerances, with the reason; fp32 default rtol 1e-4, atol 1e-5.
TOLERANCE: dict = {}


def _inputs(bundle, relay_main, params) -> list:
    """The bundle's inputs in the order of main's unbound parameters (`name#i` keys for repeated names)."""
    meta = json.loads((bundle / "meta.json").read_text())
    inputs = load_npz(str(bundle / "inputs.npz"), {k: v["dtype"] for k, v in meta["inputs"].items()})
    keys = [p.name if p.name in inputs else f"{p.name}#{i}" for i, p in enumerate(relay_main.params)
            if p.name not in params]
    return [inputs[k] for k in keys], meta


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "relay"])
@pytest.mark.parametrize("bundle", MODELS, ids=[m.name for m in MODELS])
def test_model_matches_relay(bundle, fmt):
    params = load_params(bundle / "model.params")
    relay_json = load_relay(bundle / "model.json")  # names as Relay had them (text may rename %0 to %v0)
    mod = from_relay(bundle / f"model.{fmt}", params)
    args, meta = _inputs(bundle, relay_json.main, params)
    assert len(mod["main"].params) == len(args)
    expected = load_npz(str(bundle / "outputs.npz"), {k: v["dtype"] for k, v in meta["outputs"].items()})
    rtol, atol = TOLERANCE.get(bundle.name, (1e-4, 1e-5))
    assert_outputs_match(run_main(mod, args), expected, rtol, atol)
