"""Node specs and document checks for the Relay JSON reader (`migrate.json_reader`).

What each ``tvm.ir.save_json`` node type holds (`_SPECS`: the fields that are node indices, which
must be there, the builder in `migrate.json_builders` that makes its value), the small tables and
value classes the decoder shares (`_PodTable`, `_RawAttrs`, `_gather`), and the loading of a
document: JSON parsing, the top-level layout, the node layout (0.7+, Relay not Relax) and the
TVM version check with its `RelayJSONVersionWarning`.
"""

from __future__ import annotations

import json
import re
import warnings
from operator import itemgetter
from typing import Optional

from . import relay_ir as ir
from .errors import RelayJSONError

SUPPORTED_VERSIONS = ((0, 14), (0, 19))


class RelayJSONVersionWarning(UserWarning):
    """The JSON was written by a TVM outside 0.14-0.19 (or does not say): read, but untested."""


# ----------------------------------------------------------------------------- node specs

_TYPE_KINDS = {0: "Type", 1: "ShapeVar", 2: "BaseType", 4: "Constraint", 5: "AdtHandle", 6: "TypeData"}
_DIM_BINARY = {
    "tir.Add": "Add",
    "tir.Sub": "Sub",
    "tir.Mul": "Mul",
    "tir.Div": "Div",
    "tir.Mod": "Mod",
    "tir.FloorDiv": "FloorDiv",
    "tir.FloorMod": "FloorMod",
    "tir.Min": "Min",
    "tir.Max": "Max",
}
# Nodes whose whole content is their repr bytes.
_REPR_TYPES = frozenset(
    {"runtime.String", "Op", "SourceName", "EnvFunc", "runtime.BoxInt", "runtime.BoxFloat", "runtime.BoxBool", "runtime.NDArray"}
)
# Node kinds an unknown attrs type's field may reference (see the module docstring).
_HEURISTIC_REF_TYPES = frozenset({"Array", "runtime.String", "IntImm", "FloatImm", "Map"})
_NULL = ""
_NOT_QUICK = object()  # a quick decoder's "no": the node takes the general path


class _Spec:
    """How to read one node type: the fields holding node indices, which must be there, a builder."""

    __slots__ = ("refs", "required", "build")

    def __init__(self, refs: tuple, required: tuple, build: str):
        self.refs = refs
        self.required = required
        self.build = build


