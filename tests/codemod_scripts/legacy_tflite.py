"""TFLite import (the from_tflite tutorial's flow): build with params, graph executor by input name.

requires: tflite
"""
import sys

import numpy as np
import tvm
from tvm import relay, transform
from tvm.contrib import graph_executor

out_path, models = sys.argv[1], sys.argv[2]
with open(f"{models}/mlp.tflite", "rb") as f:
    tflite_model_buf = f.read()
try:
    import tflite

    tflite_model = tflite.Model.GetRootAsModel(tflite_model_buf, 0)
except AttributeError:
    import tflite.Model

    tflite_model = tflite.Model.Model.GetRootAsModel(tflite_model_buf, 0)

input_tensor = "input"
input_shape = (1, 8)
input_dtype = "float32"
mod, params = relay.frontend.from_tflite(
    tflite_model, shape_dict={input_tensor: input_shape}, dtype_dict={input_tensor: input_dtype}
)
target = "llvm -mtriple=x86_64-linux-gnu"
with transform.PassContext(opt_level=3):
    lib = relay.build(mod, target, params=params)

module = graph_executor.GraphModule(lib["default"](tvm.cpu()))
data = np.random.default_rng(11).standard_normal(input_shape).astype(input_dtype)
module.set_input(input_tensor, tvm.nd.array(data))
module.run()
tvm_output = module.get_output(0).numpy()
np.savez(out_path, output=tvm_output, top1=np.array(np.argmax(tvm_output)))
