"""Export a legacy Relay module as a self-describing test bundle (run it in the OLD environment).

Copy this one file next to your old TVM (0.14 - 0.19, the Relay era) and run, for example:

    python relay_export.py model.onnx --shape input=1,3,224,224 -o bundle/
    python relay_export.py model.relay --params model.params -o bundle/
    python relay_export.py model.json --params model.params --intermediates -o bundle/

or call `export_bundle(mod, params, inputs, out_dir)` from Python. It imports only `tvm`, `numpy`
and the standard library (plus `onnx` for .onnx models), so it never needs tvm-migrate installed.

A bundle is a directory holding (the layout is a contract read by tvm-migrate):

    model.relay    mod.astext(show_meta_data=True)
    model.json     tvm.ir.save_json(mod)
    model.params   relay.save_param_dict(params)
    inputs.npz     one array per Relay parameter of main that is not in params, keyed by its name;
                   a name shared by several parameters is written `name#i` (i = parameter position);
                   a tuple-typed parameter `t` is written `t.0`, `t.1`, ... (nested: `t.0.1`)
    outputs.npz    output_0 .. output_{n-1}: the outputs of main, nested tuples flattened depth-first
    meta.json      TVM version, target, executor, opt_level, latency, creation time, array dtypes
    intermediates.npz   (optional, --intermediates) the value of every expression node of main, from
                   an unfused opt_level=0 Relay VM run, keyed by the node's index in model.json's
                   "nodes" list; a tuple-valued node `k` is written `k.0`, `k.1`, ... (nested `k.0.1`)

npz files cannot carry bfloat16: such arrays are stored as their uint16 bit patterns and
meta.json records their dtype as "bfloat16".
"""

import argparse
import datetime
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time

import numpy as np
import tvm
from tvm import relay

DEFAULT_TARGET = "llvm -mtriple=x86_64-linux-gnu"
BUNDLE_FILES = ("model.relay", "model.json", "model.params", "inputs.npz", "outputs.npz", "meta.json")
DEFAULT_INT_RANGE = (0, 4)


class ExportError(Exception):
    """Something the user can fix (bad input, missing shape); the CLI prints it without a traceback."""


# ----------------------------------------------------------------------------------------------
# Signature of main: names, types, flattening
# ----------------------------------------------------------------------------------------------


def _infer(mod):
    return relay.transform.InferType()(mod)


def _is_tuple_type(ty):
    return isinstance(ty, relay.TupleType)


def _flatten_type(ty, prefix):
    """Yield (key, TensorType) for a parameter type; tuple fields become prefix.0, prefix.1, ..."""
    out = []
    stack = [(prefix, ty)]
    while stack:
        key, t = stack.pop()
        if _is_tuple_type(t):
            for i in reversed(range(len(t.fields))):
                stack.append(("%s.%d" % (key, i), t.fields[i]))
        elif isinstance(t, relay.TensorType):
            out.append((key, t))
        else:
            raise ExportError(
                "parameter %r has type %s, which cannot be fed from an .npz file "
                "(only tensors and tuples of tensors); bind it or change main's signature" % (prefix, t)
            )
    return out


def input_keys(func, params):
    """Return [(param_index, var, base_key)] for main's parameters that are not bound by params."""
    names = [p.name_hint for p in func.params]
    counts = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    keys = []
    for i, p in enumerate(func.params):
        n = p.name_hint
        if n in params and counts[n] == 1:
            continue
        base = n if counts[n] == 1 else "%s#%d" % (n, i)
        keys.append((i, p, base))
    return keys


def _static_shape(tensor_type, key, shapes):
    if key in shapes:
        return tuple(int(d) for d in shapes[key])
    dims = []
    for d in tensor_type.shape:
        if isinstance(d, tvm.tir.IntImm):
            dims.append(int(d.value))
        else:
            raise ExportError(
                "input %r has a dynamic shape %s; give its concrete shape (CLI: --shape %s=d0,d1,...; "
                "Python: shapes={%r: (...)}) or pass the array itself" % (key, tensor_type.shape, key, key)
            )
    return tuple(dims)


