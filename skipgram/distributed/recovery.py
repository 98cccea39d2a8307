"""Surviving lost workers: which failures of a network step mean "redo it", the phases a failure
is reported in, `Attempts`, the one bounded loop that the vocabulary and every round go
through, and `wait_for_tasks`, which waits for an attempt's tasks while watching the workers
(docs/distributed.md, "Failures")."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from distributed import Client, Future, KilledWorker

from skipgram.distributed.messages import StaleModel

logger = logging.getLogger(__package__)

# The phases of a run, as failures name them.
COUNTING = "vocabulary counting"
REDUCTION = "vocabulary tree reduction"
VOCABULARY_COPY = "copy of the vocabulary to the workers"
SCATTER = "scatter of the shared model"
TRAINING = "training"
MERGE = "merge of the changed rows"
BROADCAST = "broadcast of the merged model"

# How long to wait, after a network step failed, for the scheduler to drop the worker that
# caused it; it usually takes milliseconds (the worker's connection closes), but a machine that
# vanishes is dropped only when its heartbeats stop.
SETTLE_SECONDS = 5.0
# How often the client looks at an attempt's tasks and at the workers alive.
POLL_SECONDS = 0.1


class DistributedTrainingError(RuntimeError):
    """Training could not finish: workers kept failing, or the cluster has no workers."""


class WorkerLost(Exception):  # noqa: N818 (an internal signal, like StaleModel)
    """A step addressed to a worker failed because the worker has left the cluster (the
    scheduler answers a scatter to it with a bare KeyError)."""

    def __init__(self, address: str) -> None:
        super().__init__(f"worker {address} left the cluster")
        self.address = address


# Failures of the network or of the cluster, never of the data: a closed or refused connection
# (CommClosedError is an OSError, and so is TimeoutError), a task that killed the workers that
# ran it, a future cancelled because its data was lost. A task's own error (a missing file, a
# ValueError from bad input) is never among them: `Outcome.task_error` carries it unchanged.
RETRIABLE: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,  # not yet an alias of TimeoutError on Python 3.10
    KilledWorker,
    concurrent.futures.CancelledError,  # distributed's FutureCancelledError
    WorkerLost,
)


@dataclass
class Outcome:
    """How one attempt ended: with its `value`, or why it must be redone."""

    gone: set[str] = field(default_factory=set)  # left the cluster
    stale: set[str] = field(default_factory=set)  # hold another shared model than expected
    slow: set[str] = field(default_factory=set)  # did not finish within the round timeout
    error: BaseException | None = None  # a retriable failure of a network step
    task_error: BaseException | None = None  # a task's own error: raised, never retried
    phase: str = ""  # where it failed
    value: Any = None  # the result, when it succeeded

    @property
    def ok(self) -> bool:
        return not (self.gone or self.stale or self.slow or self.error)

    def describe(self) -> str:
        parts = []
        if self.gone:
            parts.append(f"lost workers {', '.join(sorted(self.gone))}")
        if self.stale:
            parts.append(f"workers {', '.join(sorted(self.stale))} need the whole model")
        if self.slow:
            parts.append(f"workers {', '.join(sorted(self.slow))} timed out and are dropped")
        if self.error is not None:
            parts.append(f"{type(self.error).__name__}: {self.error}")
        return "; ".join(parts)


@dataclass
class Attempt:
    """What an attempt's body tells the loop: the phase it is in, and the workers it uses (the
    suspects when a network step fails)."""

    number: int  # 0 for the first try
    phase: str = ""
    workers: set[str] = field(default_factory=set)


class Attempts:
    """Runs one stage of the run (the vocabulary, or a round) until it succeeds, at most
    `max_retries + 1` times; every phase of the stage goes through it, so a lost worker is
    handled the same way wherever it is noticed."""

    def __init__(
        self,
        client: Client,
        stage: str,
        max_retries: int,
        on_failure: Callable[[Outcome], None],
    ) -> None:
        self.client = client
        self.stage = stage  # "the vocabulary", "round 3 of 16 (epoch 1)"
        self.max_retries = max_retries
        self.on_failure = on_failure  # the coordinator forgets what the failed workers held
        self.failures: list[Outcome] = []

    def run(self, body: Callable[[Attempt], Outcome]) -> Any:
        """`body(attempt)`'s value once an attempt succeeds. A task's own error is raised as it
        is; `DistributedTrainingError` when every attempt failed."""
        total = self.max_retries + 1
        for number in range(total):
            attempt = Attempt(number)
            try:
                outcome = body(attempt)
            except RETRIABLE as error:
                outcome = Outcome(error=error, phase=attempt.phase)
            if outcome.task_error is not None:
                raise outcome.task_error
            if outcome.error is not None and not outcome.gone:
                outcome.gone = self._departed(attempt.workers)
            if outcome.ok:
                return outcome.value
            self.failures.append(outcome)
            self.on_failure(outcome)
            logger.warning(
                "%s, attempt %d of %d failed in the %s: %s; %s",
                self.stage,
                number + 1,
                total,
                outcome.phase,
                outcome.describe(),
                "redoing it" if number + 1 < total else "giving up",
            )
        raise DistributedTrainingError(self._gave_up())

    def _departed(self, suspects: set[str]) -> set[str]:
        """The suspects that have left the cluster, once the scheduler drops one of them or
        after SETTLE_SECONDS (a passing network fault drops nobody)."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            try:
                gone = suspects - set(self.client.nthreads())
            except RETRIABLE:  # the scheduler is unreachable too: the next attempt will say
                return set()
            if gone or not suspects or time.monotonic() > deadline:
                return gone
            time.sleep(POLL_SECONDS)

    def _gave_up(self) -> str:
        history = "; ".join(
            f"attempt {i + 1}: {outcome.phase}: {outcome.describe()}"
            for i, outcome in enumerate(self.failures)
        )
        return (
            f"{self.stage} failed in the {self.failures[-1].phase} after {len(self.failures)} "
            f"attempt(s) (max_retries={self.max_retries}): {history}. Look at "
            "the workers' logs (memory limits, crashes, network) or raise max_retries"
        )


