#!/usr/bin/env bash
# Set up tvm-migrate in ./.venv (apache-tvm 0.27, libcst, numpy, onnx, jinja2, pytest, hypothesis).
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
extras="test"
if ls /opt/wheels/torch-2.13.0+cpu-* >/dev/null 2>&1; then
  extras="test,torch"  # the CPU build on this machine's disk; elsewhere the PyTorch test skips
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]"
.venv/bin/tvm-migrate --version
