"""nightly/spec.py: zoo.toml parsing, collection expansion, overrides, and the error messages."""

from __future__ import annotations

import os
import re

import pytest

from nightly.spec import DEFAULTS, ZooSpecError, load_zoo, select

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _zoo(tmp_path, text, name="zoo.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def onnx_data(tmp_path):
    """A miniature onnx/backend/test/data tree: two pytorch-converted models, one light model, and a
    directory without model.onnx (which a collection must skip)."""
    base = tmp_path / "data"
    for rel in ("pytorch-converted/test_Conv2d/model.onnx", "pytorch-converted/test_ReLU/model.onnx",
                "light/light_vgg19.onnx"):
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_bytes(b"")
    (base / "pytorch-converted" / "test_empty").mkdir()
    return base


def test_models_collections_and_overrides(tmp_path, onnx_data):
    path = _zoo(tmp_path, """
[defaults]
atol = 1e-4
[[model]]
name = "resnet-18"
source = "relay.testing"
workload = "resnet"
args = { num_layers = 18, image_shape = [3, 224, 224] }
repeat = 2
[[model]]
name = "bert"
source = "transformer"
model = "bert"
[[collection]]
prefix = "pt-"
source = "onnx-backend"
glob = "pytorch-converted/test_*"
exclude = ["pt-ReLU"]
intermediates = true
[[collection]]
prefix = "light-"
source = "onnx-backend"
glob = "light/light_*.onnx"
random_weights_seed = 7
[[override]]
match = "light-*"
rtol = 1e-3
skip = "too slow today"
""")
    models = load_zoo(path, onnx_data_dir=str(onnx_data))
    assert [m.name for m in models] == ["resnet-18", "bert", "pt-Conv2d", "light-vgg19"]
    resnet, bert, conv, vgg = models
    assert resnet.build == {"workload": "resnet", "args": {"num_layers": 18, "image_shape": [3, 224, 224]},
                            "opt_level": 3, "seed": 0, "intermediates": False, "repeat": 2}
    assert (resnet.rtol, resnet.atol, resnet.repeat, resnet.skip) == (DEFAULTS["rtol"], 1e-4, 2, None)
    assert bert.source == "transformer" and bert.build["model"] == "bert"
    assert conv.build == {"path": "pytorch-converted/test_Conv2d/model.onnx", "opt_level": 3, "seed": 0,
                          "intermediates": True, "repeat": 5}
    assert vgg.build["random_weights_seed"] == 7 and vgg.build["path"] == "light/light_vgg19.onnx"
    assert (vgg.rtol, vgg.atol, vgg.skip) == (1e-3, 1e-4, "too slow today")
    assert [m.name for m in select(models, ["*-vgg*", "bert"])] == ["bert", "light-vgg19"]
    assert select(models, []) == models


def test_cache_key_ignores_tolerances_but_not_build_options(tmp_path):
    def key(extra):
        text = '[[model]]\nname = "m"\nsource = "relay.testing"\nworkload = "mlp"\n' + extra
        return load_zoo(_zoo(tmp_path, text))[0].cache_key()

    assert key("") == key("rtol = 0.5\natol = 0.1\n")
    assert key("") != key("opt_level = 2\n")
    assert key("") != key("args = { batch_size = 2 }\n")


def test_the_shipped_zoo_is_valid():
    import onnx

    data = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data")  # same tree as the legacy env's
    models = load_zoo(os.path.join(ROOT, "nightly", "zoo.toml"), onnx_data_dir=data)
    by_source = {}
    for m in models:
        by_source.setdefault(m.source, []).append(m.name)
    assert by_source["transformer"] == ["bert", "gpt", "vit"]
    assert {"resnet-18", "resnet-50", "mobilenet", "inception_v3", "densenet-121", "squeezenet-1.0", "dcgan", "mlp",
            "dqn", "resnet3d-18", "lstm", "synthetic", "vgg-11-bn"} <= set(by_source["relay.testing"])
    onnx_names = by_source["onnx-backend"]
    assert {"onnx-pt-Conv2d", "onnx-op-add_broadcast", "onnx-light-vgg19", "onnx-light-resnet50"} <= set(onnx_names)
    assert len(onnx_names) > 100


@pytest.mark.parametrize("text, message", [
    ('[[model]]\nname = "a"\nsource = "relay.testing"\nworkload = "mlp"\nrtoll = 1\n',
     "zoo.toml: [[model]] #1 (a): unknown key 'rtoll'; allowed keys: args, atol, intermediates, name, opt_level, "
     "repeat, rtol, seed, skip, source, timeout_s, workload"),
    ('[[model]]\nsource = "relay.testing"\n', "zoo.toml: [[model]] #1: needs a 'name'"),
    ('[[model]]\nname = "a"\n', "zoo.toml: [[model]] #1 (a): needs a 'source' (one of relay.testing, onnx-backend, "
                                "transformer)"),
    ('[[model]]\nname = "a"\nsource = "keras"\n',
     "zoo.toml: [[model]] #1 (a): unknown source 'keras'; use one of relay.testing, onnx-backend, transformer"),
    ('[[model]]\nname = "a"\nsource = "relay.testing"\n', "zoo.toml: [[model]] #1 (a): source 'relay.testing' needs "
                                                          "the key 'workload'"),
    ('[[model]]\nname = "a"\nsource = "relay.testing"\nworkload = "alexnet"\n',
     "zoo.toml: [[model]] #1 (a): unknown relay.testing workload 'alexnet'; use one of dcgan, densenet, dqn, "
     "inception_v3, lstm, mlp, mobilenet, resnet, resnet_3d, squeezenet, synthetic, vgg"),
    ('[[model]]\nname = "a"\nsource = "transformer"\nmodel = "t5"\n',
     "zoo.toml: [[model]] #1 (a): unknown transformer 't5'; use one of bert, gpt, vit"),
    ('[[model]]\nname = "a"\nsource = "relay.testing"\nworkload = "mlp"\nrtol = "small"\n',
     "zoo.toml: [[model]] #1 (a): 'rtol' must be a number, not 'small'"),
    ('[[model]]\nname = "a"\nsource = "relay.testing"\nworkload = "mlp"\nrepeat = true\n',
     "zoo.toml: [[model]] #1 (a): 'repeat' must be an integer, not True"),
    ('[[model]]\nname = "a"\nsource = "relay.testing"\nworkload = "mlp"\n'
     '[[model]]\nname = "a"\nsource = "relay.testing"\nworkload = "dqn"\n',
     "zoo.toml: [[model]] #2 (a): model name 'a' is already used by [[model]] #1 (a)"),
    ('[defaults]\ntimeout = 3\n', "zoo.toml: [defaults]: unknown key 'timeout'; allowed keys: atol, intermediates, "
                                  "opt_level, repeat, rtol, seed, timeout_s"),
    ('[[model]]\nname = "a"\nsource = "relay.testing"\nworkload = "mlp"\n[[override]]\nmatch = "b*"\nrtol = 1\n',
     "zoo.toml: [[override]] #1: match 'b*' selects no model"),
    ('[[override]]\nrtol = 1\n', "zoo.toml: [[override]] #1: needs a 'match' pattern"),
    ('[defaults]\nrtol = 1e-3\n', "zoo.toml: defines no model (add [[model]] or [[collection]] tables)"),
    ('[model]\nname = "a"\n', "zoo.toml: 'model' must be an array of tables ([[model]])"),
    ('[[modles]]\nname = "a"\n', "zoo.toml: unknown key 'modles'; allowed keys: collection, defaults, model, "
                                 "override"),
    ('[[collection]]\nprefix = "x-"\nsource = "relay.testing"\nglob = "light/*"\n',
     "zoo.toml: [[collection]] #1: collections support only source 'onnx-backend', not 'relay.testing'"),
    ('[[model]]\nname = "a"\nsource = "onnx-backend"\npath = "light/../../x.onnx"\n',
     "zoo.toml: [[model]] #1 (a): 'path' must be relative to onnx/backend/test/data, got 'light/../../x.onnx'"),
    ('[[collection]]\nprefix = "x-"\nsource = "onnx-backend"\nglob = "../*"\n',
     "zoo.toml: [[collection]] #1: 'glob' must be relative to onnx/backend/test/data, got '../*'"),
])
def test_errors_name_file_table_and_key(tmp_path, onnx_data, text, message):
    path = _zoo(tmp_path, text)
    with pytest.raises(ZooSpecError) as info:
        load_zoo(path, onnx_data_dir=str(onnx_data))
    assert str(info.value) == str(path)[: -len("zoo.toml")] + message


def test_unreadable_files(tmp_path):
    with pytest.raises(ZooSpecError, match=re.escape(str(tmp_path / "nope.toml") + ": no such file")):
        load_zoo(tmp_path / "nope.toml")
    bad = _zoo(tmp_path, "[[model]\nname = 1\n")
    with pytest.raises(ZooSpecError, match=re.escape(str(bad)) + r": not valid TOML: "):
        load_zoo(bad)
