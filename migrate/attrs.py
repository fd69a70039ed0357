"""Relay call attributes as TVM v0.19 defines them: schemas, defaults and normalisation.

Both Relay readers need this. The text printer leaves out every attribute that holds its default,
and `save_json` writes POD fields (int, bool, double, DataType, std::string) as raw strings but
ObjectRef fields (String, Array, IndexExpr, Integer, Optional, ...) as node references. The table
behind this module, ``data/relay_attrs_v0_19.json``, is generated from the apache/tvm v0.19.0 C++
headers and op registrations by ``tools/gen_relay_attrs_table.py``; never edit it by hand.

Values after `make_attrs` are plain Python, one shape per field kind:

=================  ==========================================================================
kind               value
=================  ==========================================================================
int                int (``int``, ``int64_t``, and ``Integer``, which is always a concrete IntImm)
bool               bool
float              float, exactly as read (the text printer rounds to 6 digits, JSON keeps 17)
str                str (``std::string`` and ``String``)
dtype              str, e.g. ``"float32"``; ``""`` is the void DataType ("same as the input")
int_expr           int, or `relay_ir.SizeVar` / `relay_ir.AnyDim` (``IndexExpr``, ``PrimExpr``)
array              tuple of the element kind (``elem``); nested arrays are tuples of tuples
int_or_array       int or tuple of ints (``split``'s ``indices_or_sections``)
map                dict
virtual_device     dict with VirtualDevice's fields, or whatever the reader produced for it
expr               any IR object (Expr, Type, IndexMap, ...), kept as given
=================  ==========================================================================

``None`` is accepted for every non-POD field: any C++ ObjectRef may be null, and printed Relay
holds such nulls (``cumsum(%x, axis=1, exclusive=None)``). Field order is the order of
``TVM_ATTR_FIELD`` (what VisitAttrs, the printer and save_json use).

Ops that take no attributes get ``Attrs(None, {})``, so callers can always write
``call.attrs.get(...)``. Some ops register no attrs type although their calls carry attrs
(cumsum, unique, vision.non_max_suppression, ...): for them the table records the attrs type
their make function attaches, and `make_attrs` uses it. Ops not in the table (vendor ops such as ``qnn.csi.conv2d``) keep their
fields as given. One type key, ``relay.attrs.SimulatedQuantizeAttrs``, names two different structs
upstream (``qnn.simulated_quantize`` and ``relay.op.annotation.simulated_quantize``); the op name
picks the right one.
"""

from __future__ import annotations

import copy
import json
import numbers
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from migrate.errors import RelayAttrError
from migrate.relay_ir import AnyDim, Attrs, SizeVar

