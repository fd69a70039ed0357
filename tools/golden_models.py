"""Whole-model cases for golden/models/ (run under the LEGACY TVM only).

Two sources: small configurations of the relay.testing model zoo, and the ONNX models that ship
inside the onnx package's backend test data (pytorch-converted, pytorch-operator, and a few
`light_*` models whose ConstantOfShape weight fillers get seeded random weights).
"""

import glob
import os

import numpy as np

# `light_*` models to include. The others hold 1.4M-144M weights (shufflenet 5.7 MB, alexnet 244 MB):
# too big for golden/'s ~25 MB budget.
LIGHT_MODELS = ("light_squeezenet",)
# ONNX test models whose test_data_set_0 is bigger than this are left out (recorded in EXCLUDED).
MAX_TEST_DATA_BYTES = 1 << 20
EXCLUDED = {}


def _onnx_data_dir():
    import onnx

    return os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data")


# ---------------------------------------------------------------------------------------------
# relay.testing
# ---------------------------------------------------------------------------------------------


def _zoo():
    import tvm.relay.testing  # noqa: F401  (registers the submodules)
    from tvm.relay.testing import dcgan, dqn, init, lstm, mlp, mobilenet, resnet, resnet_3d, synthetic

    def _mlp():
        return mlp.get_workload(batch_size=1, num_classes=10, image_shape=(1, 28, 28))

    def _dqn():
        return dqn.get_workload(batch_size=1, num_actions=4, image_shape=(4, 36, 36))

    def _dcgan():
        return dcgan.get_workload(batch_size=1, oshape=(3, 64, 64), ngf=8, random_len=16)

    def _synthetic():
        return synthetic.get_workload(input_shape=(1, 3, 24, 12))

    def _lstm():
        return lstm.get_workload(iterations=4, num_hidden=8, batch_size=1)

    def _mobilenet():
        net = mobilenet.mobile_net(num_classes=10, data_shape=(1, 3, 32, 32), alpha=0.25)
        return init.create_workload(net)

    def _resnet():
        net = resnet.resnet(units=[2, 2, 2, 2], num_stages=4, filter_list=[8, 8, 16, 32, 64], num_classes=10,
                            data_shape=(1, 3, 32, 32), bottle_neck=False)
        return init.create_workload(net)

    def _resnet_nhwc():
        net = resnet.resnet(units=[1, 1, 1, 1], num_stages=4, filter_list=[8, 8, 16, 16, 32], num_classes=10,
                            data_shape=(1, 32, 32, 3), bottle_neck=False, layout="NHWC")
        return init.create_workload(net)

    def _resnet_3d():
        net = resnet_3d.resnet(units=[1, 1, 1, 1], num_stages=4, filter_list=[4, 4, 8, 8, 16], num_classes=5,
                               data_shape=(1, 3, 4, 16, 16), bottle_neck=False)
        return init.create_workload(net)

    return {
        "mlp": (_mlp, "relay.testing.mlp.get_workload(batch_size=1, num_classes=10, image_shape=(1, 28, 28))"),
        "dqn": (_dqn, "relay.testing.dqn.get_workload(batch_size=1, num_actions=4, image_shape=(4, 36, 36))"),
        "dcgan": (_dcgan, "relay.testing.dcgan.get_workload(batch_size=1, oshape=(3, 64, 64), ngf=8, random_len=16)"),
        "synthetic": (_synthetic, "relay.testing.synthetic.get_workload(input_shape=(1, 3, 24, 12))"),
        "lstm": (_lstm, "relay.testing.lstm.get_workload(iterations=4, num_hidden=8, batch_size=1)"),
        "mobilenet": (_mobilenet, "relay.testing.mobilenet.mobile_net(num_classes=10, data_shape=(1, 3, 32, 32), "
                                  "alpha=0.25) + relay.testing.init.create_workload"),
        "resnet": (_resnet, "relay.testing.resnet.resnet(units=[2, 2, 2, 2], num_stages=4, filter_list=[8, 8, 16, 32, "
                            "64], num_classes=10, data_shape=(1, 3, 32, 32), bottle_neck=False) + create_workload"),
        "resnet_nhwc": (_resnet_nhwc, "relay.testing.resnet.resnet(units=[1, 1, 1, 1], num_stages=4, filter_list=[8, "
                                      "8, 16, 16, 32], num_classes=10, data_shape=(1, 32, 32, 3), bottle_neck=False, "
                                      "layout='NHWC') + create_workload"),
        "resnet_3d": (_resnet_3d, "relay.testing.resnet_3d.resnet(units=[1, 1, 1, 1], num_stages=4, filter_list=[4, 4, "
                                  "8, 8, 16], num_classes=5, data_shape=(1, 3, 4, 16, 16), bottle_neck=False) + "
                                  "create_workload"),
    }


