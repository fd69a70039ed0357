"""Expected Relax for op_mappings/transform.py.

Relay's reshape codes, strided_slice defaults and slice_mode="size" are resolved from the static
input shape; negative axes are normalised; take states Relay's mode (clip by default) explicitly.
"""

from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

X = f"x: {tensor((2, 3, 4))}"

# ---- reshape: every code resolved against (2, 3, 4)
for variant, shape in [
    ("allowzero_static", "[3, 8]"), ("code_0", "[2, 12]"), ("code_0_0_minus1", "[2, 3, 4]"),
    ("code_minus1", "[6, 4]"), ("code_minus2", "[2, 3, 4]"), ("code_minus3", "[6, 4]"),
    ("code_minus3_minus2", "[6, 4]"), ("code_minus4", "[1, 2, 3, 4]"), ("code_minus4_infer", "[1, 2, 3, 4]"),
    ("static", "[4, 6]"),
]:
    one_op(f"reshape/{variant}", X, f"R.reshape(x, R.shape({shape}))")
one_op("reshape/int8_to_1d", f"x: {tensor((2, 3, 4), 'int8')}", "R.reshape(x, R.shape([24]))")
# contrib_reverse_reshape pairs codes and dims from the right:
one_op("contrib_reverse_reshape/basic", X, "R.reshape(x, R.shape([4, 6]))")
# [0, -1]: -1 pairs with 4, 0 with 3 (copied); -1 infers 2 * 4
one_op("contrib_reverse_reshape/code_0_minus1", X, "R.reshape(x, R.shape([3, 8]))")
# [-1, 0]: 0 copies the last dim 4; -1 infers 2 * 3
one_op("contrib_reverse_reshape/code_minus1_0", X, "R.reshape(x, R.shape([6, 4]))")

one_op("nn.batch_flatten/basic", X, "R.nn.batch_flatten(x)")
one_op("nn.batch_flatten/4d", f"x: {tensor((2, 2, 3, 2))}", "R.nn.batch_flatten(x)")

# ---- axes
one_op("transpose/basic", X, "R.permute_dims(x)")
one_op("transpose/axes", X, "R.permute_dims(x, axes=[1, 2, 0])")
one_op("transpose/negative_axes", X, "R.permute_dims(x, axes=[0, 2, 1])")
one_op("expand_dims/basic", X, "R.expand_dims(x, axis=[1])")
one_op("expand_dims/negative_axis_2", X, "R.expand_dims(x, axis=[3, 4])")  # axis=-1 of the 4-d result, twice


@expects("expand_dims/num_newaxis_0")
@I.ir_module
class ExpandDimsNone:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        return x


X1314 = f"x: {tensor((1, 3, 1, 4))}"
one_op("squeeze/basic", X1314, "R.squeeze(x)")
one_op("squeeze/axis", X1314, "R.squeeze(x, axis=[2])")
one_op("squeeze/negative_axis", X1314, "R.squeeze(x, axis=[2, 0])")
one_op("reverse/basic", X, "R.flip(x, axis=1)")
one_op("reverse/negative_axis", X, "R.flip(x, axis=2)")
one_op("repeat/basic", X, "R.repeat(x, 2, axis=1)")
one_op("repeat/negative_axis", f"x: {tensor((2, 3))}", "R.repeat(x, 3, axis=1)")
one_op("tile/basic", f"x: {tensor((2, 3))}", "R.tile(x, [2, 2])")
one_op("tile/reps_longer", f"x: {tensor((2, 3))}", "R.tile(x, [2, 1, 3])")
one_op("tile/reps_shorter", X, "R.tile(x, [2])")
one_op("broadcast_to/basic", f"x: {tensor((3, 1))}", "R.broadcast_to(x, R.shape([2, 3, 4]))")
one_op("broadcast_to_like/basic", f"x: {tensor((1, 4))}, y: {tensor((2, 3, 4))}", "R.broadcast_to(x, R.shape([2, 3, 4]))")

# ---- tuples in and out
one_op("concatenate/basic", f"a: {tensor((2, 3))}, b: {tensor((2, 2))}, c: {tensor((2, 1))}", "R.concat((a, b, c), axis=1)")
one_op("concatenate/axis0_int32", f"a: {tensor((1, 4), 'int32')}, b: {tensor((3, 4), 'int32')}", "R.concat((a, b), axis=0)")
one_op("concatenate/negative_axis", f"a: {tensor((2, 3, 2))}, b: {tensor((2, 3, 1))}", "R.concat((a, b), axis=2)")
one_op("stack/basic", f"a: {tensor((2, 3))}, b: {tensor((2, 3))}, c: {tensor((2, 3))}", "R.stack((a, b, c), axis=0)")
one_op("stack/negative_axis", f"a: {tensor((2, 3))}, b: {tensor((2, 3))}", "R.stack((a, b), axis=2)")
one_op("split/indices", f"x: {tensor((2, 7))}", "R.split(x, indices_or_sections=[1, 4], axis=1)")
one_op("split/sections", f"x: {tensor((2, 6, 2))}", "R.split(x, indices_or_sections=3, axis=1)")
one_op("split/negative_axis", X, "R.split(x, indices_or_sections=2, axis=2)")


