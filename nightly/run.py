"""Run the nightly model zoo: build bundles with a legacy Relay, check them with tvm-migrate, report.

    python -m nightly.run [--only PATTERN] [--out DIR] [--jobs N] [--zoo FILE] [--rebuild]

For every model of nightly/zoo.toml (or those whose name matches an --only fnmatch pattern): build
its parity bundle with the legacy TVM (nightly/legacy_build.py under --legacy-python) unless the bundle
cache (--cache, default nightly/.cache/bundles) holds it already (entries are keyed by a hash of the
model's build spec and of the scripts that build it), then check it with `migrate.parity.check_bundle`.
Builds and checks run in long-lived worker processes (nightly/workers.py), one of each per job: the TVM
imports are paid once per worker, and a crash or a hang (timeout_s) costs only that model. At the end,
write OUT/results.json and OUT/report.html and append the run to OUT/history.jsonl (or --history);
worker logs go to OUT/logs/.

Prints one line per model and `RESULT: N failed of M`; exits 0 iff every model that ran passed
(skipped models are listed, not counted). A model whose legacy build fails is reported as failed
with the build error; nothing about one model stops the others.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from .spec import ModelSpec, ZooSpecError, load_zoo, select
from .workers import Worker, WorkerFailed

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_LEGACY_PYTHON = "/work/legacy/env/python"
BUILD_SCRIPTS = {  # the files whose content changes a bundle, per source
    "relay.testing": ("nightly/legacy_build.py", "migrate/legacy/relay_export.py"),
    "onnx-backend": ("nightly/legacy_build.py", "migrate/legacy/relay_export.py", "tools/golden_models.py"),
    "transformer": ("nightly/legacy_build.py", "migrate/legacy/relay_export.py", "nightly/transformers.py"),
}


class ZooRunError(Exception):
    """A problem with the run itself (no legacy interpreter, bad zoo file): printed without a traceback."""


def _file_hash(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def cache_key(model: ModelSpec) -> str:
    return model.cache_key("".join(_file_hash(rel) for rel in BUILD_SCRIPTS[model.source]))


def _tail(text, n=600):
    text = (text or "").strip()
    return text if len(text) <= n else "..." + text[-n:]


def _subprocess_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _run(cmd, timeout, cwd=ROOT):
    """subprocess.run with a timeout; returns (returncode or None on timeout, stdout+stderr text)."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=_subprocess_env(), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"") + (exc.stderr or b"")
        return None, out.decode(errors="replace") if isinstance(out, bytes) else out
    return proc.returncode, (proc.stdout or "") + (proc.stderr or "")


def legacy_onnx_data_dir(legacy_python):
    code = "import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), 'backend', 'test', 'data'))"
    rc, out = _run([legacy_python, "-c", code], timeout=120)
    if rc != 0:
        raise ZooRunError("cannot import onnx with the legacy interpreter %s: %s" % (legacy_python, _tail(out, 300)))
    return out.strip().splitlines()[-1]


# ---------------------------------------------------------------------------------------------------
# One model: build (or reuse) its bundle, then check it
# ---------------------------------------------------------------------------------------------------


class Lane:
    """One model at a time: a legacy build worker and a check worker, started on first use."""

    def __init__(self, index, *, legacy_python, log_dir):
        env = _subprocess_env()
        self.builder = Worker([legacy_python, os.path.join(HERE, "legacy_build.py"), "--serve"],
                              os.path.join(log_dir, "legacy-build-%d.log" % index), env=env, cwd=ROOT)
        self.checker = Worker([sys.executable, "-m", "nightly.check_worker", "--serve"],
                              os.path.join(log_dir, "check-%d.log" % index), env=env, cwd=ROOT)

    def close(self):
        self.builder.close()
        self.checker.close()


def build_bundle(model: ModelSpec, cache_dir, lane: Lane, rebuild=False):
    """Return (entry dir, build.json dict, cached?) for the model; builds into a temp dir and renames."""
    entry = os.path.join(cache_dir, "%s-%s" % (model.name, cache_key(model)))
    info_path = os.path.join(entry, "build.json")
    if os.path.isfile(info_path) and not rebuild:
        with open(info_path) as f:
            return entry, json.load(f), True
    os.makedirs(cache_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".tmp-%s-" % model.name, dir=cache_dir)
    start = time.time()
    try:
        spec = dict(model.build, source=model.source)
        if model.source == "transformer":
            onnx_path, inputs_path = os.path.join(work, "model.onnx"), os.path.join(work, "inputs.npz")
            rc, out = _run([sys.executable, "-m", "nightly.transformers", model.build["model"], onnx_path,
                            "--seed", str(model.build["seed"]), "--inputs", inputs_path], timeout=model.timeout_s)
            if rc != 0:
                return entry, _failed_build("ONNX export from torch failed: " + _tail(out), start), False
            spec = {k: v for k, v in spec.items() if k != "model"}
            spec.update(source="onnx-file", path=onnx_path, inputs=inputs_path)
        try:
            reply = lane.builder.call({"spec": spec, "out_dir": work}, timeout=model.timeout_s)
        except WorkerFailed as exc:
            return entry, _failed_build("legacy build %s" % exc, start), False
        if "worker_error" in reply:
            return entry, _failed_build("legacy build worker error: %s" % reply["worker_error"], start), False
        if os.path.isdir(entry):
            shutil.rmtree(entry)
        os.replace(work, entry)
        with open(info_path) as f:
            return entry, json.load(f), False
    finally:
        if os.path.isdir(work):
            shutil.rmtree(work, ignore_errors=True)


