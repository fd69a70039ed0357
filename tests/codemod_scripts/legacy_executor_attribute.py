"""A classifier class that keeps its graph executor module in an attribute and its
timer in another; a module-level function uses a local variable that shadows nothing."""
import sys

import numpy as np
import onnx
import tvm
from tvm import relay
from tvm.contrib import graph_executor


class Classifier:
    def __init__(self, path, target="llvm -mtriple=x86_64-linux-gnu"):
        self.dev = tvm.cpu(0)
        mod, params = relay.frontend.from_onnx(onnx.load(path), {"0": (1, 3, 8, 8)})
        with tvm.transform.PassContext(opt_level=3):
            lib = relay.build(mod, target=target, params=params)
        self.module = graph_executor.GraphModule(lib["default"](self.dev))

    def __call__(self, image):
        self.module.set_input("0", tvm.nd.array(image, self.dev))
        self.module.run()
        return self.module.get_output(0).numpy()

    def timing(self):
        return self.module.benchmark(self.dev, number=1, repeat=2)


def main(out_path, models):
    classify = Classifier(f"{models}/conv.onnx")
    rng = np.random.default_rng(8)
    batch = [rng.standard_normal((1, 3, 8, 8)).astype("float32") for _ in range(2)]
    logits = np.concatenate([classify(image) for image in batch])
    np.savez(out_path, logits=logits, n_timings=np.array(len(classify.timing().results)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