def _random_array(rng, shape, dtype, low_high):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype == "bfloat16":
        f = rng.uniform(-1.0, 1.0, size=shape).astype("float32") if low_high is None else rng.uniform(
            low_high[0], low_high[1], size=shape).astype("float32")
        return _float32_to_bf16_bits(f)
    np_dtype = np.dtype(dtype)
    if np_dtype.kind == "f":
        low, high = (-1.0, 1.0) if low_high is None else low_high
        return rng.uniform(low, high, size=shape).astype(np_dtype)
    if np_dtype.kind in "iu":
        low, high = DEFAULT_INT_RANGE if low_high is None else low_high
        return rng.integers(int(low), int(high), size=shape).astype(np_dtype)
    raise ExportError("cannot generate random data of dtype %s; pass the input array" % dtype)


def _contiguous(arr, dtype=None):
    """C-contiguous copy-if-needed that keeps 0-d arrays 0-d (np.ascontiguousarray makes them 1-d)."""
    return np.asarray(arr, dtype=dtype, order="C")


def _float32_to_bf16_bits(f):
    bits = _contiguous(f, "float32").view("uint32").astype("uint64")
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16  # round to nearest even
    return rounded.astype("uint16")


def _to_numpy(nd):
    """NDArray -> (numpy array safe for npz, dtype string)."""
    dtype = str(nd.dtype)
    arr = nd.numpy()
    if dtype == "bfloat16":
        arr = _contiguous(arr).view("uint16")
    return arr, dtype


def _to_ndarray(arr, dtype, dev):
    if dtype == "bfloat16":
        nd = tvm.nd.empty(arr.shape, "bfloat16", dev)
        bits = _contiguous(arr).view("uint16")
        try:
            nd.copyfrom(bits)
        except Exception:  # newer TVM wants ml_dtypes.bfloat16 arrays
            import ml_dtypes  # pylint: disable=import-outside-toplevel

            nd.copyfrom(bits.view(ml_dtypes.bfloat16))
        return nd
    return tvm.nd.array(_contiguous(arr).astype(dtype, copy=False), dev)


def make_inputs(func, params, inputs=None, seed=0, shapes=None, input_ranges=None):
    """Build the flat {key: numpy array} for main's free parameters and the per-key dtype.

    Keys follow the bundle convention (see module docstring). Arrays in `inputs` win; the rest are
    drawn from numpy's default_rng(seed): floats uniform in [-1, 1), integers in [0, 4), bools fair;
    `input_ranges` {key: (low, high)} overrides the range of one input.
    """
    inputs = dict(inputs or {})
    shapes = dict(shapes or {})
    input_ranges = dict(input_ranges or {})
    rng = np.random.default_rng(seed)
    flat = {}
    dtypes = {}
    used = set()
    for _, var, base in input_keys(func, params):
        for key, tt in _flatten_type(var.checked_type, base):
            dtype = str(tt.dtype)
            if key in inputs:
                arr = inputs[key]
                used.add(key)
                if isinstance(arr, tvm.nd.NDArray):
                    arr, _ = _to_numpy(arr)
                else:
                    arr = np.asarray(arr)
                    if dtype == "bfloat16" and arr.dtype != np.uint16:
                        arr = _float32_to_bf16_bits(arr.astype("float32"))
                    elif dtype != "bfloat16":
                        arr = arr.astype(dtype, copy=False)
            else:
                arr = _random_array(rng, _static_shape(tt, key, shapes), dtype, input_ranges.get(key))
            flat[key] = _contiguous(arr)
            dtypes[key] = dtype
    unknown = sorted(set(inputs) - used)
    if unknown:
        raise ExportError(
            "inputs %s match no free parameter of main; expected keys: %s"
            % (unknown, sorted(dtypes) or "(none: every parameter is bound by params)")
        )
    return flat, dtypes


def _nest_args(func, params, flat, dtypes, dev):
    """Positional VM arguments (tuples as python tuples) for main's free parameters."""
    args = []
    for _, var, base in input_keys(func, params):
        args.append(_nest_one(var.checked_type, base, flat, dtypes, dev))
    return args


def _nest_one(ty, key, flat, dtypes, dev):
    if _is_tuple_type(ty):
        return tuple(_nest_one(f, "%s.%d" % (key, i), flat, dtypes, dev) for i, f in enumerate(ty.fields))
    return _to_ndarray(flat[key], dtypes[key], dev)


def _flatten_value(value):
    """Flatten a VM result (NDArray / ADT / tuple) depth-first into a list of NDArrays."""
    out = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, tvm.nd.NDArray):
            out.append(v)
        elif isinstance(v, (list, tuple)) or _is_adt(v):
            for i in reversed(range(len(v))):
                stack.append(v[i])
        else:
            raise ExportError("main returned a %s, which cannot be stored in outputs.npz" % type(v).__name__)
    return out


