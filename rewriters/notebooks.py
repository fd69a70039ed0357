"""Jupyter notebooks: code cells are rewritten as units of one program.

IPython syntax is not Python: line magics (``%timeit f()``), shell escapes
(``!pip install onnx``, ``files = !ls``), help (``tvm.nd?``) and cell magics
(``%%time``) would be syntax errors. Each such line is masked with a placeholder
assignment of the same indentation before parsing and restored afterwards. A cell
whose cell magic runs another language (``%%bash``, ``%%writefile``) is left alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# cell magics whose body is Python
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy"}
_MAGIC_LINE = re.compile(r"^(\s*)(%|!|\?)")
_ASSIGN_MAGIC = re.compile(r"^(\s*)[\w.\[\], ]+=\s*[!%]")
_HELP_SUFFIX = re.compile(r"^(\s*)[\w.\[\]()]+\?{1,2}\s*$")
_PLACEHOLDER = "_tvm_migrate_magic_{}_ = None"
_PLACEHOLDER_LINE = re.compile(r"^(\s*)_tvm_migrate_magic_(\d+)_ = None$")


class NotebookError(Exception):
    pass


@dataclass
class MaskedCell:
    index: int  # position in nb["cells"]
    text: str  # masked Python
    masked: dict[int, str] = field(default_factory=dict)  # placeholder number -> line
    was_list: bool = True


def mask_magics(source: str) -> tuple[str, dict[int, str]] | None:
    """Python text with IPython lines masked, or None if the cell is not Python."""
    lines = source.splitlines(keepends=True)
    masked: dict[int, str] = {}
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in _PYTHON_CELL_MAGICS:
            return None
    out = []
    for line in lines:
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        if _MAGIC_LINE.match(body) or _ASSIGN_MAGIC.match(body) or _HELP_SUFFIX.match(body):
            indent = re.match(r"\s*", body).group(0)
            n = len(masked)
            masked[n] = body
            out.append(indent + _PLACEHOLDER.format(n) + ending)
        else:
            out.append(line)
    return "".join(out), masked


def unmask_magics(text: str, masked: dict[int, str]) -> str:
    if not masked:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        m = _PLACEHOLDER_LINE.match(body)
        if m and int(m.group(2)) in masked:
            out.append(masked[int(m.group(2))] + line[len(body):])
        else:
            out.append(line)
    return "".join(out)


@dataclass
class Notebook:
    data: dict
    indent: int | None
    cells: list[MaskedCell]
    trailing_newline: bool

    @classmethod
    def parse(cls, text: str) -> "Notebook":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotebookError(f"not a JSON notebook: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise NotebookError("not a Jupyter notebook (no 'cells' list)")
        language = (
            data.get("metadata", {}).get("kernelspec", {}).get("language")
            or data.get("metadata", {}).get("language_info", {}).get("name")
            or "python"
        )
        cells: list[MaskedCell] = []
        if str(language).lower().startswith("python"):
            for index, cell in enumerate(data["cells"]):
                if cell.get("cell_type") != "code":
                    continue
                source = cell.get("source", "")
                was_list = isinstance(source, list)
                text_src = "".join(source) if was_list else str(source)
                result = mask_magics(text_src)
                if result is None:
                    continue
                masked_text, masked = result
                cells.append(MaskedCell(index, masked_text, masked, was_list))
        return cls(data, _detect_indent(text), cells, text.endswith("\n"))

    def render(self, new_texts: list[str]) -> str:
        for cell, new_text in zip(self.cells, new_texts):
            restored = unmask_magics(new_text, cell.masked)
            self.data["cells"][cell.index]["source"] = (
                restored.splitlines(keepends=True) if cell.was_list else restored
            )
        text = json.dumps(self.data, indent=self.indent, ensure_ascii=False)
        return text + ("\n" if self.trailing_newline else "")


def _detect_indent(text: str) -> int | None:
    for line in text.splitlines()[1:3]:
        stripped = line.lstrip(" ")
        if stripped and len(stripped) != len(line):
            return len(line) - len(stripped)
    return None if "\n" not in text.strip() else 1
