"""Expected Relax for op_mappings/dynamic.py (the dyn.* ops, shape_of, ndarray_size).

Two kinds of goldens:

- the bundles as saved (the dyn argument is a run-time input): where Relax takes a shape, the shape
  tensor becomes symbolic dims through R.tensor_to_shape + R.match_cast (reshape resolves Relay's
  0 and -1 codes with tensor ops first); ops that need a compile-time value fail (tests check the message);
- a constant argument, folded: the call becomes its static op, as relay.transform.DynamicToStatic
  would make it. Both the "<op>/const_*" bundles (a Relay constant argument) and `FOLDED` (the run-time
  bundles with that input bound as a param, ``from_relay(..., params=...)``) check it.
"""

from tvm.script import ir as I
from tvm.script import relax as R
from tvm.script import tirx as T

from ._golden import expects, one_op, tensor

FOLDED: dict = {}  # bundle -> (names of the inputs bound as params, expected module)


def folded(bundle: str, *bound: str):
    def deco(module):
        FOLDED[bundle] = (bound, module)
        return module

    return deco


def _from_source(source: str):
    import tvm

    return tvm.script.from_source(source, extra_vars={"I": I, "R": R, "T": T})


# ----------------------------------------------------------------------------- run-time shapes: symbolic dims


@expects("dyn.broadcast_to/basic")
@I.ir_module
class BroadcastTo:
    @R.function
    def main(x: R.Tensor((3, 1), "float32"), shape: R.Tensor((3,), "int64")):
        d0, d1, d2 = T.int64(), T.int64(), T.int64()
        with R.dataflow():
            lv = R.tensor_to_shape(shape)
            lv1 = R.match_cast(lv, R.Shape([d0, d1, d2]))
            gv = R.broadcast_to(x, R.shape([d0, d1, d2]))
            R.output(gv)
        return gv


@expects("dyn.full/basic")
@I.ir_module
class Full:
    @R.function
    def main(fill: R.Tensor((), "float32"), shape: R.Tensor((2,), "int64")):
        d0, d1 = T.int64(), T.int64()
        with R.dataflow():
            lv = R.tensor_to_shape(shape)
            lv1 = R.match_cast(lv, R.Shape([d0, d1]))
            gv = R.full(R.shape([d0, d1]), fill, "float32")
            R.output(gv)
        return gv


@expects("dyn.ones/basic")
@I.ir_module
class Ones:
    @R.function
    def main(shape: R.Tensor((2,), "int64")):
        d0, d1 = T.int64(), T.int64()
        with R.dataflow():
            lv = R.tensor_to_shape(shape)
            lv1 = R.match_cast(lv, R.Shape([d0, d1]))
            gv = R.ones(R.shape([d0, d1]), "float32")
            R.output(gv)
        return gv


@expects("dyn.zeros/basic")
@I.ir_module
class Zeros:
    @R.function
    def main(shape: R.Tensor((3,), "int64")):
        d0, d1, d2 = T.int64(), T.int64(), T.int64()
        with R.dataflow():
            lv = R.tensor_to_shape(shape)
            lv1 = R.match_cast(lv, R.Shape([d0, d1, d2]))
            gv = R.zeros(R.shape([d0, d1, d2]), "int32")
            R.output(gv)
        return gv


@expects("dyn.sparse_to_dense/basic")
@I.ir_module
class SparseToDense:
    @R.function
    def main(idx: R.Tensor((3, 2), "int32"), vals: R.Tensor((3,), "float32"), shape: R.Tensor((2,), "int32")):
        d0, d1 = T.int64(), T.int64()
        with R.dataflow():
            lv = R.astype(shape, "int64")
            lv1 = R.tensor_to_shape(lv)
            lv2 = R.match_cast(lv1, R.Shape([d0, d1]))
            lv3 = R.full(R.shape([d0, d1]), R.const(0.0, "float32"), "float32")
            gv = R.scatter_nd(lv3, idx, vals, "update")  # (N, ndim) indices are ONNX scatter_nd indices
            R.output(gv)
        return gv


@expects("dyn.image.resize2d/basic")
@I.ir_module
class Resize2d:
    @R.function
    def main(x: R.Tensor((1, 2, 3, 4), "float32"), size: R.Tensor((2,), "int64")):
        d0, d1 = T.int64(), T.int64()
        with R.dataflow():  # Relax's resize2d takes its size as a shape: symbolic dims; roi is a constant (zeros)
            lv = R.tensor_to_shape(size)
            lv1 = R.match_cast(lv, R.Shape([d0, d1]))
            gv = R.image.resize2d(x, R.shape([d0, d1]), roi=[0.0, 0.0, 0.0, 0.0], layout="NCHW", method="linear",
                                  coordinate_transformation_mode="half_pixel", rounding_method="", cubic_alpha=-0.5,
                                  cubic_exclude=0, extrapolation_value=0.0)
            R.output(gv)
        return gv


