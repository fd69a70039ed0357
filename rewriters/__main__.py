"""``python -m rewriters PATH...``: the codemod without the rest of tvm-migrate."""

import sys

from rewriters.cli import build_parser, run_codemod


def main(argv=None) -> int:
    return run_codemod(build_parser("python -m rewriters").parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
