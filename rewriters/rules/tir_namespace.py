"""tir-namespace: ``tvm.tir`` split into ``tvm.tirx`` and ``tvm.s_tir``.

Upstream: apache/tvm#18712 "[REFACTOR][S-TIR] Initialize the s_tir module"
(``tir.Schedule`` -> ``s_tir.Schedule``), #18689 "Rename tir.Block to SBlock"
(``T.block`` -> ``T.sblock``) and #18913 "Bring up tirx namespace" (the rest of
``tvm.tir`` -> ``tvm.tirx``; ``tvm.tir`` no longer imports). ``tvm.arith`` is
``tvm.sym`` in the 0.27 wheel.

The tables below were made by comparing ``python/tvm/tir/__init__.py`` (and its
``transform``/``analysis`` modules, and ``tvm.script.ir_builder.tir.__all__``) at tag
v0.19.0 with the installed apache-tvm 0.27.0.post1; tests/rewriters/test_tir_namespace.py
checks every target against the installed package.

Safety: safe for renames; names with no 0.27 counterpart are flagged (manual).
"""

from __future__ import annotations

import libcst as cst

from rewriters.names import is_under
from rewriters.registry import Move, Rule, Safety, register

_PR_SPLIT = "apache/tvm#18913, #18712"
_PR_SBLOCK = "apache/tvm#18689"

# legacy tvm.tir name -> name in tvm.s_tir (schedulable TIR)
TIR_TO_S_TIR = {
    "BijectiveLayout": "SBijectiveLayout", "Block": "SBlock",
    "BlockDependenceInfo": "SBlockDependenceInfo", "BlockRealize": "SBlockRealize",
    "BlockScope": "SBlockScope", "Layout": "SLayout", "MatchBufferRegion": "MatchBufferRegion",
    "Schedule": "Schedule", "ScheduleError": "ScheduleError", "ScheduleState": "ScheduleState",
    "StmtSRef": "StmtSRef", "TensorIntrin": "TensorIntrin", "bijective_layout": "sbijective_layout",
    "layout": "slayout", "schedule": "schedule", "data_layout": "data_layout",
    "tensor_intrin": "tensor_intrin", "block_scope": "sblock_scope",
    "block_dependence_info": "sblock_dependence_info",
}
# legacy tvm.tir names with no counterpart, with what to do instead
TIR_GONE = {
    "Call": "use `tvm.ir.Call` (tirx calls are `tvm.ir.Call` nodes) or `tvm.tirx.call_intrin`",
    "PrimExpr": "use `tvm.ir.Expr` for isinstance checks",
    "StringImm": "use `tvm.ir.StringImm`",
    "SizeVar": "use `tvm.tirx.Var`",
    "Any": "dynamic dims are symbolic `tvm.tirx.Var`s in Relax",
    "add": "use the `+` operator on expressions", "subtract": "use `-`", "multiply": "use `*`",
    "ret": "use `tvm.tirx.Return`", "ir_builder": "write TVMScript (`tvm.script.tirx`) or use `tvm.script.ir_builder`",
    "stmt_functor": "see `tvm.tirx.stmt` / `tvm.tirx.transform`", "usmp": "USMP was removed with Relay/AOT",
    "generic": "use Python operators on expressions",
}
for _n in ["Allocate", "AllocateConst", "BufferRealize"]:
    TIR_GONE[_n] = "buffers are allocated with `tvm.tirx.AllocBuffer` / `DeclBuffer` (`T.alloc_buffer` in TVMScript)"
for _n in ["DataProducer", "Prefetch", "ProducerLoad", "ProducerRealize", "ProducerStore"]:
    TIR_GONE[_n] = "te.schedule-era node, removed with te.schedule (#17658)"
TIR_GONE["call_tir"] = "use `tvm.relax.op.call_tir` (Relax) or call the PrimFunc's GlobalVar"
for _n in ["create_barriers", "make_filled_simdgroup_matrix",
           "mma_fill", "mma_store", "ptx_arrive_barrier", "ptx_arrive_barrier_expect_tx", "ptx_commit_group",
           "ptx_cp_async", "ptx_cp_async_barrier", "ptx_cp_async_bulk", "ptx_init_barrier_thread_count",
           "ptx_ldmatrix", "ptx_mma", "ptx_mma_sp", "ptx_wait_barrier", "ptx_wait_group", "simdgroup_load",
           "simdgroup_multiply_accumulate", "simdgroup_store", "tvm_check_return"]:
    TIR_GONE.setdefault(_n, "not in tvm.tirx or tvm.s_tir in 0.27 (CUDA PTX intrinsics moved to the table-driven PTX dialect, #20103)")

