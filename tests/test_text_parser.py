"""The Relay text parser on what real Relay printed (tests/data/text, see make_text_fixtures.py).

Expected values come from the legacy Relay that printed the fixtures (its JSON twins, the
constructor tags it assigned) or from reading the fixture text by eye; never from the parser.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from migrate import relay_ir as ir
from migrate.errors import RelayParseError
from migrate.json_reader import read_relay_json
from migrate.relay_compare import first_difference
from migrate.text_parser import parse_relay_text
from synthetic import chain_text

DATA = Path(__file__).parent / "data" / "text"
HEADER = '#[version = "0.0.5"]\n'


def load(name: str) -> ir.IRModule:
    path = DATA / f"{name}.relay"
    return parse_relay_text(path.read_text(encoding="utf-8"), path.name)


def calls_by_op(func: ir.Function) -> dict:
    out: dict = {}
    for call in ir.calls(func):
        out.setdefault(call.op.name, []).append(call)
    return out


def tensor(shape, dtype="float32") -> ir.TensorType:
    return ir.TensorType(tuple(shape), dtype)


# ----------------------------------------------------------------------------- text == JSON


def _without_what_text_cannot_hold(mod: ir.IRModule) -> ir.IRModule:
    """The text printer never writes a call's `type_args` (type inference fills them in JSON)."""
    for func in mod.functions.values():
        for node in ir.post_order(func):
            if isinstance(node, ir.Call):
                node.type_args = ()
    return mod


@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*.json")))
def test_text_reads_to_the_same_program_as_the_json_twin(name):
    from_text = load(name)
    from_json = _without_what_text_cannot_hold(read_relay_json((DATA / f"{name}.json").read_text(), name))
    assert from_text.source_format == "text" and from_text.version == "0.0.5"
    diff = first_difference(from_json, from_text, text_vs_json=True, compare_types=True)
    assert diff is None, str(diff)


# ----------------------------------------------------------------------------- structure


def test_graph_bindings_are_shared_nodes_not_lets():
    mod = load("basic")
    main = mod.main
    assert [p.name for p in main.params] == ["x", "conv1/7x7_s2_b_0"]
    assert main.params[1].type_annotation == tensor((4, 3, 3, 3))
    nested = ir.TupleType((tensor((1, 3, 8, 8)),))
    assert main.ret_type == ir.TupleType((tensor((1, 4, 8, 8)), tensor((1, 4, 7, 7)), nested, ir.TupleType(())))
    out = main.body
    assert isinstance(out, ir.Tuple) and len(out.fields) == 4
    first, second, single, empty = out.fields
    assert isinstance(first, ir.TupleGetItem) and first.index == 0
    assert isinstance(second, ir.TupleGetItem) and second.index == 1
    assert first.tuple_value is second.tuple_value  # %7 used twice: one node
    pair = first.tuple_value
    multiply, pool = pair.fields
    assert pool.op.name == "nn.max_pool2d" and pool.args[0] is multiply  # %5 shared
    assert isinstance(single, ir.Tuple) and single.fields == [main.params[0]]
    assert isinstance(empty, ir.Tuple) and empty.fields == []
    assert not any(isinstance(n, ir.Let) for n in ir.post_order(main))


def test_attributes_get_v019_defaults_and_types_come_from_comments():
    ops = calls_by_op(load("basic").main)
    conv = ops["nn.conv2d"][0]
    assert conv.attrs.type_key == "relay.attrs.Conv2DAttrs"
    assert conv.attrs.fields["padding"] == (1, 1, 1, 1)  # printed
    assert conv.attrs.fields["strides"] == (1, 1) and conv.attrs.fields["data_layout"] == "NCHW"  # defaults
    assert conv.attrs.fields["channels"] == 4 and conv.attrs.fields["kernel_size"] == (3, 3)
    assert conv.checked_type == tensor((1, 4, 8, 8))
    relu = ops["nn.relu"][0].attrs
    assert relu.type_key is None and relu.fields == {}  # an op without attributes