def _failed_build(error, start):
    # Not cached: a crash or timeout may be transient (memory, load); a clean build error is cached.
    return {"ok": False, "error": error, "relay_ops": {}, "build_s": round(time.time() - start, 3)}


def check_model(model: ModelSpec, bundle_dir, lane: Lane, target):
    """check_bundle in the lane's check worker; returns (its dict, None) or (None, what went wrong)."""
    request = {"bundle": bundle_dir, "rtol": model.rtol, "atol": model.atol, "repeat": model.repeat,
               "target": target}
    try:
        reply = lane.checker.call(request, timeout=model.timeout_s)
    except WorkerFailed as exc:
        return None, "check %s" % exc
    if "worker_error" in reply:
        return None, "check worker error: %s" % reply["worker_error"]
    return reply, None


def run_model(model: ModelSpec, *, cache_dir, lane: Lane, target, rebuild=False) -> dict:
    """Everything the report shows about one model (a plain dict, JSON-ready)."""
    row = {"name": model.name, "source": model.source, "build_spec": model.build, "rtol": model.rtol,
           "atol": model.atol, "status": "skipped", "error": None, "relay_ops": {}, "cached": False,
           "build_s": None, "check": None}
    if model.skip:
        row["error"] = model.skip
        return row
    start = time.time()
    entry, build, cached = build_bundle(model, cache_dir, lane, rebuild)
    row.update(cached=cached, build_s=build.get("build_s"), relay_ops=build.get("relay_ops") or {},
               build_note=build.get("note"), relay_executor=build.get("executor"))
    if not build.get("ok"):
        row.update(status="build-failed", error="legacy build failed: %s" % build.get("error"))
    else:
        check, error = check_model(model, os.path.join(entry, "bundle"), lane, target)
        row["check"] = check
        if check is None:
            row.update(status="error", error=error)
        else:
            row["status"] = "pass" if check["passed"] else ("error" if check["error"] else "mismatch")
            row["error"] = check["error"]
            row["relay_ops"] = check.get("ops") or row["relay_ops"]
    row["wall_s"] = round(time.time() - start, 3)
    return row


# ---------------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------------


def _summary_line(i, n, row):
    check = row.get("check") or {}
    worst = max((o.get("max_abs") or 0.0 for o in check.get("outputs", []) if isinstance(o.get("max_abs"), float)),
                default=None)
    err = "" if worst is None else " max_abs %.2g" % worst
    why = "" if row["status"] in ("pass",) else "  " + (row.get("error") or "outputs differ")[:160]
    return "[%*d/%d] %-42s %-12s%s  %.1f s%s" % (len(str(n)), i, n, row["name"], row["status"].upper(), err,
                                                   row.get("wall_s") or 0.0, why)


