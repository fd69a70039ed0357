"""Long-lived worker processes for the zoo: one JSON request per line in, one JSON reply per line out.

Importing TVM costs seconds (either version); a worker pays it once instead of once per model, while a
crash or a hang in TVM still costs only the model being processed: the worker is killed and the next
request starts a fresh one. The reply channel is a private copy of the worker's stdout: anything else
printed (by Python or by C++ code) goes to the worker's log file, never into the protocol.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
import traceback


class WorkerFailed(Exception):
    """The worker died or timed out while handling a request; the message says which and shows its log tail."""


def _tail(path, n=600):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 4096))
            text = f.read().decode(errors="replace").strip()
    except OSError:
        return ""
    return text if len(text) <= n else "..." + text[-n:]


class Worker:
    """A restartable subprocess speaking the line protocol of `serve`."""

    def __init__(self, argv, log_path, *, env=None, cwd=None, max_requests=40):
        self.argv, self.log_path, self.env, self.cwd = list(argv), log_path, env, cwd
        self.max_requests = max_requests
        self.proc = None
        self.served = 0

    def _start(self):
        os.makedirs(os.path.dirname(os.path.abspath(self.log_path)), exist_ok=True)
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                         env=self.env, cwd=self.cwd, text=True, bufsize=1)
        finally:
            log.close()
        self.served = 0

    def call(self, request: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None or self.served >= self.max_requests:
            self.close()
            self._start()
        self.served += 1
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.close()
            raise WorkerFailed("worker exited before taking the request: %s" % _tail(self.log_path)) from None
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close(kill=True)
                raise WorkerFailed("timed out after %.0f s" % timeout)
            ready, _, _ = select.select([self.proc.stdout], [], [], min(remaining, 5.0))
            if ready:
                line = self.proc.stdout.readline()
                if not line:  # EOF: the worker died (segfault, abort, out of memory)
                    code = self.proc.wait()
                    self.close()
                    raise WorkerFailed("crashed (exit %s): %s" % (code, _tail(self.log_path)))
                return json.loads(line)

    def close(self, kill=False):
        if self.proc is None:
            return
        if kill and self.proc.poll() is None:
            self.proc.kill()
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.proc = None


def serve(handler):
    """Worker side: answer each JSON line on stdin with handler(request) as one JSON line.

    An exception in the handler becomes {"worker_error": message, "traceback": ...}; the loop goes on.
    """
    reply = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray output of Python or C++ code goes to the log, not into the protocol
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            response = handler(json.loads(line))
        except Exception as exc:  # noqa: BLE001  (reported to the runner as this model's error)
            response = {"worker_error": "%s: %s" % (type(exc).__name__, exc), "traceback": traceback.format_exc()}
        reply.write(json.dumps(response, default=str) + "\n")
        reply.flush()
    return 0
