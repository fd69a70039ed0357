"""`parse_relay_text`: the Relay text format (`mod.astext()`, TVM 0.14-0.19) into `migrate.relay_ir`.

The grammar is the one of `src/relay/parser/parser.cc` at v0.19.0, plus what the printer
(`relay_text_printer.cc`) writes that the upstream parser skipped or could not read back:
`/* ty=... span=... */` comments (kept as `checked_type` / `span`), `ref(T)` types, names such as
`%aten::linear_0.weight`, and `nanf` literals. Notes on meaning:

- `%0 = e;` names a shared graph node; it is *not* a `Let`. The result is a DAG with sharing.
  `let %x = e;` is a real `Let` (its variable is in scope in `e` too, as upstream).
- `%name` resolves to the innermost binding; a `%N` that escapes its block (the printer does
  that for nodes shared across `if` branches) falls back to the latest `%N` of the function.
- `@f` may be used before `def @f`; one `GlobalVar` per name.
- Call attributes go through `migrate.attrs.make_attrs` (defaults of v0.19 filled in).
- Sequences (bindings, `let` chains) are loops, not recursion: 100k bindings parse at Python's
  default recursion limit. Only real nesting (`fn`/`if`/`match`/parentheses inside each other)
  recurses; nesting too deep for the interpreter is reported as a `RelayParseError`.
"""

from __future__ import annotations

import re
from typing import Optional

import numpy as np

from . import relay_ir as ir
from .errors import MigrateError
from .gcpause import gc_paused
from .text_types import TypeAndLiteralReader

_MISSING = object()

# Infix operators of the upstream op table: token -> (precedence, op name). All left-associative.
_BINOPS = {
    "*": (12, "multiply"),
    "/": (12, "divide"),
    "+": (10, "add"),
    "-": (10, "subtract"),
    "<": (8, "less"),
    "<=": (8, "less_equal"),
    ">": (8, "greater"),
    ">=": (8, "greater_equal"),
    "==": (7, "equal"),
    "!=": (7, "not_equal"),
}
_ARG_END = frozenset((",", ")"))
_QUOTED_NAME = re.compile(r"attribute '([^']+)'")

UNDEFINED_VAR_HINT = (
    "a `%name` must be a function parameter, a `let`, a `%N = ...` binding, a match pattern "
    "variable or a `free_var` defined before this point"
)


def _callee_name(callee) -> str:
    """How an error names a non-operator callee: `@f`, `%f`, `Cons`, `a function`."""
    if isinstance(callee, ir.GlobalVar):
        return f"@{callee.name}"
    if isinstance(callee, ir.Var):
        return f"%{callee.name}"
    if isinstance(callee, ir.Constructor):
        return callee.name
    return f"a {type(callee).__name__.lower()}"


