"""CPU latency of converted models: Relay (opt_level=3) vs TVM 0.27's default pipeline vs `migrate.compile`.

    .venv/bin/python bench/cpu_latency.py                       # resnet50 mobilenet bert gpt
    .venv/bin/python bench/cpu_latency.py --models resnet50 --repeat 20 --profile 15
    .venv/bin/python bench/cpu_latency.py --mcpu                # also build for this machine's CPU

For each model a parity bundle (made by real Relay in the legacy environment, graph executor,
opt_level=3, target `llvm -mtriple=x86_64-linux-gnu`: generic x86-64, SSE2) is read from
bench/.cache/<model>/, and built there on demand: relay.testing workloads by
bench/relay_zoo_bundles.py, the transformers by nightly/transformers.py (ONNX) and
migrate/legacy/relay_export.py. Relay's latency is the median recorded in the bundle's meta.json
(its creation time is printed; `--rerecord` rebuilds the bundles to measure Relay under the current
machine load). The bundle's Relay program is converted with `migrate.from_relay` (weights bound as
constants) and built twice for target "llvm" (also generic x86-64 in TVM 0.27: no -mcpu):
`tvm.compile(mod, "llvm")` (0.27 default) and `migrate.compile(mod, "llvm")`. Latencies are the
min and median of `--repeat` runs of `time_evaluator`. Relay's figure is a median, so the ratios to
Relay use our median (the min is printed too: the machine is shared and medians are noisy). Both
outputs are checked against Relay's (rtol 1e-4, atol 1e-5).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.join(HERE, ".cache")
LEGACY_PYTHON = os.environ.get("TVM_MIGRATE_LEGACY_PYTHON", "/work/legacy/env/python")
ZOO = ("resnet50", "mobilenet")
TRANSFORMERS = ("bert", "gpt")
MODELS = ZOO + TRANSFORMERS
CONVOLUTIONAL = ZOO
RTOL, ATOL = 1e-4, 1e-5

sys.path.insert(0, ROOT)


class BenchError(Exception):
    """A bundle that cannot be built or read (printed without a traceback)."""


# ------------------------------------------------------------------------------------- bundles


def _run(cmd: list) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError("command failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd), proc.stderr[-2000:]))


def ensure_bundle(name: str, rebuild: bool = False) -> str:
    """Path of the parity bundle of `name` under bench/.cache/, built with the legacy Relay if missing."""
    out = os.path.join(CACHE, name)
    if os.path.exists(os.path.join(out, "meta.json")) and not rebuild:
        return out
    os.makedirs(CACHE, exist_ok=True)
    if not os.path.exists(LEGACY_PYTHON):
        raise BenchError(f"bundle {out} is missing and the legacy Relay interpreter {LEGACY_PYTHON} is not there "
                         "(set TVM_MIGRATE_LEGACY_PYTHON)")
    print(f"building the Relay bundle {out} (legacy Relay) ...", flush=True)
    if name in ZOO:
        _run([LEGACY_PYTHON, os.path.join(HERE, "relay_zoo_bundles.py"), name, "-o", out])
    elif name in TRANSFORMERS:
        from nightly.transformers import example_inputs, export_onnx, input_signature

        onnx_path = os.path.join(CACHE, name + ".onnx")
        inputs_path = os.path.join(CACHE, name + ".inputs.npz")
        export_onnx(name, onnx_path, seed=0)
        np.savez(inputs_path, **example_inputs(name, seed=0))
        shapes = ["--shape=%s=%s" % (n, ",".join(map(str, s))) for n, s, _ in input_signature(name)]
        _run([LEGACY_PYTHON, os.path.join(ROOT, "migrate", "legacy", "relay_export.py"), onnx_path,
              "--inputs", inputs_path, *shapes, "--repeat", "10", "-o", out])
    else:
        raise BenchError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    return out


def load_bundle(bundle: str):
    """(Relax module with bound weights, input arrays in main's order, expected outputs, meta)."""
    from migrate.loader import load_relay
    from migrate.params import load_npz, load_params
    from migrate.translate import from_relay

    with open(os.path.join(bundle, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    params = load_params(os.path.join(bundle, "model.params"))
    mod = from_relay(os.path.join(bundle, "model.json"), params)
    relay_main = load_relay(os.path.join(bundle, "model.json")).main
    inputs = load_npz(os.path.join(bundle, "inputs.npz"), {k: v["dtype"] for k, v in meta["inputs"].items()})
    keys = [p.name if p.name in inputs else f"{p.name}#{i}" for i, p in enumerate(relay_main.params)
            if p.name not in params]
    expected = load_npz(os.path.join(bundle, "outputs.npz"), {k: v["dtype"] for k, v in meta["outputs"].items()})
    return mod, [inputs[k] for k in keys], [expected[f"output_{i}"] for i in range(len(expected))], meta


# ------------------------------------------------------------------------------------- running


def _flatten(value) -> list:
    from migrate.parity.check import flatten_result

    return flatten_result(value)


def parity(got: list, expected: list) -> tuple:
    """(ok, worst |got - expected| / (atol + rtol |expected|)): ok when every element is within tolerance."""
    if len(got) != len(expected):
        return False, math.inf
    worst = 0.0
    for g, e in zip(got, expected):
        if g.shape != e.shape:
            return False, math.inf
        if e.dtype.kind in "biu":
            bad = float(np.count_nonzero(g != e))
            worst = max(worst, bad * math.inf if bad else 0.0)
            continue
        err = np.abs(g.astype("float64") - e.astype("float64")) / (ATOL + RTOL * np.abs(e.astype("float64")))
        worst = max(worst, float(np.nanmax(err)) if err.size else 0.0)
    return worst <= 1.0, worst


def measure(build, args: list, expected: list, repeat: int) -> dict:
    """Compile with `build()`, check parity, time `repeat` runs; returns compile_s, min_ms, median_ms, parity."""
    import tvm
    from tvm import relax

    t0 = time.perf_counter()
    ex = build()
    compile_s = time.perf_counter() - t0
    dev = tvm.cpu()
    vm = relax.VirtualMachine(ex, dev)
    tensors = [tvm.runtime.tensor(a) for a in args]
    ok, worst = parity(_flatten(vm["main"](*tensors)), expected)
    timer = vm.time_evaluator("main", dev, number=1, repeat=repeat, min_repeat_ms=0)
    results = sorted(timer(*tensors).results)
    return {"compile_s": compile_s, "min_ms": results[0] * 1e3, "median_ms": results[len(results) // 2] * 1e3,
            "parity_ok": ok, "parity_worst": worst}


def host_target():
    import tvm
    from tvm.target import codegen

    return tvm.target.Target({"kind": "llvm", "mcpu": codegen.llvm_get_system_cpu()})


def bench_model(name: str, repeat: int, with_default: bool, mcpu: bool, rebuild: bool) -> dict:
    import tvm

    from migrate.compile import compile as migrate_compile

    bundle = ensure_bundle(name, rebuild)
    mod, args, expected, meta = load_bundle(bundle)
    generic = tvm.target.Target("llvm")
    row = {"model": name, "relay_ms": meta["latency_ms"], "relay_target": meta["target"],
           "relay_recorded_utc": meta["created_utc"], "relay_repeat": meta["latency_repeat"]}
    if with_default:
        row["default"] = measure(lambda: tvm.compile(mod, target=generic), args, expected, repeat)
    row["ours"] = measure(lambda: migrate_compile(mod, generic), args, expected, repeat)
    if mcpu:
        host = host_target()
        row["mcpu"] = str(host.attrs["mcpu"])
        if with_default:
            row["default_mcpu"] = measure(lambda: tvm.compile(mod, target=host), args, expected, repeat)
        row["ours_mcpu"] = measure(lambda: migrate_compile(mod, host), args, expected, repeat)
    return row


# ------------------------------------------------------------------------------------- report


def _geomean(values: list) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan


def report(rows: list, load: str) -> str:
    lines = [f"machine load before the run: {load}",
             "latency ms (min of N; median in brackets; Relay: median), generic x86-64 (SSE2) on both sides",
             "%-10s %10s %20s %20s %9s %11s %12s %12s  %s" % (
                 "model", "relay", "0.27 default", "tvm-migrate", "ours/relay", "default/ours",
                 "compile def", "compile ours", "parity (worst err/tol)")]
    for r in rows:
        d, o = r.get("default"), r["ours"]
        lines.append("%-10s %10.1f %20s %20s %9.2fx %11s %12s %11.1fs  %s" % (
            r["model"], r["relay_ms"],
            "%.1f [%.1f]" % (d["min_ms"], d["median_ms"]) if d else "-",
            "%.1f [%.1f]" % (o["min_ms"], o["median_ms"]), o["median_ms"] / r["relay_ms"],
            "%.2fx" % (d["min_ms"] / o["min_ms"]) if d else "-",
            "%.1fs" % d["compile_s"] if d else "-", o["compile_s"],
            ("default %s %.2g, " % ("ok" if d["parity_ok"] else "FAIL", d["parity_worst"]) if d else "")
            + "ours %s %.2g" % ("ok" if o["parity_ok"] else "FAIL", o["parity_worst"])))
    ratios = [r["ours"]["median_ms"] / r["relay_ms"] for r in rows]
    mins = [r["ours"]["min_ms"] / r["relay_ms"] for r in rows]
    lines.append("geomean ours/relay: %.2fx (target <= 1.0x); worst: %.2fx (target <= 1.25x); "
                 "with our min: %.2fx, %.2fx" % (_geomean(ratios), max(ratios), _geomean(mins), max(mins)))
    conv = [r["default"]["min_ms"] / r["ours"]["min_ms"] for r in rows
            if r["model"] in CONVOLUTIONAL and "default" in r]
    if conv:
        lines.append("convolutional models, default/ours: %s (target >= 3x)" % ", ".join("%.1fx" % c for c in conv))
    for r in rows:
        lines.append("  %s: Relay latency recorded %s (median of %d, target %s)" % (
            r["model"], r["relay_recorded_utc"], r["relay_repeat"], r["relay_target"]))
    mc = [r for r in rows if "ours_mcpu" in r]
    if mc:
        lines.append("with -mcpu=%s (this machine; not comparable with Relay's generic figure):" % mc[0]["mcpu"])
        for r in mc:
            d = r.get("default_mcpu")
            lines.append("  %-10s 0.27 default %s ms, tvm-migrate %.1f ms (parity %s)" % (
                r["model"], "%.1f" % d["min_ms"] if d else "-", r["ours_mcpu"]["min_ms"],
                "ok" if r["ours_mcpu"]["parity_ok"] else "FAIL"))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=",".join(MODELS), help="comma-separated, from: " + ", ".join(MODELS))
    ap.add_argument("--repeat", type=int, default=10, help="timed runs per pipeline (min and median reported)")
    ap.add_argument("--skip-default", action="store_true", help="do not build with the 0.27 default pipeline")
    ap.add_argument("--mcpu", action="store_true", help="also build for this machine's CPU (-mcpu)")
    ap.add_argument("--rerecord", action="store_true", help="rebuild the bundles (re-measures Relay now)")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the N slowest kernels of ours")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        ap.error("unknown model(s) %s; choose from %s" % (", ".join(unknown), ", ".join(MODELS)))
    load = open("/proc/loadavg").read().strip() if os.path.exists("/proc/loadavg") else "unknown"
    rows = []
    try:
        for name in names:
            rows.append(bench_model(name, args.repeat, not args.skip_default, args.mcpu, args.rerecord))
            print("%s done: ours %.1f ms" % (name, rows[-1]["ours"]["min_ms"]), flush=True)
            if args.profile:
                print_profile(name, args.profile)
    except BenchError as exc:
        sys.stderr.write("cpu_latency: error: %s\n" % exc)
        return 2
    print(report(rows, load))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"load": load, "rows": rows}, f, indent=1)
    return 0 if all(r["ours"]["parity_ok"] for r in rows) else 1


def print_profile(name: str, top: int) -> None:
    import tvm
    from tvm.relax.backend.cpu_generic import pipeline as cpu_generic

    from kernel_profile import kernel_profile
    from schedules.pipeline import graph_passes, schedule_passes

    mod, _, _, _ = load_bundle(os.path.join(CACHE, name))
    target = tvm.target.Target("llvm")
    passes = cpu_generic.library_dispatch_passes(target) + graph_passes() + cpu_generic.legalize_passes(target) \
        + schedule_passes()
    rows = kernel_profile(mod, target, passes)
    total = sum(r[3] for r in rows)
    print("%s: kernels of tvm-migrate's build, timed alone (sum %.1f ms)" % (name, total))
    for kname, calls, per_call, ms in rows[:top]:
        print("  %-55s x%-3d %8.3f ms %8.2f ms %5.1f%%" % (kname[:55], calls, per_call, ms, 100 * ms / total))


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
