"""Make bench/data/resnet50_onnx.{relay,json}: the ONNX ResNet-50 imported into real (legacy) Relay.

    /work/legacy/env/python tools/make_bench_data.py

The model is onnx's own ``light_resnet50.onnx`` (shipped inside the onnx package, backend test data).
It fills its weights with ``ConstantOfShape``; `resnet50_onnx_model` replaces them by seeded random
tensors of the right shapes, giving a full ~100 MB ResNet-50. That model is imported with
``relay.frontend.from_onnx(freeze_params=False)``, so the weights stay parameters of ``main``, and
saved as Relay text and ``tvm.ir.save_json`` JSON without weights (small files). The bench builds the
same ONNX model again at run time (`resnet50_onnx_model` with the same seed) and takes the weights
for ``from_relay`` from its initializers, by name.

`resnet50_onnx_model` needs only ``onnx`` and ``numpy``: bench/convert_speed.py imports it from here.
"""

from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "bench", "data")
SEED = 20261125


def light_resnet50_path() -> str:
    import onnx

    path = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light", "light_resnet50.onnx")
    if not os.path.exists(path):
        raise SystemExit(f"{path}: not found; this onnx package ({onnx.__version__}) lacks the light models")
    return path


def resnet50_onnx_model(seed: int = SEED):
    """The light ResNet-50 with its ConstantOfShape fillers replaced by seeded random weights."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(light_resnet50_path())
    graph = model.graph
    rng = np.random.default_rng(seed)
    shapes = {init.name: numpy_helper.to_array(init) for init in graph.initializer if init.name.endswith("__SHAPE")}
    fillers = [n for n in graph.node if n.op_type == "ConstantOfShape"]
    weights = []
    for node in fillers:
        name = node.output[0]
        shape = tuple(int(d) for d in shapes[node.input[0]])
        if name.endswith(("_riv_0", "_s_0")):  # BN running variance and scale: positive, near 1
            value = rng.uniform(0.5, 1.5, shape)
        elif name.endswith(("_rm_0", "_b_0")):  # BN running mean, biases
            value = rng.normal(0.0, 0.1, shape)
        else:  # conv / fc weights, He-scaled
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            value = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        weights.append(numpy_helper.from_array(value.astype(np.float32), name))
    keep_nodes = [n for n in graph.node if n.op_type != "ConstantOfShape"]
    del graph.node[:]
    graph.node.extend(keep_nodes)
    kept_inits = [i for i in graph.initializer if not i.name.endswith("__SHAPE")]
    del graph.initializer[:]
    graph.initializer.extend(kept_inits + weights)
    init_names = {i.name for i in graph.initializer}
    real_inputs = [i for i in graph.input if i.name not in init_names and not i.name.endswith("__SHAPE")]
    del graph.input[:]
    graph.input.extend(real_inputs)  # IR version >= 4: initializers need not be listed as inputs
    model.ir_version = max(model.ir_version, 4)
    onnx.checker.check_model(model)
    return model


def main() -> int:
    import tvm
    from tvm import relay

    model = resnet50_onnx_model()
    shape = {"gpu_0/data_0": (1, 3, 224, 224)}
    mod, params = relay.frontend.from_onnx(model, shape, freeze_params=False)
    mod = relay.transform.InferType()(mod)
    os.makedirs(DATA, exist_ok=True)
    text = mod.astext(show_meta_data=True)
    with open(os.path.join(DATA, "resnet50_onnx.relay"), "w") as f:
        f.write(text)
    with open(os.path.join(DATA, "resnet50_onnx.json"), "w") as f:
        f.write(tvm.ir.save_json(mod))
    for ext in ("relay", "json"):
        size = os.path.getsize(os.path.join(DATA, f"resnet50_onnx.{ext}"))
        print(f"bench/data/resnet50_onnx.{ext}: {size / 1e6:.2f} MB")
        if size >= 1_000_000:
            print("  too large for the repo (keep it under 1 MB)", file=sys.stderr)
            return 1
    print(f"main has {len(mod['main'].params)} parameters; {len(params)} weights (not saved)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
