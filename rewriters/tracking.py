"""Variables and instance attributes known to hold one kind of value.

Rules follow values by name: ``m = GraphModule(...)`` makes ``m`` a graph executor
module, and later ``m.run()`` is rewritten. :class:`TrackedValues` scopes those names
the way Python does, as far as a single pass can tell:

* a plain name bound inside a function belongs to that function; a use sees the
  binding of its own function, else of the enclosing functions, else of the module,
  unless one of those functions takes the name as a parameter (which shadows it);
* ``self.m`` (an attribute of the first parameter of a method) belongs to the class,
  so ``self.m = GraphModule(...)`` in ``__init__`` is seen in every method.

Containers (``mods[0]``, ``d["m"]``) are not followed; rules flag legacy-only calls on
receivers they cannot follow instead of rewriting them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from rewriters.names import dotted_name

if TYPE_CHECKING:  # pragma: no cover
    from rewriters.engine import RuleContext


def _params(func: cst.FunctionDef) -> list[str]:
    p = func.params
    names = [x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)]
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


class TrackedValues:
    """Names (``m``) and ``self`` attributes (``self.m``) bound to a tracked kind of value."""

    def __init__(self, ctx: "RuleContext") -> None:
        self.ctx = ctx
        self._bound: set[tuple[int, str]] = set()  # (id of the function/class or 0, text)
        self._other: set[tuple[int, str]] = set()  # names bound to something else there

    def __bool__(self) -> bool:
        return bool(self._bound)

    def _self_attr(self, expr: cst.BaseExpression) -> tuple[int, str] | None:
        """``(class id, "self.x")`` for ``self.x`` inside a method."""
        if not (isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name)):
            return None
        functions = self.ctx.enclosing(cst.FunctionDef)
        classes = self.ctx.enclosing(cst.ClassDef)
        if not functions or not classes:
            return None
        method = next((f for f in reversed(functions) if self._is_method(f, classes[-1])), None)
        if method is None or not _params(method) or _params(method)[0] != expr.value.value:
            return None
        return id(classes[-1]), dotted_name(expr) or ""

    @staticmethod
    def _is_method(func: cst.FunctionDef, cls: cst.ClassDef) -> bool:
        body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
        return any(stmt is func for stmt in body)

    def _key(self, target: cst.BaseExpression) -> tuple[int, str] | None:
        if isinstance(target, cst.Name):
            functions = self.ctx.enclosing(cst.FunctionDef)
            return (id(functions[-1]) if functions else 0, target.value)
        return self._self_attr(target)

    def bind(self, target: cst.BaseExpression) -> None:
        """Record that ``target`` (a Name or ``self.x``) holds a tracked value."""
        key = self._key(target)
        if key is not None:
            self._bound.add(key)

    def bind_other(self, target: cst.BaseExpression) -> None:
        """Record that ``target`` is (also) bound to something else in its scope: a
        function that binds the name only to other values does not see the module's."""
        key = self._key(target)
        if key is not None:
            self._other.add(key)

    def holds(self, expr: cst.BaseExpression) -> bool:
        """Whether ``expr`` (as written at the node being visited) holds a tracked value."""
        if not self._bound:
            return False
        if isinstance(expr, cst.Name):
            name = expr.value
            for func in reversed(self.ctx.enclosing(cst.FunctionDef)):
                if (id(func), name) in self._bound:
                    return True
                if (id(func), name) in self._other or name in _params(func):
                    return False
            return (0, name) in self._bound
        key = self._self_attr(expr)
        return key is not None and key in self._bound

    def text(self, expr: cst.BaseExpression) -> str | None:
        """The receiver as text (``m``, ``self.m``) if it holds a tracked value."""
        return dotted_name(expr) if self.holds(expr) else None
