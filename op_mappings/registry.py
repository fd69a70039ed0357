"""The op-alignment table: one `OpMapping` row per Relay op. It is the translator registry too.

A row says what a Relay op becomes in Relax (`relax`), how faithful that is (`status`), how each
attribute maps (`attrs`), what differs semantically (`differs`), and for ops that do not translate,
why (`reason`) and what the user can do (`action`). Docs and `tvm-migrate ops` are generated from it.

Statuses:
- ``exact``: one Relax op (or none: an identity) with the same semantics.
- ``composite``: a composition of Relax ops with the same semantics (up to float rounding).
- ``topi``: no Relax op; TOPI through ``emit_te`` (opaque to Relax passes).
- ``unsupported``: no translation yet; `reason` and `action` say why and what to do.
- ``internal``: Relay's own lowering/runtime op; never in a program a user saved.

A translator is ``fn(ctx, call, args) -> relax.Expr`` (see `migrate.translate_context`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable, Optional

STATUSES = ("exact", "composite", "topi", "unsupported", "internal")
TRANSLATED = ("exact", "composite", "topi")


@dataclass(frozen=True)
class OpMapping:
    relay_op: str
    relax: str  # the Relax target, e.g. "R.nn.conv2d" or "R.matmul(x, R.permute_dims(w))"
    status: str
    attrs: str = ""  # how each attribute maps, one line
    differs: str = ""  # semantic differences, one line
    reason: str = ""  # unsupported/internal: why
    action: str = ""  # unsupported/internal: what the user can do
    family: str = ""  # the op_mappings module (file) that declares the row
    translator: Optional[Callable] = None
    builtin: bool = True  # False for rows added through register_translator

    def to_dict(self) -> dict:
        return {
            "relay_op": self.relay_op, "relax": self.relax, "status": self.status, "attrs": self.attrs,
            "differs": self.differs, "reason": self.reason, "action": self.action, "family": self.family,
            "builtin": self.builtin,
        }


_TABLE: dict = {}


def _caller_family(depth: int = 2) -> str:
    module = sys._getframe(depth).f_globals.get("__name__", "")
    return module.rsplit(".", 1)[-1] if module.startswith("op_mappings.") else module


def _add(row: OpMapping) -> OpMapping:
    if row.status not in STATUSES:
        raise ValueError(f"{row.relay_op}: status must be one of {', '.join(STATUSES)}, got {row.status!r}")
    if row.status in TRANSLATED and row.translator is None:
        raise ValueError(f"{row.relay_op}: status {row.status!r} needs a translator")
    if row.relay_op in _TABLE and row.builtin:
        raise ValueError(f"{row.relay_op}: declared twice (in {_TABLE[row.relay_op].family} and {row.family})")
    _TABLE[row.relay_op] = row
    return row


def translator(*relay_ops: str, relax: str, status: str = "exact", attrs: str = "", differs: str = ""):
    """Declare a built-in translator for one or more Relay ops (decorator)."""
    family = _caller_family()

    def deco(fn: Callable) -> Callable:
        for op in relay_ops:
            _add(OpMapping(op, relax, status, attrs, differs, family=family, translator=fn))
        return fn

    return deco


def mapping(relay_op: str, fn: Callable, *, relax: str, status: str = "exact", attrs: str = "", differs: str = ""):
    """Declare a built-in translator without decorator syntax (for table-driven families)."""
    return _add(OpMapping(relay_op, relax, status, attrs, differs, family=_caller_family(), translator=fn))


def unsupported(relay_op: str, *, reason: str, action: str, relax: str = "") -> OpMapping:
    """Declare an op that has no translation (yet): why, and what the user can do."""
    return _add(OpMapping(relay_op, relax, "unsupported", reason=reason, action=action, family=_caller_family()))


def internal(relay_op: str, *, reason: str, action: str) -> OpMapping:
    """Declare an op of Relay's own lowering that never appears in a saved user program."""
    return _add(OpMapping(relay_op, "", "internal", reason=reason, action=action, family=_caller_family()))


def register_translator(op_name: str, fn: Optional[Callable] = None, *, relax: str = "", status: str = "exact",
                        override: bool = False, attrs: str = "", differs: str = ""):
    """Add (or, with ``override=True``, replace) the translator of a Relay op, e.g. a vendor fork's op.

    Usable as a decorator (``@register_translator("qnn.csi.relu")``) or directly
    (``register_translator("qnn.csi.relu", fn)``). `fn(ctx, call, args)` returns a Relax expression.
    Replacing an op that already has a translator needs ``override=True``.
    """
    if status not in TRANSLATED:
        raise ValueError(f"register_translator: status must be one of {', '.join(TRANSLATED)}, got {status!r}")

    def register(func: Callable) -> Callable:
        if not callable(func):
            raise TypeError(f"register_translator({op_name!r}): expected a callable, got {type(func).__name__}")
        old = _TABLE.get(op_name)
        if old is not None and old.translator is not None and not override:
            raise ValueError(
                f"{op_name} already has a translator ({'built-in, in op_mappings/' + old.family + '.py' if old.builtin else 'registered by ' + old.family}); "
                f"pass override=True to replace it"
            )
        _TABLE[op_name] = OpMapping(op_name, relax or getattr(func, "__name__", ""), status, attrs, differs,
                                    family=getattr(func, "__module__", "") or "user", translator=func, builtin=False)
        return func

    return register(fn) if fn is not None else register


def unregister_translator(op_name: str) -> None:
    """Remove a row added by `register_translator` (built-in rows stay)."""
    row = _TABLE.get(op_name)
    if row is not None and not row.builtin:
        del _TABLE[op_name]
        _restore_builtin(op_name)


_BUILTINS: dict = {}


def _restore_builtin(op_name: str) -> None:
    if op_name in _BUILTINS:
        _TABLE[op_name] = _BUILTINS[op_name]


def freeze_builtins() -> None:
    """Remember the built-in rows (so an overridden one can be restored by `unregister_translator`)."""
    _BUILTINS.update({k: v for k, v in _TABLE.items() if v.builtin})


def get_mapping(op_name: str) -> Optional[OpMapping]:
    return _TABLE.get(op_name)


def all_mappings() -> list:
    """Every row, sorted by op name."""
    return [_TABLE[k] for k in sorted(_TABLE)]


__all__ = ["OpMapping", "STATUSES", "TRANSLATED", "all_mappings", "get_mapping", "internal", "mapping",
           "register_translator", "translator", "unregister_translator", "unsupported"]
