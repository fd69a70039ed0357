"""migrate.json_reader and migrate.ndarray_format on files written by a REAL legacy Relay.

Fixtures in tests/data/json were printed by ``tvm.ir.save_json`` in TVM 0.16 (Relay); each
``NAME.expect.json`` holds what that Relay itself reports about the module (function order,
parameter names and types, every call's op and attributes, function attributes, spans, ADTs),
and the ``.npz`` files hold its constant and parameter values. make_json_fixtures.py, run under
the legacy interpreter, regenerates all of them.
"""

from __future__ import annotations

import base64
import gzip
import json
import struct
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from migrate import relay_ir as ir
from migrate.errors import ParamsError, RelayJSONError
from migrate.json_reader import RelayJSONVersionWarning, decode_metadata, read_relay_json
from migrate.ndarray_format import read_ndarray, read_param_dict

DATA = Path(__file__).parent / "data" / "json"
MODULE_FIXTURES = [
    "mobilenet",
    "fused_dqn",
    "control_flow",
    "adt",
    "prelude_subset",
    "dynamic",
    "refs",
    "constants",
    "vendor_csi",
]


def fixture_text(name: str) -> str:
    plain = DATA / f"{name}.json"
    if plain.exists():
        return plain.read_text()
    return gzip.decompress((DATA / f"{name}.json.gz").read_bytes()).decode()


def expected(name: str) -> dict:
    plain = DATA / f"{name}.expect.json"
    if plain.exists():
        return json.loads(plain.read_text())
    return json.loads(gzip.decompress((DATA / f"{name}.expect.json.gz").read_bytes()))


def read(name: str) -> ir.IRModule:
    return read_relay_json(fixture_text(name), f"{name}.json")


def recorded_arrays(base: str) -> dict:
    """Arrays the legacy side saved with numpy, with bfloat16 restored from its uint16 bits."""
    import ml_dtypes

    dtypes = json.loads((DATA / f"{base}.dtypes.json").read_text())
    with np.load(DATA / f"{base}.npz", allow_pickle=False) as archive:
        out = {}
        for key in archive.files:
            arr = archive[key]
            out[key] = arr.view(ml_dtypes.bfloat16) if dtypes[key] == "bfloat16" else arr
    return out


# ----------------------------------------------------------------------------- the same facts as Relay


def dim_json(d):
    if isinstance(d, ir.AnyDim):
        return "?"
    if isinstance(d, ir.SizeVar):
        return ["var", d.name, d.dtype]
    if isinstance(d, ir.DimExpr):
        return [d.op, d.dtype, [dim_json(a) for a in d.args]]
    assert type(d) is int, d
    return d


def type_json(t):
    if t is None:
        return None
    if isinstance(t, ir.TensorType):
        return ["tensor", [dim_json(d) for d in t.shape], t.dtype]
    if isinstance(t, ir.TupleType):
        return ["tuple", [type_json(f) for f in t.fields]]
    if isinstance(t, ir.FuncType):
        return ["func", [type_json(a) for a in t.arg_types], type_json(t.ret_type), [type_json(p) for p in t.type_params]]
    if isinstance(t, ir.GlobalTypeVar):
        return ["gtv", t.name]
    if isinstance(t, ir.TypeVar):
        return ["typevar", t.name, t.kind]
    if isinstance(t, ir.TypeCall):
        return ["call", type_json(t.func), [type_json(a) for a in t.args]]
    if isinstance(t, ir.RefType):
        return ["ref", type_json(t.value)]
    if isinstance(t, ir.IncompleteType):
        return ["incomplete"]
    raise AssertionError(f"unexpected type {t!r}")


def plain(value):
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def span_json(span):
    return None if span is None else [span.source_name, span.line, span.column, span.end_line, span.end_column]


def same_value(mine, relay) -> bool:
    """An attribute value equals Relay's; a vendor attrs POD field may stay its raw JSON string."""
    if isinstance(mine, (list, tuple)) and isinstance(relay, list):
        return len(mine) == len(relay) and all(same_value(a, b) for a, b in zip(mine, relay))
    if isinstance(mine, str) and isinstance(relay, (int, float)) and not isinstance(relay, bool):
        return float(mine) == relay
    if isinstance(mine, bool):  # Relay's Python API shows bool attributes as 0 / 1
        return type(relay) in (bool, int) and relay in (0, 1) and mine == bool(relay)
    return mine == relay and type(mine) is type(relay) or (mine == relay and isinstance(relay, float))


