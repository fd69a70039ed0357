"""Build one zoo model's parity bundle with the LEGACY TVM (run it with /work/legacy/env/python).

    python nightly/legacy_build.py BUILD_SPEC.json OUT_DIR
    python nightly/legacy_build.py --serve        (one JSON request per line: see nightly/workers.py)

BUILD_SPEC.json is written by nightly/run.py; its "source" picks how the Relay module is made:

    relay.testing  {"workload": "resnet", "args": {...}}   tvm.relay.testing.<workload>.get_workload(**args)
    onnx-backend   {"path": "light/light_vgg19.onnx", "random_weights_seed": 7}
                   a model under the onnx package's backend/test/data; its test_data_set_0 inputs are used
                   when present; `random_weights_seed` replaces ConstantOfShape weight fillers (the `light`
                   zoo) with seeded random weights (tools/golden_models.py does the replacing)
    onnx-file      {"path": "/abs/model.onnx", "inputs": "/abs/inputs.npz"}

Writes OUT_DIR/bundle/ (migrate/legacy/relay_export.py's layout) and OUT_DIR/build.json:
{"ok", "error", "relay_ops": {op: count}, "build_s", "executor", "note"}. Exit 0 iff the bundle was written.
Imports only the legacy tvm, numpy, onnx and this repository's relay_export.py / tools/golden_models.py.
"""

import json
import os
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "migrate", "legacy"))  # relay_export.py, without the migrate package
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, ROOT)  # nightly.workers (standard library only)

import numpy as np  # noqa: E402
import relay_export  # noqa: E402
import tvm  # noqa: E402
from tvm import relay  # noqa: E402


def onnx_data_dir():
    import onnx

    return os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data")


def _tuple_args(value):
    """TOML arrays arrive as lists; relay.testing wants shapes as tuples."""
    if isinstance(value, list):
        return tuple(_tuple_args(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuple_args(v) for k, v in value.items()}
    return value


def build_relay_testing(spec):
    import importlib

    import tvm.relay.testing  # noqa: F401  (registers the submodules)

    module = importlib.import_module("tvm.relay.testing." + spec["workload"])
    mod, params = module.get_workload(**_tuple_args(spec.get("args", {})))
    return mod, dict(params), None, None


def _read_pb(path):
    import onnx
    from onnx import numpy_helper

    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def build_onnx_backend(spec):
    import onnx
    from golden_models import _replace_constant_of_shape, relay_from_onnx

    path = os.path.join(onnx_data_dir(), spec["path"])
    model = onnx.load(path)
    note = None
    freeze = True
    if spec.get("random_weights_seed") is not None:
        seed = int(spec["random_weights_seed"])
        model = _replace_constant_of_shape(model, seed=seed)
        freeze = False
        note = "ConstantOfShape weight fillers replaced by seeded random weights (seed %d)" % seed
    init_names = set(i.name for i in model.graph.initializer)
    graph_inputs = [i for i in model.graph.input if i.name not in init_names]
    data_dir = os.path.join(os.path.dirname(path), "test_data_set_0")
    arrays = None
    if os.path.isdir(data_dir):
        arrays = [_read_pb(os.path.join(data_dir, "input_%d.pb" % k)) for k in range(len(graph_inputs))]
    mod, params, inputs = relay_from_onnx(model, graph_inputs, arrays, freeze)
    return mod, dict(params), inputs, note


def build_onnx_file(spec):
    import onnx

    model = onnx.load(spec["path"])
    inputs = None
    if spec.get("inputs"):
        with np.load(spec["inputs"], allow_pickle=False) as z:
            inputs = {k: z[k] for k in z.files}
    shapes = {k: v.shape for k, v in (inputs or {}).items()}
    mod, params = relay.frontend.from_onnx(model, shape=shapes or None, freeze_params=True)
    return mod, dict(params), inputs, None


BUILDERS = {"relay.testing": build_relay_testing, "onnx-backend": build_onnx_backend, "onnx-file": build_onnx_file}


def relay_op_counts(mod):
    counts = {}

    def visit(node):
        if isinstance(node, relay.Call) and isinstance(node.op, tvm.ir.Op):
            counts[node.op.name] = counts.get(node.op.name, 0) + 1

    for gv in mod.get_global_vars():
        func = mod[gv]
        if isinstance(func, relay.Function):
            relay.analysis.post_order_visit(func, visit)
    return dict(sorted(counts.items()))


def _first_error_line(exc):
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines:  # TVM errors carry a long C++ backtrace before the message
        if "Error" in ln or "error" in ln or "Check failed" in ln:
            return ("%s: %s" % (type(exc).__name__, ln))[:500]
    return ("%s: %s" % (type(exc).__name__, lines[-1] if lines else ""))[:500]


def _write_json(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def build(spec, out_dir):
    """Build the bundle for `spec` into out_dir/bundle and write out_dir/build.json; returns its content."""
    os.makedirs(out_dir, exist_ok=True)
    result = {"ok": False, "error": None, "relay_ops": {}, "note": None, "stage": "import"}
    start = time.time()
    try:
        mod, params, inputs, note = BUILDERS[spec["source"]](spec)
        result["note"] = note
        mod = relay.transform.InferType()(mod)
        used = set(p.name_hint for p in mod["main"].params)
        params = {k: v for k, v in params.items() if k in used}  # from_onnx also returns unused initializers
        result["relay_ops"] = relay_op_counts(mod)
        result["stage"] = "relay build and run"
        meta = relay_export.export_bundle(
            mod, params, inputs, os.path.join(out_dir, "bundle"), opt_level=int(spec.get("opt_level", 3)),
            repeat=int(spec.get("repeat", 5)), seed=int(spec.get("seed", 0)),
            intermediates=bool(spec.get("intermediates", False)),
            extra_meta={"zoo_source": spec["source"]},
        )
        result["executor"] = meta.get("executor")
        result["relay_latency_ms"] = meta.get("latency_ms")
        result["ok"] = True
        result["stage"] = "done"
    except Exception as exc:  # reported per model by nightly/run.py, never a crash of the zoo
        result["error"] = _first_error_line(exc)
        result["traceback"] = traceback.format_exc()[-4000:]
    result["build_s"] = round(time.time() - start, 3)
    _write_json(os.path.join(out_dir, "build.json"), result)
    return result


def main(argv):
    if argv == ["--serve"]:  # requests {"spec": {...}, "out_dir": "..."}, one JSON line each
        from nightly.workers import serve

        return serve(lambda req: build(req["spec"], req["out_dir"]))
    if len(argv) != 2:
        sys.stderr.write("usage: legacy_build.py BUILD_SPEC.json OUT_DIR  |  legacy_build.py --serve\n")
        return 2
    with open(argv[0]) as f:
        spec = json.load(f)
    return 0 if build(spec, argv[1])["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
