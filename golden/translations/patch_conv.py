"""Expected Relax for op_mappings/patch_conv.py: Relay's own TOPI computes through call_tir."""

from tvm import topi

from ._built import te
from ._golden import expects


# deformable_conv2d(x, offset, w): strides, padding (4 values), dilation, deformable_groups, groups, out_dtype
expects("nn.deformable_conv2d/basic")(te(
    [("x", (1, 2, 4, 4)), ("offset", (1, 18, 2, 2)), ("w", (2, 2, 3, 3))], topi.nn.deformable_conv2d_nchw,
    [1, 1], [0, 0, 0, 0], [1, 1], 1, 1, "float32", name="deformable_conv2d"))
expects("nn.deformable_conv2d/padding_deformable_groups2")(te(
    [("x", (1, 4, 3, 3)), ("offset", (1, 36, 3, 3)), ("w", (2, 4, 3, 3))], topi.nn.deformable_conv2d_nchw,
    [1, 1], [1, 1, 1, 1], [1, 1], 2, 1, "float32", name="deformable_conv2d"))
# correlation(a, b): kernel_size, max_displacement, stride1, stride2, padding, is_multiply
expects("nn.correlation/basic")(te(
    [("a", (1, 2, 5, 5)), ("b", (1, 2, 5, 5))], topi.nn.correlation_nchw, 1, 1, 1, 1, [1, 1], True,
    name="correlation"))
expects("nn.correlation/subtract_kernel3")(te(
    [("a", (1, 2, 6, 6)), ("b", (1, 2, 6, 6))], topi.nn.correlation_nchw, 3, 2, 1, 2, [2, 2], False,
    name="correlation"))
