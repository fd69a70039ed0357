"""Read and validate a parity bundle written by `migrate/legacy/relay_export.py` (the layout is a contract).

A bundle is a directory holding ``model.json`` and/or ``model.relay``, ``model.params``, ``inputs.npz``,
``outputs.npz``, and optionally ``meta.json`` and ``intermediates.npz``. Everything here is checked
before anything runs: every required file is there and inside the bundle (no symbolic link leads
out of it), arrays are read with ``allow_pickle=False`` and their recorded dtypes restored
(bfloat16 travels as raw 2-byte values), and the input names match the Relay signature of
``@main`` (``name#i`` for a name shared by several parameters, ``t.0``, ``t.0.1`` for tuple fields).
A problem raises `BundleError` naming the file and what is wrong.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .. import relay_ir as ir
from ..errors import MigrateError

MODEL_FILES = ("model.json", "model.relay")
REQUIRED_FILES = ("model.params", "inputs.npz", "outputs.npz")


class BundleError(MigrateError):
    """A parity bundle that cannot be used: a missing, corrupt or inconsistent file (named in the message)."""


@dataclass
class Bundle:
    """A validated bundle: the Relay program, weights, inputs and Relay's outputs."""

    path: str
    name: str
    model_path: str  # model.json when present (exact names, node indices), else model.relay
    relay: ir.IRModule
    params: dict
    inputs: dict  # bundle key -> array, dtypes restored
    arg_keys: list  # per free parameter of main, in order: a key, or a (nested) tuple of keys
    outputs: list  # [(output_<i>, array)] in order
    meta: Optional[dict] = None
    intermediates_path: Optional[str] = None
    files: list = field(default_factory=list)

    @property
    def relay_latency_ms(self) -> Optional[float]:
        value = (self.meta or {}).get("latency_ms")
        return float(value) if isinstance(value, (int, float)) else None

    def intermediates(self) -> dict:
        """Recorded Relay values by key (model.json node index, ``k.0`` for tuple fields); {} if none."""
        if not self.intermediates_path:
            return {}
        recorded = ((self.meta or {}).get("intermediates") or {}).get("arrays") or {}
        return read_npz(self.intermediates_path, {k: v.get("dtype") for k, v in recorded.items()})


def bundle_file(root: str, name: str) -> str:
    """`root`/`name`, refusing a path that resolves outside the bundle directory."""
    path = os.path.join(root, name)
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root:
        raise BundleError(f"{path}: resolves to {real}, outside the bundle directory; a bundle must hold its "
                          f"own files (copy the file in instead of linking it)")
    return path


def _plain_name(member: str) -> Optional[str]:
    """Why an archive member name is refused, or None. Names are never used as paths, but a name that
    would escape a directory is not a Relay parameter name: it marks a tampered archive."""
    parts = member.replace("\\", "/").split("/")
    if member.startswith(("/", "\\")) or (len(member) > 1 and member[1] == ":") or ".." in parts:
        return "is an absolute path or climbs out with '..'"
    return None


def read_npz(path: str, dtypes: Optional[dict] = None) -> dict:
    """Arrays of an .npz archive by name, never unpickling; recorded `dtypes` are restored."""
    from ..params import restore_dtype
    from ..errors import ParamsError

    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleError(f"{path}: file is missing") from None
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise BundleError(f"{path}: not a readable .npz archive ({err})") from None
    out: dict = {}
    with archive:
        for info in archive.infolist():
            member = info.filename
            if not member.endswith(".npy"):
                raise BundleError(f"{path}: member '{member}' is not an .npy array")
            key = member[: -len(".npy")]
            why = _plain_name(member)
            if why:
                raise BundleError(f"{path}: array name '{key}' {why}; array names must be Relay names")
            if key in out:
                raise BundleError(f"{path}: array '{key}' appears twice in the archive")
            try:
                with archive.open(info) as handle:
                    array = np.lib.format.read_array(handle, allow_pickle=False)
            except ValueError as err:
                if "allow_pickle" in str(err):
                    raise BundleError(f"{path}: array '{key}' holds Python objects, which would need unpickling; "
                                      f"refused (re-export the bundle)") from None
                raise BundleError(f"{path}: array '{key}' is corrupt ({err})") from None
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
                raise BundleError(f"{path}: array '{key}' is corrupt ({err})") from None
            wanted = (dtypes or {}).get(key)
            if wanted:
                try:
                    array = restore_dtype(key, array, wanted, path)
                except ParamsError as err:
                    raise BundleError(str(err)) from None
            elif array.dtype.kind == "V":
                raise BundleError(f"{path}: array '{key}' holds raw {array.dtype} data and no recorded dtype "
                                  f"(meta.json); cannot tell what it is")
            out[key] = array
    return out


