"""Goldens of op_mappings/training.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import pytest

from golden_harness import check_golden, family_goldens

GOLDENS = family_goldens("training")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


def test_cross_entropy_over_a_symbolic_batch_divides_by_the_run_time_batch():
    import numpy as np

    from migrate.translate import from_relay
    from translation_checks import run_main

    text = '''#[version = "0.0.5"]
def @main(%p: Tensor[(?, 4), float32]) {
  nn.cross_entropy(%p, %p)
}'''
    p = np.linspace(0.1, 1.0, 12, dtype="float32").reshape(3, 4)
    (got,) = run_main(from_relay(text), [p])
    np.testing.assert_allclose(got, -np.sum(np.log(p) * p) / 3, rtol=1e-5)  # Relay: -sum(log(x) * y) / batch
