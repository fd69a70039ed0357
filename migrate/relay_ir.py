"""An in-memory legacy Relay IR: plain Python, no TVM import.

It holds a Relay program exactly as TVM 0.14-0.19 wrote it to disk, so that later stages
(the op translators, the parity checker) never need a legacy TVM. The node kinds mirror
`include/tvm/relay/expr.h`, `adt.h` and `include/tvm/ir/type.h` at v0.19.0.

Conventions:
- Variables compare by identity: two `Var`s with one name are different variables.
- `Call.attrs` is an `Attrs`: the attrs type key (e.g. ``relay.attrs.Conv2DAttrs``) and every
  field, defaults filled in from the v0.19 definitions (see ``migrate.attrs``).
  Attribute values are plain Python: int, float, bool, str, None, tuple (for arrays),
  dict (for maps), or `Expr`/`Type` for the rare attrs that hold IR.
- Dimensions of a `TensorType` are ints, `AnyDim()` (Relay's ``?``) or `SizeVar` (a named,
  shared symbolic size such as ``meta[tir.SizeVar][0]``).
- Graphs can be deep (100k chained ops); every traversal here is iterative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Union

import numpy as np


# ----------------------------------------------------------------------------- spans


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node came from: a source name and 1-based line/column range."""

    source_name: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.source_name}:{self.line}:{self.column}"


# ----------------------------------------------------------------------------- types


class Type:
    """Base of Relay types."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class AnyDim:
    """Relay's ``?`` dimension (``relay.Any``): unknown until run time, fresh per occurrence."""

    def __repr__(self) -> str:
        return "?"


@dataclass(frozen=True, slots=True)
class SizeVar:
    """A named symbolic dimension (``tir.Var``/``tir.SizeVar``), shared wherever it appears."""

    name: str
    dtype: str = "int32"

    def __repr__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class DimExpr:
    """Arithmetic on dimensions that type inference wrote, e.g. ``n + n`` after a concatenate.

    `op` is the TIR node name (``Add``, ``Sub``, ``Mul``, ``Div``, ``Mod``, ``FloorDiv``,
    ``FloorMod``, ``Min``, ``Max``, or ``Cast`` with one argument); `args` are dims.
    """

    op: str
    args: tuple
    dtype: str = "int64"

    def __repr__(self) -> str:
        return f"{self.op}({', '.join(repr(a) for a in self.args)})"


Dim = Union[int, AnyDim, SizeVar, DimExpr]


@dataclass(frozen=True, slots=True)
class TensorType(Type):
    shape: tuple  # tuple[Dim, ...]
    dtype: str

    def __repr__(self) -> str:
        dims = ", ".join(repr(d) for d in self.shape)
        if len(self.shape) == 1:
            dims = f"({dims})" if dims else "()"
        else:
            dims = f"({dims})"
        return f"Tensor[{dims}, {self.dtype}]"


@dataclass(frozen=True, slots=True)
class TupleType(Type):
    fields: tuple  # tuple[Type, ...]

    def __repr__(self) -> str:
        return "(" + ", ".join(repr(f) for f in self.fields) + ("," if len(self.fields) == 1 else "") + ")"


@dataclass(frozen=True, slots=True)
class TypeVar(Type):
    name: str
    kind: str = "Type"  # Type, ShapeVar, BaseType, Constraint, AdtHandle, TypeData


@dataclass(frozen=True, slots=True)
class GlobalTypeVar(Type):
    name: str
    kind: str = "AdtHandle"


@dataclass(frozen=True, slots=True)
class TypeCall(Type):
    func: Type
    args: tuple


@dataclass(frozen=True, slots=True)
class FuncType(Type):
    arg_types: tuple
    ret_type: Optional[Type]
    type_params: tuple = ()
    type_constraints: tuple = ()


@dataclass(frozen=True, slots=True)
class RefType(Type):
    value: Type


@dataclass(frozen=True, slots=True)
class IncompleteType(Type):
    """A type the printer left open (``_``)."""

    kind: str = "Type"