def assert_attrs_match(mine, relay, where):
    if relay is None:
        # Ops without attributes read as Attrs(None, {}) (as in the text reader); other callees as None.
        assert mine is None or (mine.type_key is None and mine.fields == {}), where
        return
    assert mine.type_key == relay["type_key"], where
    assert set(mine.fields) == set(relay["fields"]), where
    for key, value in relay["fields"].items():
        assert same_value(plain(mine.fields[key]), value), f"{where}: {key}: {mine.fields[key]!r} != {value!r}"


def my_facts(mod: ir.IRModule) -> dict:
    tops = {id(f) for f in mod.functions.values()}
    calls, local_funcs, spans, lets = [], [], [], []
    seen: set = set()
    for func in mod.functions.values():
        for node in ir.post_order(func):
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, ir.Call):
                op = node.op.name if isinstance(node.op, ir.Op) else type(node.op).__name__
                calls.append([op, node.attrs, len(node.args)])
                if node.span is not None:
                    spans.append(["call", op, span_json(node.span)])
            elif isinstance(node, ir.Function) and id(node) not in tops:
                local_funcs.append({"params": [p.name for p in node.params], "attrs": plain(node.attrs), "type": type_json(node.checked_type)})
            elif isinstance(node, ir.Let):
                lets.append([node.var.name, type_json(node.var.checked_type)])
    key = lambda x: json.dumps(x, sort_keys=True, default=repr)  # noqa: E731
    return {"calls": calls, "local_functions": sorted(local_funcs, key=key), "call_spans": sorted(spans, key=key), "lets": sorted(lets, key=key)}


@pytest.mark.parametrize("name", MODULE_FIXTURES)
def test_module_reads_as_relay_holds_it(name):
    mod = read(name)
    facts = expected(name)
    assert mod.source_format == "json" and mod.version == "0.16.dev0" and mod.source_name == f"{name}.json"

    relay_order = [f["name"] for f in facts["functions"]]
    assert list(mod.functions) == (["main"] if "main" in relay_order else []) + [n for n in relay_order if n != "main"]
    for f in facts["functions"]:
        func = mod.functions[f["name"]]
        assert [[p.name, type_json(p.type_annotation), type_json(p.checked_type)] for p in func.params] == f["params"]
        assert type_json(func.ret_type) == f["ret_type"]
        assert type_json(func.checked_type) == f["type"]
        assert plain(func.attrs) == f["attrs"]
        assert span_json(func.span) == f["span"]

    mine = my_facts(mod)
    # Calls: same multiset of (op, attributes, arity) as Relay's own traversal.
    assert len(mine["calls"]) == len(facts["calls"])
    by_key: dict = {}
    for op, attrs, nargs in mine["calls"]:
        by_key.setdefault((op, nargs), []).append(attrs)
    for op, relay_attrs, nargs in facts["calls"]:
        candidates = by_key[(op, nargs)]
        for k, attrs in enumerate(candidates):
            try:
                assert_attrs_match(attrs, relay_attrs, f"{name}: {op}")
            except AssertionError:
                continue
            del candidates[k]
            break
        else:
            raise AssertionError(f"{name}: no call of {op} with attributes {relay_attrs}; read: {candidates[:2]}")
    assert mine["local_functions"] == facts["local_functions"]
    assert mine["call_spans"] == facts["call_spans"]
    assert mine["lets"] == facts["lets"]

    assert list(mod.type_definitions) == list(facts["type_definitions"]) or set(mod.type_definitions) == set(
        facts["type_definitions"]
    )
    for tname, tdef in facts["type_definitions"].items():
        data = mod.type_definitions[tname]
        assert data.header.name == tname and data.header.kind == "AdtHandle"
        assert [type_json(v) for v in data.type_vars] == tdef["type_vars"]
        assert [[c.name, [type_json(i) for i in c.inputs], c.tag] for c in data.constructors] == tdef["constructors"]
        assert all(c.belong_to is data.header for c in data.constructors)


