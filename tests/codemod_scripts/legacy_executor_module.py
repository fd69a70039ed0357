"""An executor created in one function and fed with keyword inputs, run() twice."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.contrib import graph_executor


def build(models):
    mod, params = relay.frontend.from_onnx(onnx.load(f"{models}/mlp.onnx"), {"input.1": (1, 8)}, freeze_params=True)
    with relay.build_config(opt_level=2):
        factory = relay.build(mod, target="llvm -mtriple=x86_64-linux-gnu", params=params)
    return graph_executor.GraphModule(factory["default"](tvm.cpu(0)))


def main(out_path, models):
    executor = build(models)
    rng = np.random.default_rng(6)
    outputs = []
    for _ in range(3):
        executor.set_input(key="input.1", value=rng.standard_normal((1, 8)).astype("float32"))
        executor.run()
        outputs.append(executor.get_output(0).asnumpy())
    np.savez(out_path, outputs=np.stack(outputs))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
