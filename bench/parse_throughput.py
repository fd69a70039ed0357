"""Reader throughput: Relay text and save_json JSON, on a real ResNet-50 and synthetic chains.

    .venv/bin/python bench/parse_throughput.py [--sizes 10000,30000,100000] [--repeat 3]

Prints MB/s and Relay ops/s per input, the time per op across sizes (flat = linear scaling),
and, as the peer in the same run, Python's own ``json.loads`` on the same JSON text: the floor
that any JSON-based reader pays before it builds a single node.
Target (issue 2): at least 20k ops/s for text and JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from synthetic import chain_json, chain_text  # noqa: E402

from migrate.json_reader import read_relay_json  # noqa: E402
from migrate.relay_ir import op_histogram  # noqa: E402
from migrate.text_parser import parse_relay_text  # noqa: E402


def best_time(fn, repeat: int, clock=time.perf_counter) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


def measure(label: str, text: str, reader, repeat: int, peer=None) -> dict:
    mod = reader(text)
    n_ops = sum(op_histogram(mod).values())
    # CPU time of this process: on a shared 2-core machine, wall time mostly measures the neighbours.
    seconds = best_time(lambda: reader(text), repeat, time.process_time)
    wall = best_time(lambda: reader(text), max(1, repeat // 3))
    row = {
        "input": label,
        "MB": len(text.encode()) / 1e6,
        "ops": n_ops,
        "seconds": seconds,
        "wall": wall,
        "ops_per_s": n_ops / seconds,
        "MB_per_s": len(text.encode()) / 1e6 / seconds,
    }
    if peer is not None:
        row["peer_seconds"] = best_time(lambda: peer(text), repeat, time.process_time)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.setrecursionlimit(1000)  # readers must not recurse per node; keep Python's default honest

    rows = []
    data = os.path.join(HERE, "data")
    with open(os.path.join(data, "resnet50.relay"), encoding="utf-8") as handle:
        rows.append(measure("resnet50 text", handle.read(), parse_relay_text, args.repeat * 10))
    with open(os.path.join(data, "resnet50.json"), encoding="utf-8") as handle:
        rows.append(measure("resnet50 json", handle.read(), read_relay_json, args.repeat * 10, json.loads))
    for n in (int(s) for s in args.sizes.split(",")):
        repeat = args.repeat if n <= 30000 else 2
        rows.append(measure(f"chain {n} text", chain_text(n), parse_relay_text, repeat))
        rows.append(measure(f"chain {n} json", chain_json(n), read_relay_json, repeat, json.loads))

    print("seconds = best CPU time of this process; wall = best wall-clock time")
    print(f"{'input':<20} {'MB':>7} {'ops':>8} {'seconds':>8} {'wall':>8} {'ops/s':>9} {'MB/s':>6} {'us/op':>6}  json.loads share")
    for r in rows:
        share = f"{r['peer_seconds'] / r['seconds']:.0%}" if "peer_seconds" in r else ""
        print(
            f"{r['input']:<20} {r['MB']:>7.2f} {r['ops']:>8} {r['seconds']:>8.3f} {r['wall']:>8.3f} {r['ops_per_s']:>9.0f} "
            f"{r['MB_per_s']:>6.2f} {1e6 * r['seconds'] / r['ops']:>6.1f}  {share}"
        )
    for form in ("text", "json"):
        chain = [r for r in rows if r["input"].startswith("chain") and r["input"].endswith(form)]
        if len(chain) >= 2:
            small, large = chain[0], chain[-1]
            ratio = (large["seconds"] / large["ops"]) / (small["seconds"] / small["ops"])
            print(f"{form}: time per op at {large['ops']} ops / at {small['ops']} ops = {ratio:.2f} (1.0 = linear)")
    worst = min(r["ops_per_s"] for r in rows)
    print(f"slowest: {worst:.0f} ops/s (target >= 20000): {'OK' if worst >= 20000 else 'BELOW TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
