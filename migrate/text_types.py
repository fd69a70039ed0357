"""The leaves of the Relay text grammar: types, attribute values, metadata references, comments.

`TypeAndLiteralReader` holds the token cursor of one parse (`migrate.text_lexer` tokens) and
reads what has no sub-expressions of its own: types (`Tensor[(1, ?), float32]`, `(T1, T2)`,
`fn (T) -> T`, `List[A]`, `ref(T)`), ADT definitions (`type List[A] { Cons(A, List[A]), Nil }`),
call and function attribute values (`1`, `-1e+06f`,
`"NCHW"`, `[1, 2]`, `{k=v}`, `None`), `meta[key][i]` references into the `#[metadata]`
section, and the `/* ty=... span=... */` comments the printer puts after expressions.
`migrate.text_parser.RelayTextParser` builds the expression grammar on top of it.
"""

from __future__ import annotations

import re
from typing import Optional

from . import relay_ir as ir
from .errors import MigrateError, RelayParseError
from .text_lexer import _MASTER, DTYPE_PATTERN, Tokens, tokenize

_DTYPE = re.compile(DTYPE_PATTERN)
_SPAN = re.compile(r"(.*):(\d+):(\d+)", re.DOTALL)
_NO_TYPE_SLOT = (ir.Op, ir.Constructor)  # shared by every use: a printed type belongs to the use

NO_METADATA_HINT = (
    "the text was printed without its metadata section; re-export it with "
    "mod.astext(show_meta_data=True) or save the module with tvm.ir.save_json(mod)"
)


def _constructor_tag_prefix(type_name: str) -> int:
    """Relay's constructor tag prefix: the low byte of libstdc++ `std::hash<std::string>` << 24.

    `IRModuleNode::RegisterConstructors` tags constructor `i` of ADT `T` with
    `(hash(T) & 0xff) << 24 | i` (signed 32-bit). The hash is libstdc++'s 64-bit `_Hash_bytes`
    (MurmurHash64A variant, seed 0xc70f6907); matching it keeps tags equal to `save_json` ones.
    """
    mask = (1 << 64) - 1
    mul = (0xC6A4A793 << 32) + 0x5BD1E995
    data = type_name.encode("utf-8")
    n = len(data)
    aligned = n & ~7
    h = (0xC70F6907 ^ (n * mul)) & mask
    for p in range(0, aligned, 8):
        d = (int.from_bytes(data[p : p + 8], "little") * mul) & mask
        d = ((d ^ (d >> 47)) * mul) & mask
        h = ((h ^ d) * mul) & mask
    if n & 7:
        h = ((h ^ int.from_bytes(data[aligned:], "little")) * mul) & mask
    h = ((h ^ (h >> 47)) * mul) & mask
    h ^= h >> 47
    prefix = (h & 0xFF) << 24
    return prefix - (1 << 32) if prefix >= 1 << 31 else prefix


