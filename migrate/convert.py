"""`tvm-migrate convert`: a saved Relay model to a TVMScript file, its weights, and a conversion report.

Written into ``OUTDIR`` (all or nothing: files are written in a temporary directory next to OUTDIR,
then moved in place):

- ``<name>.py``: the Relax IRModule as TVMScript. TVM 0.27 cannot print tensor constants, so the
  weights are trailing parameters of the entry function (``num_input`` says how many inputs come first).
- ``<name>.params.npz``: the weights, keyed by their TVMScript parameter names.
- ``<name>.names.json``: the entry function's parameters in order, each with its Relay name and its
  TVMScript name (names that are not Python identifiers, such as ``0``, ``input.1``, ``class`` or
  ``gpu_0/data_0``, are renamed so the file parses), and the dtypes of the weights. Tensor constants
  of the Relay program (its metadata section) cannot be printed either: they become trailing
  parameters ``const_<k>`` (kind ``const``) with their values in the params file.
- ``<name>.report.json`` and ``<name>.report.html``: ops used, their mapping status, warnings,
  semantic differences, params summary, time taken (see `migrate.report`).

Two TVM 0.27 printer traps are handled here: names that are not identifiers print verbatim (the file
would not parse), and non-finite scalars print as ``R.const("-inf", ...)``, which the parser rejects
(they are written as ``R.const(-float("inf"), ...)``, which parses to the same value, NaN sign included). The written
file is always parsed back and checked structurally equal to the converted module before anything is
written.

`load_converted(OUTDIR)` reads the files back as a `ConvertedModel`.
"""

from __future__ import annotations

import json
import keyword
import os
import re
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from typing import Mapping, Optional

import numpy as np

from .errors import MigrateError, UnsupportedInputError

FORMAT = "tvm-migrate-converted/1"
# Names TVMScript itself uses at module level: a parameter with one of these names would shadow them.
_RESERVED = frozenset({"R", "T", "I", "tvm", "metadata"})
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NONFINITE = re.compile(r'R\.const\("(-?)(inf|nan)", "([A-Za-z0-9_]+)"\)')


def is_script_name(name: str) -> bool:
    """True when `name` can be printed as a TVMScript variable as it is."""
    return bool(_IDENT.match(name)) and not keyword.iskeyword(name) and name not in _RESERVED


def script_name(name: str, taken: set) -> str:
    """A Python identifier close to `name`, not in `taken` (which it is added to)."""
    if is_script_name(name) and name not in taken:
        taken.add(name)
        return name
    base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "v"
    if not _IDENT.match(base) or keyword.iskeyword(base) or base in _RESERVED:
        base = "v_" + base
    out, k = base, 1
    while out in taken:
        out, k = f"{base}_{k}", k + 1
    taken.add(out)
    return out


# ----------------------------------------------------------------------------- conversion


@dataclass
class Conversion:
    """A converted model in memory, ready to be written by `write_converted`."""

    name: str
    mod: object  # tvm.IRModule, with script-safe names
    script: str  # TVMScript text that parses back to `mod`
    params: dict  # TVMScript name -> numpy array (the weights, trailing parameters of the entry)
    names: dict  # the <name>.names.json document
    report: dict  # the <name>.report.json document


def _default_name(model) -> str:
    if isinstance(model, (str, os.PathLike)) and os.path.exists(os.fspath(model)):
        base = os.path.basename(os.fspath(model))
        stem = base.rsplit(".", 1)[0] if "." in base else base
        if stem in ("model", "") and os.path.dirname(os.path.abspath(os.fspath(model))):
            stem = os.path.basename(os.path.dirname(os.path.abspath(os.fspath(model)))) or stem
        return re.sub(r"[^A-Za-z0-9_.-]", "_", stem) or "model"
    return "model"


