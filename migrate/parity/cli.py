"""`tvm-migrate check` and `tvm-migrate export-script`: arguments and what they run.

Exit status of check: 0 when every bundle passes, 1 when any fails (a bundle that cannot be read,
converted, compiled or run counts as failed, with its message), 2 for a usage error (bad
--target/--rtol/--atol/--repeat, an --html file that cannot be written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..errors import MigrateError

EXPORT_SCRIPT = "relay_export.py"


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundles", nargs="+", metavar="BUNDLE", help="bundle directories written by relay_export.py")
    parser.add_argument("--target", default="llvm",
                        help='TVM target: "llvm" (default) or a JSON object, e.g. \'{"kind": "llvm", "mcpu": "skylake"}\'')
    parser.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance for floats (default 1e-4)")
    parser.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance for floats (default 1e-5)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed runs for the Relax latency (median; 0 skips timing; default 5)")
    parser.add_argument("--pipeline", choices=("tvm-migrate", "default"), default="tvm-migrate",
                        help="compile with tvm-migrate's CPU pipeline (migrate.compile, the default) or TVM 0.27's "
                        "own (tvm.compile)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of text")
    parser.add_argument("--html", metavar="FILE", help="also write an HTML report to FILE")


def run_check(args: argparse.Namespace) -> int:
    from .check import check_bundle, resolve_target
    from .report import Progress, render_html, render_text, summary_line, to_json, write_atomic

    if args.rtol < 0 or args.atol < 0:
        raise MigrateError(f"--rtol and --atol must be >= 0 (got {args.rtol:g}, {args.atol:g})")
    if args.repeat < 0:
        raise MigrateError(f"--repeat must be >= 0 (got {args.repeat})")
    resolve_target(args.target)  # a bad target is a usage error, reported once
    if args.html and not os.path.isdir(os.path.dirname(os.path.abspath(args.html))):
        raise MigrateError(f"--html {args.html}: directory {os.path.dirname(os.path.abspath(args.html))} does not exist")
    progress = Progress()
    checks = []

    def report(check) -> None:
        checks.append(check)
        if not args.json:
            if progress.tty:
                sys.stderr.write("\r\033[K")
            sys.stdout.write(render_text(check))
            sys.stdout.flush()

    total = len(args.bundles)
    for i, path in enumerate(args.bundles):
        progress(i, total, path)
        report(check_bundle(path, target=args.target, rtol=args.rtol, atol=args.atol, repeat=args.repeat,
                            pipeline=args.pipeline))
    progress(total, total, "")
    if args.json:
        json.dump(to_json(checks), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(summary_line(checks) + "\n")
    if args.html:
        try:
            write_atomic(args.html, render_html(checks))
        except OSError as err:
            raise MigrateError(f"--html {args.html}: cannot write ({err.strerror})") from None
        if not args.json:
            sys.stdout.write(f"report: {args.html}\n")
    return 0 if all(c.passed for c in checks) else 1


def add_export_script_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default=EXPORT_SCRIPT, metavar="PATH",
                        help=f"file to write, or a directory to write {EXPORT_SCRIPT} into (default: ./{EXPORT_SCRIPT})")


def export_script_text() -> bytes:
    """The bytes of migrate/legacy/relay_export.py as installed with the package."""
    from importlib import resources

    return resources.files("migrate.legacy").joinpath(EXPORT_SCRIPT).read_bytes()


def run_export_script(args: argparse.Namespace) -> int:
    import tempfile

    path = args.output
    if os.path.isdir(path):
        path = os.path.join(path, EXPORT_SCRIPT)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise MigrateError(f"-o {args.output}: directory {directory} does not exist")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(export_script_text())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as err:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise MigrateError(f"-o {args.output}: cannot write ({err.strerror})") from None
    print(f"wrote {path}: copy it to the legacy TVM environment (TVM 0.14-0.19, needs only tvm and numpy) "
          f"and run, for example:\n  python {EXPORT_SCRIPT} model.json --params model.params --intermediates -o bundle/\n"
          f"then check the bundle here with: tvm-migrate check bundle/")
    return 0
