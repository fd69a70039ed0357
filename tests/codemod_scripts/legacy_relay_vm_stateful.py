"""The Relay VM's stateful API: set_one_input by name, invoke_stateful, get_outputs(),
run() with the inputs set before, invoke_stateful with inputs, and benchmark."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.runtime import vm as vm_rt

out_path, models = sys.argv[1], sys.argv[2]
shapes = {"a": (2, 3), "b": (2, 3)}
mod, params = relay.frontend.from_onnx(onnx.load(f"{models}/two_io.onnx"), shapes)
with tvm.transform.PassContext(opt_level=3):
    exe = relay.vm.compile(mod, target="llvm -mtriple=x86_64-linux-gnu", params=params)
dev = tvm.cpu()
vm = vm_rt.VirtualMachine(exe, dev)
rng = np.random.default_rng(12)
a, b = (rng.standard_normal((2, 3)).astype("float32") for _ in range(2))

vm.set_one_input("main", "b", tvm.nd.array(b))
vm.set_one_input("main", "a", tvm.nd.array(a))
vm.invoke_stateful("main")
first = [t.numpy() for t in vm.get_outputs()]

vm.set_input("main", a=a * 2, b=b)
again = vm.run()

vm.invoke_stateful("main", tvm.nd.array(a), tvm.nd.array(b * 3))
third = vm.get_outputs()
timing = vm.benchmark(dev, tvm.nd.array(a), tvm.nd.array(b), number=2, repeat=3)
np.savez(
    out_path,
    sum1=first[0], diff1=first[1],
    sum2=again[0].numpy(), diff2=again[1].numpy(),
    sum3=third[0].numpy(), n_outputs=np.array(len(third)),
    n_timings=np.array(len(timing.results)),
)
