"""One training epoch across worker threads.

The calling thread produces batches (reading and mapping sentences needs the GIL); `workers`
threads each run the compiled kernel on whole batches with the GIL released, so they train in
parallel. Each thread keeps its own float64 tallies, summed only at the end of the epoch: no
counter is shared between threads, so none is lost or contended.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from skipgram._inner import KernelModel, KernelWorker, train_batch
from skipgram.batching import Batch

logger = logging.getLogger(__name__)

# How long the producer waits on a full queue before checking whether a worker failed.
_POLL_SECONDS = 0.1


@dataclass
class LearningRate:
    """Linear decay from `start` to `end` over `total_words` raw tokens (docs/math.md)."""

    start: float
    end: float
    total_words: int

    def at(self, words_done: int) -> float:
        progress = min(words_done / max(self.total_words, 1), 1.0)
        return self.start - (self.start - self.end) * progress


@dataclass
class EpochStats:
    """What one epoch did. `loss` is a float64 sum over `pairs` (centre, context) pairs."""

    raw_words: int = 0
    kept_words: int = 0
    pairs: int = 0
    loss: float = 0.0
    seconds: float = 0.0

    def add(self, other: EpochStats) -> None:
        self.raw_words += other.raw_words
        self.kept_words += other.kept_words
        self.pairs += other.pairs
        self.loss += other.loss

    @property
    def mean_loss(self) -> float:
        """Mean loss per trained pair (NaN when no pair was trained)."""
        return self.loss / self.pairs if self.pairs else float("nan")

    @property
    def words_per_second(self) -> float:
        return self.raw_words / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Job:
    batch: Batch
    alpha_start: float
    alpha_end: float


def run_epoch(
    kernel: KernelModel,
    workers: list[KernelWorker],
    batches: Iterable[Batch],
    schedule: LearningRate,
    words_done: int,
    report: Callable[[EpochStats, float], None] | None = None,
) -> EpochStats:
    """Train on every batch once. `words_done` is the raw tokens trained before this epoch (the
    learning rate continues from there). `report(done, alpha)`, if given, is called from this
    thread after each batch is queued, with the tallies of the batches finished so far and the
    current learning rate (for a progress bar).

    Interrupting (Ctrl-C) or a failing worker stops every thread before the exception
    propagates: workers finish the batch in hand (milliseconds) and take no other, so the
    vectors are left consistent and the model can be queried, saved and trained again."""
    jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=2 * len(workers))
    tallies = [EpochStats() for _ in workers]
    failures: list[BaseException] = []
    stop = threading.Event()

    def work(worker: KernelWorker, tally: EpochStats) -> None:
        try:
            while not stop.is_set():
                job = jobs.get()
                if job is None or stop.is_set():
                    return
                kept, pairs, loss = train_batch(
                    kernel,
                    worker,
                    job.batch.words,
                    job.batch.sentence_ends,
                    job.alpha_start,
                    job.alpha_end,
                )
                tally.raw_words += job.batch.raw_words
                tally.kept_words += kept
                tally.pairs += pairs
                tally.loss += loss
        except BaseException as error:  # handed to the producer, re-raised in the caller
            failures.append(error)
            stop.set()

    threads = [
        threading.Thread(target=work, args=(w, t), daemon=True, name=f"skipgram-{i}")
        for i, (w, t) in enumerate(zip(workers, tallies, strict=True))
    ]
    started = time.perf_counter()
    produced = words_done
    try:
        for thread in threads:
            thread.start()
        for batch in batches:
            job = _Job(batch, schedule.at(produced), schedule.at(produced + batch.raw_words))
            produced += batch.raw_words
            if not _put(jobs, job, stop):
                break
            if report is not None:
                report(_sum(tallies), job.alpha_end)
    except BaseException:
        stop.set()
        raise
    finally:
        _finish(jobs, threads, stop)
    if failures:
        raise failures[0]
    total = _sum(tallies)
    total.seconds = time.perf_counter() - started
    return total


def _sum(tallies: list[EpochStats]) -> EpochStats:
    """The tallies added up. Reading another thread's counters while it runs is safe under the
    GIL; a total read mid-batch is merely a few milliseconds old."""
    total = EpochStats()
    for tally in tallies:
        total.add(tally)
    return total


def _put(jobs: queue.Queue, job: _Job, stop: threading.Event) -> bool:
    """Queue a job unless the epoch is stopping; False once it is."""
    while not stop.is_set():
        try:
            jobs.put(job, timeout=_POLL_SECONDS)
            return True
        except queue.Full:
            continue
    return False


def _finish(jobs: queue.Queue, threads: list[threading.Thread], stop: threading.Event) -> None:
    """Tell every worker to finish and wait for them. On a stop, queued jobs are dropped so
    workers exit after their current batch (a batch takes milliseconds).

    Nothing here blocks without a timeout, and a Ctrl-C arriving at any point turns the wait
    into a stop and is re-raised only once every thread has ended: returning earlier would
    leave threads writing to the vectors while the caller already reads or saves them."""
    interrupted: BaseException | None = None
    sentinels_owed = len(threads)
    while any(thread.is_alive() for thread in threads):
        try:
            if stop.is_set():
                _drop_queued(jobs)  # the sentinels too: every worker is owed one again
                sentinels_owed = len(threads)
            # Sentinels queue behind the remaining jobs, so every job is still trained.
            while sentinels_owed:
                jobs.put(None, timeout=_POLL_SECONDS)
                sentinels_owed -= 1
            for thread in threads:
                # Only a thread that runs is joined: joining one that never started raises a
                # RuntimeError of its own, which would hide why starting failed (e.g. no memory
                # left for another thread stack). Every thread that did start is waited for.
                if thread.is_alive():
                    thread.join(timeout=_POLL_SECONDS)
        except queue.Full:
            continue  # workers are busy: check for a stop, then offer again
        except KeyboardInterrupt as error:
            interrupted = error
            stop.set()
    if interrupted is not None:
        raise interrupted


def _drop_queued(jobs: queue.Queue) -> None:
    while True:
        try:
            jobs.get_nowait()
        except queue.Empty:
            return
