"""A reproducible busy machine for benchmarks, and a record of how busy it was.

``spinners(n)`` starts ``n`` pure-CPU busy loops as children of the benchmark, so they share
its session. That matters on kernels with autogroup scheduling (the default on desktop and
many server kernels): CPU time is first shared between sessions, so load started in another
terminal competes with the benchmark only as one group, and ``nice`` does not reach across
sessions either. Busy loops in the benchmark's own session compete with each trainer thread
one for one, which is what "a machine with N other busy processes" means.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench_train import cores_in_use

# Long enough for a fresh interpreter to reach its loop before the first timed run starts.
SPIN_UP_S = 1.0
# A busy loop that also ends when the benchmark does, however it ends (even by SIGKILL): it
# checks every few milliseconds whether it has been orphaned.
SPIN_CODE = """
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(100_000):
        pass
"""


@contextmanager
def spinners(n: int) -> Iterator[list[int]]:
    """Keep ``n`` busy processes running for the duration of the block; yields their pids."""
    procs = [
        subprocess.Popen([sys.executable, "-S", "-c", SPIN_CODE], stdin=subprocess.DEVNULL)
        for _ in range(n)
    ]
    try:
        if procs:
            time.sleep(SPIN_UP_S)
            for proc in procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"background spinner exited with {proc.returncode}")
        yield [proc.pid for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


def load_snapshot() -> dict[str, Any]:
    """The 1, 5 and 15 minute load averages (what ``uptime`` prints) and the time they were read."""
    return {"loadavg": list(os.getloadavg()), "time": time.time()}


def wait_for_idle(timeout: float, own_busy: float, idle_cores: float = 0.15) -> float:
    """Wait up to ``timeout`` s until no more than ``own_busy`` + ``idle_cores`` CPUs are busy.

    ``own_busy`` is what the benchmark itself keeps busy between runs (its spinners). Returns
    the last measured number of busy CPUs, so a run on a busy machine is recorded as such.
    """
    deadline = time.monotonic() + timeout
    busy = cores_in_use()
    while busy > own_busy + idle_cores and time.monotonic() < deadline:
        busy = cores_in_use()
    return busy
