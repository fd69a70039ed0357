"""`check_bundle`: convert a bundle's Relay program, compile it, run it on the recorded inputs, and
compare every output with what real Relay computed (plus latency, and where it first diverges)."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from ..errors import MigrateError
from .bundle import Bundle, load_bundle
from .compare import OutputComparison, compare


@dataclass
class Divergence:
    """The first Relay node (topological order) whose Relax value differs from Relay's recorded one."""

    node: Optional[int]  # index in model.json's "nodes"; None when no node could be named
    op: Optional[str]
    attrs: dict
    input_shapes: list
    max_abs: Optional[float]
    max_rel: Optional[float]
    message: str
    key: Optional[str] = None  # the intermediates.npz key that differs (``k`` or ``k.0``)

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        for k in ("max_abs", "max_rel"):
            if out[k] is not None and not np.isfinite(out[k]):
                out[k] = str(out[k])
        return out


@dataclass
class BundleCheck:
    """The verdict on one bundle. `error` is set (and `passed` False) when it could not be read,
    converted, compiled or run."""

    name: str
    path: str
    passed: bool = False
    error: Optional[str] = None
    outputs: list = field(default_factory=list)  # [OutputComparison]
    relay_latency_ms: Optional[float] = None
    relax_latency_ms: Optional[float] = None
    convert_s: Optional[float] = None
    compile_s: Optional[float] = None
    ops: dict = field(default_factory=dict)
    divergence: Optional[Divergence] = None
    target: str = "llvm"
    rtol: float = 1e-4
    atol: float = 1e-5
    pipeline: str = "tvm-migrate"  # or "default" (tvm.compile), or the name of a caller's compile function

    @property
    def latency_ratio(self) -> Optional[float]:
        if self.relay_latency_ms and self.relax_latency_ms is not None:
            return self.relax_latency_ms / self.relay_latency_ms
        return None

    def to_dict(self) -> dict:
        return {
            "name": self.name, "path": self.path, "passed": self.passed, "error": self.error,
            "outputs": [o.to_dict() for o in self.outputs],
            "relay_latency_ms": self.relay_latency_ms, "relax_latency_ms": self.relax_latency_ms,
            "latency_ratio": self.latency_ratio, "convert_s": self.convert_s, "compile_s": self.compile_s,
            "ops": dict(self.ops), "divergence": self.divergence.to_dict() if self.divergence else None,
            "target": self.target, "rtol": self.rtol, "atol": self.atol, "pipeline": self.pipeline,
        }


def resolve_target(target):
    """A `tvm.target.Target` from "llvm", a JSON object text, a dict, or a Target (MigrateError if bad)."""
    import tvm

    if isinstance(target, tvm.target.Target):
        return target
    spec = target
    if isinstance(target, str) and target.strip().startswith("{"):
        try:
            spec = json.loads(target)
        except json.JSONDecodeError as err:
            raise MigrateError(f"--target {target!r}: not valid JSON ({err.msg})") from None
    try:
        return tvm.target.Target(spec)
    except Exception as err:  # noqa: BLE001  (TVM raises ValueError/TVMError with C++ frames)
        hint = ""
        if isinstance(spec, str) and " -" in spec and "JSON" not in str(err):
            hint = ("; TVM 0.27 takes target options as JSON, e.g. "
                    "--target '{\"kind\": \"llvm\", \"mtriple\": \"x86_64-linux-gnu\"}'")
        raise MigrateError(f"--target {target!r}: not a valid TVM target ({first_line(err)}){hint}") from None


_FRAME = re.compile(r"^(\d+: |File \"|Traceback|at |-+$|\[bt\]|\[\d+:\d+:\d+\])")


def first_line(exc: BaseException) -> str:
    """An exception's message in one line, without TVM's C++ backtrace frames."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip() and not _FRAME.match(ln.strip())]
    for ln in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception): ", ln):
            return ln[:500]
    return f"{type(exc).__name__}: {lines[0][:500]}" if lines else type(exc).__name__


def default_compile(mod, target):
    """TVM 0.27's default Relax pipeline: ``tvm.compile(mod, target)``."""
    import tvm

    return tvm.compile(mod, target=target)


def migrate_compile(mod, target):
    """tvm-migrate's CPU pipeline (`migrate.compile`): layouts and rule-based schedules."""
    from ..compile import compile as cpu_compile

    return cpu_compile(mod, target)


PIPELINES = {"tvm-migrate": migrate_compile, "default": default_compile}


def arguments(bundle: Bundle) -> list:
    """main's arguments as TVM values: tensors, tuples of tensors for tuple parameters."""
    import tvm

    def build(keys):
        if isinstance(keys, tuple):
            return tuple(build(k) for k in keys)
        return tvm.runtime.tensor(np.asarray(bundle.inputs[keys], order="C"))  # 0-d stays 0-d

    return [build(k) for k in bundle.arg_keys]


