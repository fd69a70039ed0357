"""Tokens of the Relay text format, as `mod.astext()` printed it in TVM 0.14-0.19.

One compiled master regex scans the text (no per-character Python loop). The result is three
parallel lists (kinds, values, start offsets) that `migrate.text_parser` walks by index.
What the printer writes thousands of times, `Tensor[(1, 64, 56, 56), float32]` and `[1, 1]`, is
taken in one match and expanded to the very tokens the other rules would make (`Tokens.printed`
keeps its value, so the parser can step over those tokens).

What the lexer accepts beyond the upstream tokenizer (`src/relay/parser/tokenizer.h`), because
the upstream printer writes it:
- variable names as the printer emits them: `%aten::linear_0.weight`, `%input_1:0`, `%gpu_0/data_0`,
  `%layer-1`; a trailing `.N` on a name is resolved by the parser (tuple projection or part of the name);
- `nanf`, `-nanf`, `inff` literals, `i8`/`u8`/`f16`/`f64` suffixes, floats without a suffix (`1.000000`);
- string escapes as `support::StrEscape` writes them (`\\"`, `\\\\`, `\\n`, `\\t`, `\\r`, `\\xHH` UTF-8 bytes);
- `/* ty=... span=... */` comments are kept beside the token they follow (`Tokens.annots`), for the
  parser to store on the expression ending there; other comments vanish.
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

from .errors import RelayParseError

_NAME = r"[^\W\d][\w/]*(?:(?:[.\-]|::?)[\w/]+)*"
_IDENT = r"[^\W\d][\w/]*(?:\.[^\W\d][\w/]*)*"
DTYPE_PATTERN = (
    r"(?:u?int|float|bfloat|bool|e4m3_float|e5m2_float|float8_e4m3fn|float8_e5m2|float4_e2m1fn)\d*(?:x\d+)?"
)

# Each match skips leading white space, then takes one token; `starts` keeps the offset where that
# white space began (`Tokens.token_start` steps over it when an error needs the exact column).
_MASTER = re.compile(
    rf"""\s*(?:
    (?P<ints>\[(?:\d{{1,9}}(?:,\ \d{{1,9}})*)?\])
  | (?P<punct>->|=>|==|!=|<=|>=|[()\[\]{{}},;:=?+*<>!]|-(?!\d|inf|nan))
  | (?P<local>%(?:\d+(?![\w/])|{_NAME}))
  | (?P<meta>meta\[[^\[\]\s]+\]\[\d+\])
  | (?P<num>-?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?(?:[fiu]\d*)?|(?:inf|nan)(?:f\d*)?)(?![\w/]))
  | (?P<tensor>Tensor\[\((?:\d{{1,9}}(?:,\ \d{{1,9}})*)?\),\ {DTYPE_PATTERN}\])
  | (?P<ident>{_IDENT})
  | (?P<cmt>/\*[^*]*\*+(?:[^/*][^*]*\*+)*/)
  | (?P<glob>@{_NAME})
  | (?P<proj>\.\d+)
  | (?P<dot>\.)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<lcmt>//[^\n]*)
  | (?P<attr>\#\[[^\]\n]*\])
  | (?P<sqstr>'[^'\n]*')
  | (?P<opencmt>/\*)
  | (?P<slash>/)
  | (?P<eof>\Z)
  | (?P<other>.)
    )""",
    re.VERBOSE | re.DOTALL,
)
_META_PARTS = re.compile(r"meta\[([^\[\]\s]+)\]\[(\d+)\]")
_G = _MASTER.groupindex
_PUNCT, _LOCAL, _IDENT_G, _CMT, _NUM, _GLOB, _PROJ, _DOT, _STR, _META, _LCMT, _ATTR, _SQSTR, _SLASH, _EOF = (
    _G[name] for name in
    ("punct", "local", "ident", "cmt", "num", "glob", "proj", "dot", "str", "meta", "lcmt", "attr", "sqstr",
     "slash", "eof")
)
_PRINTED = frozenset((_G["tensor"], _G["ints"]))
_PRINTED_PARTS = re.compile(r"\d+|[^\W\d]\w*|[\[\](),]")
_EXPANSIONS: dict = {}  # text of a `tensor` or `ints` match -> _expand(text)
_SPACE = re.compile(r"\s*")

_COMMENT_PART = re.compile(r"/\*|\*/")
_NUMBER = re.compile(r"(-?)(?:(inf|nan)|(\d+)(\.\d*)?([eE][+-]?\d+)?)(?:([fiu])(\d*))?")
_ESCAPE = re.compile(rb"\\(x[0-9A-Fa-f]{2}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b'"': b'"', b"\\": b"\\", b"'": b"'", b"0": b"\0"}

KEYWORDS = {
    "let": "let",
    "fn": "fn",
    "def": "def",
    "if": "if",
    "else": "else",
    "type": "type",
    "match": "match",
    "extern": "extern",
    "free_var": "free_var",
    "ref": "ref",
    "ref_read": "ref_read",
    "ref_write": "ref_write",
    "True": "BOOL",
    "False": "BOOL",
    "_": "_",
}

_INT_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}
_FLOAT_MAX = {"float16": 65504.0, "float32": 3.4028234663852886e38, "float64": float("inf")}

METADATA_OMITTED = "metadata section has been omitted"


class Tokens:
    """The token stream of one text: parallel lists plus what is needed to place an error."""

    __slots__ = ("kinds", "values", "starts", "annots", "text", "source_name", "line_starts", "metadata",
                 "metadata_start", "metadata_omitted", "printed")

    def __init__(self, text: str, source_name: str):
        self.kinds: list = []
        self.values: list = []
        self.starts: list = []
        # `/* ty=... span=... */` comments: index of the token just before -> (body, body offset)
        self.annots: dict = {}
        self.text = text
        self.source_name = source_name
        self.line_starts: Optional[list] = None
        self.metadata: Optional[str] = None  # the JSON after `#[metadata]`
        self.metadata_start = -1
        self.metadata_omitted = False  # the printer's "metadata section has been omitted" comment
        # What the printer writes plainly, read by the lexer in one match: index of the first token
        # -> (value, number of tokens), so the parser can skip those tokens. `Tensor[(1, 3), float32]`
        # -> ((1, 3), "float32"); `[1, 2]` -> (1, 2).
        self.printed: dict = {}

    def line_col(self, offset: int) -> tuple:
        """1-based (line, column) of a character offset."""
        if self.line_starts is None:
            self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        return (self.text[start:] if end < 0 else self.text[start:end]).rstrip("\r")

    def token_start(self, i: int) -> int:
        """Offset of token `i`'s first character (`starts` includes the white space before it).

        The end of input is placed just after the last token, so an error shows that line."""
        if self.kinds[i] == "EOF":
            return self.starts[i]
        return _SPACE.match(self.text, self.starts[i]).end()

    def error(self, offset: int, message: str, hint: Optional[str] = None) -> RelayParseError:
        line, col = self.line_col(offset)
        return RelayParseError(message, self.source_name, line, col, self.line_text(line), hint)


def tokenize(text: str, source_name: str = "<string>", base: int = 0, end: Optional[int] = None) -> Tokens:
    """Split `text[base:end]` into tokens (offsets stay relative to the whole `text`)."""
    toks = Tokens(text, source_name)
    kinds, values, starts = toks.kinds, toks.values, toks.starts
    k_append, v_append, s_append = kinds.append, values.append, starts.append
    finditer = _MASTER.finditer
    keywords = KEYWORDS
    printed = toks.printed
    stop = len(text) if end is None else end
    pos = base
    while pos >= 0:  # one pass of finditer; a nested comment or `match?` restarts it further on
        restart = -1
        for m in finditer(text, pos, stop):
            g = m.lastindex
            if g == _PUNCT:
                k_append(m.group(g))
                v_append(None)
            elif g == _LOCAL:
                k_append("LOCAL")
                v_append(m.group(g)[1:])
            elif g == _IDENT_G:
                word = m.group(g)
                kw = keywords.get(word)
                if kw is None:
                    k_append("IDENT")
                    v_append(word)
                elif kw == "match" and text.startswith("?", m.end()):
                    k_append("match?")
                    v_append(word)
                    s_append(m.start())
                    restart = m.end() + 1
                    break
                else:
                    k_append(kw)
                    v_append(word == "True" if kw == "BOOL" else word)
            elif g in _PRINTED:  # the tokens the other rules would make, from one match
                raw = m.group(g)
                expansion = _EXPANSIONS.get(raw)
                if expansion is None:
                    expansion = _expand(raw)
                p_kinds, p_values, p_starts, printed[len(kinds)] = expansion
                kinds.extend(p_kinds)
                values.extend(p_values)
                s_append(m.start())
                at = m.start(g)
                starts.extend([at + offset for offset in p_starts])
                continue
            elif g == _CMT:
                at = m.start(g)
                body = m.group(g)[2:-2]
                if "/*" in body:  # nested comments
                    restart = _close_comment(text, at, stop)
                    if restart < 0:
                        raise toks.error(at, "unterminated comment: expected `*/`, found end of input",
                                         "every `/*` needs a matching `*/` (comments nest)")
                    body = text[at + 2 : restart - 2]
                if body.lstrip().startswith(("ty=", "span=")):
                    if kinds:
                        toks.annots[len(kinds) - 1] = (body, at + 2)
                elif METADATA_OMITTED in body:
                    toks.metadata_omitted = True
                if restart >= 0:
                    break
                continue
            elif g == _NUM:
                literal = m.group(g)
                if literal.isdigit() and len(literal) < 10:
                    k_append("INT")
                    v_append((int(literal), "int32"))
                else:
                    num_kind, num_value = _number(toks, literal, m.start(g))
                    k_append(num_kind)
                    v_append(num_value)
            elif g == _LCMT:
                continue
            elif g == _EOF:
                break
            elif g == _GLOB:
                k_append("GLOBAL")
                v_append(m.group(g)[1:])
            elif g == _PROJ:
                k_append("PROJ")
                v_append(int(m.group(g)[1:]))
            elif g == _DOT:
                k_append(".")
                v_append(None)
            elif g == _STR:
                k_append("STR")
                v_append(_unescape(m.group(g)[1:-1]))
            elif g == _META:
                parts = _META_PARTS.match(m.group(g))
                k_append("META")
                v_append((parts.group(1), int(parts.group(2))))
            elif g == _ATTR:
                if _attribute(toks, m, stop):
                    break  # `#[metadata]`: the rest of the text is its JSON
            elif g == _SQSTR:
                k_append("STR")
                v_append(m.group(g)[1:-1])
            elif g == _SLASH:
                k_append("/")
                v_append(None)
            else:  # a character no token starts with
                raise _bad_character(toks, text, m.start(g))
            s_append(m.start())
        pos = restart
    if toks.metadata is not None:
        eof_at = toks.metadata_start
    else:
        eof_at = stop
        while eof_at > base and text[eof_at - 1].isspace():
            eof_at -= 1
    kinds.append("EOF")
    values.append(None)
    starts.append(eof_at)
    return toks


def _expand(raw: str) -> tuple:
    """A `tensor` match (`Tensor[(d, ...), dtype]`) or an `ints` match (`[d, ...]`), with no white
    space but after commas, as the other rules split it: (kinds, values, start offsets of the tokens
    after the first, relative to `raw`, (value, number of tokens))."""
    kinds, values, starts, ints = [], [], [], []
    end = 0
    for part in _PRINTED_PARTS.finditer(raw):
        text = part.group()
        if text[0].isdigit():
            kinds.append("INT")
            values.append((int(text), "int32"))
            ints.append(int(text))
        elif text in "[](),":
            kinds.append(text)
            values.append(None)
        else:  # `Tensor` and the dtype
            kinds.append("IDENT")
            values.append(text)
        if end:
            starts.append(end)  # a token's match starts where the previous one ended
        end = part.end()
    value = (tuple(ints), values[-2]) if kinds[0] == "IDENT" else tuple(ints)
    if len(_EXPANSIONS) > 4096:  # texts are few in one program; bound what many programs leave
        _EXPANSIONS.clear()
    expansion = _EXPANSIONS[raw] = (tuple(kinds), tuple(values), tuple(starts), (value, len(kinds)))
    return expansion


def _attribute(toks: Tokens, m: "re.Match", stop: int) -> bool:
    """`#[version = "..."]` (a VERSION token) or `#[metadata]` (True: the JSON runs to the end)."""
    at = m.start(_ATTR)
    raw = m.group(_ATTR)
    inner = raw[2:-1].strip()
    if inner == "metadata":
        toks.metadata = toks.text[m.end() : stop]
        toks.metadata_start = at
        return True
    if inner.startswith("version"):
        version = inner[len("version") :].strip()
        if not version.startswith("="):
            raise toks.error(at, f"expected `#[version = \"0.0.5\"]`, found `{raw}`")
        toks.kinds.append("VERSION")
        toks.values.append(version[1:].strip().strip('"'))
        return False
    raise toks.error(at, f"unsupported attribute `{raw}`: expected `#[version = \"...\"]` or `#[metadata]`")


def _close_comment(text: str, pos: int, stop: int) -> int:
    """Offset just past the `*/` closing the comment opened at `pos` (nesting), or -1."""
    depth = 0
    for m in _COMMENT_PART.finditer(text, pos, stop):
        if m.group() == "/*":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


def _bad_character(toks: Tokens, text: str, pos: int) -> RelayParseError:
    ch = text[pos]
    if text.startswith("/*", pos):
        return toks.error(pos, "unterminated comment: expected `*/`, found end of input",
                          "every `/*` needs a matching `*/` (comments nest)")
    if ch == '"':
        return toks.error(pos, "unterminated string literal: expected a closing `\"` on the same line",
                          'strings cannot span lines; write a line break as \\n')
    if ch == "#":
        hint = None
        if text.startswith("# from tvm.script", pos) or text.startswith("@T.prim_func", pos):
            hint = ("this text holds TIR functions (printed after lowering); export the Relay module "
                    "before relay.build, e.g. mod.astext() right after the frontend")
        return toks.error(pos, "expected `#[version = \"...\"]` or `#[metadata]`, found `#` not followed by `[`",
                          hint)
    if text.startswith("meta[", pos):
        return toks.error(pos, "malformed metadata reference: expected `meta[type_key][index]`")
    if ch == "%":
        return toks.error(pos, "expected a variable name after `%` (a letter or `_`, or only digits)")
    if ch == "@":
        return toks.error(pos, "expected a global function name after `@`")
    if ch.isdigit() or ch == "-":
        end = pos + 1
        while end < len(text) and (text[end].isalnum() or text[end] in "._+-"):
            end += 1
        return toks.error(pos, f"invalid number `{text[pos:end]}`")
    return toks.error(pos, f"unexpected character {ch!r}")


def _number(toks: Tokens, literal: str, pos: int) -> tuple:
    """(kind, (value, dtype)) for a numeric literal such as `1`, `-2i64`, `1e-05f`, `-inff`, `2.5f16`."""
    m = _NUMBER.fullmatch(literal)
    if m is None:
        raise toks.error(pos, f"invalid number `{literal}`")
    sign, special, whole, frac, exp, suffix, width = m.groups()
    if special:
        value = float(special)
        is_float = True
        dtype = "float" + (width or "32")
    else:
        is_float = suffix == "f" or ((frac is not None or exp is not None) and suffix is None)
        if is_float:
            dtype = "float" + (width or "32")
        elif suffix == "u":
            dtype = "uint" + (width or "32")
        elif suffix == "i" or not width:
            dtype = "int" + (width or "32")
        if not is_float and (frac is not None or exp is not None):
            raise toks.error(pos, f"invalid integer `{literal}`: a fraction or exponent needs the `f` suffix")
        value = float(whole + (frac or "") + (exp or "")) if is_float else int(whole)
    if sign:
        value = -value
    if is_float:
        limit = _FLOAT_MAX.get(dtype)
        if limit is None:
            raise toks.error(pos, f"invalid numeric suffix in `{literal}`: expected f16, f32 or f64")
        if abs(value) > limit and value not in (float("inf"), float("-inf")):
            raise toks.error(pos, f"floating point number `{literal}` is out of range for {dtype}")
        return "FLOAT", (value, dtype)
    bounds = _INT_RANGES.get(dtype)
    if bounds is None:
        raise toks.error(pos, f"invalid numeric suffix in `{literal}`: expected i8, i16, i32, i64 or u8..u64")
    if not bounds[0] <= value <= bounds[1]:
        if suffix is None and _INT_RANGES["int64"][0] <= value <= _INT_RANGES["int64"][1]:
            return "INT", (value, "int64")  # like upstream: unsuffixed and too big for int32 -> int64
        raise toks.error(pos, f"integer `{literal}` is out of range for {dtype}")
    return "INT", (value, dtype)


def _unescape(body: str) -> str:
    """Undo `support::StrEscape`: `\\"`, `\\\\`, `\\n`, `\\t`, `\\r` and `\\xHH` (bytes of UTF-8)."""
    if "\\" not in body:
        return body

    def one(m: "re.Match") -> bytes:
        esc = m.group(1)
        if esc[:1] == b"x" and len(esc) == 3:
            return bytes([int(esc[1:], 16)])
        return _SIMPLE_ESCAPES.get(esc, b"\\" + esc)

    return _ESCAPE.sub(one, body.encode("utf-8")).decode("utf-8", errors="replace")
