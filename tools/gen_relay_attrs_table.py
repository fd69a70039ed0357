#!/usr/bin/env python
"""Generate migrate/data/relay_attrs_v0_19.json from the apache/tvm v0.19.0 C++ sources.

Maintainer script (not needed at run time). It reads the Relay attrs definitions and the op
registrations straight from a git mirror of apache/tvm, so the table cannot drift from upstream:

    .venv/bin/python tools/gen_relay_attrs_table.py \\
        --tvm-git /work/.mirror/apache+tvm/repo --tag v0.19.0 \\
        --legacy-registry tools/legacy_relay_registry.json \\
        --out migrate/data/relay_attrs_v0_19.json

What it reads at the tag:
- every ``struct X : public tvm::AttrsNode<X>`` whose ``TVM_DECLARE_ATTRS`` key starts with
  ``relay.attrs.``, in include/tvm/relay/** and src/relay/**: field C++ types (member declarations)
  and, in ``TVM_ATTR_FIELD`` order (the order VisitAttrs, the text printer and save_json use),
  each ``.set_default(EXPR)``. A default it cannot evaluate is an error, never a guess.
- every op registration in src/relay/** (``RELAY_REGISTER_OP``/``TVM_REGISTER_OP`` and the macros
  built on them, e.g. ``RELAY_REGISTER_REDUCE_OP``, ``QNN_REGISTER_BINARY_OP``) and its
  ``.set_attrs_type<X>()`` / ``.set_attrs_type_key("...")``.

The legacy registry file (``tools/dump_legacy_relay_registry.py``, run with the legacy Relay
python) is a cross-check: disagreements are printed and upstream wins. Ops in the op list with no
registration at the tag (the Ethos-U ops, removed in v0.19.0) take their attrs type from the
legacy registry, and attrs types not declared at the tag are read from ``--fallback-tag``
(the last release that had them); the table says so for each.

Besides, it records the attrs type that the make functions of ops registered *without* one attach
to their calls (``make_object<XAttrs>`` next to ``Op::Get("op")``: cumsum, unique, vision.*, ...).

Top-level keys: source, generator; attrs (schema id -> type_key, cpp_class, defined_in, source,
fields); ops (op -> registered type key or null); op_schema (op -> schema id, where one type key
names two structs); op_implied_attrs (op -> schema id its calls carry); ambiguous_type_keys;
ops_from_legacy_registry; legacy_only_fields (fields only the legacy fork has, with its default).

Field entries (see migrate/attrs.py for the consumer):
  name, cpp_type, pod (written as a raw string by save_json), kind, required, default (when not
  required), optional (Optional<...>), elem / elem_elem (array element kinds).
Kinds: int, bool, float, str, dtype, array, map, expr, int_expr, int_or_array (split's
``Variant<Int, Array<Int>>``), virtual_device (a dict with VirtualDevice's four fields).
``Integer`` (always a concrete IntImm) is kind ``int``; ``IndexExpr``/``PrimExpr`` are ``int_expr``,
except ``Array<IndexExpr>`` fields whose upstream default holds floats (FloatImm), which are
``float`` arrays. Nested arrays: ``elem: "array"`` plus ``elem_elem``.
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import subprocess
import sys
from dataclasses import dataclass, field

# save_json: AttrVisitor overloads that JSONAttrGetter writes as raw strings
# (include/tvm/node/reflection.h, src/node/serialization.cc at v0.19.0). Everything else is an
# ObjectRef, written as a node index.
POD_TYPES = {
    "int": "int",
    "int32_t": "int",
    "int64_t": "int",
    "uint64_t": "int",
    "bool": "bool",
    "double": "float",
    "std::string": "str",
    "DataType": "dtype",
}

VIRTUAL_DEVICE_UNCONSTRAINED = {
    "device_type_int": -1,
    "virtual_device_id": -1,
    "target": None,
    "memory_scope": "",
}


class GenError(Exception):
    pass


# ----------------------------------------------------------------------------- git access


class GitTree:
    def __init__(self, git_dir: str, tag: str):
        self.git_dir = git_dir
        self.tag = tag
        self.ref = f"refs/tags/{tag}"
        self._cache: dict = {}

    def _git(self, *args: str) -> str:
        proc = subprocess.run(["git", "-C", self.git_dir, *args], capture_output=True, text=True)
        if proc.returncode != 0:
            raise GenError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def files_with(self, pattern: str, paths: list) -> list:
        proc = subprocess.run(
            ["git", "-C", self.git_dir, "grep", "-l", "-E", pattern, self.ref, "--", *paths],
            capture_output=True,
            text=True,
        )
        if proc.returncode not in (0, 1):
            raise GenError(f"git grep failed: {proc.stderr.strip()}")
        prefix = self.ref + ":"
        return sorted(line[len(prefix):] for line in proc.stdout.splitlines() if line.startswith(prefix))

    def list_files(self, under: str, suffixes: tuple) -> list:
        out = self._git("ls-tree", "-r", "--name-only", self.ref, "--", under)
        return sorted(p for p in out.splitlines() if p.endswith(suffixes))

    def read_many(self, paths: list) -> dict:
        """Read many files with one `git cat-file --batch`."""
        todo = [p for p in paths if p not in self._cache]
        if todo:
            request = "".join(f"{self.ref}:{p}\n" for p in todo).encode()
            proc = subprocess.run(["git", "-C", self.git_dir, "cat-file", "--batch"], input=request, capture_output=True)
            if proc.returncode != 0:
                raise GenError(f"git cat-file failed: {proc.stderr.decode().strip()}")
            data, pos = proc.stdout, 0
            for path in todo:
                header_end = data.index(b"\n", pos)
                header = data[pos:header_end].split()
                if header[-1] == b"missing":
                    raise GenError(f"{path} missing at {self.tag}")
                size = int(header[2])
                self._cache[path] = data[header_end + 1 : header_end + 1 + size].decode("utf-8")
                pos = header_end + 1 + size + 1
        return {p: self._cache[p] for p in paths}

    def read(self, path: str) -> str:
        if path not in self._cache:
            self._cache[path] = self._git("show", f"{self.ref}:{path}")
        return self._cache[path]


# ----------------------------------------------------------------------------- C++ scanning


def _skip_literal(src: str, i: int) -> int:
    """If src[i] starts a string/char literal (raw strings included), return the index after it."""
    c = src[i]
    if c == "R" and src.startswith('R"', i) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
        open_paren = src.index("(", i + 2)
        delim = src[i + 2 : open_paren]
        end = src.index(")" + delim + '"', open_paren)
        return end + len(delim) + 2
    if c in "\"'":
        j = i + 1
        while j < len(src):
            if src[j] == "\\":
                j += 2
                continue
            if src[j] == c:
                return j + 1
            if src[j] == "\n" and c == "'":
                break
            j += 1
        raise GenError(f"unterminated literal at offset {i}")
    return i


def strip_comments(src: str) -> str:
    """Replace comments with spaces (newlines kept), leaving string literals intact."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "/" and src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "/" and src.startswith("/*", i):
            j = src.find("*/", i + 2)
            if j < 0:
                raise GenError("unterminated comment")
            out.append("".join(ch if ch == "\n" else " " for ch in src[i : j + 2]))
            i = j + 2
        elif c in "\"'R":
            if c == "'" and i > 0 and src[i - 1].isdigit():  # C++14 digit separator
                out.append(c)
                i += 1
                continue
            j = _skip_literal(src, i)
            if j == i:
                out.append(c)
                i += 1
            else:
                out.append(src[i:j])
                i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