@expects("dyn.tile/basic")
@I.ir_module
class Tile:
    @R.function
    def main(x: R.Tensor((2, 3), "float32"), reps: R.Tensor((2,), "int64")):
        r0, r1 = T.int64(), T.int64()
        with R.dataflow():  # tile = a unit axis before each axis, broadcast to the repeats, merged
            lv = R.tensor_to_shape(reps)
            lv1 = R.match_cast(lv, R.Shape([r0, r1]))
            lv2 = R.reshape(x, R.shape([1, 2, 1, 3]))
            lv3 = R.broadcast_to(lv2, R.shape([r0, 2, r1, 3]))
            gv = R.reshape(lv3, R.shape([r0 * 2, r1 * 3]))
            R.output(gv)
        return gv


@expects("dyn.one_hot/basic")
@I.ir_module
class OneHot:
    @R.function
    def main(idx: R.Tensor((3,), "int32"), depth: R.Tensor((), "int32")):
        d = T.int64()
        with R.dataflow():  # on where idx == position (axis -1: the new last axis), else off
            lv = R.reshape(depth, R.shape([1]))
            lv1 = R.astype(lv, "int64")
            lv2 = R.tensor_to_shape(lv1)
            lv3 = R.match_cast(lv2, R.Shape([d]))
            lv4 = R.arange(0, d, 1, "int32")
            lv5 = R.expand_dims(idx, [1])
            lv6 = R.equal(lv5, lv4)
            gv = R.where(lv6, R.const(1.0, "float32"), R.const(0.0, "float32"))
            R.output(gv)
        return gv


def _dyn_upsampling(in_shape, scales: list, resize: str, mode: str):
    """Run-time scales: size = floor(dim * scale + 0.5) (Relay's shape function rounds half away from zero),
    computed in float64, gathered into a shape tensor, symbolic dims for the resize."""
    spatial = in_shape[2:]
    n = len(spatial)
    dims = ", ".join(f"d{i}" for i in range(n))
    lines = []
    for i, (dim, s) in enumerate(zip(spatial, scales)):
        lines += [f"a{i} = R.multiply(R.const({float(dim)}, 'float64'), {s})",
                  f"b{i} = R.add(a{i}, R.const(0.5, 'float64'))", f"c{i} = R.floor(b{i})",
                  f"e{i} = R.astype(c{i}, 'int64')", f"f{i} = R.reshape(e{i}, R.shape([1]))"]
    body = "\n            ".join(lines)
    params = ", ".join(f"{s}: R.Tensor((), 'float64')" for s in scales)
    layout = "NCHW" if n == 2 else "NCDHW"
    return _from_source(f'''
@I.ir_module
class Expected:
    @R.function
    def main(x: {tensor(in_shape)}, {params}):
        {dims} = {", ".join("T.int64()" for _ in range(n))}
        with R.dataflow():
            {body}
            size = R.concat([{", ".join(f"f{i}" for i in range(n))}], axis=0)
            lv = R.tensor_to_shape(size)
            lv1 = R.match_cast(lv, R.Shape([{dims}]))
            gv = R.image.{resize}(x, R.shape([{dims}]), roi={[0.0] * (2 * n)}, layout="{layout}",
                                  method="nearest_neighbor", coordinate_transformation_mode="{mode}",
                                  rounding_method="floor", cubic_alpha=-0.5, cubic_exclude=0, extrapolation_value=0.0)
            R.output(gv)
        return gv
''')


expects("dyn.nn.upsampling/basic")(_dyn_upsampling((1, 2, 2, 3), ["sh", "sw"], "resize2d", "asymmetric"))
expects("dyn.nn.upsampling3d/basic")(_dyn_upsampling((1, 1, 2, 2, 2), ["sd", "sh", "sw"], "resize3d", "half_pixel"))