def test_inline_scalars_and_metadata_constants():
    ops = calls_by_op(load("basic").main)
    tensor_const, scalar = (c.args[1] for c in ops["add"])
    np.testing.assert_array_equal(tensor_const.data, np.arange(4, dtype="float32").reshape(4, 1, 1))
    assert tensor_const.checked_type == tensor((4, 1, 1))
    assert scalar.data.dtype == np.float32 and scalar.data.shape == () and scalar.data == 1.0
    assert scalar.checked_type == tensor(())
    two = ops["cast"][0].args[0]
    assert two.data.dtype == np.int64 and two.data == 2


def test_every_literal_form_the_printer_writes():
    ops = calls_by_op(load("literals").main)
    consts = [c.args[1] for c in ops["add"][:3]]
    assert math.isnan(consts[0].data) and consts[0].data.dtype == np.float32
    assert consts[1].data == np.float32(-1e6) and consts[2].data == np.float32(1e-5)
    cast_args = [c.args[0].data for c in ops["cast"]]
    assert [str(a.dtype) for a in cast_args] == ["float16", "float32", "int16", "int8", "uint8", "bool", "int32"]
    assert [a.item() for a in cast_args] == [2.5, 2.5, 3, 3, 3, True, -7]
    clip = ops["clip"][0].attrs.fields
    assert clip == {"a_min": -math.inf, "a_max": math.inf}
    assert ops["nn.leaky_relu"][0].attrs["alpha"] == 0.123457
    resize = ops["image.resize2d"][0].attrs
    assert resize["roi"] == (0.0, 0.0, 0.0, 0.0) and resize["coordinate_transformation_mode"] == "align_corners"
    assert resize["method"] == "linear" and resize["rounding_method"] == ""
    assert ops["strided_slice"][0].attrs["axes"] is None and ops["reshape"][0].attrs["newshape"] == (-1,)


def test_meta_attrs_in_place_of_attributes():
    trilu = calls_by_op(load("literals").main)["trilu"][0]
    assert len(trilu.args) == 2
    assert trilu.attrs.type_key == "relay.attrs.TriluAttrs" and trilu.attrs["upper"] is False


def test_symbolic_dimensions():
    main = load("dynamic").main
    x, y, z = main.params
    n = x.type_annotation.shape[0]
    assert n == ir.SizeVar("n", "int64") and x.type_annotation.shape[1] == 3
    assert isinstance(y.type_annotation.shape[0], ir.AnyDim)
    assert z.type_annotation.shape[0] == ir.SizeVar("m", "int32")
    assert main.ret_type.fields[0].shape[0] == n and main.body.fields[0].checked_type.shape[0] == n


def test_let_if_and_a_recursive_closure():
    main = load("control").main
    let_t = main.body
    assert isinstance(let_t, ir.Let) and let_t.var.name == "t" and let_t.value.op.name == "nn.relu"
    assert let_t.var.checked_type == tensor((2,))
    add = let_t.body
    assert add.op.name == "add" and add.args[1] is let_t.var
    loop_let = add.args[0]  # printed as `%4 = ( let %while_loop = fn ...; ... )`
    assert isinstance(loop_let, ir.Let) and loop_let.var.name == "while_loop"
    assert isinstance(loop_let.var.type_annotation, ir.FuncType)
    func = loop_let.value
    assert isinstance(func, ir.Function) and [p.name for p in func.params] == ["i", "acc"]
    branch = func.body
    assert isinstance(branch, ir.If) and branch.cond.op.name == "less"
    assert branch.true_branch.op is loop_let.var  # the let variable is in scope in its own value
    assert isinstance(branch.false_branch, ir.Tuple)
    result = loop_let.body
    assert isinstance(result, ir.TupleGetItem) and result.index == 1 and result.tuple_value.op is loop_let.var


def test_bare_expression_with_free_vars_becomes_main():
    main = load("bare_expression").main
    assert [p.name for p in main.params] == ["b", "a", "free"]
    add = main.body
    assert add.op.name == "add" and add.args[1] is main.params[2]
    let = add.args[0]
    assert isinstance(let, ir.Let) and let.var.name == "v" and isinstance(let.body, ir.If)
    assert let.body.cond is main.params[1]


