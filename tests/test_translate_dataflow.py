"""Dataflow blocks emitted directly (translate_emit) are exactly what ``relax.transform.ConvertToDataflow``
makes of the plain-block translation: same structure, same var kinds, same var names. The reference is
computed here by running that pass on `ModuleTranslator(..., direct_dataflow=False)`'s output (the path
`from_relay` took before), never by the code under test."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
import tvm
from tvm import relax
from tvm.script import ir as I
from tvm.script import relax as R

from migrate.errors import MigrateError
from migrate.loader import load_relay
from migrate.params import load_params
from migrate.translate import ModuleTranslator, from_relay
from migrate.translate_context import DataflowBinder, TranslationBuilder
from migrate.translate_emit import PlainBlocksNeeded

from conftest import GOLDEN, ROOT

V = '#[version = "0.0.5"]\n'
TEXT = ROOT / "tests" / "data" / "text"


def bindings_of(mod: tvm.IRModule) -> list:
    """(function, block kind, var name, var kind) for every binding, If branches included, in order:
    what structural equality does not compare (it maps vars by position, not by name)."""
    out = []
    for gv, func in sorted(mod.functions.items(), key=lambda item: item[0].name_hint):
        if not isinstance(func, relax.Function):
            continue
        stack = [func.body]
        while stack:
            seq = stack.pop()
            for block in seq.blocks:
                for binding in block.bindings:
                    out.append((gv.name_hint, type(block).__name__, binding.var.name, type(binding.var).__name__))
                    if isinstance(binding.value, relax.If):
                        stack += [binding.value.false_branch, binding.value.true_branch]
    return out


def reference(source, params=None) -> tvm.IRModule:
    plain = ModuleTranslator(load_relay(source), dict(params or {}), False, "main", direct_dataflow=False).run()
    return relax.transform.ConvertToDataflow(min_size=1)(plain)


def assert_same_as_pass(source, params=None) -> tvm.IRModule:
    got, want = from_relay(source, params), reference(source, params)
    tvm.ir.assert_structural_equal(got, want)
    assert bindings_of(got) == bindings_of(want)
    return got


def direct(source, params=None) -> ModuleTranslator:
    """A direct-path translator after `run` (raises PlainBlocksNeeded when that path gives up)."""
    translator = ModuleTranslator(load_relay(source), dict(params or {}), False, "main")
    translator.run()
    return translator


# ----------------------------------------------------------------------------- golden data and test inputs

def _bundles() -> list:
    ops = sorted(p.parent for p in (GOLDEN / "ops").glob("*/*/model.json"))
    # every dyn.* op (constant folding reads bindings; run-time shapes make match_casts), ops with tuple
    # results, and every 12th bundle for the rest
    wanted = ("dyn.", "split", "nn.batch_norm", "nn.dropout", "unique", "topk", "argwhere", "where", "vision.")
    picked = [b for i, b in enumerate(ops) if b.parent.name.startswith(wanted) or i % 12 == 0]
    models = sorted(p.parent for p in (GOLDEN / "models").glob("*/model.json"))
    picked += [b for i, b in enumerate(models) if b.name in ("mobilenet", "lstm", "resnet", "dcgan") or i % 15 == 0]
    return picked


BUNDLES = _bundles()


def assert_same_or_same_error(source, params=None) -> None:
    try:
        reference(source, params)
    except MigrateError as err:  # an unsupported op or construct: both paths fail alike
        with pytest.raises(type(err), match=re.escape(str(err))):
            from_relay(source, params)
        return
    assert_same_as_pass(source, params)


@pytest.mark.parametrize("fmt", ["relay", "json"])
@pytest.mark.parametrize("bundle", BUNDLES, ids=[f"{b.parent.name}/{b.name}" for b in BUNDLES])
def test_golden_bundle_same_as_convert_to_dataflow(bundle, fmt):
    params = load_params(bundle / "model.params") if (bundle / "model.params").exists() else None
    assert_same_or_same_error(bundle / f"model.{fmt}", params)


DATA = sorted([*TEXT.glob("*.relay"), *TEXT.glob("*.json"), *(ROOT / "tests" / "data" / "json").glob("*.json")])
DATA = [p for p in DATA if not p.name.endswith((".expect.json", ".dtypes.json"))]


@pytest.mark.parametrize("path", DATA, ids=[f"{p.parent.name}/{p.name}" for p in DATA])
def test_test_data_same_as_convert_to_dataflow(path):
    assert_same_or_same_error(path)


# ----------------------------------------------------------------------------- programs

PROGRAMS = {
    "if": V + """def @main(%x: Tensor[(2), float32], %c: bool) -> Tensor[(2), float32] {
  %0 = exp(%x);
  %1 = if (%c) { add(%0, sin(%x)) } else { negative(%0) };
  multiply(%1, %0)
}
""",
    "if_in_a_callee": V + """def @pick(%x: Tensor[(2), float32], %c: bool) -> Tensor[(2), float32] {
  if (%c) { exp(%x) } else { negative(%x) }
}
def @main(%x: Tensor[(2), float32], %c: bool) -> Tensor[(2), float32] {
  %0 = @pick(%x, %c);
  add(%0, sin(%0))
}
""",
    "lets_and_nested_tuples": V + """def @main(%t: (Tensor[(2), float32], (Tensor[(2), float32], Tensor[(2), float32]))) {
  let %a = %t.0;
  let %inner = %t.1;
  let %s = add(%a, %inner.0);
  let %m = multiply(%s, %inner.1);
  (%m, (%s, %a), %inner.1)
}
""",
    "item_of_a_tuple_node": V + """def @main(%x: Tensor[(2), float32]) {
  %0 = exp(%x);
  %1 = (%0, negative(%x));
  %2 = %1.1;
  (%2, %1.0)
}
""",
    "tuple_result_of_an_op": V + """def @main(%x: Tensor[(6), float32]) {
  %0 = split(%x, indices_or_sections=3);
  (%0.0, add(%0.1, %0.2))
}
""",
    "whole_tuple_op_result": V + """def @main(%x: Tensor[(6), float32]) {
  split(%x, indices_or_sections=2)
}
""",
    "closures": V + """def @main(%x: Tensor[(2), float32], %y: Tensor[(2), float32]) {
  let %s = exp(%y);
  let %f = fn (%a: Tensor[(2), float32]) -> Tensor[(2), float32] { add(%a, %s) };
  let %g = fn (%b: Tensor[(2), float32]) { (%f(%b), negative(%b)) };
  (%f(%x), %g(%y))
}
""",
    "item_of_an_inlined_call": V + """def @main(%x: Tensor[(2), float32], %y: Tensor[(2), float32]) {
  let %cell = fn (%a: Tensor[(2), float32], %s: (Tensor[(2), float32], Tensor[(2), float32])) {
    let %h = add(%a, %s.0);
    (%h, (%h, multiply(%h, %s.1)))
  };
  let %c1 = %cell(%x, (%x, %y));
  let %c2 = %cell(%c1.0, %c1.1);
  let %out = %c2.0;
  (%out, %c2.1.1)
}
""",
    "returns_a_parameter": V + """def @main(%x: Tensor[(2), float32], %y: Tensor[(2), float32]) {
  %0 = exp(%y);
  (%x, %0)
}
""",
    "result_bound_by_its_translator": V + 'def @main(%x: Tensor[(2, 3), float32]) { shape_of(%x, dtype="int64") }\n',
    "identity": V + "def @main(%x: Tensor[(2), float32]) { %x }\n",
    "constant_result": V + "def @main(%x: Tensor[(2), float32]) { (%x, 1f) }\n",
    "global_calls": V + """def @twice(%x: Tensor[(2), float32]) -> Tensor[(2), float32] { add(%x, %x) }
