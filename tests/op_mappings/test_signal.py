"""Goldens of op_mappings/signal.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import pytest

from golden_harness import check_golden, family_goldens

GOLDENS = family_goldens("signal")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])
