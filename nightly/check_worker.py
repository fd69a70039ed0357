"""Check bundles in a separate process (so a crash in TVM costs one model, not the zoo run).

    python -m nightly.check_worker BUNDLE RESULT.json [--rtol R] [--atol A] [--repeat N] [--target T]
    python -m nightly.check_worker --serve    (one JSON request per line: see nightly/workers.py)

Writes (or replies with) `migrate.parity.check_bundle(...).to_dict()`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile


def check(request: dict) -> dict:
    """request: {"bundle", "rtol", "atol", "repeat", "target"} -> check_bundle's dict."""
    from migrate.parity import check_bundle

    result = check_bundle(request["bundle"], target=request.get("target", "llvm"), rtol=float(request["rtol"]),
                          atol=float(request["atol"]), repeat=int(request["repeat"]))
    return result.to_dict()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--serve"]:
        from .workers import serve

        return serve(check)
    ap = argparse.ArgumentParser(prog="python -m nightly.check_worker")
    ap.add_argument("bundle")
    ap.add_argument("result")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--atol", type=float, default=1e-5)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--target", default="llvm")
    args = ap.parse_args(argv)
    data = check({"bundle": args.bundle, "rtol": args.rtol, "atol": args.atol, "repeat": args.repeat,
                  "target": args.target})
    out_dir = os.path.dirname(os.path.abspath(args.result))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=out_dir)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1, default=str)
    os.replace(tmp, args.result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
