#!/usr/bin/env bash
# Set up tvm-migrate in ./.venv (apache-tvm 0.27, libcst, numpy, onnx, jinja2, pytest, hypothesis).
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
.venv/bin/tvm-migrate --version
