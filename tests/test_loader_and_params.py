"""load_relay format detection and load_params on .npz/.params, with their error messages."""

from __future__ import annotations

import numpy as np
import pytest

from migrate import load_params, load_relay
from migrate.errors import MigrateError, ParamsError, RelayJSONError, RelayParseError
from migrate.loader import detect_format

TEXT = '#[version = "0.0.5"]\ndef @main(%x: Tensor[(2, 3), float32]) {\n  nn.relu(%x)\n}\n'


def test_format_is_detected_from_content_not_the_file_name(tmp_path):
    path = tmp_path / "model.json"  # a text module behind a misleading suffix
    path.write_text(TEXT)
    mod = load_relay(path)
    assert mod.source_format == "text" and mod.source_name == str(path)
    assert [c.op.name for c in [mod.main.body]] == ["nn.relu"]
    assert detect_format("\ufeff  {\"root\": 1}") == "json"
    assert detect_format(TEXT) == "text"


def test_text_string_and_bytes_are_read_directly():
    assert load_relay(TEXT).source_name == "<string>"
    assert load_relay(TEXT.encode()).source_name == "<bytes>"
    assert load_relay("\ufeff" + TEXT).main.params[0].name == "x"


def test_an_already_read_module_is_returned_as_is():
    mod = load_relay(TEXT)
    assert load_relay(mod) is mod


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.relay"
    with pytest.raises(MigrateError) as err:
        load_relay(str(missing))
    assert str(err.value) == f"{missing}: no such file (expected a Relay .relay text or .json file)"


def test_a_directory_says_which_file_to_pass(tmp_path):
    with pytest.raises(MigrateError) as err:
        load_relay(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a directory; pass the model file inside it (model.relay or model.json)"


def test_a_params_file_passed_as_the_model_is_explained(tmp_path):
    path = tmp_path / "model.params"
    path.write_bytes(bytes.fromhex("b79c04054f8de5f7") + b"\x00" * 8 + b"\xff\xfe")
    with pytest.raises(MigrateError) as err:
        load_relay(path)
    assert "not UTF-8 text" in str(err.value) and "A .params file holds weights: pass it as params" in str(err.value)


def test_empty_input_is_an_error():
    with pytest.raises(MigrateError, match="empty input"):
        load_relay("   \n")


def test_malformed_text_and_json_raise_their_error_types():
    with pytest.raises(RelayParseError):
        load_relay(TEXT.replace("nn.relu(%x)", "nn.relu(%x"))
    with pytest.raises(RelayJSONError):
        load_relay('{"root": 1, "nodes": []}')


def test_npz_params_round_trip_every_dtype(tmp_path):
    import ml_dtypes

    arrays = {
        "f32": np.arange(6, dtype="float32").reshape(2, 3),
        "f16": np.array([1.5, -2], dtype="float16"),
        "i8": np.array([-128, 127], dtype="int8"),
        "u8": np.array([0, 255], dtype="uint8"),
        "i64": np.array([2**40], dtype="int64"),
        "b": np.array([True, False, True]),
        "bf16": np.array([1.0, -3.5], dtype=ml_dtypes.bfloat16),
    }
    path = tmp_path / "w.npz"
    np.savez(path, **arrays)
    loaded = load_params(path)
    assert set(loaded) == set(arrays)
    for name, value in arrays.items():
        assert loaded[name].dtype == value.dtype, name
        np.testing.assert_array_equal(loaded[name].astype("float64"), value.astype("float64"))


def test_npz_with_objects_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, obj=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert str(err.value).startswith(f"{path}: array 'obj' cannot be read without pickle")


def test_not_a_params_file(tmp_path):
    path = tmp_path / "w.params"
    path.write_bytes(b"hello world, not params")
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert str(err.value) == (
        f"{path}: not a params file: expected a Relay .params file (relay.save_param_dict) "
        "or an .npz archive (numpy.savez)"
    )
    npy = tmp_path / "w.npy"
    np.save(npy, np.zeros(2))
    with pytest.raises(ParamsError, match="a single .npy array, not a params file"):
        load_params(npy)


def test_corrupt_npz_is_named(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, a=np.zeros(100))
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert str(err.value).startswith(f"{path}: not a readable .npz archive")