ZOO_NAMES = ("mlp", "dqn", "dcgan", "synthetic", "lstm", "mobilenet", "resnet", "resnet_nhwc", "resnet_3d")


# ---------------------------------------------------------------------------------------------
# ONNX test models
# ---------------------------------------------------------------------------------------------


def _onnx_entries():
    """{bundle name: (model path, test_data_set_0 dir or None)}"""
    base = _onnx_data_dir()
    out = {}
    for sub in ("pytorch-converted", "pytorch-operator"):
        for d in sorted(glob.glob(os.path.join(base, sub, "test_*"))):
            name = "onnx_" + os.path.basename(d)[len("test_"):]
            ds = os.path.join(d, "test_data_set_0")
            size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(ds, "*.pb")))
            if size > MAX_TEST_DATA_BYTES:
                EXCLUDED[name] = "excluded: its test data is %.1f MB (budget %.1f MB per model)" % (
                    size / 1e6, MAX_TEST_DATA_BYTES / 1e6)
                continue
            out[name] = (os.path.join(d, "model.onnx"), ds if os.path.isdir(ds) else None)
    for light in LIGHT_MODELS:
        out["onnx_" + light[len("light_"):]] = (os.path.join(base, "light", light + ".onnx"), None)
    for path in sorted(glob.glob(os.path.join(base, "light", "light_*.onnx"))):
        light = os.path.basename(path)[:-len(".onnx")]
        if light not in LIGHT_MODELS:
            EXCLUDED["onnx_" + light[len("light_"):]] = "excluded: too many weights for golden/'s size budget"
    return out


def excluded_models():
    _onnx_entries()
    return dict(EXCLUDED)


def model_names():
    return list(ZOO_NAMES) + sorted(_onnx_entries())


def _replace_constant_of_shape(model, seed):
    """Replace ConstantOfShape weight fillers with seeded random initializers of that shape.

    Scales follow the consumer: conv/gemm weights He-uniform, BatchNormalization variance and scale
    in [0.5, 1.5), anything else (biases, means) in [-0.1, 0.1).
    """
    from onnx import numpy_helper

    rng = np.random.default_rng(seed)
    inits = {i.name: i for i in model.graph.initializer}
    role = {}
    for node in model.graph.node:
        for idx, name in enumerate(node.input):
            role.setdefault(name, (node.op_type, idx))
    keep_nodes = []
    used_shape_inits = set()
    new_inits = []
    for node in model.graph.node:
        if node.op_type != "ConstantOfShape":
            keep_nodes.append(node)
            continue
        shape = tuple(int(d) for d in numpy_helper.to_array(inits[node.input[0]]))
        used_shape_inits.add(node.input[0])
        out_name = node.output[0]
        op_type, idx = role.get(out_name, ("", -1))
        if len(shape) >= 2:
            fan_in = int(np.prod(shape[1:]))
            bound = float(np.sqrt(3.0 / max(1, fan_in)))
            arr = rng.uniform(-bound, bound, size=shape)
        elif op_type == "BatchNormalization" and idx in (1, 4):
            arr = rng.uniform(0.5, 1.5, size=shape)
        else:
            arr = rng.uniform(-0.1, 0.1, size=shape)
        new_inits.append(numpy_helper.from_array(arr.astype("float32"), out_name))
    del model.graph.node[:]
    model.graph.node.extend(keep_nodes)
    still_used = set(n for node in keep_nodes for n in node.input)
    kept_inits = [i for i in model.graph.initializer if i.name not in used_shape_inits or i.name in still_used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept_inits + new_inits)
    dropped = used_shape_inits - still_used
    kept_inputs = [i for i in model.graph.input if i.name not in dropped]
    del model.graph.input[:]
    model.graph.input.extend(kept_inputs)
    return model


