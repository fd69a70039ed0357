"""Rewriting whole files: decoding, notebooks, syntax errors, atomic writes, jobs."""

from __future__ import annotations

import difflib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Sequence

from rewriters.engine import UnitSyntaxError, rewrite_units
from rewriters.findings import IO_RULE, SYNTAX_RULE, FileResult, Finding
from rewriters.notebooks import Notebook, NotebookError
from rewriters.registry import Rule, Severity, select_rules
from rewriters.sources import SourceDecodeError, atomic_write, decode_source, encode_source


@dataclass(frozen=True)
class Options:
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    write: bool = False

    def rules(self) -> list[type[Rule]]:
        return select_rules(list(self.only) or None, list(self.skip) or None)


def rewrite_bytes(path: str, data: bytes, rules: Sequence[type[Rule]]) -> FileResult:
    """The result of rewriting ``data`` (the content of ``path``); writes nothing."""
    result = FileResult(path=path, original=data)
    if b"tvm" not in data:  # nothing any rule can match: no decoding, no parsing
        result.rewritten = data
        return result
    try:
        decoded = decode_source(data)
    except SourceDecodeError as exc:
        return _skipped(result, IO_RULE, 1, 1, f"{exc}; file left untouched")
    notebook = path.endswith(".ipynb")
    try:
        if notebook:
            nb = Notebook.parse(decoded.text)
            sources = [c.text for c in nb.cells]
            cells = [c.index + 1 for c in nb.cells]
        else:
            sources, cells = [decoded.text], [None]
        outcome = rewrite_units(path, sources, rules, cells)
    except NotebookError as exc:
        return _skipped(result, IO_RULE, 1, 1, f"{exc}; file left untouched")
    except UnitSyntaxError as exc:
        return _skipped(
            result, SYNTAX_RULE, exc.line, exc.column,
            f"cannot parse ({exc.message}); file left untouched",
            cell=(nb.cells[exc.unit].index + 1) if notebook else None,
        )
    result.findings = outcome.findings
    if outcome.codes == sources:
        result.rewritten = data
    elif notebook:
        result.rewritten = encode_source(nb.render(outcome.codes), decoded)
    else:
        result.rewritten = encode_source(outcome.codes[0], decoded)
    return result


def _skipped(result: FileResult, rule: str, line: int, col: int, message: str, cell=None) -> FileResult:
    result.skipped = True
    result.rewritten = result.original
    result.findings = [Finding(result.path, line, col, rule, Severity.ERROR, message, cell)]
    return result


def process_file(path: str, options: Options) -> FileResult:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        result = FileResult(path=path)
        return _skipped(result, IO_RULE, 1, 1, f"cannot read: {exc.strerror}")
    result = rewrite_bytes(path, data, options.rules())
    if options.write and result.changed:
        try:
            target = os.path.realpath(path) if os.path.islink(path) else path
            atomic_write(target, result.rewritten)
            result.written = True
        except OSError as exc:
            result.findings.append(
                Finding(path, 1, 1, IO_RULE, Severity.ERROR, f"cannot write: {exc.strerror}; file left untouched")
            )
    return result


def _process_star(args):
    return process_file(*args)


def process_files(paths: Iterable[str], options: Options, jobs: int = 1) -> list[FileResult]:
    paths = list(paths)
    options.rules()  # fail early on unknown rule ids, in this process
    if jobs <= 1 or len(paths) < 2:
        return [process_file(p, options) for p in paths]
    chunk = max(1, min(32, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_process_star, [(p, options) for p in paths], chunksize=chunk))


def unified_diff(result: FileResult) -> str:
    if not result.changed:
        return ""
    before = result.original.decode("utf-8", "replace").splitlines(keepends=True)
    after = result.rewritten.decode("utf-8", "replace").splitlines(keepends=True)
    if os.path.isabs(result.path) or result.path == "-":
        old, new = result.path, result.path
    else:
        old, new = f"a/{result.path}", f"b/{result.path}"
    lines = difflib.unified_diff(before, after, old, new)
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)
