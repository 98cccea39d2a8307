"""One BLAS thread per training thread while an epoch runs.

The exact softmax calls `sgemm` from every worker thread. Left alone, OpenBLAS would run each
call on a pool of its own threads as well, one per core: the process would then use more
threads than `workers` says, and on a busy machine those pools, whose threads wait for each
other at every call, slowed the products down many times over. During an epoch the BLAS
libraries are therefore limited to one thread (threadpoolctl), so each call runs in the worker
that makes it and the `workers` threads are the only ones training. The limit is process-wide
(BLAS keeps one setting), so numpy in other threads of the process is single-threaded meanwhile
too. The previous limits come back when the last epoch running in the process ends.
"""

from __future__ import annotations

import threading

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_controller: ThreadpoolController | None = None
_limiter = None  # the limit in force, while `_holders` > 0
_holders = 0


class BlasLimit:
    """A hold on the one-thread limit; `release()` it (once) when the epoch ends."""

    def __init__(self) -> None:
        self._held = True

    def release(self) -> None:
        global _limiter, _holders
        with _lock:
            if not self._held:
                return
            self._held = False
            _holders -= 1
            if _holders == 0 and _limiter is not None:
                _limiter.restore_original_limits()
                _limiter = None


def one_blas_thread() -> BlasLimit:
    """Limit every loaded BLAS library to one thread until the returned hold is released.
    Holds nest: epochs running at the same time (two models trained from two threads) share
    one limit, lifted when the last of them ends."""
    global _controller, _limiter, _holders
    with _lock:
        if _controller is None:
            # Finding the libraries walks the process's shared objects (milliseconds), so it is
            # done once: the kernel's BLAS, scipy's OpenBLAS, is loaded with the kernel.
            _controller = ThreadpoolController()
        if _holders == 0:
            _limiter = _controller.limit(limits=1, user_api="blas")
        _holders += 1
        return BlasLimit()