_SPECS = {
    # expressions
    "relay.Var": _Spec(("vid", "type_annotation", "span", "_checked_type_"), ("vid",), "_var"),
    "relay.Id": _Spec(("name_hint",), ("name_hint",), "_id"),
    "GlobalVar": _Spec(("name_hint", "span", "_checked_type_"), ("name_hint",), "_global_var"),
    "relay.Constant": _Spec(("span", "_checked_type_"), (), "_constant"),
    "relay.Call": _Spec(("op", "args", "attrs", "type_args", "span", "_checked_type_"), ("op", "args"), "_call"),
    "relay.Tuple": _Spec(("fields", "span", "_checked_type_"), ("fields",), "_tuple"),
    "relay.TupleGetItem": _Spec(("tuple_value", "span", "_checked_type_"), ("tuple_value",), "_tuple_get_item"),
    "relay.Let": _Spec(("var", "value", "body", "span", "_checked_type_"), ("var", "value", "body"), "_let"),
    "relay.If": _Spec(
        ("cond", "true_branch", "false_branch", "span", "_checked_type_"), ("cond", "true_branch", "false_branch"), "_if"
    ),
    "relay.Function": _Spec(
        ("params", "body", "ret_type", "type_params", "attrs", "span", "_checked_type_"), ("params", "body"), "_function"
    ),
    "relay.Match": _Spec(("data", "clauses", "span", "_checked_type_"), ("data", "clauses"), "_match"),
    "relay.Clause": _Spec(("lhs", "rhs"), ("lhs", "rhs"), "_clause"),
    "relay.PatternWildcard": _Spec((), (), "_pattern_wildcard"),
    "relay.PatternVar": _Spec(("var",), ("var",), "_pattern_var"),
    "relay.PatternConstructor": _Spec(("constructor", "patterns"), ("constructor",), "_pattern_constructor"),
    "relay.PatternTuple": _Spec(("patterns",), (), "_pattern_tuple"),
    "relay.Constructor": _Spec(("name_hint", "inputs", "belong_to", "span", "_checked_type_"), ("name_hint",), "_constructor"),
    "relay.RefCreate": _Spec(("value", "span", "_checked_type_"), ("value",), "_ref_create"),
    "relay.RefRead": _Spec(("ref", "span", "_checked_type_"), ("ref",), "_ref_read"),
    "relay.RefWrite": _Spec(("ref", "value", "span", "_checked_type_"), ("ref", "value"), "_ref_write"),
    "relay.TypeData": _Spec(("header", "type_vars", "constructors"), ("header",), "_type_data"),
    # types
    "relay.TensorType": _Spec(("shape",), ("shape",), "_tensor_type"),
    "TupleType": _Spec(("fields",), (), "_tuple_type"),
    "FuncType": _Spec(("arg_types", "ret_type", "type_params"), (), "_func_type"),
    "TypeVar": _Spec(("name_hint",), ("name_hint",), "_type_var"),
    "GlobalTypeVar": _Spec(("name_hint",), ("name_hint",), "_global_type_var"),
    "TypeCall": _Spec(("func", "args"), ("func",), "_type_call"),
    "relay.RefType": _Spec(("value",), ("value",), "_ref_type"),
    "IncompleteType": _Spec((), (), "_incomplete_type"),
    "PrimType": _Spec((), (), "_prim_type"),
    # dimensions and scalars
    "IntImm": _Spec((), (), "_int_imm"),
    "FloatImm": _Spec((), (), "_float_imm"),
    "tir.Any": _Spec((), (), "_any"),
    "tir.Var": _Spec(("name",), ("name",), "_size_var"),
    "tir.SizeVar": _Spec(("name",), ("name",), "_size_var"),
    "tir.Cast": _Spec(("value",), ("value",), "_cast"),
    **{key: _Spec(("a", "b"), ("a", "b"), "_dim_binary") for key in _DIM_BINARY},
    # containers and the rest
    "DictAttrs": _Spec(("__dict__",), (), "_dict_attrs"),
    "Span": _Spec(("source_name",), (), "_span"),
    "SequentialSpan": _Spec(("source_name",), (), "_span"),
    "VirtualDevice": _Spec(("memory_scope", "target"), (), "_virtual_device"),
    "Target": _Spec(("kind", "tag", "keys", "attrs", "host", "features"), ("kind",), "_target"),
    "TargetKind": _Spec(("name",), (), "_target_kind"),
    "IRModule": _Spec(("functions", "type_definitions", "attrs"), ("functions",), "_module"),
    # meta_schedule_layout_transform's index_map
    "tir.IndexMap": _Spec(("initial_indices", "final_indices", "inverse_index_map"), ("initial_indices", "final_indices"), "_index_map"),
}

SUPPORTED_NODE_KINDS = sorted(
    set(_SPECS) | _REPR_TYPES | {"Array", "Map", "relay.attrs.* (call attributes)"}, key=str.lower
)


def _gather(objs: list, indices) -> tuple:
    """``tuple(objs[i] for i in indices)``, in one C call for two or more."""
    if len(indices) > 1:
        return itemgetter(*indices)(objs)
    return (objs[indices[0]],) if indices else ()


class _PodTable(dict):
    """field -> whether save_json wrote it as POD text (`migrate.attrs.field_is_pod`) for one attrs type."""

    __slots__ = ("type_key", "field_is_pod")

    def __init__(self, type_key: str, field_is_pod):
        super().__init__()
        self.type_key = type_key
        self.field_is_pod = field_is_pod

    def __missing__(self, field: str) -> Optional[bool]:
        pod = self[field] = self.field_is_pod(self.type_key, field)
        return pod


class _RawAttrs(ir.Attrs):
    """A call-attributes node as read: the type key and its fields, before `make_attrs`."""

    __slots__ = ()

# ----------------------------------------------------------------------------- document


def _fail(source: str, message: str) -> RelayJSONError:
    return RelayJSONError(f"{source}: {message}")


