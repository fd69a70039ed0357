"""target-string: CLI-style target strings (``"llvm -mcpu=x"``) -> ``tvm.target.Target({...})``.

Upstream: apache/tvm#18785 "[REFACTOR][TARGET] Phase out legacy target string in favor
of json": ``Target("llvm -mtriple=...")`` raises ``ValueError`` in 0.27; a target is a
dict (``{"kind": "llvm", "mtriple": ...}``). A bare kind (``"llvm"``, ``"cuda"``) and
tag names still work. ``tvm.compile(target=<dict>)`` fails in 0.27.0
(``vm_build.py``), so dicts are wrapped in ``tvm.target.Target``.

Strings are rewritten where they are targets: the target argument of
``relay.build``/``tvm.build``/``tvm.compile``/``relay.create_executor``/
``relay.vm.compile``, ``tvm.target.Target(...)`` (and its ``host``), and values
assigned to a variable, passed as a keyword argument or given as a parameter default
whose name contains ``target``. Attribute types come from
``TargetKind.options_from_name`` of the installed 0.27 (``ATTR_TYPES``, checked by the
tests); an option a kind does not have in 0.27 (``-system-lib``, ``-link-params``,
``-executor=aot``) is flagged instead.

Safety: safe (the same target).
"""

from __future__ import annotations

import shlex

import libcst as cst

from rewriters.calls import string_literal, string_value
from rewriters.registry import Rule, Safety, register

_COMMON = {"keys": "list", "tag": "str", "device": "str", "model": "str", "libs": "list", "from_device": "int"}
_GPU = {"max_num_threads": "int", "thread_warp_size": "int", "max_threads_per_block": "int",
        "max_shared_memory_per_block": "int"}
# option types per target kind (TargetKind.options_from_name in apache-tvm 0.27.0.post1)
ATTR_TYPES: dict[str, dict[str, str]] = {
    "llvm": {**_COMMON, "mattr": "list", "mcpu": "str", "mtriple": "str", "mfloat-abi": "str", "mabi": "str",
             "num-cores": "int", "fast-math": "bool", "fast-math-nnan": "bool", "fast-math-ninf": "bool",
             "fast-math-nsz": "bool", "fast-math-arcp": "bool", "fast-math-contract": "bool",
             "fast-math-reassoc": "bool", "opt-level": "int", "cl-opt": "list", "jit": "str",
             "vector-width": "int"},
    "c": {**_COMMON, "mcpu": "str", "march": "str", "workspace-byte-alignment": "int",
          "constants-byte-alignment": "int"},
    "cuda": {**_COMMON, **_GPU, "mcpu": "str", "arch": "str", "registers_per_block": "int",
             "l2_cache_size_bytes": "int"},
    "nvptx": {**_COMMON, "mcpu": "str", "mtriple": "str", "max_num_threads": "int", "thread_warp_size": "int"},
    "rocm": {**_COMMON, **_GPU, "mcpu": "str", "mtriple": "str", "mattr": "list"},
    "opencl": {**_COMMON, **_GPU, "texture_spatial_limit": "int", "texture_depth_limit": "int",
               "max_function_args": "int", "image_base_address_alignment": "int"},
    "metal": {**_COMMON, **_GPU, "max_function_args": "int"},
    "vulkan": {**_COMMON, **_GPU, "mattr": "list", "supports_float16": "bool", "supports_float32": "bool",
               "supports_float64": "bool", "supports_int8": "bool", "supports_int16": "bool",
               "supports_int32": "bool", "supports_int64": "bool", "supports_8bit_buffer": "bool",
               "supports_16bit_buffer": "bool", "supports_storage_buffer_storage_class": "bool",
               "supports_push_descriptor": "bool", "supports_dedicated_allocation": "bool",
               "supports_integer_dot_product": "bool", "supports_cooperative_matrix": "bool",
               "supported_subgroup_operations": "int", "max_block_size_x": "int", "max_block_size_y": "int",
               "max_block_size_z": "int", "max_push_constants_size": "int", "max_uniform_buffer_range": "int",
               "max_storage_buffer_range": "int", "max_per_stage_descriptor_storage_buffer": "int",
               "device_type": "str", "device_name": "str", "driver_name": "str", "driver_version": "int",
               "vulkan_api_version": "int", "max_spirv_version": "int"},
    "webgpu": {**_COMMON, "max_num_threads": "int", "max_shared_memory_per_block": "int",
               "supports_subgroups": "bool", "thread_warp_size": "int"},
    "hexagon": {**_COMMON, "mattr": "list", "mcpu": "str", "mtriple": "str", "llvm-options": "list",
                "num-cores": "int", "vtcm-capacity": "int"},
    "ext_dev": dict(_COMMON),
}
# target-taking callables: qualified name -> (position of the target parameter, keywords)
TARGET_PARAMS = {
    "tvm.relay.build": (1, ("target", "target_host")),
    "tvm.relay.build_module.build": (1, ("target", "target_host")),
    "tvm.relay.vm.compile": (1, ("target", "target_host")),
    "tvm.relay.create_executor": (3, ("target",)),
    "tvm.build": (1, ("target", "target_host")),
    "tvm.compile": (1, ("target",)),
    "tvm.relax.build": (1, ("target",)),
    "tvm.target.Target": (0, ("target", "host")),
    "tvm.target.target.Target": (0, ("target", "host")),
    "tvm.lower": (None, ()),
}


class TargetParseError(ValueError):
    pass


