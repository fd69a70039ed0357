"""Build golden/ (real bundles made by a real legacy Relay) from scratch. Run with the LEGACY python:

    ../shared/legacy-relay/setup.sh DIR && DIR/python tools/make_golden.py [--out golden] [--only PATTERN]

Work items have ids `models/<name>`, `models/onnx_<name>` and `ops/<op>/<variant>`; --only takes
fnmatch patterns over them (e.g. `--only 'ops/nn.conv2d/*' --only 'models/mlp'`) and keeps the
rest of an existing manifest. Every item runs in a worker process (a crash or a hang in TVM
costs one item, not the run); items run one after another (the machine has 2 cores).
"""

import argparse
import fnmatch
import json
import os
import re
import selectors
import signal
import shutil
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "migrate", "legacy"))

OPS_LIST = os.environ.get("RELAY_OPS_LIST", "/work/shared/relay-ops-v0.19.txt")
RESULT_MARK = "@@GOLDEN-RESULT "
TIMEOUT_S = {"models": 900, "ops": 240}
SEED_BASE = 20250101


def stable_seed(item_id):
    return SEED_BASE + zlib.crc32(item_id.encode("utf-8")) % 100000


# =============================================================================================
# Worker side (imports legacy tvm)
# =============================================================================================


def _ops_in_module(mod):
    from tvm import relay
    import tvm

    found = set()

    def visit(node):
        if isinstance(node, relay.Call) and isinstance(node.op, tvm.ir.Op):
            found.add(node.op.name)

    for _, func in mod.functions.items():
        if isinstance(func, relay.Function):
            relay.analysis.post_order_visit(func, visit)
    return sorted(found)


class BuildFailure(Exception):
    """A case failed at every opt_level tried; the message is already the reason."""


def _first_line(exc):
    if isinstance(exc, BuildFailure):
        return str(exc)
    import relay_export as rx

    return rx._first_line(exc)  # pylint: disable=protected-access


def _export_with_fallback(rx, mod, params, inputs, out_dir, opt_level, executor, ranges, seed, extra,
                          pass_config=None):
    """export_bundle at opt_level, then lower levels if the build fails there (recorded)."""
    levels = [opt_level] + [lv for lv in (2, 0) if lv < opt_level]
    failures = {}
    for lv in levels:
        try:
            meta = rx.export_bundle(mod, params, inputs, out_dir, opt_level=lv, repeat=3, seed=seed,
                                    input_ranges=ranges, executor=executor, extra_meta=extra,
                                    pass_config=pass_config)
            if failures:
                meta["failures_at_higher_opt_level"] = failures
            return meta
        except rx.ExportError:
            raise
        except Exception as exc:  # noqa: BLE001 - any TVM failure is data here
            failures[str(lv)] = _first_line(exc)
    raise BuildFailure(failures[str(levels[0])] + (
        "" if len(levels) == 1 else " (also failed at opt_level %s)" % ",".join(str(x) for x in levels[1:])))


def _run_op_case(key, out_root):
    import golden_ops
    import relay_export as rx
    import tvm
    from tvm import relay

    case = {c.key: c for c in golden_ops.CASES}[key]
    spec = case.build()
    func = spec.function()
    mod = tvm.IRModule.from_expr(func)
    mod = relay.transform.InferType()(mod)
    ops = _ops_in_module(mod)
    target = spec.target_op or case.op
    if target not in ops:
        raise RuntimeError("construction did not produce op %s (module has: %s)" % (target, ", ".join(ops)))
    out_dir = os.path.join(out_root, "ops", case.op, case.variant)
    extra = {"case": {"op": case.op, "variant": case.variant, "note": spec.note,
                      "input_ranges": {k: list(r) for k, r in spec.ranges.items()}}}
    meta = _export_with_fallback(rx, mod, spec.params, spec.inputs, out_dir, spec.opt_level, spec.executor,
                                 spec.ranges, stable_seed("ops/" + key), extra, spec.pass_config)
    return {"path": os.path.relpath(out_dir, out_root), "kind": "op", "name": case.op, "variant": case.variant,
            "ops": ops, "executor": meta["executor"], "opt_level": meta["opt_level"], "note": spec.note,
            "graph_executor_failure": meta.get("graph_executor_failure"),
            "failures_at_higher_opt_level": meta.get("failures_at_higher_opt_level")}


