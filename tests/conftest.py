"""Shared test helpers: where the committed real-Relay data lives."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
sys.path.insert(0, str(ROOT / "bench"))  # bench/synthetic.py: synthetic deep graphs

# Readers must never recurse per node: run every test at Python's default recursion limit.
sys.setrecursionlimit(1000)


def bundle_dirs(kind: str = "") -> list:
    """Every golden bundle directory (holding model.json or model.relay), optionally under golden/<kind>."""
    base = GOLDEN / kind if kind else GOLDEN
    found = {p.parent for p in base.rglob("model.json")} | {p.parent for p in base.rglob("model.relay")}
    return sorted(found)


def bundle_id(path: Path) -> str:
    return os.path.relpath(path, GOLDEN)


@pytest.fixture
def tmp_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path
