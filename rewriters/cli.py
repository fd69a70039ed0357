"""``tvm-migrate codemod``: arguments and the command itself.

The lead's ``migrate/cli.py`` wires the subcommand to :func:`add_codemod_arguments`
and :func:`run_codemod`; ``python -m rewriters`` runs it standalone.

Output: rewritten code (for ``-``) or the unified diff (``--diff``) go to stdout; report
lines and the summary go to ``--report FILE`` or stderr, as JSON with ``--json``.
Exit status: 0, or 1 when ``--check`` finds something to change or to look at
(sites already marked ``TODO(tvm-migrate ...)`` do not count), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys

from rewriters.discovery import STDIN, PathNotFound, discover
from rewriters.findings import FileResult, report_json, report_text
from rewriters.registry import UnknownRuleError, all_rules
from rewriters.runner import Options, process_files, rewrite_bytes, unified_diff


def _rule_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_codemod_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the codemod's arguments to ``parser`` (a subcommand parser)."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="files or directories to rewrite; '-' reads stdin and writes stdout",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff; write nothing (the default)")
    mode.add_argument(
        "--check", action="store_true",
        help="write nothing; exit 1 if a file would change or has a site needing attention",
    )
    mode.add_argument("--in-place", action="store_true", help="rewrite the files (atomically)")
    parser.add_argument("--report", metavar="FILE", help="write the report to FILE instead of stderr")
    parser.add_argument("--json", action="store_true", help="write the report as JSON")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1)")
    select = parser.add_mutually_exclusive_group()
    select.add_argument("--only", type=_rule_list, metavar="RULE,...", help="run only these rules")
    select.add_argument("--skip", type=_rule_list, metavar="RULE,...", help="run all rules but these")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument(
        "--include", action="append", metavar="GLOB",
        help="file globs to take in directories (default: *.py, *.pyi, *.ipynb); repeatable",
    )
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="globs to leave out; repeatable")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the summary, not every report line")


def list_rules_text() -> str:
    rows = []
    for rule in all_rules():
        rows.append(f"{rule.id}  [{rule.safety.value}]  {rule.summary}")
        if rule.behaviour_change:
            rows.append(f"    behaviour change: {rule.behaviour_change}")
        rows.append(f"    upstream: {rule.upstream}")
    return "\n".join(rows) + "\n"


def run_codemod(args: argparse.Namespace) -> int:
    """Run ``tvm-migrate codemod`` with parsed ``args``; returns the exit status."""
    if args.list_rules:
        sys.stdout.write(list_rules_text())
        return 0
    if not args.paths:
        sys.stderr.write("tvm-migrate codemod: give at least one PATH ('-' for stdin)\n")
        return 2
    options = Options(only=tuple(args.only or ()), skip=tuple(args.skip or ()), write=args.in_place)
    try:
        rules = options.rules()
        files = list(discover(args.paths, args.include, args.exclude))
    except (UnknownRuleError, PathNotFound) as exc:
        sys.stderr.write(f"tvm-migrate codemod: {exc}\n")
        return 2
    if STDIN in files and len(files) > 1:
        sys.stderr.write("tvm-migrate codemod: '-' (stdin) cannot be combined with other paths\n")
        return 2

    if files == [STDIN]:
        data = sys.stdin.buffer.read()
        result = rewrite_bytes(STDIN, data, rules)
        results = [result]
        if args.diff:
            sys.stdout.write(unified_diff(result))
        elif not args.check:
            sys.stdout.buffer.write(result.rewritten if result.rewritten is not None else data)
            sys.stdout.flush()
    else:
        results = process_files(files, options, jobs=max(1, args.jobs))
        if not args.check and not args.in_place:
            for result in results:
                sys.stdout.write(unified_diff(result))
    _write_report(args, results)
    if args.check:
        return 1 if any(_needs_attention(r) for r in results) else 0
    return 0


def _needs_attention(result: FileResult) -> bool:
    return result.changed or result.skipped or any(f.needs_attention for f in result.findings)


def _write_report(args: argparse.Namespace, results: list[FileResult]) -> None:
    if args.json:
        text = report_json(results)
    elif args.quiet:
        text = report_text(results, with_lines=False)
    else:
        text = report_text(results)
    if args.report:
        directory = os.path.dirname(os.path.abspath(args.report))
        os.makedirs(directory, exist_ok=True)
        with open(args.report, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stderr.write(text)


def build_parser(prog: str = "tvm-migrate codemod") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Rewrite Relay-era TVM scripts and notebooks for TVM 0.27.",
    )
    add_codemod_arguments(parser)
    return parser
