"""The rules as a libcst codemod command.

With the repository's ``.libcst.codemod.yaml`` (``modules: [rewriters]``, formatter
off)::

    python -m libcst.tool codemod tvm_migrate.TvmMigrateCommand PATH...
    python -m libcst.tool codemod tvm_migrate.TvmMigrateCommand --only runtime-tensor PATH...

runs the same engine as ``tvm-migrate codemod`` (report lines become libcst
warnings). Notebooks, ``--check`` and the summary are only in ``tvm-migrate codemod``.
"""

from __future__ import annotations

import argparse

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, SkipFile

from rewriters.engine import UnitSyntaxError, rewrite_units
from rewriters.registry import select_rules


def _rule_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class TvmMigrateCommand(CodemodCommand):
    DESCRIPTION = "Rewrite Relay-era TVM code for TVM 0.27 (the tvm-migrate rules)."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--only", type=_rule_list, default=None, help="comma-separated rule ids to run")
        arg_parser.add_argument("--skip", type=_rule_list, default=None, help="comma-separated rule ids to skip")

    def __init__(self, context: CodemodContext, only: list[str] | None = None, skip: list[str] | None = None) -> None:
        super().__init__(context)
        self.rules = select_rules(only, skip)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        source = tree.code
        path = self.context.filename or "<stdin>"
        try:
            outcome = rewrite_units(path, [source], self.rules)
        except UnitSyntaxError as exc:  # pragma: no cover - libcst parsed it already
            raise SkipFile(exc.message) from exc
        for finding in outcome.findings:
            if not finding.acknowledged:
                self.warn(finding.format())
        if outcome.codes[0] == source:
            return tree
        return cst.parse_module(outcome.codes[0])
