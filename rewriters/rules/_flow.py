"""What one rule's rewrite tells another, read from the whole file on demand.

* which ``params`` dicts end up bound into the compiled module (so setting them as
  inputs afterwards did nothing in Relay and can be dropped);
* which libraries come from the deprecated 3-tuple ``graph, lib, params =
  relay.build(...)`` (so ``graph_executor.create(graph, lib, dev)`` can become a VM);
* how an importer names the inputs (the PyTorch importer names them after
  ``forward()``'s parameters, not after ``input_infos``).

Each fact is computed once per file from :class:`rewriters.engine.FileIndex`, so a use
that comes before the call it depends on (in a function defined earlier) is handled.
"""

from __future__ import annotations

import libcst as cst

from rewriters.calls import UnboundCall, bind_args, is_literal, string_value

BUILD = ("tvm.relay.build", "tvm.relay.build_module.build")
BUILD_PARAMS = ["ir_mod", "target", "target_host", "executor", "runtime", "workspace_memory_pools",
                "constant_memory_pools", "params", "mod_name"]
VM_COMPILE = ("tvm.relay.vm.compile", "tvm.relay.backend.vm.compile")
VM_PARAMS = ["mod", "target", "target_host", "params"]
GRAPH_CREATE = ("tvm.contrib.graph_executor.create", "tvm.contrib.graph_runtime.create",
                "tvm.contrib.debugger.debug_executor.create")
CREATE_EXECUTOR = ("tvm.relay.create_executor", "tvm.relay.build_module.create_executor")
CREATE_PARAMS = ["kind", "mod", "device", "target", "params"]
PYTORCH = ("tvm.relay.frontend.from_pytorch", "tvm.relay.frontend.pytorch.from_pytorch")
PYTORCH_PARAMS = ["script_module", "input_infos", "custom_convert_map", "default_dtype", "use_parser_friendly_name",
                  "keep_quantized_weight", "export_renamed_c_graph_path"]
# importers whose rewrite returns ``(mod, {})``: their params dict is empty
EMPTY_PARAMS_FRONTENDS = ("tvm.relay.frontend.from_tflite", "tvm.relay.frontend.tflite.from_tflite",
                          "tvm.relay.frontend.from_pytorch", "tvm.relay.frontend.pytorch.from_pytorch")
ONNX = ("tvm.relay.frontend.from_onnx", "tvm.relay.frontend.onnx.from_onnx")


def _cached(ctx, key, compute):
    if key not in ctx.facts:
        ctx.facts[key] = compute()
    return ctx.facts[key]


def three_tuple_targets(ctx, call: cst.Call) -> list[str] | None:
    """``[graph, lib, params]`` when ``call`` is unpacked into three plain names."""
    targets = ctx.index.targets.get(id(call))
    if targets is not None and len(targets) == 3 and all(targets):
        return targets
    return None


def graph_build_libs(ctx) -> set[str]:
    """Names of the ``lib`` of ``graph, lib, params = relay.build(...)``."""
    def compute():
        libs = set()
        for _, call in ctx.index.calls_to(BUILD):
            targets = three_tuple_targets(ctx, call)
            if targets is not None:
                libs.add(targets[1])
        return libs
    return _cached(ctx, "graph_build_libs", compute)


def bound_params(ctx) -> set[str]:
    """Names of dicts whose arrays are bound into the compiled module, or empty after the rewrite."""
    def compute():
        names: set[str] = set()
        for qualnames, params, where in ((BUILD, BUILD_PARAMS, "params"), (VM_COMPILE, VM_PARAMS, "params"),
                                         (CREATE_EXECUTOR, CREATE_PARAMS, "params")):
            for _, call in ctx.index.calls_to(qualnames):
                try:
                    value = bind_args(call, params).get(where)
                except UnboundCall:
                    continue
                if isinstance(value, cst.Name):
                    names.add(value.value)
        for _, call in ctx.index.calls_to(BUILD):
            targets = three_tuple_targets(ctx, call)
            if targets is not None:
                names.add(targets[2])  # the built constants: the Executable holds them
        for qualnames in (EMPTY_PARAMS_FRONTENDS, ONNX):
            for _, call in ctx.index.calls_to(qualnames):
                if qualnames is ONNX and not _onnx_frozen(call):
                    continue
                targets = ctx.index.targets.get(id(call))
                if targets is not None and len(targets) == 2 and targets[1]:
                    names.add(targets[1])
        return names
    return _cached(ctx, "bound_params", compute)


def _onnx_frozen(call: cst.Call) -> bool:
    """Whether a Relay ``from_onnx`` call keeps the default ``freeze_params=True``."""
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for a in call.args:
        if a.keyword is not None and a.keyword.value == "freeze_params":
            return is_literal(a.value, True)
    return len(positional) < 5 or is_literal(positional[4].value, True)


def literal_input_names(ctx, expr: cst.BaseExpression | None) -> list[str] | None:
    """``["a", "b"]`` for ``[("a", shape), ("b", shape)]`` (or a name assigned that list once)."""
    if isinstance(expr, cst.Name):
        values = ctx.index.assigned.get(expr.value, [])
        expr = values[0] if len(values) == 1 else None
    if not isinstance(expr, (cst.List, cst.Tuple)):
        return None
    names = []
    for element in expr.elements:
        pair = element.value
        if not isinstance(pair, (cst.Tuple, cst.List)) or not pair.elements:
            return None
        name = string_value(pair.elements[0].value)
        if name is None:
            return None
        names.append(name)
    return names


def pytorch_inputs(ctx) -> tuple[bool, dict[str, int] | None]:
    """``(renamed, positions)``: whether the file imports a PyTorch model (whose Relax
    inputs are named after ``forward()``'s parameters), and each Relay input name's
    position when every ``input_infos`` can be read."""
    def compute():
        calls = ctx.index.calls_to(PYTORCH)
        if not calls:
            return False, None
        positions: dict[str, int] = {}
        for _, call in calls:
            try:
                infos = bind_args(call, PYTORCH_PARAMS).get("input_infos")
            except UnboundCall:
                return True, None
            names = literal_input_names(ctx, infos)
            if names is None:
                return True, None
            for i, name in enumerate(names):
                if positions.setdefault(name, i) != i:
                    return True, None
        return True, positions
    return _cached(ctx, "pytorch_inputs", compute)
