"""schedules.rules matmul / pooling / reduction / injective on the computes legalization produces."""

from __future__ import annotations

import numpy as np
import pytest
import tvm
from tvm import te, topi

from schedule_checks import generic_target, loop_kinds, random_args, run_prim_func  # noqa: F401  (fixture)
from schedules.rules import Injective, Matmul, RowReduction, WindowPool, default_rules


def _prim_func(*tensors):
    return te.create_prim_func(list(tensors))


def _dense_bias_relu(m, k, n):
    x = te.placeholder((m, k), name="x")
    w = te.placeholder((k, n), name="w")
    b = te.placeholder((n,), name="b")
    return _prim_func(x, w, b, topi.nn.relu(topi.add(topi.matmul(x, w), b)))


def _batch_matmul():
    a = te.placeholder((2, 8, 16), name="a")
    b = te.placeholder((2, 16, 32), name="b")
    return _prim_func(a, b, topi.nn.batch_matmul(a, b, transpose_b=False))


def _max_pool_nhwc():
    x = te.placeholder((1, 9, 9, 32), name="x")
    return _prim_func(x, topi.nn.pool2d(x, (3, 3), (2, 2), (1, 1), (1, 1, 1, 1), "max", layout="NHWC"))


def _softmax():
    x = te.placeholder((6, 64), name="x")
    return _prim_func(x, topi.nn.softmax(x))


def _layer_norm():
    x = te.placeholder((8, 64), name="x")
    g = te.placeholder((64,), name="g")
    b = te.placeholder((64,), name="b")
    return _prim_func(x, g, b, topi.nn.layer_norm(x, g, b, axis=[1], epsilon=1e-5))


def _add_relu():
    x = te.placeholder((4, 8, 64), name="x")
    y = te.placeholder((4, 8, 64), name="y")
    return _prim_func(x, y, topi.nn.relu(topi.add(x, y)))


def _check_numerics(func, scheduled, rtol=1e-5, atol=1e-6):
    args = random_args(func)
    want = run_prim_func(func, [a.copy() for a in args])
    got = run_prim_func(scheduled, [a.copy() for a in args])
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def test_dense_rows_and_column_vectors(generic_target):
    func = _dense_bias_relu(12, 32, 48)
    sch = Matmul().apply(func, generic_target, False)
    kinds = loop_kinds(sch.mod["main"])
    # 48 columns -> 3 parallel blocks of 16 (one cache line, 4 xmm); 12 rows -> tiles of 3 rows (12 accumulators)
    assert kinds == [("ax1_0", "parallel", 3), ("ax0_1_init", "unroll", 3), ("ax1_1_init", "vectorized", 16),
                     ("ax0_1", "unroll", 3), ("ax1_1", "vectorized", 16), ("ax0", "unroll", 3),
                     ("ax1", "vectorized", 16)]
    assert 'T.sblock("T_add")' not in sch.mod["main"].script()  # bias + relu inlined
    _check_numerics(func, sch.mod["main"])


def test_gemv_uses_wide_column_tile(generic_target):
    func = _dense_bias_relu(1, 64, 32)
    sch = Matmul().apply(func, generic_target, False)
    assert loop_kinds(sch.mod["main"]) == [("ax0_ax1_0_fused", "parallel", 2), ("ax1_1_init", "vectorized", 16),
                                           ("ax1_1", "vectorized", 16), ("ax0", "vectorized", 16)]
    _check_numerics(func, sch.mod["main"])


def test_batch_matmul(generic_target):
    func = _batch_matmul()
    sch = Matmul().apply(func, generic_target, False)
    kinds = loop_kinds(sch.mod["main"])
    assert kinds[2:] == [("b_j_0_fused", "parallel", 4), ("i_1_init", "unroll", 2), ("j_1_init", "vectorized", 16),
                         ("i_1", "unroll", 2), ("j_1", "vectorized", 16), ("ax0", "unroll", 2),
                         ("ax1", "vectorized", 16)]
    _check_numerics(func, sch.mod["main"])


def test_max_pool_nhwc_vectorizes_channels(generic_target):
    func = _max_pool_nhwc()
    assert Matmul().apply(func, generic_target, False) is None
    sch = WindowPool().apply(func, generic_target, False)
    kinds = loop_kinds(sch.mod["main"])
    assert kinds == [("ax0_ax1_ax2_fused", "parallel", 121), ("ax3_1", "vectorized", 16),  # -inf padding pass
                     ("ax0_ax1_ax3_0_fused", "parallel", 10), ("ax2_1_init", "unroll", 5),
                     ("ax3_1_init", "vectorized", 16), ("ax2_1", "unroll", 5), ("ax3_1", "vectorized", 16),
                     ("ax0", "unroll", 5), ("ax1", "vectorized", 16)]
    _check_numerics(func, sch.mod["main"])


@pytest.mark.parametrize("make", [_softmax, _layer_norm], ids=["softmax", "layer_norm"])
def test_row_reductions_parallel_over_rows(make, generic_target):
    func = make()
    assert WindowPool().apply(func, generic_target, False) is None
    sch = RowReduction().apply(func, generic_target, False)
    assert sch is not None
    kinds = loop_kinds(sch.mod["main"])
    rows = int(func.params[0].shape[0])
    assert len(kinds) == 2 and kinds[0][1:] == ("parallel", rows) and kinds[1][1:] == ("vectorized", 4)  # SSE
    _check_numerics(func, sch.mod["main"], rtol=1e-5, atol=1e-6)


def test_injective_fallback(generic_target):
    func = _add_relu()
    assert RowReduction().apply(func, generic_target, False) is None
    sch = Injective().apply(func, generic_target, False)
    kinds = loop_kinds(sch.mod["main"])
    assert kinds == [("i0_i1_i2_0_fused", "parallel", 128), ("i2_1", "vectorized", 16)]
    assert 'T.sblock("T_add")' not in sch.mod["main"].script()  # the add is inlined into the relu
    _check_numerics(func, sch.mod["main"])
    assert Injective().apply(_softmax(), generic_target, False) is None


def test_default_rules_order():
    assert [r.name for r in default_rules()] == ["conv2d", "matmul", "pooling", "reduction", "injective"]


def test_columns_not_a_multiple_of_the_vector_width_use_narrower_vectors():
    # A 1000-class head on AVX-512 (16 lanes): 8-wide vectors instead of leaving the kernel unscheduled.
    func = _dense_bias_relu(4, 32, 1000)
    sch = Matmul().apply(func, tvm.target.Target({"kind": "llvm", "mcpu": "znver4"}), False)
    assert sch is not None
    assert {extent for _, kind, extent in loop_kinds(sch.mod["main"]) if kind == "vectorized"} == {8}
    _check_numerics(func, sch.mod["main"])