def test_fused_functions_and_printer_names():
    main = load("fused").main
    assert [p.name for p in main.params] == ["x", "aten::linear_0.weight", "v0"]
    prims = [n for n in ir.post_order(main) if isinstance(n, ir.Function) and n is not main]
    assert len(prims) == 3 and all(f.attrs == {"Primitive": 1} for f in prims)
    dense_call = main.body.fields[0]
    assert dense_call.op in prims and dense_call.args[1] is main.params[1]
    assert dense_call.op.checked_type == ir.FuncType((tensor((1, 8)), tensor((4, 8))), tensor((1, 4)))
    dense = dense_call.op.body.args[0]
    assert dense.op.name == "nn.dense" and dense.attrs["units"] is None and dense.attrs["out_dtype"] == ""


def test_partitioned_module_with_forward_global_reference():
    mod = load("partitioned")
    assert list(mod.functions) == ["main", "tvmgen_default_dnnl_main_0"]
    call = mod.main.body
    assert isinstance(call.op, ir.GlobalVar) and call.op.name == "tvmgen_default_dnnl_main_0"
    ext = mod["tvmgen_default_dnnl_main_0"]
    assert ext.attrs == {"Compiler": "dnnl", "Primitive": 1, "Inline": 1, "global_symbol": "tvmgen_default_dnnl_main_0"}
    composite = ext.body.op
    assert composite.attrs == {"PartitionedFromPattern": "nn.conv2d_nn.relu_", "Composite": "dnnl.conv2d_relu"}


def test_references():
    main = load("references").main
    let_r = main.body
    assert isinstance(let_r.value, ir.RefCreate) and let_r.var.type_annotation == ir.RefType(tensor((2,)))
    let_unit = let_r.body
    assert let_unit.var.type_annotation == ir.TupleType(())
    write = let_unit.value
    assert isinstance(write, ir.RefWrite) and write.ref is let_r.var
    assert isinstance(write.value.args[0], ir.RefRead)
    assert isinstance(let_unit.body, ir.RefRead) and let_unit.body.ref is let_r.var


def test_spans_and_escaped_strings():
    main = load("spans_and_strings").main
    inner = main.body.op
    assert inner.attrs["Composite"] == 'a"b\\c\n\td\x01\u00e9'
    assert inner.body.span == ir.Span("my model.py", 3, 7)


def test_adts_match_and_constructor_tags():
    mod = load("adt")
    assert list(mod.type_definitions) == ["List", "Option", "Tree"]
    lst = mod.type_definitions["List"]
    assert [c.name for c in lst.constructors] == ["Cons", "Nil"] and lst.type_vars == (ir.TypeVar("A"),)
    # Tags that legacy Relay assigned (module.cc RegisterConstructors), read from mod[gtv].constructors.
    assert [c.tag for c in lst.constructors] == [-2013265920, -2013265919]
    assert [c.tag for c in mod.type_definitions["Option"].constructors] == [1107296256, 1107296257]
    cons = lst.constructors[0]
    assert cons.inputs == (ir.TypeVar("A"), ir.TypeCall(lst.header, (ir.TypeVar("A"),)))
    fmap = mod["map"]
    assert fmap.type_params == (ir.TypeVar("A"), ir.TypeVar("B"))
    match = fmap.body
    assert isinstance(match, ir.Match) and match.complete and match.data is fmap.params[1]
    pat = match.clauses[0].lhs
    assert isinstance(pat, ir.PatternConstructor) and pat.constructor is cons
    assert [p.var.name for p in pat.patterns] == ["x8", "rest5"]
    rhs = match.clauses[0].rhs
    assert rhs.op is cons and rhs.args[0].args[0] is pat.patterns[0].var
    nil = match.clauses[1].rhs
    assert isinstance(nil, ir.Call) and nil.op is lst.constructors[1] and nil.args == []
    assert nil.checked_type == ir.TypeCall(lst.header, (ir.TypeVar("B"),))
    assert nil.span == ir.Span("prelude.rly", 103, 12)
    hd = mod["hd"].body
    assert not hd.complete and isinstance(hd.clauses[0].lhs.patterns[1], ir.PatternWildcard)
    concat = mod["concat"].body
    assert concat.op.name == "foldr" and concat.args[0] is cons  # a constructor passed as a value


# ----------------------------------------------------------------------------- names and hand-written forms


