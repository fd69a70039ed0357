"""Reading parity bundles: names from the Relay signature, restored dtypes, and one exact message per
kind of broken bundle (missing file, corrupt archive, pickle, escaping names and links, mismatches)."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

from migrate.parity import BundleError, load_bundle

from parity_helpers import CONV, GOLDEN, TUPLE_NAMES, copy_bundle, read_npz, write_npz


def test_reads_a_bundle_made_by_real_relay():
    b = load_bundle(CONV)
    assert b.name == "conv_block" and b.model_path.endswith("model.json")
    assert sorted(b.params) == ["conv_bias", "conv_weight", "fc_weight"]
    assert list(b.inputs) == ["data"] and b.inputs["data"].shape == (1, 3, 8, 8)
    assert b.arg_keys == ["data"]
    assert [k for k, _ in b.outputs] == ["output_0"]
    assert b.relay_latency_ms == json.loads((CONV / "meta.json").read_text())["latency_ms"]
    assert b.intermediates_path.endswith("intermediates.npz")
    assert sorted(b.intermediates()) == ["47", "50", "53", "56", "59", "62", "65"]


def test_tuple_parameter_and_shared_names_follow_the_signature():
    b = load_bundle(TUPLE_NAMES)
    assert b.arg_keys == [("t.0", "t.1"), "x#1", "x#2"]
    assert {k: str(v.dtype) for k, v in b.inputs.items()} == {"t.0": "float32", "t.1": "int32", "x#1": "float32",
                                                             "x#2": "float32"}


def test_bfloat16_is_restored_from_meta():
    b = load_bundle(GOLDEN / "ops" / "cast" / "float32_to_bfloat16")
    (key, out), = b.outputs
    assert str(out.dtype) == "bfloat16"
    raw = read_npz(GOLDEN / "ops" / "cast" / "float32_to_bfloat16" / "outputs.npz")["output_0"]
    assert raw.dtype == np.uint16 and out.view("uint16").tolist() == raw.tolist()  # stored as bit patterns


def test_model_relay_alone_is_enough_and_meta_is_optional(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    (b / "model.json").unlink()
    (b / "meta.json").unlink()
    got = load_bundle(b)
    assert got.model_path.endswith("model.relay") and got.meta is None and got.relay_latency_ms is None


@pytest.mark.parametrize("keep_meta", [True, False])
def test_text_only_bundle_of_parameters_sharing_a_name(tmp_path, keep_meta):
    """golden lstm's main has four parameters named `data`: the exporter keys them data#0, data#5, ...; the text
    printer renames them %data, %data1, ..., so without model.json the keys are matched by position."""
    from migrate.parity import check_bundle

    b = copy_bundle(GOLDEN / "models" / "lstm", tmp_path / "lstm")
    (b / "model.json").unlink()
    if not keep_meta:
        (b / "meta.json").unlink()
    got = load_bundle(b)
    assert got.arg_keys == ["data#0", "data#5", "data#10", "data#15"]
    assert check_bundle(b, repeat=0, pipeline="default").passed


def error_of(path) -> str:
    with pytest.raises(BundleError) as info:
        load_bundle(path)
    return str(info.value)


def test_missing_file(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    (b / "inputs.npz").unlink()
    assert error_of(b) == (f"{b}/inputs.npz: file is missing; a bundle needs model.params, inputs.npz, outputs.npz "
                           f"and model.json or model.relay")


def test_missing_model(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    (b / "model.json").unlink()
    (b / "model.relay").unlink()
    assert error_of(b) == f"{b}: no model.json or model.relay; a bundle needs one of them (relay_export.py writes both)"


def test_not_a_directory(tmp_path):
    assert error_of(tmp_path / "nope") == f"{tmp_path}/nope: not a bundle directory (does not exist)"


def test_corrupt_archive(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    (b / "outputs.npz").write_bytes(b"this is not a zip archive")
    assert error_of(b) == f"{b}/outputs.npz: not a readable .npz archive (File is not a zip file)"


def test_corrupt_array_inside_the_archive(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    raw = bytearray((b / "inputs.npz").read_bytes())
    raw[200] ^= 0xFF  # a byte of the array data: the zip CRC no longer matches
    (b / "inputs.npz").write_bytes(bytes(raw))
    assert error_of(b) == f"{b}/inputs.npz: array 'data' is corrupt (Bad CRC-32 for file 'data.npy')"


def test_pickled_array_is_refused(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    arrays = read_npz(b / "outputs.npz")
    arrays["output_0"] = np.array([{"payload": 1}], dtype=object)
    write_npz(b / "outputs.npz", arrays)
    assert error_of(b) == (f"{b}/outputs.npz: array 'output_0' holds Python objects, which would need unpickling; "
                           f"refused (re-export the bundle)")


def test_path_escaping_array_name(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    with zipfile.ZipFile(b / "inputs.npz", "a") as z:
        z.writestr("../../evil.npy", b"\x93NUMPY")
    assert error_of(b) == (f"{b}/inputs.npz: array name '../../evil' is an absolute path or climbs out with '..'; "
                           f"array names must be Relay names")


def test_link_leading_out_of_the_bundle(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    outside = tmp_path / "elsewhere.params"
    (b / "model.params").rename(outside)
    os.symlink(outside, b / "model.params")
    assert error_of(b) == (f"{b}/model.params: resolves to {outside}, outside the bundle directory; a bundle must "
                           f"hold its own files (copy the file in instead of linking it)")


def test_input_with_wrong_shape(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    write_npz(b / "inputs.npz", {"data": np.zeros((1, 3, 8, 7), "float32")})
    meta = json.loads((b / "meta.json").read_text())
    assert error_of(b) == (f"{b}/inputs.npz: array 'data' has shape (1, 3, 8, 7) but main's parameter is "
                           f"Tensor[(1, 3, 8, 8), float32]")
    assert meta["inputs"]["data"]["shape"] == [1, 3, 8, 8]


def test_input_named_after_no_parameter(tmp_path):
    b = copy_bundle(TUPLE_NAMES, tmp_path / "b")
    arrays = read_npz(b / "inputs.npz")
    arrays["x"] = arrays.pop("x#1")
    write_npz(b / "inputs.npz", arrays)
    assert error_of(b) == f"{b}/inputs.npz: no array 'x#1' for a parameter of main; expected keys: 't.0', 't.1', 'x#1', 'x#2'"


def test_unexpected_output_name(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    write_npz(b / "outputs.npz", {"out": np.zeros((1, 5), "float32")})
    assert error_of(b) == f"{b}/outputs.npz: expected arrays output_0 .. output_0, found 'out'"


def test_meta_that_is_not_json(tmp_path):
    b = copy_bundle(CONV, tmp_path / "b")
    (b / "meta.json").write_text("{ broken")
    assert error_of(b) == f"{b}/meta.json: not valid JSON (line 1, column 3: Expecting property name enclosed in double quotes)"
