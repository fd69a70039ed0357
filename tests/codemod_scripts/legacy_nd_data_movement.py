"""tvm.nd data movement: array, empty, copyfrom, copyto, asnumpy, shape/dtype."""
import sys

import numpy as np
import tvm

out_path = sys.argv[1]
dev = tvm.cpu(0)
src = np.arange(12, dtype="float32").reshape(3, 4)
a = tvm.nd.array(src, dev)
b = tvm.nd.empty((3, 4), "float32", dev)
b.copyfrom(src * 2)
c = tvm.nd.empty(a.shape, a.dtype, dev)
a.copyto(c)
is_nd = isinstance(c, tvm.nd.NDArray)
np.savez(
    out_path,
    a=a.asnumpy(),
    b=b.asnumpy(),
    c=c.numpy(),
    shape=np.array(a.shape),
    is_nd=np.array(is_nd),
)
