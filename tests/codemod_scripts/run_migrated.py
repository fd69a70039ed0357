"""Runs migrated scripts one after another in this interpreter (TVM is imported once).

    python run_migrated.py MODELS_DIR SCRIPT.py...

Each script runs as ``__main__`` with ``sys.argv = [script, <script>.npz, MODELS_DIR]``
(the interface of the legacy_*.py scripts). Prints one JSON line per script:
``{"script": ..., "ok": bool, "error": traceback or ""}``.
"""

import json
import os
import runpy
import sys
import traceback


def run(script: str, models: str) -> dict:
    out = os.path.splitext(script)[0] + ".npz"
    saved_argv = sys.argv
    sys.argv = [script, out, models]
    try:
        runpy.run_path(script, run_name="__main__")
        error = ""
    except SystemExit as exc:
        error = "" if exc.code in (None, 0) else f"SystemExit({exc.code!r})"
    except BaseException:  # noqa: B036 - report every failure of the script, then go on
        error = traceback.format_exc()
    finally:
        sys.argv = saved_argv
    return {"script": script, "ok": not error, "error": error[-3000:]}


def main(models: str, scripts: list[str]) -> int:
    for script in scripts:
        print(json.dumps(run(script, models)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