class RelayTextParser(TypeAndLiteralReader):
    """One parse of one text. Use `parse_relay_text`; the methods below mirror the grammar."""

    def __init__(self, text: str, source_name: str = "<string>"):
        from .attrs import make_attrs  # late: attrs loads its table on first use

        super().__init__(text, source_name)
        self.make_attrs = make_attrs
        # Expression names: one dict plus an undo log (scopes are marks into the log).
        self.scope: dict = {}
        self.undo: list = []
        self.graph: dict = {}  # every `%N` of the current function, for names that escape their block
        self.free_vars: dict = {}
        self.globals: dict = {}
        self.global_first_use: dict = {}
        self.ops: dict = {}

    # ------------------------------------------------------------------ scopes

    def bind(self, name: str, value) -> None:
        scope = self.scope
        self.undo.append((name, scope.get(name, _MISSING)))
        scope[name] = value

    def restore(self, mark: int) -> None:
        scope, undo = self.scope, self.undo
        while len(undo) > mark:
            name, prev = undo.pop()
            if prev is _MISSING:
                del scope[name]
            else:
                scope[name] = prev

    def lookup(self, i: int):
        """The expression a `%name` token refers to (with `.N` suffixes read as projections)."""
        name = self.values[i]
        value = self.scope.get(name)
        if value is None:
            value = self.free_vars.get(name) or self.graph.get(name)
            if value is None:
                value = self._lookup_projection(name)
                if value is None:
                    raise self.error(f"undefined variable `%{name}`", i, UNDEFINED_VAR_HINT)
        return value

    def _lookup_projection(self, name: str):
        # `%x.0.1`: the longest defined prefix, then tuple projections for all-digit segments.
        cut = len(name)
        while True:
            cut = name.rfind(".", 0, cut)
            if cut <= 0:
                return None
            indexes = name[cut + 1 :].split(".")
            if not all(s.isdigit() for s in indexes):
                continue
            base = name[:cut]
            value = self.scope.get(base) or self.free_vars.get(base) or self.graph.get(base)
            if value is not None:
                for index in indexes:
                    value = ir.TupleGetItem(value, int(index))
                return value

    def get_global(self, i: int) -> ir.GlobalVar:
        name = self.values[i]
        gv = self.globals.get(name)
        if gv is None:
            gv = self.globals[name] = ir.GlobalVar(name)
            self.global_first_use[name] = i
        return gv

    # ------------------------------------------------------------------ module

    def parse_module(self) -> ir.IRModule:
        kinds = self.kinds
        version = ""
        if kinds[self.i] == "VERSION":
            version = self.values[self.i]
            self.i += 1
        functions: dict = {}
        type_defs: dict = {}
        while True:
            kind = kinds[self.i]
            if kind == "def":
                at = self.i + 1
                name, func = self.parse_def()
                if name in functions:
                    raise self.error(f"`@{name}` is defined twice", at)
                functions[name] = func
            elif kind == "type":
                td = self.parse_type_def()
                type_defs[td.header.name] = td
            elif kind == "extern":
                self.i += 1
                if kinds[self.i] != "type":
                    raise self.expected("`type` after `extern`")
                td = self.parse_type_def()
                if td.constructors:
                    raise self.error("an `extern type` may not have constructors", self.i - 1)
                type_defs[td.header.name] = td
            elif kind == "EOF":
                break
            elif functions or type_defs:
                raise self.expected("`def`, `type` or the end of the module")
            else:
                functions["main"] = self.parse_top_expression()
                if kinds[self.i] != "EOF":
                    raise self.expected("the end of the expression")
                break
        for name, i in self.global_first_use.items():
            if name not in functions:
                defined = [f"@{n}" for n in functions]
                listed = ", ".join(defined[:10]) + (f" and {len(defined) - 10} more" if len(defined) > 10 else "")
                raise self.error(f"undefined global function `@{name}`", i,
                                 f"the module has no `def @{name}`; it defines {listed or 'no functions'}")
        return ir.IRModule(functions=functions, type_definitions=type_defs, source_name=self.source_name,
                           source_format="text", version=version)

    def parse_top_expression(self) -> ir.Function:
        """A module printed from a bare expression (`expr.astext()`): it becomes `@main`."""
        expr = self.parse_expr()
        if isinstance(expr, ir.Function):
            return expr
        return ir.Function(list(self.free_vars.values()), expr)

    def parse_def(self) -> tuple:
        self.i += 1  # def
        if self.kinds[self.i] != "GLOBAL":
            raise self.expected("a global name such as `@main` after `def`")
        name = self.values[self.i]
        self.i += 1
        if self.kinds[self.i] == "=":
            raise self.error(f"`def @{name} = ...` (an external or non-Relay function) is not supported",
                             self.i, "tvm-migrate reads Relay functions only")
        self.graph = {}
        self.free_vars = {}
        func = self.parse_function()
        self.graph = {}
        return name, func

    # ------------------------------------------------------------------ functions

    def parse_function(self) -> ir.Function:
        """`[T, ...](%x: T, ..., key=value, ...) -> T { body }` (after `fn` or `def @name`)."""
        kinds = self.kinds
        type_params: tuple = ()
        if kinds[self.i] == "[":
            type_params = self.parse_type_params()
        if kinds[self.i] != "(":
            raise self.expected("`(` to open the parameter list")
        self.i += 1
        mark = len(self.undo)
        params: list = []
        attrs: dict = {}
        while kinds[self.i] != ")":
            if kinds[self.i] == "IDENT" and kinds[self.i + 1] == "=":
                attrs = self.parse_attr_pairs(")")
                break
            if kinds[self.i] != "LOCAL":
                raise self.expected("a parameter such as `%x: Tensor[(1), float32]`")
            var = self.parse_var_decl()
            params.append(var)
            if kinds[self.i] == ",":
                self.i += 1
            elif kinds[self.i] != ")":
                raise self.expected("`,` or `)` after a parameter")
        self.i += 1
        ret_type = None
        if kinds[self.i] == "->":
            self.i += 1
            ret_type = self.parse_type()
        body = self.parse_block()
        self.restore(mark)
        if type_params:
            self.type_scopes.pop()
        return ir.Function(params, body, ret_type, type_params, attrs)

    def parse_var_decl(self) -> ir.Var:
        """`%x [{virtual_device=...}] [: Type] [/* ty=... */]`, bound in the current scope."""
        kinds = self.kinds
        name = self.values[self.i]
        self.i += 1
        if kinds[self.i] == "{":  # a parameter's virtual device: read and dropped
            self.i += 1
            self.parse_attr_pairs("}")
            self.expect("}")
        type_annotation = None
        if kinds[self.i] == ":":
            self.i += 1
            type_annotation = self.parse_type()
        var = ir.Var(name, type_annotation)
        if self.i - 1 in self.annots:
            self.annotate(var, self.i - 1)
        self.bind(name, var)
        return var

    def parse_block(self):
        if self.kinds[self.i] != "{":
            raise self.expected("`{`")
        self.i += 1
        body = self.parse_expr()
        if self.kinds[self.i] != "}":
            raise self.expected("`}`" if self.kinds[self.i] != "EOF" else "`}` to close the block")
        self.i += 1
        return body

    # ------------------------------------------------------------------ expressions

    def parse_expr(self):
        """A sequence: bindings (`%N = e;`, `let %x = e;`, `free_var %x;`, `e;`) then one expression.

        Iterative over the bindings; the names bound here go out of scope at the end.
        """
        kinds = self.kinds
        k = kinds[self.i]
        if k != "let" and k != "free_var" and not (k == "LOCAL" and kinds[self.i + 1] == "="):
            expr = self.parse_binop()
            if kinds[self.i] != ";":
                return expr
        else:
            expr = None
        mark = len(self.undo)
        lets: list = []  # (var or None, value) in order; None: `e;` sequencing
        if expr is not None:
            lets.append((None, expr))
            self.i += 1
        values = self.values
        while True:
            i = self.i
            k = kinds[i]
            if k == "LOCAL" and kinds[i + 1] == "=":
                self.i = i + 2
                value = self.parse_binop()
                if kinds[self.i] != ";":
                    raise self.expected("`;` after the binding")
                self.i += 1
                name = values[i]
                self.bind(name, value)
                self.graph[name] = value
            elif k == "let":
                self.i = i + 1
                if kinds[self.i] != "LOCAL":
                    raise self.expected("a variable such as `%x` after `let`")
                var = self.parse_var_decl()
                self.expect("=", "`=` in the `let`")
                value = self.parse_binop()
                if kinds[self.i] != ";":
                    raise self.expected("`;` after the `let` value")
                self.i += 1
                lets.append((var, value))
            elif k == "free_var":
                self.i = i + 1
                if kinds[self.i] != "LOCAL":
                    raise self.expected("a variable such as `%x` after `free_var`")
                name = values[self.i]
                self.i += 1
                type_annotation = None
                if kinds[self.i] == ":":
                    self.i += 1
                    type_annotation = self.parse_type()
                var = self.free_vars[name] = ir.Var(name, type_annotation)
                if self.i - 1 in self.annots:
                    self.annotate(var, self.i - 1)
                if kinds[self.i] == ";":
                    self.i += 1
            else:
                expr = self.parse_binop()
                if kinds[self.i] == ";":
                    self.i += 1
                    lets.append((None, expr))
                    continue
                break
        self.restore(mark)
        for var, value in reversed(lets):
            expr = ir.Let(var if var is not None else ir.Var("", ir.IncompleteType()), value, expr)
        return expr

    def parse_arg(self):
        """One expression where a `;` cannot follow (arguments, tuple fields, conditions); a part
        that starts with a binding (`(let %x = ...; ...)`, as the printer wraps lets) is a sequence."""
        k = self.kinds[self.i]
        if k == "let" or k == "free_var" or (k == "LOCAL" and self.kinds[self.i + 1] == "="):
            return self.parse_expr()
        return self.parse_binop()

    def parse_binop(self):
        expr = self.parse_postfix()
        if self.kinds[self.i] not in _BINOPS:
            return expr
        exprs, ops = [expr], []
        while self.kinds[self.i] in _BINOPS:
            at = self.i
            prec = _BINOPS[self.kinds[at]][0]
            self.i += 1
            while ops and _BINOPS[self.kinds[ops[-1]]][0] >= prec:
                self._reduce(exprs, ops)
            ops.append(at)
            exprs.append(self.parse_postfix())
        while ops:
            self._reduce(exprs, ops)
        return exprs[0]

    def _reduce(self, exprs: list, ops: list) -> None:
        at = ops.pop()
        right = exprs.pop()
        left = exprs.pop()
        name = _BINOPS[self.kinds[at]][1]
        exprs.append(ir.Call(self.op(name), [left, right], self.call_attrs(name, {}, at)))

    def parse_postfix(self):
        """An atom followed by any of: call arguments, `.N` projections, `/* ty=... */` comments."""
        expr = self.parse_atom()
        kinds, annots = self.kinds, self.annots
        if type(expr) is ir.Constructor and not expr.inputs and kinds[self.i] != "(":
            expr = ir.Call(expr, [])  # a 0-ary constructor is a value: `Nil`
        while True:
            if self.i - 1 in annots:
                self.annotate(expr, self.i - 1)
            k = kinds[self.i]
            if k == "(":
                expr = self.parse_call(expr)
            elif k == "PROJ":
                expr = ir.TupleGetItem(expr, self.values[self.i])
                self.i += 1
            else:
                return expr

    def parse_atom(self):
        i = self.i
        k = self.kinds[i]
        if k == "LOCAL":
            self.i = i + 1
            return self.lookup(i)
        if k == "IDENT":
            self.i = i + 1
            name = self.values[i]
            ctor = self.ctors.get(name)
            if ctor is not None:
                return ctor
            return self.op(name)
        if k == "INT" or k == "FLOAT":
            self.i = i + 1
            value, dtype = self.values[i]
            return ir.Constant(np.array(value, dtype=dtype))
        if k == "BOOL":
            self.i = i + 1
            return ir.Constant(np.array(self.values[i], dtype="bool"))
        if k == "GLOBAL":
            self.i = i + 1
            return self.get_global(i)
        if k == "(":
            return self.parse_paren()
        if k == "META":
            self.i = i + 1
            obj = self.meta(i)
            if not isinstance(obj, ir.Expr):
                raise self.error(f"{self.token_text(i)} is a {type(obj).__name__}, not an expression", i)
            return obj
        if k == "fn":
            self.i = i + 1
            return self.parse_function()
        if k == "if":
            return self.parse_if()
        if k == "match" or k == "match?":
            return self.parse_match()
        if k == "{":
            return self.parse_block()
        if k == "ref" or k == "ref_read" or k == "ref_write":
            return self.parse_ref()
        raise self.expected("an expression")

    def op(self, name: str) -> ir.Op:
        op = self.ops.get(name)
        if op is None:
            op = self.ops[name] = ir.Op(name)
        return op

    def parse_paren(self):
        """`()`, `(e)`, `(e,)`, `(e1, e2, ...)`; `e` may hold bindings (a printed `let` block)."""
        self.i += 1
        kinds = self.kinds
        if kinds[self.i] == ")":
            self.i += 1
            return ir.Tuple([])
        first = self.parse_arg()
        if kinds[self.i] == ")":
            self.i += 1
            return first
        if kinds[self.i] != ",":
            raise self.expected("`,` or `)`")
        fields = [first]
        self.i += 1
        while kinds[self.i] != ")":
            fields.append(self.parse_arg())
            if kinds[self.i] == ",":
                self.i += 1
            elif kinds[self.i] != ")":
                raise self.expected("`,` or `)` in the tuple")
        self.i += 1
        return ir.Tuple(fields)

    def parse_call(self, callee):
        """`(arg, ..., key=value, ...)` or `(arg, ..., meta[relay.attrs.X][i])` after a callee."""
        open_at = self.i
        self.i += 1
        kinds = self.kinds
        args: list = []
        given = None
        meta_attrs = None
        while True:
            i = self.i
            k = kinds[i]
            if k == ")":
                self.i = i + 1
                break
            if k == "LOCAL" and kinds[i + 1] in _ARG_END:  # the common case, without the call chain
                self.i = i + 1
                args.append(self.lookup(i))
            elif k == "IDENT" and kinds[i + 1] == "=":
                given = self.parse_attr_pairs(")")
                self.expect(")", "`)` after the call attributes")
                break
            elif k == "META" and kinds[i + 1] == ")" and isinstance(self.meta(i), ir.Attrs):
                meta_attrs = self.meta(i)
                self.i = i + 2
                break
            else:
                args.append(self.parse_arg())
            k = kinds[self.i]
            if k == ",":
                self.i += 1
            elif k != ")":
                raise self.expected("`,` or `)` in the call arguments")
        if type(callee) is ir.Op:
            name = callee.name
            if kinds[open_at - 1] == "IDENT":
                open_at -= 1  # errors point at the op name
            if meta_attrs is not None:
                attrs = self.call_attrs(name, meta_attrs.fields, open_at, meta_attrs.type_key)
            else:
                attrs = self.call_attrs(name, given or {}, open_at)
        elif meta_attrs is not None:
            attrs = self.call_attrs(_callee_name(callee), meta_attrs.fields, open_at, meta_attrs.type_key)
        elif given:
            type_key = given.get("attrs_type_key")
            if not isinstance(type_key, str) or not type_key:
                raise self.error(f"cannot tell the attributes' type for this call of {_callee_name(callee)}",
                                 open_at, "the printer writes `attrs_type_key=\"relay.attrs.X\"` among them")
            attrs = self.call_attrs(_callee_name(callee), given, open_at)
        else:
            attrs = None
        return ir.Call(callee, args, attrs)

    def call_attrs(self, op_name: str, given: dict, at: int, type_key: Optional[str] = None):
        """`migrate.attrs.make_attrs` (v0.19 defaults filled in); its errors come back positioned."""
        try:
            return self.make_attrs(op_name, given, type_key=type_key)
        except MigrateError as err:
            message = str(err)
            named = _QUOTED_NAME.search(message)
            given_keys = self.attr_keys.get(id(given), {})
            if named and named.group(1) in given_keys:
                at = given_keys[named.group(1)]  # point at the attribute the message names
            hint = None
            if "takes no attributes" in message and not type_key:
                hint = ("attributes whose type differs from the op's are printed as meta[relay.attrs.X][i] "
                        "only by mod.astext(show_meta_data=True); re-export with it")
            raise self.error(f"bad call attributes: {message}", at, hint) from None

    def parse_if(self):
        self.i += 1  # if
        self.expect("(", "`(` after `if`")
        cond = self.parse_arg()
        self.expect(")", "`)` after the condition")
        then = self.parse_block()
        self.expect("else", "`else`")
        return ir.If(cond, then, self.parse_block())

    def parse_ref(self):
        k = self.kinds[self.i]
        self.i += 1
        self.expect("(", f"`(` after `{k}`")
        first = self.parse_arg()
        if k == "ref_write":
            self.expect(",", "`,` between the reference and the value")
            expr = ir.RefWrite(first, self.parse_arg())
        else:
            expr = ir.RefCreate(first) if k == "ref" else ir.RefRead(first)
        self.expect(")")
        return expr

    def parse_match(self):
        complete = self.kinds[self.i] == "match"
        self.i += 1
        data = self.parse_postfix()
        if self.kinds[self.i] != "{":
            raise self.expected("`{` to open the match clauses")
        self.i += 1
        clauses = []
        kinds = self.kinds
        while kinds[self.i] != "}":
            mark = len(self.undo)
            pattern = self.parse_pattern()
            self.expect("=>", "`=>` after the pattern")
            clauses.append(ir.Clause(pattern, self.parse_expr()))
            self.restore(mark)
            if kinds[self.i] == ",":
                self.i += 1
            elif kinds[self.i] != "}":
                raise self.expected("`,` or `}` after the match clause")
        self.i += 1
        return ir.Match(data, clauses, complete)

    def parse_pattern(self):
        k = self.kinds[self.i]
        if k == "_":
            self.i += 1
            return ir.PatternWildcard()
        if k == "LOCAL":
            return ir.PatternVar(self.parse_var_decl())
        if k == "IDENT":
            name = self.values[self.i]
            ctor = self.ctors.get(name)
            if ctor is None:
                raise self.error(f"undefined constructor `{name}` in the pattern", self.i,
                                 f"a pattern variable is written `%{name}`")
            self.i += 1
            patterns: tuple = ()
            if self.kinds[self.i] == "(":
                patterns = tuple(self.parse_list("(", ")", self.parse_pattern, "a pattern"))
            return ir.PatternConstructor(ctor, patterns)
        if k == "(":
            return ir.PatternTuple(tuple(self.parse_list("(", ")", self.parse_pattern, "a pattern")))
        raise self.expected("a pattern (`_`, `%x`, a constructor or a tuple)")


def parse_relay_text(text: str, source_name: str = "<string>") -> ir.IRModule:
    """Read a Relay module printed by `mod.astext()` (TVM 0.14-0.19) into `migrate.relay_ir`.

    Raises `RelayParseError` (file:line:col, the line, what was expected) for malformed text.
    """
    with gc_paused():  # the parse makes no reference cycles: the cyclic GC only slows it down
        parser = RelayTextParser(text, source_name)
        try:
            return parser.parse_module()
        except RecursionError:
            raise parser.error(
                "the program nests too deeply for this parser (too many `fn`/`if`/`match`/parentheses "
                "inside each other)") from None
        finally:
            del parser  # the tokens go before the GC resumes