@expects("split/indices_tuple_get")
@I.ir_module
class SplitGet:
    @R.function
    def main(x: R.Tensor((8, 2), "float32")):
        with R.dataflow():
            lv = R.split(x, indices_or_sections=[2, 5], axis=0)
            gv = lv[1]
            R.output(gv)
        return gv


# ---- strided_slice: per axis, static bounds canonicalised (clamped) as topi does; -1 "before 0" is -(n+1)
SS = "R.strided_slice(x, axes={}, begin={}, end={}, strides={})"
one_op("strided_slice/axes", X, SS.format([2], [1], [3], [1]))
one_op("strided_slice/axes_strides", X, SS.format([1, 0], [2, 0], [0, 2], [-1, 1]))
one_op("strided_slice/basic", X, SS.format([0, 1], [0, 1], [2, 3], [1, 1]))
one_op("strided_slice/end_clamped", X, SS.format([0, 1, 2], [0, 1, 1], [2, 3, 4], [1, 1, 1]))
one_op("strided_slice/negative_begin", X, SS.format([0, 1], [1, 1], [2, 3], [1, 1]))
one_op("strided_slice/negative_strides", X, SS.format([0, 1, 2], [1, 2, 3], [-3, -4, 0], [-1, -1, -2]))
one_op("strided_slice/slice_mode_size", X, SS.format([0, 1, 2], [0, 1, 1], [2, 3, 3], [1, 1, 1]))
one_op("strided_slice/strides", X, SS.format([0, 1, 2], [0, 0, 0], [2, 3, 4], [1, 2, 3]))

# ---- take: Relay's mode stated (Relax defaults to "fast")
one_op("take/axis1_clip", f"{X}, idx: {tensor((2, 2), 'int32')}", 'R.take(x, idx, axis=1, mode="clip")')
one_op("take/axis1_wrap", f"{X}, idx: {tensor((4,), 'int32')}", 'R.take(x, idx, axis=1, mode="wrap")')
one_op("take/axis_neg1_fast", f"{X}, idx: {tensor((3,), 'int64')}", 'R.take(x, idx, axis=2, mode="fast")')
one_op("take/scalar_index", f"{X}, idx: {tensor((), 'int32')}", 'R.take(x, idx, axis=0, mode="clip")')


@expects("take/axis_none_clip")
@I.ir_module
class TakeFlat:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), idx: R.Tensor((5,), "int32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([24]))
            gv = R.take(lv, idx, axis=0, mode="clip")
            R.output(gv)
        return gv


@expects("take/batch_dims1")  # take(x, idx, batch_dims=1, axis=2): out[b, i, j] = x[b, i, clip(idx[b, j])]
@I.ir_module
class TakeBatched:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), idx: R.Tensor((2, 3), "int32")):
        with R.dataflow():
            lv = R.astype(idx, "int64")
            lv1 = R.clip(lv, 0, 3)
            lv2 = R.permute_dims(x, axes=[0, 2, 1])  # the taken axis right after the batch dim
            lv3 = R.expand_dims(lv1, axis=[2])
            lv4 = R.gather_nd(lv2, lv3, batch_dims=1)  # (batch, index dims, x's dim 1)
            gv = R.permute_dims(lv4, axes=[0, 2, 1])
            R.output(gv)
        return gv


# ---- reshape_like, pads, depth/space blocks
one_op("reshape_like/basic", f"{X}, y: {tensor((4, 6))}", "R.reshape(x, R.shape([4, 6]))")
# x's dims [1:] become y's dims [1:3]
one_op("reshape_like/begin_end", f"x: {tensor((2, 12))}, y: {tensor((5, 3, 4, 7))}", "R.reshape(x, R.shape([2, 3, 4]))")
one_op("nn.pad/basic", f"x: {tensor((1, 2, 3, 3))}", "R.nn.pad(x, [0, 0, 0, 1, 1, 2, 2, 0], pad_value=0.5)")
one_op("nn.pad/edge", f"x: {tensor((2, 3, 3))}", 'R.nn.pad(x, [0, 0, 1, 1, 2, 1], pad_mode="replicate")')
one_op("nn.pad/reflect", X, 'R.nn.pad(x, [0, 0, 2, 1, 1, 3], pad_mode="reflect")')
one_op("nn.mirror_pad/reflect", X, 'R.nn.pad(x, [0, 0, 1, 2, 2, 3], pad_mode="reflect")')


