"""Goldens of op_mappings/scatter_gather.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import numpy as np
import pytest

from golden_harness import check_golden, family_goldens

GOLDENS = family_goldens("scatter_gather")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


# scatter has no real-Relay bundle: the fork lacks relay.attrs.ScatterAttrs, and v0.19 keeps only the op name
# (no attributes). Its reference is the older definition (relay.scatter(data, indices, updates, axis), ScatterAttrs
# axis defaulting to 0): out = data, then out[p with p[axis] replaced by indices[p]] = updates[p] for every
# index position p; computed here with numpy.
SCATTER = """#[version = "0.0.5"]
def @main(%x: Tensor[(3, 4), float32], %idx: Tensor[(2, 4), int64], %upd: Tensor[(2, 4), float32]) {
  scatter(%x, %idx, %upd)
}
"""


def test_scatter_matches_v019_definition():
    from migrate.translate import from_relay
    from translation_checks import run_main

    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype("float32")
    idx = np.array([[2, 0, 1, 2], [0, 1, 2, 1]], "int64")
    upd = rng.standard_normal((2, 4)).astype("float32")
    want = x.copy()
    for i in range(2):
        for j in range(4):
            want[idx[i, j], j] = upd[i, j]
    (got,) = run_main(from_relay(SCATTER), [x, idx, upd])
    np.testing.assert_array_equal(got, want)
