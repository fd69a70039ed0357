"""Finding the files to rewrite under the paths a user gives.

Directories are walked without following symlinks, skipping version-control
metadata, virtualenvs (any directory holding ``pyvenv.cfg``), caches and build
output. Files named explicitly are always taken. ``--include``/``--exclude`` globs
match a file's path relative to the directory given, or its base name.
"""

from __future__ import annotations

import fnmatch
import os
from typing import Iterable, Iterator

DEFAULT_INCLUDE = ("*.py", "*.pyi", "*.ipynb")
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".bzr", "__pycache__", ".venv", "venv", ".env", "env",
    ".tox", ".nox", ".eggs", "build", "dist", "site-packages", "node_modules",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
    ".ipynb_checkpoints", ".idea", ".vscode",
}
STDIN = "-"


class PathNotFound(Exception):
    pass


def _matches(rel: str, patterns: Iterable[str]) -> bool:
    rel = rel.replace(os.sep, "/")
    base = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(base, p) for p in patterns)


def _skip_dir(path: str, name: str) -> bool:
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    return os.path.exists(os.path.join(path, name, "pyvenv.cfg"))


def discover(
    paths: Iterable[str],
    include: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> Iterator[str]:
    """Files to process, each once, in a stable order."""
    include = tuple(include) if include else DEFAULT_INCLUDE
    exclude = tuple(exclude)
    seen: set[str] = set()
    for path in paths:
        if path == STDIN:
            yield STDIN
            continue
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _skip_dir(root, d)
                                 and not os.path.islink(os.path.join(root, d)))
                rel_root = os.path.relpath(root, path)
                if rel_root != "." and _matches(rel_root, exclude):
                    dirs[:] = []
                    continue
                for name in sorted(files):
                    full = os.path.join(root, name)
                    rel = os.path.normpath(os.path.join(rel_root, name))
                    if os.path.islink(full):
                        continue
                    if _matches(rel, include) and not _matches(rel, exclude):
                        key = os.path.realpath(full)
                        if key not in seen:
                            seen.add(key)
                            yield full
        elif os.path.isfile(path):
            key = os.path.realpath(path)
            if key not in seen and not _matches(path, exclude):
                seen.add(key)
                yield path
        else:
            raise PathNotFound(f"{path}: no such file or directory")
