"""Regenerate the Relay text fixtures of tests/test_text_parser.py with a real legacy Relay.

    /work/legacy/env/python tests/data/text/make_text_fixtures.py

Each fixture is what `mod.astext()` printed (TVM 0.16 "hhb-tvm" fork, Relay as in 0.14-0.19).
Where a `<name>.json` twin is written too, it is `tvm.ir.save_json(mod)` of the same module, so
the test can check that both forms read to the same program.
"""

from __future__ import annotations

import os
import re

import numpy as np
import tvm
from tvm import relay, tir

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name: str, mod, *, meta: bool = True, json_twin: bool = True) -> None:
    with open(os.path.join(HERE, name + ".relay"), "w", encoding="utf-8") as handle:
        handle.write(mod.astext(show_meta_data=meta))
    if json_twin:
        with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as handle:
            handle.write(tvm.ir.save_json(mod))


def infer(expr_or_mod):
    mod = expr_or_mod if isinstance(expr_or_mod, tvm.IRModule) else tvm.IRModule.from_expr(expr_or_mod)
    return relay.transform.InferType()(mod)


def basic():
    """Graph bindings, shared nodes, inline scalars, a tensor constant, tuples and projections."""
    x = relay.var("x", shape=(1, 3, 8, 8))
    w = relay.var("conv1/7x7_s2_b_0", shape=(4, 3, 3, 3))
    y = relay.nn.conv2d(x, w, padding=(1, 1), channels=4, kernel_size=(3, 3))
    y = relay.nn.relu(y)
    y = relay.add(y, relay.const(np.arange(4, dtype="float32").reshape(4, 1, 1)))
    y = relay.add(y, relay.const(1.0))
    y = relay.multiply(y, relay.const(2, "int64").astype("float32"))
    t = relay.Tuple([y, relay.nn.max_pool2d(y, pool_size=(2, 2))])
    out = relay.Tuple([relay.TupleGetItem(t, 0), relay.TupleGetItem(t, 1), relay.Tuple([x]), relay.Tuple([])])
    mod = infer(relay.Function(relay.analysis.free_vars(out), out))
    write("basic", mod)
    write("basic_nometa", mod, meta=False, json_twin=False)


def literals():
    """Every scalar literal form the printer writes, attrs at non-defaults, meta attrs in place of attrs."""
    x = relay.var("x", shape=(3, 3))
    k = relay.var("k", shape=(), dtype="int64")
    y = relay.trilu(x, k, upper=False)  # TriluAttrs on an op without an attrs type: printed as meta
    y = relay.nn.leaky_relu(y, alpha=0.1234567)
    y = relay.clip(y, -np.inf, np.inf)
    y = relay.add(y, relay.const(float("nan")))
    y = relay.add(y, relay.const(-1e6))
    y = relay.add(y, relay.const(1e-5))
    for value in (np.float16(2.5), np.float64(2.5), np.int16(3), np.int8(3), np.uint8(3), True, -7):
        y = relay.add(y, relay.const(value).astype("float32"))
    y = relay.expand_dims(y, 0, 2)
    y = relay.image.resize2d(y, (6, 6), layout="NCHW", method="linear", coordinate_transformation_mode="align_corners")
    y = relay.annotation.stop_fusion(y)
    y = relay.reshape(y, newshape=[-1])
    y = relay.strided_slice(y, begin=[0], end=[5], strides=[1])
    write("literals", infer(relay.Function([x, k], y)))


def dynamic():
    """Symbolic dimensions: tir.SizeVar, tir.Var (both via metadata) and `?`."""
    n = tir.SizeVar("n", "int64")
    m = tir.Var("m", "int32")
    x = relay.var("x", shape=(n, 3))
    y = relay.var("y", shape=(relay.Any(), 3))
    z = relay.var("z", shape=(m, 3))
    out = relay.Tuple([relay.nn.relu(x), relay.nn.relu(y), relay.nn.relu(z)])
    write("dynamic", infer(relay.Function([x, y, z], out)))


def control():
    """`let`, `if`, a recursive closure bound by `let` (a while loop), a let chain."""
    i = relay.var("i", shape=(), dtype="int32")
    acc = relay.var("acc", shape=(2,))
    loop = relay.var("while_loop")
    body = relay.If(
        relay.less(i, relay.const(10)),
        relay.Call(loop, [relay.add(i, relay.const(1)), relay.multiply(acc, relay.const(2.0))]),
        relay.Tuple([i, acc]),
    )
    func = relay.Function([i, acc], body)
    x = relay.var("x", shape=(2,))
    t = relay.var("t", shape=(2,))
    prog = relay.Let(loop, func, relay.TupleGetItem(relay.Call(loop, [relay.const(0), x]), 1))
    prog = relay.Let(t, relay.nn.relu(x), relay.add(prog, t))
    write("control", infer(relay.Function([x], prog)))


