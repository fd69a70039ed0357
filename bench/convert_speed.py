"""Conversion speed: Relay → Relax IRModule with `from_relay`, next to TVM's own ONNX importer.

    .venv/bin/python bench/convert_speed.py [--sizes 10000,30000,100000] [--repeat 3]

In one run:
- ResNet-50 as ONNX (onnx's ``light_resnet50.onnx`` with seeded random weights, built here at run
  time: tools/make_bench_data.py) imported by ``tvm.relax.frontend.onnx.from_onnx``;
- the same ResNet-50 as real Relay made from that ONNX model (bench/data/resnet50_onnx.relay and .json,
  made by tools/make_bench_data.py with the legacy Relay) converted by ``from_relay`` from its text and
  from its JSON, with the same weights (taken from the ONNX initializers) bound as constants, as the
  ONNX importer binds them;
- synthetic chains of 10k/30k/100k Relay ops (bench/synthetic.py), text and JSON.
Both sides start from data in memory (the Relay text/JSON string; the parsed ONNX ModelProto), so
``from_relay``'s time includes parsing while the ONNX side excludes protobuf decoding.
Prints seconds (best of --repeat; wall time, and the process's CPU time, which other work on a busy
machine disturbs less), ratio ours / ONNX import, Relay ops/s, and µs per op across sizes (flat = linear;
the ratio is given for both clocks). Target (issue 3): faster than the ONNX import, linear in graph size.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))

from synthetic import chain_json, chain_text  # noqa: E402

DATA = os.path.join(HERE, "data")
ONNX_INPUT = {"gpu_0/data_0": (1, 3, 224, 224)}


GC_OFF = False  # --gc-off: time with Python's cyclic GC paused (as timeit does)


def best_times(fn, repeat: int) -> tuple:
    """(best wall seconds, best CPU seconds) over `repeat` runs of `fn`."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        gc.collect()
        if GC_OFF:
            gc.disable()
        try:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = fn()
            wall = min(wall, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        finally:
            gc.enable()
        del result
    return wall, cpu


def check_same_model(onnx_mod, relay_mod) -> None:
    """Both imports of ResNet-50 compute the same thing: compile each, run one random input."""
    import numpy as np
    import tvm
    from tvm import relax

    x = np.random.default_rng(0).standard_normal(ONNX_INPUT["gpu_0/data_0"]).astype("float32")
    outs = []
    for mod in (onnx_mod, relay_mod):
        vm = relax.VirtualMachine(tvm.compile(mod, target="llvm"), tvm.cpu())
        outs.append(vm["main"](tvm.runtime.tensor(x)).numpy())
    err = float(np.abs(outs[0] - outs[1]).max())
    print(f"check: ONNX import and from_relay outputs {outs[0].shape}, max abs difference {err:.2e}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic-repeat", type=int, default=1, help="repeats for the synthetic chains")
    parser.add_argument("--check", action="store_true",
                        help="also compile both ResNet-50 modules (llvm) and compare their outputs on one input")
    parser.add_argument("--gc-off", action="store_true", help="pause Python's cyclic GC while timing")
    args = parser.parse_args()
    global GC_OFF
    GC_OFF = args.gc_off

    from make_bench_data import resnet50_onnx_model
    from onnx import numpy_helper
    from tvm.relax.frontend.onnx import from_onnx

    from migrate.loader import load_relay
    from migrate.relay_ir import op_histogram
    from migrate.translate import from_relay

    model = resnet50_onnx_model()
    weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    texts = {}
    for fmt in ("relay", "json"):
        with open(os.path.join(DATA, f"resnet50_onnx.{fmt}"), encoding="utf-8") as f:
            texts[fmt] = f.read()
    relay_mod = load_relay(texts["relay"])
    params = {p.name: weights[p.name] for p in relay_mod.main.params if p.name in weights}
    n_relay_ops = sum(op_histogram(relay_mod).values())
    n_onnx_nodes = len(model.graph.node)

    onnx_s, onnx_cpu = best_times(lambda: from_onnx(model, shape_dict=ONNX_INPUT), args.repeat)
    rows = [("ResNet-50 ONNX → Relax (relax.frontend.onnx.from_onnx)", onnx_s, onnx_cpu, n_onnx_nodes, None)]
    for fmt, label in (("relay", "text"), ("json", "JSON")):
        seconds, cpu = best_times(lambda: from_relay(texts[fmt], params), args.repeat)
        rows.append((f"ResNet-50 Relay {label} → Relax (from_relay)", seconds, cpu, n_relay_ops, seconds / onnx_s))

    print(f"ResNet-50: {n_relay_ops} Relay op calls, {n_onnx_nodes} ONNX nodes, {len(params)} weights "
          f"({sum(a.nbytes for a in params.values()) / 1e6:.0f} MB); best of {args.repeat}; load {_load()}")
    print(f"{'input':58} {'seconds':>8} {'cpu s':>7} {'ops/s':>9} {'ours/ONNX':>9}")
    for label, seconds, cpu, n, ratio in rows:
        print(f"{label:58} {seconds:8.3f} {cpu:7.3f} {n / seconds:9.0f} {'' if ratio is None else f'{ratio:9.2f}'}")

    if args.check:
        check_same_model(from_onnx(model, shape_dict=ONNX_INPUT), from_relay(texts["relay"], params))

    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"\nSynthetic chains (bench/synthetic.py); best of {args.synthetic_repeat}; load {_load()}")
    print(f"{'ops':>8} {'format':>6} {'seconds':>8} {'cpu s':>7} {'ops/s':>9} {'µs/op':>7} {'cpu µs/op':>9}")
    per_op: dict = {"text": [], "JSON": []}
    for n in sizes:
        for label, make in (("text", chain_text), ("JSON", chain_json)):
            source = make(n)
            seconds, cpu = best_times(lambda: from_relay(source), args.synthetic_repeat)
            per_op[label].append((seconds / n * 1e6, cpu / n * 1e6))
            print(f"{n:8d} {label:>6} {seconds:8.3f} {cpu:7.3f} {n / seconds:9.0f} {seconds / n * 1e6:7.1f} "
                  f"{cpu / n * 1e6:9.1f}")
            del source
    for label, values in per_op.items():
        if len(values) > 1:
            (wall0, cpu0), (wall1, cpu1) = values[0], values[-1]
            print(f"linearity ({label}): µs/op at {sizes[-1]} ops / at {sizes[0]} ops = {wall1 / wall0:.2f} wall, "
                  f"{cpu1 / cpu0:.2f} CPU (1.00 = linear)")
    print(f"load at the end: {_load()}")
    return 0


def _load() -> str:
    """The 1-minute load average (figures taken on a busy machine are not comparable)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
