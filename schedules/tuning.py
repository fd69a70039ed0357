"""Opt-in tuning: measure the register tiles of every contraction kernel, keep the best on disk.

MetaSchedule cannot run in apache-tvm 0.27.0.post1 on this machine: creating a tuning context with
its llvm mutators (`MutateComputeLocation`, `MutateParallel`) and initializing a task in its task
scheduler both segfault in `tvm::ffi::ToJSONGraph`, and its `JSONDatabase` and process-pool
builder/runner serialize with `tvm.ir.save_json`, which segfaults on any object. So `tune=N`
searches the space the rules already define: for each conv2d / matmul / pooling kernel, up to N
register tiles (`schedules.tiling.tile_candidates`: the rule's own choice first) are built and timed
in this process (min of 3 runs on random data, weight repacking excluded as it is folded at compile
time), and the fastest is recorded in `<database>/tuning_records.json`:

    {"format": "tvm-migrate-tuning/1",
     "records": {"<structural hash of the kernel>": {"name": ..., "target": ..., "tile": [tc, tw],
                                                      "run_ms": ..., "default_ms": ...}}}

`with_records(rules, records)` makes the rules use the recorded tile of each kernel they schedule.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Optional

import numpy as np
import tvm
import tvm_ffi
from tvm import s_tir, tirx
from tvm.s_tir.dlight import ScheduleRule

from .target import cpu_info
from .tiling import Tile, static_extent, tile_candidates, tile_override

FORMAT = "tvm-migrate-tuning/1"
RECORDS_FILE = "tuning_records.json"


class TuningDatabaseError(Exception):
    """The record file exists but is not one tvm-migrate wrote (the message says which file and why)."""


def kernel_key(func: tirx.PrimFunc) -> str:
    """Key of a kernel in the record file: its structural hash, independent of its symbol name."""
    if func.attrs is not None and "global_symbol" in func.attrs:
        func = func.without_attr("global_symbol")
    return "%016x" % (tvm_ffi.structural_hash(func) & 0xFFFFFFFFFFFFFFFF)


def load_records(directory: str) -> dict:
    """{kernel key: record} from `directory`'s record file ({} when there is none yet)."""
    path = os.path.join(directory, RECORDS_FILE)
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as exc:
        raise TuningDatabaseError(f"{path}: cannot read tuning records ({exc}); delete it to start over") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("records"), dict):
        raise TuningDatabaseError(f"{path}: not a tvm-migrate tuning record file (format {FORMAT}); "
                                  "point database= at another directory or delete the file")
    return doc["records"]


def save_records(directory: str, records: dict) -> None:
    """Write the record file atomically (temporary file in the same directory, then rename)."""
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"format": FORMAT, "records": records}, f, indent=1, sort_keys=True)
        os.replace(tmp, os.path.join(directory, RECORDS_FILE))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class RecordedTile(ScheduleRule):
    """A rule that schedules with the tile recorded for the kernel (the wrapped rule's own choice otherwise)."""

    def __init__(self, rule: ScheduleRule, records: dict):
        self.rule = rule
        self.records = records
        self.name = getattr(rule, "name", type(rule).__name__)

    def apply(self, func, target, tunable):
        record = self.records.get(kernel_key(func)) if isinstance(func, tirx.PrimFunc) else None
        tile = None
        if record is not None:
            tc, tw, w_axis = record["tile"]
            tile = Tile(int(tc), int(tw), None if w_axis is None else int(w_axis))
        with tile_override(tile):
            return self.rule.apply(func, target, tunable)


def with_records(rules: list, records: dict) -> list:
    """`rules`, each using the recorded tile of the kernels `records` has."""
    return [RecordedTile(rule, records) for rule in rules] if records else list(rules)


def _contraction_extents(func: tirx.PrimFunc) -> Optional[list]:
    """Spatial extents of the kernel's single reduction block when it is `S+R+` with static shapes."""
    sch = s_tir.Schedule(func)
    blocks = [b for b in sch.get_child_blocks(sch.get_sblock("root"))
              if any(iv.iter_type != tirx.IterVar.DataPar for iv in sch.get(b).iter_vars)]
    if len(blocks) != 1:
        return None
    iters = sch.get(blocks[0]).iter_vars
    kinds = ["S" if iv.iter_type == tirx.IterVar.DataPar else "R" for iv in iters]
    if "S" not in kinds or kinds != sorted(kinds, key=lambda k: k == "R"):
        return None
    loops = sch.get_loops(blocks[0])
    extents = [static_extent(sch, lp) for lp in loops[: kinds.count("S")]]
    return None if any(e is None for e in extents) else extents


def _time_kernel(func: tirx.PrimFunc, target, rng) -> float:
    """Min of 3 runs (ms) of the kernel on random inputs, weight repacking left out."""
    from tvm.s_tir.transform import RemoveWeightLayoutRewriteBlock

    mod = tvm.IRModule({"main": func.with_attr("global_symbol", "main")})
    mod = RemoveWeightLayoutRewriteBlock(skip_tensor_rewrite=True)(mod)
    lib = tvm.compile(mod, target=target)
    args = [tvm.runtime.tensor(rng.uniform(-1, 1, [int(d) for d in buf.shape]).astype(str(buf.dtype)))
            for buf in mod["main"].params]
    timer = lib.mod.time_evaluator("main", tvm.cpu(), number=1, repeat=3)
    return min(timer(*args).results) * 1e3


def _schedule_with(rules: list, func, target) -> Optional[tirx.PrimFunc]:
    for rule in rules:
        sch = rule.apply(func, target, False)
        if sch is not None:
            return sch.mod["main"]
    return None


def tune_kernels(mod: tvm.IRModule, target: tvm.target.Target, trials: int, directory: str,
                 rules: list) -> int:
    """Measure up to `trials` tiles of each contraction kernel of `mod` (a fused module); record the best.

    Returns the number of kernels whose record is new or improved.
    """
    records = load_records(directory)
    cpu = cpu_info(target)
    rng = np.random.default_rng(0)
    changed = 0
    for gvar, func in mod.functions_items():
        if not isinstance(func, tirx.PrimFunc):
            continue
        extents = _contraction_extents(func)
        if not extents:
            continue
        key = kernel_key(func)
        timings = []
        for tile in tile_candidates(extents, cpu)[: max(trials, 1)]:
            with tile_override(tile):
                scheduled = _schedule_with(rules, func, target)
            if scheduled is None:
                break  # no rule takes this kernel
            timings.append((_time_kernel(scheduled, target, rng), tile))
        if not timings:
            continue
        best_ms, best = min(timings, key=lambda t: t[0])
        old = records.get(key)
        if old is not None and old["run_ms"] <= best_ms:
            continue
        records[key] = {"name": gvar.name_hint, "target": str(target), "tile": [best.tc, best.tw, best.w_axis],
                        "run_ms": best_ms, "default_ms": timings[0][0]}
        changed += 1
    save_records(directory, records)
    return changed
