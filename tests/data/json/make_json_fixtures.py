"""Write the JSON reader's fixtures with a REAL legacy Relay (TVM 0.14-0.19 era).

Run it with the legacy interpreter, never with TVM 0.27:

    /work/legacy/env/python tests/data/json/make_json_fixtures.py [OUT_DIR]
    /work/legacy/env/python tests/data/json/make_json_fixtures.py --resnet50 /tmp/resnet50.json

For each fixture NAME it writes ``NAME.json`` (or ``NAME.json.gz`` for the larger ones), exactly
what ``tvm.ir.save_json`` printed, and ``NAME.expect.json``: facts read back from the legacy
objects themselves (function order, parameter names and types, every call's op and attributes,
function attributes, spans, ADT definitions), so the tests compare tvm-migrate's reading with
what Relay itself holds. Constant values go to ``NAME.npz`` (bfloat16 stored as uint16 bits,
with the true dtypes in the expect file). ``all_dtypes.params`` is ``relay.save_param_dict``
output, with its values in ``all_dtypes.npz`` / ``all_dtypes.dtypes.json``.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile

import ml_dtypes
import numpy as np
import tvm
from tvm import relay
from tvm.relay import testing
from tvm.relay.prelude import Prelude

HERE = os.path.dirname(os.path.abspath(__file__))

TYPE_KINDS = {0: "Type", 1: "ShapeVar", 2: "BaseType", 4: "Constraint", 5: "AdtHandle", 6: "TypeData"}


# ----------------------------------------------------------------------------- facts


def dim_json(d):
    if isinstance(d, tvm.tir.IntImm):
        return int(d.value)
    if isinstance(d, tvm.tir.Any):
        return "?"
    if isinstance(d, tvm.tir.Var):  # SizeVar is a subclass
        return ["var", d.name, d.dtype]
    if isinstance(d, tvm.tir.Cast):
        return ["Cast", d.dtype, [dim_json(d.value)]]
    if hasattr(d, "a") and hasattr(d, "b"):
        return [type(d).__name__, d.dtype, [dim_json(d.a), dim_json(d.b)]]
    raise TypeError(f"unexpected dim {type(d)} {d}")


def type_json(t):
    if t is None:
        return None
    if isinstance(t, relay.TensorType):
        return ["tensor", [dim_json(d) for d in t.shape], t.dtype]
    if isinstance(t, relay.TupleType):
        return ["tuple", [type_json(f) for f in t.fields]]
    if isinstance(t, relay.FuncType):
        return ["func", [type_json(a) for a in t.arg_types], type_json(t.ret_type), [type_json(p) for p in t.type_params]]
    if isinstance(t, relay.GlobalTypeVar):
        return ["gtv", t.name_hint]
    if isinstance(t, relay.TypeVar):
        return ["typevar", t.name_hint, TYPE_KINDS[int(t.kind)]]
    if isinstance(t, relay.TypeCall):
        return ["call", type_json(t.func), [type_json(a) for a in t.args]]
    if isinstance(t, relay.RefType):
        return ["ref", type_json(t.value)]
    if isinstance(t, relay.IncompleteType):
        return ["incomplete"]
    raise TypeError(f"unexpected type {type(t)}")


def checked(e):
    try:
        return type_json(e.checked_type)
    except (ValueError, tvm.TVMError):
        return None


def value_json(v):
    """An attribute value as plain JSON (IntImm -> int, Array -> list, String -> str, ...)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, tvm.tir.IntImm):
        return bool(v.value) if v.dtype == "bool" else int(v.value)
    if isinstance(v, tvm.tir.FloatImm):
        return float(v.value)
    if isinstance(v, tvm.runtime.container.String):
        return str(v)
    if isinstance(v, (tvm.ir.container.Array, list, tuple)):
        return [value_json(x) for x in v]
    if isinstance(v, tvm.ir.container.Map):
        return {str(k): value_json(x) for k, x in v.items()}
    if isinstance(v, tvm.target.Target):
        config = {"kind": v.kind.name, **{str(k): value_json(x) for k, x in v.attrs.items()}, "keys": [str(k) for k in v.keys]}
        if v.tag:
            config["tag"] = v.tag
        if v.host is not None:
            config["host"] = value_json(v.host)
        return config
    return ["object", type(v).__name__]


def attrs_json(attrs):
    if attrs is None:
        return None
    # Vendor attrs types have no Python class (no .keys()): list their fields through the FFI.
    names = [info.name for info in tvm.ir._ffi_api.AttrsListFieldInfo(attrs)]
    return {"type_key": attrs.type_key, "fields": {k: value_json(getattr(attrs, k)) for k in names}}


def func_attrs_json(func):
    if func.attrs is None:
        return {}
    return {str(k): value_json(v) for k, v in func.attrs.items()}


