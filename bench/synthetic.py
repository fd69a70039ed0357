"""Synthetic Relay modules of any size, in both saved forms, for speed and depth tests.

The program is a chain of elementwise ops over a (1, 8) float32 tensor, each op reading the
previous result (and sometimes the one before it), with attributes on a share of the calls:
the shape of a real graph's dataflow, at 100k ops, without its weights. Text follows what
``mod.astext()`` prints; JSON follows ``tvm.ir.save_json`` (TVM 0.16 node layout).
"""

from __future__ import annotations

import json

# (op, text attrs, JSON attrs type, JSON POD fields) for the cycle of ops in the chain.
_CYCLE = (
    ("add", "", None, None),
    ("nn.relu", "", None, None),
    ("multiply", "", None, None),
    ("nn.leaky_relu", ", alpha=0.1f", "relay.attrs.LeakyReluAttrs", {"alpha": "0.10000000000000001"}),
    ("sigmoid", "", None, None),
    ("clip", ", a_min=-1f, a_max=1f", "relay.attrs.ClipAttrs", {"a_min": "-1", "a_max": "1"}),
    ("tanh", "", None, None),
    ("nn.softmax", ", axis=1", "relay.attrs.SoftmaxAttrs", {"axis": "1"}),
)
_BINARY = {"add", "multiply"}
_TY = "Tensor[(1, 8), float32]"


def chain_text(n_ops: int) -> str:
    """Relay text of an `n_ops`-call chain, as ``mod.astext()`` prints it."""
    lines = ['#[version = "0.0.5"]', f"def @main(%x: {_TY}) -> {_TY} {{"]
    prev, prev2 = "%x", "%x"
    for i in range(n_ops):
        op, attrs, _, _ = _CYCLE[i % len(_CYCLE)]
        args = f"{prev}, {prev2}" if op in _BINARY else prev
        if i == n_ops - 1:
            lines.append(f"  {op}({args}{attrs}) /* ty={_TY} */")
        else:
            lines.append(f"  %{i} = {op}({args}{attrs}) /* ty={_TY} */;")
        prev2, prev = prev, f"%{i}"
    lines.append("}")
    return "\n".join(lines) + "\n"


def chain_json(n_ops: int) -> str:
    """``tvm.ir.save_json`` JSON of the same chain as `chain_text`."""
    nodes: list = [{"type_key": ""}]

    def add(node: dict) -> int:
        nodes.append(node)
        return len(nodes) - 1

    def string(value: str) -> int:
        return add({"type_key": "runtime.String", "repr_str": value})

    def int_imm(value: int) -> int:
        return add({"type_key": "IntImm", "attrs": {"dtype": "int32", "span": "0", "value": str(value)}})

    module = add({"type_key": "IRModule", "attrs": {}})
    shape = add({"type_key": "Array", "data": [int_imm(1), int_imm(8)]})
    tensor_ty = add({"type_key": "relay.TensorType", "attrs": {"dtype": "float32", "shape": str(shape), "span": "0"}})
    vdev = add(
        {
            "type_key": "VirtualDevice",
            "attrs": {"device_type_int": "-1", "memory_scope": str(string("")), "target": "0", "virtual_device_id": "-1"},
        }
    )
    vid = add({"type_key": "relay.Id", "attrs": {"name_hint": str(string("x"))}})
    x = add(
        {
            "type_key": "relay.Var",
            "attrs": {"_checked_type_": "0", "span": "0", "type_annotation": str(tensor_ty), "vid": str(vid), "virtual_device_": str(vdev)},
        }
    )
    ops: dict = {}
    empty = add({"type_key": "Array"})
    prev, prev2 = x, x
    for i in range(n_ops):
        op, _, attrs_type, pod = _CYCLE[i % len(_CYCLE)]
        if op not in ops:
            ops[op] = add({"type_key": "Op", "repr_str": op})
        args = add({"type_key": "Array", "data": [prev, prev2] if op in _BINARY else [prev]})
        attrs = add({"type_key": attrs_type, "attrs": dict(pod)}) if attrs_type else 0
        call = add(
            {
                "type_key": "relay.Call",
                "attrs": {
                    "_checked_type_": str(tensor_ty),
                    "args": str(args),
                    "attrs": str(attrs),
                    "op": str(ops[op]),
                    "span": "0",
                    "type_args": str(empty),
                    "virtual_device_": str(vdev),
                },
            }
        )
        prev2, prev = prev, call
    params = add({"type_key": "Array", "data": [x]})
    func = add(
        {
            "type_key": "relay.Function",
            "attrs": {
                "_checked_type_": "0",
                "attrs": "0",
                "body": str(prev),
                "params": str(params),
                "ret_type": str(tensor_ty),
                "span": "0",
                "type_params": str(empty),
                "virtual_device_": str(vdev),
            },
        }
    )
    gvar = add(
        {
            "type_key": "GlobalVar",
            "attrs": {"_checked_type_": "0", "name_hint": str(string("main")), "span": "0", "struct_info_": "0", "virtual_device_": "0"},
        }
    )
    functions = add({"type_key": "Map", "data": [gvar, func]})
    gvar_map = add({"type_key": "Map", "keys": ["main"], "data": [gvar]})
    empty_map = add({"type_key": "Map"})
    source_map = add({"type_key": "SourceMap", "attrs": {"source_map": str(empty_map)}})
    nodes[module]["attrs"] = {
        "attrs": "0",
        "functions": str(functions),
        "global_infos": str(empty_map),
        "global_type_var_map_": str(empty_map),
        "global_var_map_": str(gvar_map),
        "source_map": str(source_map),
        "type_definitions": str(empty_map),
    }
    doc = {"root": module, "nodes": nodes, "b64ndarrays": [], "attrs": {"tvm_version": "0.16.dev0"}}
    return json.dumps(doc, separators=(",", ":"))