def test_mobilenet_keeps_sharing_and_checked_types():
    mod = read("mobilenet")
    main = mod.main
    params = {id(p) for p in main.params}
    used_vars = [n for n in ir.post_order(main) if isinstance(n, ir.Var)]
    assert {id(v) for v in used_vars} == params  # every use is the parameter object itself
    assert ir.op_histogram(mod)["nn.conv2d"] == sum(1 for c in expected("mobilenet")["calls"] if c[0] == "nn.conv2d")
    conv = next(ir.calls(main))
    assert conv.op is next(c for c in ir.calls(main) if c.op.name == conv.op.name).op  # one Op object per name
    assert all(isinstance(c.checked_type, (ir.TensorType, ir.TupleType)) for c in ir.calls(main))


def test_fused_functions_and_global_calls():
    mod = read("fused_dqn")
    prims = [n for n in ir.post_order(mod.main) if isinstance(n, ir.Function) and n is not mod.main]
    assert prims and all(f.attrs.get("Primitive") == 1 for f in prims)
    cf = read("control_flow")
    helper_call = next(c for c in ir.post_order(cf.main) if isinstance(c, ir.Call) and isinstance(c.op, ir.GlobalVar))
    assert helper_call.op.name == "helper" and isinstance(helper_call.op.checked_type, ir.FuncType)
    # A string with a newline is written as repr_b64 (length-prefixed base64).
    assert '"repr_b64"' in fixture_text("control_flow")
    assert cf.functions["helper"].attrs["note"] == "line one\nline two"
    assert cf.functions["helper"].attrs["target"] == {"kind": "llvm", "mtriple": "x86_64-linux-gnu", "keys": ("cpu",)}
    # Module attributes: plain values decoded; an object the program does not need stays opaque.
    assert cf.attrs["model_name"] == "cf" and cf.attrs["executor"]["type_key"] == "Executor"
    local = [n for n in ir.post_order(cf.main) if isinstance(n, ir.Function) and n.attrs]
    assert local[0].attrs == {"Primitive": 1, "Compiler": "ccompiler", "global_symbol": "prim0", "Composite": "my.relu"}
    lets = [n for n in ir.post_order(cf.main) if isinstance(n, ir.Let)]
    assert {let.var.name for let in lets} == {"clo", "v"}
    if_node = next(n for n in ir.post_order(cf.main) if isinstance(n, ir.If))
    assert isinstance(if_node.cond, ir.TupleGetItem) and if_node.cond.index == 1
    assert if_node.true_branch.fields[0] is if_node.false_branch.fields[1]  # %v shared


def test_adt_match_patterns():
    mod = read("adt")
    match = next(n for n in ir.post_order(mod["sum_list"]) if isinstance(n, ir.Match))
    assert match.complete and len(match.clauses) == 2
    cons = match.clauses[0].lhs
    assert isinstance(cons, ir.PatternConstructor) and cons.constructor.name == "MyCons"
    assert [type(p) for p in cons.patterns] == [ir.PatternVar, ir.PatternVar]
    assert cons.constructor is mod.type_definitions["MyList"].constructors[0]
    partial = next(n for n in ir.post_order(mod["first_or"]) if isinstance(n, ir.Match))
    assert not partial.complete
    assert isinstance(partial.clauses[0].lhs.patterns[1], ir.PatternWildcard)
    tup = next(n for n in ir.post_order(mod["pairs"]) if isinstance(n, ir.Match))
    assert isinstance(tup.clauses[0].lhs, ir.PatternTuple)
    body_var = tup.clauses[0].rhs.args[0]
    assert body_var is tup.clauses[0].lhs.patterns[0].var  # pattern variable and its use: one Var


def test_refs():
    mod = read("refs")
    kinds = {type(n) for n in ir.post_order(mod.main)}
    assert {ir.RefCreate, ir.RefRead, ir.RefWrite} <= kinds
    read_node = next(n for n in ir.post_order(mod.main) if isinstance(n, ir.RefRead))
    assert type_json(read_node.ref.checked_type) == ["ref", ["tensor", [], "int32"]]


def test_dynamic_shapes():
    mod = read("dynamic")
    xd, xs, xt = mod.main.params
    assert isinstance(xd.type_annotation.shape[0], ir.AnyDim)
    n = xs.type_annotation.shape[0]
    assert n == ir.SizeVar("n", "int64") and xt.type_annotation.shape[1] is n  # one object per symbolic size
    assert xt.type_annotation.shape[0] == ir.SizeVar("m", "int32")
    concat_type = mod.main.ret_type.fields[3]
    assert concat_type.shape[0] == ir.DimExpr("Add", (n, n), "int64")


