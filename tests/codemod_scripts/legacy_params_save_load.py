"""relay.save_param_dict / load_param_dict round trip of tvm.nd arrays."""
import sys

import numpy as np
import tvm
from tvm import relay
from tvm.contrib import utils

out_path = sys.argv[1]
rng = np.random.default_rng(2)
params = {
    "conv_weight": tvm.nd.array(rng.standard_normal((4, 3, 3, 3)).astype("float32")),
    "bias": tvm.nd.array(np.arange(4, dtype="int32")),
    "scale": tvm.nd.array(np.array([0.5], dtype="float64")),
}
blob = relay.save_param_dict(params)
tmp = utils.tempdir()
path = tmp.relpath("model.params")
with open(path, "wb") as fh:
    fh.write(blob)
with open(path, "rb") as fh:
    loaded = relay.load_param_dict(fh.read())
np.savez(out_path, **{name: value.asnumpy() for name, value in sorted(loaded.items())})
