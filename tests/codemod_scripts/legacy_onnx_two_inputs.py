"""Two named inputs set in reverse order, two outputs read by index."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.contrib import graph_executor


def compile_model(path):
    model = onnx.load(path)
    mod, params = relay.frontend.from_onnx(model, shape={"a": (2, 3), "b": (2, 3)}, dtype="float32")
    with tvm.transform.PassContext(opt_level=2):
        return relay.build(mod, "llvm -mtriple=x86_64-linux-gnu", params=params)


def main(out_path, models):
    lib = compile_model(f"{models}/two_io.onnx")
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 3)).astype("float32")
    b = rng.standard_normal((2, 3)).astype("float32")
    m = graph_executor.GraphModule(lib["default"](tvm.cpu()))
    m.set_input("b", b)
    m.set_input("a", a)
    m.run()
    total = m.get_output(0).numpy()
    diff = m.get_output(1).asnumpy()
    np.savez(out_path, total=total, diff=diff)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