def test_metadata_section_of_relay_text():
    text = (DATA / "dynamic.relay").read_text()
    meta = decode_metadata(text.split("#[metadata]", 1)[1], "dynamic.relay")
    assert sorted(meta) == ["tir.Add", "tir.Mul", "tir.SizeVar", "tir.Var"]
    assert meta["tir.SizeVar"] == [ir.SizeVar("n", "int64")]
    assert meta["tir.Var"] == [ir.SizeVar("m", "int32")]
    n = meta["tir.SizeVar"][0]
    assert meta["tir.Add"] == [ir.DimExpr("Add", (n, n), "int64")]
    assert meta["tir.Mul"] == [ir.DimExpr("Mul", (n, 8), "int64")]


def test_metadata_with_constants_and_attrs_objects():
    text = json.dumps(
        {
            "root": 1,
            "nodes": [
                {"type_key": ""},
                {"type_key": "Map", "keys": ["relay.Constant", "relay.attrs.Conv2DAttrs"], "data": [2, 4]},
                {"type_key": "Array", "data": [3]},
                {"type_key": "relay.Constant", "attrs": {"_checked_type_": "0", "data": "0", "span": "0"}},
                {"type_key": "Array", "data": [5]},
                {"type_key": "relay.attrs.Conv2DAttrs", "attrs": {"groups": "2", "padding": "6", "data_layout": "8"}},
                {"type_key": "Array", "data": [7, 7]},
                {"type_key": "IntImm", "attrs": {"dtype": "int64", "span": "0", "value": "1"}},
                {"type_key": "runtime.String", "repr_str": "NHWC"},
            ],
            "b64ndarrays": [base64.b64encode(ndarray_bytes(np.array([1.5, 2.5], "float32"))).decode()],
            "attrs": {"tvm_version": "0.16.0"},
        }
    )
    meta = decode_metadata(text, "m.relay")
    np.testing.assert_array_equal(meta["relay.Constant"][0].data, [1.5, 2.5])
    attrs = meta["relay.attrs.Conv2DAttrs"][0]
    assert isinstance(attrs, ir.Attrs) and attrs.type_key == "relay.attrs.Conv2DAttrs"
    # Fields as written (POD "2" still a string): the text parser completes them with the op name.
    assert attrs.fields == {"groups": "2", "padding": (1, 1), "data_layout": "NHWC"}


def test_constants_of_every_dtype():
    mod = read("constants")
    facts = expected("constants")
    values = recorded_arrays("constants")
    fields = mod.main.body.fields
    assert len(fields) == len(facts["constants"]) + 1
    for const, key in zip(fields, facts["constants"]):
        want = values[key]
        assert str(const.data.dtype) == facts["constant_dtypes"][key], key
        assert const.data.shape == want.shape and const.data.tobytes() == want.tobytes(), key
        assert const.data.flags.writeable, key
    assert fields[-1] is fields[1]  # one Constant used twice stays one object
    assert mod.main.body.fields[facts["constants"].index("c_bool")].data.dtype == np.bool_


def test_vendor_attrs_keep_type_key_and_raw_pod_strings():
    mod = read("vendor_csi")
    conv = next(c for c in ir.calls(mod.main) if c.op.name == "qnn.csi.conv2d")
    assert conv.attrs.type_key == "relay.attrs.QnnCSIConv2DAttrs"
    fields = conv.attrs.fields
    # "groups": "1" would index node 1 (the IRModule): not a value kind, so it stays the raw string.
    assert fields["groups"] == "1" and fields["data_layout"] == "NCHW" and fields["out_layout"] == ""
    assert fields["channels"] == 4 and fields["padding"] == (1, 1, 1, 1) and fields["layer_name"] == "conv_0"
    assert fields["q_params"][0] == (1, 0, 1, 0.5, 3)
    leaky = next(c for c in ir.calls(mod.main) if c.op.name == "qnn.csi.leaky_relu")
    assert leaky.attrs.fields["alpha"] == "0.10000000000000001" and leaky.attrs.fields["layer_name"] == "0"


def test_bare_function_and_bare_expression_become_main():
    func = read("bare_function")
    assert list(func.functions) == ["main"]
    assert [p.name for p in func.main.params] == expected("bare_function")["params"]
    expr = read("bare_expr")
    assert [p.name for p in expr.main.params] == ["x"]  # the free variable, as IRModule.from_expr does
    assert expr.main.body.op.name == "add"
    assert expr.main.body.args[0].args[0] is expr.main.params[0]