def @main(%x: Tensor[(2), float32]) {
  %0 = @twice(%x);
  (@twice(%0), %0)
}
""",
    "foldable_dyn_shape": V + """def @main(%x: Tensor[(2, 3), float32]) {
  %0 = shape_of(%x, dtype="int64");
  %1 = reverse(%0, axis=0);
  dyn.reshape(%x, %1, newshape=[])
}
""",
    "runtime_dyn_shape": V + """def @main(%x: Tensor[(6), float32], %s: Tensor[(2), int64]) {
  %0 = exp(%x);
  dyn.reshape(%0, %s, newshape=[])
}
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_same_as_convert_to_dataflow(name):
    assert_same_as_pass(PROGRAMS[name])


@pytest.mark.parametrize("name, expected", [
    ("control", {"main", "while_loop"}),  # main calls a loop lifted to a global function; the loop has an If
    ("fused", set()),
    ("partitioned", set()),
])
def test_only_functions_with_control_flow_go_through_the_pass(name, expected):
    assert {gv.name_hint for gv in direct(TEXT / f"{name}.relay").needs_dataflow_pass} == expected


def test_straight_line_programs_take_the_direct_path():
    for name in ("lets_and_nested_tuples", "item_of_a_tuple_node", "tuple_result_of_an_op", "closures",
                 "item_of_an_inlined_call", "global_calls", "foldable_dyn_shape"):
        assert direct(PROGRAMS[name]).needs_dataflow_pass == [], name


@I.ir_module
class InlinedCallExpected:
    @R.function
    def main(x: R.Tensor((2,), "float32"), y: R.Tensor((2,), "float32")):
        with R.dataflow():
            h = R.add(x, x)  # %c1: only used by %c2, so dataflow vars
            lv = R.multiply(h, y)
            h1 = R.add(h, h)  # %c2.0 and %c2.1.1 are the result: outputs
            lv1 = R.multiply(h1, lv)
            R.output(h1, lv1)
        return (h1, lv1)