# ---- waiting for an attempt's tasks -----------------------------------------------------------


def wait_for_tasks(
    client: Client,
    fetcher: concurrent.futures.Executor,
    pinned: list[tuple[str, Future]],
    finals: list[Future],
    timeout: float | None,
    phases: tuple[str, str],
    on_tick: Callable[[], None] | None = None,
) -> Outcome:
    """Wait for the pinned tasks (each with the worker it must run on) and fetch the `finals`
    their results feed; on success, the outcome's value lists the fetched results. A worker
    that leaves the cluster, or misses the deadline, ends the attempt instead: its pinned
    tasks, or a recomputation that needs them, would wait for it forever. Results are fetched
    by `fetcher`'s threads as soon as each is ready, so this loop keeps watching meanwhile.

    `phases` names what the pinned tasks do and what happens to their results (fetching,
    merging): a failure is reported in the first while a lost worker's tasks were running,
    in the second after they finished."""
    running, merging = phases
    workers = {address for address, _ in pinned}
    deadline = None if timeout is None else time.monotonic() + timeout
    fetches: dict[int, concurrent.futures.Future] = {}
    finished: set[Any] = set()  # pinned tasks that finished, even if their result is lost
    # Wakes the loop as soon as a task or a fetch finishes; the timeout bounds how late a
    # lost worker is noticed.
    changed = threading.Event()

    def on_done(future: Future) -> None:
        if future.status == "finished":
            finished.add(future.key)
        changed.set()

    for future in [f for _, f in pinned] + finals:
        future.add_done_callback(on_done)
    try:
        while len(fetches) < len(finals) or not all(f.done() for f in fetches.values()):
            gone = workers - set(client.nthreads())
            if gone:
                busy = any(f.key not in finished for a, f in pinned if a in gone)
                return Outcome(gone=gone, phase=running if busy else merging)
            failed = _task_failure(pinned, finals, finished, phases)
            if failed is not None:
                return failed
            for i, final in enumerate(finals):
                if i not in fetches and final.status == "finished":
                    fetches[i] = fetcher.submit(final.result)
                    fetches[i].add_done_callback(lambda _: changed.set())
            failed = _fetch_failure(fetches, merging)
            if failed is not None:
                return failed
            late = {a for a, f in pinned if not f.done()}
            if late and deadline is not None and time.monotonic() > deadline:
                return Outcome(slow=late, phase=running)
            if on_tick is not None:
                on_tick()
            changed.wait(POLL_SECONDS)
            changed.clear()
        failed = _fetch_failure(fetches, merging)
        if failed is not None:
            return failed
        return Outcome(value=[fetches[i].result() for i in range(len(finals))])
    finally:
        pending = [f for f in [f for _, f in pinned] + finals if not f.done()]
        # Cancelling spares the survivors useless work; if the scheduler cannot be reached for
        # it, the next attempt's first step says so.
        with contextlib.suppress(*RETRIABLE):
            if pending:
                client.cancel(pending)


def _task_failure(
    pinned: list[tuple[str, Future]],
    finals: list[Future],
    finished: set[Any],
    phases: tuple[str, str],
) -> Outcome | None:
    """Why the attempt cannot succeed, judging by its failed or cancelled tasks; None if none
    has failed. A task's own error ends the run (`task_error`); workers that reported holding
    another shared model than the round expects need the whole model (`stale`); a task that
    killed the workers that ran it, or was cancelled (its data was lost), is a failure of the
    cluster (`error`): in the phase of running a pinned task unless it had finished, in the
    phase of merging for a result lost after that and for the merges."""
    running, merging = phases
    unfinished = {f.key for _, f in pinned} - finished
    stale = set()
    for future in [f for _, f in pinned] + finals:
        phase = running if future.key in unfinished else merging
        if future.status == "cancelled":
            error = concurrent.futures.CancelledError(f"task {future.key} was cancelled")
            return Outcome(error=error, phase=phase)
        if future.status != "error":
            continue
        error = future.exception()
        if isinstance(error, StaleModel):
            stale.add(error.address)
        elif isinstance(error, KilledWorker):
            return Outcome(error=error, phase=phase)
        else:
            return Outcome(task_error=error, phase=phase)
    return Outcome(stale=stale, phase=running) if stale else None


def _fetch_failure(fetches: dict[int, concurrent.futures.Future], merging: str) -> Outcome | None:
    """A fetch of a result that failed on the network (its worker died while sending it, or
    the result was lost and cancelled); any other error of a fetch is raised."""
    for fetch in fetches.values():
        if fetch.done() and fetch.exception() is not None:
            error = fetch.exception()
            if not isinstance(error, RETRIABLE):
                raise error
            return Outcome(error=error, phase=merging)
    return None