# ----------------------------------------------------------------------------- deep graphs


def chain_document(n_ops: int, use_let: bool) -> str:
    """save_json text of `n_ops` chained calls (or a `let` per call, nesting n_ops deep)."""
    nodes = [{"type_key": ""}]

    def add(node):
        nodes.append(node)
        return str(len(nodes) - 1)

    module = add({"type_key": "IRModule", "attrs": {}})
    shape = add({"type_key": "Array", "data": [int(add({"type_key": "IntImm", "attrs": {"dtype": "int32", "value": "8"}}))]})
    ty = add({"type_key": "relay.TensorType", "attrs": {"dtype": "float32", "shape": shape}})
    name = add({"type_key": "runtime.String", "repr_str": "x"})
    x = add({"type_key": "relay.Var", "attrs": {"vid": add({"type_key": "relay.Id", "attrs": {"name_hint": name}}), "type_annotation": ty}})
    ops = [add({"type_key": "Op", "repr_str": op}) for op in ("add", "nn.relu", "nn.softmax")]
    softmax_attrs = add({"type_key": "relay.attrs.SoftmaxAttrs", "attrs": {"axis": "-1"}})
    prev, lets = x, []
    for i in range(n_ops):
        kind = i % 3
        args = add({"type_key": "Array", "data": [int(prev), int(prev)] if kind == 0 else [int(prev)]})
        call = add(
            {
                "type_key": "relay.Call",
                "attrs": {"op": ops[kind], "args": args, "attrs": softmax_attrs if kind == 2 else "0", "_checked_type_": ty},
            }
        )
        if use_let:
            vid = add({"type_key": "relay.Id", "attrs": {"name_hint": add({"type_key": "runtime.String", "repr_str": f"v{i}"})}})
            var = add({"type_key": "relay.Var", "attrs": {"vid": vid, "type_annotation": "0"}})
            lets.append((var, call))
            prev = var
        else:
            prev = call
    body = prev
    for var, value in reversed(lets):
        body = add({"type_key": "relay.Let", "attrs": {"var": var, "value": value, "body": body}})
    params = add({"type_key": "Array", "data": [int(x)]})
    func = add({"type_key": "relay.Function", "attrs": {"params": params, "body": body, "ret_type": ty, "attrs": "0"}})
    gv = add({"type_key": "GlobalVar", "attrs": {"name_hint": add({"type_key": "runtime.String", "repr_str": "main"})}})
    nodes[int(module)]["attrs"] = {"functions": add({"type_key": "Map", "data": [int(gv), int(func)]}), "attrs": "0"}
    return json.dumps({"root": int(module), "nodes": nodes, "b64ndarrays": [], "attrs": {"tvm_version": "0.16.0"}})


@pytest.mark.parametrize("use_let", [False, True], ids=["call_chain", "let_chain"])
def test_100k_deep_graph_reads_without_recursion(use_let):
    text = chain_document(100_000, use_let)
    start = time.perf_counter()
    mod = read_relay_json(text, "chain.json")  # conftest keeps the default recursion limit
    seconds = time.perf_counter() - start
    assert sum(ir.op_histogram(mod).values()) == 100_000
    assert seconds < 30, f"100k ops took {seconds:.1f}s"
    node, depth = mod.main.body, 0
    while isinstance(node, ir.Let):
        node, depth = node.body, depth + 1
    assert depth == (100_000 if use_let else 0)
    softmax = next(c for c in ir.calls(mod.main) if c.op.name == "nn.softmax")
    assert softmax.attrs.fields["axis"] == -1


# ----------------------------------------------------------------------------- errors


def doc(nodes, root=1, version="0.16.0", **extra) -> str:
    out = {"root": root, "nodes": [{"type_key": ""}] + nodes, "b64ndarrays": [], "attrs": {"tvm_version": version}}
    out.update(extra)
    return json.dumps(out)


def error_of(text, source="m.json") -> str:
    with pytest.raises(RelayJSONError) as info:
        read_relay_json(text, source)
    return str(info.value)


def test_not_json():
    assert error_of("def @main() { 1 }") == (
        "m.json:1:1: not valid JSON (Expecting value); expected the output of tvm.ir.save_json(mod)"
    )


