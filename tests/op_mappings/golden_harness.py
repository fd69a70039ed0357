"""Harness for the op goldens: translate a real Relay bundle, compare with the hand-written Relax,
compile it, run it on the bundle's inputs and compare with the outputs real Relay recorded."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest
import tvm

from translation_checks import assert_outputs_match, run_main

ROOT = Path(__file__).resolve().parents[2]
OPS = ROOT / "golden" / "ops"
TRANSLATIONS = ROOT / "golden" / "translations"


def _golden_package():
    name = "golden_translations"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, TRANSLATIONS / "__init__.py", submodule_search_locations=[str(TRANSLATIONS)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def family_goldens(family: str) -> dict:
    """bundle id -> Golden, for the goldens declared in golden/translations/<family>.py."""
    _golden_package()
    importlib.import_module(f"golden_translations.{family}")
    registry = importlib.import_module("golden_translations._golden").GOLDENS
    return {k: g for k, g in registry.items() if g.family == family}


def bundle_dir(bundle: str) -> Path:
    return OPS / bundle


def translate_bundle(bundle: str, fmt: str = "relay") -> tvm.IRModule:
    from migrate.translate import from_relay

    d = bundle_dir(bundle)
    return from_relay(d / f"model.{fmt}", d / "model.params", keep_params_in_input=True)


def _meta(d: Path) -> dict:
    return json.loads((d / "meta.json").read_text())


def run_and_compare(mod: tvm.IRModule, bundle: str, rtol: float, atol: float) -> None:
    """Compile `mod`, feed it the bundle's inputs (and params), compare every output with Relay's."""
    from migrate.params import load_npz, load_params

    d = bundle_dir(bundle)
    meta = _meta(d)
    inputs = load_npz(str(d / "inputs.npz"), {k: v["dtype"] for k, v in meta["inputs"].items()})
    params = load_params(d / "model.params")
    args = [inputs[p.name] if p.name in inputs else params[p.name] for p in mod["main"].params]
    expected = load_npz(str(d / "outputs.npz"), {k: v["dtype"] for k, v in meta["outputs"].items()})
    assert_outputs_match(run_main(mod, args), expected, rtol, atol)


def check_golden(golden) -> None:
    """The translation equals the hand-written Relax (from text and from JSON) and matches Relay numerically."""
    if not (bundle_dir(golden.bundle) / "model.relay").exists():
        pytest.skip(f"golden/ops/{golden.bundle} is not generated")
    got = translate_bundle(golden.bundle)
    tvm.ir.assert_structural_equal(got, golden.expected())
    tvm.ir.assert_structural_equal(translate_bundle(golden.bundle, "json"), golden.expected())
    run_and_compare(got, golden.bundle, golden.rtol, golden.atol)
