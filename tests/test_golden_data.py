"""golden/ holds complete, loadable bundles made by a real legacy Relay (checked under TVM 0.27).

These tests read the bundles with plain json/numpy and TVM 0.27's param loader only; they do not
use tvm-migrate's own readers, so they check the data, not the code that will consume it.
"""

import json
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "golden")
MANIFEST = os.path.join(GOLDEN, "manifest.json")
OPS_LIST = os.path.join(os.path.dirname(ROOT), "shared", "relay-ops-v0.19.txt")
BUNDLE_FILES = ("model.relay", "model.json", "model.params", "inputs.npz", "outputs.npz", "meta.json")
# Ops that only Relay's own lowering, memory planning or parser create: no user program holds them.
INTERNAL_PREFIXES = ("memory.", "vm.")
INTERNAL_OPS = {"call_lowered", "parser.MetaRef"}
MIN_COVERAGE = 0.85

pytestmark = pytest.mark.skipif(not os.path.exists(MANIFEST), reason="golden/manifest.json not generated")


@pytest.fixture(scope="module")
def manifest():
    with open(MANIFEST) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def bundles(manifest):
    return manifest["bundles"]


def _load_npz(path):
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _meta(bundle):
    with open(os.path.join(GOLDEN, bundle["path"], "meta.json")) as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------
# A minimal walk over Relay's save_json graph (independent of migrate/'s reader)
# ---------------------------------------------------------------------------------------------


class RelayJSONGraph:
    def __init__(self, text):
        doc = json.loads(text)
        self.nodes = doc["nodes"]
        self.root = doc["root"]

    def node(self, ref):
        return self.nodes[int(ref)]

    def attr(self, node, name):
        return self.node(node["attrs"][name])

    def string(self, node):
        return node.get("repr_str", "")

    def main_function(self):
        mod = self.node(self.root)
        assert mod["type_key"] == "IRModule", mod["type_key"]
        data = self.attr(mod, "functions")["data"]
        for gv_ref, fn_ref in zip(data[0::2], data[1::2]):
            gv = self.node(gv_ref)
            if self.string(self.attr(gv, "name_hint")) == "main":
                return self.node(fn_ref)
        raise AssertionError("no main in module")

    def params(self, fn):
        """[(name, type node)] of a relay.Function's parameters."""
        out = []
        for ref in self.attr(fn, "params").get("data", []):
            var = self.node(ref)
            name = self.string(self.attr(self.attr(var, "vid"), "name_hint"))
            ty_ref = var["attrs"].get("type_annotation", "0")
            if ty_ref == "0":
                ty_ref = var["attrs"].get("_checked_type_", "0")
            out.append((name, self.node(ty_ref)))
        return out

    def flat_tensor_types(self, ty, prefix):
        """[(key, shape, dtype)] of a parameter type; tuple fields become prefix.0, prefix.1 ..."""
        out = []
        stack = [(prefix, ty)]
        while stack:
            key, t = stack.pop()
            if t["type_key"] in ("TupleType", "relay.TupleType"):
                fields = self.attr(t, "fields").get("data", [])
                for i in reversed(range(len(fields))):
                    stack.append(("%s.%d" % (key, i), self.node(fields[i])))
            elif t["type_key"] in ("relay.TensorType", "TensorType"):
                dims = [self.node(d) for d in self.attr(t, "shape").get("data", [])]
                shape = tuple(int(d["attrs"]["value"]) if d["type_key"] == "IntImm" else None for d in dims)
                out.append((key, shape, t["attrs"]["dtype"]))
            else:
                raise AssertionError("parameter %s has unexpected type %s" % (prefix, t["type_key"]))
        return out