def test_json_that_is_not_a_node_graph():
    assert error_of('{"a": 1}') == (
        "m.json: not a TVM node graph: expected an object with 'root' and 'nodes' (as written by "
        "tvm.ir.save_json), found keys ['a']"
    )
    assert error_of("[1, 2]").endswith("found a JSON list")
    assert error_of('{"root": 5, "nodes": [{"type_key": ""}]}') == "m.json: 'root' is 5, not a node index below 1"


def test_index_out_of_range():
    text = doc([{"type_key": "relay.Tuple", "attrs": {"fields": "7"}}])
    assert error_of(text) == "m.json: node 1 (relay.Tuple): field 'fields' refers to node 7, but there are only 2 nodes"


def test_missing_field_and_bad_index():
    assert error_of(doc([{"type_key": "relay.Call", "attrs": {"args": "0"}}])) == "m.json: node 1 (relay.Call): missing field 'op'"
    text = doc([{"type_key": "relay.Tuple", "attrs": {"fields": "x1"}}])
    assert error_of(text) == "m.json: node 1 (relay.Tuple): field 'fields' should be a node index, got 'x1'"


def test_unknown_node_type_names_it_and_the_supported_kinds():
    text = doc([{"type_key": "relay.Tuple", "attrs": {"fields": "2"}}, {"type_key": "Array", "data": [3]}, {"type_key": "relay.Fancy"}])
    message = error_of(text)
    assert message.startswith(
        "m.json: node 3 (relay.Fancy): unsupported node type 'relay.Fancy'. tvm-migrate reads these Relay node kinds: "
    )
    assert "relay.Call" in message and "relay.Function" in message and "relay.TensorType" in message


def test_lowered_tir_function_gets_a_hint():
    text = doc([{"type_key": "Map", "data": [2, 3]}, {"type_key": "GlobalVar", "attrs": {"name_hint": "4"}},
                {"type_key": "tir.PrimFunc", "attrs": {}}, {"type_key": "runtime.String", "repr_str": "f"}])
    assert "save it before relay.build" in error_of(text)


def test_relax_module_is_refused():
    text = doc([{"type_key": "IRModule", "attrs": {"functions": "2"}}, {"type_key": "relax.Function", "attrs": {}}])
    assert error_of(text) == (
        "m.json: this is a Relax module, not Relay (it has relax.Function nodes); it needs no migration from "
        "Relay: load it with TVM 0.27's tvm.ir.load_json"
    )


def test_pre_07_layout_is_refused_with_the_upgrade_path():
    text = doc([{"type_key": "relay.Op", "global_key": "nn.relu"}], version="0.6.0")
    assert error_of(text) == (
        "m.json: this JSON uses the TVM 0.6-or-older node layout (node type 'relay.Op'); tvm-migrate reads "
        "TVM 0.7-0.19 output. Upgrade it with any TVM 0.7-0.19: tvm.ir.save_json(tvm.ir.load_json(text)) "
        "(load_json converts old files)"
    )


def test_cycle_is_an_error_not_a_hang():
    text = doc([{"type_key": "relay.Tuple", "attrs": {"fields": "2"}}, {"type_key": "Array", "data": [1]}])
    assert error_of(text) == "m.json: node 2 (Array): cyclic reference: node 1 contains itself"


def test_call_to_an_undefined_global_function():
    document = json.loads(fixture_text("control_flow"))
    functions = next(n for n in document["nodes"] if n["type_key"] == "Map" and n.get("data") and
                     document["nodes"][n["data"][0]]["type_key"] == "GlobalVar")
    names = [document["nodes"][int(document["nodes"][j]["attrs"]["name_hint"])].get("repr_str") for j in functions["data"][::2]]
    k = names.index("helper")
    del functions["data"][2 * k : 2 * k + 2]
    assert error_of(json.dumps(document)) == "m.json: the module uses @helper, which it does not define (it defines @main)"


def test_root_that_is_not_a_program():
    assert error_of(doc([{"type_key": "relay.TensorType", "attrs": {"shape": "2", "dtype": "float32"}}, {"type_key": "Array"}])) == (
        "m.json: the root node (1) is a relay.TensorType, not a Relay IRModule, function or expression"
    )