def span_json(span):
    if span is None:
        return None
    return [span.source_name.name, span.line, span.column, span.end_line, span.end_column]


def expr_facts(funcs):
    """Calls, local functions and spans of every expression reachable from `funcs`."""
    calls, local_funcs, spans, lets = [], [], [], []
    seen = set()

    def visit(e):
        if e in seen:
            return
        seen.add(e)
        if isinstance(e, relay.Call):
            op = e.op.name if isinstance(e.op, tvm.ir.Op) else type(e.op).__name__
            calls.append([op, attrs_json(e.attrs), len(e.args)])
            spans.append(["call", op, span_json(e.span)])
        elif isinstance(e, relay.Function) and e not in tops:
            local_funcs.append({"params": [p.name_hint for p in e.params], "attrs": func_attrs_json(e), "type": checked(e)})
        elif isinstance(e, relay.Let):
            lets.append([e.var.name_hint, checked(e.var)])

    tops = set(funcs)
    for f in funcs:
        relay.analysis.post_order_visit(f, visit)
    key = lambda x: json.dumps(x, sort_keys=True)  # noqa: E731
    return {
        "calls": sorted(calls, key=key),
        "local_functions": sorted(local_funcs, key=key),
        "call_spans": sorted(spans, key=key),
        "lets": sorted(lets, key=key),
    }


def module_facts(mod):
    funcs = []
    for gv, func in mod.functions.items():
        funcs.append(
            {
                "name": gv.name_hint,
                "params": [[p.name_hint, type_json(p.type_annotation), checked(p)] for p in func.params],
                "ret_type": type_json(func.ret_type),
                "type": checked(func),
                "attrs": func_attrs_json(func),
                "span": span_json(func.span),
            }
        )
    typedefs = {}
    for gtv in mod.get_global_type_vars():
        data = mod.type_definitions[gtv]
        typedefs[gtv.name_hint] = {
            "type_vars": [type_json(v) for v in data.type_vars],
            "constructors": [[c.name_hint, [type_json(i) for i in c.inputs], int(c.tag)] for c in data.constructors],
        }
    facts = {"functions": funcs, "type_definitions": typedefs}
    facts.update(expr_facts([f for f in mod.functions.values()]))
    return facts


# ----------------------------------------------------------------------------- writing


def write(out, name, obj, facts, compress=False):
    text = tvm.ir.save_json(obj)
    path = os.path.join(out, name + (".json.gz" if compress else ".json"))
    if compress:
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(text.encode())
    else:
        with open(path, "w") as fh:
            fh.write(text)
    facts["call_spans"] = [s for s in facts.get("call_spans", []) if s[2] is not None]
    expect = json.dumps(facts, separators=(",", ":"), sort_keys=True).encode()
    if compress:
        with gzip.GzipFile(os.path.join(out, name + ".expect.json.gz"), "wb", mtime=0) as fh:
            fh.write(expect)
    else:
        with open(os.path.join(out, name + ".expect.json"), "wb") as fh:
            fh.write(expect)
    print(f"{path}: {os.path.getsize(path)} bytes")


def save_arrays(path_base, arrays):
    """npz of `arrays` (bfloat16 as its uint16 bits) plus the true dtypes beside it."""
    dtypes = {k: str(v.dtype) for k, v in arrays.items()}
    plain = {k: (v.view(np.uint16) if v.dtype == ml_dtypes.bfloat16 else v) for k, v in arrays.items()}
    np.savez(path_base + ".npz", **plain)
    with open(path_base + ".dtypes.json", "w") as fh:
        json.dump(dtypes, fh, indent=1, sort_keys=True)


CONTROL_FLOW = """#[version = "0.0.5"]
def @helper(%hx: Tensor[(2), float32]) -> Tensor[(2), float32] {
  nn.relu(%hx)
}
def @main(%a: Tensor[(2), float32], %y: (Tensor[(2), float32], bool)) {
  let %clo = fn (%z: Tensor[(2), float32]) { multiply(%z, %z) };
  %0 = fn (%x: Tensor[(2), float32], %y1: (Tensor[(2), float32], bool)) {
    let %v = add(%x, 1f);
    if (%y1.1) { (%v, %x) } else { (%x, %v) }
  };
  %1 = fn (%q: Tensor[(2), float32], Primitive=1, Compiler="ccompiler", global_symbol="prim0", Composite="my.relu") {
    nn.relu(%q)
  };
  (%clo(%a), @helper(%a), %0(%a, %y), %1(%a))
}
"""

