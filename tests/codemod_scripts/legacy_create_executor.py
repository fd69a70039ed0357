"""relay.create_executor("graph", ...).evaluate()(x, **params)."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay

out_path, models = sys.argv[1], sys.argv[2]
mod, params = relay.frontend.from_onnx(onnx.load(f"{models}/mlp.onnx"), {"input.1": (1, 8)})
dev = tvm.cpu(0)
x = np.random.default_rng(4).standard_normal((1, 8)).astype("float32")
with tvm.transform.PassContext(opt_level=3):
    result = relay.create_executor(
        "graph", mod=mod, device=dev, target="llvm -mtriple=x86_64-linux-gnu"
    ).evaluate()(tvm.nd.array(x), **params)
np.savez(out_path, probs=result.asnumpy())
