"""Surviving lost workers: which failures of a network step mean "redo it", the phases a failure
is reported in, and `Attempts`, the one bounded loop that the vocabulary and every round go
through (docs/distributed.md, "Failures")."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from distributed import Client, KilledWorker

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
_POLL_SECONDS = 0.1


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
            time.sleep(_POLL_SECONDS)

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
