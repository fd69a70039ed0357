"""`from_relay` on whole programs: control flow, scoping, tuples, global and local functions, symbolic
shapes, params, and the errors for what Relax cannot express. Expected modules are written by hand."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest
import tvm
from tvm.script import ir as I
from tvm.script import relax as R
from tvm.script import tirx as T

from migrate import relay_ir as ir
from migrate.errors import ParamsError, UnsupportedInputError, UnsupportedOpsError
from migrate.loader import load_relay
from migrate.translate import from_relay

from conftest import ROOT
from translation_checks import run_main

TEXT = ROOT / "tests" / "data" / "text"
V = '#[version = "0.0.5"]\n'


def run(mod: tvm.IRModule, *args) -> list:
    return run_main(mod, [np.asarray(a) for a in args])


# ----------------------------------------------------------------------------- if and scoping

IF_PROGRAM = V + """def @main(%x: Tensor[(2), float32], %c: bool) -> Tensor[(2), float32] {
  %0 = exp(%x);
  %1 = sin(%x);
  %2 = if (%c) {
    add(%0, %1)
  } else {
    negative(%0)
  };
  multiply(%2, %0)
}
"""


@I.ir_module
class IfExpected:
    @R.function
    def main(x: R.Tensor((2,), "float32"), c: R.Tensor((), "bool")):
        with R.dataflow():
            lv = R.exp(x)  # both branches and the code after the if use it: before the if
            R.output(lv)
        if c:
            with R.dataflow():
                lv1 = R.sin(x)  # only the true branch uses it: inside the branch
                lv2 = R.add(lv, lv1)
                R.output(lv2)
            lv3 = lv2
        else:
            with R.dataflow():
                lv4 = R.negative(lv)
                R.output(lv4)
            lv3 = lv4
        with R.dataflow():
            gv = R.multiply(lv3, lv)
            R.output(gv)
        return gv


def test_if_places_branch_only_work_in_its_branch():
    mod = from_relay(IF_PROGRAM)
    tvm.ir.assert_structural_equal(mod, IfExpected)
    x = np.array([0.5, -1.0], "float32")
    np.testing.assert_allclose(run(mod, x, np.array(True))[0], (np.exp(x) + np.sin(x)) * np.exp(x), rtol=1e-6)
    np.testing.assert_allclose(run(mod, x, np.array(False))[0], -np.exp(x) * np.exp(x), rtol=1e-6)


# ----------------------------------------------------------------------------- lets and tuples

TUPLE_PROGRAM = V + """def @main(%t: (Tensor[(2), float32], (Tensor[(2), float32], Tensor[(2), float32]))) {
  let %a = %t.0;
  let %inner = %t.1;
  let %s = add(%a, %inner.1);
  (%s, (%inner.0, %a))
}
"""


@I.ir_module
class TupleExpected:
    @R.function
    def main(t: R.Tuple(R.Tensor((2,), "float32"), R.Tuple(R.Tensor((2,), "float32"), R.Tensor((2,), "float32")))):
        with R.dataflow():
            a = t[0]
            inner = t[1]
            lv = inner[1]
            s = R.add(a, lv)
            lv1 = inner[0]
            R.output(a, s, lv1)
        return (s, (lv1, a))


def test_nested_tuples_in_and_out_and_let_names():
    mod = from_relay(TUPLE_PROGRAM)
    tvm.ir.assert_structural_equal(mod, TupleExpected)
    names = [b.var.name for b in mod["main"].body.blocks[0].bindings]
    assert names[:2] == ["a", "inner"] and "s" in names  # let names survive


# ----------------------------------------------------------------------------- global functions

GLOBALS_PROGRAM = V + """def @add_one(%x: Tensor[(2), float32]) -> Tensor[(2), float32] {
  add(%x, 1f)
}

def @unused(%x: Tensor[(2), float32]) -> Tensor[(2), float32] {
  negative(%x)
}