def run_zoo(models, *, out_dir, cache_dir, legacy_python, target="llvm", jobs=1, rebuild=False, log=print):
    """Run every model (taken in order of `models` by `jobs` lanes); returns the list of result rows."""
    rows = [None] * len(models)
    pending = queue.Queue()
    for i in range(len(models)):
        pending.put(i)
    lock = threading.Lock()
    done = [0]

    def lane_loop(index):
        lane = Lane(index, legacy_python=legacy_python, log_dir=os.path.join(out_dir, "logs"))
        try:
            while True:
                try:
                    i = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    row = run_model(models[i], cache_dir=cache_dir, lane=lane, target=target, rebuild=rebuild)
                except Exception as exc:  # noqa: BLE001  (a runner bug on one model must not end the run)
                    row = {"name": models[i].name, "source": models[i].source, "status": "error", "relay_ops": {},
                           "error": "zoo runner error: %s: %s" % (type(exc).__name__, exc), "check": None}
                rows[i] = row
                with lock:
                    done[0] += 1
                    log(_summary_line(done[0], len(models), row))
        finally:
            lane.close()

    threads = [threading.Thread(target=lane_loop, args=(k,), daemon=True) for k in range(max(1, jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return rows


def history_entry(rows, started, elapsed_s, only):
    ran = [r for r in rows if r["status"] != "skipped"]
    passed = sum(r["status"] == "pass" for r in ran)
    counts = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return {"date": started, "models": len(ran), "passed": passed, "failed": len(ran) - passed,
            "pass_rate": (passed / len(ran)) if ran else None, "counts": counts, "elapsed_s": round(elapsed_s, 1),
            "only": list(only or [])}


def append_history(path, entry):
    """Append one JSON line (the whole line in one write, so a crash never leaves half a record)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a") as f:
        f.write(json.dumps(entry, sort_keys=True) + "\n")


def read_history(path):
    """Entries of a history file; lines that are not JSON objects are skipped (and counted)."""
    entries, bad = [], 0
    if os.path.isfile(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    bad += 1
                    continue
                if isinstance(item, dict):
                    entries.append(item)
                else:
                    bad += 1
    return entries, bad


def _write_text_atomic(path, text):
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(os.path.abspath(path)))
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def add_zoo_arguments(ap):
    """The zoo's options on an argparse parser (shared by `python -m nightly.run` and `tvm-migrate zoo`)."""
    ap.add_argument("--only", action="append", default=[], metavar="PATTERN",
                    help="run only models whose name matches this fnmatch pattern (repeatable)")
    ap.add_argument("--out", default=os.path.join(HERE, "out"), help="report directory (default nightly/out)")
    ap.add_argument("--cache", default=os.path.join(HERE, ".cache", "bundles"), help="bundle cache directory")
    ap.add_argument("--history", help="history file (default OUT/history.jsonl)")
    ap.add_argument("--jobs", type=int, default=1, help="models checked at the same time (default 1)")
    ap.add_argument("--zoo", default=os.path.join(HERE, "zoo.toml"), help="model list (default nightly/zoo.toml)")
    ap.add_argument("--target", default="llvm", help="TVM 0.27 target (default llvm)")
    ap.add_argument("--legacy-python", default=os.environ.get("TVM_MIGRATE_LEGACY_PYTHON", DEFAULT_LEGACY_PYTHON),
                    help="interpreter with the legacy TVM (default $TVM_MIGRATE_LEGACY_PYTHON or %s)"
                    % DEFAULT_LEGACY_PYTHON)
    ap.add_argument("--rebuild", action="store_true", help="ignore cached bundles")
    ap.add_argument("--list", action="store_true", help="list the selected models and exit")
    return ap


def run_zoo_command(args) -> int:
    """Run the zoo for parsed arguments; 0 iff every model passed, 1 if any failed, 2 for a usage error."""
    try:
        return _main(args)
    except (ZooSpecError, ZooRunError) as exc:
        sys.stderr.write("nightly: error: %s\n" % exc)
        return 2


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m nightly.run", description=__doc__.split("\n\n")[0])
    return run_zoo_command(add_zoo_arguments(ap).parse_args(argv))


def _main(args):
    from .report import write_report

    if args.jobs < 1:
        raise ZooRunError("--jobs must be at least 1, got %d" % args.jobs)
    if not (os.path.isfile(args.legacy_python) and os.access(args.legacy_python, os.X_OK)):
        raise ZooRunError("no legacy interpreter at %s; pass --legacy-python or set TVM_MIGRATE_LEGACY_PYTHON to a "
                          "python that imports a Relay-era tvm" % args.legacy_python)
    models = select(load_zoo(args.zoo, onnx_data_dir=lambda: legacy_onnx_data_dir(args.legacy_python)), args.only)
    if not models:
        raise ZooRunError("--only %s matches no model of %s" % (" ".join(args.only), args.zoo))
    if args.list:
        for m in models:
            print("%-44s %-14s %s" % (m.name, m.source, "skip: " + m.skip if m.skip else ""))
        return 0
    os.makedirs(args.out, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    t0 = time.time()
    print("nightly zoo: %d models, %d job(s), cache %s" % (len(models), args.jobs, args.cache), flush=True)
    rows = run_zoo(models, out_dir=args.out, cache_dir=args.cache, legacy_python=args.legacy_python,
                   target=args.target, jobs=args.jobs, rebuild=args.rebuild,
                   log=lambda line: print(line, flush=True))
    elapsed = time.time() - t0
    entry = history_entry(rows, started, elapsed, args.only)
    history_path = args.history or os.path.join(args.out, "history.jsonl")
    append_history(history_path, entry)
    history, _ = read_history(history_path)
    results = {"started": started, "elapsed_s": round(elapsed, 1), "target": args.target, "zoo": args.zoo,
               "summary": entry, "models": rows}
    _write_text_atomic(os.path.join(args.out, "results.json"), json.dumps(results, indent=1, default=str))
    report = write_report(os.path.join(args.out, "report.html"), results, history)
    print("report: %s (%.0f s)" % (report, elapsed))
    print("RESULT: %d failed of %d" % (entry["failed"], entry["models"]))
    return 0 if entry["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
