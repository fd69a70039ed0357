"""Goldens of op_mappings/dynamic.py: the dyn.* ops as saved (run-time arguments), folded (a Relay constant
argument, or the run-time input bound as a param), and the messages for what cannot be folded."""

import json
import sys

import numpy as np
import pytest
import tvm

from golden_harness import bundle_dir, check_golden, family_goldens
from migrate.errors import UnsupportedInputError
from migrate.params import load_npz
from migrate.translate import from_relay
from translation_checks import assert_outputs_match, run_main

GOLDENS = family_goldens("dynamic")
FOLDED = sys.modules["golden_translations.dynamic"].FOLDED


def _inputs(bundle: str, kind: str = "inputs") -> dict:
    d = bundle_dir(bundle)
    meta = json.loads((d / "meta.json").read_text())
    return load_npz(str(d / f"{kind}.npz"), {k: v["dtype"] for k, v in meta[kind].items()})


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


@pytest.mark.parametrize("bundle", sorted(FOLDED))
def test_folded_when_bound(bundle):
    """Binding the dyn argument as a param folds it: the static op, the same numbers as Relay's dyn op."""
    names, expected = FOLDED[bundle]
    inputs = _inputs(bundle)
    params = {n: inputs[n] for n in names}
    for fmt in ("relay", "json"):
        got = from_relay(bundle_dir(bundle) / f"model.{fmt}", params)
        tvm.ir.assert_structural_equal(got, expected)
    args = [inputs[p.name] for p in got["main"].params]
    assert_outputs_match(run_main(got, args), _inputs(bundle, "outputs"), 1e-4, 1e-5)


@pytest.mark.parametrize("bundle, argument", [
    ("dyn.topk/basic", "k (the 2nd argument)"),
    ("dyn.squeeze/basic", "axis (the 2nd argument)"),
    ("dyn.expand_dims/basic", "axis (the 2nd argument)"),
    ("dyn.nn.pad/basic", "pad_width (the 2nd argument)"),
])
def test_run_time_value_that_relax_needs_static_is_reported(bundle, argument):
    with pytest.raises(UnsupportedInputError) as err:
        from_relay(bundle_dir(bundle) / "model.relay")
    op = bundle.split("/")[0]
    assert str(err.value) == (
        f"{bundle_dir(bundle) / 'model.relay'}: @main, 1st {op} call: {op}: {argument} is computed at run time, "
        f"but Relax needs it as a constant: bind it with from_relay(..., params={{...}}) "
        f"(keep_params_in_input=False), or run relay.transform.DynamicToStatic on the Relay module before saving it"
    )


def test_strided_slice_with_run_time_bounds_is_dynamic_strided_slice():
    """The saved program computes begin from the input shape (shape_of, slice_like, where) at run time."""
    bundle = "dyn.strided_slice/basic"
    mod = from_relay(bundle_dir(bundle) / "model.relay")
    assert "R.dynamic_strided_slice(x" in mod.script()
    inputs = _inputs(bundle)
    assert_outputs_match(run_main(mod, [inputs[p.name] for p in mod["main"].params]), _inputs(bundle, "outputs"),
                         1e-4, 1e-5)


def test_sparse_to_dense_folded_matches_relay():
    bundle = "dyn.sparse_to_dense/basic"
    inputs = _inputs(bundle)
    mod = from_relay(bundle_dir(bundle) / "model.relay", {"shape": inputs["shape"]})
    assert "R.dynamic" not in mod.script() and "tensor_to_shape" not in mod.script()
    assert_outputs_match(run_main(mod, [inputs[p.name] for p in mod["main"].params]), _inputs(bundle, "outputs"),
                         1e-4, 1e-5)


def test_strided_slice_size_mode_with_run_time_bounds():
    """slice_mode="size": end = begin + size, a negative size runs to the end, strides are ignored."""
    text = '''#[version = "0.0.5"]
def @main(%x: Tensor[(2, 3, 4), float32], %b: Tensor[(3), int64], %s: Tensor[(3), int64], %t: Tensor[(3), int64]) {
  dyn.strided_slice(%x, %b, %s, %t, begin=None, end=None, strides=None, slice_mode="size", axes=None)
}'''
    mod = from_relay(text)
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    args = [x, np.array([0, 1, 1]), np.array([-1, 2, 2]), np.array([5, 5, 5])]
    (got,) = run_main(mod, args)
    np.testing.assert_array_equal(got, x[0:, 1:3, 1:3])


def test_one_hot_with_run_time_depth_on_a_leading_axis():
    """axis=0: the positions run down the new first axis; indices out of [0, depth) give off everywhere."""
    text = '''#[version = "0.0.5"]
def @main(%i: Tensor[(2, 3), int32], %d: int32) {
  dyn.one_hot(%i, 5 /* ty=int32 */, -1 /* ty=int32 */, %d, depth=0, axis=0, dtype="int32")
}'''
    indices = np.array([[0, 3, -1], [2, 1, 4]], "int32")
    (got,) = run_main(from_relay(text), [indices, np.array(4, "int32")])
    want = np.where(np.arange(4).reshape(4, 1, 1) == indices[None], 5, -1).astype("int32")
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("call, shape, numpy_fn", [
    ("dyn.reshape(%x, %s, newshape=[])", [0, -1, 2], lambda x: x.reshape(5, 6, 2)),
    ("dyn.tile(%x, %s, reps=[])", [2, 1, 2], lambda x: np.tile(x, (2, 1, 2))),
    ("dyn.broadcast_to(%x, %s, shape=None)", [2, 5, 3, 4], lambda x: np.broadcast_to(x, (2, 5, 3, 4))),
])
def test_run_time_shape_of_an_input_with_a_symbolic_dim(call, shape, numpy_fn):
    """The input's ``?`` dim is symbolic too: 0 copies it and -1 divides by it at run time."""
    text = f'''#[version = "0.0.5"]
def @main(%x: Tensor[(?, 3, 4), float32], %s: Tensor[({len(shape)}), int64]) {{
  {call}
}}'''
    x = np.arange(60, dtype="float32").reshape(5, 3, 4)
    (got,) = run_main(from_relay(text), [x, np.array(shape, "int64")])
    np.testing.assert_array_equal(got, numpy_fn(x))


def test_argument_computed_from_static_shapes_is_folded():
    """k = x.shape[1] - 3 is known at translation time (DynamicToStatic folds it too): the static topk."""
    text = '''#[version = "0.0.5"]
def @main(%x: Tensor[(2, 5), float32]) {
  %0 = shape_of(%x, dtype="int32");
  %1 = strided_slice(%0, begin=[1], end=[2], strides=[1], axes=None);
  %2 = subtract(%1, 3);
  dyn.topk(%x, %2, k=None, dtype="int32")
}'''
    folded = tvm.relax.transform.DeadCodeElimination()(from_relay(text))  # the k computation is left unused
    tvm.ir.assert_structural_equal(folded, GOLDENS["dyn.topk/const_k"].expected())