def @main(%x: Tensor[(2), float32]) -> Tensor[(2), float32] {
  %0 = @add_one(%x);
  @add_one(%0)
}
"""


@I.ir_module
class GlobalsExpected:
    @R.function
    def add_one(x: R.Tensor((2,), "float32")) -> R.Tensor((2,), "float32"):
        with R.dataflow():
            gv = R.add(x, R.const(1.0, "float32"))
            R.output(gv)
        return gv

    @R.function
    def main(x: R.Tensor((2,), "float32")) -> R.Tensor((2,), "float32"):
        cls = GlobalsExpected
        with R.dataflow():
            lv = cls.add_one(x)
            gv = cls.add_one(lv)
            R.output(gv)
        return gv


def test_global_functions_call_each_other_and_unreachable_ones_are_skipped():
    mod = from_relay(GLOBALS_PROGRAM)
    tvm.ir.assert_structural_equal(mod, GlobalsExpected)
    np.testing.assert_allclose(run(mod, np.zeros(2, "float32"))[0], [2.0, 2.0])


def test_entry_selects_the_function_and_params_bind_to_it():
    mod = from_relay(GLOBALS_PROGRAM, entry="add_one")
    assert [gv.name_hint for gv in mod.functions] == ["add_one"]
    with pytest.raises(UnsupportedInputError, match=r"no function @nope; the module defines @add_one, @unused, @main"):
        from_relay(GLOBALS_PROGRAM, entry="nope")


# ----------------------------------------------------------------------------- local functions

@I.ir_module
class FusedExpected:
    @R.function
    def main(x: R.Tensor((1, 8), "float32"), w: R.Tensor((4, 8), "float32"), v0: R.Tensor((1, 4), "float32")):
        with R.dataflow():
            lv = R.add(x, R.const(1.0, "float32"))
            lv1 = R.nn.relu(lv)
            lv2 = R.permute_dims(w, axes=[1, 0])
            lv3 = R.matmul(lv1, lv2)
            lv4 = R.exp(lv3)
            lv5 = R.nn.relu(v0)
            R.output(lv4, lv5)
        return (lv4, lv5)


def test_primitive_fused_functions_are_inlined():
    mod = from_relay(TEXT / "fused.relay")
    tvm.ir.assert_structural_equal(mod, FusedExpected)
    assert mod["main"].params[1].name == "aten::linear_0.weight"  # Relay's name, kept


CLOSURE_PROGRAM = V + """def @main(%x: Tensor[(2), float32], %y: Tensor[(2), float32]) {
  let %s = exp(%y);
  let %f = fn (%a: Tensor[(2), float32]) -> Tensor[(2), float32] {
    add(%a, %s)
  };
  (%f(%x), %f(%y))
}
"""


@I.ir_module
class ClosureExpected:
    @R.function
    def main(x: R.Tensor((2,), "float32"), y: R.Tensor((2,), "float32")):
        with R.dataflow():
            s = R.exp(y)
            lv = R.add(x, s)  # %f inlined at each call; it captures %s
            lv1 = R.add(y, s)
            R.output(lv, lv1)
        return (lv, lv1)


def test_closures_are_inlined_at_each_call():
    tvm.ir.assert_structural_equal(from_relay(CLOSURE_PROGRAM), ClosureExpected)


@I.ir_module
class LoopExpected:
    @R.function(private=True)
    def while_loop(i: R.Tensor((), "int32"), acc: R.Tensor((2,), "float32")) -> R.Tuple(R.Tensor((), "int32"), R.Tensor((2,), "float32")):
        cls = LoopExpected
        with R.dataflow():
            lv = R.less(i, R.const(10, "int32"))
            R.output(lv)
        if lv:
            with R.dataflow():
                lv1 = R.add(i, R.const(1, "int32"))
                lv2 = R.multiply(acc, R.const(2.0, "float32"))
                lv3 = cls.while_loop(lv1, lv2)
                R.output(lv3)
            res = lv3
        else:
            res = (i, acc)
        return res

    @R.function
    def main(x: R.Tensor((2,), "float32")):
        cls = LoopExpected
        with R.dataflow():
            lv = cls.while_loop(R.const(0, "int32"), x)
            lv1 = lv[1]
            t = R.nn.relu(x)
            gv = R.add(lv1, t)
            R.output(gv)
        return gv


def test_recursive_local_function_is_lifted_to_a_private_global():
    mod = from_relay(TEXT / "control.relay")
    tvm.ir.assert_structural_equal(mod, LoopExpected)
    x = np.array([1.0, -2.0], "float32")
    np.testing.assert_allclose(run(mod, x)[0], x * 1024 + np.maximum(x, 0))


CAPTURING_LOOP = V + """def @main(%x: Tensor[(2), float32], %y: Tensor[(2), float32]) -> Tensor[(2), float32] {
  let %loop: fn (int32, Tensor[(2), float32]) -> Tensor[(2), float32] = fn (%i: int32, %acc: Tensor[(2), float32]) -> Tensor[(2), float32] {
    %0 = less(%i, 3);
    if (%0) {
      %1 = add(%i, 1);
      %2 = add(%acc, %y);
      %loop(%1, %2)
    } else {
      %acc
    }
  };
  %loop(0, %x)
}
"""


def test_lifted_loop_takes_its_captured_variables_as_trailing_parameters():
    mod = from_relay(CAPTURING_LOOP)
    loop = mod["loop"]
    assert [p.name for p in loop.params] == ["i", "acc", "y"]
    assert "global_symbol" not in (loop.attrs or {})
    x, y = np.array([1.0, 2.0], "float32"), np.array([0.5, -1.0], "float32")
    np.testing.assert_allclose(run(mod, x, y)[0], x + 3 * y)


@I.ir_module
class PartitionedExpected:
    @R.function
    def main(x: R.Tensor((1, 3, 8, 8), "float32"), w: R.Tensor((4, 3, 3, 3), "float32")):
        with R.dataflow():
            lv = R.nn.conv2d(x, w, padding=[0, 0, 0, 0])  # the dnnl region and its composite, inlined
            gv = R.nn.relu(lv)
            R.output(gv)
        return gv


def test_global_byoc_functions_are_inlined():
    tvm.ir.assert_structural_equal(from_relay(TEXT / "partitioned.relay"), PartitionedExpected)


def test_errors_inside_an_inlined_global_name_that_function():
    text = (TEXT / "partitioned.relay").read_text().replace("nn.relu(%0)", "vendor.relu(%0)")
    with pytest.raises(UnsupportedOpsError, match=r"vendor\.relu: 1x, first at <string>: @tvmgen_default_dnnl_main_0"):
        from_relay(text)


# ----------------------------------------------------------------------------- shapes

def test_any_dims_are_fresh_and_size_vars_shared():
    n = ir.SizeVar("n")
    x = ir.Var("x", ir.TensorType((n, 3), "float32"))
    y = ir.Var("y", ir.TensorType((n, 3), "float32"))
    a = ir.Var("a", ir.TensorType((ir.AnyDim(), 3), "float32"))
    b = ir.Var("b", ir.TensorType((ir.AnyDim(), 3), "float32"))
    body = ir.Tuple([ir.Call(ir.Op("add"), [x, y]), ir.Call(ir.Op("nn.relu"), [a]), ir.Call(ir.Op("nn.relu"), [b])])
    mod = from_relay(ir.IRModule({"main": ir.Function([x, y, a, b], body)}))

    @I.ir_module
    class Expected:
        @R.function
        def main(x: R.Tensor(("n", 3), "float32"), y: R.Tensor(("n", 3), "float32"),
                 a: R.Tensor(("a_dim0", 3), "float32"), b: R.Tensor(("b_dim0", 3), "float32")):
            n = T.int64()
            a_dim0 = T.int64()
            b_dim0 = T.int64()
            with R.dataflow():
                lv = R.add(x, y)  # one n: the shapes agree
                lv1 = R.nn.relu(a)
                lv2 = R.nn.relu(b)
                R.output(lv, lv1, lv2)
            return (lv, lv1, lv2)

    tvm.ir.assert_structural_equal(mod, Expected)


def test_symbolic_shapes_from_text():
    mod = from_relay(TEXT / "dynamic.relay")
    shapes = [p.ty.shape for p in mod["main"].params]
    assert [str(s[0]) for s in shapes] == ["n", "y_dim0", "m"]
    out = run(mod, np.ones((3, 3), "float32"), -np.ones((5, 3), "float32"), np.ones((1, 3), "float32"))
    assert [o.shape for o in out] == [(3, 3), (5, 3), (1, 3)]


# ----------------------------------------------------------------------------- params

PARAMS_PROGRAM = V + """def @main(%w1: Tensor[(2), float32], %x: Tensor[(2), float32], %w2: Tensor[(2), float32]) {
  %0 = add(%x, %w1);
  multiply(%0, %w2)
}
"""
WEIGHTS = {"w1": np.array([1.0, 2.0], "float32"), "w2": np.array([3.0, 4.0], "float32"), "other": np.zeros(1)}


def test_params_bound_as_constants():
    mod = from_relay(PARAMS_PROGRAM, WEIGHTS)
    assert [p.name for p in mod["main"].params] == ["x"]
    np.testing.assert_allclose(run(mod, np.ones(2, "float32"))[0], [6.0, 12.0])


@I.ir_module
class KeptParamsExpected:
    @R.function
    def main(x: R.Tensor((2,), "float32"), w1: R.Tensor((2,), "float32"), w2: R.Tensor((2,), "float32")):
        R.func_attr({"num_input": 1})  # inputs first, then the weights, each in Relay order
        with R.dataflow():
            lv = R.add(x, w1)
            gv = R.multiply(lv, w2)
            R.output(gv)
        return gv


def test_keep_params_in_input_moves_weights_after_inputs():
    tvm.ir.assert_structural_equal(from_relay(PARAMS_PROGRAM, WEIGHTS, keep_params_in_input=True), KeptParamsExpected)
    unbound = from_relay(PARAMS_PROGRAM, keep_params_in_input=True)
    assert [p.name for p in unbound["main"].params] == ["w1", "x", "w2"]  # nothing bound: Relay's order
    assert "num_input" not in (unbound["main"].attrs or {})


def test_params_from_a_file(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, **{k: v for k, v in WEIGHTS.items() if k != "other"})
    assert [p.name for p in from_relay(PARAMS_PROGRAM, path)["main"].params] == ["x"]


def test_param_of_the_wrong_shape_is_reported():
    with pytest.raises(ParamsError, match=r"param 'w1' is float32\[3\] but %w1 is declared Tensor\[\(2\), float32\]"):
        from_relay(PARAMS_PROGRAM, {"w1": np.zeros(3, "float32")})


# ----------------------------------------------------------------------------- what Relax cannot express

def test_every_unsupported_op_is_listed_with_count_and_first_location():
    text = V + """def @main(%x: Tensor[(1, 4, 2, 2), float32]) {
  %0 = random.threefry_split(%x);
  %1 = vendor.op(%0);
  %2 = random.threefry_split(%1);
  %3 = nn.bitpack(%2);
  vendor.op(%3)
}
"""
    with pytest.raises(UnsupportedOpsError) as info:
        from_relay(text)
    message = str(info.value)
    assert "cannot translate 3 Relay ops/constructs (5 uses)" in message
    assert ("random.threefry_split: 2x, first at <string>: @main, 1st random.threefry_split call: unsupported: "
            "Relax 0.27 has no threefry") in message
    assert "vendor.op: 2x, first at <string>: @main, 1st vendor.op call: not a Relay v0.19 op" in message
    assert "nn.bitpack: 1x" in message and "convert the full-precision model instead" in message
    assert set(info.value.entries) == {"random.threefry_split", "vendor.op", "nn.bitpack"}
    assert isinstance(info.value, UnsupportedInputError)




def test_adts_and_references_are_reported_with_what_and_where():
    with pytest.raises(UnsupportedOpsError) as info:
        from_relay(TEXT / "adt.relay", entry="map")
    assert "match: 1x, first at" in str(info.value) and "Relax has no algebraic data types" in str(info.value)
    with pytest.raises(UnsupportedOpsError) as info:
        from_relay(TEXT / "references.relay")
    assert {"ref", "ref_read", "ref_write"} <= set(info.value.entries)
    assert info.value.entries["ref_read"]["count"] == 2


def test_free_variable_of_a_global_function():
    x, z = ir.Var("x", ir.TensorType((2,), "float32")), ir.Var("z", ir.TensorType((2,), "float32"))
    mod = ir.IRModule({"main": ir.Function([x], ir.Call(ir.Op("add"), [x, z]))})
    with pytest.raises(UnsupportedInputError, match=r"free variable %z"):
        from_relay(mod)


def test_local_function_used_as_a_value():
    text = V + """def @main(%x: Tensor[(2), float32]) {
  let %f = fn (%a: Tensor[(2), float32]) { negative(%a) };
  (%f, %x)
}
"""
    with pytest.raises(UnsupportedOpsError, match="function value: 1x.*used as a value"):
        from_relay(text)


def test_missing_parameter_type():
    text = V + "def @main(%x) { negative(%x) }\n"
    with pytest.raises(UnsupportedInputError, match=r"parameter %x has no type annotation"):
        from_relay(text)


# ----------------------------------------------------------------------------- size

def test_100k_op_chain_translates_without_recursion():
    from synthetic import chain_text  # bench/synthetic.py

    assert sys.getrecursionlimit() <= 1000
    relay_mod = load_relay(chain_text(100_000))
    start = time.perf_counter()
    mod = from_relay(relay_mod)
    elapsed = time.perf_counter() - start
    assert len(mod["main"].body.blocks[0].bindings) == 100_000
    assert elapsed < 60, elapsed