def test_items_of_an_inlined_call_are_outputs_only_where_the_result_uses_them():
    mod = from_relay(PROGRAMS["item_of_an_inlined_call"])
    tvm.ir.assert_structural_equal(mod, InlinedCallExpected)
    assert [(name, kind) for _, _, name, kind in bindings_of(mod)] == [
        ("h", "DataflowVar"), ("lv", "DataflowVar"), ("h1", "Var"), ("lv1", "Var")]


@pytest.mark.parametrize("name", ["identity", "constant_result", "result_bound_by_its_translator"])
def test_block_the_pass_would_change_falls_back_to_the_pass_for_that_function(name):
    """An empty body; a result that is a var the op's translator bound itself (shape_of emits its
    shape_to_tensor): a DataflowVar in the block, which the pass makes an output."""
    assert [gv.name_hint for gv in direct(PROGRAMS[name]).needs_dataflow_pass] == ["main"]


def test_control_flow_only_in_a_callee_leaves_the_caller_direct():
    assert [gv.name_hint for gv in direct(PROGRAMS["if_in_a_callee"]).needs_dataflow_pass] == ["pick"]


def test_binding_past_the_binder_translates_the_module_again_with_plain_blocks():
    # dyn.reshape with a run-time shape: its translator binds a match_cast with ctx.bb.match_cast
    with pytest.raises(PlainBlocksNeeded):
        direct(PROGRAMS["runtime_dyn_shape"])
    mod = assert_same_as_pass(PROGRAMS["runtime_dyn_shape"])
    ex = relax.VirtualMachine(tvm.compile(mod, target="llvm"), tvm.cpu())
    x = np.arange(6, dtype="float32")
    out = ex["main"](tvm.runtime.tensor(x), tvm.runtime.tensor(np.array([3, 2], "int64"))).numpy()
    np.testing.assert_allclose(out, np.exp(x).reshape(3, 2), rtol=1e-6)


@I.ir_module
class FoldedExpected:
    @R.function
    def main(x: R.Tensor((2, 3), "float32")):
        with R.dataflow():
            gv = R.shape_of(x)  # shape_of's translator binds these two unnamed ("gv", as in a plain block)
            gv1 = R.shape_to_tensor(gv)
            lv = R.flip(gv1, axis=0)  # computed, unused: the shape is folded to (3, 2) at translation time
            lv1 = R.reshape(x, R.shape([3, 2]))
            R.output(lv1)
        return lv1


def test_constant_folding_reads_bindings_of_a_dataflow_block():
    """fold_constant (op_mappings/dynamic.py) compiles the bindings it reads: DataflowVars here."""
    translator = direct(PROGRAMS["foldable_dyn_shape"])
    assert translator.needs_dataflow_pass == []
    mod = from_relay(PROGRAMS["foldable_dyn_shape"])
    tvm.ir.assert_structural_equal(mod, FoldedExpected)
    assert [name for _, _, name, _ in bindings_of(mod)] == ["gv", "gv1", "lv", "lv1"]


# ----------------------------------------------------------------------------- the binder

def _names_in_block(dataflow: bool) -> list:
    """Emit the same nested expressions into a dataflow block (through a DataflowBinder) or a plain
    block (BlockBuilder.emit): names and order must be the same."""
    bb = TranslationBuilder()
    x = relax.Var("x", relax.TensorType([2], "float32"))
    bb.begin_scope([x])
    (bb._begin_dataflow_block if dataflow else bb._begin_binding_block)()
    emit = DataflowBinder(bb).emit if dataflow else bb.emit
    shared = relax.op.exp(x)
    nested = relax.op.add(relax.op.multiply(shared, shared), relax.op.negative(shared))
    emit(nested)
    emit(relax.op.concat(relax.Tuple([shared, relax.op.sin(x)]), axis=0), "c")
    emit(relax.TupleGetItem(relax.op.split(relax.op.tanh(x), 2), 1))
    emit(relax.op.add(shared, x), "gv")
    block = bb._end_block()
    bb.end_scope()
    return [(b.var.name, str(b.value)) for b in block.bindings]


def test_dataflow_binder_names_and_orders_bindings_as_a_plain_block():
    plain = _names_in_block(False)
    assert _names_in_block(True) == plain
    assert [name for name, _ in plain] == ["gv", "gv1", "gv2", "gv3", "gv4", "c", "gv5", "gv6", "gv7", "gv8"]


# ----------------------------------------------------------------------------- size

def test_100k_op_chain_is_one_dataflow_block_without_recursion():
    from synthetic import chain_text  # bench/synthetic.py

    assert sys.getrecursionlimit() <= 1000
    translator = ModuleTranslator(load_relay(chain_text(100_000)), {}, False, "main")
    mod = translator.run()
    assert translator.needs_dataflow_pass == []
    (block,) = mod["main"].body.blocks
    assert isinstance(block, relax.DataflowBlock) and len(block.bindings) == 100_000
    outputs = [b.var for b in block.bindings if not isinstance(b.var, relax.DataflowVar)]
    assert len(outputs) == 1 and outputs[0].same_as(mod["main"].body.body)