# ----------------------------------------------------------------------------- expressions


class Expr:
    """Base of Relay expressions. Subclasses carry `span` and `checked_type` (both optional)."""

    __slots__ = ()


@dataclass(eq=False, slots=True)
class Op(Expr):
    """A primitive operator by name, e.g. ``nn.conv2d``."""

    name: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Op) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("Op", self.name))

    def __repr__(self) -> str:
        return f"Op({self.name})"


@dataclass(eq=False, slots=True)
class Var(Expr):
    name: str
    type_annotation: Optional[Type] = None
    span: Optional[Span] = None
    checked_type: Optional[Type] = None

    def __repr__(self) -> str:
        return f"Var(%{self.name})"


@dataclass(eq=False, slots=True)
class GlobalVar(Expr):
    name: str
    span: Optional[Span] = None
    checked_type: Optional[Type] = None

    def __repr__(self) -> str:
        return f"GlobalVar(@{self.name})"


@dataclass(eq=False, slots=True)
class Constant(Expr):
    data: np.ndarray
    span: Optional[Span] = None
    checked_type: Optional[Type] = None

    def __repr__(self) -> str:
        return f"Constant({self.data.dtype}{list(self.data.shape)})"


@dataclass(eq=False, slots=True)
class Attrs:
    """Call attributes: the attrs type key and every field, keyed as in Relay."""

    type_key: Optional[str]
    fields: dict

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    def __repr__(self) -> str:
        return f"Attrs({self.type_key}, {self.fields})"


@dataclass(eq=False, slots=True)
class Call(Expr):
    op: Expr  # Op, GlobalVar, Var, Function or Constructor (any expression)
    args: list
    attrs: Optional[Attrs] = None
    type_args: tuple = ()
    span: Optional[Span] = None
    checked_type: Optional[Type] = None

    def __repr__(self) -> str:
        return f"Call({self.op!r}, {len(self.args)} args)"


@dataclass(eq=False, slots=True)
class Tuple(Expr):
    fields: list
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


@dataclass(eq=False, slots=True)
class TupleGetItem(Expr):
    tuple_value: Expr
    index: int
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


@dataclass(eq=False, slots=True)
class Let(Expr):
    var: Var
    value: Expr
    body: Expr
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


@dataclass(eq=False, slots=True)
class If(Expr):
    cond: Expr
    true_branch: Expr
    false_branch: Expr
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


@dataclass(eq=False, slots=True)
class Function(Expr):
    params: list  # list[Var]
    body: Expr
    ret_type: Optional[Type] = None
    type_params: tuple = ()
    attrs: dict = field(default_factory=dict)  # Primitive, Composite, Compiler, global_symbol, ...
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


# ---- ADTs and references: kept so later stages can name them precisely.


@dataclass(eq=False, slots=True)
class Constructor(Expr):
    name: str
    inputs: tuple  # tuple[Type, ...]
    belong_to: Optional[GlobalTypeVar] = None
    tag: int = -1
    span: Optional[Span] = None
    checked_type: Optional[Type] = None

    def __repr__(self) -> str:
        return f"Constructor({self.name})"


class Pattern:
    __slots__ = ()


@dataclass(eq=False, slots=True)
class PatternWildcard(Pattern):
    pass


@dataclass(eq=False, slots=True)
class PatternVar(Pattern):
    var: Var


@dataclass(eq=False, slots=True)
class PatternConstructor(Pattern):
    constructor: Constructor
    patterns: tuple


@dataclass(eq=False, slots=True)
class PatternTuple(Pattern):
    patterns: tuple


@dataclass(eq=False, slots=True)
class Clause:
    lhs: Pattern
    rhs: Expr


@dataclass(eq=False, slots=True)
class Match(Expr):
    data: Expr
    clauses: list  # list[Clause]
    complete: bool = True
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


@dataclass(eq=False, slots=True)
class RefCreate(Expr):
    value: Expr
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