_PAIRS = {"(": ")", "{": "}", "[": "]"}


_PAIR_CACHE: dict = {}


def _bracket_pairs(src: str) -> dict:
    """open index -> close index for every bracket of `src`, in one pass (literals skipped)."""
    pairs = _PAIR_CACHE.get(src)
    if pairs is not None:
        return pairs
    pairs, stack, j, n = {}, [], 0, len(src)
    while j < n:
        c = src[j]
        if c in "\"'R":
            k = _skip_literal(src, j)
            if k != j:
                j = k
                continue
        if c in _PAIRS:
            stack.append((_PAIRS[c], j))
        elif c in ")}]":
            if not stack or stack[-1][0] != c:
                pairs[-1] = j  # unbalanced from here on: match_close reports it if asked
                break
            pairs[stack.pop()[1]] = j
        j += 1
    if len(_PAIR_CACHE) > 4096:
        _PAIR_CACHE.clear()
    _PAIR_CACHE[src] = pairs
    return pairs


def match_close(src: str, i: int) -> int:
    """Index of the bracket closing the one at src[i] (literals skipped)."""
    pairs = _bracket_pairs(src)
    if i not in pairs:
        raise GenError(f"no closing bracket for {src[i]!r} at offset {i} (near {src[i:i + 60]!r})")
    return pairs[i]