ADT = """#[version = "0.0.5"]
type MyList[A] {
  MyCons(A, MyList[A]),
  MyNil,
}
def @sum_list(%l: MyList[int32]) -> int32 {
  match (%l) {
    MyCons(%h, %t) => add(%h, @sum_list(%t)),
    MyNil => 0,
  }
}
def @first_or(%l: MyList[int32], %d: int32) -> int32 {
  match? (%l) {
    MyCons(%h, _) => %h,
  }
}
def @pairs(%p: (int32, int32)) -> int32 {
  match (%p) {
    (%a, %b) => add(%a, %b),
  }
}
def @main() -> int32 {
  @sum_list(MyCons(1, MyCons(2, MyNil)))
}
"""


def control_flow():
    mod = tvm.relay.fromtext(CONTROL_FLOW)
    # A string attribute with a newline is written as "repr_b64", not "repr_str".
    helper = mod.get_global_var("helper")
    mod[helper] = mod[helper].with_attr("note", "line one\nline two").with_attr(
        "target", tvm.target.Target("llvm -mtriple=x86_64-linux-gnu")
    )
    # Module attributes may hold objects a Relay program does not need (an Executor).
    mod = mod.with_attr("executor", relay.backend.Executor("aot", {"interface-api": "c"})).with_attr("model_name", tvm.runtime.String("cf"))
    return relay.transform.InferType()(mod)


def refs():
    r, u = relay.var("r"), relay.var("u")
    body = relay.Let(r, relay.RefCreate(relay.const(1)), relay.Let(u, relay.RefWrite(r, relay.const(2)), relay.RefRead(r)))
    return relay.transform.InferType()(tvm.IRModule.from_expr(relay.Function([], body)))


def prelude_subset():
    """The Prelude's list/option/tree ADTs and a few of its functions (the whole Prelude is 1.8 MB)."""
    p = Prelude()
    keep = ["map", "foldl", "foldr", "hd", "tl", "nth", "length", "filter", "size", "iterate", "compose", "id"]
    mod = tvm.IRModule()
    for name in ["List", "Option", "Tree"]:
        gtv = p.mod.get_global_type_var(name)
        mod[gtv] = p.mod[gtv]
    todo = [p.mod.get_global_var(name) for name in keep]
    while todo:  # add every global function they call
        gv = todo.pop()
        if gv.name_hint in [g.name_hint for g in mod.get_global_vars()]:
            continue
        mod[gv] = p.mod[gv]
        relay.analysis.post_order_visit(p.mod[gv], lambda e: todo.append(e) if isinstance(e, relay.GlobalVar) else None)
    return mod


def dynamic():
    n = tvm.tir.SizeVar("n", "int64")
    m = tvm.tir.Var("m", "int32")
    xd = relay.var("xd", shape=(relay.Any(), 3), dtype="float32")
    xs = relay.var("xs", shape=(n, 4), dtype="float32")
    xt = relay.var("xt", shape=(m, n), dtype="float32")
    cat = relay.concatenate([xs, xs], axis=0)  # checked type (n + n, 4): a tir.Add dimension
    body = relay.Tuple([relay.nn.relu(xd), relay.sum(xs, axis=[1], keepdims=True), xt, cat, relay.reshape(cat, (-1,))])
    return relay.transform.InferType()(tvm.IRModule.from_expr(relay.Function([xd, xs, xt], body)))


CONST_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"]


def constant_values():
    values = {}
    for dt in CONST_DTYPES:
        a = (np.arange(6).reshape(2, 3) - (2 if dt[0] in "fi" else 0)).astype(dt)
        values[f"c_{dt}"] = a
    values["c_bfloat16"] = np.array([0.5, -1.25, 3.0, 65280.0], dtype=ml_dtypes.bfloat16)
    values["c_scalar"] = np.array(3.5, dtype="float32")
    values["c_true"] = np.array(True)
    values["c_empty"] = np.zeros((0, 3), dtype="float32")
    values["c_special"] = np.array([np.inf, -np.inf, np.nan, -0.0, 1e-45], dtype="float32")
    return values


def constants():
    values = constant_values()
    consts = [relay.const(tvm.nd.array(v)) for v in values.values()]
    shared = consts[1]
    body = relay.Tuple(consts + [shared])  # the same Constant twice: shared in the JSON
    return tvm.IRModule.from_expr(relay.Function([], body)), values


def fused():
    """A small conv net after FuseOps: local functions with Primitive=1, shared across the graph."""
    mod, _ = testing.dqn.get_workload(batch_size=1, num_actions=4, image_shape=(4, 21, 21))
    seq = tvm.transform.Sequential([relay.transform.SimplifyInference(), relay.transform.FuseOps(fuse_opt_level=2)])
    with tvm.transform.PassContext(opt_level=3):
        return relay.transform.InferType()(seq(mod))