def bare_expression():
    """An expression printed on its own: `free_var` lines and a let printed inside parentheses."""
    a = relay.var("a", shape=(), dtype="bool")
    b = relay.var("b", shape=(2,))
    v = relay.var("v", shape=(2,))
    body = relay.Let(v, relay.add(b, b), relay.If(a, relay.multiply(v, v), relay.subtract(v, b)))
    expr = relay.add(body, relay.var("free", shape=(2,)))
    with open(os.path.join(HERE, "bare_expression.relay"), "w", encoding="utf-8") as handle:
        handle.write(expr.astext())


def fused():
    """FuseOps output: `fn (..., Primitive=1)` closures bound to %N and called; printer-mangled names."""
    x = relay.var("x", shape=(1, 8))
    w = relay.var("aten::linear_0.weight", shape=(4, 8))
    y = relay.nn.relu(relay.add(x, relay.const(1.0)))
    y = relay.exp(relay.nn.dense(y, w))  # printed as units=None
    y = relay.Tuple([y, relay.nn.relu(relay.var("0", shape=(1, 4)))])
    mod = infer(relay.Function(relay.analysis.free_vars(y), y))
    write("fused", relay.transform.FuseOps(fuse_opt_level=2)(mod))


def partitioned():
    """BYOC partitioning: Composite/Compiler/global_symbol attrs, @main calling a later def."""
    from tvm.relay.dataflow_pattern import is_op, wildcard

    x = relay.var("x", shape=(1, 3, 8, 8))
    w = relay.var("w", shape=(4, 3, 3, 3))
    y = relay.nn.relu(relay.nn.conv2d(x, w, kernel_size=(3, 3), channels=4))
    mod = tvm.IRModule.from_expr(relay.Function([x, w], y))
    pattern = is_op("nn.relu")(is_op("nn.conv2d")(wildcard(), wildcard()))
    mod = relay.transform.MergeComposite([("dnnl.conv2d_relu", pattern)])(mod)
    mod = relay.transform.AnnotateTarget(["dnnl"])(mod)
    mod = relay.transform.MergeCompilerRegions()(mod)
    write("partitioned", relay.transform.PartitionGraph()(mod))


def references():
    """ref / ref_read / ref_write and a let of unit type."""
    r = relay.var("r")
    x = relay.var("x", shape=(2,))
    update = relay.RefWrite(r, relay.add(relay.RefRead(r), x))
    body = relay.Let(r, relay.RefCreate(x), relay.Let(relay.var("_"), update, relay.RefRead(r)))
    write("references", infer(relay.Function([x], body)))


def spans_and_strings():
    """`/* span=... */` comments and a string attribute needing every escape the printer writes."""
    x = relay.var("x", shape=(2,))
    span = tvm.ir.Span(tvm.ir.SourceName("my model.py"), 3, 3, 7, 9)
    inner_x = relay.var("x", shape=(2,))
    call = relay.Call(relay.op.get("nn.relu"), [inner_x], span=span)
    func = relay.Function([inner_x], call).with_attr("Composite", 'a"b\\c\n\td\x01\u00e9').with_attr("Primitive", 1)
    write("spans_and_strings", tvm.IRModule.from_expr(relay.Function([x], relay.Call(func, [x]))))


def qnn():
    d = relay.var("d", shape=(1, 4), dtype="uint8")
    q = relay.qnn.op.dequantize(d, relay.const(0.5), relay.const(3))
    q = relay.qnn.op.quantize(q, relay.const(0.25), relay.const(1), out_dtype="int8")
    write("qnn", infer(relay.Function([d], q)))


def adt():
    """Part of the Relay prelude: ADTs (List, Option, Tree), match, constructors, polymorphism."""
    mod = tvm.IRModule()
    relay.prelude.Prelude(mod)
    text = mod.astext()
    keep_types = ("List", "Option", "Tree")
    keep_defs = ("map", "foldl", "foldr", "filter", "hd", "tl", "nth", "concat", "compose", "iterate",
                 "size", "tmap", "length", "rev", "sum", "id", "flip")
    blocks = text.split("\n\n")
    out = [blocks[0].split("\n")[0]]  # the version line
    blocks[0] = "\n".join(blocks[0].split("\n")[1:])
    for block in blocks:
        head = block.lstrip()
        m = re.match(r"(type|def) @?([\w]+)", head)
        if m and ((m.group(1) == "type" and m.group(2) in keep_types) or m.group(2) in keep_defs):
            out.append(block.rstrip("\n"))
    # Spans name this machine's prelude.rly: keep only the file's base name.
    body = re.sub(r"span=[^ ]*/(prelude\.rly:\d+:\d+)", r"span=\1", "\n\n".join(out[1:]))
    with open(os.path.join(HERE, "adt.relay"), "w", encoding="utf-8") as handle:
        handle.write(out[0] + "\n" + body + "\n")


if __name__ == "__main__":
    for make in (basic, literals, dynamic, control, bare_expression, fused, partitioned, references,
                 spans_and_strings, qnn, adt):
        make()
    print("fixtures written to", HERE)