def _load_document(text, source: str) -> tuple:
    """The parsed document, checked as far as its layout goes, and the type key of each node."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as err:
            raise _fail(source, f"not UTF-8 text (byte {err.start}); expected JSON from tvm.ir.save_json") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise RelayJSONError(
            f"{source}:{err.lineno}:{err.colno}: not valid JSON ({err.msg}); "
            f"expected the output of tvm.ir.save_json(mod)"
        ) from None
    except RecursionError:
        raise _fail(source, "the JSON nests too deeply to be a tvm.ir.save_json document") from None
    if not isinstance(doc, dict) or "root" not in doc or "nodes" not in doc:
        found = f"keys {sorted(doc)[:6]}" if isinstance(doc, dict) else f"a JSON {type(doc).__name__}"
        raise _fail(
            source,
            f"not a TVM node graph: expected an object with 'root' and 'nodes' (as written by "
            f"tvm.ir.save_json), found {found}",
        )
    nodes = doc["nodes"]
    if not isinstance(nodes, list) or not nodes:
        raise _fail(source, "'nodes' must be a non-empty list of node objects")
    root = doc["root"]
    if isinstance(root, bool) or not isinstance(root, int) or not 0 <= root < len(nodes):
        raise _fail(source, f"'root' is {root!r}, not a node index below {len(nodes)}")
    b64 = doc.get("b64ndarrays", [])
    if not isinstance(b64, list) or not all(isinstance(s, str) for s in b64):
        raise _fail(source, "'b64ndarrays' must be a list of base64 strings")
    attrs = doc.get("attrs", {})
    if not isinstance(attrs, dict):
        raise _fail(source, "'attrs' must be an object such as {\"tvm_version\": \"0.16.0\"}")
    return doc, _check_layout(nodes, attrs, source)


def _parse_version(version: str) -> Optional[tuple]:
    m = re.match(r"\s*(\d+)\.(\d+)", version)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _check_layout(nodes: list, attrs: dict, source: str) -> list:
    """Refuse what is not a Relay graph in the 0.7+ layout; warn on an untested version.

    Returns each node's type key (``""`` for the null node)."""
    try:
        keys = [node.get("type_key", _NULL) for node in nodes]
        type_keys = set(keys)
        bad = next((k for k in type_keys if type(k) is not str), None)
    except (AttributeError, TypeError):
        bad = True
    if bad is not None:
        for index, node in enumerate(nodes):
            if not isinstance(node, dict) or not isinstance(node.get("type_key", _NULL), str):
                raise _fail(source, f"node {index} is not a node object with a string 'type_key': {str(node)[:80]}")
    version = attrs.get("tvm_version")
    parsed = _parse_version(version) if isinstance(version, str) else None
    # 0.6 and older: Op and GlobalVar were relay.Op / relay.GlobalVar (named by "global_key"),
    # string-keyed maps StrMap, modules relay.Module (python/tvm/ir/json_compact.py).
    old_keys = type_keys & {"StrMap", "relay.Module", "relay.Op", "relay.GlobalVar", "Variable"}
    if old_keys or (parsed is not None and parsed < (0, 7)):
        what = f"node type {sorted(old_keys)[0]!r}" if old_keys else f"tvm_version {version}"
        raise _fail(
            source,
            f"this JSON uses the TVM 0.6-or-older node layout ({what}); tvm-migrate reads TVM 0.7-0.19 output. "
            f"Upgrade it with any TVM 0.7-0.19: tvm.ir.save_json(tvm.ir.load_json(text)) (load_json converts old files)",
        )
    relax = sorted(k for k in type_keys if k.startswith("relax."))
    if relax:
        raise _fail(
            source,
            f"this is a Relax module, not Relay (it has {relax[0]} nodes); it needs no migration from Relay: "
            f"load it with TVM 0.27's tvm.ir.load_json",
        )
    if parsed is None:
        warnings.warn(
            f"{source}: the JSON does not say which TVM wrote it (no attrs.tvm_version); reading it as TVM 0.14-0.19 output",
            RelayJSONVersionWarning,
            stacklevel=4,
        )
    elif not SUPPORTED_VERSIONS[0] <= parsed <= SUPPORTED_VERSIONS[1]:
        warnings.warn(
            f"{source}: written by TVM {version}; tvm-migrate is tested with TVM 0.14-0.19 output "
            f"(the layout has not changed since 0.7), check the result",
            RelayJSONVersionWarning,
            stacklevel=4,
        )
    return keys