def test_names_are_scoped_per_function_and_block():
    mod = parse_relay_text(HEADER + """
def @f(%x: float32) -> float32 {
  %0 = nn.relu(%x);
  %1 = fn (%x: float32) {
    %0 = exp(%x);
    %0
  };
  %2 = %1(%0);
  add(%2, %0)
}
def @g(%y: float32) {
  %0 = negative(%y);
  @f(%0)
}
""")
    f = mod["f"]
    add = f.body
    relu = add.args[1]
    assert relu.op.name == "nn.relu" and relu.args[0] is f.params[0]
    inner = add.args[0].op
    assert inner.body.op.name == "exp" and inner.body.args[0] is inner.params[0]  # the inner %x
    assert add.args[0].args[0] is relu  # the outer %0 again after the inner block
    g = mod["g"]
    assert g.body.args[0].op.name == "negative" and g.body.op.name == "f"


def test_projection_suffix_on_names_and_binary_operators():
    mod = parse_relay_text(HEADER + """
def @main(%t: (float32, (float32, float32)), %input.1: float32) {
  %0 = %t.1.0 + %input.1 * 2f;   // a comment /* not nested here */
  /* a /* nested */ comment */
  (%0, %t.0)
}
""")
    t, named = mod.main.params
    assert named.name == "input.1"
    add = mod.main.body.fields[0]
    assert add.op.name == "add" and add.args[1].op.name == "multiply" and add.args[1].args[0] is named
    left = add.args[0]
    assert isinstance(left, ir.TupleGetItem) and left.index == 0 and left.tuple_value.index == 1
    assert left.tuple_value.tuple_value is t


def test_variable_names_as_frontends_made_them():
    mod = parse_relay_text(HEADER + """
def @main(%input_1:0: float32, %gpu_0/data_0: float32, %layer-1: float32, %onnx::Conv_5: float32) {
  (%input_1:0, %gpu_0/data_0, %layer-1, %onnx::Conv_5, -nanf, 3u8, 7i8)
}
""")
    params = mod.main.params
    assert [p.name for p in params] == ["input_1:0", "gpu_0/data_0", "layer-1", "onnx::Conv_5"]
    fields = mod.main.body.fields
    assert fields[:4] == params
    assert math.isnan(fields[4].data) and (fields[5].data.dtype, fields[6].data.dtype) == (np.uint8, np.int8)


def test_forms_the_printer_writes_rarely():
    text = (
        HEADER + "def @main(%x {virtual_device=VirtualDevice(device_type=2, target=Target(...))}: "
        "Tensor[(1i64, 3i64), float32], %f: fn [A](A) -> A) -> float32 {\n"
        "  %0 = %f(%x);\n  %0;\n  1f\n}\n"
    ).replace("\n", "\r\n")
    main = parse_relay_text(text).main
    x, f = main.params
    assert x.type_annotation == tensor((1, 3))
    assert f.type_annotation == ir.FuncType((ir.TypeVar("A"),), ir.TypeVar("A"), (ir.TypeVar("A"),))
    seq = main.body  # `e; e2` is a let of an unnamed variable, as upstream reads it
    assert isinstance(seq, ir.Let) and seq.var.name == "" and seq.value.op is f
    assert seq.body.data == 1.0


def test_header_is_optional_and_kept():
    assert parse_relay_text("def @main() { 1 }").version == ""
    assert load("qnn").version == "0.0.5"


# ----------------------------------------------------------------------------- errors