def split_top(src: str, sep: str) -> list:
    """Split on `sep` outside brackets, angle brackets of templates and literals."""
    parts, depth, angle, start, j = [], 0, 0, 0, 0
    while j < len(src):
        c = src[j]
        k = _skip_literal(src, j) if c in "\"'R" else j
        if k != j:
            j = k
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "<" and sep == ",":
            angle += 1
        elif c == ">" and sep == "," and angle:
            angle -= 1
        elif c == sep and depth == 0 and angle == 0:
            parts.append(src[start:j])
            start = j + 1
        j += 1
    parts.append(src[start:])
    return parts


def remove_preprocessor(src: str) -> str:
    lines = src.split("\n")
    out, cont = [], False
    for line in lines:
        if cont or line.lstrip().startswith("#"):
            cont = line.rstrip().endswith("\\")
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def namespaces_at(src: str, pos: int) -> list:
    """The namespaces enclosing offset `pos`, outermost first."""
    out = []
    for m in re.finditer(r"\bnamespace\s+(\w+)\s*\{", src[:pos]):
        close = match_close(src, m.end() - 1)
        if close > pos:
            out.append(m.group(1))
    return out


# ----------------------------------------------------------------------------- attrs structs


@dataclass
class AttrsStruct:
    cpp_class: str
    namespace: list
    type_key: str
    path: str
    source: str
    fields: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return "::".join(self.namespace + [self.cpp_class])


_STRUCT_RE = re.compile(r"\b(?:struct|class)\s+(\w+)\s*(?:final\s*)?:\s*public\s+(?:tvm::)?AttrsNode\s*<\s*(\w+)\s*>\s*\{")
_DECLARE_RE = re.compile(r"TVM_DECLARE_ATTRS\s*\(\s*(\w+)\s*,\s*\"([^\"]+)\"\s*\)\s*\{")


def _member_decls(body: str) -> dict:
    """name -> C++ type of the data members declared at the top level of a struct body."""
    flat, i = [], 0
    while i < len(body):
        c = body[i]
        k = _skip_literal(body, i) if c in "\"'R" else i
        if k != i:
            flat.append(body[i:k])
            i = k
        elif c == "{":
            i = match_close(body, i) + 1
            flat.append(";")
        else:
            flat.append(c)
            i += 1
    decls = {}
    for stmt in "".join(flat).split(";"):
        stmt = re.sub(r"\b(public|private|protected)\s*:", " ", stmt).strip()
        if not stmt or re.match(r"(using|static|friend|typedef|template|TVM_|enum)\b", stmt):
            continue
        lhs = stmt.split("=", 1)[0].strip()
        if "(" in lhs:
            continue  # a method declaration
        m = re.match(r"^(?P<type>.+?)\s*\b(?P<name>\w+)$", lhs, re.S)
        if not m:
            continue
        decls[m.group("name")] = " ".join(m.group("type").split())
    return decls


def _attr_field_defaults(block: str, where: str) -> list:
    """[(field name, default expr or None)] in TVM_ATTR_FIELD order."""
    out = []
    for stmt in split_top(block, ";"):
        stmt = stmt.strip()
        if not stmt:
            continue
        m = re.match(r"TVM_ATTR_FIELD\s*\(\s*(\w+)\s*\)", stmt)
        if not m:
            raise GenError(f"{where}: unexpected statement in TVM_DECLARE_ATTRS: {stmt[:80]!r}")
        name, rest, default = m.group(1), stmt[m.end():], None
        i = 0
        while i < len(rest):
            mm = re.match(r"\s*\.\s*(\w+)\s*\(", rest[i:])
            if not mm:
                if rest[i:].strip():
                    raise GenError(f"{where}: cannot read the chain of field {name}: {rest[i:][:60]!r}")
                break
            open_idx = i + mm.end() - 1
            close = match_close(rest, open_idx)
            if mm.group(1) == "set_default":
                default = " ".join(rest[open_idx + 1 : close].split())
            i = close + 1
        out.append((name, default))
    return out