def flatten_result(value) -> list:
    """A VM result (tensor or nested tuples) as numpy arrays, depth-first (outputs.npz order)."""
    import tvm

    flat, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, tvm.runtime.Tensor):
            flat.append(item.numpy())
        else:
            stack.extend(reversed(list(item)))
    return flat


def run_relax(mod, bundle: Bundle, target, compile: Optional[Callable], repeat: int = 0):
    """Compile and run `mod` on the bundle's inputs -> (result, compile seconds, median latency ms or None)."""
    import tvm
    from tvm import relax

    t0 = time.perf_counter()
    executable = (compile or default_compile)(mod, target)
    compile_s = time.perf_counter() - t0
    dev = tvm.cpu()
    vm = relax.VirtualMachine(executable, dev)
    args = arguments(bundle)
    result = vm["main"](*args)
    latency = None
    if repeat > 0:  # measured as relay_export.py measures Relay: wall clock of one call from Python, median
        main = vm["main"]
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            main(*args)
            times.append((time.perf_counter() - t0) * 1000.0)
        latency = float(np.median(times))
    return result, compile_s, latency


def check_bundle(path, *, target="llvm", rtol=1e-4, atol=1e-5, repeat=5, compile=None,
                 pipeline="tvm-migrate") -> BundleCheck:
    """Convert, compile and run the bundle at `path`; compare every output with Relay's.

    `pipeline` names the compiler: "tvm-migrate" (`migrate.compile`, the CPU schedules of `schedules/`)
    or "default" (``tvm.compile``, TVM 0.27's own pipeline); `compile(mod, target)`, when given, is used
    instead and returns something `relax.VirtualMachine` runs.
    Never raises for a bad bundle or a failing conversion/compile/run: the result says what failed.
    """
    if compile is None:
        if pipeline not in PIPELINES:
            raise MigrateError(f"unknown pipeline {pipeline!r}: use one of {', '.join(PIPELINES)}")
        compile = PIPELINES[pipeline]
    else:
        pipeline = getattr(compile, "__name__", "custom")
    from ..relay_ir import op_histogram
    from ..translate import from_relay

    path = os.fspath(path)
    result = BundleCheck(name=os.path.basename(os.path.normpath(path)), path=path, target=str(target),
                         rtol=rtol, atol=atol, pipeline=pipeline)
    try:
        bundle = load_bundle(path)
    except MigrateError as err:
        result.error = str(err)
        return result
    except Exception as err:  # noqa: BLE001  (a reader bug: report it, keep checking other bundles)
        result.error = f"{path}: cannot read the bundle (a tvm-migrate bug, please report it): {first_line(err)}"
        return result
    result.relay_latency_ms = bundle.relay_latency_ms
    result.ops = op_histogram(bundle.relay)
    t0 = time.perf_counter()
    try:
        mod = from_relay(bundle.relay, bundle.params)
    except MigrateError as err:
        result.error = f"conversion failed: {err}"
        return result
    except Exception as err:  # noqa: BLE001  (a translator bug: report it, keep checking other bundles)
        result.error = f"conversion failed (a tvm-migrate bug, please report it): {first_line(err)}"
        return result
    result.convert_s = time.perf_counter() - t0
    try:
        tvm_target = resolve_target(target)
        value, result.compile_s, result.relax_latency_ms = run_relax(mod, bundle, tvm_target, compile, repeat)
        got = flatten_result(value)
    except MigrateError as err:
        result.error = str(err)
        return result
    except Exception as err:  # noqa: BLE001  (TVM compile/run failures)
        result.error = f"compile/run failed: {first_line(err)}"
        return result
    if len(got) != len(bundle.outputs):
        result.error = (f"Relax returned {len(got)} outputs, Relay recorded {len(bundle.outputs)} "
                        f"({os.path.join(path, 'outputs.npz')})")
        return result
    result.outputs = [compare(key, g, want, rtol, atol) for g, (key, want) in zip(got, bundle.outputs)]
    result.passed = all(o.passed for o in result.outputs)
    if not result.passed:
        from .localize import localize

        try:
            result.divergence = localize(bundle, target=tvm_target, rtol=rtol, atol=atol, compile=compile)
        except Exception as err:  # noqa: BLE001  (never lose the verdict to a localization bug)
            result.divergence = Divergence(None, None, {}, [], None, None,
                                           f"cannot localize (a tvm-migrate bug, please report it): {first_line(err)}")
    return result


def check_bundles(paths, *, progress=None, **kwargs) -> list:
    """check_bundle for each path; `progress(i, n, name)` is called before each one."""
    out = []
    for i, p in enumerate(paths):
        if progress:
            progress(i, len(paths), os.path.basename(os.path.normpath(os.fspath(p))))
        out.append(check_bundle(p, **kwargs))
    if progress:
        progress(len(paths), len(paths), "")
    return out


__all__ = ["BundleCheck", "Divergence", "OutputComparison", "check_bundle", "check_bundles", "resolve_target"]