def expected_inputs(graph, params_names):
    """Bundle input keys (with shapes/dtypes) for main's parameters not bound by params."""
    params = graph.params(graph.main_function())
    counts = {}
    for name, _ in params:
        counts[name] = counts.get(name, 0) + 1
    keys = {}
    bound = {}
    for i, (name, ty) in enumerate(params):
        if name in params_names and counts[name] == 1:
            bound[name] = graph.flat_tensor_types(ty, name)[0]
            continue
        base = name if counts[name] == 1 else "%s#%d" % (name, i)
        for key, shape, dtype in graph.flat_tensor_types(ty, base):
            keys[key] = (shape, dtype)
    return keys, bound


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_manifest_lists_models_and_ops(manifest, bundles):
    kinds = {b["kind"] for b in bundles}
    assert kinds == {"model", "op"}
    assert manifest["relay"]["tvm_version"].startswith("0.1")
    ids = [b["id"] for b in bundles]
    assert len(ids) == len(set(ids))
    for required in ("mlp", "dqn", "dcgan", "synthetic", "lstm", "resnet", "mobilenet"):
        assert "models/" + required in ids
    # The LSTM uses ADTs/closures: the graph executor cannot run it, the Relay VM does.
    lstm = next(b for b in bundles if b["id"] == "models/lstm")
    assert lstm["executor"] == "vm"
    for skipped in manifest["skipped_ops"]:
        assert skipped["reason"].strip(), skipped


def test_every_bundle_is_complete_and_loads(bundles):
    problems = []
    for b in bundles:
        d = os.path.join(GOLDEN, b["path"])
        missing = [f for f in BUNDLE_FILES if not os.path.isfile(os.path.join(d, f))]
        if missing:
            problems.append("%s: missing %s" % (b["path"], missing))
            continue
        meta = _meta(b)
        for which in ("inputs", "outputs"):
            arrays = _load_npz(os.path.join(d, which + ".npz"))
            if sorted(arrays) != sorted(meta[which]):
                problems.append("%s: %s.npz keys %s != meta %s" % (b["path"], which, sorted(arrays), sorted(meta[which])))
                continue
            for key, arr in arrays.items():
                info = meta[which][key]
                stored = "uint16" if info["dtype"] == "bfloat16" else info["dtype"]
                if str(arr.dtype) != stored or list(arr.shape) != info["shape"]:
                    problems.append("%s: %s[%s] is %s%s, meta says %s%s" % (
                        b["path"], which, key, arr.dtype, list(arr.shape), info["dtype"], info["shape"]))
        outs = sorted(meta["outputs"], key=lambda k: int(k.split("_")[1]))
        if outs != ["output_%d" % i for i in range(len(outs))]:
            problems.append("%s: outputs not numbered output_0..n-1: %s" % (b["path"], outs))
        if meta["executor"] != b["executor"] or meta["opt_level"] != b["opt_level"]:
            problems.append("%s: manifest and meta.json disagree on executor/opt_level" % b["path"])
    assert not problems, "\n".join(problems[:50])


def test_bfloat16_arrays_restore_from_bit_patterns(bundles):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    seen = 0
    for b in bundles:
        meta = _meta(b)
        for which in ("inputs", "outputs"):
            bf = [k for k, info in meta[which].items() if info["dtype"] == "bfloat16"]
            if not bf:
                continue
            arrays = _load_npz(os.path.join(GOLDEN, b["path"], which + ".npz"))
            for k in bf:
                restored = arrays[k].view(ml_dtypes.bfloat16)
                assert restored.shape == arrays[k].shape
                assert np.all(np.isfinite(restored.astype("float32")))
                seen += 1
    assert seen >= 2  # cast float32->bfloat16 output and bfloat16->float32 input


