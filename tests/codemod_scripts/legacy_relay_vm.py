"""relay.vm.compile + the Relay VM's run() and invoke()."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.runtime.vm import VirtualMachine

out_path, models = sys.argv[1], sys.argv[2]
mod, params = relay.frontend.from_onnx(onnx.load(f"{models}/conv.onnx"), {"0": (1, 3, 8, 8)})
with tvm.transform.PassContext(opt_level=3):
    exe = relay.vm.compile(mod, target="llvm -mtriple=x86_64-linux-gnu", params=params)
vm = VirtualMachine(exe, tvm.cpu())
image = np.random.default_rng(5).standard_normal((1, 3, 8, 8)).astype("float32")
first = vm.run(tvm.nd.array(image))
second = vm.invoke("main", tvm.nd.array(image * 0.5))
np.savez(out_path, first=first.numpy(), second=second.asnumpy())
