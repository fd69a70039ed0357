"""The text and JSON forms of one real module read to the same program.

Every golden bundle was written by real Relay in both forms (`mod.astext(show_meta_data=True)`
and `tvm.ir.save_json(mod)`). They must agree up to exactly what the text printer loses:
floats to 6 significant digits and printable variable names (see migrate.relay_compare).
"""

from __future__ import annotations


import pytest

from conftest import bundle_dirs, bundle_id
from migrate import load_relay
from migrate import relay_ir as ir
from migrate.relay_compare import first_difference, text_name_matches

BUNDLES = [d for d in bundle_dirs() if (d / "model.json").exists() and (d / "model.relay").exists()]


def test_there_are_real_bundles_to_compare():
    assert len(BUNDLES) >= 50, f"only {len(BUNDLES)} golden bundles with both forms"


@pytest.mark.parametrize("bundle", BUNDLES, ids=bundle_id)
def test_text_and_json_read_to_the_same_program(bundle):
    from_json = load_relay(bundle / "model.json")
    from_text = load_relay(bundle / "model.relay")
    assert from_json.source_format == "json" and from_text.source_format == "text"
    diff = first_difference(from_json, from_text, text_vs_json=True, compare_types=True)
    assert diff is None, str(diff)


def _resnet_like():
    for d in BUNDLES:
        if d.name.startswith("resnet") or d.name.startswith("mobilenet") or d.name.startswith("squeezenet"):
            return d
    return BUNDLES[0]


def test_exact_comparison_reports_a_changed_attribute_with_its_path():
    mod = load_relay(_resnet_like() / "model.json")
    other = load_relay(_resnet_like() / "model.json")
    conv = next(c for c in ir.calls(other.main) if c.op.name == "nn.conv2d")
    conv.attrs.fields["padding"] = (9, 9, 9, 9)
    diff = first_difference(mod, other)
    assert diff is not None
    assert diff.path.startswith("@main") and ".attrs.fields['padding'][0]" in diff.path, diff.path
    assert diff.message.endswith(" != 9")


def test_comparison_reports_lost_sharing():
    text = """#[version = "0.0.5"]
def @main(%x: Tensor[(2), float32]) {
  %0 = nn.relu(%x);
  add(%0, %0)
}
"""
    shared = load_relay(text)
    unshared = load_relay(text.replace("add(%0, %0)", "add(%0, nn.relu(%x))"))
    diff = first_difference(shared, unshared)
    assert diff is not None and "sharing differs" in diff.message


def test_text_names_allow_only_the_printer_renames():
    assert text_name_matches("0", "v0")
    assert text_name_matches("data", "data1")
    assert text_name_matches("data", "data")
    assert not text_name_matches("data", "weight")
    assert not text_name_matches("data", "datax")


def test_floats_compare_to_six_digits_only_in_text_mode():
    text = '#[version = "0.0.5"]\ndef @main(%x: Tensor[(2), float32]) {\n  nn.leaky_relu(%x, alpha=0.1f)\n}\n'
    a = load_relay(text)
    b = load_relay(text)
    call = b.main.body
    call.attrs.fields["alpha"] = 0.1000001
    assert first_difference(a, b, text_vs_json=True) is None
    diff = first_difference(a, b)
    assert diff is not None and diff.message == "0.1 != 0.1000001"
    call.attrs.fields["alpha"] = 0.10001
    assert first_difference(a, b, text_vs_json=True) is not None
