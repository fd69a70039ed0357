"""The old deploy flow: graph, lib, params = relay.build(...), graph_executor.create,
set_input(**params), every output read through get_num_outputs()."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.contrib import graph_executor
from tvm.relay.backend import Executor

out_path, models = sys.argv[1], sys.argv[2]
mod, params = relay.frontend.from_onnx(onnx.load(f"{models}/two_io.onnx"), {"a": (2, 3), "b": (2, 3)})
with tvm.transform.PassContext(opt_level=3):
    graph, lib, params = relay.build(
        mod, target="llvm -mtriple=x86_64-linux-gnu", params=params, executor=Executor("graph", {"link-params": False})
    )
module = graph_executor.create(graph, lib, tvm.cpu(0))
rng = np.random.default_rng(21)
module.set_input(**params)
module.set_input("a", rng.standard_normal((2, 3)).astype("float32"))
module.set_input("b", rng.standard_normal((2, 3)).astype("float32"))
module.run()
outputs = {f"out{i}": module.get_output(i).numpy() for i in range(module.get_num_outputs())}
np.savez(out_path, **outputs)
