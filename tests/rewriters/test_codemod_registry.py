"""The registry is the single source of truth; rules and tests mirror each other."""

import importlib
import pathlib

from rewriters.registry import Safety, all_rules

RULES_DIR = pathlib.Path(__file__).parents[2] / "rewriters" / "rules"


def test_ids_unique_and_rules_documented():
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        module = importlib.import_module(rule.__module__)
        doc = module.__doc__ or ""
        assert doc.startswith(f"{rule.id}:"), f"{rule.__module__} docstring must open with its id"
        assert "Upstream" in doc and "Safety" in doc, rule.id
        assert rule.summary and rule.upstream and rule.triggers
        if rule.safety is Safety.BEHAVIOUR_CHANGING:
            assert rule.behaviour_change


def test_one_test_file_per_rule_module():
    modules = {p.stem for p in RULES_DIR.glob("*.py") if not p.stem.startswith("_")}
    tests = {p.stem[len("test_"):] for p in pathlib.Path(__file__).parent.glob("test_*.py")}
    assert modules <= tests, modules - tests
    assert {r.__module__.rsplit(".", 1)[1] for r in all_rules()} == modules


def test_removed_modules_runs_last():
    assert all_rules()[-1].id == "removed-modules"


def test_docs_rule_table_is_generated_from_the_registry():
    from rewriters.docs import BEGIN, END, rules_markdown

    text = (pathlib.Path(__file__).parents[2] / "docs" / "codemod.md").read_text()
    table = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert table == rules_markdown(), "run: python -m rewriters.docs docs/codemod.md"
