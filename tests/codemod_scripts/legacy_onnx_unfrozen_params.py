"""from_onnx(freeze_params=False): the weights come back in params; they are saved and
reloaded, bound at build for one module, fed at run time with set_input(**params) for another."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.contrib import graph_executor

out_path, models = sys.argv[1], sys.argv[2]
model = onnx.load(f"{models}/mlp.onnx")
mod, params = relay.frontend.from_onnx(model, {"input.1": (1, 8)}, freeze_params=False)
blob = relay.save_param_dict(params)
reloaded = relay.load_param_dict(blob)
target = "llvm -mtriple=x86_64-linux-gnu"
x = np.random.default_rng(3).standard_normal((1, 8)).astype("float32")
with tvm.transform.PassContext(opt_level=3):
    bound_lib = relay.build(mod, target=target, params=params)
    open_lib = relay.build(mod, target=target)

bound = graph_executor.GraphModule(bound_lib["default"](tvm.cpu()))
bound.set_input("input.1", x)
bound.run()

fed = graph_executor.GraphModule(open_lib["default"](tvm.cpu()))
fed.set_input(**reloaded)
fed.set_input("input.1", x)
fed.run()
np.savez(
    out_path,
    bound=bound.get_output(0).numpy(),
    fed=fed.get_output(0).numpy(),
    names=np.array(sorted(params)),
    w1=reloaded["w1"].numpy(),
)