def _dyn_reshape(in_shape, n: int, aligned, total: int):
    """dyn.reshape of a static input by a run-time newshape of length n: 0 copies the input dim at its
    position, -1 becomes total // (product of the others), then the values become symbolic dims."""
    dims = ", ".join(f"d{i}" for i in range(n))
    decl = ", ".join("T.int64()" for _ in range(n))
    return f'''
@I.ir_module
class Expected:
    @R.function
    def main(x: {tensor(in_shape)}, newshape: {tensor((n,), "int64")}):
        {dims}{"," if n == 1 else ""} = {decl}{"," if n == 1 else ""}
        with R.dataflow():
            copied = R.shape_to_tensor(R.shape({list(aligned)}))
            lv = R.equal(newshape, R.const(0, "int64"))
            lv1 = R.where(lv, copied, newshape)
            infer = R.equal(lv1, R.const(-1, "int64"))
            lv2 = R.where(infer, R.const(1, "int64"), lv1)
            lv3 = R.prod(lv2)
            known = R.maximum(lv3, R.const(1, "int64"))
            lv4 = R.floor_divide(R.const({total}, "int64"), known)
            lv5 = R.where(infer, lv4, lv1)
            lv6 = R.tensor_to_shape(lv5)
            lv7 = R.match_cast(lv6, R.Shape([{dims}]))
            gv = R.reshape(x, R.shape([{dims}]))
            R.output(gv)
        return gv
'''


expects("dyn.reshape/basic")(_from_source(_dyn_reshape((2, 3, 4), 2, (2, 3), 24)))
expects("dyn.reshape/minus1")(_from_source(_dyn_reshape((2, 3, 4), 3, (2, 3, 4), 24)))

# ----------------------------------------------------------------------------- shape queries

one_op("shape_of/basic", f"x: {tensor((2, 3, 4))}", 'R.astype(R.shape_to_tensor(R.shape_of(x)), "int32")')
one_op("shape_of/int64", f"x: {tensor((2, 3, 4))}", "R.shape_to_tensor(R.shape_of(x))")


@expects("ndarray_size/basic")
@I.ir_module
class NdarraySize:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        return R.const(24, "int32")  # a static shape: a constant


@expects("ndarray_size/int64")
@I.ir_module
class NdarraySizeInt64:
    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32")):
        return R.const(24, "int64")


# ----------------------------------------------------------------------------- folded: a constant argument
# Two ways to get there, with the same expected module: the bundle "<op>/const_*" made by Relay with the
# argument as a constant, and the run-time bundle with that input bound as a param (`FOLDED`).


def _static_form(const_bundle, bound: tuple, params: str, call: str):
    """Register `main(params) = call` for the constant-argument bundle and for the bound run-time one."""
    module = _from_source(f'''
@I.ir_module
class Expected:
    @R.function
    def main({params}):
        with R.dataflow():
            gv = {call}
            R.output(gv)
        return gv
''')
    if const_bundle:
        expects(const_bundle)(module)
    if bound:
        folded(bound[0], *bound[1:])(module)


_static_form(None, ("dyn.reshape/minus1", "newshape"), f"x: {tensor((2, 3, 4))}", "R.reshape(x, R.shape([3, 4, 2]))")
_static_form(None, ("dyn.broadcast_to/basic", "shape"), f"x: {tensor((3, 1))}",
             "R.broadcast_to(x, R.shape([2, 3, 4]))")
_static_form(None, ("dyn.full/basic", "shape"), f"fill: {tensor(())}", 'R.full(R.shape([2, 3]), fill, "float32")')
_static_form("dyn.expand_dims/const_axis", ("dyn.expand_dims/basic", "axis"), f"x: {tensor((2, 3))}",
             "R.expand_dims(x, [1])")
_static_form("dyn.squeeze/const_axis", ("dyn.squeeze/basic", "axis"), f"x: {tensor((1, 3, 1, 4))}", "R.squeeze(x, [2])")
_static_form("dyn.tile/const_reps", ("dyn.tile/basic", "reps"), f"x: {tensor((2, 3))}", "R.tile(x, [2, 2])")
_static_form("dyn.topk/const_k", ("dyn.topk/basic", "k"), f"x: {tensor((2, 5))}",
             'R.topk(x, k=2, axis=1, ret_type="both", largest=True, dtype="int32")')
_static_form("dyn.one_hot/const_depth", ("dyn.one_hot/basic", "depth"), f"idx: {tensor((3,), 'int32')}",
             "R.one_hot(idx, T.float32(1.0), T.float32(0.0), depth=4, axis=1)")
_static_form("dyn.strided_slice/const_bounds", None, f"x: {tensor((2, 3, 4))}",
             "R.strided_slice(x, axes=[0, 1, 2], begin=[0, 1, 0], end=[2, 3, 4], strides=[1, 1, 2])")