def test_corrupt_constant_data():
    text = fixture_text("constants")
    document = json.loads(text)
    document["b64ndarrays"][0] = base64.b64encode(base64.b64decode(document["b64ndarrays"][0])[:40]).decode()
    message = error_of(json.dumps(document))
    assert message == (
        "m.json: node 9 (relay.Constant): bad constant data: b64ndarrays[0]: truncated at byte 40 while reading "
        "the shape of the array at byte 0 (needs 16 bytes at byte 32)"
    ), message


def test_versions_outside_014_019_read_with_a_warning():
    text = fixture_text("refs")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_relay_json(text, "refs.json")  # 0.16.dev0: silent
    for version, needle in [("0.12.0", "written by TVM 0.12.0"), (None, "does not say which TVM wrote it")]:
        document = json.loads(text)
        if version is None:
            del document["attrs"]["tvm_version"]
        else:
            document["attrs"]["tvm_version"] = version
        with pytest.warns(RelayJSONVersionWarning, match=needle):
            mod = read_relay_json(json.dumps(document), "refs.json")
        assert mod.version == (version or "")


# ----------------------------------------------------------------------------- .params and NDArrays


def ndarray_bytes(array: np.ndarray, code=None, bits=None, lanes=1, nbytes=None) -> bytes:
    kinds = {"i": 0, "u": 1, "f": 2, "b": 1}
    code = kinds[array.dtype.kind] if code is None else code
    bits = (1 if array.dtype.kind == "b" else array.dtype.itemsize * 8) if bits is None else bits
    data = array.astype(array.dtype.newbyteorder("<")).tobytes()
    head = struct.pack("<QQiiiBBH", 0xDD5E40F096B4A13F, 0, 1, 0, array.ndim, code, bits, lanes)
    shape = struct.pack(f"<{array.ndim}q", *array.shape)
    return head + shape + struct.pack("<q", len(data) if nbytes is None else nbytes) + data


def params_bytes(arrays: dict, n_names=None, n_arrays=None) -> bytes:
    out = struct.pack("<QQQ", 0xF7E58D4F05049CB7, 0, len(arrays) if n_names is None else n_names)
    for name in arrays:
        out += struct.pack("<Q", len(name.encode())) + name.encode()
    out += struct.pack("<Q", len(arrays) if n_arrays is None else n_arrays)
    return out + b"".join(ndarray_bytes(a) for a in arrays.values())


def test_params_of_every_dtype_match_relay():
    got = read_param_dict((DATA / "all_dtypes.params").read_bytes(), "all_dtypes.params")
    want = recorded_arrays("all_dtypes")
    dtypes = json.loads((DATA / "all_dtypes.dtypes.json").read_text())
    assert set(got) == set(want)
    for key, arr in got.items():
        assert str(arr.dtype) == dtypes[key] and arr.shape == want[key].shape, key
        assert arr.tobytes() == want[key].tobytes(), key
        assert arr.flags.writeable and arr.flags.owndata, key


def test_params_agree_with_tvm_027_loader():
    tvm = pytest.importorskip("tvm")
    blob = (DATA / "all_dtypes.params").read_bytes()
    ours = read_param_dict(blob, "all_dtypes.params")
    theirs = tvm.runtime.load_param_dict(blob)
    assert set(theirs) == set(ours)
    for key, arr in ours.items():
        tensor = theirs[key]
        if key == "p_bool":
            # TVM 0.27 reads Relay's bool (uint, 1 bit, a byte per element) as uint1.
            assert str(tensor.dtype) in ("uint1", "bool")
            continue
        assert str(tensor.dtype) == str(arr.dtype), key
        assert tensor.numpy().tobytes() == arr.tobytes(), key


def test_handmade_params_layout_is_what_tvm_reads():
    tvm = pytest.importorskip("tvm")
    w = np.arange(6, dtype="float32").reshape(2, 3)
    blob = params_bytes({"w": w})
    assert len(blob) == 121
    np.testing.assert_array_equal(tvm.runtime.load_param_dict(blob)["w"].numpy(), w)
    np.testing.assert_array_equal(read_param_dict(blob, "p")["w"], w)