class TypeAndLiteralReader:
    """Token cursor, error reporting, types, attribute values, metadata and type comments."""

    def __init__(self, text: str, source_name: str):
        self.toks: Tokens = tokenize(text, source_name)
        self.source_name = source_name
        self.kinds = self.toks.kinds
        self.values = self.toks.values
        self.starts = self.toks.starts
        self.annots = self.toks.annots
        self.i = 0
        self.type_scopes: list = []  # innermost last: dict name -> TypeVar
        self.type_names: dict = {}  # name -> GlobalTypeVar
        self.ctors: dict = {}  # name -> Constructor, from the `type` definitions
        self.annot_cache: dict = {}  # comment body -> (type, span), outside type-parameter scopes
        self.tensor_types: dict = {}  # (shape, dtype) the lexer read -> TensorType (one per type)
        self.attr_keys: dict = {}  # {id(dict of the last attributes read): {name: token index}}
        self._meta: Optional[dict] = None

    def parse_postfix(self):  # the expression grammar (RelayTextParser) provides it
        raise NotImplementedError

    # ------------------------------------------------------------------ errors and tokens

    def token_text(self, i: int) -> str:
        kind = self.kinds[i]
        if kind == "EOF":
            return "end of input"
        if kind == "VERSION":
            return "a `#[version]` header"
        m = _MASTER.match(self.toks.text, self.starts[i])
        raw = m.group(m.lastindex)
        if m.lastgroup == "tensor":  # matches that hold several tokens: show the first
            raw = "Tensor"
        elif m.lastgroup == "ints":
            raw = "["
        if kind == "match?":
            raw += "?"
        if len(raw) > 40:
            raw = raw[:37] + "..."
        return f"`{raw}`"

    def error(self, message: str, i: Optional[int] = None, hint: Optional[str] = None) -> RelayParseError:
        return self.toks.error(self.toks.token_start(self.i if i is None else i), message, hint)

    def expected(self, what: str, i: Optional[int] = None, hint: Optional[str] = None) -> RelayParseError:
        i = self.i if i is None else i
        return self.error(f"expected {what}, found {self.token_text(i)}", i, hint)

    def expect(self, kind: str, what: Optional[str] = None) -> None:
        if self.kinds[self.i] != kind:
            raise self.expected(what or f"`{kind}`")
        self.i += 1

    def parse_list(self, open_: str, close: str, item, what: str) -> list:
        """`open item, item, ... close` (trailing comma allowed)."""
        self.expect(open_)
        out = []
        kinds = self.kinds
        while kinds[self.i] != close:
            out.append(item())
            if kinds[self.i] == ",":
                self.i += 1
            elif kinds[self.i] != close:
                raise self.expected(f"`,` or `{close}` after {what}")
        self.i += 1
        return out

    # ------------------------------------------------------------------ metadata

    def meta(self, i: int):
        key, index = self.values[i]
        ref = f"meta[{key}][{index}]"
        table = self.metadata_table(i, ref)
        entries = table.get(key)
        if not isinstance(entries, (list, tuple)):
            have = ", ".join(sorted(str(k) for k in table)) or "nothing"
            raise self.error(f"`{ref}`: the metadata section has no `{key}` entries (it has {have})", i)
        if index >= len(entries):
            raise self.error(
                f"`{ref}` is out of range: the metadata section holds {len(entries)} `{key}` "
                f"entr{'y' if len(entries) == 1 else 'ies'}", i)
        return entries[index]

    def metadata_table(self, i: int, ref: str) -> dict:
        if self._meta is None:
            if self.toks.metadata is None:
                why = " (it was printed with show_meta_data=False)" if self.toks.metadata_omitted else ""
                raise self.error(f"`{ref}` refers to the metadata section, but the text has none{why}", i,
                                 NO_METADATA_HINT)
            from .json_reader import decode_metadata

            try:
                self._meta = decode_metadata(self.toks.metadata, self.source_name)
            except RecursionError:
                raise self.toks.error(self.toks.metadata_start, "the #[metadata] section nests too deeply") from None
            except Exception as err:  # noqa: BLE001 - any failure is the input's, reported in place
                detail = str(err) if isinstance(err, MigrateError) else f"{type(err).__name__}: {err}"
                raise self.toks.error(self.toks.metadata_start,
                                      f"cannot read the #[metadata] section: {detail}") from err
        return self._meta

    # ------------------------------------------------------------------ attribute values

    def parse_attr_pairs(self, close: str) -> dict:
        """`key=value, ...` up to (not including) `close`."""
        kinds, values = self.kinds, self.values
        out: dict = {}
        keys: dict = {}
        self.attr_keys = {id(out): keys}
        while kinds[self.i] == "IDENT" and kinds[self.i + 1] == "=":
            key = values[self.i]
            if key in out:
                raise self.error(f"attribute `{key}` is given twice")
            keys[key] = self.i
            self.i += 2
            out[key] = self.parse_attr_value()
            if kinds[self.i] == ",":
                self.i += 1
            elif kinds[self.i] != close:
                raise self.expected(f"`,` or `{close}` after the attribute `{key}`")
        if kinds[self.i] != close:
            raise self.expected(f"an attribute `name=value` or `{close}`")
        return out

    def parse_attr_value(self):
        """A literal (`1`, `-1e+06f`, `"s"`, `True`, `None`), an array `[...]`, a map `{k=v}`, `meta[..]`."""
        i = self.i
        k = self.kinds[i]
        value = self.values[i]
        if k == "INT" or k == "FLOAT":
            self.i += 1
            return value[0]
        if k == "STR" or k == "BOOL":
            self.i += 1
            return value
        if k == "[":
            known = self.toks.printed.get(i)
            if known is not None:  # `[1, 2]`, read by the lexer
                self.i = i + known[1]
                return known[0]
            return tuple(self.parse_list("[", "]", self.parse_attr_value, "an array element"))
        if k == "IDENT":
            self.i += 1
            if value in ("None", "nullptr"):
                return None
            if self.kinds[self.i] == "(":  # a debugging repr such as VirtualDevice(...): kept as text
                return self._skip_balanced(i)
            return value  # a bare word, e.g. a dtype written as `int8`
        if k == "META":
            self.i += 1
            return self.meta(i)
        if k == "?":
            self.i += 1
            return ir.AnyDim()
        if k == "(":
            items = self.parse_list("(", ")", self.parse_attr_value, "a value")
            return items[0] if len(items) == 1 else tuple(items)
        if k == "{":
            return self.parse_attr_map()
        if k in ("LOCAL", "GLOBAL", "fn"):
            return self.parse_postfix()
        raise self.expected("an attribute value (a number, string, `True`, `None`, `[...]` or `meta[...]`)")

    def parse_attr_map(self) -> dict:
        self.i += 1
        kinds = self.kinds
        out: dict = {}
        while kinds[self.i] != "}":
            if kinds[self.i] not in ("IDENT", "STR"):
                raise self.expected("a key in the `{key=value}` map")
            key = self.values[self.i]
            self.i += 1
            self.expect("=", "`=` after the map key")
            out[key] = self.parse_attr_value()
            if kinds[self.i] == ",":
                self.i += 1
            elif kinds[self.i] != "}":
                raise self.expected("`,` or `}` in the map")
        self.i += 1
        return out

    def _skip_balanced(self, start: int) -> str:
        depth = 0
        kinds = self.kinds
        while True:
            k = kinds[self.i]
            if k == "EOF":
                raise self.expected("`)`")
            self.i += 1
            if k == "(":
                depth += 1
            elif k == ")":
                depth -= 1
                if depth == 0:
                    return self.toks.text[self.toks.token_start(start) : self.toks.token_start(self.i - 1) + 1]

    # ------------------------------------------------------------------ types

    def parse_type_params(self) -> tuple:
        """`[A, B]`: binds the names in a new type scope (the caller pops it if the list is not empty)."""
        scope: dict = {}

        def one():
            if self.kinds[self.i] != "IDENT":
                raise self.expected("a type parameter name")
            tv = ir.TypeVar(self.values[self.i])
            scope[tv.name] = tv
            self.i += 1
            return tv

        params = tuple(self.parse_list("[", "]", one, "a type parameter"))
        if params:
            self.type_scopes.append(scope)
        return params

    def lookup_type_var(self, name: str):
        for scope in reversed(self.type_scopes):
            tv = scope.get(name)
            if tv is not None:
                return tv
        return None

    def parse_type_def(self) -> ir.TypeData:
        """`type Name[A, ...] { Ctor(T, ...), ... }`; constructor tags as Relay assigns them."""
        self.i += 1  # type
        if self.kinds[self.i] != "IDENT":
            raise self.expected("a type name after `type`")
        name = self.values[self.i]
        self.i += 1
        header = self.type_names.get(name)
        if header is None:
            header = self.type_names[name] = ir.GlobalTypeVar(name, "AdtHandle")
        type_vars: tuple = ()
        if self.kinds[self.i] == "[":
            type_vars = self.parse_type_params()
        ctors: list = []
        if self.kinds[self.i] == "{":
            self.i += 1
            prefix = _constructor_tag_prefix(name)
            while self.kinds[self.i] != "}":
                if self.kinds[self.i] != "IDENT":
                    raise self.expected("a constructor name")
                ctor_name, at = self.values[self.i], self.i
                self.i += 1
                inputs: tuple = ()
                if self.kinds[self.i] == "(":
                    inputs = tuple(self.parse_list("(", ")", self.parse_type, "a type"))
                if ctor_name in self.ctors:
                    raise self.error(f"constructor `{ctor_name}` is defined twice", at)
                ctor = ir.Constructor(ctor_name, inputs, header, prefix | len(ctors))
                self.ctors[ctor_name] = ctor
                ctors.append(ctor)
                if self.kinds[self.i] == ",":
                    self.i += 1
                elif self.kinds[self.i] != "}":
                    raise self.expected("`,` or `}` after a constructor")
            self.i += 1
        if type_vars:
            self.type_scopes.pop()
        return ir.TypeData(header, type_vars, ctors)

    def parse_type(self):
        i = self.i
        k = self.kinds[i]
        if k == "IDENT":
            name = self.values[i]
            self.i = i + 1
            if name == "Tensor":
                known = self.toks.printed.get(i)
                if known is not None:  # printed plainly: the lexer has read it
                    shape_dtype, n_tokens = known
                    self.i = i + n_tokens
                    ty = self.tensor_types.get(shape_dtype)
                    if ty is None:
                        ty = self.tensor_types[shape_dtype] = ir.TensorType(*shape_dtype)
                    return ty
                return self.parse_tensor_type()
            tv = self.lookup_type_var(name) if self.type_scopes else None
            if tv is not None:
                return tv
            if _DTYPE.fullmatch(name):
                return ir.TensorType((), name)
            head = self.type_names.get(name)
            if head is None:
                head = self.type_names[name] = ir.GlobalTypeVar(name, "AdtHandle")
            args: tuple = ()
            if self.kinds[self.i] == "[":
                args = tuple(self.parse_list("[", "]", self.parse_type, "a type"))
            return ir.TypeCall(head, args)
        if k == "(":
            fields = self.parse_list("(", ")", self.parse_type, "a type")
            return ir.TupleType(tuple(fields))
        if k == "fn":
            self.i = i + 1
            type_params: tuple = ()
            if self.kinds[self.i] == "[":
                type_params = self.parse_type_params()
            arg_types = tuple(self.parse_list("(", ")", self.parse_type, "a type"))
            self.expect("->", "`->` in the function type")
            ret = self.parse_type()
            if type_params:
                self.type_scopes.pop()
            return ir.FuncType(arg_types, ret, type_params)
        if k == "ref":
            self.i = i + 1
            self.expect("(", "`(` after `ref`")
            value = self.parse_type()
            self.expect(")")
            return ir.RefType(value)
        if k == "_":
            self.i = i + 1
            return ir.IncompleteType()
        if k == "META":
            self.i = i + 1
            obj = self.meta(i)
            if not isinstance(obj, ir.Type):
                raise self.error(f"{self.token_text(i)} is a {type(obj).__name__}, not a type", i)
            return obj
        raise self.expected("a type such as `Tensor[(1, 3), float32]`")

    def parse_tensor_type(self) -> ir.TensorType:
        """`[(d, ...), dtype]` after `Tensor` (every parameter has one: kept free of calls per dim)."""
        kinds, values = self.kinds, self.values
        self.expect("[", "`[` after `Tensor`")
        self.expect("(", "`(` to open the shape")
        shape = []
        i = self.i
        while kinds[i] != ")":
            if kinds[i] == "INT":
                shape.append(values[i][0])
                i += 1
            else:
                self.i = i
                shape.append(self.parse_dim())
                i = self.i
            if kinds[i] == ",":
                i += 1
            elif kinds[i] != ")":
                self.i = i
                raise self.expected("`,` or `)` after a dimension")
        self.i = i + 1
        self.expect(",", "`,` between the shape and the dtype")
        if kinds[self.i] != "IDENT" or not _DTYPE.fullmatch(values[self.i]):
            raise self.expected("a dtype such as `float32`")
        dtype = values[self.i]
        self.i += 1
        self.expect("]", "`]` to close the tensor type")
        return ir.TensorType(tuple(shape), dtype)

    def parse_dim(self):
        i = self.i
        k = self.kinds[i]
        self.i = i + 1
        if k == "INT":
            return self.values[i][0]
        if k == "?":
            return ir.AnyDim()
        if k == "META":
            obj = self.meta(i)
            if not isinstance(obj, (int, ir.SizeVar, ir.AnyDim, ir.DimExpr)):
                raise self.error(f"{self.token_text(i)} is a {type(obj).__name__}, not a dimension", i)
            return obj
        self.i = i
        raise self.expected("a dimension (an integer, `?` or `meta[tir.SizeVar][i]`)")

    # ------------------------------------------------------------------ /* ty=... span=... */

    def annotate(self, expr, i: int) -> None:
        """Store the `/* ty=T span=file:line:col */` printed after token `i` on `expr` (if not set yet)."""
        if isinstance(expr, _NO_TYPE_SLOT):
            return
        body, offset = self.annots[i]
        found = self.annot_cache.get(body) if not self.type_scopes else None
        if found is None:
            found = self._read_annotation(body, offset)
            if not self.type_scopes:
                self.annot_cache[body] = found
        ty, span = found
        if ty is not None and expr.checked_type is None:
            expr.checked_type = ty
        if span is not None and expr.span is None:
            expr.span = span

    def _read_annotation(self, body: str, offset: int) -> tuple:
        """(type or None, Span or None) from a comment body ` ty=T span=file:line:col `."""
        ty = span = span_text = None
        head = body
        span_at = body.find(" span=")
        if span_at >= 0:
            head, span_text = body[:span_at], body[span_at + 6 :]
        elif body.lstrip().startswith("span="):
            head, span_text = "", body.lstrip()[5:]
        ty_at = head.find("ty=")
        if ty_at >= 0 and not head[:ty_at].strip():
            ty = self._type_from_text(offset + ty_at + 3, offset + len(head.rstrip()))
        if span_text is not None:
            m = _SPAN.fullmatch(span_text.strip())
            if m is not None:
                span = ir.Span(m.group(1), int(m.group(2)), int(m.group(3)))
        return ty, span

    def _type_from_text(self, start: int, end: int):
        """Parse the type inside a comment; a comment that does not hold one is left alone."""
        saved = (self.toks, self.kinds, self.values, self.starts, self.i)
        try:
            sub = tokenize(self.toks.text, self.source_name, start, end)
            sub.metadata, sub.metadata_start = self.toks.metadata, self.toks.metadata_start
            self.toks, self.kinds, self.values, self.starts, self.i = sub, sub.kinds, sub.values, sub.starts, 0
            ty = self.parse_type()
            return ty if self.kinds[self.i] == "EOF" else None
        except RelayParseError:
            return None
        finally:
            self.toks, self.kinds, self.values, self.starts, self.i = saved
