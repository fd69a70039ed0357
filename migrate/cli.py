"""`tvm-migrate`: the command line."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Optional, Sequence

from . import __version__
from .errors import MigrateError, RelayParseError


def _cmd_inspect(args: argparse.Namespace) -> int:
    from .inspect import render_text, summarize
    from .loader import load_relay
    from .params import load_params

    mod = load_relay(args.model)
    params = load_params(args.params) if args.params else None
    summary = summarize(mod, params)
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(summary))
    return 0


def _cmd_ops(args: argparse.Namespace) -> int:
    from op_mappings.table import main as table_main

    argv = []
    if args.status:
        argv += ["--status", args.status]
    if args.json:
        argv.append("--json")
    if args.markdown:
        argv.append("--markdown")
    return table_main(argv)


def _cmd_convert(args: argparse.Namespace) -> int:
    from .convert import convert, write_converted

    conv = convert(args.model, args.params, name=args.name, entry=args.entry)
    if not args.compile and (args.tune or args.tuning_db or args.target != "llvm"):
        raise MigrateError("--target, --tune and --tuning-db choose how --compile builds: add --compile")
    executable = None
    if args.compile:
        from .convert import compile_converted
        from .parity.check import resolve_target

        executable = compile_converted(conv, resolve_target(args.target), tune=args.tune, database=args.tuning_db)
    paths = write_converted(conv, args.output, executable)
    report = conv.report
    if args.json:
        json.dump({"files": paths, "report": report}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    counts = ", ".join(f"{s}: {n}" for s, n in sorted(report["status_counts"].items()))
    print(f"converted {report['source']['path']} -> {paths[0]}")
    print(f"  {report['op_calls']} op calls, {len(report['ops'])} distinct ops ({counts}); "
          f"{report['params']['count']} weights; {report['timings']['total_s']:.2f} s")
    for warning in report["warnings"]:
        print(f"  warning: {warning}")
    print(f"  weights: {paths[1]}; names: {paths[2]}; report: {paths[4]}")
    if executable is not None:
        print(f"  compiled (migrate.compile, weights inside): {paths[5]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tvm-migrate",
        description="Migrate Apache TVM Relay models and scripts to TVM 0.27 (Relax).",
    )
    parser.add_argument("--version", action="version", version=f"tvm-migrate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    inspect = sub.add_parser(
        "inspect",
        help="show a saved Relay module's signature, op histogram and params summary",
        description="Read a saved Relay module (mod.astext() text or tvm.ir.save_json JSON) and show "
        "its functions' signatures, the ops it calls, and a summary of its params.",
    )
    inspect.add_argument("model", help="Relay text (.relay/.txt) or JSON (.json) file")
    inspect.add_argument("--params", help="weights: a relay.save_param_dict .params file or an .npz archive")
    inspect.add_argument("--json", action="store_true", help="print machine-readable JSON")
    inspect.set_defaults(run=_cmd_inspect)

    ops = sub.add_parser(
        "ops",
        help="print the op-alignment table: every Relay op, its Relax target and status",
        description="Print the op-alignment table: each upstream v0.19 Relay op, the Relax it becomes, how "
        "its attributes map, its status (exact, composite, topi, unsupported, internal) and any semantic "
        "difference.",
    )
    ops.add_argument("--status", choices=("exact", "composite", "topi", "unsupported", "internal"))
    fmt = ops.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print machine-readable JSON")
    fmt.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ops.set_defaults(run=_cmd_ops)

    convert = sub.add_parser(
        "convert",
        help="convert a saved Relay model to TVMScript (Relax), its weights, and a conversion report",
        description="Convert a saved Relay model to a TVM 0.27 Relax module. Writes OUTDIR/NAME.py (TVMScript; "
        "weights are trailing parameters of the entry function), NAME.params.npz (the weights), NAME.names.json "
        "(Relay name -> TVMScript name of every parameter), NAME.report.json and NAME.report.html. Nothing is "
        "written when the conversion fails. Load the result with migrate.load_converted(OUTDIR).",
    )
    convert.add_argument("model", help="Relay text (.relay/.txt) or JSON (.json) file")
    convert.add_argument("--params", help="weights: a relay.save_param_dict .params file or an .npz archive")
    convert.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output directory")
    convert.add_argument("--name", help="base name of the output files (default: the model file's stem, or "
                         "its directory's name for model.*)")
    convert.add_argument("--entry", default="main", help="entry function (default: main)")
    convert.add_argument("--compile", action="store_true",
                         help="also build NAME.so with migrate.compile (tvm-migrate's CPU pipeline; weights bound)")
    convert.add_argument("--target", default="llvm",
                         help='with --compile: "llvm" (generic x86-64) or a JSON object, e.g. '
                         '\'{"kind": "llvm", "mcpu": "znver4"}\'')
    convert.add_argument("--tune", type=int, default=0, metavar="N",
                         help="with --compile: measure up to N candidate tiles per conv/matmul/pooling kernel")
    convert.add_argument("--tuning-db", metavar="DIR", help="with --compile: tuning records to use (and, with "
                         "--tune, to write); default ./tvm-migrate-tuning when tuning")
    convert.add_argument("--json", action="store_true", help="print the written files and the report as JSON")
    convert.set_defaults(run=_cmd_convert)

    from .parity.cli import add_check_arguments, add_export_script_arguments, run_check, run_export_script

    check = sub.add_parser(
        "check",
        help="check converted models against outputs recorded by real Relay (parity bundles)",
        description="For each bundle written by relay_export.py (tvm-migrate export-script): convert its Relay "
        "program, compile it, run it on the recorded inputs, compare every output with Relay's (dtype, shape, "
        "max abs/rel error, fraction of mismatched elements) and time it beside Relay. When outputs differ and "
        "the bundle has intermediates.npz, name the first diverging Relay node. Exit 0 if every bundle "
        "passes, 1 if any fails (unreadable bundles included), 2 for a usage error.",
    )
    add_check_arguments(check)
    check.set_defaults(run=run_check)

    export_script = sub.add_parser(
        "export-script",
        help="write relay_export.py, the bundle exporter to run in a legacy (Relay) TVM environment",
        description="Write relay_export.py: a self-contained script (legacy tvm + numpy only) that runs a Relay "
        "model in the old environment and records a parity bundle for `tvm-migrate check`.",
    )
    add_export_script_arguments(export_script)
    export_script.set_defaults(run=run_export_script)

    try:
        from nightly.run import add_zoo_arguments, run_zoo_command
    except ImportError:  # nightly/ ships with the source tree only
        pass
    else:
        zoo = sub.add_parser(
            "zoo",
            help="run the nightly model zoo against real Relay (nightly/zoo.toml; needs a source checkout and "
            "a legacy Relay environment)",
        )
        add_zoo_arguments(zoo)
        zoo.set_defaults(run=run_zoo_command)

    try:
        from rewriters.cli import add_codemod_arguments, run_codemod
    except ImportError:  # the codemod lands separately; the rest of the CLI works without it
        pass
    else:
        codemod = sub.add_parser(
            "codemod",
            help="rewrite Relay-era Python scripts to the TVM 0.27 APIs",
            description="Rewrite Relay-era Python scripts and notebooks to the TVM 0.27 APIs, and report "
            "at file:line what could not be rewritten and why.",
        )
        add_codemod_arguments(codemod)
        codemod.set_defaults(run=run_codemod)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except RelayParseError as err:  # already "file:line:col: error: ..." with the line and a caret
        print(err, file=sys.stderr)
        return 2
    except MigrateError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