TABLE_PATH = Path(__file__).with_name("data") / "relay_attrs_v0_19.json"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One attribute of an attrs type, as declared upstream."""

    name: str
    cpp_type: str
    kind: str
    pod: bool  # save_json writes it as a raw string (not a node index)
    required: bool  # no set_default upstream: always printed, must be given
    default: Any = None  # immutable (tuples for arrays); a dict for map / virtual_device
    optional: bool = False  # Optional<...>
    elem: Optional[str] = None  # element kind of an array
    elem_elem: Optional[str] = None  # element kind of an array of arrays

    @property
    def nullable(self) -> bool:
        """Every ObjectRef field can hold null in C++ (e.g. cumsum's ``exclusive=None``)."""
        return not self.pod


@dataclass(frozen=True, slots=True)
class _Table:
    schemas: dict  # schema id -> tuple[FieldSpec, ...]
    schema_type_key: dict  # schema id -> type key
    ops: dict  # op name -> registered type key or None
    op_schema: dict  # op name -> schema id (only where it differs from the type key)
    op_implied: dict  # op name -> schema id its calls carry although it registers no attrs type
    ambiguous: dict  # type key -> [schema ids]
    legacy_only: dict  # type key -> {field: the legacy fork's default}
    source: str


def _freeze(value):
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@lru_cache(maxsize=1)
def _table() -> _Table:
    raw = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    schemas, type_keys = {}, {}
    for sid, entry in raw["attrs"].items():
        fields = []
        for f in entry["fields"]:
            fields.append(
                FieldSpec(
                    name=f["name"],
                    cpp_type=f["cpp_type"],
                    kind=f["kind"],
                    pod=f["pod"],
                    required=f["required"],
                    default=_freeze(f.get("default")),
                    optional=f.get("optional", False),
                    elem=f.get("elem"),
                    elem_elem=f.get("elem_elem"),
                )
            )
        schemas[sid] = tuple(fields)
        type_keys[sid] = entry["type_key"]
    return _Table(
        schemas=schemas,
        schema_type_key=type_keys,
        ops=raw["ops"],
        op_schema=raw.get("op_schema", {}),
        op_implied=raw.get("op_implied_attrs", {}),
        ambiguous=raw.get("ambiguous_type_keys", {}),
        legacy_only=raw.get("legacy_only_fields", {}),
        source=raw["source"],
    )


# ----------------------------------------------------------------------------- lookups


def is_known_op(op_name: str) -> bool:
    """True for the 306 Relay ops of TVM v0.19 (internal ones included)."""
    return op_name in _table().ops


def attrs_type_for_op(op_name: str) -> Optional[str]:
    """The attrs type key an op's calls carry, or None (the op takes no attrs, or is unknown).

    Usually the type the op is registered with. About twenty ops (cumsum, unique,
    vision.non_max_suppression, ...) register none, yet their make functions attach attrs; for
    them this is that attrs type (Relay's own parser cannot read such calls printed without
    metadata; tvm-migrate can).
    """
    t = _table()
    sid = _schema_id_for_op(op_name)
    return t.schema_type_key[sid] if sid else t.ops.get(op_name)


def _schema_id_for_op(op_name: str) -> Optional[str]:
    t = _table()
    if op_name in t.op_implied:
        return t.op_implied[op_name]
    key = t.ops.get(op_name)
    if key is None:
        return None
    sid = t.op_schema.get(op_name, key)
    return sid if sid in t.schemas else None


def _schema_id(type_key: str, op_name: Optional[str] = None) -> Optional[str]:
    t = _table()
    if op_name is not None:
        sid = _schema_id_for_op(op_name)
        if sid is not None and t.schema_type_key[sid] == type_key:
            return sid
    if type_key in t.schemas:
        return type_key
    return None


def attrs_schema(type_key: str, op_name: Optional[str] = None) -> Optional[list]:
    """The fields of an attrs type, in VisitAttrs order; None if the type is unknown.

    `type_key` may also be a schema id from the table (``relay.attrs.SimulatedQuantizeAttrs@qnn``).
    For a type key two upstream structs share, pass `op_name` to pick one; without it the
    answer is None.
    """
    sid = _schema_id(type_key, op_name)
    return list(_table().schemas[sid]) if sid else None


def field_is_pod(type_key: str, field: str) -> Optional[bool]:
    """Whether save_json wrote `field` of `type_key` as a raw string (True) or a node index (False).

    None when the type or the field is unknown. For a type key shared by two upstream structs the
    answer is given when every struct that has the field agrees.
    """
    key = (type_key, field)
    answer = _FIELD_IS_POD.get(key, _UNSET)
    if answer is _UNSET:
        t = _table()
        sids = [type_key] if type_key in t.schemas else t.ambiguous.get(type_key, [])
        answers = {f.pod for sid in sids for f in t.schemas[sid] if f.name == field}
        answer = answers.pop() if len(answers) == 1 else None
        if len(_FIELD_IS_POD) >= _CACHE_LIMIT:  # vendor types and fields come from the input
            _FIELD_IS_POD.clear()
        _FIELD_IS_POD[key] = answer
    return answer


_FIELD_IS_POD: dict = {}  # (type key, field) -> field_is_pod's answer (the JSON reader asks per field)
_CACHE_LIMIT = 1 << 14
_UNSET = object()


# ----------------------------------------------------------------------------- coercion

_KIND_TEXT = {
    "int": "an integer",
    "bool": "a boolean",
    "float": "a number",
    "str": "a string",
    "dtype": "a data type string such as 'float32'",
    "int_expr": "an integer or a symbolic dimension",
    "int_or_array": "an integer or a list of integers",
    "map": "a map",
}

_INT_TEXT = re.compile(r"[+-]?\d+")


class _Mismatch(Exception):
    pass


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


# Each check starts with the exact built-in type the readers produce (`type(v) is int`, a cheap test),
# before the general `numbers` ABC checks that also admit numpy scalars and the like.


def _coerce_int(value, elem=None, elem_elem=None):
    t = type(value)
    if t is int:
        return value
    if t is str:
        if value.isdigit() and value.isascii():  # JSON's POD text, e.g. "1"
            return int(value)
    elif _is_int(value):
        return int(value)
    if isinstance(value, str):
        if _INT_TEXT.fullmatch(value.strip()):
            return int(value)
    raise _Mismatch


def _coerce_bool(value, elem=None, elem_elem=None):
    if isinstance(value, bool):
        return value
    if type(value) is str:  # JSON's POD text, "0" or "1"
        text = value.strip()
        if text == "1" or text == "0":
            return text == "1"
        raise _Mismatch
    if _is_int(value) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return value.strip() == "1"
    raise _Mismatch


def _coerce_float(value, elem=None, elem_elem=None):
    t = type(value)
    if t is float:
        return value
    if t is not str and isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise _Mismatch from None
    raise _Mismatch


def _coerce_str(value, elem=None, elem_elem=None):
    if isinstance(value, str):
        return value
    raise _Mismatch


def _coerce_int_expr(value, elem=None, elem_elem=None):
    t = type(value)
    if t is int:
        return value
    if t is SizeVar or t is AnyDim:
        return value
    if _is_int(value):
        return int(value)
    if isinstance(value, (SizeVar, AnyDim)):
        return value
    raise _Mismatch


def _coerce_array(value, elem=None, elem_elem=None):
    if type(value) is tuple and (elem == "int" or elem == "int_expr"):
        for v in value:
            if type(v) is not int:
                break
        else:
            return value  # already a tuple of ints (as both readers make shapes, strides, ...)
    if isinstance(value, (list, tuple)):
        item = _COERCERS.get(elem, _keep)
        return tuple([item(v, elem_elem) for v in value])
    raise _Mismatch


def _coerce_int_or_array(value, elem=None, elem_elem=None):
    if isinstance(value, (list, tuple)):
        return tuple([_coerce_int(v) for v in value])
    return _coerce_int(value)


def _coerce_map(value, elem=None, elem_elem=None):
    if isinstance(value, dict):
        return dict(value)
    raise _Mismatch


def _keep(value, elem=None, elem_elem=None):
    return value  # expr, virtual_device: IR objects, kept as the reader made them


_COERCERS = {
    "int": _coerce_int,
    "bool": _coerce_bool,
    "float": _coerce_float,
    "str": _coerce_str,
    "dtype": _coerce_str,
    "int_expr": _coerce_int_expr,
    "array": _coerce_array,
    "int_or_array": _coerce_int_or_array,
    "map": _coerce_map,
}


def _coerce(kind: str, value, elem: Optional[str] = None, elem_elem: Optional[str] = None):
    """Normalise `value` to `kind`; raises _Mismatch."""
    return _COERCERS.get(kind, _keep)(value, elem, elem_elem)


def _describe(spec: FieldSpec) -> str:
    if spec.kind == "array":
        if spec.elem == "array":
            inner = f"lists of {_plural(spec.elem_elem)}"
        else:
            inner = _plural(spec.elem)
        return f"a list of {inner}"
    return _KIND_TEXT.get(spec.kind, spec.kind)


def _plural(kind: Optional[str]) -> str:
    return {
        "int": "integers",
        "int_expr": "integers or symbolic dimensions",
        "float": "numbers",
        "str": "strings",
        "bool": "booleans",
        "dtype": "data type strings",
    }.get(kind or "", f"{kind} values")


def _where(where: str) -> str:
    return f"{where}: " if where else ""


def coerce_field(spec: FieldSpec, value, *, op_name: str = "", type_key: str = "", where: str = ""):
    """Normalise one attribute value to its field kind, or raise RelayAttrError."""
    if value is None:
        if spec.nullable:
            return None
        raise RelayAttrError(
            f"{_where(where)}{op_name}: attribute '{spec.name}' of {type_key} cannot be None "
            f"(expects {_describe(spec)})"
        )
    try:
        return _coerce(spec.kind, value, spec.elem, spec.elem_elem)
    except _Mismatch:
        raise RelayAttrError(
            f"{_where(where)}{op_name}: attribute '{spec.name}' of {type_key} expects "
            f"{_describe(spec)}, got {value!r}"
        ) from None


# ----------------------------------------------------------------------------- make_attrs


class _AttrsPlan:
    """What `make_attrs` does for one (op name, type key): worked out once, reused for every call.

    `mode`: ``"keep"`` (fields kept as given, under `type_key`), ``"none"`` (the op takes no
    attributes), ``"schema"`` (coerce to `fields`), ``"ambiguous"`` (the given field names pick
    the struct: decided per call).
    """

    __slots__ = ("mode", "type_key", "fields", "names", "name_set", "legacy_only")

    def __init__(self, mode: str, type_key: Optional[str], sid: Optional[str] = None):
        self.mode = mode
        self.type_key = type_key
        schema = _table().schemas[sid] if sid else ()
        # (spec, the built-in type a value already in normal form has (or None), the kind's coercer),
        # in VisitAttrs order
        self.fields = tuple((spec, _EXACT_TYPE.get(spec.kind), _COERCERS.get(spec.kind, _keep)) for spec in schema)
        self.names = [spec.name for spec in schema]
        self.name_set = frozenset(self.names)
        self.legacy_only = bool(_table().legacy_only.get(type_key or "", {}))


# A value of exactly this type is already what `coerce_field` would return for the kind.
_EXACT_TYPE = {"int": int, "bool": bool, "float": float, "str": str, "dtype": str}

_PLANS: dict = {}  # (op_name, type_key given or None) -> _AttrsPlan


def _attrs_plan(op_name: str, type_key: Optional[str]) -> _AttrsPlan:
    plan = _PLANS.get((op_name, type_key))
    if plan is not None:
        return plan
    t = _table()
    if type_key is not None:
        sid = _schema_id(type_key, op_name)
        if sid is None:
            plan = _AttrsPlan("ambiguous" if type_key in t.ambiguous else "keep", type_key)
        else:
            plan = _AttrsPlan("schema", type_key, sid)
    elif op_name not in t.ops:
        plan = _AttrsPlan("keep", "DictAttrs")
    else:
        op_type_key = attrs_type_for_op(op_name)
        if op_type_key is None:
            plan = _AttrsPlan("none", None)
        else:
            sid = _schema_id(op_type_key, op_name)
            # sid None: DictAttrs, or a type key with no upstream definition
            plan = _AttrsPlan("keep", op_type_key) if sid is None else _AttrsPlan("schema", op_type_key, sid)
    if len(_PLANS) >= _CACHE_LIMIT:  # vendor op names and type keys come from the input
        _PLANS.clear()
    _PLANS[(op_name, type_key)] = plan
    return plan


def make_attrs(op_name: str, given: dict, *, type_key: Optional[str] = None, where: str = "") -> Attrs:
    """Build a call's `Attrs` the way TVM v0.19 would: coerce each given value, fill defaults.

    - `type_key` (JSON knows it) wins over the op's table entry; a ``attrs_type_key`` entry in
      `given` (what the text printer writes for non-op calls) counts as an explicit type key.
    - A type key the table does not know (vendor attrs), ``DictAttrs``, or an op the table does not
      know: the fields are kept as given, under `type_key` (``"DictAttrs"`` when none).
    - An op that takes no attributes gives ``Attrs(None, {})``.
    - Errors (`RelayAttrError`, prefixed with `where`): an unknown field, a missing required field,
      a value of the wrong kind, attributes on an op that takes none.
    """
    given = dict(given)
    if type_key is None and "attrs_type_key" in given:
        type_key = str(given.pop("attrs_type_key")) or None
    plan = _attrs_plan(op_name, type_key)
    mode = plan.mode
    if mode == "ambiguous":
        t = _table()
        fits = [s for s in t.ambiguous[type_key] if set(given) <= {f.name for f in t.schemas[s]}]
        if len(fits) != 1:
            return Attrs(type_key, given)
        plan = _AttrsPlan("schema", type_key, fits[0])
    elif mode == "keep":
        return Attrs(plan.type_key, given)
    elif mode == "none":
        if given:
            raise RelayAttrError(
                f"{_where(where)}{op_name}: this op takes no attributes in TVM v0.19, got "
                f"{', '.join(sorted(given))}; remove them or give attrs_type_key"
            )
        return Attrs(None, {})

    type_key = plan.type_key
    if plan.legacy_only:
        _drop_legacy_only_fields(given, type_key, plan.names, op_name, where)
    name_set = plan.name_set
    unknown = [k for k in given if k not in name_set]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise RelayAttrError(
            f"{_where(where)}{op_name}: unknown attribute{plural} {', '.join(repr(k) for k in unknown)} "
            f"for {type_key}; valid attributes are: {', '.join(plan.names)}"
        )
    fields = {}
    for spec, exact, coercer in plan.fields:
        name = spec.name
        if name in given:
            value = given[name]
            if type(value) is exact:  # already in normal form (what coerce_field would return)
                fields[name] = value
                continue
            if value is not None:
                try:
                    fields[name] = coercer(value, spec.elem, spec.elem_elem)
                    continue
                except _Mismatch:
                    pass
            # None, or a mismatch: coerce_field gives the null value or the error
            fields[name] = coerce_field(spec, value, op_name=op_name, type_key=type_key, where=where)
        elif spec.required:
            raise RelayAttrError(
                f"{_where(where)}{op_name}: missing required attribute '{spec.name}' of {type_key} "
                f"(it has no default in TVM v0.19); give it explicitly"
            )
        else:
            default = spec.default
            fields[name] = copy.deepcopy(default) if isinstance(default, dict) else default
    return Attrs(type_key, fields)


def _drop_legacy_only_fields(given: dict, type_key: str, names: list, op_name: str, where: str) -> None:
    """Accept fields only the legacy fork has (e.g. LRN's norm_region) at the fork's default.

    At that value the fork behaves as upstream v0.19, which has no such field, so it is dropped.
    Any other value has no upstream meaning: that is an error.
    """
    extras = _table().legacy_only.get(type_key, {})
    for name, fork_default in extras.items():
        if name in given and name not in names:
            value = given[name]
            if value == fork_default or (isinstance(value, str) and value == str(fork_default)):
                del given[name]
            else:
                raise RelayAttrError(
                    f"{_where(where)}{op_name}: attribute '{name}'={value!r} of {type_key} exists only "
                    f"in the vendor fork; upstream TVM v0.19 behaves as {name}={fork_default!r} and "
                    f"tvm-migrate cannot translate another value"
                )
