"""Paths and helpers shared by the parity tests: bundles made by a real legacy Relay, tampered copies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
BUNDLES = ROOT / "tests" / "data" / "bundles"  # tests/data/bundles/make_bundles.py, run with a real legacy Relay
GOLDEN = ROOT / "golden"
CONV = BUNDLES / "conv_block"  # conv2d, bias_add, relu, max_pool2d, batch_flatten, dense, softmax; intermediates
NESTED = BUNDLES / "nested_tuple_out"  # let chain, split, nested tuple output ((a, b), c); intermediates
TUPLE_NAMES = BUNDLES / "tuple_and_shared_names"  # tuple parameter t, two parameters named x


def copy_bundle(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def read_npz(path: Path) -> dict:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def write_npz(path: Path, arrays: dict) -> None:
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def relay_call_nodes(model_json: Path) -> dict:
    """{op name: [node index]} of the relay.Call nodes in a save_json document (read independently)."""
    nodes = json.loads(model_json.read_text())["nodes"]
    out: dict = {}
    for i, node in enumerate(nodes):
        if node["type_key"] == "relay.Call":
            op = nodes[int(node["attrs"]["op"])]
            out.setdefault(op.get("repr_str", op["type_key"]), []).append(i)
    return out