def parse_attrs_structs(text: str, path: str, source: str) -> list:
    src = strip_comments(text)
    structs = []
    for m in _STRUCT_RE.finditer(src):
        if m.group(1) != m.group(2):
            continue
        open_idx = m.end() - 1
        body = src[open_idx + 1 : match_close(src, open_idx)]
        dm = _DECLARE_RE.search(body)
        if not dm:
            continue
        if dm.group(1) != m.group(1):
            raise GenError(f"{path}: TVM_DECLARE_ATTRS({dm.group(1)}) inside struct {m.group(1)}")
        type_key = dm.group(2)
        if not type_key.startswith("relay.attrs."):
            continue
        block_open = dm.end() - 1
        block = body[block_open + 1 : match_close(body, block_open)]
        decls = _member_decls(body[:dm.start()] + ";" + body[match_close(body, block_open) + 1 :])
        where = f"{path} {m.group(1)}"
        aliases = dict(re.findall(r"\busing\s+(\w+)\s*=\s*([\w:<>, ]+?)\s*;", src))
        st = AttrsStruct(m.group(1), namespaces_at(src, m.start()), type_key, path, source)
        visited = _attr_field_defaults(block, where)
        for name, default in visited:
            if name not in decls:
                raise GenError(f"{where}: TVM_ATTR_FIELD({name}) has no member declaration")
            st.fields.append(make_field(name, decls[name], default, f"{where}.{name}", aliases))
        names = [n for n, _ in visited]
        declared = [n for n in decls if n in names]
        if declared != names:
            st.notes.append(f"{where}: TVM_ATTR_FIELD order {names} differs from declaration order {declared}; the table follows TVM_ATTR_FIELD (VisitAttrs) order")
        hidden = [n for n in decls if n not in names]
        if hidden:
            st.notes.append(f"{where}: members not visited by TVM_DECLARE_ATTRS (not in text or JSON): {hidden}")
        structs.append(st)
    return structs


# ----------------------------------------------------------------------------- types and defaults


def _strip_ns(t: str) -> str:
    return re.sub(r"\b(?:tvm|runtime|relay|tir)::", "", t).replace(" ", "")


def _template_args(t: str, name: str):
    m = re.fullmatch(rf"{name}<(.*)>", t)
    return [a for a in split_top(m.group(1), ",")] if m else None


def classify(cpp_type: str, where: str) -> dict:
    """C++ attr field type -> {kind, pod, elem?, elem_elem?, optional?}."""
    t = _strip_ns(cpp_type)
    if cpp_type.replace(" ", "") in POD_TYPES or t in POD_TYPES:
        return {"kind": POD_TYPES.get(cpp_type.replace(" ", ""), POD_TYPES.get(t)), "pod": True}
    if t in ("String",):
        return {"kind": "str", "pod": False}
    if t == "Integer":
        return {"kind": "int", "pod": False}
    if t == "Bool":
        return {"kind": "bool", "pod": False}
    if t == "FloatImm":
        return {"kind": "float", "pod": False}
    if t in ("IndexExpr", "PrimExpr"):
        return {"kind": "int_expr", "pod": False}
    if t == "VirtualDevice":
        return {"kind": "virtual_device", "pod": False}
    if t in ("Expr", "Type", "IndexMap", "ObjectRef", "GlobalVar", "Function", "EnvFunc", "Constant"):
        return {"kind": "expr", "pod": False}
    args = _template_args(t, "Optional")
    if args:
        inner = classify(args[0], where)
        return {**inner, "optional": True}
    args = _template_args(t, "Array")
    if args:
        inner = classify(args[0], where)
        spec = {"kind": "array", "pod": False, "elem": inner["kind"]}
        if inner["kind"] == "array":
            spec["elem_elem"] = inner["elem"]
            if "elem_elem" in inner:
                raise GenError(f"{where}: arrays nested three deep are not supported: {cpp_type}")
        return spec
    if _template_args(t, "Map"):
        return {"kind": "map", "pod": False}
    args = _template_args(t, "Variant")
    if args and [_strip_ns(a) for a in args] == ["Int", "Array<Int>"]:
        return {"kind": "int_or_array", "pod": False, "elem": "int"}
    raise GenError(f"{where}: unknown attr field type {cpp_type!r}; teach classify() about it")


def _float32(value: float) -> float:
    return struct.unpack("<f", struct.pack("<f", value))[0]


_DTYPE_CTOR = {"Int": "int", "UInt": "uint", "Float": "float", "BFloat": "bfloat"}


