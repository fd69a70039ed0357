"""PyTorch via TorchScript (the from_pytorch tutorial's flow) with two inputs fed by their
input_infos names, in reverse order; the weights come back in params and are bound at build.

requires: torch
"""
import sys

import numpy as np
import torch
import tvm
from tvm import relay
from tvm.contrib import graph_executor


class Gate(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(8, 4)
        self.scale = torch.nn.Linear(4, 4, bias=False)

    def forward(self, features, mask):
        hidden = torch.relu(self.fc(features))
        return torch.softmax(self.scale(hidden) * mask, dim=-1)


def main(out_path):
    torch.manual_seed(0)
    model = Gate().eval()
    features = torch.randn(2, 8)
    mask = torch.rand(2, 4)
    scripted = torch.jit.trace(model, (features, mask)).eval()
    input_infos = [("input0", (2, 8)), ("input1", (2, 4))]
    mod, params = relay.frontend.from_pytorch(scripted, input_infos)
    with tvm.transform.PassContext(opt_level=3):
        lib = relay.build(mod, target="llvm -mtriple=x86_64-linux-gnu", params=params)
    m = graph_executor.GraphModule(lib["default"](tvm.cpu(0)))
    rng = np.random.default_rng(7)
    a = rng.standard_normal((2, 8)).astype("float32")
    b = rng.random((2, 4)).astype("float32")
    m.set_input("input1", tvm.nd.array(b))
    m.set_input("input0", tvm.nd.array(a))
    m.run()
    np.savez(out_path, probs=m.get_output(0).numpy())


if __name__ == "__main__":
    main(sys.argv[1])