def _is_adt(v):
    adt = getattr(getattr(tvm.runtime, "container", None), "ADT", None)
    return adt is not None and isinstance(v, adt)


# ----------------------------------------------------------------------------------------------
# Running
# ----------------------------------------------------------------------------------------------


def _median_ms(fn, repeat):
    times = []
    for _ in range(max(1, int(repeat))):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    n = len(times)
    return times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])


def _graph_executor_blocker(func, params):
    """A reason the graph executor cannot take these inputs by name, or None."""
    names = [p.name_hint for p in func.params]
    if len(set(names)) != len(names):
        return "main has several parameters with the same name"
    for p in func.params:
        if not isinstance(p.checked_type, relay.TensorType):
            return "parameter %r is not a tensor" % p.name_hint
    return None


def _copy_module(mod):
    """A new IRModule sharing the functions: compilers bind params into the module they get, in place."""
    return tvm.IRModule(dict(mod.functions.items()), dict(mod.type_definitions.items()))


def _pass_context(opt_level, pass_config):
    if pass_config:
        return tvm.transform.PassContext(opt_level=opt_level, config=dict(pass_config))
    return tvm.transform.PassContext(opt_level=opt_level)


def _run_graph(mod, params, flat, dtypes, target, opt_level, repeat, dev, pass_config=None):
    from tvm.contrib import graph_executor  # pylint: disable=import-outside-toplevel

    func = mod["main"]
    blocker = _graph_executor_blocker(func, params)
    if blocker:
        raise ExportError(blocker)
    with _pass_context(opt_level, pass_config):
        lib = relay.build(_copy_module(mod), target=target, params=params)
    m = graph_executor.GraphModule(lib["default"](dev))
    for _, var, key in input_keys(func, params):
        if m.get_input_index(key) < 0:
            raise ExportError("graph executor has no input named %r" % key)
        m.set_input(key, _to_ndarray(flat[key], dtypes[key], dev))
    m.run()
    # get_output returns the executor's own buffers: copy them before the timing runs reuse them.
    outs = [m.get_output(i).copyto(tvm.cpu(0)) for i in range(m.get_num_outputs())]
    n_expected = len(_flatten_type_any(func.checked_type.ret_type))
    if len(outs) != n_expected:
        raise ExportError("graph executor produced %d outputs, main's type has %d" % (len(outs), n_expected))
    latency = _median_ms(m.run, repeat)
    return outs, latency


def _flatten_type_any(ty):
    out = []
    stack = [ty]
    while stack:
        t = stack.pop()
        if _is_tuple_type(t):
            stack.extend(reversed(list(t.fields)))
        else:
            out.append(t)
    return out


def _run_vm(mod, params, flat, dtypes, target, opt_level, repeat, dev, pass_config=None):
    from tvm.runtime import vm as vm_rt  # pylint: disable=import-outside-toplevel

    args = _nest_args(mod["main"], params, flat, dtypes, dev)
    with _pass_context(opt_level, pass_config):
        exe = relay.vm.compile(_copy_module(mod), target=target, params=params)
    machine = vm_rt.VirtualMachine(exe, dev)
    result = machine.invoke("main", *args)
    outs = _flatten_value(result)
    latency = _median_ms(lambda: machine.invoke("main", *args), repeat)
    return outs, latency


_FRAME = re.compile(r"^(\d+: |File \"|Traceback|at |-+$|\[bt\])")


