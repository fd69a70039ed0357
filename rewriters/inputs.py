"""Turning inputs set one at a time into the one ``set_input`` call of the Relax VM.

Relay's graph executor (``m.set_input("x", a)``, ``m.set_input(**params)``) and Relay
VM (``vm.set_one_input("main", "x", a)``) took inputs one at a time, by name or index;
``tvm.relax.VirtualMachine.set_input("main", *args, **kwargs)`` takes all of a
function's inputs in one call (python/tvm/runtime/vm.py: keyword arguments are matched
against the parameter names of the function, unknown ones are skipped with a printed
warning, positional ones fill the remaining parameters in order).

:func:`merge_inputs` builds that call's arguments from the inputs set before a run:

* one input: passed by position (robust to importers that rename inputs);
* inputs set by index 0..n-1: by position, in index order;
* inputs named as a PyTorch importer renames them (``input_infos`` names vs
  ``forward()``'s parameter names): by position, when the names' positions are known;
* otherwise by keyword: ``x=a, y=b`` when the names are identifiers, else
  ``**{"input.1": a}``;
* ``**params`` dicts: kept as ``**params`` (the VM skips names that are not inputs,
  as the graph executor did), or dropped when the dict is known to be bound into the
  compiled module already (then the graph executor ignored every name in it).
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass

import libcst as cst

from rewriters.calls import string_literal, string_value


@dataclass
class InputItem:
    """One input from a ``set_input``-style call."""

    value: cst.BaseExpression  # the value, or the dict of a ``**`` argument
    key: cst.BaseExpression | None = None  # None for ``**dict``
    splat: bool = False

    @property
    def name(self) -> str | None:
        return string_value(self.key) if self.key is not None else None

    @property
    def index(self) -> int | None:
        if isinstance(self.key, cst.Integer):
            return int(self.key.value, 0)
        return None

    def identity(self) -> tuple:
        if self.name is not None:
            return ("name", self.name)
        if self.index is not None:
            return ("index", self.index)
        return ("expr", cst.Module([]).code_for_node(self.key) if self.key is not None else id(self.value))


@dataclass
class MergedInputs:
    args: list[cst.Arg]
    how: str  # for the report: how the inputs are passed
    dropped: list[str]  # ``**dict`` arguments left out because they are bound already


class InputsNotMergeable(Exception):
    pass


def _keyword_ok(name: str) -> bool:
    # ``func_name`` is set_input's own first parameter
    return name.isidentifier() and not keyword.iskeyword(name) and name != "func_name"


def merge_inputs(items: list[InputItem], *, bound: set[str] = frozenset(),
                 positions: dict[str, int] | None = None, renamed: bool = False) -> MergedInputs:
    """The arguments (after ``"main"``) of the merged ``set_input`` call.

    ``bound``: names of dicts known to be bound into the module (their ``**`` is
    dropped). ``positions``: input name -> parameter position, for importers that
    rename inputs (``renamed``); with ``renamed`` and unknown positions, several named
    inputs cannot be matched and :class:`InputsNotMergeable` is raised.
    """
    explicit: dict[tuple, InputItem] = {}
    splats: list[InputItem] = []
    dropped: list[str] = []
    for item in items:
        if item.splat:
            if isinstance(item.value, cst.Name) and item.value.value in bound:
                dropped.append(item.value.value)
            else:
                splats.append(item)
            continue
        key = item.identity()
        explicit.pop(key, None)  # a later value for the same input wins, as in Relay
        explicit[key] = item
    values = list(explicit.values())
    star = [cst.Arg(s.value, star="**") for s in splats]
    if len(values) <= 1:
        return MergedInputs([cst.Arg(v.value) for v in values] + star,
                            "one input, passed by position" if values else "no explicit input", dropped)
    indices = [v.index for v in values]
    if all(i is not None for i in indices):
        if sorted(indices) != list(range(len(values))):
            raise InputsNotMergeable(f"inputs set by index {sorted(indices)} are not all the inputs 0..n-1")
        ordered = sorted(values, key=lambda v: v.index)
        return MergedInputs([cst.Arg(v.value) for v in ordered] + star, "inputs passed by position", dropped)
    if any(i is not None for i in indices):
        raise InputsNotMergeable("inputs are set both by index and by name")
    names = [v.name for v in values]
    if renamed:
        if positions is None or any(n not in positions for n in names):
            raise InputsNotMergeable(
                "the PyTorch importer names the inputs after forward()'s parameters, not after input_infos, and "
                "the input_infos names could not be read from this file")
        if sorted(positions[n] for n in names) != list(range(len(values))) or splats:
            raise InputsNotMergeable("not every input of the PyTorch model is set here")
        ordered = sorted(values, key=lambda v: positions[v.name])
        return MergedInputs([cst.Arg(v.value) for v in ordered], "inputs passed by position (input_infos order)",
                            dropped)
    if all(n is not None and _keyword_ok(n) for n in names):
        args = [cst.Arg(v.value, keyword=cst.Name(v.name), equal=_EQUAL) for v in values]
    else:
        elements = [cst.DictElement(string_literal(v.name) if v.name is not None else v.key, v.value)
                    for v in values]
        args = [cst.Arg(cst.Dict(elements), star="**")]
    return MergedInputs(args + star, f"{len(values)} inputs passed by name: they must match the parameter names "
                        "of `main`", dropped)


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
