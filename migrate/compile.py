"""`migrate.compile`: build a converted Relax module for the CPU with tvm-migrate's schedules.

`tvm.compile(mod, "llvm")` in TVM 0.27 legalizes every op to a TOPI compute and schedules nothing
on CPU (no fusion, no parallel loops, no vectors). `compile` keeps the structure of 0.27's CPU
pipeline (`relax.backend.cpu_generic`) and adds what Relay's x86 path had: BatchNorm folding,
channels-last convolutions with packed weights, and rule-based schedules (`schedules/`). With
`tune=N` it first measures up to N register tiles of every convolution / matmul / pooling kernel
and keeps the fastest in an on-disk database that later builds reuse (`schedules.tuning` says why
this is not MetaSchedule: it segfaults in TVM 0.27.0.post1).
"""

from __future__ import annotations

import os
from typing import Optional, Union

from .errors import MigrateError


def _target(target):
    import tvm

    if isinstance(target, tvm.target.Target):
        return target
    if isinstance(target, dict):
        try:
            return tvm.target.Target(target)
        except (ValueError, TypeError, RuntimeError) as exc:
            lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
            raise MigrateError(f"target {target!r} is not a valid TVM target: {lines[-1] if lines else exc}") from exc
    if isinstance(target, str):
        if target.split()[0] != "llvm":
            raise MigrateError(f"migrate.compile builds for CPU only: target {target!r} is not an llvm target; "
                               "use tvm.compile for other targets")
        if " " in target.strip():
            raise MigrateError(f"target {target!r}: TVM 0.27 no longer parses flags in target strings; pass "
                               "a dict such as {'kind': 'llvm', 'mcpu': 'znver4'} or a tvm.target.Target")
        return tvm.target.Target(target)
    raise MigrateError(f"target must be 'llvm', a dict or a tvm.target.Target, not {type(target).__name__}")


def prepare(mod, target, layout: Optional[str] = "NHWC"):
    """The module as the schedule rules see it: graph rewrites, legalized, fused, weights marked layout-free."""
    import tvm
    from tvm import relax
    from tvm.relax.backend.cpu_generic import pipeline as cpu_generic

    from schedules.pipeline import graph_passes

    with target:
        passes = (cpu_generic.library_dispatch_passes(target) + graph_passes(layout)
                  + cpu_generic.legalize_passes(target) + [relax.transform.AttachAttrLayoutFreeBuffers()])
        return tvm.transform.Sequential(passes)(mod)


def compile(  # pylint: disable=redefined-builtin
    mod,
    target: Union[str, dict, object] = "llvm",
    *,
    tune: int = 0,
    database: Optional[Union[str, os.PathLike]] = None,
    layout: Optional[str] = "NHWC",
    rules: Optional[list] = None,
):
    """Compile a Relax IRModule for the CPU; returns a `relax.VMExecutable` (run it with `relax.VirtualMachine`).

    mod: the module (e.g. from `migrate.from_relay` or `migrate.load_converted`), weights bound as
    constants for the best speed (weights passed as parameters work, but are then repacked at
    every call). target: "llvm" (generic x86-64, as Relay's `llvm -mtriple=...`), a target dict or a
    `tvm.target.Target` (e.g. with "mcpu" for this machine's vector units). tune: candidate tiles
    measured per conv/matmul/pooling kernel (tvm-migrate's own search, `schedules.tuning`); 0 builds
    with the rules' own choices. database: directory of tuning records; with tune > 0 the search writes there (default `./tvm-migrate-tuning`), with
    tune == 0 the records found there are used. layout: "NHWC" converts 2-D
    convolutions to channels-last (the fast path), None keeps the model's layouts. rules: schedule
    rules to use instead of `schedules.rules.default_rules()`.
    """
    import tvm

    from schedules.pipeline import cpu_pipeline

    if not isinstance(mod, tvm.IRModule):
        raise MigrateError(f"migrate.compile takes a tvm.IRModule, not {type(mod).__name__}")
    if not isinstance(tune, int) or isinstance(tune, bool) or tune < 0:
        raise MigrateError(f"tune must be a number of trials per kernel (an int >= 0), not {tune!r}")
    if layout not in ("NHWC", None):
        raise MigrateError(f"layout {layout!r} is not supported: use 'NHWC' or None (keep the model's layouts)")
    target = _target(target)
    if target.kind.name != "llvm":
        raise MigrateError(f"migrate.compile builds for CPU only: target kind {target.kind.name!r} is not llvm")
    from schedules.rules import default_rules

    rules = list(rules) if rules is not None else default_rules()
    if tune or database is not None:
        from schedules.tuning import TuningDatabaseError, load_records, tune_kernels, with_records

        work_dir = os.fspath(database) if database is not None else "tvm-migrate-tuning"
        if not tune and not os.path.isdir(work_dir):
            raise MigrateError(f"tuning database {work_dir} does not exist; run once with tune=N to create it")
        try:
            load_records(work_dir)  # a foreign or damaged file is reported before any work is done
            if tune:
                tune_kernels(prepare(mod, target, layout), target, tune, work_dir, rules)
            rules = with_records(rules, load_records(work_dir))
        except TuningDatabaseError as exc:
            raise MigrateError(str(exc)) from exc
    pipeline = cpu_pipeline(target, layout=layout, rules=rules)
    return tvm.compile(mod, target=target, relax_pipeline=pipeline)
