"""`load_relay`: one entry point for every saved form of a Relay module."""

from __future__ import annotations

import os
from typing import Union

from . import relay_ir
from .errors import MigrateError, RelayJSONError

PathOrText = Union[str, "os.PathLike[str]", bytes, relay_ir.IRModule]

_TEXT_STARTS = ("#[version", "def @", "fn ", "fn(", "type ", "free_var", "%", "@", "/*", "//")


def detect_format(text: str) -> str:
    """'json' or 'text', from content (after an optional BOM and leading white space)."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "json"
    return "text"


def _looks_like_path(value: str) -> bool:
    if "\n" in value or len(value) > 4096:
        return False
    head = value.lstrip()
    return not (head.startswith(_TEXT_STARTS) or head.startswith("{"))


def read_source(source: Union[str, "os.PathLike[str]", bytes]) -> tuple:
    """(text, source_name) for a path, raw bytes or a text string."""
    if isinstance(source, bytes):
        data, name = source, "<bytes>"
    elif isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = os.fspath(source)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise MigrateError(f"{path}: no such file (expected a Relay .relay text or .json file)") from None
        except IsADirectoryError:
            raise MigrateError(
                f"{path}: is a directory; pass the model file inside it (model.relay or model.json)"
            ) from None
        except OSError as err:
            raise MigrateError(f"{path}: cannot read ({err.strerror})") from None
        name = path
    else:
        return source.lstrip("\ufeff"), "<string>"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise MigrateError(
            f"{name}: not UTF-8 text (byte {err.start}); expected Relay text (mod.astext()) or "
            f"JSON (tvm.ir.save_json(mod)). A .params file holds weights: pass it as params"
        ) from None
    return text.lstrip("\ufeff"), name


def load_relay(source: PathOrText) -> relay_ir.IRModule:
    """Read a Relay module from a path, raw text/JSON, or return an already-read IR unchanged.

    The format is detected from content: JSON written by ``tvm.ir.save_json(mod)``, or the text
    printed by ``mod.astext()``. Errors are `RelayParseError` / `RelayJSONError` / `MigrateError`
    naming the file and the problem.
    """
    if isinstance(source, relay_ir.IRModule):
        return source
    if not isinstance(source, (str, bytes, os.PathLike)):
        raise TypeError(
            f"load_relay expects a path, Relay text or JSON, or a migrate IRModule; got {type(source).__name__}"
        )
    text, name = read_source(source)
    if not text.strip():
        raise MigrateError(f"{name}: empty input; expected Relay text (mod.astext()) or JSON (tvm.ir.save_json)")
    if detect_format(text) == "json":
        from .json_reader import read_relay_json

        return read_relay_json(text, name)
    from .text_parser import parse_relay_text

    return parse_relay_text(text, name)


__all__ = ["load_relay", "detect_format", "read_source", "RelayJSONError"]