ERRORS = [
    (
        HEADER + 'def @main(%x: Tensor[(1, 3, 4, 4), float32], %w: Tensor[(3, 3, 1, 1), float32]) {\n'
        '  nn.conv2d(%x, %w, data_layout="NCHW)\n}\n',
        'case.relay:3:33: error: unterminated string literal: expected a closing `"` on the same line',
    ),
    (HEADER + "def @main(%x: float32) {\n  add(%x, $)\n}\n", "case.relay:3:11: error: unexpected character '$'"),
    (
        HEADER + "def @main(%x: float32) {\n  %0 = add(%x, %x;\n  %0\n}\n",
        "case.relay:3:18: error: expected `,` or `)` in the call arguments, found `;`",
    ),
    (HEADER + "def @main(%x: float32) {\n  add(%x, %y)\n}\n", "case.relay:3:11: error: undefined variable `%y`"),
    (
        HEADER + "def @main(%x: float32) {\n  nn.softmax(%x, axis=1, foo=2)\n}\n",
        "case.relay:3:26: error: bad call attributes: nn.softmax: unknown attribute 'foo' for "
        "relay.attrs.SoftmaxAttrs; valid attributes are: axis",
    ),
    (
        HEADER + "def @main(%x: float32) {\n  /* unfinished\n  %x\n}\n",
        "case.relay:3:3: error: unterminated comment: expected `*/`, found end of input",
    ),
    (
        HEADER + "def @main(%x: float32) {\n  @helper(%x)\n}\n",
        "case.relay:3:3: error: undefined global function `@helper`",
    ),
    (
        HEADER + "def @main(%x: Tensor[(2), floaty]) {\n  %x\n}\n",
        "case.relay:2:27: error: expected a dtype such as `float32`, found `floaty`",
    ),
    (
        HEADER + "def @main(%x: float32) {\n  %x\n",
        "case.relay:3:5: error: expected `}` to close the block, found end of input",
    ),
    (HEADER + "def @main() {\n  %0 = ;\n  %0\n}\n", "case.relay:3:8: error: expected an expression, found `;`"),
    (
        HEADER + "def @main() {\n  99999999999999999999\n}\n",
        "case.relay:3:3: error: integer `99999999999999999999` is out of range for int32",
    ),
]


@pytest.mark.parametrize("text, expected", ERRORS, ids=[e.split("error: ")[1][:40] for _, e in ERRORS])
def test_malformed_text_gives_a_positioned_message(text, expected):
    with pytest.raises(RelayParseError) as info:
        parse_relay_text(text, "case.relay")
    assert str(info.value).splitlines()[0] == expected
    line = text.splitlines()[info.value.line - 1]
    assert info.value.line_text == line


def test_meta_reference_without_metadata_names_the_fix():
    with pytest.raises(RelayParseError) as info:
        load("basic_nometa")
    err = info.value
    assert (err.line, err.column) == (5, 16)
    assert err.message == (
        "`meta[relay.Constant][0]` refers to the metadata section, but the text has none "
        "(it was printed with show_meta_data=False)"
    )
    assert err.hint == (
        "the text was printed without its metadata section; re-export it with "
        "mod.astext(show_meta_data=True) or save the module with tvm.ir.save_json(mod)"
    )


def test_meta_reference_in_hand_written_text_without_metadata():
    with pytest.raises(RelayParseError) as info:
        parse_relay_text(HEADER + "def @main() {\n  meta[relay.Constant][0]\n}\n")
    assert info.value.message == "`meta[relay.Constant][0]` refers to the metadata section, but the text has none"


def test_meta_index_out_of_range():
    text = (DATA / "basic.relay").read_text().replace("meta[relay.Constant][0]", "meta[relay.Constant][3]")
    with pytest.raises(RelayParseError) as info:
        parse_relay_text(text, "basic.relay")
    assert info.value.message == (
        "`meta[relay.Constant][3]` is out of range: the metadata section holds 1 `relay.Constant` entry"
    )


def test_too_deep_nesting_is_an_error_not_a_crash():
    text = HEADER + "def @main(%x: float32) {\n  " + "(" * 3000 + "%x" + ")" * 3000 + "\n}\n"
    with pytest.raises(RelayParseError, match="nests too deeply"):
        parse_relay_text(text)


# ----------------------------------------------------------------------------- size


def test_100k_op_chain_parses_without_recursion():
    mod = parse_relay_text(chain_text(100_000))
    assert sum(ir.op_histogram(mod).values()) == 100_000
    last = mod.main.body
    assert last.op.name == "nn.softmax" and last.checked_type == tensor((1, 8))
    assert last.args[0].op.name == "tanh"


def test_100k_nested_lets_parse():
    n = 100_000
    lines = [f"  let %v{i} = nn.relu(%v{i - 1});" if i else "  let %v0 = nn.relu(%x);" for i in range(n)]
    text = HEADER + "def @main(%x: Tensor[(2), float32]) {\n" + "\n".join(lines) + f"\n  %v{n - 1}\n}}\n"
    main = parse_relay_text(text).main
    node, previous, depth = main.body, main.params[0], 0
    while isinstance(node, ir.Let):
        assert node.value.args[0] is previous
        node, previous, depth = node.body, node.var, depth + 1
    assert depth == n and node is previous
