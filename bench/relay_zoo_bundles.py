"""Write parity bundles of full-size relay.testing models (run under the LEGACY TVM only).

    /work/legacy/env/python bench/relay_zoo_bundles.py resnet50 -o bench/.cache/resnet50
    /work/legacy/env/python bench/relay_zoo_bundles.py mobilenet -o DIR \
        --target "llvm -mtriple=x86_64-linux-gnu -mcpu=znver3"

Each bundle is made by `migrate/legacy/relay_export.py`'s `export_bundle` (graph executor,
opt_level=3), so meta.json records Relay's latency on this machine. bench/cpu_latency.py calls this
script on demand and caches the bundles under bench/.cache/.
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "migrate", "legacy"))

import relay_export  # noqa: E402  (the bundle writer, next to the legacy TVM)

WORKLOADS = {
    "resnet50": "relay.testing.resnet.get_workload(num_layers=50, batch_size=1, image_shape=(3, 224, 224)), "
                "weights from informative_params(seed=0)",
    "mobilenet": "relay.testing.mobilenet.get_workload(batch_size=1, image_shape=(3, 224, 224)), "
                 "weights from informative_params(seed=0)",
}


def workload(name):
    """(mod, params) of a relay.testing model named in WORKLOADS, with `informative_params` weights."""
    import tvm.relay.testing  # noqa: F401  (registers the submodules)
    from tvm.relay.testing import mobilenet, resnet

    if name == "resnet50":
        mod, params = resnet.get_workload(num_layers=50, batch_size=1, image_shape=(3, 224, 224))
    elif name == "mobilenet":
        mod, params = mobilenet.get_workload(batch_size=1, image_shape=(3, 224, 224))
    else:
        raise relay_export.ExportError("unknown workload %r; choose one of %s" % (name, sorted(WORKLOADS)))
    params = informative_params(params, seed=0)
    return mod, scale_classifier(mod, params, target=relay_export.DEFAULT_TARGET)


def scale_classifier(mod, params, target, logit_std=2.0):
    """Scale the last dense layer (weight and bias) so that the logits before softmax have std `logit_std`.

    With random weights, ResNet-50's logits are large enough to make its softmax exactly one-hot
    (outputs 0.0 and 1.0 only), which again makes the parity check trivial.
    """
    import tvm
    from tvm import relay

    body = mod["main"].body
    if not (isinstance(body, relay.Call) and getattr(body.op, "name", "") == "nn.softmax"):
        return params
    logits_fn = relay.Function(mod["main"].params, body.args[0])
    inputs = {p.name_hint: np.random.default_rng(0).uniform(-1, 1, [int(d) for d in p.checked_type.shape])
              .astype("float32") for p in mod["main"].params if p.name_hint not in params}
    with tvm.transform.PassContext(opt_level=3):
        run = relay.create_executor("graph", mod=tvm.IRModule.from_expr(logits_fn), target=target).evaluate()
    logits = run(**inputs, **params).numpy()
    factor = logit_std / max(float(logits.std()), 1e-30)
    out = dict(params)
    for key in params:
        if key.startswith("fc") and key.endswith(("_weight", "_bias")):
            out[key] = (params[key] * factor).astype(params[key].dtype)
    return out


def informative_params(params, seed):
    """Seeded weights whose outputs are worth comparing.

    relay.testing's initializer (Xavier weights, BatchNorm gamma=1, beta=mean=0, var=1, zero
    biases) makes the 224x224 MobileNet's softmax exactly uniform (every output 0.001), so a parity
    check on it could not fail. Here: conv/dense weights He-uniform, BatchNorm gamma and variance in
    [0.5, 1.5), beta, mean and biases in [-0.1, 0.1), so activations neither vanish nor saturate.
    """
    rng = np.random.default_rng(seed)
    out = {}
    for key in sorted(params):
        shape = tuple(int(d) for d in params[key].shape)
        if key.endswith(("_gamma", "_var")):
            value = rng.uniform(0.5, 1.5, shape)
        elif len(shape) >= 2:
            fan_in = int(np.prod(shape[1:]))
            bound = np.sqrt(6.0 / fan_in)
            value = rng.uniform(-bound, bound, shape)
        else:
            value = rng.uniform(-0.1, 0.1, shape)
        out[key] = value.astype(str(params[key].dtype))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model", choices=sorted(WORKLOADS))
    ap.add_argument("-o", "--out", required=True, help="bundle directory to write")
    ap.add_argument("--target", default=relay_export.DEFAULT_TARGET)
    ap.add_argument("--repeat", type=int, default=10, help="timed runs; meta.json records their median")
    args = ap.parse_args(argv)
    mod, params = workload(args.model)
    meta = relay_export.export_bundle(
        mod, params, None, args.out, target=args.target, opt_level=3, repeat=args.repeat, seed=0,
        executor="graph", extra_meta={"model": {"name": args.model, "source": WORKLOADS[args.model]}},
    )
    sys.stdout.write("wrote %s (%.3f ms)\n" % (args.out, meta["latency_ms"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