def _run_model(name, out_root):
    import golden_models
    import relay_export as rx
    from tvm import relay

    item = golden_models.build_model(name)
    mod = relay.transform.InferType()(item["mod"])
    ops = _ops_in_module(mod)
    out_dir = os.path.join(out_root, "models", name)
    extra = {"model": {"name": name, "source": item["source"], "note": item.get("note")}}
    meta = _export_with_fallback(rx, mod, item.get("params") or {}, item.get("inputs"), out_dir,
                                 item.get("opt_level", 3), item.get("executor", "auto"), item.get("ranges"),
                                 stable_seed("models/" + name), extra)
    result = {"path": os.path.relpath(out_dir, out_root), "kind": "model", "name": name, "variant": None,
              "ops": ops, "executor": meta["executor"], "opt_level": meta["opt_level"], "source": item["source"],
              "note": item.get("note"), "graph_executor_failure": meta.get("graph_executor_failure"),
              "failures_at_higher_opt_level": meta.get("failures_at_higher_opt_level")}
    expected = item.get("expected_outputs")
    if expected is not None:
        result["reference_check"] = golden_models.compare_outputs(out_dir, expected)
        meta_path = os.path.join(out_dir, "meta.json")
        with open(meta_path) as f:
            full = json.load(f)
        full["reference_check"] = result["reference_check"]
        with open(meta_path, "w") as f:
            f.write(json.dumps(full, indent=1, sort_keys=True) + "\n")
    return result


def worker_main(out_root):
    out = sys.stdout
    sys.stdout = sys.stderr  # keep TVM's prints off the result channel
    for line in sys.stdin:
        item_id = line.strip()
        if not item_id:
            continue
        t0 = time.time()
        try:
            kind, rest = item_id.split("/", 1)
            if kind == "ops":
                res = _run_op_case(rest, out_root)
            else:
                res = _run_model(rest, out_root)
            res["status"] = "ok"
        except Exception as exc:  # noqa: BLE001
            res = {"status": "failed", "reason": _first_line(exc)}
        res["id"] = item_id
        res["seconds"] = round(time.time() - t0, 2)
        out.write(RESULT_MARK + json.dumps(res) + "\n")
        out.flush()


# =============================================================================================
# Parent side
# =============================================================================================


class Worker:
    def __init__(self, out_root):
        self.out_root = out_root
        self.proc = None

    def start(self):
        env = dict(os.environ)
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", "--out", self.out_root],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, bufsize=1, env=env)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def run(self, item_id, timeout):
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        self.proc.stdin.write(item_id + "\n")
        self.proc.stdin.flush()
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.time() + timeout
        try:
            while True:
                left = deadline - time.time()
                if left <= 0:
                    self.stop()
                    return {"id": item_id, "status": "failed", "reason": "timeout after %ds" % timeout}
                if not sel.select(timeout=left):
                    continue
                line = self.proc.stdout.readline()
                if not line:
                    code = self.proc.wait()
                    self.proc = None
                    what = "exit code %s" % code
                    if code is not None and code < 0:
                        try:
                            what = "signal %d, %s" % (-code, signal.Signals(-code).name)
                        except ValueError:
                            what = "signal %d" % -code
                    return {"id": item_id, "status": "failed",
                            "reason": "crashed the legacy TVM process (%s) while constructing, type-checking, "
                                      "building or running it" % what}
                if line.startswith(RESULT_MARK):
                    return json.loads(line[len(RESULT_MARK):])
        finally:
            sel.close()


def all_item_ids():
    import golden_models
    import golden_ops

    ids = ["models/" + n for n in golden_models.model_names()]
    ids += ["ops/" + c.key for c in golden_ops.CASES]
    dup = sorted(set(i for i in ids if ids.count(i) > 1))
    if dup:
        raise SystemExit("duplicate case ids in the tables: %s" % dup)
    return ids


def read_op_list():
    with open(OPS_LIST) as f:
        return [ln.strip() for ln in f if ln.strip()]


def classify(reason):
    """A short class for a skip/failure reason (README groups by it)."""
    r = reason or ""
    rules = [
        (r"^internal:", "internal op (compiler/VM/parser only)"),
        (r"Cannot find type|not registered|No type relation", "registered without a type relation in the fork"),
        (r"ethos|Ethos", "needs the Arm Ethos-U NPU codegen"),
        (r"construction did not produce", "construction does not produce the op"),
        (r"^timeout", "timeout"),
        (r"crashed the legacy TVM process", "crash in the fork"),
        (r"doesn't have an FTVMStrategy", "marker op without compute"),
        (r"No generic implemen|only implemented for|Unsupported|not implemented|NotImplemented",
         "no implementation for x86"),
        (r"Check failed|TypeError", "rejected by the fork's type checker/builder"),
    ]
    for pat, cls in rules:
        if re.search(pat, r):
            return cls
    return "other build/run failure"