@pytest.mark.parametrize(
    "cut, message",
    [
        (4, "p.params: not a TVM params file (only 4 bytes; a .params file starts with 8 magic bytes)"),
        (20, "p.params: truncated at byte 20 while reading the number of names (needs 8 bytes at byte 16)"),
        (32, "p.params: truncated at byte 32 while reading name #0 (1 bytes declared at byte 24)"),
        (36, "p.params: truncated at byte 36 while reading the number of arrays (needs 8 bytes at byte 33)"),
        (60, "p.params: truncated at byte 60 while reading the header of array 'w' (needs 32 bytes at byte 41)"),
        (80, "p.params: truncated at byte 80 while reading the shape of array 'w' (needs 16 bytes at byte 73)"),
        (92, "p.params: truncated at byte 92 while reading the byte size of array 'w' (needs 8 bytes at byte 89)"),
        (120, "p.params: truncated at byte 120 while reading the data of array 'w' (needs 24 bytes at byte 97)"),
    ],
)
def test_truncated_params(cut, message):
    blob = params_bytes({"w": np.arange(6, dtype="float32").reshape(2, 3)})
    with pytest.raises(ParamsError) as info:
        read_param_dict(blob[:cut], "p.params")
    assert str(info.value) == message


def params_error(blob: bytes) -> str:
    with pytest.raises(ParamsError) as info:
        read_param_dict(blob, "p.params")
    return str(info.value)


def test_corrupt_params():
    w = np.arange(6, dtype="float32").reshape(2, 3)
    assert params_error(b"PK\x03\x04" + bytes(20)) == (
        "p.params: not a TVM params file (magic 0x0000000004034B50, expected 0xF7E58D4F05049CB7)"
    )
    assert params_error(params_bytes({"w": w}, n_arrays=2)) == (
        "p.params: the file lists 1 names but 2 arrays (count at byte 33); the file is corrupt"
    )
    assert params_error(params_bytes({"w": w}, n_names=1 << 60)) == (
        "p.params: corrupt name count 1152921504606846976 at byte 16: only 97 bytes follow"
    )
    assert params_error(params_bytes({"w": w}) + b"\0") == "p.params: 1 unexpected bytes after the last array (from byte 121)"
    head = struct.pack("<QQQQ", 0xF7E58D4F05049CB7, 0, 1, 1) + b"w" + struct.pack("<Q", 1)
    assert params_error(head + ndarray_bytes(w, nbytes=20)) == (
        "p.params: array 'w' declares 20 data bytes at byte 89, but shape (2, 3) of float32 needs 24"
    )
    assert params_error(head + ndarray_bytes(w, code=9)) == (
        "p.params: array 'w' (byte 69): unknown dtype (type code 9 with 32 bits; type code 9, bits 32)"
    )
    assert params_error(head + ndarray_bytes(w, lanes=4)) == (
        "p.params: array 'w' (byte 69): vector dtype (float32x4) is not supported"
    )
    bad_magic = bytearray(head + ndarray_bytes(w))
    bad_magic[41] ^= 0xFF
    assert params_error(bytes(bad_magic)) == (
        "p.params: array 'w' does not start with the NDArray magic (found 0xDD5E40F096B4A1C0 at byte 41, "
        "expected 0xDD5E40F096B4A13F)"
    )
    huge = bytearray(head + ndarray_bytes(w))
    huge[73:81] = struct.pack("<q", 1 << 40)  # a huge extent must not allocate: nbytes disagrees first
    assert "declares 24 data bytes" in params_error(bytes(huge))
    huge[89:97] = struct.pack("<q", 12 << 40)  # consistent but absent: checked before allocating
    assert params_error(bytes(huge)) == (
        "p.params: truncated at byte 121 while reading the data of array 'w' (needs 13194139533312 bytes at byte 97)"
    )


def test_read_ndarray_offsets_and_special_dtypes():
    import ml_dtypes

    arrays = [np.array([True, False, True]), np.array(7, dtype="int64"), np.array([1.5, -2.0], dtype=ml_dtypes.bfloat16)]
    blob = b"xx" + b"".join(ndarray_bytes(a, code=4 if a.dtype == ml_dtypes.bfloat16 else None) for a in arrays)
    offset = 2
    for want in arrays:
        got, offset = read_ndarray(memoryview(blob), offset)
        assert got.dtype == want.dtype and got.shape == want.shape and got.tobytes() == want.tobytes()
    assert offset == len(blob)
    # Relay writes bool as one byte per element; any non-zero byte is True.
    raw = bytearray(ndarray_bytes(np.array([True, False])))
    raw[-2] = 2
    assert read_ndarray(bytes(raw))[0].tolist() == [True, False]