def _flat_keys(ty, key: str, where: str) -> list:
    """[(key, TensorType)] of a parameter type; tuple fields become key.0, key.1, ..."""
    if isinstance(ty, ir.TupleType):
        out = []
        for i, f in enumerate(ty.fields):
            out.extend(_flat_keys(f, f"{key}.{i}", where))
        return out
    if isinstance(ty, ir.TensorType):
        return [(key, ty)]
    raise BundleError(f"{where}: parameter '{key}' has type {ty!r}, which a bundle cannot feed")


def _nest_keys(ty, key: str):
    if isinstance(ty, ir.TupleType):
        return tuple(_nest_keys(f, f"{key}.{i}") for i, f in enumerate(ty.fields))
    return key


def signature_keys(main: ir.Function, params: dict, where: str, recorded=frozenset()):
    """(flat [(key, TensorType)], per-parameter nested keys) of main's parameters not bound by params.

    `recorded`: the keys the bundle holds. The text printer renames parameters that share a name
    (`%data, %data1, ...`), so a text-only bundle of such a module still holds the exporter's `data#i`
    keys: a recorded `<name>#i` key belongs to the parameter at position i.
    """
    counts: dict = {}
    for p in main.params:
        counts[p.name] = counts.get(p.name, 0) + 1
    flat, nested = [], []
    for i, p in enumerate(main.params):
        if p.name in params and counts[p.name] == 1:
            continue
        base = p.name if counts[p.name] == 1 else f"{p.name}#{i}"
        if recorded and not any(k == base or k.startswith(base + ".") for k in recorded):
            positional = {m.group(1) for m in (re.match(rf"^(.*#{i})(\..*)?$", k) for k in recorded) if m}
            if len(positional) == 1:
                base = positional.pop()
        ty = p.type_annotation or p.checked_type
        if ty is None:
            raise BundleError(f"{where}: parameter %{p.name} of main has no type")
        flat.extend(_flat_keys(ty, base, where))
        nested.append(_nest_keys(ty, base))
    return flat, nested


def _recorded_keys(meta: Optional[dict], inputs_path: str) -> set:
    """The input keys the bundle holds: from meta.json, else the names in inputs.npz (errors come later)."""
    if meta is not None and isinstance(meta.get("inputs"), dict):
        return set(meta["inputs"])
    try:
        with zipfile.ZipFile(inputs_path) as archive:
            return {n[:-4] for n in archive.namelist() if n.endswith(".npy")}
    except (OSError, zipfile.BadZipFile):
        return set()


def _static(shape) -> bool:
    return all(isinstance(d, int) for d in shape)


def _check_inputs(inputs: dict, flat: list, path: str) -> None:
    expected = [k for k, _ in flat]
    shown = ", ".join(f"'{k}'" for k in expected) or "(none: every parameter is bound by model.params)"
    for key, ty in flat:
        if key not in inputs:
            raise BundleError(f"{path}: no array '{key}' for a parameter of main; expected keys: {shown}")
        arr = inputs[key]
        if str(arr.dtype) != ty.dtype:
            raise BundleError(f"{path}: array '{key}' is {arr.dtype} but main's parameter is {ty!r}")
        if _static(ty.shape) and tuple(arr.shape) != tuple(ty.shape):
            raise BundleError(f"{path}: array '{key}' has shape {tuple(arr.shape)} but main's parameter is {ty!r}")
        if not _static(ty.shape) and len(arr.shape) != len(ty.shape):
            raise BundleError(f"{path}: array '{key}' has {arr.ndim} dimensions but main's parameter is {ty!r}")
    extra = sorted(set(inputs) - set(expected))
    if extra:
        raise BundleError(f"{path}: array '{extra[0]}' matches no free parameter of main; expected keys: {shown}")


