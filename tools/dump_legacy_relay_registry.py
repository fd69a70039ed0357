"""Dump a legacy Relay build's op -> attrs type key map, and its attrs defaults, as JSON.

Run it with the LEGACY python (never with TVM 0.27 in the same process):

    /work/legacy/env/python tools/dump_legacy_relay_registry.py \\
        --ops /work/shared/relay-ops-v0.19.txt --out tools/legacy_relay_registry.json

Output: {"tvm_version", "ops": {name: type key, null (no attrs) or "__missing__"},
"attrs": {type key: {"fields": [{"name", "type_info", "default"?}], "error"?}}}.
`tools/gen_relay_attrs_table.py --legacy-registry` reads it (op cross-check, and the attrs type of
ops with no upstream registration); `--type-keys` adds attrs types to describe (one a line).
"""

from __future__ import annotations

import argparse
import json
import re

import tvm
from tvm import relay  # noqa: F401  (registers the relay.attrs.* Python classes)


def to_json(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tvm.tir.IntImm):
        return bool(value.value) if value.dtype == "bool" else int(value.value)
    if isinstance(value, tvm.tir.FloatImm):
        return float(value.value)
    if isinstance(value, tvm.runtime.container.String):
        return str(value)
    if isinstance(value, (tvm.ir.container.Array, list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, tvm.ir.container.Map):
        return {str(k): to_json(v) for k, v in value.items()}
    return {"__repr__": str(value).strip()}


def _placeholders():
    """Values tried for a required field so that make_node can build the node."""
    return [1, "float32", tvm.runtime.convert([1]), relay.const(1), tvm.runtime.String("x"),
            tvm.tir.IntImm("int32", 1), tvm.tir.FloatImm("float32", 0.5), tvm.runtime.convert([[1]]),
            tvm.target.VirtualDevice()]


def describe_attrs(type_key: str) -> dict:
    """Build the attrs with make_node, giving required fields placeholders, one field at a time.

    make_node checks fields in declaration order, so a type error is about the field added last.
    """
    given: dict = {}
    tries: dict = {}
    node, error = None, None
    for _ in range(60):
        try:
            node = tvm.ir.make_node(type_key, **given)
            break
        except Exception as exc:  # noqa: BLE001 - the FFI raises many kinds
            error = str(exc).strip().splitlines()[-1][:300]
            m = re.search(r"Cannot find required field '(\w+)'", error)
            if m and m.group(1) not in given:
                name = m.group(1)
            elif given:
                name = list(given)[-1]
            else:
                break
            tries[name] = tries.get(name, -1) + 1
            if tries[name] >= len(_placeholders()):
                break
            given[name] = _placeholders()[tries[name]]
    if node is None:
        return {"error": error or "could not construct", "required": sorted(given)}
    required = list(given)
    fields = []
    for info in tvm.ir._ffi_api.AttrsListFieldInfo(node):
        name = str(info.name)
        entry = {"name": name, "type_info": str(info.type_info)}
        if name in required:
            entry["required"] = True
        else:
            entry["default"] = to_json(node.__getattr__(name))
        fields.append(entry)
    return {"fields": fields}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ops", required=True)
    ap.add_argument("--type-keys", help="extra attrs type keys to describe, one a line")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    names = [line.strip() for line in open(args.ops) if line.strip()]
    ops = {}
    for name in names:
        try:
            op = tvm.ir.Op.get(name)
        except Exception:  # noqa: BLE001
            ops[name] = "__missing__"
            continue
        ops[name] = str(op.attrs_type_key) or None
    keys = {k for k in ops.values() if k and k != "__missing__"}
    if args.type_keys:
        keys |= {line.strip() for line in open(args.type_keys) if line.strip()}
    attrs = {k: describe_attrs(k) for k in sorted(keys) if k != "DictAttrs"}
    out = {"tvm_version": tvm.__version__, "ops": ops, "attrs": attrs}
    with open(args.out, "w") as f:
        json.dump(out, f, sort_keys=True, indent=1)
        f.write("\n")
    print(f"wrote {args.out}: {len(ops)} ops ({sum(v == '__missing__' for v in ops.values())} missing), {len(attrs)} attrs types")


if __name__ == "__main__":
    main()