def build_manifest(results, out_root):
    import golden_models
    import golden_ops
    import tvm

    op_list = read_op_list()
    ok = [r for r in results if r["status"] == "ok"]
    failed = [r for r in results if r["status"] != "ok"]
    have = {}
    for r in ok:
        if r["kind"] == "op":
            have.setdefault(r["name"], []).append(r["path"])
    fail_by_op = {}
    for r in failed:
        if r["id"].startswith("ops/"):
            op = r["id"][4:].rsplit("/", 1)[0]
            fail_by_op.setdefault(op, []).append(r["reason"])
    skipped = []
    for op in op_list:
        if op in have:
            continue
        if op in golden_ops.NOT_ATTEMPTED:
            reason = golden_ops.NOT_ATTEMPTED[op]
        elif op in fail_by_op:
            reason = fail_by_op[op][0]
        else:
            reason = "no case in tools/golden_ops.py"
        entry = {"op": op, "reason": reason, "reason_class": classify(reason)}
        if op in golden_ops.SKIP_NOTES:
            entry["reason_class"], entry["explanation"] = golden_ops.SKIP_NOTES[op]
        skipped.append(entry)
    internal = [op for op in op_list if golden_ops.NOT_ATTEMPTED.get(op) == golden_ops.INTERNAL_REASON]
    non_internal = [op for op in op_list if op not in internal]
    covered = [op for op in non_internal if op in have]
    bundles = []
    for r in sorted(ok, key=lambda r: r["id"]):
        b = {k: r.get(k) for k in ("id", "path", "kind", "name", "variant", "ops", "executor", "opt_level", "status",
                                   "note", "source", "reference_check", "graph_executor_failure",
                                   "failures_at_higher_opt_level")}
        bundles.append({k: val for k, val in b.items() if val is not None})
    return {
        "format": 1,
        "generated_by": "tools/make_golden.py",
        "relay": {"tvm_version": tvm.__version__, "package": "hhb-tvm 3.2.3 (vendor fork of TVM 0.16.dev0)",
                  "target": "llvm -mtriple=x86_64-linux-gnu"},
        "op_list": os.path.basename(OPS_LIST),
        "coverage": {"ops_in_list": len(op_list), "internal_ops": len(internal),
                     "non_internal_ops": len(non_internal), "non_internal_with_bundle": len(covered),
                     "percent": round(100.0 * len(covered) / max(1, len(non_internal)), 1),
                     "op_bundles": sum(1 for b in bundles if b["kind"] == "op"),
                     "model_bundles": sum(1 for b in bundles if b["kind"] == "model")},
        "internal_ops": internal,
        "excluded_models": [{"name": n, "reason": r} for n, r in sorted(golden_models.excluded_models().items())],
        "bundles": bundles,
        "failed_cases": [{"id": r["id"], "reason": r["reason"], "reason_class": classify(r["reason"])}
                         for r in sorted(failed, key=lambda r: r["id"])],
        "skipped_ops": skipped,
    }


README_HEAD = """# golden/: real data produced by a real legacy Relay

Everything here was generated by `tools/make_golden.py` running the legacy TVM
({relay}) on x86-64 (`{target}`). Nothing in this directory is hand-written except by that
script; regenerate instead of editing.

    ../shared/legacy-relay/setup.sh DIR            # installs the legacy Relay (about a minute)
    DIR/python tools/make_golden.py                # rebuilds golden/ from scratch ({minutes} min here)
    DIR/python tools/make_golden.py --only 'ops/nn.conv2d/*'   # one op family, keeps the rest

## Layout

- `models/<name>/`: relay.testing workloads (small configurations) and ONNX models from the
  onnx package's test data (`models/onnx_<name>/`, imported with `relay.frontend.from_onnx`,
  `freeze_params=True` so weights are constants inside the module; `test_data_set_0` inputs are
  used and the Relay result is compared with the ONNX reference output, see `reference_check`
  in the manifest). `onnx_squeezenet` is the onnx package's `light_squeezenet` with seeded random
  weights instead of its ConstantOfShape fillers, imported with `freeze_params=False` so its 4.9 MB
  of weights are stored once, in `model.params`. Models left out (size) are listed under
  `excluded_models` in the manifest.
- `ops/<op>/<variant>/`: one Relay op per module (op names exactly as in Relay, e.g.
  `ops/nn.conv2d/NHWC_HWIO/`, `ops/reshape/code_minus4/`). The cases are the table in
  `tools/golden_ops.py`.
- `manifest.json`: every bundle (path, kind, ops used, executor, opt_level), every failed case
  and every op of `relay-ops-v0.19.txt` without a bundle, with the exact reason.

Each bundle directory is written by `migrate/legacy/relay_export.py` and holds:
`model.relay` (text with metadata), `model.json` (`tvm.ir.save_json`), `model.params`
(`relay.save_param_dict`, weights bound at build time), `inputs.npz` (keys = Relay parameter
names; `name#i` for a name shared by several parameters, `t.0`/`t.1` for tuple parameters),
`outputs.npz` (`output_0..n-1`, tuples flattened depth-first) and `meta.json` (TVM version,
target, executor, opt_level, median latency, dtypes of every array; bfloat16 arrays are stored
as uint16 bit patterns and recorded as "bfloat16").

Inputs are seeded (`meta.json: seed`): floats uniform in [-1, 1), integers in [0, 4), bools fair,
except where a case sets a range (`meta.json: case.input_ranges`) or gives the arrays.
Cases run at opt_level=3; where the build fails there, the script retries at 2 and 0 and
records the failure (`failures_at_higher_opt_level`).

## Figures

{figures}

## Ops without a bundle, by reason class

{skips}
"""


