"""Throughput of ``tvm-migrate codemod`` on a generated tree of realistic files.

    python bench/codemod_throughput.py [--files 1000] [--jobs 2] [--keep DIR]

Two mixes, each a fresh tree of ``--files`` files (about 60-150 lines each):

* ``typical``: one file in five uses TVM (Relay-era scripts built from the legacy
  scripts under tests/codemod_scripts, with extra helper code); the rest is ordinary
  Python that never mentions TVM;
* ``all-tvm``: every file uses TVM.

The codemod runs as users run it (``python -m rewriters TREE --check --quiet --jobs N``,
a fresh interpreter, nothing written), so the figures include start-up. Prints files/s
and lines/s per mix. Targets (issue 5): >= 50 files/s typical, >= 15 files/s all-tvm.
"""

from __future__ import annotations

import argparse
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "tests" / "codemod_scripts").glob("legacy_*.py"))

PLAIN_HEADER = '''"""{doc}"""
import json
import math
import os
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

'''
PLAIN_FUNCTION = '''

def {name}(values, scale={scale}):
    """Normalise ``values`` and keep a running summary."""
    summary = defaultdict(float)
    out = []
    for i, value in enumerate(values):
        scaled = (value - {offset}) * scale
        if scaled > {limit}:
            summary["clipped"] += 1
            scaled = {limit}
        summary["total"] += scaled
        out.append(math.tanh(scaled) if i % 2 else scaled)
    return np.asarray(out, dtype="float32"), dict(summary)
'''
PLAIN_CLASS = '''

@dataclass
class {name}:
    path: str
    threshold: float = {scale}

    def load(self):
        with open(os.path.join(self.path, "{name}.json")) as fh:
            return json.load(fh)

    def select(self, rows):
        return [row for row in rows if row.get("score", 0.0) >= self.threshold]
'''


def _ident(rng: random.Random, prefix: str) -> str:
    return f"{prefix}_{rng.randrange(10**6):06d}"


def plain_file(rng: random.Random) -> str:
    parts = [PLAIN_HEADER.format(doc=f"Data utilities {rng.randrange(1000)}.")]
    for _ in range(rng.randint(3, 7)):
        template = PLAIN_FUNCTION if rng.random() < 0.6 else PLAIN_CLASS
        parts.append(template.format(name=_ident(rng, "util" if template is PLAIN_FUNCTION else "Loader"),
                                     scale=round(rng.uniform(0.1, 2), 3), offset=rng.randint(0, 9),
                                     limit=rng.randint(5, 50)))
    return "".join(parts)


def tvm_file(rng: random.Random) -> str:
    base = rng.choice(TEMPLATES).read_text()
    extra = "".join(
        PLAIN_FUNCTION.format(name=_ident(rng, "post"), scale=round(rng.uniform(0.1, 2), 3),
                              offset=rng.randint(0, 9), limit=rng.randint(5, 50))
        for _ in range(rng.randint(1, 4))
    )
    header, _, rest = base.partition("\n\n")
    return header + "\nimport math\nfrom collections import defaultdict\n\n" + rest + extra


def make_tree(root: pathlib.Path, files: int, tvm_share: float, seed: int) -> int:
    rng = random.Random(seed)
    lines = 0
    for i in range(files):
        sub = root / f"pkg{i % 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        text = tvm_file(rng) if rng.random() < tvm_share else plain_file(rng)
        (sub / f"module_{i:04d}.py").write_text(text)
        lines += text.count("\n")
    return lines


def run_codemod(root: pathlib.Path, jobs: int) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "rewriters", str(root), "--check", "--quiet", "--jobs", str(jobs)],
        cwd=ROOT, capture_output=True, text=True,
    )
    return time.perf_counter() - start, proc


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="generate the trees here and keep them")
    args = parser.parse_args(argv)

    base = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="codemod-bench-"))
    status = 0
    try:
        for mix, share, target in (("typical", 0.2, 50.0), ("all-tvm", 1.0, 15.0)):
            root = base / mix
            if root.exists():
                shutil.rmtree(root)
            lines = make_tree(root, args.files, share, args.seed)
            seconds, proc = run_codemod(root, args.jobs)
            if proc.returncode not in (0, 1):
                print(proc.stderr, file=sys.stderr)
                return 2
            summary = proc.stderr.strip().splitlines()[0]
            files_s, lines_s = args.files / seconds, lines / seconds
            ok = "ok" if files_s >= target else "BELOW TARGET"
            print(f"{mix:8s} {args.files} files, {lines} lines, --jobs {args.jobs}: {seconds:.2f} s, "
                  f"{files_s:.1f} files/s, {lines_s:.0f} lines/s (target {target:.0f} files/s: {ok})")
            print(f"         {summary}")
            status |= files_s < target
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
