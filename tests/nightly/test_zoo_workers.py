"""nightly/workers.py: the line protocol, and what a crash, a hang or a handler error turns into."""

from __future__ import annotations

import sys

import pytest

from nightly.workers import Worker, WorkerFailed

SCRIPT = r'''
import os, sys, time
sys.path.insert(0, sys.argv[1])
from nightly.workers import serve

def handle(req):
    print("noise on stdout must not reach the protocol")
    os.write(1, b"C-level noise too\n")
    if req["do"] == "abort":
        sys.stderr.write("about to abort\n"); sys.stderr.flush()
        os.abort()
    if req["do"] == "sleep":
        time.sleep(30)
    if req["do"] == "raise":
        raise ValueError("bad request")
    return {"pid": os.getpid(), "echo": req["x"]}

sys.exit(serve(handle))
'''


@pytest.fixture
def worker(tmp_path):
    import os

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = tmp_path / "w.py"
    script.write_text(SCRIPT)
    w = Worker([sys.executable, str(script), root], str(tmp_path / "logs" / "w.log"), max_requests=3)
    yield w
    w.close()


def test_replies_survive_handler_errors_and_restart_after_crashes(worker, tmp_path):
    first = worker.call({"do": "echo", "x": 1}, timeout=20)
    assert first["echo"] == 1
    assert worker.call({"do": "echo", "x": [2, "b"]}, timeout=20) == {"pid": first["pid"], "echo": [2, "b"]}
    err = worker.call({"do": "raise"}, timeout=20)
    assert err["worker_error"] == "ValueError: bad request" and "Traceback" in err["traceback"]
    # max_requests=3: the fourth request goes to a fresh process
    assert worker.call({"do": "echo", "x": 4}, timeout=20)["pid"] != first["pid"]

    with pytest.raises(WorkerFailed, match=r"(?s)^crashed \(exit -6\): .*about to abort$"):
        worker.call({"do": "abort"}, timeout=20)
    assert worker.call({"do": "echo", "x": 5}, timeout=20)["echo"] == 5
    log = (tmp_path / "logs" / "w.log").read_text()
    assert "noise on stdout must not reach the protocol" in log and "C-level noise too" in log


def test_a_hung_worker_is_killed_at_the_timeout(worker):
    with pytest.raises(WorkerFailed, match=r"^timed out after 1 s$"):
        worker.call({"do": "sleep"}, timeout=1)
    assert worker.proc is None
    assert worker.call({"do": "echo", "x": 6}, timeout=20)["echo"] == 6