TIR_TRANSFORM_TO_S_TIR = [
    "LoopPartition", "InjectVirtualThread", "InjectDoubleBuffer", "RemoveStoreUndef", "RewriteUnsafeSelect",
    "InstrumentBoundCheckers", "DecorateDeviceScope", "ThreadSync", "LowerThreadAllreduce", "InferFragment",
    "VerifyVTCMLimit", "HoistIfThenElse", "HoistExpression", "LowerCrossThreadReduction", "LowerInitBlock",
    "PlanAndUpdateBufferAllocationLocation", "ConvertBlocksToOpaque", "LiftThreadBinding",
    "CompactBufferAllocation", "LowerMatchBuffer", "LowerOpaqueBlock", "TransformMmaBufferLayout",
    "InjectPermutedLayout", "UnifyThreadBinding", "MergeSharedMemoryAllocations", "InjectSoftwarePipeline",
    "LowerAutoCopy", "RenormalizeSplitPattern", "InjectPTXAsyncCopy", "RemoveWeightLayoutRewriteBlock",
    "ManifestSharedMemoryLocalStage", "InstrumentProfileIntrinsics", "DefaultGPUSchedule",
    "UseAssumeToReduceBranches",
]
TIR_TRANSFORM_GONE = [
    "InjectPrefetch", "ApplyLayoutTransforms", "StorageFlatten", "TextureFlatten", "InjectCopyIntrin",
    "CoProcSync", "LiftAttrScope", "InjectRollingBuffer", "ReduceBranchingThroughOvercompute",
    "CommonSubexprElimTIR", "Simplify", "LowerCustomDatatypes", "MakeUnpackedAPI", "AnnotateDeviceRegions",
    "LowerDeviceKernelLaunch", "LegalizePackedCalls", "LowerDeviceStorageAccessInfo", "CombineContextCall",
    "ConvertForLoopsToSerial", "ExtractPrimFuncConstants", "InstallDebugSpans",
]
TIR_ANALYSIS_TO_S_TIR = [
    "verify_gpu_code", "calculate_allocated_bytes", "detect_buffer_access_lca", "estimate_tir_flops",
    "OOBChecker", "get_vtcm_compaction_passes", "is_pure_function", "assert_pure_function",
]
TIR_ANALYSIS_GONE = [
    "expr_deep_equal", "get_block_access_region", "get_block_read_write_region", "calculate_workspace_bytes",
    "calculate_constant_bytes", "get_prim_func_arg_and_result_memory_constraints",
    "apply_prim_func_arg_and_result_memory_constraints", "find_anchor_block",
]
# TVMScript (``T.*``) names
SCRIPT_RENAMED = {"block": "sblock", "block_attr": "sblock_attr"}
for _width in ("", "x4", "x8", "x16", "x32", "x64"):
    SCRIPT_RENAMED[f"e4m3_float8{_width}"] = f"float8_e4m3fn{_width}"
    SCRIPT_RENAMED[f"e5m2_float8{_width}"] = f"float8_e5m2{_width}"
SCRIPT_GONE = {
    "realize": "", "allocate": "use `T.alloc_buffer`", "allocate_const": "", "prefetch": "",
    "ret": "use `T.Return`/`return`", "tvm_check_return": "", "create_barriers": "", "mma_store": "",
    "mma_fill": "", "SizeVar": "use `T.int32()` symbolic vars", "StringImm": "use `T.StringImm`",
    "ProducerLoad": "", "LetStmt": "use `T.let` / `T.bind`", "make_filled_simdgroup_matrix": "",
    "simdgroup_load": "", "simdgroup_store": "", "simdgroup_multiply_accumulate": "",
}
for _n in ["ptx_mma", "ptx_mma_sp", "ptx_ldmatrix", "ptx_cp_async", "ptx_cp_async_bulk", "ptx_wait_group",
           "ptx_commit_group", "ptx_cp_async_barrier", "ptx_init_barrier_thread_count", "ptx_arrive_barrier",
           "ptx_arrive_barrier_expect_tx", "ptx_wait_barrier"]:
    SCRIPT_GONE[_n] = "PTX intrinsics are a table-driven dialect in 0.27 (#20103)"


