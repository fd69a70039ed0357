"""Divergence localization: which Relay node is the first whose Relax counterpart computes something else.

The bundle's ``intermediates.npz`` holds the value of every expression node of ``@main`` from an
unfused Relay run, keyed by the node's index in ``model.json`` (see ``relay_export.py
--intermediates``). Here the same program is read from ``model.json``, the indices are recovered by
walking the JSON beside the decoded nodes, and a probe program is built whose ``@main`` returns
all those nodes as one tuple (inside main's chain of ``let``s, so every variable stays in scope).
The probe goes through the same converter and compiler as the model itself, runs once on the
bundle's inputs, and its values are compared with Relay's in topological order: the first node
that differs, while everything it consumes matched, is where the translation goes wrong.
"""

from __future__ import annotations

import json
from typing import Optional

from .. import relay_ir as ir
from ..errors import MigrateError
from .bundle import Bundle
from .compare import compare

# Fields of each expression node, named alike in model.json and on `migrate.relay_ir` nodes.
_EXPR_FIELDS = {
    "relay.Function": ("params", "body"),
    "relay.Call": ("op", "args"),
    "relay.Tuple": ("fields",),
    "relay.TupleGetItem": ("tuple_value",),
    "relay.Let": ("var", "value", "body"),
    "relay.If": ("cond", "true_branch", "false_branch"),
}


def json_expr_index(doc: dict, main: ir.Function, entry: str = "main") -> dict:
    """{node index in doc["nodes"]: expression} for `main` as decoded from the save_json document `doc`."""
    nodes = doc["nodes"]

    def ref(i: int, name: str) -> int:
        value = nodes[i].get("attrs", {}).get(name)
        if value is None:
            raise MigrateError(f"model.json node {i} ({nodes[i].get('type_key')}) has no field '{name}'")
        return int(value)

    fmap = nodes[ref(int(doc["root"]), "functions")].get("data", [])
    main_index = next((fmap[k + 1] for k in range(0, len(fmap), 2)
                       if nodes[ref(fmap[k], "name_hint")].get("repr_str") == entry), None)
    if main_index is None:
        raise MigrateError(f"model.json has no function @{entry}")
    out: dict = {}
    stack = [(main_index, main)]
    while stack:
        i, obj = stack.pop()
        if i in out or i == 0:
            continue
        out[i] = obj
        key = nodes[i].get("type_key")
        if key == "relay.Function" and i != main_index:
            continue
        for name in _EXPR_FIELDS.get(key, ()):
            j, child = ref(i, name), getattr(obj, name)
            if nodes[j].get("type_key") == "Array":
                data = nodes[j].get("data", [])
                if len(data) != len(child):
                    raise MigrateError(f"model.json node {i}: field '{name}' has {len(data)} entries, "
                                       f"the decoded node {len(child)}")
                stack.extend(zip(data, child))
            else:
                stack.append((j, child))
    return out


def probe_module(mod: ir.IRModule, nodes: list) -> ir.IRModule:
    """`mod` with @main returning the tuple of `nodes` (in scope: inside main's chain of lets)."""
    main = mod.main
    lets, body = [], main.body
    while isinstance(body, ir.Let):
        lets.append(body)
        body = body.body
    new_body: ir.Expr = ir.Tuple(list(nodes))
    for let in reversed(lets):
        new_body = ir.Let(let.var, let.value, new_body)
    probe = ir.Function(list(main.params), new_body, None, main.type_params, dict(main.attrs))
    functions = dict(mod.functions)
    functions["main"] = probe
    return ir.IRModule(functions, dict(mod.type_definitions), mod.source_name, mod.source_format, mod.version,
                       dict(mod.attrs))


def _flatten(value, prefix: str) -> list:
    import tvm

    if isinstance(value, tvm.runtime.Tensor):
        return [(prefix, value.numpy())]
    return [item for i, v in enumerate(value) for item in _flatten(v, f"{prefix}.{i}")]


def describe(node) -> str:
    """A node's op in words: ``nn.conv2d``, ``fn (fused)``, ``tuple``, ``tuple item 1``, ..."""
    if isinstance(node, ir.Call):
        op = node.op
        if isinstance(op, ir.Op):
            return op.name
        if isinstance(op, ir.GlobalVar):
            return f"@{op.name}"
        if isinstance(op, ir.Function):
            return "fn (local function call)"
        return type(op).__name__
    if isinstance(node, ir.TupleGetItem):
        return f"tuple item {node.index}"
    return {ir.Tuple: "tuple", ir.Let: "let", ir.If: "if", ir.Match: "match"}.get(type(node), type(node).__name__)


def _plain(value):
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return repr(value)


def _type_text(ty) -> str:
    if isinstance(ty, ir.TensorType):
        return f"{tuple(ty.shape)} {ty.dtype}"
    return repr(ty) if ty is not None else "?"