@dataclass(eq=False, slots=True)
class RefRead(Expr):
    ref: Expr
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


@dataclass(eq=False, slots=True)
class RefWrite(Expr):
    ref: Expr
    value: Expr
    span: Optional[Span] = None
    checked_type: Optional[Type] = None


@dataclass(eq=False, slots=True)
class TypeData:
    """An ADT definition (``type List[A] { Cons(A, List[A]), Nil }``)."""

    header: GlobalTypeVar
    type_vars: tuple
    constructors: list  # list[Constructor]


# ----------------------------------------------------------------------------- module


@dataclass(eq=False, slots=True)
class IRModule:
    """A Relay module: global functions by name (in file order) and type definitions."""

    functions: dict  # dict[str, Function]
    type_definitions: dict = field(default_factory=dict)  # dict[str, TypeData]
    source_name: str = "<string>"
    source_format: str = "text"  # "text" or "json"
    version: str = ""  # text format version ("0.0.5") or TVM version from JSON
    attrs: dict = field(default_factory=dict)

    @property
    def main(self) -> Function:
        return self.functions["main"]

    def __getitem__(self, name: str) -> Function:
        return self.functions[name]


# ----------------------------------------------------------------------------- traversal


def children(node: Any) -> tuple:
    """The direct sub-expressions of an expression, in evaluation order."""
    if isinstance(node, Call):
        return (node.op, *node.args)
    if isinstance(node, Tuple):
        return tuple(node.fields)
    if isinstance(node, TupleGetItem):
        return (node.tuple_value,)
    if isinstance(node, Let):
        return (node.var, node.value, node.body)
    if isinstance(node, If):
        return (node.cond, node.true_branch, node.false_branch)
    if isinstance(node, Function):
        return (*node.params, node.body)
    if isinstance(node, Match):
        out = [node.data]
        for clause in node.clauses:
            out.extend(_pattern_vars(clause.lhs))
            out.append(clause.rhs)
        return tuple(out)
    if isinstance(node, RefCreate):
        return (node.value,)
    if isinstance(node, RefRead):
        return (node.ref,)
    if isinstance(node, RefWrite):
        return (node.ref, node.value)
    return ()


def _pattern_vars(pattern: Pattern) -> list:
    out, stack = [], [pattern]
    while stack:
        p = stack.pop()
        if isinstance(p, PatternVar):
            out.append(p.var)
        elif isinstance(p, (PatternConstructor, PatternTuple)):
            stack.extend(reversed(p.patterns))
    return out


def post_order(root: Expr) -> Iterator[Expr]:
    """Every distinct expression reachable from `root`, each after its children.

    Shared sub-expressions (a DAG) are yielded once. Iterative: safe on 100k-deep graphs.
    """
    seen: set = set()
    stack: list = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        key = id(node)
        if expanded:
            yield node
            continue
        if key in seen:
            continue
        seen.add(key)
        stack.append((node, True))
        for child in reversed(children(node)):
            if id(child) not in seen:
                stack.append((child, False))


def calls(root: Expr) -> Iterator[Call]:
    """Every call to a primitive `Op` reachable from `root` (inside local functions too)."""
    for node in post_order(root):
        if isinstance(node, Call) and isinstance(node.op, Op):
            yield node


def op_histogram(mod: IRModule) -> dict:
    """Op name -> number of calls, over every function of the module, most used first."""
    counts: dict = {}
    seen: set = set()
    for func in mod.functions.values():
        for node in post_order(func):
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, Call) and isinstance(node.op, Op):
                counts[node.op.name] = counts.get(node.op.name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def map_post_order(root: Expr, visit: Callable[[Expr, list], Any]) -> Any:
    """Fold an expression bottom-up: `visit(node, child_results)` once per distinct node."""
    results: dict = {}
    for node in post_order(root):
        results[id(node)] = visit(node, [results[id(c)] for c in children(node)])
    return results[id(root)]