def test_cast_to_bfloat16_matches_rounded_input(bundles):
    """The bfloat16 bits stored for a Relay cast are the float32 input rounded to bfloat16."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    b = next(b for b in bundles if b["id"] == "ops/cast/float32_to_bfloat16")
    d = os.path.join(GOLDEN, b["path"])
    x = _load_npz(os.path.join(d, "inputs.npz"))["x"]
    got = _load_npz(os.path.join(d, "outputs.npz"))["output_0"].view(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(got, x.astype(ml_dtypes.bfloat16))


def test_input_names_match_main_parameters(bundles):
    problems = []
    for b in bundles:
        d = os.path.join(GOLDEN, b["path"])
        with open(os.path.join(d, "model.json")) as f:
            graph = RelayJSONGraph(f.read())
        meta = _meta(b)
        keys, bound = expected_inputs(graph, set(meta["params"]))
        inputs = _load_npz(os.path.join(d, "inputs.npz"))
        if sorted(inputs) != sorted(keys):
            problems.append("%s: inputs.npz %s, main's free parameters %s" % (b["path"], sorted(inputs), sorted(keys)))
            continue
        if sorted(bound) != sorted(meta["params"]):
            problems.append("%s: bound params %s != meta params %s" % (b["path"], sorted(bound), sorted(meta["params"])))
        for k, (shape, dtype) in keys.items():
            arr = inputs[k]
            if None not in shape and tuple(arr.shape) != shape:
                problems.append("%s: input %s has shape %s, main says %s" % (b["path"], k, arr.shape, shape))
            if meta["inputs"][k]["dtype"] != dtype:
                problems.append("%s: input %s dtype %s, main says %s" % (b["path"], k, meta["inputs"][k]["dtype"], dtype))
    assert not problems, "\n".join(problems[:50])


def test_params_load_with_tvm_027(bundles):
    import tvm

    problems = []
    with_params = 0
    for b in bundles:
        d = os.path.join(GOLDEN, b["path"])
        with open(os.path.join(d, "model.params"), "rb") as f:
            loaded = tvm.runtime.load_param_dict(f.read())
        with open(os.path.join(d, "model.json")) as f:
            graph = RelayJSONGraph(f.read())
        meta = _meta(b)
        _, bound = expected_inputs(graph, set(meta["params"]))
        if sorted(loaded) != sorted(meta["params"]):
            problems.append("%s: params file has %s, meta says %s" % (b["path"], sorted(loaded), sorted(meta["params"])))
            continue
        for name, arr in loaded.items():
            shape = tuple(int(s) for s in arr.shape)
            if shape != tuple(meta["params"][name]["shape"]) or shape != bound[name][1]:
                problems.append("%s: param %s shape %s, meta %s, main %s" % (
                    b["path"], name, shape, meta["params"][name]["shape"], bound[name][1]))
            if str(arr.dtype) != meta["params"][name]["dtype"]:
                problems.append("%s: param %s dtype %s, meta %s" % (b["path"], name, arr.dtype,
                                                                    meta["params"][name]["dtype"]))
        with_params += bool(loaded)
    assert not problems, "\n".join(problems[:50])
    assert with_params >= 10


def test_onnx_models_agree_with_onnx_reference_outputs(bundles):
    checked = [b for b in bundles if b.get("reference_check")]
    assert len(checked) >= 50
    bad = ["%s: %s" % (b["id"], b["reference_check"]) for b in checked if not b["reference_check"]["ok"]]
    assert not bad, "\n".join(bad)


def test_outputs_match_numpy_for_simple_ops(bundles):
    """Spot-check that stored outputs are real Relay results (not placeholders)."""
    by_id = {b["id"]: b for b in bundles}

    def io(op_id):
        d = os.path.join(GOLDEN, by_id[op_id]["path"])
        return _load_npz(os.path.join(d, "inputs.npz")), _load_npz(os.path.join(d, "outputs.npz"))

    i, o = io("ops/add/broadcast")
    np.testing.assert_allclose(o["output_0"], i["x"] + i["y"], rtol=1e-6)
    i, o = io("ops/reshape/code_minus4")
    assert o["output_0"].shape == (1, 2, 3, 4)
    np.testing.assert_array_equal(o["output_0"].ravel(), i["x"].ravel())
    i, o = io("ops/sum/exclude")
    np.testing.assert_allclose(o["output_0"], i["x"].sum(axis=(0, 2)), rtol=1e-5)
    i, o = io("ops/take/axis1_wrap")
    np.testing.assert_array_equal(o["output_0"], np.take(i["x"], i["idx"], axis=1, mode="wrap"))
    i, o = io("ops/split/indices")
    parts = np.split(i["x"], [1, 4], axis=1)
    assert len(o) == 3
    for k, part in enumerate(parts):
        np.testing.assert_array_equal(o["output_%d" % k], part)


def test_op_coverage_of_relay_v019_op_list(manifest, bundles):
    with open(OPS_LIST) as f:
        ops = [ln.strip() for ln in f if ln.strip()]
    internal = [op for op in ops if op in INTERNAL_OPS or op.startswith(INTERNAL_PREFIXES)]
    candidates = [op for op in ops if op not in internal]
    have = set()
    for b in bundles:
        if b["kind"] == "op" and os.path.isfile(os.path.join(GOLDEN, b["path"], "outputs.npz")):
            have.add(b["name"])
            assert b["path"].startswith("ops/%s/" % b["name"]), b["path"]
            assert b["name"] in b["ops"], "%s: module does not contain its op" % b["id"]
    covered = [op for op in candidates if op in have]
    missing = [op for op in candidates if op not in have]
    ratio = len(covered) / len(candidates)
    print("golden op coverage: %d/%d non-internal Relay v0.19 ops = %.1f%% (%d internal excluded); missing: %s"
          % (len(covered), len(candidates), 100 * ratio, len(internal), ", ".join(missing)))
    assert ratio >= MIN_COVERAGE
    skipped = {s["op"] for s in manifest["skipped_ops"]}
    assert set(missing) <= skipped, "ops without bundles must be listed with a reason: %s" % (set(missing) - skipped)


# ---------------------------------------------------------------------------------------------
# relay_export.py itself, run by the legacy interpreter when this machine has one
# ---------------------------------------------------------------------------------------------

LEGACY_PYTHON = os.environ.get("TVM_MIGRATE_LEGACY_PYTHON", "/work/legacy/env/python")
EXPORTER = os.path.join(ROOT, "migrate", "legacy", "relay_export.py")
needs_legacy = pytest.mark.skipif(not os.path.exists(LEGACY_PYTHON), reason="no legacy Relay interpreter here")

_EXPORT_SCRIPT = r'''
import sys
sys.path.insert(0, sys.argv[1])
import relay_export as rx
import tvm
from tvm import relay
t = relay.var("t", relay.TupleType([relay.TensorType((2,), "float32"),
                                    relay.TupleType([relay.TensorType((3,), "int32")])]))
a0 = relay.var("a", shape=(2,))
a1 = relay.var("a", shape=(2,))
w = relay.var("w", shape=(2,))
body = relay.Tuple([relay.add(relay.TupleGetItem(t, 0), relay.multiply(a0, w)),
                    relay.Tuple([a1, relay.TupleGetItem(relay.TupleGetItem(t, 1), 0)])])
mod = tvm.IRModule.from_expr(relay.Function([t, a0, a1, w], body))
import numpy as np
meta = rx.export_bundle(mod, {"w": np.array([2.0, 3.0], "float32")}, {"t.1.0": np.array([7, 8, 9], "int32")},
                        sys.argv[2], seed=3)
print(meta["executor"])
'''


@needs_legacy
def test_relay_export_bundle_naming_and_atomic_failure(tmp_path):
    import subprocess

    out = tmp_path / "bundle"
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    res = subprocess.run([LEGACY_PYTHON, "-c", _EXPORT_SCRIPT, os.path.dirname(EXPORTER), str(out)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip().splitlines()[-1] == "vm"  # tuple parameter: graph executor cannot take it
    assert sorted(os.listdir(out)) == sorted(BUNDLE_FILES)
    inputs = _load_npz(out / "inputs.npz")
    assert sorted(inputs) == ["a#1", "a#2", "t.0", "t.1.0"]
    np.testing.assert_array_equal(inputs["t.1.0"], [7, 8, 9])
    outputs = _load_npz(out / "outputs.npz")
    assert sorted(outputs) == ["output_0", "output_1", "output_2"]
    np.testing.assert_allclose(outputs["output_0"], inputs["t.0"] + inputs["a#1"] * np.array([2.0, 3.0]), rtol=1e-6)
    np.testing.assert_array_equal(outputs["output_1"], inputs["a#2"])
    np.testing.assert_array_equal(outputs["output_2"], [7, 8, 9])
    with open(out / "model.json") as f:
        keys, bound = expected_inputs(RelayJSONGraph(f.read()), {"w"})
    assert sorted(keys) == sorted(inputs) and list(bound) == ["w"]

    # A model that cannot be exported (dynamic input shape, no --shape) fails with a clear message
    # and leaves the existing bundle untouched.
    before = {name: (out / name).read_bytes() for name in BUNDLE_FILES}
    text = tmp_path / "dyn.relay"
    text.write_text('#[version = "0.0.5"]\ndef @main(%x: Tensor[(?, 3), float32]) {\n  nn.relu(%x)\n}\n')
    res = subprocess.run([LEGACY_PYTHON, EXPORTER, str(text), "-o", str(out)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert res.returncode == 2
    assert "input 'x' has a dynamic shape" in res.stderr and "--shape x=" in res.stderr
    assert "Traceback" not in res.stderr
    assert {name: (out / name).read_bytes() for name in BUNDLE_FILES} == before
    assert sorted(os.listdir(tmp_path)) == ["bundle", "dyn.relay"]  # no temp dirs left behind
