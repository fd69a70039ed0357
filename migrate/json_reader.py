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

Modules: this one holds the decoder's general path (`_Decoder`: traversal, validation of node
references, call-attributes fields) and the public API; `migrate.json_specs` the node specs and
the document checks; `migrate.json_fastpath` the quick decoders and `migrate.json_builders` the
per-node builders, both mixins of `_Decoder`.
"""

from __future__ import annotations

from typing import Any

from . import relay_ir as ir
from .errors import RelayJSONError
from .gcpause import gc_paused
from .json_builders import NodeBuilders
from .json_fastpath import _QUICK_CHILDREN, QuickDecoders
from .json_specs import (
    _HEURISTIC_REF_TYPES,
    _NULL,
    _REPR_TYPES,
    _SPECS,
    SUPPORTED_NODE_KINDS,
    SUPPORTED_VERSIONS,  # noqa: F401  (re-exported: part of this module's interface)
    RelayJSONVersionWarning,
    _fail,
    _load_document,
    _PodTable,
    _RawAttrs,
)


# ----------------------------------------------------------------------------- decoder


class _Decoder(QuickDecoders, NodeBuilders):
    """Decodes nodes of one document bottom-up, each once, without recursion.

    The general path is here (`children`, `decode`); the quick decoders come from
    `json_fastpath.QuickDecoders`, `build` and the per-node builders from `json_builders.NodeBuilders`."""

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
                    self.quick.setdefault(self.keys[out[2]], QuickDecoders._quick_attrs)
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
