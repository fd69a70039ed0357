"""Shared assertions for rule tests (in the spirit of libcst's CodemodTest.assertCodemod).

Every fixture also checks what libcst's harness does not: the output parses (libcst and
``compile``), and a second run over the output changes nothing and reports nothing new.
"""

from __future__ import annotations

import difflib
import textwrap

import libcst as cst

from rewriters.engine import rewrite_source
from rewriters.findings import Finding
from rewriters.registry import Severity, select_rules


def rules(*ids: str):
    return select_rules(list(ids)) if ids else select_rules()


def _diff(expected: str, got: str) -> str:
    return "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), "expected", "got"))


def assert_parses(code: str) -> None:
    cst.parse_module(code)
    compile(code, "<rewritten>", "exec")


def assert_rewrite(before: str, after: str, *rule_ids: str) -> list[Finding]:
    """``before`` becomes exactly ``after`` with the given rules (all rules if none);
    returns the findings of the first run."""
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    selected = rules(*rule_ids)
    out = rewrite_source(before, selected, path="t.py")
    got = out.codes[0]
    assert got == after, "rewrite differs:\n" + _diff(after, got)
    assert_parses(got)
    again = rewrite_source(got, selected, path="t.py")
    assert again.codes[0] == got, "second run changed the code:\n" + _diff(got, again.codes[0])
    fresh = [f.format() for f in again.findings if not f.acknowledged]
    assert not fresh, f"second run reported new findings: {fresh}"
    return out.findings


def assert_unchanged(source: str, *rule_ids: str) -> None:
    source = textwrap.dedent(source)
    out = rewrite_source(source, rules(*rule_ids), path="t.py")
    assert out.codes[0] == source, "expected no change:\n" + _diff(source, out.codes[0])
    assert not out.findings, [f.format() for f in out.findings]


def severities(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule_id, f.severity.value) for f in findings]


def only(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id]


__all__ = ["assert_rewrite", "assert_unchanged", "assert_parses", "severities", "only", "rules", "Severity"]