def vendor_csi():
    """Calls of the fork's vendor ops (qnn.csi.*): attrs types no upstream table knows."""
    x = relay.var("x", shape=(1, 3, 8, 8), dtype="float32")
    w = relay.const(np.ones((4, 3, 3, 3), "float32"))
    b = relay.const(np.zeros((4,), "float32"))
    q = [[1, 0, 1, 0.5, 3], [1, 0, 1, 0.25, 1], [1, 0, 1, 0.125, 2]]
    y = relay.qnn.op.csi_conv2d(x, w, b, (1, 1), (1, 1, 1, 1), (1, 1), 1, 4, (3, 3), "NCHW", "OIHW", "", "float32", q, "conv_0")
    y = relay.qnn.op.csi_relu(y, "float32", q, layer_name="relu_0")
    y = relay.qnn.op.csi_leaky_relu(y, 0.1, "float32", q, layer_name="0")
    return relay.transform.InferType()(tvm.IRModule.from_expr(relay.Function([x], y)))


def all_dtypes_params():
    rng = np.random.default_rng(0)
    params = {}
    for dt in ["float16", "float32", "float64"]:
        params[f"p_{dt}"] = rng.standard_normal((3, 4)).astype(dt)
    for dt in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]:
        info = np.iinfo(dt)
        params[f"p_{dt}"] = np.array([info.min, info.max, 0, 1, 7], dtype=dt)
    params["p_bfloat16"] = rng.standard_normal((2, 3)).astype(ml_dtypes.bfloat16)
    params["p_bool"] = np.array([[True, False, True], [False, False, True]])
    params["p_scalar"] = np.array(-2.5, dtype="float32")
    params["p_empty"] = np.zeros((0, 5), dtype="int32")
    params["p_4d"] = rng.standard_normal((2, 3, 2, 2)).astype("float32")
    return params


def main(argv):
    if len(argv) >= 2 and argv[0] == "--resnet50":
        mod, _ = testing.resnet.get_workload(num_layers=50, batch_size=1)
        with open(argv[1], "w") as fh:
            fh.write(tvm.ir.save_json(mod))
        print(f"{argv[1]}: {os.path.getsize(argv[1])} bytes")
        return 0
    out = os.path.abspath(argv[0] if argv else HERE)
    os.makedirs(out, exist_ok=True)
    os.chdir(tempfile.mkdtemp())  # relay.testing memoizes into the working directory

    mobilenet, _ = testing.mobilenet.get_workload(batch_size=1, image_shape=(3, 32, 32))
    write(out, "mobilenet", mobilenet, module_facts(mobilenet), compress=True)
    write(out, "fused_dqn", fused(), module_facts(fused()), compress=True)
    cf = control_flow()
    write(out, "control_flow", cf, module_facts(cf))
    adt = relay.transform.InferType()(tvm.relay.fromtext(ADT))
    write(out, "adt", adt, module_facts(adt))
    prelude = prelude_subset()
    write(out, "prelude_subset", prelude, module_facts(prelude), compress=True)
    dyn = dynamic()
    write(out, "dynamic", dyn, module_facts(dyn))
    rf = refs()
    write(out, "refs", rf, module_facts(rf))
    csi = vendor_csi()
    write(out, "vendor_csi", csi, module_facts(csi))

    cmod, values = constants()
    facts = module_facts(cmod)
    facts["constants"] = list(values)
    facts["constant_dtypes"] = {k: str(v.dtype) for k, v in values.items()}
    write(out, "constants", cmod, facts)
    save_arrays(os.path.join(out, "constants"), values)

    x = relay.var("x", shape=(1, 4), dtype="float32")
    bare = relay.Function([x], relay.nn.softmax(relay.nn.relu(x), axis=1))
    write(out, "bare_function", bare, expr_facts([bare]) | {"params": [p.name_hint for p in bare.params]})
    expr = relay.add(relay.nn.relu(x), relay.const(np.ones((1, 4), "float32")))
    write(out, "bare_expr", expr, expr_facts([expr]))

    # The "#[metadata]" section that mod.astext(show_meta_data=True) prints.
    text = dyn.astext(show_meta_data=True)
    with open(os.path.join(out, "dynamic.relay"), "w") as fh:
        fh.write(text)

    params = all_dtypes_params()
    blob = relay.save_param_dict({k: tvm.nd.array(v) for k, v in params.items()})
    with open(os.path.join(out, "all_dtypes.params"), "wb") as fh:
        fh.write(blob)
    back = {k: v.numpy() for k, v in relay.load_param_dict(blob).items()}
    for k, v in params.items():  # the legacy reader agrees with what we saved
        assert back[k].shape == v.shape and back[k].tobytes() == v.tobytes(), k
    save_arrays(os.path.join(out, "all_dtypes"), params)
    print(f"all_dtypes.params: {len(blob)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
