"""Read Relay modules saved with ``tvm.ir.save_json`` (TVM 0.14-0.19) into `migrate.relay_ir`.

The document (``src/node/serialization.cc`` at v0.19.0)::

    {"root": i, "nodes": [node, ...], "b64ndarrays": [base64 NDArray, ...],
     "attrs": {"tvm_version": "0.16.dev0"}}

Each node has a ``type_key`` and one of: ``attrs`` (field -> string: POD fields are the value
itself, object fields the index of another node), ``data`` (Array: element indices; Map: key and
value indices alternating, or value indices alongside ``keys`` when every key is a string), or
``repr_str`` / ``repr_b64`` (runtime.String, Op, SourceName, ...: the object's bytes; ``repr_b64``
is base64 of a u64 length followed by the bytes). Node 0 is the null node (``type_key`` ""), so
``"0"`` in an object field means None. A Constant's ``data`` is an index into ``b64ndarrays``.

Decoding:
- Iterative post-order over node indices (an explicit stack): a 100k-deep chain of calls or lets
  never recurses. Each node is decoded once, so shared nodes become one Python object (a Var
  used twice is one `Var`; a shared call stays shared). Equal TensorTypes with integer shapes
  are one object too (type inference writes the same few types hundreds of times).
- Speed: the node kinds most of a typed program is made of (Var, Id, TensorType, TupleType,
  Array, IntImm, String, call attributes) are decoded on the spot when their parent lists them,
  when well formed (`_Decoder._quick_*`); anything else, or anything malformed, goes through the
  general path, so errors are the same as without the shortcut, in the same order.
- Only what a Relay program needs is visited: ``virtual_device_``, ``struct_info_``, the
  module's source map and global maps, and ``FuncType.type_constraints`` are skipped.
- Values: IntImm -> int (bool IntImm -> bool), FloatImm -> float, runtime.String -> str,
  Array -> tuple, Map -> dict, DictAttrs -> dict, relay.Any (``tir.Any``) -> `AnyDim`,
  tir.Var/tir.SizeVar -> `SizeVar` (one object per name and dtype), tir arithmetic in inferred
  shapes -> `DimExpr`, VirtualDevice -> dict of its fields, Target -> its config dict
  (``{"kind": "llvm", "mtriple": ...}``), Span -> `Span`, tir.IndexMap (an attribute of
  ``meta_schedule_layout_transform``) -> ``{"type_key": "tir.IndexMap", "initial_indices": (SizeVar,
  ...), "final_indices": (dims...), "inverse_index_map": ...}``. Inside function or module attributes
  an object of any other type (an Executor, a Runtime, ...) becomes ``{"type_key": ..., **its raw
  fields}`` instead of an error: the program does not depend on it.
- Call attributes go through ``migrate.attrs.make_attrs`` (v0.19 defaults, typed values); a call
  of an op saved without attributes gets ``make_attrs(op, {})`` too (``Attrs(None, {})`` for ops
  that take none), as the text reader does, so ``call.attrs.get(...)`` always works on op calls.
  Whether an attrs field is POD or a node index is not in the JSON: ``field_is_pod`` says so
  for every upstream attrs type. For a type (or field) it does not know, e.g. a vendor fork's
  ``qnn.csi`` attrs, the value is taken as a node reference only when it is a valid index of an
  Array, runtime.String, IntImm, FloatImm or Map node; otherwise it stays the raw string. So
  ``"0"`` stays the string ``"0"`` (not None), and an int field whose value happens to index a
  String node would be misread; the type key is kept on the `Attrs` for later stages.

Module layout: every ``@name`` used must be defined in the module (else `RelayJSONError`).
Functions come ``main`` first, then the rest in the order of the JSON map (TVM's
hash-map order, which is what ``mod.functions.items()`` shows). A bare ``relay.Function`` or
expression at the root becomes ``@main`` as ``IRModule.from_expr`` does (free variables become
parameters, in order of first use).

Versions: the node layout is the same from TVM 0.7 to 0.19. Files from 0.14-0.19 read silently;
other versions (and a missing ``tvm_version``) still read but warn with
`RelayJSONVersionWarning`, since only 0.14-0.19 output is tested. The pre-0.7 layout (node types
``relay.Op`` / ``relay.GlobalVar`` named by ``global_key``, ``StrMap``, ``relay.Module``) is refused
with the upgrade path; so is a Relax module.

Size: one decoder for every Relay node kind, kept in one file so the spec table, the builders
it names and their quick forms stay side by side.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import warnings
from operator import itemgetter
from typing import Any, Optional

from . import relay_ir as ir
from .errors import ParamsError, RelayJSONError
from .gcpause import gc_paused
from .ndarray_format import read_ndarray

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


# ----------------------------------------------------------------------------- decoder


class _Decoder:
    """Decodes nodes of one document bottom-up, each once, without recursion."""

    def __init__(self, doc: dict, keys: list, source: str):
        self.source = source
        self.nodes: list = doc["nodes"]
        self.keys = keys  # node index -> type key
        self.n = len(self.nodes)
        self.b64: list = doc.get("b64ndarrays", [])
        self.objs: list = [None] * self.n
        self.state = bytearray(self.n)  # 0 new, 1 waiting for children, 2 done
        self.attrs_role: set = set()  # nodes referenced as a Call's attrs
        self.attr_refs: dict = {}  # attrs node index -> fields that hold node indices
        self.kids: list = [None] * self.n  # node index -> its spec's child indices, until built
        # Values of function / module attributes (DictAttrs) may be objects Relay programs do not
        # need (Executor, Runtime, ...): there an unknown type becomes an opaque dict, not an error.
        self.lenient: set = set()
        self.opaque: set = set()
        self.global_vars: list = []  # every GlobalVar decoded, to check each is defined
        self.arrays: dict = {}  # b64ndarrays index -> numpy array
        self.size_vars: dict = {}  # (name, dtype) -> SizeVar
        self.ops: dict = {}  # name -> Op
        self.any_dim = ir.AnyDim()
        self._attrs_mod = None
        # type key -> quick decoder `decode` tries on a child (see "quick decoders" below); the
        # attrs types of the calls met are added
        self.quick = dict(_QUICK_CHILDREN)
        self.tensor_types: dict = {}  # (shape of ints, dtype) -> TensorType: one object per distinct type
        self.tensor_types_by_ref: dict = {}  # (dtype, *shape Array's element indices) -> TensorType
        self.pod_tables: dict = {}  # attrs type key -> _PodTable

    # ------------------------------------------------------------------ helpers

    def error(self, index: int, message: str) -> RelayJSONError:
        key = self.nodes[index].get("type_key", _NULL) if 0 <= index < self.n else "?"
        return _fail(self.source, f"node {index} ({key or 'null'}): {message}")

    def index(self, value, owner: int, field: str) -> int:
        if isinstance(value, str):
            if not (value.isascii() and value.isdigit()):
                raise self.error(owner, f"field '{field}' should be a node index, got {value!r}")
            j = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            j = value
        else:
            raise self.error(owner, f"field '{field}' should be a node index, got {value!r}")
        if not 0 <= j < self.n:
            raise self.error(owner, f"field '{field}' refers to node {j}, but there are only {self.n} nodes")
        return j

    def attrs_of(self, index: int, node: dict) -> dict:
        a = node.get("attrs", {})
        if not isinstance(a, dict):
            raise self.error(index, "'attrs' must be an object of field -> string")
        return a

    def attrs_module(self):
        if self._attrs_mod is None:
            from . import attrs as attrs_mod  # noqa: PLC0415  (imported when a call needs it)

            self._attrs_mod = attrs_mod
        return self._attrs_mod

    def is_attrs_type(self, index: int, key: str) -> bool:
        if index in self.attrs_role or key.startswith("relay.attrs."):
            return True
        return self.attrs_module().attrs_schema(key) is not None

    def repr_bytes(self, index: int, node: dict) -> str:
        if "repr_str" in node:
            text = node["repr_str"]
            if not isinstance(text, str):
                raise self.error(index, "'repr_str' must be a string")
            return text
        if "repr_b64" in node:
            try:
                raw = base64.b64decode(node["repr_b64"])
            except (binascii.Error, TypeError, ValueError):
                raise self.error(index, "'repr_b64' is not valid base64") from None
            # dmlc writes a std::string as a u64 length and the bytes.
            if len(raw) < 8 or int.from_bytes(raw[:8], "little") != len(raw) - 8:
                raise self.error(index, "'repr_b64' does not hold a length-prefixed string")
            try:
                return raw[8:].decode("utf-8")
            except UnicodeDecodeError:
                raise self.error(index, "'repr_b64' is not UTF-8 text") from None
        return ""

    def ndarray(self, owner: int, value) -> Any:
        k = self.index_into_arrays(owner, value)
        array = self.arrays.get(k)
        if array is None:
            try:
                raw = base64.b64decode(self.b64[k])
            except (binascii.Error, ValueError):
                raise self.error(owner, f"b64ndarrays[{k}] is not valid base64") from None
            try:
                array, end = read_ndarray(raw, 0, source=f"b64ndarrays[{k}]")
            except ParamsError as err:
                raise self.error(owner, f"bad constant data: {err}") from None
            if end != len(raw):
                raise self.error(owner, f"b64ndarrays[{k}] has {len(raw) - end} bytes after the array")
            self.arrays[k] = array
        return array

    def index_into_arrays(self, owner: int, value) -> int:
        if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
            raise self.error(owner, f"field 'data' should index b64ndarrays, got {value!r}")
        k = int(value)
        if k >= len(self.b64):
            raise self.error(owner, f"field 'data' refers to b64ndarrays[{k}], but there are only {len(self.b64)} arrays")
        return k

    # ------------------------------------------------------------------ traversal

    def children(self, index: int) -> list:
        """Indices this node's value is built from (validated), kept in `self.kids` for `build`.

        For a node with a spec the list is aligned with ``spec.refs`` (None for an absent field).
        """
        node = self.nodes[index]
        key = self.keys[index]
        spec = _SPECS.get(key)
        n = self.n
        if spec is not None:
            a = node.get("attrs", {})
            if type(a) is not dict:
                raise self.error(index, "'attrs' must be an object of field -> string")
            out = []
            for field in spec.refs:
                value = a.get(field)
                if value is None:
                    if field in spec.required:
                        raise self.error(index, f"missing field '{field}'")
                    out.append(None)
                    continue
                j = int(value) if type(value) is str and value.isascii() and value.isdigit() else -1
                if not 0 <= j < n:
                    j = self.index(value, index, field)  # raises the precise error
                out.append(j)
            if key == "relay.Call" and out[2]:
                self.attrs_role.add(out[2])
                if self.keys[out[2]].startswith("relay.attrs."):  # call attributes: quick as well
                    self.quick.setdefault(self.keys[out[2]], _Decoder._quick_attrs)
            elif key == "DictAttrs" and out[0] is not None:
                self.lenient.add(out[0])
            self.kids[index] = out
            return out
        if key == "Array" or key == "Map":
            data = node.get("data", [])
            if type(data) is not list:
                raise self.error(index, "'data' must be a list of node indices")
            for j in data:
                if type(j) is not int or not 0 <= j < n:
                    self.index(j, index, "data")
            if index in self.lenient:
                self.lenient.update(data)
            return data
        if key == _NULL or key in _REPR_TYPES:
            return []
        if self.is_attrs_type(index, key):
            return self.attrs_children(index, node, key)
        if index in self.lenient:
            self.opaque.add(index)
            return []
        raise self.unknown(index, key)

    def unknown(self, index: int, key: str) -> RelayJSONError:
        hint = ""
        if key.startswith("tir.") and key.endswith("Func"):
            hint = (
                " The module holds lowered TIR functions: save it before relay.build / LowerTE "
                "(the Relay program itself) and read that."
            )
        return self.error(
            index,
            f"unsupported node type '{key}'.{hint} tvm-migrate reads these Relay node kinds: "
            f"{', '.join(SUPPORTED_NODE_KINDS)}",
        )

    def pod_fields(self, key: str) -> dict:
        """field -> `migrate.attrs.field_is_pod(key, field)`, filled in as fields are met."""
        table = self.pod_tables.get(key)
        if table is None:
            table = self.pod_tables[key] = _PodTable(key, self.attrs_module().field_is_pod)
        return table

    def attrs_children(self, index: int, node: dict, key: str) -> list:
        pods = self.pod_fields(key)
        a = self.attrs_of(index, node)
        refs, out = [], []
        for field, value in a.items():
            pod = pods[field]
            if pod is None:  # unknown type or field: see the module docstring
                pod = not (
                    isinstance(value, str)
                    and value.isascii() and value.isdigit()
                    and 0 < int(value) < self.n
                    and self.nodes[int(value)].get("type_key") in _HEURISTIC_REF_TYPES
                )
            if not pod:
                j = self.index(value, index, field)
                refs.append(field)
                out.append(j)
        self.attr_refs[index] = refs
        return out

    def decode(self, root: int) -> Any:
        """Decode node `root` and everything it refers to: an explicit stack, each node once.

        A child of a kind in `self.quick` (most nodes of a typed program) is decoded on the spot
        when its parent lists it, if it is well formed; otherwise it goes on the stack like any
        node, and the general path (`children`, then `build`) reports what is wrong with it, in the
        order it would without the shortcut.
        """
        objs, state, nodes, keys = self.objs, self.state, self.nodes, self.keys
        quick_decoders, children, build = self.quick, self.children, self.build
        stack = [root]
        current = root
        try:
            while stack:
                current = i = stack[-1]
                st = state[i]
                if st == 2:
                    stack.pop()
                    continue
                if st == 0:
                    state[i] = 1
                    pending = False
                    for j in children(i):
                        if j is None:
                            continue
                        sj = state[j]
                        if sj == 0:
                            quick = quick_decoders.get(keys[j])
                            if quick is not None and quick(self, j, nodes[j]):
                                continue
                            stack.append(j)
                            pending = True
                        elif sj == 1:
                            raise self.error(i, f"cyclic reference: node {j} contains itself")
                    if pending:
                        continue
                objs[i] = build(i, nodes[i])
                state[i] = 2
                stack.pop()
        except RelayJSONError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError) as err:
            raise self.error(current, f"malformed node ({type(err).__name__}: {err})") from None
        return objs[root]

    # ------------------------------------------------------------------ quick decoders
    # Most nodes of a typed program come in small fixed shapes: relay.Var -> relay.Id ->
    # runtime.String, TensorType -> Array -> IntImm, TupleType -> Array -> TensorType. Each
    # `_quick_*` decodes node `j` in place (value in `objs`, state 2) and returns True when the node
    # and the children it needs are well formed, else returns False, having changed nothing that
    # matters (children it decoded are decoded as the general path would), and the node takes the
    # general path, which reports what is wrong with it. They never raise, and each calls only the
    # ones below it (Array -> Var -> TupleType -> Array of types -> TensorType -> Array of IntImm
    # -> IntImm; the `_QUICK_*` tables after the class): no recursion.

    def _quick_node(self, ref, quick: dict) -> Any:
        """The value of the node `ref` (a field's value) refers to, if `ref` is a plain in-range
        index string and the node is decoded, or decoded now by ``quick[its type key]``; else
        _NOT_QUICK."""
        if type(ref) is not str or not (ref.isascii() and ref.isdigit()):
            return _NOT_QUICK
        k = int(ref)
        if k >= self.n:
            return _NOT_QUICK
        sk = self.state[k]
        if sk == 2:
            return self.objs[k]
        if sk == 0:
            decoder = quick.get(self.keys[k])
            if decoder is not None and decoder(self, k, self.nodes[k]):
                return self.objs[k]
        return _NOT_QUICK

    def _quick_null(self, j: int, node: dict) -> bool:
        self.objs[j] = None
        self.state[j] = 2
        return True

    # (A missing field or `attrs` that is not an object raises KeyError or TypeError in the
    # lookups below: the node then takes the general path, which says what is wrong.)

    def _quick_int_imm(self, j: int, node: dict) -> bool:
        try:
            a = node["attrs"]
            value = int(a["value"])  # what pod_int does: bad text fails here
        except (KeyError, TypeError, ValueError):
            return False
        self.objs[j] = bool(value) if a.get("dtype") == "bool" else value
        self.state[j] = 2
        return True

    def _quick_string(self, j: int, node: dict) -> bool:
        text = node.get("repr_str")
        if type(text) is not str:
            if "repr_str" in node or "repr_b64" in node:
                return False
            text = ""  # an empty string is written without its bytes
        self.objs[j] = text
        self.state[j] = 2
        return True

    def _quick_id(self, j: int, node: dict) -> bool:
        try:
            ref = node["attrs"]["name_hint"]
        except (KeyError, TypeError):
            return False
        name = self._quick_node(ref, _QUICK_TYPES)
        if name is _NOT_QUICK:
            return False
        self.objs[j] = name
        self.state[j] = 2
        return True

    def _quick_var(self, j: int, node: dict) -> bool:
        try:
            a = node["attrs"]
            refs = (a["vid"], a["type_annotation"], a["span"], a["_checked_type_"])
        except (KeyError, TypeError):
            return False
        if refs[0] is None:
            return False
        objs, state, n = self.objs, self.state, self.n
        values = []
        for ref in refs:
            if ref is None:
                values.append(None)
                continue
            # as _quick_node, written out: four references per variable
            if type(ref) is not str or not (ref.isascii() and ref.isdigit()):
                return False
            k = int(ref)
            if k >= n:
                return False
            sk = state[k]
            if sk == 0:
                decoder = _QUICK_VAR_FIELDS.get(self.keys[k])
                if decoder is None or not decoder(self, k, self.nodes[k]):
                    return False
            elif sk == 1:
                return False
            values.append(objs[k])
        objs[j] = ir.Var(*values)
        state[j] = 2
        return True

    def _quick_tensor_type(self, j: int, node: dict) -> bool:
        """A TensorType whose shape is an Array of IntImm.

        A 4-d type is 6 nodes, and type inference writes the same few types hundreds of times, each
        with its own shape Array (often of shared IntImm nodes): types are looked up by dtype and
        the shape Array's element indices first, and are one object per distinct type."""
        try:
            a = node["attrs"]
            dtype, ref = a["dtype"], a["shape"]
        except (KeyError, TypeError):
            return False
        if type(dtype) is not str or type(ref) is not str or not (ref.isascii() and ref.isdigit()):
            return False
        k = int(ref)
        if k >= self.n:
            return False
        sk = self.state[k]
        if sk == 2:
            ty = self._shared_tensor_type(self.objs[k], dtype)
        elif sk == 0:
            shape_node = self.nodes[k]
            data = shape_node.get("data", [])
            if self.keys[k] != "Array" or type(data) is not list or k in self.lenient:
                return False
            for d in data:
                if type(d) is not int:  # (True and 1.0 would find the entry for 1)
                    return False
            key = (dtype, *data)
            ty = self.tensor_types_by_ref.get(key)
            if ty is None:  # else: the same elements, already decoded as ints
                if not self._quick_int_array(k, shape_node):
                    return False
                ty = self.tensor_types_by_ref[key] = self._shared_tensor_type(self.objs[k], dtype)
        else:
            return False
        self.objs[j] = ty
        self.state[j] = 2
        return True

    def _shared_tensor_type(self, shape, dtype: str) -> ir.TensorType:
        """One TensorType object per distinct type whose dims are ints."""
        if type(shape) is tuple:
            for d in shape:
                if type(d) is not int:
                    break
            else:
                key = (shape, dtype)
                ty = self.tensor_types.get(key)
                if ty is None:
                    ty = self.tensor_types[key] = ir.TensorType(shape, dtype)
                return ty
        return ir.TensorType(shape, dtype)

    def _quick_tuple_type(self, j: int, node: dict) -> bool:
        try:
            ref = node["attrs"]["fields"]
        except (KeyError, TypeError):
            return False
        fields = self._quick_node(ref, _QUICK_TYPE_ARRAYS)
        if fields is _NOT_QUICK:
            return False
        self.objs[j] = ir.TupleType(fields or ())
        self.state[j] = 2
        return True

    def _quick_array(self, k: int, node: dict, elements: Optional[dict] = None) -> bool:
        """Array node `k`, if its elements are decoded, or decodable by `elements` (default:
        `_QUICK_ELEMENTS`)."""
        data = node.get("data", [])
        if type(data) is not list or k in self.lenient:
            return False  # an Array under function attributes passes leniency on: general path
        if elements is None:
            elements = _QUICK_ELEMENTS
        objs, state, nodes, keys, n = self.objs, self.state, self.nodes, self.keys, self.n
        for d in data:
            if type(d) is not int or not 0 <= d < n:
                return False
            sd = state[d]
            if sd == 0:
                decoder = elements.get(keys[d])
                if decoder is None or not decoder(self, d, nodes[d]):
                    return False
            elif sd == 1:
                return False
        objs[k] = _gather(objs, data)
        state[k] = 2
        return True

    def _quick_leaf_array(self, k: int, node: dict) -> bool:
        return self._quick_array(k, node, _QUICK_LEAVES)

    def _quick_attrs(self, j: int, node: dict) -> bool:
        """Call attributes (``relay.attrs.*``) whose fields the attrs table knows, holding POD text
        or references to leaves (IntImm, runtime.String, Arrays of them): as `attrs_children` and
        `_attrs_node` read them."""
        a = node.get("attrs", {})
        if type(a) is not dict:
            return False
        pods = self.pod_fields(self.keys[j])
        quick = _QUICK_ATTR_VALUES
        fields = {}
        for field, value in a.items():
            pod = pods[field]
            if pod is None:  # an unknown field: the general path guesses
                return False
            if not pod:
                value = self._quick_node(value, quick)
                if value is _NOT_QUICK:
                    return False
            fields[field] = value
        self.objs[j] = _RawAttrs(self.keys[j], fields)
        self.state[j] = 2
        return True

    def _quick_int_array(self, k: int, node: dict) -> bool:
        return self._quick_array(k, node, _QUICK_INTS)

    def _quick_type_array(self, k: int, node: dict) -> bool:
        return self._quick_array(k, node, _QUICK_TYPES)

    # ------------------------------------------------------------------ builders

    def build(self, index: int, node: dict) -> Any:
        key = self.keys[index]
        builder = _BUILDERS.get(key)
        if builder is not None:
            objs = self.objs
            values = [None if j is None else objs[j] for j in self.kids[index]]
            self.kids[index] = None
            return builder(self, index, node.get("attrs", {}), *values)
        if key == "Array":
            return _gather(self.objs, node.get("data", ()))
        if key == "Map":
            return self._map(index, node)
        if key == _NULL:
            return None
        if key in _REPR_TYPES:
            return self._repr_node(index, node, key)
        if index in self.opaque:
            raw = node.get("attrs", {})
            return {"type_key": key, **(raw if isinstance(raw, dict) else {})}
        return self._attrs_node(index, node, key)

    def _map(self, index: int, node: dict) -> dict:
        objs = self.objs
        data = node.get("data", [])
        keys = node.get("keys")
        if keys:
            if not isinstance(keys, list) or len(keys) != len(data):
                raise self.error(index, f"a string-keyed Map needs as many 'keys' as 'data' ({len(keys)} vs {len(data)})")
            return {str(k): objs[int(j)] for k, j in zip(keys, data)}
        if len(data) % 2:
            raise self.error(index, "an object-keyed Map needs key/value index pairs in 'data' (odd length)")
        out = {}
        for k in range(0, len(data), 2):
            key = objs[int(data[k])]
            try:
                out[key] = objs[int(data[k + 1])]
            except TypeError:
                raise self.error(index, f"Map key {key!r} cannot be used as a key") from None
        return out

    def _repr_node(self, index: int, node: dict, key: str) -> Any:
        text = self.repr_bytes(index, node)
        if key == "Op":
            if not text:
                raise self.error(index, "an Op node needs its name in 'repr_str'")
            op = self.ops.get(text)
            if op is None:
                op = self.ops[text] = ir.Op(text)
            return op
        if key == "runtime.BoxInt":
            return int(text)
        if key == "runtime.BoxFloat":
            return float(text)
        if key == "runtime.BoxBool":
            return text == "true"
        if key == "runtime.NDArray":
            try:
                raw = base64.b64decode(text)
            except (binascii.Error, ValueError):
                raise self.error(index, "runtime.NDArray holds invalid base64") from None
            try:
                return read_ndarray(raw, 0, source="repr_str")[0]
            except ParamsError as err:
                raise self.error(index, f"bad array data: {err}") from None
        return text  # runtime.String, SourceName, EnvFunc (its global function's name)

    def _attrs_node(self, index: int, node: dict, key: str) -> _RawAttrs:
        a = node.get("attrs", {})
        refs = self.attr_refs.get(index, ())
        fields = {}
        for field, value in a.items():
            fields[field] = self.objs[int(value)] if field in refs else value
        return _RawAttrs(key, fields)

    # -- expressions (each builder gets the node's POD attrs, then the decoded values of spec.refs)

    def _var(self, i, a, name, annotation, span, checked):
        return ir.Var(name, annotation, span, checked)

    def _id(self, i, a, name):
        return name

    def _global_var(self, i, a, name, span, checked):
        gvar = ir.GlobalVar(name, span, checked)
        self.global_vars.append(gvar)
        return gvar

    def _constant(self, i, a, span, checked):
        if "data" not in a:
            raise self.error(i, "missing field 'data'")
        return ir.Constant(self.ndarray(i, a["data"]), span, checked)

    def _call(self, i, a, op, args, raw, type_args, span, checked):
        attrs = None
        is_op = type(op) is ir.Op
        if raw is not None or is_op:
            op_name = op.name if is_op else ""
            where = f"{self.source}: node {i}"
            make_attrs = self.attrs_module().make_attrs
            if raw is None:  # as the text reader does: ops without attributes get Attrs(None, {})
                attrs = make_attrs(op_name, {}, where=where)
            elif isinstance(raw, _RawAttrs):
                attrs = make_attrs(op_name, raw.fields, type_key=raw.type_key, where=where)
            elif isinstance(raw, dict):  # DictAttrs on a call
                attrs = make_attrs(op_name, raw, type_key="DictAttrs", where=where)
            else:
                raise self.error(i, f"'attrs' refers to a {type(raw).__name__}, not call attributes")
        return ir.Call(op, list(args), attrs, type_args or (), span, checked)

    def _tuple(self, i, a, fields, span, checked):
        return ir.Tuple(list(fields), span, checked)

    def _tuple_get_item(self, i, a, value, span, checked):
        return ir.TupleGetItem(value, self.pod_int(i, a, "index"), span, checked)

    def _let(self, i, a, var, value, body, span, checked):
        return ir.Let(var, value, body, span, checked)

    def _if(self, i, a, cond, then, otherwise, span, checked):
        return ir.If(cond, then, otherwise, span, checked)

    def _function(self, i, a, params, body, ret_type, type_params, attrs, span, checked):
        return ir.Function(list(params), body, ret_type, type_params or (), dict(attrs) if attrs else {}, span, checked)

    def _match(self, i, a, data, clauses, span, checked):
        complete = self.pod_int(i, a, "complete", default=1)
        return ir.Match(data, list(clauses), bool(complete), span, checked)

    def _clause(self, i, a, lhs, rhs):
        return ir.Clause(lhs, rhs)

    def _pattern_wildcard(self, i, a):
        return ir.PatternWildcard()

    def _pattern_var(self, i, a, var):
        return ir.PatternVar(var)

    def _pattern_constructor(self, i, a, constructor, patterns):
        return ir.PatternConstructor(constructor, patterns or ())

    def _pattern_tuple(self, i, a, patterns):
        return ir.PatternTuple(patterns or ())

    def _constructor(self, i, a, name, inputs, belong_to, span, checked):
        return ir.Constructor(name, inputs or (), belong_to, self.pod_int(i, a, "tag", default=-1), span, checked)

    def _ref_create(self, i, a, value, span, checked):
        return ir.RefCreate(value, span, checked)

    def _ref_read(self, i, a, ref, span, checked):
        return ir.RefRead(ref, span, checked)

    def _ref_write(self, i, a, ref, value, span, checked):
        return ir.RefWrite(ref, value, span, checked)

    def _type_data(self, i, a, header, type_vars, constructors):
        return ir.TypeData(header, type_vars or (), list(constructors or ()))

    # -- types

    def _tensor_type(self, i, a, shape):
        return ir.TensorType(shape, self.pod_str(i, a, "dtype"))

    def _tuple_type(self, i, a, fields):
        return ir.TupleType(fields or ())

    def _func_type(self, i, a, arg_types, ret_type, type_params):
        return ir.FuncType(arg_types or (), ret_type, type_params or ())

    def _type_var(self, i, a, name):
        return ir.TypeVar(name, self.type_kind(i, a, "Type"))

    def _global_type_var(self, i, a, name):
        return ir.GlobalTypeVar(name, self.type_kind(i, a, "AdtHandle"))

    def _type_call(self, i, a, func, args):
        return ir.TypeCall(func, args or ())

    def _ref_type(self, i, a, value):
        return ir.RefType(value)

    def _incomplete_type(self, i, a):
        return ir.IncompleteType(self.type_kind(i, a, "Type"))

    def _prim_type(self, i, a):
        # A scalar type; in Relay programs the same as a 0-d tensor of that dtype.
        return ir.TensorType((), self.pod_str(i, a, "dtype"))

    # -- dimensions and scalars

    def _int_imm(self, i, a):
        value = self.pod_int(i, a, "value")
        return bool(value) if a.get("dtype") == "bool" else value

    def _float_imm(self, i, a):
        text = self.pod_str(i, a, "value")
        try:
            return float(text)
        except ValueError:
            raise self.error(i, f"field 'value' should be a number, got {text!r}") from None

    def _any(self, i, a):
        return self.any_dim

    def _size_var(self, i, a, name):
        key = (name, a.get("dtype", "int32"))
        var = self.size_vars.get(key)
        if var is None:
            var = self.size_vars[key] = ir.SizeVar(*key)
        return var

    def _cast(self, i, a, value):
        return ir.DimExpr("Cast", (value,), a.get("dtype", "int64"))

    def _dim_binary(self, i, a, lhs, rhs):
        return ir.DimExpr(_DIM_BINARY[self.nodes[i]["type_key"]], (lhs, rhs), a.get("dtype", "int64"))

    # -- the rest

    def _dict_attrs(self, i, a, table):
        return dict(table) if table else {}

    def _span(self, i, a, source_name):
        return ir.Span(
            source_name or "",
            self.pod_int(i, a, "line", default=0),
            self.pod_int(i, a, "column", default=0),
            self.pod_int(i, a, "end_line", default=0),
            self.pod_int(i, a, "end_column", default=0),
        )

    def _virtual_device(self, i, a, memory_scope, target):
        return {
            "device_type_int": self.pod_int(i, a, "device_type_int", default=-1),
            "virtual_device_id": self.pod_int(i, a, "virtual_device_id", default=-1),
            "memory_scope": memory_scope or "",
            "target": target,
        }

    def _target(self, i, a, kind, tag, keys, attrs, host, features):
        config = {"kind": kind}
        config.update(attrs or {})
        for field, value in (("keys", keys), ("tag", tag), ("host", host), ("features", features)):
            if value:
                config[field] = value
        return config

    def _target_kind(self, i, a, name):
        return name or ""

    def _index_map(self, i, a, initial, final, inverse):
        return {"type_key": "tir.IndexMap", "initial_indices": initial, "final_indices": final, "inverse_index_map": inverse}

    def _module(self, i, a, table, type_table, attrs):
        functions: dict = {}
        for gvar, func in (table or {}).items():
            if not isinstance(gvar, ir.GlobalVar) or not isinstance(func, ir.Function):
                raise self.error(i, f"module entry {gvar!r} -> {type(func).__name__} is not a Relay function")
            functions[gvar.name] = func
        if "main" in functions:
            functions = {"main": functions.pop("main"), **functions}
        type_definitions = {}
        for header, data in (type_table or {}).items():
            if not isinstance(data, ir.TypeData):
                raise self.error(i, f"type definition {header!r} is a {type(data).__name__}, not relay.TypeData")
            type_definitions[header.name] = data
        return ir.IRModule(functions, type_definitions, attrs=dict(attrs or {}))

    # -- POD fields

    def pod_str(self, i: int, a: dict, field: str) -> str:
        value = a.get(field)
        if not isinstance(value, str):
            raise self.error(i, f"missing field '{field}'" if value is None else f"field '{field}' must be a string")
        return value

    def pod_int(self, i: int, a: dict, field: str, default: Optional[int] = None) -> int:
        value = a.get(field)
        if value is None:
            if default is None:
                raise self.error(i, f"missing field '{field}'")
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise self.error(i, f"field '{field}' should be an integer, got {value!r}") from None

    def type_kind(self, i: int, a: dict, default: str) -> str:
        code = self.pod_int(i, a, "kind", default=-1)
        if code == -1:
            return default
        kind = _TYPE_KINDS.get(code)
        if kind is None:
            raise self.error(i, f"unknown type kind {code}")
        return kind


# Builders and quick decoders by type key: plain functions of the decoder (no bound methods, so no
# reference cycle keeps a document alive). Each quick table is where those decoders are tried.
_BUILDERS = {key: getattr(_Decoder, spec.build) for key, spec in _SPECS.items()}
_QUICK_LEAVES = {
    "IntImm": _Decoder._quick_int_imm,
    "runtime.String": _Decoder._quick_string,
    _NULL: _Decoder._quick_null,
}
_QUICK_INTS = {"IntImm": _Decoder._quick_int_imm}
_QUICK_TYPES = {**_QUICK_LEAVES, "relay.TensorType": _Decoder._quick_tensor_type}
_QUICK_TYPE_ARRAYS = {"Array": _Decoder._quick_type_array}  # a TupleType's fields
_QUICK_VAR_FIELDS = {
    _NULL: _Decoder._quick_null,
    "relay.Id": _Decoder._quick_id,
    "relay.TensorType": _Decoder._quick_tensor_type,
    "TupleType": _Decoder._quick_tuple_type,
}
_QUICK_ELEMENTS = {**_QUICK_TYPES, "relay.Var": _Decoder._quick_var}  # an Array's elements
_QUICK_ATTR_VALUES = {**_QUICK_LEAVES, "Array": _Decoder._quick_leaf_array}  # call attributes' fields
_QUICK_CHILDREN = {**_QUICK_ELEMENTS, **_QUICK_VAR_FIELDS, "Array": _Decoder._quick_array}  # in `decode`


# ----------------------------------------------------------------------------- public API





def _free_vars(expr: ir.Expr) -> list:
    """Variables used in `expr` but bound nowhere inside it, in order of first use."""
    bound: set = set()
    used: list = []
    for node in ir.post_order(expr):
        if isinstance(node, ir.Let):
            bound.add(id(node.var))
        elif isinstance(node, ir.Function):
            bound.update(id(p) for p in node.params)
        elif isinstance(node, ir.Match):
            for clause in node.clauses:
                stack = [clause.lhs]
                while stack:
                    p = stack.pop()
                    if isinstance(p, ir.PatternVar):
                        bound.add(id(p.var))
                    elif isinstance(p, (ir.PatternConstructor, ir.PatternTuple)):
                        stack.extend(p.patterns)
        elif isinstance(node, ir.Var):
            used.append(node)
    return [v for v in used if id(v) not in bound]


def read_relay_json(text, source_name: str = "<string>") -> ir.IRModule:
    """Read ``tvm.ir.save_json`` output of a Relay IRModule, Function or expression.

    Raises `RelayJSONError` (naming `source_name` and, for a bad node, its index and type key)
    and, from call attributes, `RelayAttrError`. Warns `RelayJSONVersionWarning` for a
    ``tvm_version`` outside 0.14-0.19.
    """
    with gc_paused():
        doc, keys = _load_document(text, source_name)
        decoder = _Decoder(doc, keys, source_name)
        root_index = doc["root"]
        root = decoder.decode(root_index)
        root_key = keys[root_index] or "null"
        version = doc.get("attrs", {}).get("tvm_version")
        global_vars = decoder.global_vars
        # Free the document now: the GC's first pass after the pause then sees only the program.
        del doc, keys, decoder
    if isinstance(root, ir.IRModule):
        mod = root
    elif isinstance(root, ir.Function):
        mod = ir.IRModule({"main": root})
    elif isinstance(root, ir.Expr) and not isinstance(root, (ir.Op, ir.Constructor)):
        mod = ir.IRModule({"main": ir.Function(_free_vars(root), root)})
    else:
        raise _fail(
            source_name,
            f"the root node ({root_index}) is a {root_key}, not a Relay IRModule, function or expression",
        )
    undefined = sorted({g.name for g in global_vars} - set(mod.functions))
    if undefined:
        if isinstance(root, ir.IRModule):
            defined = ", ".join(f"@{name}" for name in mod.functions) or "none"
            raise _fail(source_name, f"the module uses @{undefined[0]}, which it does not define (it defines {defined})")
        raise _fail(
            source_name,
            f"the saved function calls @{undefined[0]}, which is not in the file: "
            f"save the whole module with tvm.ir.save_json(mod), not one function",
        )
    mod.source_name = source_name
    mod.source_format = "json"
    mod.version = version if isinstance(version, str) else ""
    return mod


def decode_metadata(json_text: str, source_name: str) -> dict:
    """The objects of a Relay text ``#[metadata]`` section: ``{"relay.Constant": [Constant, ...], ...}``.

    The section is ``tvm.ir.save_json`` of a Map from type key to an Array of nodes. Values are
    decoded as in `read_relay_json`; call attributes come back as `relay_ir.Attrs` holding the
    fields as written (POD fields still strings) for the text parser to complete with the op name.
    """
    with gc_paused():
        return _decode_metadata(json_text, source_name)


def _decode_metadata(json_text: str, source_name: str) -> dict:
    doc, keys = _load_document(json_text, source_name)
    decoder = _Decoder(doc, keys, source_name)
    root_index = doc["root"]
    root_node = doc["nodes"][root_index]
    if root_node.get("type_key") != "Map":
        raise _fail(source_name, f"the metadata root (node {root_index}) is a {root_node.get('type_key') or 'null'}, not a Map")
    # Every element of the metadata arrays is a stand-alone object: attrs objects among them
    # are marked as such, so their fields are split into POD and node values correctly.
    for j in doc["nodes"][root_index].get("data", []):
        node = doc["nodes"][decoder.index(j, root_index, "data")] if isinstance(j, int) else None
        if node is not None and node.get("type_key") == "Array":
            for k in node.get("data", []):
                key = doc["nodes"][decoder.index(k, j, "data")].get("type_key", _NULL)
                if key.endswith("Attrs") and key != "DictAttrs":
                    decoder.attrs_role.add(k)
    table = decoder.decode(root_index)
    out: dict = {}
    for key, values in table.items():
        if not isinstance(values, tuple):
            raise _fail(source_name, f"metadata entry '{key}' is a {type(values).__name__}, not an Array")
        out[key] = [ir.Attrs(v.type_key, v.fields) if isinstance(v, _RawAttrs) else v for v in values]
    return out


__all__ = ["read_relay_json", "decode_metadata", "RelayJSONVersionWarning", "SUPPORTED_NODE_KINDS"]