def eval_default(expr: str, where: str):
    """Evaluate a set_default(...) C++ expression into a JSON value. Raises on anything unknown."""
    e = expr.strip()
    if re.fullmatch(r"-?\d+[uUlL]*", e):
        return int(re.sub(r"[uUlL]+$", "", e))
    if re.fullmatch(r"-?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?[fF]?", e):
        value = float(e.rstrip("fF"))
        # A C++ float literal (0.1f) is a float32; FloatImm stores it widened to double.
        return _float32(value) if e[-1] in "fF" else value
    if e in ("true", "false"):
        return e == "true"
    m = re.fullmatch(r'(?:(?:tvm::)?String\s*\()?\s*"((?:[^"\\]|\\.)*)"\s*\)?', e)
    if m and (e.startswith('"') == e.endswith('"')):
        return bytes(m.group(1), "utf-8").decode("unicode_escape")
    if e in ("NullValue<DataType>()", "DataType::Void()", "DataType()"):
        return ""  # save_json writes a void DataType as "" (DLDataType2String: bits == 0)
    m = re.fullmatch(r"DataType::(Int|UInt|Float|BFloat)\((\d+)(?:,\s*(\d+))?\)", e)
    if m:
        lanes = int(m.group(3) or 1)
        return f"{_DTYPE_CTOR[m.group(1)]}{m.group(2)}" + (f"x{lanes}" if lanes != 1 else "")
    if e == "DataType::Bool()":
        return "bool"
    if re.fullmatch(r"NullValue<.+>\(\)", e) or e in ("nullptr", "NullOpt", "std::nullopt"):
        return None
    m = re.fullmatch(r"(?:Integer|Bool|FloatImm|IntImm)\((.+)\)", e)
    if m and "," not in m.group(1):
        return eval_default(m.group(1), where)
    m = re.fullmatch(r"static_cast<(float|double|int|int64_t|int32_t)>\((.+)\)", e)
    if m:
        v = eval_default(m.group(2), where)
        return {"float": _float32, "double": float}.get(m.group(1), int)(v)
    m = re.fullmatch(r"(?:tvm::)?Array<.+?>\s*(?:\(\s*\{(.*)\}\s*\)|\{(.*)\}|\(\s*\))", e, re.S)
    if m:
        inner = m.group(1) if m.group(1) is not None else (m.group(2) or "")
        items = [x for x in split_top(inner, ",") if x.strip()]
        return [eval_default(x, where) for x in items]
    if re.fullmatch(r"(?:tvm::)?Map<.+>\(\)", e):
        return {}
    if e == "VirtualDevice::FullyUnconstrained()":
        return dict(VIRTUAL_DEVICE_UNCONSTRAINED)
    raise GenError(f"{where}: cannot evaluate default expression {expr!r}; teach eval_default() about it")


def _check_default(spec: dict, value, where: str):
    """Check (and normalise) an evaluated default against the field kind."""
    kind = spec["kind"]
    if value is None:
        if spec["pod"]:
            raise GenError(f"{where}: null default for POD field")
        return None
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == "bool" and value in (0, 1) and not isinstance(value, bool):
        return bool(value)
    ok = {
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "int_expr": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "float": lambda v: isinstance(v, float),
        "str": lambda v: isinstance(v, str),
        "dtype": lambda v: isinstance(v, str),
        "map": lambda v: isinstance(v, dict),
        "virtual_device": lambda v: isinstance(v, dict),
        "int_or_array": lambda v: isinstance(v, (int, list)),
    }
    if kind == "array":
        if not isinstance(value, list):
            raise GenError(f"{where}: default {value!r} is not an array")
        elem = spec["elem"]
        if elem == "int_expr" and value and all(isinstance(v, float) for v in value):
            spec["elem"] = "float"  # Array<IndexExpr> holding FloatImm (multibox sizes etc.)
            elem = "float"
        sub = {"kind": elem, "pod": False}
        if elem == "array":
            sub["elem"] = spec["elem_elem"]
        return [_check_default(sub, v, where) for v in value]
    if kind in ok and ok[kind](value):
        return value
    if kind == "expr":
        raise GenError(f"{where}: non-null default {value!r} for an expression field")
    raise GenError(f"{where}: default {value!r} does not fit kind {kind}")


def make_field(name: str, cpp_type: str, default_expr, where: str, aliases: dict) -> dict:
    spec = classify(aliases.get(cpp_type, cpp_type), where)  # e.g. `using FuncId = int;`
    out = {"name": name, "cpp_type": cpp_type}
    out.update(spec)
    if default_expr is None:
        out["required"] = True
    else:
        out["required"] = False
        out["default"] = _check_default(out, eval_default(default_expr, where), where)
    return out


# ----------------------------------------------------------------------------- op registrations

_BASE_REGISTER = ("RELAY_REGISTER_OP", "TVM_REGISTER_OP")


def _collect_macros(text: str) -> dict:
    """Function-like macros whose body registers an op: name -> (params, body)."""
    macros = {}
    lines = strip_comments(text).split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"\s*#\s*define\s+(\w+)\(([^)]*)\)(.*)", line)
        if not m:
            i += 1
            continue
        body = [m.group(3)]
        while lines[i].rstrip().endswith("\\"):
            body[-1] = body[-1].rstrip()[:-1]
            i += 1
            body.append(lines[i])
        i += 1
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        macros[m.group(1)] = (params, "\n".join(body))
    return macros


def _concat_string_literals(expr: str):
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S)', expr)
    if any(other for _, other in parts):
        return None
    return "".join(s for s, _ in parts)