@expects("nn.pad/pad_value_input")  # a computed pad value: Relax's pad takes a constant, so select it outside x
@I.ir_module
class PadComputedValue:
    @R.function
    def main(x: R.Tensor((2, 3), "float32"), pv: R.Tensor((), "float32")):
        with R.dataflow():
            lv = R.nn.pad(x, [1, 1, 0, 2])
            lv1 = R.ones_like(x)
            lv2 = R.nn.pad(lv1, [1, 1, 0, 2])
            lv3 = R.astype(lv2, "bool")  # True where x lands
            gv = R.where(lv3, lv, pv)
            R.output(gv)
        return gv


@expects("nn.mirror_pad/basic")  # SYMMETRIC (edge included): per axis, flipped edge slices around x
@I.ir_module
class MirrorPadSymmetric:
    @R.function
    def main(x: R.Tensor((1, 2, 3, 3), "float32")):
        with R.dataflow():
            lv = R.strided_slice(x, axes=[2], begin=[0], end=[1], strides=[1])
            lv1 = R.flip(lv, axis=2)
            lv2 = R.strided_slice(x, axes=[2], begin=[1], end=[3], strides=[1])
            lv3 = R.flip(lv2, axis=2)
            lv4 = R.concat((lv1, x, lv3), axis=2)
            lv5 = R.strided_slice(lv4, axes=[3], begin=[0], end=[2], strides=[1])
            lv6 = R.flip(lv5, axis=3)
            lv7 = R.strided_slice(lv4, axes=[3], begin=[2], end=[3], strides=[1])
            lv8 = R.flip(lv7, axis=3)
            gv = R.concat((lv6, lv4, lv8), axis=3)
            R.output(gv)
        return gv


# depth_to_space / space_to_depth: Relax has neither; split into blocks, move them, merge.


@expects("nn.depth_to_space/basic")  # DCR: channels read as (block_h, block_w, c)
@I.ir_module
class DepthToSpaceDCR:
    @R.function
    def main(x: R.Tensor((1, 8, 2, 3), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([1, 2, 2, 2, 2, 3]))
            lv1 = R.permute_dims(lv, axes=[0, 3, 4, 1, 5, 2])
            gv = R.reshape(lv1, R.shape([1, 2, 4, 6]))
            R.output(gv)
        return gv


@expects("nn.depth_to_space/CRD")  # CRD: channels read as (c, block_h, block_w)
@I.ir_module
class DepthToSpaceCRD:
    @R.function
    def main(x: R.Tensor((1, 8, 2, 3), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([1, 2, 2, 2, 2, 3]))
            lv1 = R.permute_dims(lv, axes=[0, 1, 4, 2, 5, 3])
            gv = R.reshape(lv1, R.shape([1, 2, 4, 6]))
            R.output(gv)
        return gv


@expects("nn.depth_to_space/NHWC")  # DCR in NHWC
@I.ir_module
class DepthToSpaceNHWC:
    @R.function
    def main(x: R.Tensor((1, 2, 3, 8), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([1, 2, 3, 2, 2, 2]))
            lv1 = R.permute_dims(lv, axes=[0, 1, 3, 2, 4, 5])
            gv = R.reshape(lv1, R.shape([1, 4, 6, 2]))
            R.output(gv)
        return gv


@expects("nn.space_to_depth/basic")  # channels become (block_h, block_w, c)
@I.ir_module
class SpaceToDepth:
    @R.function
    def main(x: R.Tensor((1, 2, 4, 6), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([1, 2, 2, 2, 3, 2]))
            lv1 = R.permute_dims(lv, axes=[0, 3, 5, 1, 2, 4])
            gv = R.reshape(lv1, R.shape([1, 8, 2, 3]))
            R.output(gv)
        return gv


@expects("nn.space_to_depth/NHWC")  # in NHWC
@I.ir_module
class SpaceToDepthNHWC:
    @R.function
    def main(x: R.Tensor((1, 4, 6, 2), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([1, 2, 2, 3, 2, 2]))
            lv1 = R.permute_dims(lv, axes=[0, 1, 3, 2, 4, 5])
            gv = R.reshape(lv1, R.shape([1, 2, 3, 8]))
            R.output(gv)
        return gv
