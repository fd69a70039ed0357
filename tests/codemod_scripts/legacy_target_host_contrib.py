"""Target object with host, contrib.utils/cc/tar helpers, nd on a device."""
import os
import sys

import numpy as np
import onnx
import tvm
import tvm.contrib.utils
from tvm import relay
from tvm.contrib import cc, graph_executor, tar

out_path, models = sys.argv[1], sys.argv[2]
target = tvm.target.Target("llvm -mtriple=x86_64-linux-gnu", host="llvm -mtriple=x86_64-linux-gnu")
mod, params = relay.frontend.from_onnx(onnx.load(f"{models}/two_io.onnx"), {"a": (2, 3), "b": (2, 3)})
with tvm.transform.PassContext(opt_level=3):
    lib = relay.build(mod, target=target, params=params)
tmp = tvm.contrib.utils.tempdir()
so_path = tmp.relpath("lib.so")
lib.export_library(so_path, cc.create_shared)
tar_path = tmp.relpath("lib.tar")
lib.export_library(tar_path, tar.tar)
rt = tvm.runtime.load_module(so_path)
g = graph_executor.GraphModule(rt["default"](tvm.cpu(0)))
a = np.full((2, 3), 0.25, "float32")
b = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)
g.set_input(a=tvm.nd.array(a))
g.set_input(b=tvm.nd.array(b))
g.run()
np.savez(out_path, total=g.get_output(0).asnumpy(), diff=g.get_output(1).asnumpy(),
         tar_written=np.array(os.path.getsize(tar_path) > 0))