@dataclass
class OpRegistration:
    name: str
    attrs_class: str | None  # C++ class name as written in set_attrs_type<...>
    attrs_key: str | None  # from set_attrs_type_key("...")
    path: str
    namespaces: list


def parse_op_registrations(files: dict) -> list:
    """files: path -> text. Finds op registrations, expanding op-registering macros."""
    all_macros: dict = {}
    for text in files.values():
        all_macros.update(_collect_macros(text))
    register_names = set(_BASE_REGISTER)
    changed = True
    while changed:  # macros built on other registering macros
        changed = False
        for name, (params, body) in all_macros.items():
            if name not in register_names and any(re.search(rf"\b{r}\s*\(", body) for r in register_names):
                register_names.add(name)
                changed = True
    macros = {k: v for k, v in all_macros.items() if k in register_names}
    call_re = re.compile(r"\b(" + "|".join(sorted(register_names, key=len, reverse=True)) + r")\s*\(")
    regs = []
    for path, text in sorted(files.items()):
        src = remove_preprocessor(strip_comments(text))
        pos = 0
        while True:
            m = call_re.search(src, pos)
            if not m:
                break
            open_idx = m.end() - 1
            close = match_close(src, open_idx)
            # the statement runs to the next top-level ';'
            end = close + 1 + len(split_top(src[close + 1 :], ";")[0])
            stmt = src[m.start() : end]
            pos = end + 1
            nss = namespaces_at(src, m.start())
            for reg in _expand_registration(stmt, macros, path):
                reg.namespaces = nss
                regs.append(reg)
    return regs


def _expand_registration(stmt: str, macros: dict, path: str) -> list:
    for _ in range(5):  # expand nested macro calls until only base registrations remain
        m = re.match(r"(\w+)\s*\(", stmt)
        name = m.group(1)
        if name in _BASE_REGISTER:
            break
        params, body = macros[name]
        close = match_close(stmt, m.end() - 1)
        args = [a.strip() for a in split_top(stmt[m.end() : close], ",")]
        if len(args) != len(params):
            raise GenError(f"{path}: macro {name} called with {len(args)} args: {stmt[:80]!r}")
        expanded = body
        for p, a in zip(params, args):
            expanded = re.sub(rf"\b{p}\b", lambda _m, a=a: a, expanded)
        # The registration inside the body, then whatever the call site chains after it.
        inner = re.search(r"\b(" + "|".join(_BASE_REGISTER + tuple(macros)) + r")\s*\(", expanded)
        if not inner:
            raise GenError(f"{path}: macro {name} registers no op")
        body_stmt = expanded[inner.start():]
        body_stmt = body_stmt[: len(split_top(body_stmt, ";")[0])]
        stmt = body_stmt + stmt[close + 1 :]
    m = re.match(r"(\w+)\s*\(", stmt)
    close = match_close(stmt, m.end() - 1)
    op_name = _concat_string_literals(stmt[m.end() : close])
    if op_name is None:
        raise GenError(f"{path}: cannot read the op name of {stmt[:80]!r}")
    chain = stmt[close + 1 :]
    cls = re.findall(r"\.\s*set_attrs_type\s*<\s*([\w:]+)\s*>\s*\(\s*\)", chain)
    keys = re.findall(r'\.\s*set_attrs_type_key\s*\(\s*"([^"]+)"\s*\)', chain)
    if len(cls) + len(keys) > 1:
        raise GenError(f"{path}: op {op_name} sets its attrs type twice")
    return [OpRegistration(op_name, cls[0] if cls else None, keys[0] if keys else None, path, [])]


def implied_attrs_classes(files: dict, op_names: set) -> dict:
    """op -> {(attrs class, path, namespaces)} for ops whose calls get attrs in C++ code.

    Some ops register no attrs type yet their make functions attach attrs (collapse_sum_to,
    annotation.compiler_begin, ...). Found as `make_object<XAttrs>` in the innermost brace block
    that also holds `Op::Get("op")`.
    """
    found: dict = {}
    for path, text in sorted(files.items()):
        if "Op::Get(" not in text:
            continue
        src = strip_comments(text)
        pairs = _bracket_pairs(src)
        blocks = sorted((o, c) for o, c in pairs.items() if o >= 0 and src[o] == "{")
        for m in re.finditer(r'Op::Get\(\s*"([^"]+)"\s*\)', src):
            if m.group(1) not in op_names:
                continue
            inner = [(o, c) for o, c in blocks if o < m.start() < c]
            if not inner:
                continue
            o, c = max(inner)  # the innermost block opens last
            if re.search(r"\b(class|struct)\s+\w+[^;{}]*$", src[max(0, o - 300) : o]):
                continue  # a class body (e.g. a rewriter's constructor), not a function body
            for cls in re.findall(r"make_object<\s*([\w:]+Attrs)\s*>", src[o:c]):
                found.setdefault(m.group(1), set()).add((cls, path, tuple(namespaces_at(src, m.start()))))
    return found


