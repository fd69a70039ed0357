"""Build, export_library into a tempdir, load_module, run the loaded library."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.contrib import graph_executor, utils

out_path, models = sys.argv[1], sys.argv[2]
mod, params = relay.frontend.from_onnx(onnx.load(f"{models}/conv.onnx"), {"0": (1, 3, 8, 8)})
target = tvm.target.Target("llvm -mtriple=x86_64-linux-gnu")
with tvm.transform.PassContext(opt_level=3):
    lib = relay.build(mod, target=target, params=params)

temp = utils.tempdir()
lib_path = temp.relpath("deploy.so")
lib.export_library(lib_path)

loaded = tvm.runtime.load_module(lib_path)
dev = tvm.cpu(0)
gmod = graph_executor.GraphModule(loaded["default"](dev))
image = np.random.default_rng(3).standard_normal((1, 3, 8, 8)).astype("float32")
gmod.set_input("0", image)
gmod.run()
np.savez(out_path, logits=gmod.get_output(0).asnumpy())
