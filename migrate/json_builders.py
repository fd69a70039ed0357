"""Per-node builders of the Relay JSON reader: `NodeBuilders`, a mixin of `json_reader._Decoder`.

`build` turns a node whose children are decoded into its `migrate.relay_ir` value: through the
builder its spec names (`json_specs._SPECS`; `_BUILDERS` maps type key -> builder), or as an
Array, Map, repr node (runtime.String, Op, ...), opaque object or call attributes. Each builder
gets the node index, its POD attrs, then the decoded values of ``spec.refs``. The ``pod_*``
helpers read POD fields with the reader's error messages.

The mixin uses the decoder's state (``objs``, ``kids``, ``nodes``, ``keys``, ``b64``,
``arrays``, ``ops``, ``size_vars``, ``any_dim``, ``global_vars``, ``opaque``, ``attr_refs``,
``source``) and its ``error`` and ``attrs_module``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Optional

from . import relay_ir as ir
from .errors import ParamsError
from .json_specs import _DIM_BINARY, _NULL, _REPR_TYPES, _SPECS, _TYPE_KINDS, _gather, _RawAttrs
from .ndarray_format import read_ndarray


class NodeBuilders:
    """`build` and the builder of every node kind in `json_specs._SPECS`."""

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

    # -- node data: repr bytes and constants' arrays

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


# Builders by type key: plain functions (no bound methods, so no reference cycle keeps a document alive).
_BUILDERS = {key: getattr(NodeBuilders, spec.build) for key, spec in _SPECS.items()}
