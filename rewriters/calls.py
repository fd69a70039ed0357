"""Helpers for rewriting call sites: binding arguments to parameters, editing them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import libcst as cst


@dataclass
class BoundArgs:
    """A call's arguments by parameter name (positional ones resolved by position)."""

    args: dict[str, cst.Arg] = field(default_factory=dict)
    positional: list[str] = field(default_factory=list)  # names passed positionally, in order

    def get(self, name: str) -> cst.BaseExpression | None:
        arg = self.args.get(name)
        return arg.value if arg is not None else None

    def __contains__(self, name: str) -> bool:
        return name in self.args


class UnboundCall(Exception):
    """The arguments cannot be mapped statically (``*args``, ``**kw``, unknown names)."""


def bind_args(call: cst.Call, params: Sequence[str]) -> BoundArgs:
    bound = BoundArgs()
    index = 0
    for arg in call.args:
        if arg.star:
            raise UnboundCall(f"`{arg.star}` arguments")
        if arg.keyword is None:
            if index >= len(params):
                raise UnboundCall("too many positional arguments")
            bound.args[params[index]] = arg
            bound.positional.append(params[index])
            index += 1
        else:
            name = arg.keyword.value
            if name not in params:
                raise UnboundCall(f"unknown keyword `{name}`")
            bound.args[name] = arg
    return bound


def arg(value: cst.BaseExpression, keyword: str | None = None) -> cst.Arg:
    if keyword is None:
        return cst.Arg(value=value)
    return cst.Arg(
        value=value,
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def keyword_arg(original: cst.Arg, keyword: str) -> cst.Arg:
    """``original`` passed by keyword ``keyword`` (keeps its value and comma)."""
    if original.keyword is not None:
        return original.with_changes(keyword=cst.Name(keyword))
    return original.with_changes(
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def with_args(call: cst.Call, args: list[cst.Arg], func: cst.BaseExpression | None = None) -> cst.Call:
    """``call`` with ``args`` (commas normalised: a trailing comma is kept only if the
    original call had one; the original spacing before the closing parenthesis is kept)."""
    trailing = bool(call.args) and isinstance(call.args[-1].comma, cst.Comma)
    fixed = []
    for i, a in enumerate(args):
        last = i == len(args) - 1
        if last and not trailing:
            # the space before ``)`` (e.g. a newline) stays where it was
            a = a.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=call.args[-1].whitespace_after_arg)
        elif not last and not isinstance(a.comma, cst.Comma):
            a = a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        fixed.append(a)
    changes = {"args": fixed}
    if func is not None:
        changes["func"] = func
    return call.with_changes(**changes)


def is_literal(node: cst.BaseExpression | None, value) -> bool:
    """Whether ``node`` is the literal ``True``/``False``/``None``."""
    return isinstance(node, cst.Name) and node.value == repr(value)


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (no f-string, no concatenation of non-literals)."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # pragma: no cover - libcst raises for odd prefixes
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def string_literal(value: str) -> cst.SimpleString:
    return cst.SimpleString('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')


def parens(expr: cst.BaseExpression) -> cst.BaseExpression:
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
