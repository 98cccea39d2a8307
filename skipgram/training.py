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
from skipgram.blas_threads import one_blas_thread
from skipgram.corpus_ids import Batch
from skipgram.params import check_int, check_schedule

logger = logging.getLogger(__name__)

# How long the producer waits on a full queue before checking whether a worker failed.
_POLL_SECONDS = 0.1


@dataclass
class UnfinishedRun:
    """A `train()` call that stopped before its last epoch: what `train(resume=True)` needs to
    finish it with the same learning-rate schedule. Saved with the model."""

    epochs: int
    start_alpha: float
    end_alpha: float
    epochs_done: int
    total_examples: int | None = None
    total_words: int | None = None

    def to_json(self) -> dict[str, int | float | None]:
        return dict(vars(self))

    @classmethod
    def from_json(cls, saved: object) -> UnfinishedRun:
        """Validated like train()'s own arguments: a model file may be forged."""
        if not isinstance(saved, dict) or set(saved) != set(cls.__dataclass_fields__):
            raise ValueError(f"unfinished_run must hold {sorted(cls.__dataclass_fields__)}")
        run = cls(**saved)
        check_int("epochs", run.epochs)
        for name in ("total_examples", "total_words"):
            if getattr(run, name) is not None:
                check_int(name, getattr(run, name))
        check_schedule(run.start_alpha, run.end_alpha)
        if isinstance(run.epochs_done, bool) or not isinstance(run.epochs_done, int):
            raise ValueError(f"epochs_done must be an int, got {run.epochs_done!r}")
        if not 0 <= run.epochs_done < run.epochs:
            raise ValueError(f"epochs_done must be in [0, epochs), got {run.epochs_done}")
        return run


@dataclass
class LearningRate:
    """Linear decay from `start` to `end` over `total_words` raw tokens (docs/math.md), or,
    with `unit="sentences"`, over that many sentences (gensim's `total_examples`); past the
    total it stays at `end`."""

    start: float
    end: float
    total_words: int
    unit: str = "words"

    def at(self, words_done: int) -> float:
        progress = min(words_done / max(self.total_words, 1), 1.0)
        return self.start - (self.start - self.end) * progress

    def amount(self, batch: Batch) -> int:
        """How far `batch` moves the schedule, in its unit."""
        return len(batch.sentence_ends) if self.unit == "sentences" else batch.raw_words


@dataclass
class EpochStats:
    """What one epoch did. `loss` is a float64 sum over `pairs` (centre, context) pairs."""

    raw_words: int = 0
    kept_words: int = 0
    pairs: int = 0
    loss: float = 0.0
    seconds: float = 0.0
    sentences: int = 0

    def add(self, other: EpochStats) -> None:
        self.raw_words += other.raw_words
        self.kept_words += other.kept_words
        self.pairs += other.pairs
        self.loss += other.loss
        self.sentences += other.sentences

    @property
    def mean_loss(self) -> float:
        """Mean loss per trained pair (NaN when no pair was trained)."""
        return self.loss / self.pairs if self.pairs else float("nan")

    @property
    def words_per_second(self) -> float:
        return self.raw_words / self.seconds if self.seconds > 0 else 0.0


def call_schedule(
    start: float,
    end: float,
    epochs: int,
    corpus_words: int,
    total_examples: int | None,
    total_words: int | None,
) -> tuple[LearningRate, int]:
    """The learning rate of one `train()` call and how far it moves per epoch, with gensim's
    meaning of `total_examples` and `total_words`: the decay runs over `epochs` times the given
    count of sentences (which wins when both are given) or raw words; without either, over the
    corpus's raw words, which skipgram knows exactly. 0 counts as not given, as in gensim."""
    if total_examples:
        return LearningRate(start, end, total_examples * epochs, "sentences"), total_examples
    per_epoch = total_words or corpus_words
    return LearningRate(start, end, per_epoch * epochs), per_epoch


def check_supplied_counts(
    epoch: int, stats: EpochStats, total_examples: int | None, total_words: int | None
) -> None:
    """gensim's warnings when an epoch did not see the sentences or words `train()` was told
    to expect (the learning rate then did not end where it should have)."""
    if total_examples and total_examples != stats.sentences:
        logger.warning(
            "EPOCH %d: supplied example count (%d) did not equal expected count (%d)",
            epoch,
            stats.sentences,
            total_examples,
        )
    if total_words and total_words != stats.raw_words:
        logger.warning(
            "EPOCH %d: supplied raw word count (%d) did not equal expected count (%d)",
            epoch,
            stats.raw_words,
            total_words,
        )


class ProgressLog:
    """gensim's `report_delay`: a progress line on the log at most every `delay` seconds
    during an epoch (None: never; the progress bar shows progress)."""

    def __init__(self, delay: float | None, epochs: int, epoch_words: int) -> None:
        self.delay = delay
        self.epochs = epochs
        self.epoch_words = max(epoch_words, 1)
        self.epoch = 0
        self._started = self._next = 0.0

    def begin_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        self._started = time.perf_counter()
        self._next = self._started + (self.delay or 0.0)

    def update(self, done: EpochStats, alpha: float) -> None:
        if self.delay is None:
            return
        now = time.perf_counter()
        if now < self._next:
            return
        self._next = now + self.delay
        elapsed = max(now - self._started, 1e-9)
        logger.info(
            "EPOCH %d/%d - PROGRESS: at %.2f%% words, %.0f words/s, alpha %.6f",
            self.epoch + 1,
            self.epochs,
            100.0 * done.raw_words / self.epoch_words,
            done.raw_words / elapsed,
            alpha,
        )


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
    queue_factor: int = 2,
) -> EpochStats:
    """Train on every batch once. `words_done` is how far the schedule went before this epoch,
    in its unit (raw tokens, or sentences); the learning rate continues from there.
    `report(done, alpha)`, if given, is called from this thread after each batch is queued,
    with the tallies of the batches finished so far and the current learning rate (for a
    progress bar). At most `queue_factor` batches per worker wait in the queue.

    Interrupting (Ctrl-C) or a failing worker stops every thread before the exception
    propagates: workers finish the batch in hand (milliseconds) and take no other, so the
    vectors are left consistent and the model can be queried, saved and trained again."""
    jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=queue_factor * len(workers))
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
                tally.sentences += len(job.batch.sentence_ends)
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
    blas_limit = one_blas_thread()  # each worker's BLAS calls run in that worker
    try:
        for thread in threads:
            thread.start()
        for batch in batches:
            amount = schedule.amount(batch)
            job = _Job(batch, schedule.at(produced), schedule.at(produced + amount))
            produced += amount
            if not _put(jobs, job, stop):
                break
            if report is not None:
                report(_sum(tallies), job.alpha_end)
    except BaseException:
        stop.set()
        raise
    finally:
        _finish(jobs, threads, stop)
        blas_limit.release()
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
