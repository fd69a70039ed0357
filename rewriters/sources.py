"""Reading and writing source files byte-exactly: encodings, BOMs, line endings.

A file is decoded with the encoding Python itself would use (PEP 263 cookie or
UTF-8, ``utf-8-sig`` when there is a BOM) without newline translation, so CRLF and
mixed endings reach libcst unchanged (it keeps them), and is encoded back the same
way. Writes are atomic: a temporary file in the same directory, then ``os.replace``.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class DecodedSource:
    text: str
    encoding: str  # "utf-8-sig" when the file starts with a BOM


class SourceDecodeError(Exception):
    pass


def decode_source(data: bytes) -> DecodedSource:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return DecodedSource(data.decode(encoding), encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise SourceDecodeError(f"cannot decode: {exc}") from exc


def encode_source(text: str, like: DecodedSource) -> bytes:
    return text.encode(like.encoding)


def atomic_write(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers never see a half-written file."""
    directory = os.path.dirname(os.path.abspath(path))
    mode = stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else None
    fd, tmp = tempfile.mkstemp(prefix=".tvm-migrate-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