_static_form(None, ("dyn.image.resize2d/basic", "size"), f"x: {tensor((1, 2, 3, 4))}",
             'R.image.resize2d(x, R.shape([5, 6]), roi=[0.0, 0.0, 0.0, 0.0], layout="NCHW", method="linear", '
             'coordinate_transformation_mode="half_pixel", rounding_method="", cubic_alpha=-0.5, cubic_exclude=0, '
             'extrapolation_value=0.0)')
# scale_w 1.5 on a width of 3: Relay's dyn shape function rounds 4.5 half away from zero, to 5
_static_form("dyn.nn.upsampling/const_scales", ("dyn.nn.upsampling/basic", "sh", "sw"), f"x: {tensor((1, 2, 2, 3))}",
             'R.image.resize2d(x, R.shape([4, 5]), roi=[0.0, 0.0, 0.0, 0.0], layout="NCHW", '
             'method="nearest_neighbor", coordinate_transformation_mode="asymmetric", rounding_method="floor", '
             'cubic_alpha=-0.5, cubic_exclude=0, extrapolation_value=0.0)')
_static_form("dyn.nn.upsampling3d/const_scales", ("dyn.nn.upsampling3d/basic", "sd", "sh", "sw"),
             f"x: {tensor((1, 1, 2, 2, 2))}",
             'R.image.resize3d(x, R.shape([4, 2, 4]), roi=[0.0, 0.0, 0.0, 0.0, 0.0, 0.0], layout="NCDHW", '
             'method="nearest_neighbor", coordinate_transformation_mode="half_pixel", rounding_method="floor", '
             'cubic_alpha=-0.5, cubic_exclude=0, extrapolation_value=0.0)')


@expects("dyn.nn.pad/const_pad_width")
@folded("dyn.nn.pad/basic", "pad_width")
@I.ir_module
class PadFolded:
    @R.function
    def main(x: R.Tensor((2, 3), "float32"), pad_value: R.Tensor((), "float32")):
        with R.dataflow():  # the pad value is a run-time scalar: nn.pad's where over a padded mask
            lv = R.nn.pad(x, [1, 0, 0, 2], "constant", 0.0)
            lv1 = R.ones_like(x)
            lv2 = R.nn.pad(lv1, [1, 0, 0, 2], "constant", 0.0)
            lv3 = R.astype(lv2, "bool")
            gv = R.where(lv3, lv, pad_value)
            R.output(gv)
        return gv


# ----------------------------------------------------------------------------- dyn.strided_slice, run-time bounds


@expects("dyn.strided_slice/basic")
@I.ir_module
class StridedSliceRunTime:
    """relay.strided_slice with tensor bounds: its wrapper normalises negative begins against shape_of(x)."""

    @R.function
    def main(x: R.Tensor((2, 3, 4), "float32"), begin: R.Tensor((3,), "int64"), end: R.Tensor((3,), "int64"),
             strides: R.Tensor((3,), "int64")):
        with R.dataflow():
            zero = R.astype(R.const(0, "int32"), "int64")  # cast_like(0, begin)
            negative = R.less(begin, zero)
            shape = R.shape_of(x)
            dims = R.shape_to_tensor(shape)  # shape_of(x, dtype="int32"), then cast_like(..., begin)
            dims32 = R.astype(dims, "int32")
            dims64 = R.astype(dims32, "int64")
            dims_like = R.strided_slice(dims64, axes=[0], begin=[0], end=[3], assume_inbound=False)  # slice_like
            wrapped = R.add(begin, dims_like)
            begin1 = R.where(negative, wrapped, begin)
            past_end = R.greater_equal(begin1, dims_like)
            begin2 = R.where(past_end, dims_like, begin1)
            gv = R.dynamic_strided_slice(x, begin2, end, strides)
            R.output(gv)
        return gv


@expects("dyn.strided_slice/leading_axes")
@I.ir_module
class StridedSliceLeadingAxes:
    """Bounds for the first axis only: Relay takes the other axes whole, so they are padded with 0, dim, 1."""

    @R.function
    def main(x: R.Tensor((5, 3), "int64"), begin: R.Tensor((1,), "int32"), end: R.Tensor((1,), "int64"),
             strides: R.Tensor((1,), "int32")):
        with R.dataflow():
            begin64 = R.astype(begin, "int64")
            strides64 = R.astype(strides, "int64")
            begin2 = R.concat((begin64, R.const([0], "int64")), axis=0)
            end2 = R.concat((end, R.const([3], "int64")), axis=0)
            strides2 = R.concat((strides64, R.const([1], "int64")), axis=0)
            gv = R.dynamic_strided_slice(x, begin2, end2, strides2)
            R.output(gv)
        return gv
