"""Read and validate nightly/zoo.toml: the declarative list of zoo models.

The file has four kinds of tables (all optional except that something must define a model):

    [defaults]          rtol, atol, repeat, opt_level, intermediates, timeout_s, seed
    [[model]]           one model: name, source and that source's keys, plus any default key
    [[collection]]      many models: every file under the onnx package's backend/test/data matching
                        `glob` becomes a model named prefix + its stem (test_/light_ stripped)
    [[override]]        `match` (an fnmatch pattern on names) and default keys applied to the matches,
                        in file order, after everything else; `skip = "reason"` leaves a model out

Sources and their keys:

    relay.testing   workload (a tvm.relay.testing module), args (table of get_workload keyword args)
    onnx-backend    path (relative to onnx/backend/test/data), random_weights_seed (int, optional)
    transformer     model ("bert", "gpt" or "vit" from nightly/transformers.py)
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field

COMMON_KEYS = {
    "rtol": float,
    "atol": float,
    "repeat": int,
    "opt_level": int,
    "intermediates": bool,
    "timeout_s": float,
    "seed": int,
}
DEFAULTS = {"rtol": 1e-4, "atol": 1e-5, "repeat": 5, "opt_level": 3, "intermediates": False, "timeout_s": 900.0,
            "seed": 0}
BUILD_OPTIONS = ("opt_level", "seed", "intermediates", "repeat")  # the options that change the bundle
SOURCE_KEYS = {
    "relay.testing": {"workload": (str, True), "args": (dict, False)},
    "onnx-backend": {"path": (str, True), "random_weights_seed": (int, False)},
    "transformer": {"model": (str, True)},
}
RELAY_TESTING_WORKLOADS = ("dcgan", "densenet", "dqn", "inception_v3", "lstm", "mlp", "mobilenet", "resnet",
                           "resnet_3d", "squeezenet", "synthetic", "vgg")
TRANSFORMERS = ("bert", "gpt", "vit")
COLLECTION_KEYS = {"prefix": (str, True), "source": (str, True), "glob": (str, True), "exclude": (list, False),
                   "random_weights_seed": (int, False)}
_TYPE_NAMES = {float: "a number", int: "an integer", bool: "true or false", str: "a string", dict: "a table",
               list: "an array"}


class ZooSpecError(Exception):
    """zoo.toml is malformed: the message names the file, the table and the key."""


@dataclass
class ModelSpec:
    """One zoo model: where it comes from (`source`, `build`) and how it is checked."""

    name: str
    source: str
    build: dict  # source keys sent to nightly/legacy_build.py (plus opt_level, seed, intermediates)
    rtol: float
    atol: float
    repeat: int
    timeout_s: float
    skip: str | None = None
    origin: str = ""  # where in zoo.toml it was defined
    options: dict = field(default_factory=dict)

    def cache_key(self, extra: str = "") -> str:
        """Hash of everything that changes the bundle (not the tolerances): names the cache entry."""
        blob = json.dumps({"source": self.source, "build": self.build}, sort_keys=True) + extra
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _check_type(value, want, where):
    ok = isinstance(value, want) and not (want in (int, float) and isinstance(value, bool))
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        raise ZooSpecError("%s must be %s, not %r" % (where, _TYPE_NAMES[want], value))
    return float(value) if want is float else value


def _check_keys(table, allowed, where):
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ZooSpecError("%s: unknown key%s %s; allowed keys: %s" % (
            where, "s" if len(unknown) > 1 else "", ", ".join(repr(k) for k in unknown), ", ".join(sorted(allowed))))


def _common(table, where):
    out = {}
    for key, want in COMMON_KEYS.items():
        if key in table:
            out[key] = _check_type(table[key], want, "%s: %r" % (where, key))
    if "skip" in table:
        out["skip"] = _check_type(table["skip"], str, "%s: 'skip'" % where)
    return out


def _source_keys(table, source, where):
    if source not in SOURCE_KEYS:
        raise ZooSpecError("%s: unknown source %r; use one of %s" % (where, source, ", ".join(SOURCE_KEYS)))
    out = {}
    for key, (want, required) in SOURCE_KEYS[source].items():
        if key in table:
            out[key] = _check_type(table[key], want, "%s: %r" % (where, key))
        elif required:
            raise ZooSpecError("%s: source %r needs the key %r" % (where, source, key))
    if source == "relay.testing" and out["workload"] not in RELAY_TESTING_WORKLOADS:
        raise ZooSpecError("%s: unknown relay.testing workload %r; use one of %s" % (
            where, out["workload"], ", ".join(RELAY_TESTING_WORKLOADS)))
    if source == "onnx-backend" and (os.path.isabs(out["path"]) or ".." in out["path"].replace("\\", "/").split("/")):
        raise ZooSpecError("%s: 'path' must be relative to onnx/backend/test/data, got %r" % (where, out["path"]))
    if source == "transformer" and out["model"] not in TRANSFORMERS:
        raise ZooSpecError("%s: unknown transformer %r; use one of %s" % (where, out["model"], ", ".join(TRANSFORMERS)))
    return out


def _make(name, source, build, options, origin):
    merged = dict(DEFAULTS)
    merged.update(options)
    build = dict(build)
    build.update({key: merged[key] for key in BUILD_OPTIONS})
    return ModelSpec(name=name, source=source, build=build, rtol=merged["rtol"], atol=merged["atol"],
                     repeat=merged["repeat"], timeout_s=merged["timeout_s"], skip=merged.get("skip"), origin=origin,
                     options=merged)


def _collection_names(table, where, onnx_data_dir):
    if onnx_data_dir is None:
        raise ZooSpecError("%s: a collection needs the onnx backend test data directory" % where)
    pattern = table["glob"]
    if os.path.isabs(pattern) or ".." in pattern.split("/"):
        raise ZooSpecError("%s: 'glob' must be relative to onnx/backend/test/data, got %r" % (where, pattern))
    found = []
    base = os.path.realpath(onnx_data_dir)
    for rel in sorted(fnmatch.filter(_walk(base, pattern.count("/") + 1), pattern)):
        stem = rel.split("/")[-1] if not rel.endswith(".onnx") else rel.split("/")[-1][:-len(".onnx")]
        for strip in ("test_", "light_", "operator_"):
            if stem.startswith(strip):
                stem = stem[len(strip):]
        model_path = rel if rel.endswith(".onnx") else rel + "/model.onnx"
        if os.path.isfile(os.path.join(base, model_path)):
            found.append((table["prefix"] + stem, model_path))
    if not found:
        raise ZooSpecError("%s: glob %r matches no ONNX model under %s" % (where, pattern, onnx_data_dir))
    return found


def _walk(base, depth):
    """Relative paths (with '/') of every entry up to `depth` levels below base."""
    out, level = [], [""]
    for _ in range(depth):
        nxt = []
        for rel in level:
            full = os.path.join(base, rel)
            if os.path.isdir(full):
                for entry in sorted(os.listdir(full)):
                    nxt.append(rel + "/" + entry if rel else entry)
        out.extend(nxt)
        level = nxt
    return out


def load_zoo(path, *, onnx_data_dir=None) -> list[ModelSpec]:
    """Parse and validate a zoo TOML file; returns the models in file order (collections expanded).

    onnx_data_dir: the legacy env's onnx/backend/test/data, or a function returning it (called only when the
    file has collections).
    Raises ZooSpecError with the file, table and key for anything malformed.
    """
    label = os.fspath(path)
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except FileNotFoundError:
        raise ZooSpecError("%s: no such file" % label) from None
    except tomllib.TOMLDecodeError as exc:
        raise ZooSpecError("%s: not valid TOML: %s" % (label, exc)) from None
    _check_keys(doc, ("defaults", "model", "collection", "override"), label)
    for key in ("model", "collection", "override"):
        if key in doc and not (isinstance(doc[key], list) and all(isinstance(t, dict) for t in doc[key])):
            raise ZooSpecError("%s: %r must be an array of tables ([[%s]])" % (label, key, key))
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ZooSpecError("%s: 'defaults' must be a table ([defaults])" % label)
    _check_keys(defaults, list(COMMON_KEYS), "%s: [defaults]" % label)
    base_options = _common(defaults, "%s: [defaults]" % label)

    models: list[ModelSpec] = []
    for i, table in enumerate(doc.get("model", [])):
        where = "%s: [[model]] #%d" % (label, i + 1)
        if "name" not in table:
            raise ZooSpecError("%s: needs a 'name'" % where)
        name = _check_type(table["name"], str, "%s: 'name'" % where)
        where = "%s (%s)" % (where, name)
        if "source" not in table:
            raise ZooSpecError("%s: needs a 'source' (one of %s)" % (where, ", ".join(SOURCE_KEYS)))
        source = _check_type(table["source"], str, "%s: 'source'" % where)
        if source not in SOURCE_KEYS:
            raise ZooSpecError("%s: unknown source %r; use one of %s" % (where, source, ", ".join(SOURCE_KEYS)))
        _check_keys(table, ["name", "source", "skip"] + list(COMMON_KEYS) + list(SOURCE_KEYS[source]), where)
        build = _source_keys(table, source, where)
        options = dict(base_options)
        options.update(_common(table, where))
        models.append(_make(name, source, build, options, where))

    for i, table in enumerate(doc.get("collection", [])):
        where = "%s: [[collection]] #%d" % (label, i + 1)
        _check_keys(table, list(COLLECTION_KEYS) + ["skip"] + list(COMMON_KEYS), where)
        for key, (want, required) in COLLECTION_KEYS.items():
            if key in table:
                _check_type(table[key], want, "%s: %r" % (where, key))
            elif required:
                raise ZooSpecError("%s: needs the key %r" % (where, key))
        if table["source"] != "onnx-backend":
            raise ZooSpecError("%s: collections support only source 'onnx-backend', not %r" % (where, table["source"]))
        excludes = table.get("exclude", [])
        for pat in excludes:
            _check_type(pat, str, "%s: entries of 'exclude'" % where)
        options = dict(base_options)
        options.update(_common(table, where))
        if callable(onnx_data_dir):
            onnx_data_dir = onnx_data_dir()  # once, for the first collection
        for name, model_path in _collection_names(table, where, onnx_data_dir):
            if any(fnmatch.fnmatchcase(name, pat) for pat in excludes):
                continue
            build = {"path": model_path}
            if "random_weights_seed" in table:
                build["random_weights_seed"] = table["random_weights_seed"]
            models.append(_make(name, "onnx-backend", build, options, where))

    seen = {}
    for m in models:
        if m.name in seen:
            first = seen[m.name][len(label) + 2:]  # origins start with "<file>: "
            raise ZooSpecError("%s: model name %r is already used by %s" % (m.origin, m.name, first))
        seen[m.name] = m.origin

    for i, table in enumerate(doc.get("override", [])):
        where = "%s: [[override]] #%d" % (label, i + 1)
        _check_keys(table, ["match", "skip"] + list(COMMON_KEYS), where)
        if "match" not in table:
            raise ZooSpecError("%s: needs a 'match' pattern" % where)
        pattern = _check_type(table["match"], str, "%s: 'match'" % where)
        changes = _common(table, where)
        hits = [m for m in models if fnmatch.fnmatchcase(m.name, pattern)]
        if not hits:
            raise ZooSpecError("%s: match %r selects no model" % (where, pattern))
        for m in hits:
            options = dict(m.options)
            options.update(changes)
            build = {k: v for k, v in m.build.items() if k not in BUILD_OPTIONS}
            models[models.index(m)] = _make(m.name, m.source, build, options, m.origin)
    if not models:
        raise ZooSpecError("%s: defines no model (add [[model]] or [[collection]] tables)" % label)
    return models


def select(models, patterns):
    """The models whose name matches any fnmatch pattern (all of them when patterns is empty)."""
    if not patterns:
        return list(models)
    return [m for m in models if any(fnmatch.fnmatchcase(m.name, p) for p in patterns)]
