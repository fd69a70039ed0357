"""Goldens of op_mappings/qnn.py: structure (hand-written Relax) and numerics (real Relay outputs)."""

import pytest

from golden_harness import check_golden, family_goldens

GOLDENS = family_goldens("qnn")


@pytest.mark.parametrize("bundle", sorted(GOLDENS))
def test_golden(bundle):
    check_golden(GOLDENS[bundle])


def test_contrib_dense_pack_matches_relay_qnn_dense_on_the_unpacked_weight():
    """The legacy Relay cannot build qnn.contrib_dense_pack (no QNN canonicalization), so its reference is the
    real Relay output of qnn.dense/basic with the same weight, packed here as NC3n: packed[o, c, i] = w[3o + i, c]."""
    import numpy as np
    import tvm
    from tvm.script import ir as I, relax as R

    from golden_harness import OPS
    from migrate.params import load_npz, load_params
    from migrate.translate import from_relay
    from translation_checks import run_main

    text = ('#[version = "0.0.5"]\n'
            "def @main(%x: Tensor[(2, 6), int8], %wp: Tensor[(1, 6, 3), int8]) -> Tensor[(2, 3), int32] {\n"
            '  qnn.contrib_dense_pack(%x, %wp, 2, 0, 0.05f, 0.03f, weight_layout="NC3n", units=3, out_dtype="int32")\n'
            "}\n")
    mod = from_relay(text)

    @I.ir_module
    class Expected:
        @R.function
        def main(x: R.Tensor((2, 6), "int8"), wp: R.Tensor((1, 6, 3), "int8")):
            with R.dataflow():
                lv = R.astype(x, "int32")
                lv1 = R.subtract(lv, R.const(2, "int32"))
                lv2 = R.astype(wp, "int32")
                lv3 = R.layout_transform(lv2, index_map=lambda n_o, c, n_i: (c, n_o * 3 + n_i))
                gv = R.matmul(lv1, lv3, out_dtype="int32")
                R.output(gv)
            return gv

    tvm.ir.assert_structural_equal(mod, Expected)
    bundle = OPS / "qnn.dense" / "basic"
    x = load_npz(str(bundle / "inputs.npz"), {"x": "int8"})["x"]
    w = np.asarray(load_params(bundle / "model.params")["w"])
    packed = w.reshape(1, 3, 6).transpose(0, 2, 1)  # (N/3, C, 3)
    expected = load_npz(str(bundle / "outputs.npz"), {"output_0": "int32"})["output_0"]
    np.testing.assert_array_equal(run_main(mod, [x, np.ascontiguousarray(packed)])[0], expected)


@pytest.mark.parametrize("call, message", [
    ('qnn.requantize(%x, 0.01f, 0, 0.15f, -3, rounding="TRUNCATE", out_dtype="int8")',
     "rounding 'TRUNCATE' is not supported (Relay v0.19 supports UPWARD and TONEAREST)"),
    ('qnn.requantize(%x, %s, 0, 0.15f, -3, out_dtype="int8")',
     "input_scale must be a constant (Relay's QNN lowering reads its value)"),
])
def test_requantize_reports_what_it_cannot_honour(call, message):
    from migrate.errors import UnsupportedInputError
    from migrate.translate import from_relay

    text = ('#[version = "0.0.5"]\n'
            f"def @main(%x: Tensor[(2, 3), int32], %s: float32) -> Tensor[(2, 3), int8] {{\n  {call}\n}}\n")
    with pytest.raises(UnsupportedInputError) as info:
        from_relay(text)
    assert str(info.value).startswith("<string>: @main, 1st qnn.requantize call: qnn.requantize: ")
    assert message in str(info.value)