# ----------------------------------------------------------------------------- table


def _schema_ids(structs: list) -> dict:
    """type key -> list of structs; ids are the type key, or key@namespace when two share a key."""
    by_key: dict = {}
    for st in structs:
        by_key.setdefault(st.type_key, []).append(st)
    ids = {}
    for key, group in by_key.items():
        if len(group) == 1:
            ids[id(group[0])] = key
        else:
            for st in group:
                ids[id(st)] = f"{key}@{'::'.join(st.namespace[2:] or st.namespace)}"
    return ids


def _resolve_class(reg: OpRegistration, structs: list, ids: dict) -> str:
    """The schema id of the attrs class named in a registration."""
    parts = reg.attrs_class.split("::")
    cls, qual = parts[-1], [p for p in parts[:-1] if p not in ("tvm", "relay")]
    cands = [st for st in structs if st.cpp_class == cls]
    if qual:
        cands = [st for st in cands if st.namespace[-len(qual):] == qual]
    if len(cands) > 1:  # same class name in two namespaces: take the registration's namespace
        inner = [st for st in cands if st.namespace == reg.namespaces[: len(st.namespace)]]
        inner.sort(key=lambda st: -len(st.namespace))
        if inner and (len(inner) == 1 or len(inner[0].namespace) > len(inner[1].namespace)):
            cands = [inner[0]]
    if len(cands) != 1:
        raise GenError(f"{reg.path}: op {reg.name}: cannot resolve attrs class {reg.attrs_class} ({len(cands)} candidates)")
    return ids[id(cands[0])]