_LEGACY_OPTIONS = {
    "system-lib": "pass `system_lib=True` to `tvm.relax.build` instead",
    "link-params": "weights are bound into the module with `relax.transform.BindParams`",
    "executor": "there is no AOT/graph executor choice: `tvm.compile` builds for the Relax VM",
    "runtime": "there is no C runtime choice: `tvm.compile` builds for the Relax VM",
    "interface-api": "AOT interfaces are gone", "unpacked-api": "AOT interfaces are gone",
}


def parse_target(text: str) -> dict:
    """``"llvm -mcpu=x -mattr=+a,+b"`` -> ``{"kind": "llvm", "mcpu": "x", "mattr": ["+a", "+b"]}``."""
    tokens = shlex.split(text)
    if not tokens:
        raise TargetParseError("empty target string")
    kind = tokens[0]
    if kind not in ATTR_TYPES:
        raise TargetParseError(f"unknown target kind `{kind}`")
    types = ATTR_TYPES[kind]
    result: dict = {"kind": kind}
    for token in tokens[1:]:
        if not token.startswith("-"):
            raise TargetParseError(f"unexpected `{token}`")
        key, eq, value = token.lstrip("-").partition("=")
        if key not in types:
            hint = _LEGACY_OPTIONS.get(key)
            raise TargetParseError(f"`-{key}` is not an option of `{kind}` targets in TVM 0.27"
                                   + (f" ({hint})" if hint else ""))
        kind_of = types[key]
        if not eq:
            if kind_of != "bool":
                raise TargetParseError(f"`-{key}` needs a value")
            result[key] = True
        elif kind_of == "int":
            try:
                result[key] = int(value)
            except ValueError as exc:
                raise TargetParseError(f"`-{key}` needs an integer") from exc
        elif kind_of == "bool":
            result[key] = value.lower() in ("1", "true")
        elif kind_of == "list":
            result[key] = [v for v in value.split(",") if v]
        else:
            result[key] = value
    return result


def _literal(value) -> cst.BaseExpression:
    if isinstance(value, bool):
        return cst.Name(repr(value))
    if isinstance(value, int):
        return cst.Integer(str(value))
    if isinstance(value, list):
        return cst.List([cst.Element(_literal(v)) for v in value])
    return string_literal(str(value))


def target_dict(parsed: dict) -> cst.Dict:
    return cst.Dict([cst.DictElement(string_literal(k), _literal(v)) for k, v in parsed.items()])


@register
class TargetString(Rule):
    """CLI target strings with flags -> ``tvm.target.Target({...})``."""

    id = "target-string"
    safety = Safety.SAFE
    summary = 'target strings with flags ("llvm -mcpu=...") -> tvm.target.Target({"kind": ..., ...})'
    upstream = "apache/tvm#18785"
    triggers = (" -",)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._targets: dict[int, bool] = {}  # id(string node) -> inside Target(...) already

    def visit_Call(self, node: cst.Call) -> None:
        qual = self.ctx.resolve(node.func)
        if qual not in TARGET_PARAMS:
            return
        position, keywords = TARGET_PARAMS[qual]
        in_target = qual.endswith(".Target")
        index = 0
        for a in node.args:
            if a.keyword is None and not a.star:
                if index == position:
                    self._mark(a.value, in_target)
                index += 1
            elif a.keyword is not None and a.keyword.value in keywords:
                self._mark(a.value, in_target and a.keyword.value == "target")

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            name = t.target.value if isinstance(t.target, cst.Name) else (
                t.target.attr.value if isinstance(t.target, cst.Attribute) else "")
            if "target" in name.lower():
                self._mark(node.value, False)

    def visit_Param(self, node: cst.Param) -> None:
        # def build(mod, target="llvm -mcpu=..."):
        if node.default is not None and "target" in node.name.value.lower():
            self._mark(node.default, False)

    def visit_Arg(self, node: cst.Arg) -> None:
        # Classifier(path, target="llvm -mcpu=...")
        if node.keyword is not None and "target" in node.keyword.value.lower():
            self._mark(node.value, False)

    def _mark(self, node: cst.BaseExpression, in_target: bool) -> None:
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            self._targets.setdefault(id(node), in_target)  # the first (most specific) context wins

    def _rewrite(self, original, updated):
        if id(original) not in self._targets:
            return updated
        in_target = self._targets[id(original)]
        if isinstance(original, cst.FormattedString):
            if any(isinstance(p, cst.FormattedStringText) and " -" in p.value for p in original.parts):
                self.ctx.flag(self.id, original, "CLI target strings raise in TVM 0.27: build a dict, e.g. "
                              '`tvm.target.Target({"kind": "llvm", "mcpu": cpu})`')
            return updated
        text = string_value(original)
        if text is None or " -" not in text.strip():
            return updated
        try:
            parsed = parse_target(text)
        except TargetParseError as exc:
            self.ctx.flag(self.id, original, f"target string {text!r} raises in TVM 0.27 and cannot be "
                          f"converted: {exc}; write it as `tvm.target.Target({{\"kind\": ..., ...}})`")
            return updated
        new = target_dict(parsed)
        if not in_target:
            new = cst.Call(func=self.ctx.reference("tvm.target.Target"), args=[cst.Arg(new)])
        self.ctx.note(self.id, original, f"target string {text!r} -> JSON form (CLI target strings raise in 0.27)")
        return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_SimpleString(self, original, updated):
        return self._rewrite(original, updated)

    def leave_ConcatenatedString(self, original, updated):
        return self._rewrite(original, updated)

    def leave_FormattedString(self, original, updated):
        return self._rewrite(original, updated)