def convert(model, params=None, *, name: Optional[str] = None, entry: str = "main") -> Conversion:
    """Convert a Relay model (path, text, or `load_relay` IR) and its params (dict or path) in memory.

    Raises `UnsupportedOpsError` (every unsupported op at once) and the other `MigrateError`s of
    `from_relay`. Nothing is written.
    """
    import tvm

    from . import report as report_mod
    from .loader import load_relay
    from .params import load_params
    from .translate import from_relay

    if name is not None and (not name or "/" in name or os.sep in name or name in (".", "..")):
        raise UnsupportedInputError(f"--name {name!r}: expected a file base name, without a directory")
    timings = {}
    start = time.perf_counter()
    relay_mod = load_relay(model)
    if params is not None and not isinstance(params, Mapping):
        params_source = os.fspath(params)
        params = load_params(params)
    else:
        params_source = None if params is None else "<dict>"
    params = {k: _as_numpy(v) for k, v in (params or {}).items()}
    timings["read_s"] = time.perf_counter() - start

    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = from_relay(relay_mod, params, keep_params_in_input=True, entry=entry)
    timings["translate_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    mod, lifted = _lift_tensor_constants(mod, entry, getattr(relay_mod, "source_name", "<model>"))
    mod, renamed = _script_safe(mod)
    func = mod[entry]
    relay_params = [p.name for p in relay_mod.functions[entry].params]
    bound = [n for n in relay_params if n in params]
    relay_inputs = [n for n in relay_params if n not in params]
    has_attr = func.attrs is not None and "num_input" in func.attrs
    num_input = int(func.attrs["num_input"]) if has_attr else len(relay_inputs)
    relay_order = relay_inputs + bound  # from_relay: inputs first, then weights, each in Relay order
    if len(relay_order) + len(lifted) != len(func.params):
        raise MigrateError(f"internal: {entry} has {len(func.params)} parameters, expected {len(relay_order)}")
    entries, weights = [], {}
    for i, (relay_name, var) in enumerate(zip(relay_order, func.params)):
        item = {"relay": relay_name, "name": var.name, "kind": "input" if i < num_input else "param"}
        if i >= num_input:
            array = params[relay_name]
            weights[var.name] = array
            item.update(dtype=str(array.dtype), shape=list(array.shape))
        entries.append(item)
    for array, var in zip(lifted, list(func.params)[len(relay_order):]):
        weights[var.name] = array  # a tensor constant of the Relay program (metadata), now a parameter
        entries.append({"relay": None, "name": var.name, "kind": "const", "dtype": str(array.dtype),
                        "shape": list(array.shape)})
    names = {"format": FORMAT, "entry": entry, "num_input": num_input, "parameters": entries}

    script, nonfinite = _printable_script(mod)
    timings["print_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    try:
        parsed = tvm.script.from_source(script)
        tvm.ir.assert_structural_equal(mod, parsed)
    except Exception as err:  # noqa: BLE001  (a TVM printer/parser gap: say so, never write the file)
        raise UnsupportedInputError(
            f"{getattr(relay_mod, 'source_name', '<model>')}: the converted module does not survive a TVMScript "
            f"print/parse round trip in this TVM ({str(err).splitlines()[0][:300]}); use migrate.from_relay "
            f"in memory instead, and please report this"
        ) from None
    timings["verify_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - start

    if name is None:
        name = _default_name(model)
    report = report_mod.build_report(
        name=name, relay_mod=relay_mod, relax_mod=mod, entry=entry, names=names, params=params, weights=weights,
        params_source=params_source, renamed=renamed, nonfinite=nonfinite, caught=caught, timings=timings,
    )
    return Conversion(name, mod, script, weights, names, report)


def _as_numpy(value) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "numpy"):
        return value.numpy()
    return np.asarray(value)


def _lift_tensor_constants(mod, entry: str, source: str):
    """Tensor constants of `entry` (Relay metadata constants) moved to trailing parameters of `entry`.

    TVM 0.27 cannot print a non-scalar constant (only as ``metadata[...]``, which the parser then
    cannot read back), so each becomes a parameter ``const_<k>`` whose value goes to the params file.
    Returns (module, [array, ...] in parameter order).
    """
    import tvm
    from tvm import relax

    arrays: list = []
    funcs = {}
    for gv, func in mod.functions.items():
        if not isinstance(func, relax.Function):
            funcs[gv] = func
            continue
        found: list = []
        taken = {p.name for p in func.params}

        @relax.expr_functor.mutator
        class Lifter(relax.PyExprMutator):
            def visit_generic_const_(self, op):  # relax.const(...) in 0.27
                value = op.value
                if not isinstance(value, tvm.runtime.Tensor) or len(value.shape) == 0:
                    return op  # scalars print inline as R.const(...)
                for old, var in found:  # one parameter per distinct constant object
                    if old.same_as(op):
                        return var
                var = relax.Var(script_name(f"const_{len(found)}", taken), op.ty)
                found.append((op, var))
                return var

        body = Lifter().visit_expr(func.body)
        if not found:
            funcs[gv] = func
            continue
        if gv.name_hint != entry:
            raise UnsupportedInputError(
                f"{source}: @{gv.name_hint} holds {len(found)} tensor constant(s); TVM 0.27 cannot write tensor "
                f"constants as TVMScript, and only the entry function's can become parameters. Use "
                f"migrate.from_relay(...) in memory (tvm.compile works on it), or pass the constants as params"
            )
        arrays = [old.value.numpy() for old, _ in found]
        funcs[gv] = relax.Function(list(func.params) + [v for _, v in found], body, func.ret_ty, func.is_pure,
                                   func.attrs, func.span)
    return tvm.IRModule(funcs, attrs=mod.attrs), arrays


def _script_safe(mod):
    """`mod` with every variable whose name TVMScript cannot print renamed; and the renames made.

    Parameters keep their names when they can; all of a function's parameters get distinct names
    (the name map relies on it). Returns (module, [(function, old, new), ...]).
    """
    import tvm
    from tvm import relax

    renamed = []
    funcs = {}
    for gv, func in mod.functions.items():
        if not isinstance(func, relax.Function):
            funcs[gv] = func
            continue
        param_names = [p.name for p in func.params]
        needs = len(set(param_names)) != len(param_names) or not all(is_script_name(n) for n in param_names)
        if not needs:
            needs = not all(is_script_name(v.name) for v in relax.analysis.all_vars(func))
        if not needs:
            funcs[gv] = func
            continue
        funcs[gv] = _Renamer(func, renamed, gv.name_hint).run()
    return tvm.IRModule(funcs, attrs=mod.attrs), renamed


class _Renamer:
    """Rebuilds one Relax function with script-safe variable names (a PyExprMutator underneath)."""

    def __init__(self, func, renamed: list, fname: str):
        self.func, self.renamed, self.fname = func, renamed, fname

    def run(self):
        from tvm import relax

        taken: set = set()
        renamed, fname = self.renamed, self.fname
        params = list(self.func.params)

        def new_name(var):
            old = var.name
            if is_script_name(old) and not any(var.same_as(p) for p in params):
                return old  # bindings: the printer itself makes repeated names distinct
            new = script_name(old, taken)  # parameters are visited first, in order
            if new != old:
                renamed.append((fname, old, new))
            return new

        @relax.expr_functor.mutator
        class Mutator(relax.PyExprMutator):
            def visit_var_def_(self, var):
                new = relax.Var(new_name(var), var.ty)
                self.set_var_remap(var, new)
                return new

            def visit_dataflow_var_def_(self, var):
                new = relax.DataflowVar(new_name(var), var.ty)
                self.set_var_remap(var, new)
                return new

        return Mutator().visit_expr(self.func)


def _printable_script(mod):
    """TVMScript for `mod` that the 0.27 parser accepts, and the number of non-finite scalars rewritten."""
    text = mod.script()
    count = [0]

    def repl(m):
        count[0] += 1
        sign, kind, dtype = m.groups()
        return f'R.const({sign}float("{kind}"), "{dtype}")'

    text = _NONFINITE.sub(repl, text)
    header = (
        "# Converted from Relay by tvm-migrate. Weights are the trailing parameters of the entry function;\n"
        "# load them with migrate.load_converted(OUTDIR) (or tvm.script.from_source + np.load('<name>.params.npz')).\n"
    )
    return header + text, count[0]


# ----------------------------------------------------------------------------- writing


def output_files(name: str) -> list:
    return [f"{name}.py", f"{name}.params.npz", f"{name}.names.json", f"{name}.report.json", f"{name}.report.html"]


def compile_converted(conv: Conversion, target="llvm", *, tune: int = 0, database=None):
    """`conv` with its weights bound as constants, built by `migrate.compile` (a `relax.VMExecutable`)."""
    import tvm
    from tvm import relax

    from .compile import compile as cpu_compile

    entry = conv.names["entry"]
    mod = conv.mod
    if conv.params:
        mod = relax.transform.BindParams(entry, {k: tvm.runtime.tensor(v) for k, v in conv.params.items()})(mod)
    return cpu_compile(mod, target, tune=tune, database=database)


def write_converted(conv: Conversion, outdir, executable=None) -> list:
    """Write `conv` into `outdir` atomically: into a temporary directory beside it, then moved in place.

    With `executable` (from `compile_converted`), also ``<name>.so``: the compiled model, weights inside.
    Files of `outdir` other than this model's are left alone. Returns the written paths.
    """
    from .report import render_html

    outdir = os.path.abspath(os.fspath(outdir))
    parent = os.path.dirname(outdir)
    if os.path.exists(outdir) and not os.path.isdir(outdir):
        raise UnsupportedInputError(f"{outdir}: exists and is not a directory; pass a directory with -o")
    try:
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(outdir)}.tmp-", dir=parent)
    except OSError as err:
        raise UnsupportedInputError(f"{outdir}: cannot write here ({err.strerror})") from None
    try:
        files = output_files(conv.name)
        with open(os.path.join(tmp, files[0]), "w", encoding="utf-8") as f:
            f.write(conv.script)
        np.savez(os.path.join(tmp, files[1]), **conv.params)
        with open(os.path.join(tmp, files[2]), "w", encoding="utf-8") as f:
            json.dump(conv.names, f, indent=1)
            f.write("\n")
        with open(os.path.join(tmp, files[3]), "w", encoding="utf-8") as f:
            json.dump(conv.report, f, indent=1)
            f.write("\n")
        with open(os.path.join(tmp, files[4]), "w", encoding="utf-8") as f:
            f.write(render_html(conv.report))
        if executable is not None:
            files.append(f"{conv.name}.so")
            executable.export_library(os.path.join(tmp, files[-1]))
        if not os.path.exists(outdir):
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it 0700; OUTDIR gets the usual mode
            os.rename(tmp, outdir)
            tmp = None
        else:
            for fname in files:  # each file replaced atomically; none is ever half-written
                os.replace(os.path.join(tmp, fname), os.path.join(outdir, fname))
    except OSError as err:
        raise UnsupportedInputError(f"{outdir}: cannot write the converted model ({err})") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return [os.path.join(outdir, f) for f in files]


def convert_to_dir(model, outdir, params=None, *, name: Optional[str] = None, entry: str = "main") -> Conversion:
    """`convert` then `write_converted`: nothing is written when the conversion fails."""
    conv = convert(model, params, name=name, entry=entry)
    write_converted(conv, outdir)
    return conv


# ----------------------------------------------------------------------------- loading


@dataclass
class ConvertedModel:
    """A model written by `tvm-migrate convert`, read back by `load_converted`.

    `mod` has the weights as trailing parameters of `entry`; `params` maps their TVMScript names to
    arrays; `name_map` maps each Relay parameter name of `entry` to its TVMScript name.
    """

    name: str
    mod: object
    params: dict
    name_map: dict
    entry: str = "main"
    inputs: list = field(default_factory=list)  # TVMScript names of the real inputs, in order

    def bind(self):
        """The module with the weights bound as constants: `entry` then takes only the inputs."""
        import tvm
        from tvm import relax

        if not self.params:
            return self.mod
        tensors = {k: tvm.runtime.tensor(v) for k, v in self.params.items()}
        return relax.transform.BindParams(self.entry, tensors)(self.mod)

    def arrange_inputs(self, feed: Mapping) -> list:
        """`feed` (keyed by Relay names, or TVMScript names) as the positional inputs of the bound `entry`."""
        by_script = {v: k for k, v in self.name_map.items()}
        args, missing = [], []
        for script in self.inputs:
            relay = by_script.get(script, script)
            if relay in feed:
                args.append(feed[relay])
            elif script in feed:
                args.append(feed[script])
            else:
                missing.append(relay)
        if missing:
            raise UnsupportedInputError(f"{self.name}: no value for input(s) {', '.join(missing)}")
        return args


def load_converted(outdir, name: Optional[str] = None) -> ConvertedModel:
    """Read back what `tvm-migrate convert` wrote into `outdir` (`name`: which model, if it holds several)."""
    import tvm

    from .params import load_npz

    outdir = os.fspath(outdir)
    if name is None:
        try:
            found = sorted(f[: -len(".names.json")] for f in os.listdir(outdir) if f.endswith(".names.json"))
        except OSError as err:
            raise UnsupportedInputError(f"{outdir}: cannot read ({err.strerror})") from None
        if len(found) != 1:
            what = "no converted model" if not found else f"{len(found)} converted models ({', '.join(found)})"
            raise UnsupportedInputError(f"{outdir}: {what}; pass name= to choose one")
        name = found[0]
    path = os.path.join(outdir, f"{name}.names.json")
    try:
        with open(path, encoding="utf-8") as f:
            names = json.load(f)
        with open(os.path.join(outdir, f"{name}.py"), encoding="utf-8") as f:
            script = f.read()
    except (OSError, ValueError) as err:
        raise UnsupportedInputError(f"{path}: cannot read the converted model ({err})") from None
    if names.get("format") != FORMAT:
        raise UnsupportedInputError(f"{path}: not a tvm-migrate conversion (format {names.get('format')!r})")
    dtypes = {p["name"]: p["dtype"] for p in names["parameters"] if p["kind"] != "input"}
    params = load_npz(os.path.join(outdir, f"{name}.params.npz"), dtypes)
    mod = tvm.script.from_source(script)
    return ConvertedModel(
        name=name, mod=mod, params=params, entry=names["entry"],
        name_map={p["relay"]: p["name"] for p in names["parameters"] if p["relay"] is not None},
        inputs=[p["name"] for p in names["parameters"] if p["kind"] == "input"],
    )
