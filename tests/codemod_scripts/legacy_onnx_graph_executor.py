"""ONNX import -> relay.build under a PassContext -> graph executor, one named input."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.contrib import graph_executor

out_path, models = sys.argv[1], sys.argv[2]
model = onnx.load(f"{models}/mlp.onnx")
shape_dict = {"input.1": (1, 8)}
mod, params = relay.frontend.from_onnx(model, shape_dict)

target = "llvm -mtriple=x86_64-linux-gnu"
with tvm.transform.PassContext(opt_level=3):
    lib = relay.build(mod, target=target, params=params)

dev = tvm.cpu(0)
module = graph_executor.GraphModule(lib["default"](dev))
data = np.random.default_rng(0).standard_normal((1, 8)).astype("float32")
module.set_input("input.1", tvm.nd.array(data))
module.run()
probs = module.get_output(0).asnumpy()
np.savez(out_path, probs=probs)
