"""The tvm-migrate CPU pipeline: the 0.27 CPU pipeline's structure with graph rewrites and schedules.

    library dispatch    DispatchSampling, DispatchSortScan                      (as 0.27)
    graph rewrites      inference dropout removed, BatchNorm folded into conv2d weights, the rest decomposed; conv2d to NHWC/HWIO
    legalize + fuse     LegalizeOps, AnnotateTIROpPattern, FoldConstant, FuseOps, FuseTIR (as 0.27's cpu_generic)
    schedules           the rules of `schedules.rules` (tiles from tuning records when given), weight packing folded
    lowering            dataflow lowering and VM finalization                    (as 0.27)
"""

from __future__ import annotations

import warnings
from typing import Optional

import tvm
from tvm import relax
from tvm.relax.backend.cpu_generic import pipeline as cpu_generic
from tvm.s_tir import dlight

from .rules import default_rules

CONV_LAYOUTS = {"relax.nn.conv2d": ["NHWC", "HWIO"]}


@tvm.transform.module_pass(opt_level=0, name="TVMMigrateDropInferenceDropout")
def drop_inference_dropout(mod: tvm.IRModule, _ctx) -> tvm.IRModule:
    """`R.nn.dropout(x)[0]` becomes `x`: dropout is the identity at inference (Relay's SimplifyInference
    removed it, and Relax's legalization computes exactly that). TVM 0.27's ConvertLayout fails on the
    tuple dropout returns ("Expected nested to match tuple"), which left every model with a dropout
    (SqueezeNet, Inception, AlexNet, ...) on the slow NCHW path."""
    from tvm.relax.dpl import is_op, is_tuple_get_item, rewrite_call, wildcard

    data = wildcard()
    pattern = is_tuple_get_item(is_op("relax.nn.dropout")(data), 0)
    changed = False
    for gvar, func in list(mod.functions.items()):
        if isinstance(func, relax.Function):
            new = rewrite_call(pattern, lambda _expr, matches: matches[data], func)
            if not new.same_as(func):
                mod[gvar], changed = new, True
    return relax.transform.DeadCodeElimination()(mod) if changed else mod


def graph_passes(layout: Optional[str] = "NHWC") -> list:
    """Relax-level rewrites that make the program schedulable like Relay's x86 path."""
    passes = [
        drop_inference_dropout,
        relax.transform.FoldBatchnormToConv2D(),
        relax.transform.FoldConstant(),
        relax.transform.DecomposeOpsForInference(),
        relax.transform.FoldConstant(),
    ]
    if layout == "NHWC":
        passes += [convert_layout_or_keep(CONV_LAYOUTS)]
    elif layout is not None:
        raise ValueError(f"layout {layout!r} is not supported: use 'NHWC' or None (keep the model's layouts)")
    return passes


def convert_layout_or_keep(layouts: dict) -> tvm.transform.Pass:
    """`ConvertLayout(layouts)` + `FoldConstant`; when ConvertLayout fails, the module unchanged and a warning.

    TVM 0.27's ConvertLayout fails on some graphs (e.g. a dropout whose mask is used: "Expected nested to
    match tuple"); the model then keeps its layout, which is correct but leaves NCHW convolutions to the
    generic fallback (slow).
    """

    @tvm.transform.module_pass(opt_level=0, name="TVMMigrateConvertLayout")
    def _convert(mod: tvm.IRModule, _ctx) -> tvm.IRModule:
        try:
            return tvm.transform.Sequential([relax.transform.ConvertLayout(layouts),
                                             relax.transform.FoldConstant()])(mod)
        except (RuntimeError, ValueError) as exc:  # TVM errors (InternalError, ...) are RuntimeErrors
            lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
            warnings.warn(f"tvm-migrate: converting convolutions to {layouts} failed in TVM's ConvertLayout "
                          f"({lines[-1] if lines else type(exc).__name__}); they keep the model's layout, "
                          "which is correct but slower", stacklevel=1)
            return mod

    return _convert


def schedule_passes(rules: Optional[list] = None) -> list:
    """The rule-based scheduling passes (rules default to `schedules.rules.default_rules()`).

    Weights are marked layout-free first, so rules may read them repacked; the repacking steps the
    rules add are split out of the kernels and folded into the constants afterwards.
    """
    return [
        relax.transform.AttachAttrLayoutFreeBuffers(),
        dlight.ApplyDefaultSchedule(*(rules if rules is not None else default_rules())),
        relax.transform.SplitLayoutRewritePreproc(),
        relax.transform.FoldConstant(),
    ]


def cpu_pipeline(target: tvm.target.Target, *, layout: Optional[str] = "NHWC",
                 rules: Optional[list] = None) -> tvm.transform.Pass:
    """The whole Relax pipeline for `target` (an llvm target)."""

    @tvm.transform.module_pass(opt_level=0, name="TVMMigrateCPUPipeline")
    def _pipeline(mod: tvm.IRModule, _ctx: tvm.transform.PassContext) -> tvm.IRModule:
        with target:
            seq = tvm.transform.Sequential(
                cpu_generic.library_dispatch_passes(target)
                + graph_passes(layout)
                + cpu_generic.legalize_passes(target)
                + schedule_passes(rules)
                + cpu_generic.dataflow_lower_passes(target)
                + cpu_generic.finalize_passes(target)
            )
            return seq(mod)

    return _pipeline