def _moves() -> dict[str, Move]:
    table: dict[str, Move] = {}

    def add(old: str, new: str | None, note: str) -> None:
        table[old] = Move(old, new, note)

    add("tvm.tir", "tvm.tirx", _PR_SPLIT)
    for old, new in TIR_TO_S_TIR.items():
        add(f"tvm.tir.{old}", f"tvm.s_tir.{new}", "schedulable TIR moved to s_tir, " + _PR_SPLIT)
    for old, hint in TIR_GONE.items():
        add(f"tvm.tir.{old}", None, hint)
    for sub, to_s_tir, gone in (
        ("transform", TIR_TRANSFORM_TO_S_TIR, TIR_TRANSFORM_GONE),
        ("analysis", TIR_ANALYSIS_TO_S_TIR, TIR_ANALYSIS_GONE),
    ):
        for name in to_s_tir:
            add(f"tvm.tir.{sub}.{name}", f"tvm.s_tir.{sub}.{name}", "moved to s_tir, " + _PR_SPLIT)
        for name in gone:
            add(f"tvm.tir.{sub}.{name}", None,
                f"no `{name}` in tvm.tirx.{sub} or tvm.s_tir.{sub} in 0.27; drop it or find the "
                "replacement pass in the 0.27 docs")
    for script_mod in ("tvm.script.tir", "tvm.script.parser.tir", "tvm.script.ir_builder.tir"):
        add(script_mod, script_mod[:-3] + "tirx", _PR_SPLIT)
    for old, new in SCRIPT_RENAMED.items():
        note = _PR_SBLOCK if "block" in old else "float8 dtypes renamed to their ml_dtypes names"
        add(f"tvm.script.tir.{old}", f"tvm.script.tirx.{new}", note)
    for old, hint in SCRIPT_GONE.items():
        add(f"tvm.script.tir.{old}", None, f"no `T.{old}` in 0.27 TVMScript" + (f": {hint}" if hint else ""))
    add("tvm.tir.schedule.BlockRV", "tvm.s_tir.schedule.SBlockRV", _PR_SBLOCK)
    add("tvm.tir.schedule.BlockScope", "tvm.s_tir.schedule.SBlockScope", _PR_SBLOCK)
    add("tvm.script.from_source", "tvm.script.parser.parse", "renamed")
    add("tvm.arith", "tvm.sym", "tvm.arith is tvm.sym in 0.27")
    add("tvm.arith.detect_common_subexpr", None, "not in tvm.sym")
    add("tvm.arith.solve_linear_equations", None, "not in tvm.sym")
    add("tvm.arith.solve_linear_inequalities", None, "not in tvm.sym")
    return table


@register
class TirNamespace(Rule):
    """``tvm.tir`` -> ``tvm.tirx`` / ``tvm.s_tir``; ``tvm.script.tir`` -> ``tirx``; ``T.block`` -> ``T.sblock``."""

    id = "tir-namespace"
    safety = Safety.SAFE
    summary = "tvm.tir -> tvm.tirx (tvm.s_tir for Schedule, SBlock, ...); script tir -> tirx; T.block -> T.sblock"
    upstream = "apache/tvm#18712, #18689, #18913"
    triggers = ("tir", "arith", "from_source", "get_block")
    moves = _moves()

    _SCHEDULE = ("tvm.tir.Schedule", "tvm.tir.schedule.Schedule", "tvm.s_tir.Schedule",
                 "tvm.s_tir.schedule.Schedule")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.tir_file = any(
            ctx.imports.mentions(m)
            for m in ("tvm.tir", "tvm.s_tir", "tvm.meta_schedule", "tvm.script.tir", "tvm.te")
        )
        self.schedules: set[str] = set()

    def _is_schedule(self, node: cst.BaseExpression | None) -> bool:
        if node is None:
            return False
        qual = self.ctx.resolve(node.func if isinstance(node, cst.Call) else node) or ""
        return any(is_under(qual, s) for s in self._SCHEDULE)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and self._is_schedule(node.value):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.schedules.add(target.target.value)

    def visit_Param(self, node: cst.Param) -> None:
        if node.annotation is not None and self._is_schedule(node.annotation.annotation):
            self.schedules.add(node.name.value)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not (self.tir_file and isinstance(func, cst.Attribute) and func.attr.value == "get_block"):
            return updated
        receiver = func.value
        name = receiver.value if isinstance(receiver, cst.Name) else None
        if name in self.schedules or name in ("sch", "schedule"):
            self.ctx.note(self.id, original, "`Schedule.get_block` is `get_sblock` in TVM 0.27 (apache/tvm#18689)")
            return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("get_sblock")))
        self.ctx.flag(self.id, original,
                      "if this is a TIR schedule, `get_block` is `get_sblock` in TVM 0.27 (apache/tvm#18689)")
        return updated
