"""Goldens of op_mappings/sort.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import pytest

from golden_harness import check_golden, family_goldens

GOLDENS = family_goldens("sort")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


@pytest.mark.parametrize("bundle", ["unique/basic", "unique/unsorted_counts"])
def test_unique_with_dynamic_slices_matches_relay(bundle):
    """The whole bundles (unique's outputs cut to num_unique by dyn.strided_slice, whose translators live in
    another family): numerics only, the structure belongs to several families."""
    from golden_harness import bundle_dir, run_and_compare, translate_bundle

    if not (bundle_dir(bundle) / "model.relay").exists():
        pytest.skip(f"golden/ops/{bundle} is not generated")
    run_and_compare(translate_bundle(bundle), bundle, 1e-4, 1e-5)