def write_readme(manifest, out_root, minutes):
    cov = manifest["coverage"]
    figures = "\n".join([
        "- model bundles: %d; op bundles: %d (%d distinct ops)" % (
            cov["model_bundles"], cov["op_bundles"], len({b["name"] for b in manifest["bundles"] if b["kind"] == "op"})),
        "- coverage: %d of %d non-internal ops of relay-ops-v0.19.txt have a bundle (%.1f%%); %d internal ops excluded"
        % (cov["non_internal_with_bundle"], cov["non_internal_ops"], cov["percent"], cov["internal_ops"]),
        "- failed cases (variants that did not build or run): %d" % len(manifest["failed_cases"]),
        "- executors: graph %d, vm %d" % (sum(1 for b in manifest["bundles"] if b["executor"] == "graph"),
                                        sum(1 for b in manifest["bundles"] if b["executor"] == "vm")),
    ])
    by_class = {}
    for s in manifest["skipped_ops"]:
        by_class.setdefault(s["reason_class"], []).append(s["op"])
    skips = "\n".join("- %s: %s" % (cls, ", ".join("`%s`" % o for o in ops)) for cls, ops in sorted(by_class.items()))
    text = README_HEAD.format(relay=manifest["relay"]["package"], target=manifest["relay"]["target"],
                              minutes=minutes, figures=figures, skips=skips or "- none")
    with open(os.path.join(out_root, "README.md"), "w") as f:
        f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "golden"))
    ap.add_argument("--only", action="append", default=[], metavar="PATTERN",
                    help="fnmatch pattern over item ids (repeatable); keeps other manifest entries")
    ap.add_argument("--list", action="store_true", help="print the item ids and exit")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    out_root = os.path.abspath(args.out)
    if args.worker:
        worker_main(out_root)
        return 0
    ids = all_item_ids()
    if args.list:
        print("\n".join(ids))
        return 0
    manifest_path = os.path.join(out_root, "manifest.json")
    previous = []
    old_minutes = None
    if args.only:
        selected = [i for i in ids if any(fnmatch.fnmatchcase(i, p) for p in args.only)]
        if os.path.exists(manifest_path):
            with open(manifest_path) as f:
                old = json.load(f)
            old_minutes = old.get("full_run_minutes")
            previous = [dict(b, status="ok") for b in old.get("bundles", [])]
            previous += [dict(r, status="failed") for r in old.get("failed_cases", [])]
            previous = [r for r in previous if r["id"] in ids and r["id"] not in selected]
        for i in selected:
            shutil.rmtree(os.path.join(out_root, *i.split("/")), ignore_errors=True)
    else:
        selected = ids
        for sub in ("models", "ops"):
            shutil.rmtree(os.path.join(out_root, sub), ignore_errors=True)
    os.makedirs(out_root, exist_ok=True)
    worker = Worker(out_root)
    results = []
    t_start = time.time()
    try:
        for n, item_id in enumerate(selected, 1):
            res = worker.run(item_id, TIMEOUT_S[item_id.split("/", 1)[0]])
            results.append(res)
            status = "ok" if res["status"] == "ok" else "FAILED: " + res["reason"]
            print("[%d/%d] %s %s" % (n, len(selected), item_id, status), flush=True)
    finally:
        worker.stop()
    # A failed item must not leave a stale directory behind.
    for r in results:
        if r["status"] != "ok":
            shutil.rmtree(os.path.join(out_root, *r["id"].split("/")), ignore_errors=True)
    manifest = build_manifest(previous + results, out_root)
    minutes = round((time.time() - t_start) / 60.0, 1)
    if args.only:
        minutes = old_minutes
    manifest["full_run_minutes"] = minutes
    with open(manifest_path, "w") as f:
        f.write(json.dumps(manifest, indent=1, sort_keys=False) + "\n")
    write_readme(manifest, out_root, minutes)
    cov = manifest["coverage"]
    print("RESULT: %d bundles (%d models, %d ops), %d failed cases; coverage %d/%d = %.1f%%" % (
        len(manifest["bundles"]), cov["model_bundles"], cov["op_bundles"], len(manifest["failed_cases"]),
        cov["non_internal_with_bundle"], cov["non_internal_ops"], cov["percent"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
