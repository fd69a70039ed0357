"""Runs the legacy_*.py scripts here with the real legacy Relay and stores their outputs as data.

    python tests/codemod_scripts/record_legacy_outputs.py [LEGACY_PYTHON [NAME...]]

LEGACY_PYTHON defaults to /work/legacy/env/python; NAMEs (e.g. legacy_tflite) limit the
run to those scripts. Writes expected/<script>.npz (committed). The behaviour test
compares the outputs of the codemodded scripts, run on TVM 0.27, against these files.
The legacy environment needs ``tflite`` (it has it) and, for the scripts marked
``requires: torch``, ``pip install torch==2.13.0`` (CPU build; its Relay 0.16
``from_pytorch`` works with it).
"""

import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(legacy_python: str, names: list[str]) -> int:
    failed = 0
    for script in sorted(glob.glob(os.path.join(HERE, "legacy_*.py"))):
        name = os.path.splitext(os.path.basename(script))[0]
        if names and name not in names:
            continue
        out = os.path.join(HERE, "expected", name + ".npz")
        proc = subprocess.run([legacy_python, script, out, os.path.join(HERE, "models")],
                              capture_output=True, text=True, cwd="/tmp")
        status = "ok" if proc.returncode == 0 else "FAILED"
        print(f"{name}: {status}")
        if proc.returncode:
            failed += 1
            print(proc.stderr[-3000:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/work/legacy/env/python", sys.argv[2:]))
