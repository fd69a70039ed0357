"""schedules.rules.conv2d: NHWC conv2d + bias + ReLU as FuseTIR produces it (TOPI block names)."""

from __future__ import annotations

import numpy as np
import tvm
from tvm.script import tirx as T

from schedule_checks import generic_target, loop_kinds, random_args, run_prim_func  # noqa: F401  (fixture)
from schedules.rules import Conv2DNHWC


# fmt: off
@T.prim_func(private=True, s_tir=True)
def conv_bias_relu(x: T.Buffer((1, 8, 8, 16), "float32"), w: T.Buffer((3, 3, 16, 32), "float32"),
                   bias: T.Buffer((1, 1, 1, 32), "float32"), out: T.Buffer((1, 8, 8, 32), "float32")):
    T.func_attr({"tirx.noalias": True})
    pad_temp = T.sblock_alloc_buffer((1, 10, 10, 16))
    conv = T.sblock_alloc_buffer((1, 8, 8, 32))
    added = T.sblock_alloc_buffer((1, 8, 8, 32))
    for i0, i1, i2, i3 in T.grid(1, 10, 10, 16):
        with T.sblock("pad_temp"):
            n, h, ww, c = T.axis.remap("SSSS", [i0, i1, i2, i3])
            pad_temp[n, h, ww, c] = T.if_then_else(1 <= h and h < 9 and 1 <= ww and ww < 9,
                                                   x[n, h - 1, ww - 1, c], T.float32(0.0))
    for nn, yy, xx, ff, ry, rx, rc in T.grid(1, 8, 8, 32, 3, 3, 16):
        with T.sblock("conv2d_nhwc"):
            n, h, ww, f, r0, r1, r2 = T.axis.remap("SSSSRRR", [nn, yy, xx, ff, ry, rx, rc])
            with T.init():
                conv[n, h, ww, f] = T.float32(0.0)
            conv[n, h, ww, f] = conv[n, h, ww, f] + pad_temp[n, h + r0, ww + r1, r2] * w[r0, r1, r2, f]
    for a0, a1, a2, a3 in T.grid(1, 8, 8, 32):
        with T.sblock("T_add"):
            n, h, ww, f = T.axis.remap("SSSS", [a0, a1, a2, a3])
            added[n, h, ww, f] = conv[n, h, ww, f] + bias[n, 0, 0, f]
    for a0, a1, a2, a3 in T.grid(1, 8, 8, 32):
        with T.sblock("compute"):
            n, h, ww, f = T.axis.remap("SSSS", [a0, a1, a2, a3])
            out[n, h, ww, f] = T.max(added[n, h, ww, f], T.float32(0.0))


@T.prim_func(private=True, s_tir=True)
def conv_nchw(x: T.Buffer((1, 16, 8, 8), "float32"), w: T.Buffer((32, 16, 1, 1), "float32"),
              out: T.Buffer((1, 32, 8, 8), "float32")):
    for nn, ff, yy, xx, rc, ry, rx in T.grid(1, 32, 8, 8, 16, 1, 1):
        with T.sblock("conv2d_nchw"):
            n, f, h, ww, r2, r0, r1 = T.axis.remap("SSSSRRR", [nn, ff, yy, xx, rc, ry, rx])
            with T.init():
                out[n, f, h, ww] = T.float32(0.0)
            out[n, f, h, ww] = out[n, f, h, ww] + x[n, r2, h + r0, ww + r1] * w[f, r2, r0, r1]
# fmt: on


def _schedule(func, target):
    sch = Conv2DNHWC().apply(func, target, False)
    assert sch is not None
    return sch.mod["main"]


def test_register_tile_parallel_and_vectorized(generic_target):
    scheduled = _schedule(conv_bias_relu, generic_target)
    kinds = loop_kinds(scheduled)
    # Generic x86-64 is SSE2 (4 lanes, 16 xmm registers): a 16-wide channel tile (one cache line, 4
    # registers) by 2 output columns (8 accumulators), the row x channel-block loop parallel
    # (8 rows x 2 blocks), the pad pass parallel too.
    assert ("nn_yy_ff_0_fused", "parallel", 16) in kinds
    vectorized = sorted(name for name, kind, extent in kinds if kind == "vectorized" and extent == 16)
    assert vectorized == ["ax1", "ff_1", "ff_1_init", "i3_1"]  # write-back, update, init, padding
    assert ("xx_1", "unroll", 2) in kinds
    assert any(k[1] == "parallel" and k[0].startswith("i0") for k in kinds), "the padding pass runs in parallel"
    script = scheduled.script()
    # bias and ReLU are inlined into the write-back of the accumulators: no separate passes remain
    assert 'T.sblock("T_add")' not in script and 'T.sblock("compute")' not in script
    assert 'conv_local = T.sblock_alloc_buffer((1, 8, 8, 32), scope="local")' in script


def test_numerics_match_unscheduled(generic_target):
    args = random_args(conv_bias_relu)
    want = run_prim_func(conv_bias_relu, [a.copy() for a in args])
    got = run_prim_func(_schedule(conv_bias_relu, generic_target), [a.copy() for a in args])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert (want > 0).any() and (want == 0).any()  # ReLU did something


def test_layout_free_weight_is_packed_by_cache_lines(generic_target):
    func = conv_bias_relu.with_attr("layout_free_buffers", [1])
    scheduled = _schedule(func, generic_target)
    script = scheduled.script()
    assert '"meta_schedule.layout_rewrite_preproc": True' in script
    assert "(2, 3, 3, 16, 16)" in script  # [oc // 16, kh, kw, ic, oc % 16]
    args = random_args(conv_bias_relu, seed=1)
    want = run_prim_func(conv_bias_relu, [a.copy() for a in args])
    np.testing.assert_allclose(run_prim_func(scheduled, [a.copy() for a in args]), want, rtol=1e-5, atol=1e-6)


def test_wider_vectors_with_avx512_target():
    target = tvm.target.Target({"kind": "llvm", "mcpu": "znver4"})
    kinds = loop_kinds(_schedule(conv_bias_relu, target))
    assert {k[2] for k in kinds if k[1] == "vectorized"} == {16}  # one zmm register = one cache line


def test_nchw_conv_vectorizes_output_columns(generic_target):
    scheduled = _schedule(conv_nchw, generic_target)
    kinds = loop_kinds(scheduled)
    # NCHW: the 8 output columns are the vector lanes, 4 rows the register tile, 32 channels parallel
    assert kinds == [("nn_ff_xx_0_fused", "parallel", 32), ("yy_1_init", "unroll", 4), ("xx_1_init", "vectorized", 8),
                     ("yy_1", "unroll", 4), ("xx_1", "vectorized", 8), ("ax0", "unroll", 4),
                     ("ax1", "vectorized", 8)]
    args = random_args(conv_nchw, seed=2)
    np.testing.assert_allclose(run_prim_func(scheduled, [a.copy() for a in args]),
                               run_prim_func(conv_nchw, [a.copy() for a in args]), rtol=1e-5, atol=1e-6)


def test_other_kernels_and_targets_are_not_matched(generic_target):
    from tvm import te, topi

    x, w = te.placeholder((4, 8), name="x"), te.placeholder((8, 16), name="w")
    assert Conv2DNHWC().apply(te.create_prim_func([x, w, topi.matmul(x, w)]), generic_target, False) is None
    assert Conv2DNHWC().apply(conv_bias_relu, tvm.target.Target("c"), False) is None
