"""Fast-path decoders of the Relay JSON reader: `QuickDecoders`, a mixin of `json_reader._Decoder`.

Most nodes of a typed program come in small fixed shapes: relay.Var -> relay.Id ->
runtime.String, TensorType -> Array -> IntImm, TupleType -> Array -> TensorType. Each
`_quick_*` decodes node `j` in place (value in `objs`, state 2) and returns True when the node
and the children it needs are well formed, else returns False, having changed nothing that
matters (children it decoded are decoded as the general path would), and the node takes the
general path, which reports what is wrong with it. They never raise, and each calls only the
ones below it (Array -> Var -> TupleType -> Array of types -> TensorType -> Array of IntImm
-> IntImm; the `_QUICK_*` tables after the class say which is tried where): no recursion.

The mixin uses the decoder's state (``objs``, ``state``, ``nodes``, ``keys``, ``n``,
``lenient``, ``tensor_types``, ``tensor_types_by_ref``) and its ``pod_fields``.
"""

from __future__ import annotations

from typing import Any, Optional

from . import relay_ir as ir
from .json_specs import _NOT_QUICK, _NULL, _RawAttrs, _gather


class QuickDecoders:
    """The `_quick_*` decoders `json_reader._Decoder.decode` tries on a child before the general path."""

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


# Quick decoders by type key: plain functions (no bound methods, so no reference cycle keeps a
# document alive). Each table is where those decoders are tried.
_QUICK_LEAVES = {
    "IntImm": QuickDecoders._quick_int_imm,
    "runtime.String": QuickDecoders._quick_string,
    _NULL: QuickDecoders._quick_null,
}
_QUICK_INTS = {"IntImm": QuickDecoders._quick_int_imm}
_QUICK_TYPES = {**_QUICK_LEAVES, "relay.TensorType": QuickDecoders._quick_tensor_type}
_QUICK_TYPE_ARRAYS = {"Array": QuickDecoders._quick_type_array}  # a TupleType's fields
_QUICK_VAR_FIELDS = {
    _NULL: QuickDecoders._quick_null,
    "relay.Id": QuickDecoders._quick_id,
    "relay.TensorType": QuickDecoders._quick_tensor_type,
    "TupleType": QuickDecoders._quick_tuple_type,
}
_QUICK_ELEMENTS = {**_QUICK_TYPES, "relay.Var": QuickDecoders._quick_var}  # an Array's elements
_QUICK_ATTR_VALUES = {**_QUICK_LEAVES, "Array": QuickDecoders._quick_leaf_array}  # call attributes' fields
_QUICK_CHILDREN = {**_QUICK_ELEMENTS, **_QUICK_VAR_FIELDS, "Array": QuickDecoders._quick_array}  # in `decode`