def _read_meta(path: str) -> Optional[dict]:
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            meta = json.load(handle)
    except (OSError, UnicodeDecodeError) as err:
        raise BundleError(f"{path}: cannot read ({err})") from None
    except json.JSONDecodeError as err:
        raise BundleError(f"{path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    if not isinstance(meta, dict):
        raise BundleError(f"{path}: expected a JSON object, found {type(meta).__name__}")
    return meta


def _recorded_dtypes(meta: Optional[dict], section: str) -> dict:
    entries = (meta or {}).get(section) or {}
    return {k: v.get("dtype") for k, v in entries.items() if isinstance(v, dict)}


def load_bundle(path) -> Bundle:
    """Read and validate the bundle directory `path` (raises `BundleError`)."""
    from ..loader import load_relay
    from ..params import load_params

    root = os.fspath(path)
    if not os.path.isdir(root):
        raise BundleError(f"{root}: not a bundle directory" + ("" if os.path.exists(root) else " (does not exist)"))
    present = [n for n in MODEL_FILES if os.path.exists(os.path.join(root, n))]
    if not present:
        raise BundleError(f"{root}: no model.json or model.relay; a bundle needs one of them (relay_export.py "
                          f"writes both)")
    missing = [n for n in REQUIRED_FILES if not os.path.exists(os.path.join(root, n))]
    if missing:
        raise BundleError(f"{os.path.join(root, missing[0])}: file is missing; a bundle needs "
                          f"{', '.join(REQUIRED_FILES)} and model.json or model.relay")
    model_path = bundle_file(root, present[0])
    meta = _read_meta(bundle_file(root, "meta.json"))
    try:
        relay = load_relay(model_path)
        params = load_params(bundle_file(root, "model.params"))
    except MigrateError as err:
        raise BundleError(str(err)) from None
    if "main" not in relay.functions:
        raise BundleError(f"{model_path}: the module has no @main function")
    inputs_path = bundle_file(root, "inputs.npz")
    flat, nested = signature_keys(relay.main, params, model_path, _recorded_keys(meta, inputs_path))
    in_dtypes = _recorded_dtypes(meta, "inputs")
    for key, ty in flat:  # without meta.json, the signature says which dtype raw bytes are
        in_dtypes.setdefault(key, ty.dtype)
    inputs = read_npz(inputs_path, in_dtypes)
    _check_inputs(inputs, flat, inputs_path)
    outputs_path = bundle_file(root, "outputs.npz")
    out_dtypes = _recorded_dtypes(meta, "outputs")
    if meta is None:
        ret = relay.main.ret_type or relay.main.checked_type
        leaves = _leaf_types(ret.ret_type if isinstance(ret, ir.FuncType) else ret)
        out_dtypes = {f"output_{i}": t.dtype for i, t in enumerate(leaves) if isinstance(t, ir.TensorType)}
    arrays = read_npz(outputs_path, out_dtypes)
    names = [f"output_{i}" for i in range(len(arrays))]
    if sorted(arrays) != sorted(names):
        odd = sorted(set(arrays) - set(names))
        raise BundleError(f"{outputs_path}: expected arrays output_0 .. output_{len(arrays) - 1}, found '{odd[0]}'")
    mid = os.path.join(root, "intermediates.npz")
    return Bundle(
        path=root, name=os.path.basename(os.path.normpath(root)), model_path=model_path, relay=relay,
        params=params, inputs=inputs, arg_keys=nested, outputs=[(n, arrays[n]) for n in names], meta=meta,
        intermediates_path=bundle_file(root, "intermediates.npz") if os.path.exists(mid) else None,
        files=sorted(os.listdir(root)),
    )


def _leaf_types(ty) -> list:
    if ty is None:
        return []
    if isinstance(ty, ir.TupleType):
        return [leaf for f in ty.fields for leaf in _leaf_types(f)]
    return [ty]