def relay_from_onnx(model, graph_inputs, arrays, freeze):
    """Import an ONNX model into Relay with its test inputs' shapes (or its declared ones, `?` as 1); returns
    (mod, params, inputs by Relay parameter name, or None without test inputs)."""
    from tvm import relay

    shapes = {}
    for k, gi in enumerate(graph_inputs):
        if arrays is not None:
            shapes[gi.name] = arrays[k].shape
        else:
            shapes[gi.name] = tuple(d.dim_value if d.dim_value > 0 else 1 for d in gi.type.tensor_type.shape.dim)
    mod, params = relay.frontend.from_onnx(model, shape=shapes, freeze_params=freeze)
    inputs = None
    if arrays is not None:
        names = [p.name_hint for p in mod["main"].params if p.name_hint not in params]
        by_name = {gi.name: arrays[k] for k, gi in enumerate(graph_inputs)}
        if set(names) == set(by_name):
            inputs = {n: by_name[n] for n in names}
        elif len(names) == len(arrays):
            inputs = dict(zip(names, arrays))
        else:
            raise RuntimeError("ONNX inputs %s do not match Relay parameters %s" % (sorted(by_name), names))
    return mod, params, inputs


def _load_onnx_case(name):
    import onnx
    from onnx import numpy_helper

    path, data_dir = _onnx_entries()[name]
    model = onnx.load(path)
    note = None
    freeze = True
    if os.path.basename(path).startswith("light_"):
        model = _replace_constant_of_shape(model, seed=7)
        freeze = False
        note = ("ConstantOfShape weight fillers replaced by seeded random weights (seed 7); imported with "
                "freeze_params=False so the weights are stored once, in model.params")
    init_names = set(i.name for i in model.graph.initializer)
    graph_inputs = [i for i in model.graph.input if i.name not in init_names]
    arrays = None
    expected = None
    if data_dir:
        arrays = []
        for k in range(len(graph_inputs)):
            t = onnx.TensorProto()
            with open(os.path.join(data_dir, "input_%d.pb" % k), "rb") as f:
                t.ParseFromString(f.read())
            arrays.append(numpy_helper.to_array(t))
        expected = []
        for p in sorted(glob.glob(os.path.join(data_dir, "output_*.pb")),
                        key=lambda s: int(os.path.basename(s)[7:-3])):
            t = onnx.TensorProto()
            with open(p, "rb") as f:
                t.ParseFromString(f.read())
            expected.append(numpy_helper.to_array(t))
    mod, params, inputs = relay_from_onnx(model, graph_inputs, arrays, freeze)
    rel = os.path.relpath(path, os.path.dirname(_onnx_data_dir()))
    return {"mod": mod, "params": dict(params), "inputs": inputs, "expected_outputs": expected,
            "source": "onnx package %s: %s" % (onnx.__version__, rel), "note": note}


def build_model(name):
    if name in ZOO_NAMES:
        fn, source = _zoo()[name]
        mod, params = fn()
        return {"mod": mod, "params": dict(params), "source": source}
    return _load_onnx_case(name)


def compare_outputs(bundle_dir, expected):
    """Max abs error of the bundle's outputs against reference arrays (ONNX test data)."""
    with np.load(os.path.join(bundle_dir, "outputs.npz"), allow_pickle=False) as z:
        got = [z["output_%d" % i] for i in range(len(z.files))]
    if len(got) != len(expected):
        return {"ok": False, "detail": "%d outputs, reference has %d" % (len(got), len(expected))}
    worst = 0.0
    nan_mismatch = False
    for g, e in zip(got, expected):
        if g.shape != e.shape:
            return {"ok": False, "detail": "shape %s vs reference %s" % (list(g.shape), list(e.shape))}
        g64, e64 = g.astype("float64"), e.astype("float64")
        gn, en = np.isnan(g64), np.isnan(e64)
        if np.any(gn != en):
            nan_mismatch = True
        both = ~(gn | en)
        if np.any(both):
            worst = max(worst, float(np.max(np.abs(g64[both] - e64[both]))))
    finite = [np.abs(e[np.isfinite(e)]) for e in expected]
    scale = max([float(np.max(f)) for f in finite if f.size] + [1.0])
    result = {"ok": bool(worst <= 1e-4 * scale + 1e-5 and not nan_mismatch), "max_abs_err": worst}
    if nan_mismatch:
        result["detail"] = "NaN positions differ from the reference"
    return result
