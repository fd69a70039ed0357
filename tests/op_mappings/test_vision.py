"""Goldens of op_mappings/vision.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import pytest

from golden_harness import check_golden, family_goldens

GOLDENS = family_goldens("vision")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


def test_vision_invert_permutation_matches_relay_invert_permutation():
    """The legacy Relay crashes on vision.invert_permutation (no type relation in the fork), so its reference is
    the real Relay output of `invert_permutation` (the same v0.19 definition: out[x[i]] = i) on the same input."""
    import numpy as np
    import tvm

    from golden_harness import OPS
    from migrate.params import load_npz
    from migrate.translate import from_relay
    from translation_checks import run_main

    text = ('#[version = "0.0.5"]\n'
            "def @main(%x: Tensor[(5), int32]) -> Tensor[(5), int32] {\n  vision.invert_permutation(%x)\n}\n")
    mod = from_relay(text)

    @tvm.script.ir_module
    class Expected:
        @tvm.script.relax.function
        def main(x: tvm.script.relax.Tensor((5,), "int32")):
            with tvm.script.relax.dataflow():
                gv = tvm.script.relax.argsort(x, axis=-1, descending=False, dtype="int32")
                tvm.script.relax.output(gv)
            return gv

    tvm.ir.assert_structural_equal(mod, Expected)
    bundle = OPS / "invert_permutation" / "basic"
    x = load_npz(str(bundle / "inputs.npz"), {"x": "int32"})["x"]
    expected = load_npz(str(bundle / "outputs.npz"), {"output_0": "int32"})["output_0"]
    np.testing.assert_array_equal(run_main(mod, [x])[0], expected)


def test_multibox_transform_loc_moves_rows_with_a_class_first():
    """Anchors below the threshold are dropped and the rest move up; Relay leaves the rows past valid_count
    uninitialized (its recorded output there is garbage), so only the valid rows and the count are compared."""
    import numpy as np
    import tvm

    from golden_harness import bundle_dir, translate_bundle
    from migrate.params import load_npz
    from translation_checks import run_main

    import golden_translations.vision as expected_vision

    bundle = "vision.multibox_transform_loc/threshold_compacts_no_clip"
    got = translate_bundle(bundle)
    tvm.ir.assert_structural_equal(got, expected_vision.MULTIBOX_COMPACTS)
    d = bundle_dir(bundle)
    inputs = load_npz(str(d / "inputs.npz"), {"cls_prob": "float32", "loc_pred": "float32", "anchor": "float32"})
    rows, count = run_main(got, [inputs[p.name] for p in got["main"].params])
    relay = load_npz(str(d / "outputs.npz"), {"output_0": "float32", "output_1": "int32"})
    np.testing.assert_array_equal(count, relay["output_1"])
    assert count.tolist() == [3, 2]  # batch 0 drops anchor 1; batch 1 drops anchors 0 and 2
    for b, n in enumerate(count):
        np.testing.assert_allclose(rows[b, :n], relay["output_0"][b, :n], rtol=1e-4, atol=1e-5)
        assert (rows[b, n:] == -1).all()


@pytest.mark.parametrize("fmt", ["relay", "json"])
def test_all_class_nms_cut_to_the_valid_count_matches_relay(fmt):
    """The onnx-format output cut to num_total_detections with dyn.strided_slice (begin of one value on a 2-D
    tensor): the whole program, compiled, gives Relay's rows and count."""
    from golden_harness import run_and_compare, translate_bundle

    bundle = "vision.all_class_non_max_suppression/basic"
    run_and_compare(translate_bundle(bundle, fmt), bundle, 0.0, 0.0)