def _inputs_of(node) -> list:
    if isinstance(node, ir.Call):
        return list(node.args)
    if isinstance(node, ir.Tuple):
        return list(node.fields)
    if isinstance(node, ir.TupleGetItem):
        return [node.tuple_value]
    return []


def _attrs(node) -> dict:
    return _plain(node.attrs.fields) if isinstance(node, ir.Call) and node.attrs else {}


def _input_types(node) -> list:
    return [_type_text(a.checked_type or getattr(a, "type_annotation", None)) for a in _inputs_of(node)]


def relax_values(bundle: Bundle, nodes: list, target, compile=None) -> list:
    """Relax's value of each node (a VM value), or the exception that kept it from being computed.

    All nodes go into one probe program (one conversion, one compile). When that fails, the list is
    bisected: each half gets its own probe, down to single nodes, so one node that cannot be
    translated or compiled on its own does not hide the values of the others.
    """
    from .check import run_relax
    from ..translate import from_relay

    try:
        mod = from_relay(probe_module(bundle.relay, nodes), bundle.params)
        value, _, _ = run_relax(mod, bundle, target, compile, 0)
        return list(value)
    except Exception as err:  # noqa: BLE001  (any conversion/compile/run failure of the probe)
        if len(nodes) == 1:
            return [err]
    half = len(nodes) // 2
    return relax_values(bundle, nodes[:half], target, compile) + relax_values(bundle, nodes[half:], target, compile)


def localize(bundle: Bundle, *, target, rtol: float, atol: float, compile=None) -> Optional["Divergence"]:
    """The first diverging node of `bundle`, or None when it has no intermediates.npz."""
    from .check import Divergence, first_line

    if not bundle.intermediates_path:
        return None

    def failed(message: str) -> Divergence:
        return Divergence(None, None, {}, [], None, None, message)

    if not bundle.model_path.endswith("model.json"):
        return failed("intermediates.npz is keyed by model.json node index, and the bundle has no model.json")
    try:
        recorded = bundle.intermediates()
        with open(bundle.model_path, encoding="utf-8") as handle:
            index = json_expr_index(json.load(handle), bundle.relay.main)
    except MigrateError as err:
        return failed(f"cannot localize: {err}")
    except (KeyError, IndexError, TypeError, ValueError) as err:  # a model.json the walk does not understand
        return failed(f"cannot localize: {bundle.model_path}: unexpected layout ({type(err).__name__}: {err})")
    groups: dict = {}
    for key in recorded:
        head = key.split(".", 1)[0]
        if not head.isdigit() or int(head) not in index:
            return failed(f"cannot localize: {bundle.intermediates_path}: key '{key}' names no expression node "
                          f"of @main in model.json")
        groups.setdefault(int(head), []).append(key)
    position = {id(n): k for k, n in enumerate(ir.post_order(bundle.relay.main.body))}
    order = sorted(groups, key=lambda i: position.get(id(index[i]), -1))
    nodes = [index[i] for i in order]
    if not nodes:
        return failed("intermediates.npz holds no values")
    values = relax_values(bundle, nodes, target, compile)
    for node_index, node, item in zip(order, nodes, values):
        if isinstance(item, Exception):
            op = describe(node)
            return Divergence(
                node=node_index, op=op, attrs=_attrs(node), input_shapes=_input_types(node), max_abs=None,
                max_rel=None, key=str(node_index),
                message=f"first diverging Relay node: model.json node {node_index} ({op}): its Relax translation "
                        f"cannot be computed on its own: {first_line(item)}",
            )
        got = dict(_flatten(item, str(node_index)))
        for key in sorted(groups[node_index], key=lambda k: [int(p) for p in k.split(".")]):
            if key not in got:
                return failed(f"cannot localize: Relax gives no value for intermediates.npz key '{key}'")
            cmp = compare(key, got[key], recorded[key], rtol, atol)
            if cmp.passed:
                continue
            op = describe(node)
            detail = cmp.message or ""
            if cmp.max_abs is not None:
                detail += f" (max abs error {cmp.max_abs:.3g}, max rel error {cmp.max_rel:.3g})"
            where = f" at {node.span}" if getattr(node, "span", None) else ""
            return Divergence(
                node=node_index, op=op,
                attrs=_attrs(node), input_shapes=_input_types(node),
                max_abs=cmp.max_abs, max_rel=cmp.max_rel, key=key,
                message=f"first diverging Relay node: model.json node {node_index} ({op}){where}, value '{key}': "
                        f"{detail}; every recorded value before it matches Relay",
            )
    return failed(f"all {len(recorded)} recorded intermediate values match Relay; the difference is in how "
                  f"the outputs are assembled or in the optimized Relay build")