def build_table(args) -> tuple:
    tree = GitTree(args.tvm_git, args.tag)
    notes: list = []
    op_names = [line.strip() for line in open(args.ops) if line.strip()]
    legacy = json.load(open(args.legacy_registry)) if args.legacy_registry else None

    attr_files = tree.files_with(r"TVM_DECLARE_ATTRS", ["include/tvm/relay", "src/relay"])
    structs = []
    for path in attr_files:
        structs.extend(parse_attrs_structs(tree.read(path), path, f"apache/tvm {args.tag}"))

    # Every source file: registering macros have many spellings (QNN_REGISTER_BINARY_OP, ...).
    sources = tree.read_many(tree.list_files("src/relay", (".cc", ".h")))
    regs = parse_op_registrations(sources)

    # RELAY_REGISTER_OP is additive (passes add attributes to ops defined elsewhere): merge the
    # statements of one op and keep the one that sets the attrs type.
    by_op: dict = {}
    for reg in regs:
        prev = by_op.get(reg.name)
        if prev is None or not (prev.attrs_class or prev.attrs_key):
            by_op[reg.name] = reg
        elif reg.attrs_class or reg.attrs_key:
            raise GenError(f"op {reg.name}: attrs type set twice, in {prev.path} and {reg.path}")

    # Pull in attrs declared only at the fallback tag, for ops known from the legacy registry.
    missing_ops = [op for op in op_names if op not in by_op]
    wanted_keys = set()
    if legacy:
        wanted_keys = {legacy["ops"].get(op) for op in missing_ops} - {None, "", "__missing__"}
    known_keys = {st.type_key for st in structs}
    if wanted_keys - known_keys and args.fallback_tag:
        old = GitTree(args.tvm_git, args.fallback_tag)
        for path in old.files_with(r"TVM_DECLARE_ATTRS", ["include/tvm/relay", "src/relay"]):
            for st in parse_attrs_structs(old.read(path), path, f"apache/tvm {args.fallback_tag} (removed in {args.tag})"):
                if st.type_key in wanted_keys - known_keys:
                    structs.append(st)
    ids = _schema_ids(structs)
    for st in structs:
        notes.extend(st.notes)

    attrs = {}
    for st in structs:
        attrs[ids[id(st)]] = {
            "type_key": st.type_key,
            "cpp_class": st.qualified,
            "defined_in": st.path,
            "source": st.source,
            "fields": st.fields,
        }

    ops, op_schema, from_legacy = {}, {}, {}
    for op in op_names:
        reg = by_op.get(op)
        if reg is None:
            if legacy is None or legacy["ops"].get(op, "__missing__") == "__missing__":
                raise GenError(f"op {op}: no registration at {args.tag} and not in the legacy registry")
            key = legacy["ops"][op] or None
            ops[op] = key
            from_legacy[op] = f"no registration in apache/tvm {args.tag} src/relay; attrs type from the legacy registry"
            if key and key not in {a["type_key"] for a in attrs.values()}:
                notes.append(f"op {op}: attrs type {key} (legacy) has no definition upstream; no schema")
            continue
        if reg.attrs_class:
            sid = _resolve_class(reg, structs, ids)
            key = attrs[sid]["type_key"]
            if sid != key:
                op_schema[op] = sid
        else:
            key = reg.attrs_key
            if key and key != "DictAttrs" and key not in {a["type_key"] for a in attrs.values()}:
                raise GenError(f"op {op}: attrs type key {key} has no definition")
        ops[op] = key

    # Ops registered without an attrs type whose calls nevertheless carry attrs.
    no_type = {op for op in op_names if op in by_op and ops[op] is None}
    implied = {}
    for op, uses in sorted(implied_attrs_classes(sources, no_type).items()):
        sids = {_resolve_class(OpRegistration(op, cls, None, path, list(nss)), structs, ids) for cls, path, nss in uses}
        if len(sids) != 1:
            raise GenError(f"op {op}: calls built with several attrs types: {sorted(sids)}")
        implied[op] = sids.pop()
        notes.append(f"op {op}: registers no attrs type, but its calls carry {implied[op]}")

    disagreements = []
    if legacy:
        for op in op_names:
            lk = legacy["ops"].get(op, "__missing__")
            if lk == "__missing__":
                disagreements.append(f"{op}: upstream {ops[op]!r}, legacy registry has no such op")
            elif (lk or None) != ops[op]:
                disagreements.append(f"{op}: upstream {ops[op]!r}, legacy {lk or None!r}")

    # Fields the legacy build (a vendor fork) has and upstream does not: the reader accepts them
    # only at the fork's default, which is the upstream behaviour, and drops them.
    fork_extra: dict = {}
    if legacy:
        for key, la in sorted(legacy.get("attrs", {}).items()):
            sids = [sid for sid, a in attrs.items() if a["type_key"] == key]
            if len(sids) != 1 or "fields" not in la:
                continue
            upstream_names = {f["name"] for f in attrs[sids[0]]["fields"]}
            for lf in la["fields"]:
                if lf["name"] not in upstream_names:
                    if "default" not in lf:
                        notes.append(f"{key}.{lf['name']}: legacy-only field with no default; not accepted")
                        continue
                    fork_extra.setdefault(key, {})[lf["name"]] = lf["default"]
                    notes.append(f"{key}.{lf['name']}: legacy-only field (default {lf['default']!r})")

    ambiguous = {}
    for sid, a in attrs.items():
        if sid != a["type_key"]:
            ambiguous.setdefault(a["type_key"], []).append(sid)

    table = {
        "source": f"apache/tvm {args.tag}",
        "generator": "tools/gen_relay_attrs_table.py",
        "attrs": attrs,
        "ops": ops,
        "op_schema": op_schema,
        "op_implied_attrs": implied,
        "ops_from_legacy_registry": from_legacy,
        "ambiguous_type_keys": {k: sorted(v) for k, v in ambiguous.items()},
        "legacy_only_fields": fork_extra,
    }
    return table, disagreements, notes


def render(table: dict) -> str:
    return json.dumps(table, sort_keys=True, indent=1) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tvm-git", required=True, help="git dir of an apache/tvm mirror")
    ap.add_argument("--tag", default="v0.19.0")
    ap.add_argument("--fallback-tag", default="v0.18.0", help="where to read attrs removed at --tag")
    ap.add_argument("--ops", default="/work/shared/relay-ops-v0.19.txt", help="op names, one a line")
    ap.add_argument("--legacy-registry", help="JSON from tools/dump_legacy_relay_registry.py")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    try:
        table, disagreements, notes = build_table(args)
    except GenError as exc:
        print(f"gen_relay_attrs_table: error: {exc}", file=sys.stderr)
        return 1
    for line in disagreements:
        print(f"upstream/legacy disagreement: {line}", file=sys.stderr)
    for line in notes:
        print(f"note: {line}", file=sys.stderr)
    for op, why in sorted(table["ops_from_legacy_registry"].items()):
        print(f"from legacy: {op} -> {table['ops'][op]} ({why})", file=sys.stderr)
    with open(args.out, "w") as f:
        f.write(render(table))
    print(f"wrote {args.out}: {len(table['attrs'])} attrs types, {len(table['ops'])} ops", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
