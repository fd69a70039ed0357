"""A notebook-like script: imports inside a function, repeated predictions, softmax check."""
import sys

import numpy as np


def predict(batch, models):
    import onnx
    import tvm
    import tvm.relay as relay
    from tvm.contrib import graph_executor as runtime

    model = onnx.load(models + "/mlp.onnx")
    irmod, weights = relay.frontend.from_onnx(model, {"input.1": (1, 8)})
    with tvm.transform.PassContext(opt_level=3):
        factory = relay.build(irmod, tvm.target.Target("llvm -mtriple=x86_64-linux-gnu"), params=weights)
    rt_mod = runtime.GraphModule(factory["default"](tvm.cpu(0)))
    results = []
    for row in batch:
        rt_mod.set_input("input.1", row[None, :])
        rt_mod.run()
        results.append(rt_mod.get_output(0).asnumpy()[0])
    return np.stack(results)


if __name__ == "__main__":
    batch = np.random.default_rng(7).standard_normal((4, 8)).astype("float32")
    probs = predict(batch, sys.argv[2])
    np.savez(sys.argv[1], probs=probs, row_sums=probs.sum(axis=1))
