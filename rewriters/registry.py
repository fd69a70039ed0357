"""The rule registry: the single source of truth for what the codemod can do.

A rule is a class in its own module under ``rewriters/rules/``, decorated with
:func:`register`. It declares

* ``id``: the name users see in reports, ``--only/--skip`` and TODO comments;
* ``safety``: ``safe`` (the rewrite keeps behaviour), ``behaviour-changing``
  (it rewrites, and ``behaviour_change`` says how results can differ) or
  ``manual`` (it only flags sites, with a ``# TODO(tvm-migrate ID)`` comment);
* ``triggers``: substrings of which at least one must occur in a file for the
  rule to run at all (a cheap filter that keeps unrelated files fast);
* ``moves``: optional declarative renames of qualified names (old -> new), applied
  to imports and attribute chains by the engine (see :mod:`rewriters.moves`);
* ``leave_<NodeType>(original, updated)`` hooks, called by the engine's single
  libcst pass, and an optional ``rewrite_body(body)`` hook for statement blocks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from rewriters.engine import RuleContext


class Safety(str, enum.Enum):
    """What applying a rule's rewrite does to the program's behaviour."""

    SAFE = "safe"
    BEHAVIOUR_CHANGING = "behaviour-changing"
    MANUAL = "manual"


class Severity(str, enum.Enum):
    """Severity of one report line.

    ``info``: a safe rewrite was applied. ``warning``: a rewrite was applied that can
    change results (the message says how). ``error``: nothing was rewritten; the site
    needs a person (it carries a ``TODO(tvm-migrate ...)`` comment).
    """

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Move:
    """One qualified-name move: ``old`` (and everything under it) becomes ``new``.

    ``new`` is None when TVM 0.27 has no counterpart; the site is then flagged with
    ``note`` as guidance. ``module`` names the module that must be imported for
    ``new`` to be reachable (when plain ``import tvm`` does not load it).
    """

    old: str
    new: str | None
    note: str = ""
    module: str | None = None


class Rule:
    """Base class of all rules; see the module docstring."""

    id: ClassVar[str] = ""
    safety: ClassVar[Safety] = Safety.SAFE
    behaviour_change: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    upstream: ClassVar[str] = ""
    triggers: ClassVar[tuple[str, ...]] = ()
    moves: ClassVar[Mapping[str, Move]] = {}

    def __init__(self, ctx: "RuleContext") -> None:
        self.ctx = ctx

    @classmethod
    def default_severity(cls) -> Severity:
        return {
            Safety.SAFE: Severity.INFO,
            Safety.BEHAVIOUR_CHANGING: Severity.WARNING,
            Safety.MANUAL: Severity.ERROR,
        }[cls.safety]

    @classmethod
    def is_triggered(cls, source: str) -> bool:
        return any(t in source for t in cls.triggers)


_REGISTRY: dict[str, type[Rule]] = {}


def register(rule: type[Rule]) -> type[Rule]:
    """Class decorator adding ``rule`` to the registry (ids must be unique)."""
    if not rule.id:
        raise ValueError(f"{rule.__name__} has no id")
    if rule.id in _REGISTRY and _REGISTRY[rule.id] is not rule:
        raise ValueError(f"duplicate rule id {rule.id!r}")
    if rule.safety is Safety.BEHAVIOUR_CHANGING and not rule.behaviour_change:
        raise ValueError(f"{rule.id}: behaviour-changing rules must say how")
    if not (rule.__doc__ or "").strip():
        raise ValueError(f"{rule.id}: a rule needs a docstring")
    _REGISTRY[rule.id] = rule
    return rule


def all_rules() -> list[type[Rule]]:
    """Every registered rule, in the order the engine applies them."""
    import rewriters.rules  # noqa: F401  (registers the rules on import)

    return list(_REGISTRY.values())


class UnknownRuleError(ValueError):
    pass


def select_rules(only: list[str] | None = None, skip: list[str] | None = None) -> list[type[Rule]]:
    """The rules to run given ``--only`` / ``--skip`` lists of ids."""
    rules = all_rules()
    known = {r.id for r in rules}
    for name in (only or []) + (skip or []):
        if name not in known:
            raise UnknownRuleError(
                f"unknown rule {name!r}; known rules: {', '.join(sorted(known))} "
                "(see --list-rules)"
            )
    if only:
        rules = [r for r in rules if r.id in set(only)]
    if skip:
        rules = [r for r in rules if r.id not in set(skip)]
    return rules
