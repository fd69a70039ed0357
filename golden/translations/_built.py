"""Goldens that TVMScript cannot spell: modules holding tensor constants (which 0.27 cannot print or
parse) or TOPI computes (whose PrimFuncs are TOPI's, not hand-written). They are built with a
BlockBuilder, still stating by hand which Relax ops (or which TOPI compute, with which arguments)
the translation must produce."""

import numpy as np
from tvm import relax


def built(params, body):
    """main(*params) = body(bb, *vars) in one dataflow block; params: (name, shape[, dtype]) tuples."""
    bb = relax.BlockBuilder()
    variables = [relax.Var(p[0], relax.TensorType(p[1], p[2] if len(p) > 2 else "float32")) for p in params]
    with bb.function("main", variables):
        with bb.dataflow():
            gv = bb.emit_output(body(bb, *variables))
        bb.emit_func_output(gv)
    return bb.get()


def te(params, compute, *attrs, name):
    """main(*params) = call_tir of the TOPI `compute`(*params, *attrs)."""
    return built(params, lambda bb, *v: bb.call_te(compute, *v, *attrs, primfunc_name_hint=name))


def const(values, dtype):
    """A tensor constant."""
    return relax.const(np.array(values, dtype=dtype), dtype)