def _first_line(exc):
    """The message of an exception in one line: TVM's C++ backtrace frames are skipped."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    lines = [ln for ln in lines if not _FRAME.match(ln)]
    # TVM puts the message last ("InternalError: Check failed: ..."), Python errors put it first.
    for ln in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception): ", ln):
            return ln[:400]
    if lines:
        return "%s: %s" % (type(exc).__name__, lines[0][:400])
    return type(exc).__name__


def run_module(mod, params, flat, dtypes, target=DEFAULT_TARGET, opt_level=3, repeat=5, executor="auto",
               pass_config=None):
    """Run main; returns (list of NDArray outputs, latency ms, executor name, fallback reason or None)."""
    dev = tvm.cpu(0)
    if executor in ("auto", "graph"):
        try:
            outs, lat = _run_graph(mod, params, flat, dtypes, target, opt_level, repeat, dev, pass_config)
            return outs, lat, "graph", None
        except Exception as exc:  # any build/run failure: the VM handles more programs
            if executor == "graph":
                raise
            reason = _first_line(exc)
    else:
        reason = "VM requested"
    outs, lat = _run_vm(mod, params, flat, dtypes, target, opt_level, repeat, dev, pass_config)
    return outs, lat, "vm", reason


# ----------------------------------------------------------------------------------------------
# Intermediates: the value of every expression node of main, keyed by its index in model.json
# ----------------------------------------------------------------------------------------------

# Fields of each expression node, as named both in model.json and on the Python objects.
_EXPR_FIELDS = {
    "relay.Function": ("params", "body"),
    "relay.Call": ("op", "args"),
    "relay.Tuple": ("fields",),
    "relay.TupleGetItem": ("tuple_value",),
    "relay.Let": ("var", "value", "body"),
    "relay.If": ("cond", "true_branch", "false_branch"),
}


def json_expr_index(doc, main_func, entry="main"):
    """{node index in doc["nodes"]: expression of main} for the module `doc` (parsed save_json output).

    `doc` must have been written from the module `main_func` belongs to: the walk follows each node's
    fields in the JSON and on the object side by side. Local functions are indexed but not entered.
    """
    nodes = doc["nodes"]

    def ref(i, field):
        value = nodes[i].get("attrs", {}).get(field)
        if value is None:
            raise ExportError("model.json node %d (%s) has no field %r" % (i, nodes[i].get("type_key"), field))
        return int(value)

    root = int(doc["root"])
    fmap = nodes[ref(root, "functions")].get("data", [])
    main_index = None
    for k in range(0, len(fmap), 2):
        name_node = nodes[ref(fmap[k], "name_hint")]
        if name_node.get("repr_str") == entry:
            main_index = fmap[k + 1]
    if main_index is None:
        raise ExportError("model.json has no function @%s" % entry)
    out = {}
    stack = [(main_index, main_func)]
    while stack:
        i, obj = stack.pop()
        if i in out or i == 0:
            continue
        out[i] = obj
        key = nodes[i].get("type_key")
        if key == "relay.Function" and i != main_index:
            continue
        for field in _EXPR_FIELDS.get(key, ()):
            j, child = ref(i, field), getattr(obj, field)
            if nodes[j].get("type_key") == "Array":
                data = nodes[j].get("data", [])
                if len(data) != len(child):
                    raise ExportError("model.json node %d: field %r has %d entries, the module %d"
                                      % (i, field, len(data), len(child)))
                stack.extend(zip(data, child))
            else:
                stack.append((j, child))
    return out


def _recordable_type(ty):
    try:
        return bool(_flatten_type(ty, ""))
    except ExportError:
        return False


def _post_order(roots, stop):
    """Distinct expressions reachable from roots, children first; nodes in `stop` types are not entered."""
    order, seen = [], set()
    stack = [(r, False) for r in reversed(roots)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        if isinstance(node, stop):
            continue
        if isinstance(node, relay.Call):
            kids = list(node.args)
        elif isinstance(node, relay.Tuple):
            kids = list(node.fields)
        elif isinstance(node, relay.TupleGetItem):
            kids = [node.tuple_value]
        else:
            kids = []
        stack.extend((k, False) for k in reversed(kids))
    return order


_NOT_RECORDED = ("nn.dropout",)


def intermediate_nodes(main_func):
    """Expression nodes of main whose values can be recorded, in topological order.

    They are the nodes evaluated unconditionally in main's scope: along main's chain of `let`s and
    its final body; `if`, `match` and nested `let` nodes are recorded as a whole but not entered.
    Only values that are tensors or (nested) tuples of tensors are kept. `nn.dropout` calls are left
    out (their mask has no inference meaning and no compute; their output is the item `.0` node).
    """
    values, body = [], main_func.body
    while isinstance(body, relay.Let):
        values.append(body.value)
        body = body.body
    stop = (relay.Let, relay.If, relay.Function, getattr(relay, "Match", relay.If))
    picked = []
    for node in _post_order(values + [body], stop):
        if isinstance(node, (relay.Var, relay.Constant, relay.Function, tvm.ir.Op, tvm.ir.GlobalVar)):
            continue
        if isinstance(node, relay.Call) and isinstance(node.op, tvm.ir.Op) and node.op.name in _NOT_RECORDED:
            continue
        if _recordable_type(node.checked_type):
            picked.append(node)
    return picked


def _returning(main_func, nodes):
    """main_func with its final body (inside its chain of lets) replaced by a tuple of `nodes`."""
    lets, body = [], main_func.body
    while isinstance(body, relay.Let):
        lets.append(body)
        body = body.body
    new_body = relay.Tuple(list(nodes))
    for let in reversed(lets):
        new_body = relay.Let(let.var, let.value, new_body)
    return relay.Function(list(main_func.params), new_body, None, main_func.type_params, main_func.attrs)


def record_intermediates(mod, model_json, params, flat, dtypes, target=DEFAULT_TARGET, pass_config=None):
    """Run main unfused (Relay VM, opt_level=0) returning every recordable node; -> ({key: array}, {key: dtype}).

    Keys are model.json node indices (see `json_expr_index`); a tuple-valued node k gives k.0, k.1, ...
    """
    func = mod["main"]
    index = {obj: i for i, obj in json_expr_index(json.loads(model_json), func).items()}  # objects hash by node
    nodes = [n for n in intermediate_nodes(func) if n in index]
    if not nodes:
        return {}, {}
    probe = _copy_module(mod)
    probe["main"] = _returning(func, nodes)
    # The VM at opt_level=0 (no fusion, no layout or constant-folding passes) wants A-normal form;
    # dropout and batch_norm must be simplified for inference before their uses are let-bound.
    probe = relay.transform.SimplifyInference()(_infer(probe))
    probe = relay.transform.ToANormalForm()(_infer(probe))
    outs, _, _, _ = run_module(probe, params, flat, dtypes, target=target, opt_level=0, repeat=1, executor="vm",
                               pass_config=pass_config)
    keys = []
    for node in nodes:
        keys.extend(k for k, _ in _flatten_type(node.checked_type, str(index[node])))
    if len(keys) != len(outs):
        raise ExportError("the intermediates run returned %d values for %d keys" % (len(outs), len(keys)))
    arrays, out_dtypes = {}, {}
    for key, nd in zip(keys, outs):
        arrays[key], out_dtypes[key] = _to_numpy(nd)
    return arrays, out_dtypes


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------


def _params_to_nd(params):
    out = {}
    for k, v in (params or {}).items():
        out[str(k)] = v if isinstance(v, tvm.nd.NDArray) else tvm.nd.array(np.asarray(v))
    return out


def _write_atomic(out_dir, files):
    """Write {filename: bytes} into out_dir via a sibling temp dir and a rename."""
    out_dir = os.path.abspath(out_dir)
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".%s.tmp-" % os.path.basename(out_dir), dir=parent)
    try:
        for name, data in files.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        old = None
        if os.path.exists(out_dir):
            old = tempfile.mkdtemp(prefix=".%s.old-" % os.path.basename(out_dir), dir=parent)
            os.rmdir(old)
            os.rename(out_dir, old)
        os.chmod(tmp, 0o777 & ~_umask())
        os.rename(tmp, out_dir)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _params_bytes(params):
    """relay.save_param_dict output with the entries sorted by name.

    TVM writes the entries in its hash map's order, which changes from run to run; sorting makes
    regenerated bundles byte-identical. If the bytes are not in the layout parsed here (magic,
    reserved, names, arrays), they are returned unchanged.
    """
    raw = bytes(relay.save_param_dict(params))
    try:
        return _sorted_param_blob(raw)
    except (ValueError, struct.error):
        return raw


def _sorted_param_blob(raw):
    pos = [0]

    def take(n):
        if pos[0] + n > len(raw):
            raise ValueError("truncated")
        out = raw[pos[0]:pos[0] + n]
        pos[0] += n
        return out

    def u64():
        return struct.unpack("<Q", take(8))[0]

    header = take(16)
    names = [take(u64()) for _ in range(u64())]
    count = u64()
    if count != len(names):
        raise ValueError("name/array count mismatch")
    blobs = []
    for _ in range(count):
        start = pos[0]
        take(16 + 8)  # magic, reserved, device
        ndim = struct.unpack("<i", take(4))[0]
        take(4 + 8 * ndim)  # dtype, shape
        take(u64())  # data
        blobs.append(raw[start:pos[0]])
    if pos[0] != len(raw):
        raise ValueError("trailing bytes")
    order = sorted(range(count), key=lambda i: names[i])
    out = [header, struct.pack("<Q", count)]
    out += [struct.pack("<Q", len(names[i])) + names[i] for i in order]
    out.append(struct.pack("<Q", count))
    out += [blobs[i] for i in order]
    return b"".join(out)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _npz_bytes(arrays):
    import io  # pylint: disable=import-outside-toplevel

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def export_bundle(
    mod,
    params,
    inputs,
    out_dir,
    *,
    target=DEFAULT_TARGET,
    opt_level=3,
    repeat=5,
    seed=0,
    write_text=True,
    write_json=True,
    shapes=None,
    input_ranges=None,
    executor="auto",
    pass_config=None,
    extra_meta=None,
    intermediates=False,
):
    """Run `mod` on `inputs` (missing ones generated from `seed`) and write a bundle to out_dir.

    mod: tvm.IRModule (or a relay.Function) with a `main`; params: {name: array} bound at build time;
    inputs: {key: array} or None. shapes: {key: shape} for inputs with dynamic dims that are generated;
    input_ranges: {key: (low, high)} for generated inputs; executor: "auto" (graph executor, then the
    Relay VM if that fails), "graph" or "vm"; pass_config: PassContext config dict (recorded);
    extra_meta: more keys for meta.json; intermediates: also write intermediates.npz (every expression
    node's value from an unfused opt_level=0 Relay VM run, keyed by model.json node index; needs
    write_json). Returns the meta dict written to meta.json.
    """
    if intermediates and not write_json:
        raise ExportError("intermediates are keyed by model.json node index: they need write_json=True")
    if isinstance(mod, relay.Function):
        mod = tvm.IRModule.from_expr(mod)
    params = _params_to_nd(params)
    mod = _infer(mod)
    func = mod["main"]
    unknown = sorted(set(params) - set(p.name_hint for p in func.params))
    if unknown:
        raise ExportError("params %s are not parameters of main" % unknown)
    flat, in_dtypes = make_inputs(func, params, inputs, seed, shapes, input_ranges)
    outs, latency, used_executor, fallback = run_module(
        mod, params, flat, in_dtypes, target=target, opt_level=opt_level, repeat=repeat, executor=executor,
        pass_config=pass_config,
    )
    out_arrays = {}
    out_dtypes = {}
    for i, nd in enumerate(outs):
        arr, dtype = _to_numpy(nd)
        out_arrays["output_%d" % i] = arr
        out_dtypes["output_%d" % i] = dtype

    meta = {
        "format": "relay-bundle/1",
        "tvm_version": tvm.__version__,
        "target": str(target),
        "executor": used_executor,
        "opt_level": int(opt_level),
        "latency_ms": round(float(latency), 6),
        "latency_repeat": int(repeat),
        "created_utc": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "seed": int(seed),
        "inputs": {k: {"dtype": in_dtypes[k], "shape": list(flat[k].shape)} for k in flat},
        "outputs": {k: {"dtype": out_dtypes[k], "shape": list(out_arrays[k].shape)} for k in out_arrays},
        "params": {k: {"dtype": str(v.dtype), "shape": [int(d) for d in v.shape]} for k, v in params.items()},
        "files": [],
    }
    if fallback:
        meta["graph_executor_failure"] = fallback
    if pass_config:
        meta["pass_config"] = {str(k): (v if isinstance(v, (bool, int, float, str)) else str(v))
                               for k, v in dict(pass_config).items()}
    if extra_meta:
        meta.update(extra_meta)

    files = {}
    if write_text:
        files["model.relay"] = mod.astext(show_meta_data=True).encode("utf-8")
    model_json = None
    if write_json:
        try:
            model_json = tvm.ir.save_json(mod)
        except tvm.TVMError as exc:  # some builds cannot serialise some modules: the text form still carries it
            if not write_text:
                raise ExportError("tvm.ir.save_json cannot serialise this module (%s); write the text form "
                                  "instead (write_text=True)" % _first_line(exc))
            meta["model_json_failure"] = "tvm.ir.save_json failed: %s; the bundle has model.relay only" % (
                _first_line(exc))
        else:
            files["model.json"] = model_json.encode("utf-8")
    if intermediates:
        try:
            if model_json is None:
                raise ExportError("intermediates are keyed by model.json node index, and there is no model.json")
            mid, mid_dtypes = record_intermediates(mod, model_json, params, flat, in_dtypes, target, pass_config)
        except Exception as exc:  # the bundle is still useful without them: say why they are missing
            meta["intermediates_failure"] = _first_line(exc)
        else:
            files["intermediates.npz"] = _npz_bytes(mid)
            meta["intermediates"] = {
                "keyed_by": "model.json node index", "executor": "vm", "opt_level": 0,
                "arrays": {k: {"dtype": mid_dtypes[k], "shape": list(mid[k].shape)} for k in mid},
            }
    files["model.params"] = _params_bytes(params)
    files["inputs.npz"] = _npz_bytes(flat)
    files["outputs.npz"] = _npz_bytes(out_arrays)
    meta["files"] = sorted(list(files) + ["meta.json"])
    files["meta.json"] = (json.dumps(meta, indent=1, sort_keys=True) + "\n").encode("utf-8")
    _write_atomic(out_dir, files)
    return meta


# ----------------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------------


def _parse_shape_arg(text):
    if "=" not in text:
        raise ExportError("--shape wants name=d0,d1,... (got %r)" % text)
    name, dims = text.rsplit("=", 1)
    dims = dims.strip()
    shape = tuple(int(d) for d in dims.split(",") if d.strip()) if dims else ()
    return name, shape


def load_params_file(path):
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    with open(path, "rb") as f:
        return dict(relay.load_param_dict(bytearray(f.read())))


def load_model(path, shapes):
    """Return (mod, params) for a .relay, .json or .onnx file."""
    lower = path.lower()
    if lower.endswith(".onnx"):
        import onnx  # pylint: disable=import-outside-toplevel

        model = onnx.load(path)
        mod, params = relay.frontend.from_onnx(model, shape=shapes or None, freeze_params=True)
        return mod, dict(params)
    with open(path, "r", encoding="utf-8") as f:
        text = f.read()
    if lower.endswith(".json"):
        return tvm.ir.load_json(text), {}
    parse = getattr(relay, "fromtext", None) or getattr(relay, "parse", None) or tvm.parser.parse
    return parse(text), {}


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run a Relay model and write a test bundle (see module docstring).")
    ap.add_argument("model", help="MODEL.relay (text), MODEL.json (tvm.ir.save_json) or MODEL.onnx")
    ap.add_argument("--params", help="relay.save_param_dict file or .npz of weights to bind")
    ap.add_argument("--inputs", help=".npz of input arrays keyed as in the bundle (others are generated)")
    ap.add_argument("--shape", action="append", default=[], metavar="NAME=D0,D1,...",
                    help="shape of an input (ONNX import shape; shape of generated dynamic inputs)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--target", default=DEFAULT_TARGET)
    ap.add_argument("--opt-level", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--executor", choices=("auto", "graph", "vm"), default="auto")
    ap.add_argument("--intermediates", action="store_true",
                    help="also record every intermediate value (unfused opt_level=0 Relay VM run) in "
                         "intermediates.npz, for divergence localization by tvm-migrate check")
    ap.add_argument("-o", "--out", required=True, help="bundle directory to write")
    args = ap.parse_args(argv)
    try:
        shapes = dict(_parse_shape_arg(s) for s in args.shape)
        if not os.path.exists(args.model):
            raise ExportError("model file %s does not exist" % args.model)
        mod, params = load_model(args.model, shapes)
        if args.params:
            params.update(load_params_file(args.params))
        inputs = None
        if args.inputs:
            with np.load(args.inputs, allow_pickle=False) as z:
                inputs = {k: z[k] for k in z.files}
        meta = export_bundle(
            mod, params, inputs, args.out, target=args.target, opt_level=args.opt_level,
            repeat=args.repeat, seed=args.seed, shapes=shapes, executor=args.executor,
            intermediates=args.intermediates,
        )
    except ExportError as exc:
        sys.stderr.write("relay_export: error: %s\n" % exc)
        return 2
    sys.stdout.write("wrote %s (%s executor, %d inputs, %d outputs, %.3f ms)\n" % (
        args.out, meta["executor"], len(meta["inputs"]), len(meta["outputs"]), meta["latency_ms"]))
    if "intermediates" in meta:
        sys.stdout.write("  intermediates.npz: %d values\n" % len(meta["intermediates"]["arrays"]))
    elif "intermediates_failure" in meta:
        sys.stderr.write("relay_export: warning: no intermediates.npz: %s\n" % meta["intermediates_failure"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
