"""Rebuild the parity-check test bundles with a REAL legacy Relay (run with the legacy interpreter):

    /work/legacy/env/python tests/data/bundles/make_bundles.py

Each bundle is written by migrate/legacy/relay_export.py itself (imported from this checkout), so the
files are exactly what a user's legacy environment produces.
"""

import os
import sys

import numpy as np
import tvm
from tvm import relay

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "migrate", "legacy"))
import relay_export  # noqa: E402


def conv_block():
    """conv2d -> bias_add -> relu -> max_pool2d -> flatten -> dense -> softmax, weights as params."""
    data = relay.var("data", shape=(1, 3, 8, 8))
    w = relay.var("conv_weight", shape=(4, 3, 3, 3))
    b = relay.var("conv_bias", shape=(4,))
    fc = relay.var("fc_weight", shape=(5, 64))
    y = relay.nn.conv2d(data, w, padding=(1, 1), channels=4, kernel_size=(3, 3))
    y = relay.nn.relu(relay.nn.bias_add(y, b))
    y = relay.nn.max_pool2d(y, pool_size=(2, 2), strides=(2, 2))
    y = relay.nn.softmax(relay.nn.dense(relay.nn.batch_flatten(y), fc))
    rng = np.random.default_rng(1)
    params = {"conv_weight": rng.uniform(-0.5, 0.5, (4, 3, 3, 3)).astype("float32"),
              "conv_bias": rng.uniform(-0.1, 0.1, (4,)).astype("float32"),
              "fc_weight": rng.uniform(-0.5, 0.5, (5, 64)).astype("float32")}
    return tvm.IRModule.from_expr(relay.Function([data, w, b, fc], y)), params


def nested_tuple_out():
    """Several outputs as a nested tuple ((split0, split1 * 2), sigmoid(x)), with a let chain."""
    x = relay.var("x", shape=(2, 6))
    parts = relay.split(x, 2, axis=1)
    v = relay.var("halves")
    s = relay.var("s")
    body = relay.Let(v, parts.astuple(), relay.Let(s, relay.sigmoid(x), relay.Tuple([
        relay.Tuple([relay.TupleGetItem(v, 0), relay.TupleGetItem(v, 1) * relay.const(2.0)]), s])))
    return tvm.IRModule.from_expr(relay.Function([x], body)), {}


def tuple_and_shared_names():
    """A tuple-typed parameter and two parameters both named `x` (keys t.0, t.1, x#1, x#2)."""
    t = relay.var("t", type_annotation=relay.TupleType([relay.TensorType((3,), "float32"),
                                                        relay.TensorType((3,), "int32")]))
    x1 = relay.var("x", shape=(3,))
    x2 = relay.var("x", shape=(3,))
    y = relay.TupleGetItem(t, 0) + x1 * x2 + relay.cast(relay.TupleGetItem(t, 1), "float32")
    return tvm.IRModule.from_expr(relay.Function([t, x1, x2], relay.Tuple([y, relay.TupleGetItem(t, 1)]))), {}


def main():
    for name, make, kwargs in (
        ("conv_block", conv_block, {"intermediates": True}),
        ("nested_tuple_out", nested_tuple_out, {"intermediates": True}),
        ("tuple_and_shared_names", tuple_and_shared_names, {}),
    ):
        mod, params = make()
        meta = relay_export.export_bundle(mod, params, None, os.path.join(HERE, name), repeat=5, seed=0, **kwargs)
        print(name, meta["executor"], sorted(meta["inputs"]), len(meta["outputs"]),
              len(meta.get("intermediates", {}).get("arrays", {})), meta.get("intermediates_failure", ""))


if __name__ == "__main__":
    main()
