"""One distributed training seen from the client: the `Coordinator` assigns files to workers,
runs the counting and the rounds, combines the replicas' changes into the model, and redoes the
work of lost workers (each stage through `recovery.Attempts`)."""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from distributed import Client, Future

from skipgram.distributed.merge import apply_changes, finish_vocabulary, merge_counts, merge_updates
from skipgram.distributed.messages import RowValues, Settings, Snapshot, Update
from skipgram.distributed.recovery import (
    BROADCAST,
    COUNTING,
    MERGE,
    POLL_SECONDS,
    REDUCTION,
    SCATTER,
    TRAINING,
    VOCABULARY_COPY,
    Attempt,
    Attempts,
    DistributedTrainingError,
    Outcome,
    WorkerLost,
    wait_for_tasks,
)
from skipgram.distributed.rounds import (
    DEFAULT_ROUNDS_PER_EPOCH,
    MAX_DEFAULT_SYNC_WORDS,
    MIN_DEFAULT_SYNC_WORDS,
    RoundPlan,
    plan_rounds,
)
from skipgram.distributed.tasks import copy_here, count_file, forget_run, train_share
from skipgram.loop import Report, TrainingCall, train_epochs
from skipgram.model import SkipGram
from skipgram.params import INT_BOUNDS
from skipgram.training import EpochStats

# The package's logger, as before the split into modules: users configure "skipgram.distributed".
logger = logging.getLogger(__package__)

# How long to wait for a replacement when no worker is left.
_WORKER_WAIT_SECONDS = 60.0
# With `round_timeout=None`, a round may take this many times the slowest round so far.
_TIMEOUT_FACTOR = 10.0
_TIMEOUT_FLOOR_SECONDS = 60.0


@dataclass(frozen=True)
class Options:
    """The options of `train()` that are not `SkipGram` parameters."""

    model_params: dict[str, Any]  # the SkipGram parameters, as given to train()
    threads: int | None  # training threads per Dask worker; None: the worker's own count
    sync_words: int | None
    compute_loss: bool
    progress: bool | None
    callbacks: list[Any]
    checkpoint: str | os.PathLike[str] | None
    max_sentence_length: int
    round_timeout: float | None
    max_retries: int


class Coordinator:
    """One distributed training, seen from the client: assigns files to workers, runs the rounds,
    combines the replicas' changes and recovers from lost workers."""

    def __init__(self, client: Client, files: list[str], model: SkipGram, options: Options) -> None:
        self.client = client
        self.files = files
        self.model = model  # until build_vocabulary replaces it with one over the vocabulary
        self.options = options
        self.run_id = f"skipgram-{uuid.uuid4().hex}"
        self.owner: dict[int, str] = {}  # file index -> worker address
        self.file_words: dict[int, int] = {}
        self.excluded: set[str] = set()  # workers that timed out: never given work again
        self.known_version: dict[str, int] = {}  # shared model each worker holds
        self.vocab_copies: dict[str, Future] = {}  # the vocabulary, one copy per worker
        self.slowest_round = 0.0
        self.rounds = 0  # in the whole run, once training starts
        self.live = _LiveWords()
        self.fetcher = concurrent.futures.ThreadPoolExecutor(2, "skipgram-fetch")

    def __enter__(self) -> Coordinator:
        self.client.subscribe_topic(self.run_id, self.live.on_event)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.fetcher.shutdown(wait=False, cancel_futures=True)
        try:
            self.client.unsubscribe_topic(self.run_id)
            self.client.run(forget_run, self.run_id)
        except Exception as error:  # cleanup must never hide the error that ended the run
            logger.warning("could not clear the workers' state of %s: %r", self.run_id, error)

    # ---- vocabulary ------------------------------------------------------------------------

    def build_vocabulary(self) -> None:
        """Count every file on its worker, merge the counts on the cluster, and replace the model
        with one over that vocabulary, with word2vec's initial vectors."""
        p, options = self.model.params, self.options
        sizes = self._file_sizes()

        def attempt(this: Attempt) -> Outcome:
            this.phase = COUNTING
            live = self._live_workers()
            this.workers = set(live)
            self._assign(live, sizes)
            pinned = [
                (
                    self.owner[index],
                    self._pinned(
                        self.owner[index],
                        count_file,
                        self.run_id,
                        index,
                        path,
                        options.max_sentence_length,
                        p.max_vocab_size,
                    ),
                )
                for index, path in enumerate(self.files)
            ]
            merged = _tree_reduce(
                self.client, [f for _, f in pinned], merge_counts, 1, p.max_vocab_size
            )
            root = self.client.submit(
                finish_vocabulary,
                merged[0],
                p.min_count,
                max_final_vocab=p.max_final_vocab,
                sorted_vocab=p.sorted_vocab,
                null_word=p.null_word,
                pure=False,
            )
            return self._wait(pinned, [root], options.round_timeout, (COUNTING, REDUCTION))

        [(vocab, self.file_words)] = self._attempts("the vocabulary").run(attempt)
        self.model = SkipGram.from_vocabulary(vocab, **options.model_params)
        logger.info(
            "vocabulary: %d words, from %d files of %d tokens on %d workers",
            len(vocab),
            len(self.files),
            vocab.total_words,
            len(set(self.owner.values())),
        )

    def _file_sizes(self) -> list[int]:
        """Bytes of each file the client can see (to balance the counting), else 1."""
        sizes = []
        for path in self.files:
            try:
                sizes.append(max(os.path.getsize(path), 1))
            except OSError:
                sizes.append(1)
        return sizes

    # ---- training --------------------------------------------------------------------------

    def train(self) -> None:
        """All epochs, round by round, through the same epoch loop as `SkipGram.train`
        (skipgram/loop.py); the model's matrices end up trained."""
        p, model, options = self.model.params, self.model, self.options
        call = TrainingCall(
            p.epochs,
            p.alpha,
            p.min_alpha,
            model.vocab.total_words,
            compute_loss=options.compute_loss,
            callbacks=options.callbacks,
            checkpoint=options.checkpoint,
            progress=options.progress,
        )
        model._log_rising_alpha(call.start_alpha, call.end_alpha, resume=False)  # as train()
        settings = Settings(p, options.max_sentence_length, options.compute_loss)
        rounds_per_epoch = self._rounds_per_epoch(call.corpus_words)
        plans = plan_rounds(p.epochs, call.corpus_words, rounds_per_epoch, call.schedule)
        self.rounds = len(plans)
        changes: RowValues | None = None

        def train_epoch(epoch: int, report: Report) -> EpochStats:
            nonlocal changes
            stats, started = EpochStats(), time.monotonic()
            for plan in (plan for plan in plans if plan.epoch == epoch):
                update = self._round(settings, plan, changes, stats, report)
                changes = RowValues(
                    plan.version + 1,
                    *apply_changes(model.wv.vectors, update.inputs),
                    *apply_changes(model.output_vectors, update.outputs),
                )
                stats.add(update.stats)
                report(stats, plan.alpha_end)
            stats.seconds = time.monotonic() - started
            return stats

        train_epochs(model, call, train_epoch, logger)

    def _rounds_per_epoch(self, epoch_words: int) -> int:
        workers = max(len(set(self.owner.values())), 1)
        sync_words = self.options.sync_words
        if sync_words is None:
            share = epoch_words / workers / DEFAULT_ROUNDS_PER_EPOCH
            sync_words = int(min(max(share, MIN_DEFAULT_SYNC_WORDS), MAX_DEFAULT_SYNC_WORDS))
        rounds = max(1, round(epoch_words / (workers * sync_words)))
        logger.info(
            "%d rounds per epoch: each of %d workers trains ~%d words between combinations",
            rounds,
            workers,
            epoch_words // (workers * rounds),
        )
        return rounds

    def _round(
        self,
        settings: Settings,
        plan: RoundPlan,
        changes: RowValues | None,
        epoch_stats: EpochStats,
        report: Report,
    ) -> Update:
        """Train one round on every worker that owns files and return the merged changes; a
        round that loses workers, in any of its phases, is redone from the same shared model."""
        copies: dict[str, Future] = {}  # of `changes`, kept across attempts

        def attempt(this: Attempt) -> Outcome:
            nonlocal copies
            live = self._live_workers()
            this.workers = set(live)
            self._assign(live, [self.file_words[i] for i in range(len(self.files))])
            owners = sorted(set(self.owner.values()), key=self._first_file)
            key = self.live.restart(f"{plan.version}.{this.number}")
            started = time.monotonic()
            this.phase = BROADCAST
            copies = self._spread_changes(copies, changes, owners, plan.version)
            this.phase = VOCABULARY_COPY
            self.vocab_copies = self._spread(self.vocab_copies, self.model.vocab, owners)
            this.phase = SCATTER
            states = {address: self._model_state(address, plan, copies) for address in owners}
            this.phase = TRAINING
            pinned = [
                (address, self._train_on(address, live[address], settings, plan, states, key))
                for address in owners
            ]
            # The last merge runs on the client, as the partial results arrive.
            partials = _tree_reduce(self.client, [f for _, f in pinned], merge_updates, 2)
            show = functools.partial(self._show_progress, report, epoch_stats, plan)
            outcome = self._wait(pinned, partials, self._timeout(), (TRAINING, MERGE), show)
            if outcome.ok:
                outcome.value = functools.reduce(merge_updates, outcome.value)
                self._round_done(plan, owners, outcome.value, time.monotonic() - started)
            return outcome

        stage = f"round {plan.version + 1} of {self.rounds} (epoch {plan.epoch + 1})"
        return self._attempts(stage).run(attempt)

    def _round_done(
        self, plan: RoundPlan, owners: list[str], update: Update, seconds: float
    ) -> None:
        self.slowest_round = max(self.slowest_round, seconds)
        self.known_version.update(dict.fromkeys(owners, plan.version))
        logger.debug(
            "round %d done in %.2fs on %d workers (training %.2fs); changed rows: "
            "%d input, %d output",
            plan.version + 1,
            seconds,
            len(owners),
            update.stats.seconds,
            len(update.inputs.rows),
            len(update.outputs.rows),
        )

    def _attempts(self, stage: str) -> Attempts:
        return Attempts(self.client, stage, self.options.max_retries, self._forget)

    def _model_state(self, address: str, plan: RoundPlan, copies: dict[str, Future]) -> Future:
        """What brings a worker to the round's shared model: the last changes, or the whole
        model for a worker without them (it missed the round before, or is new)."""
        if address in copies:
            return copies[address]
        snapshot = Snapshot(plan.version, self.model.wv.vectors, self.model.output_vectors)
        return self._scatter(snapshot, address)

    def _train_on(
        self,
        address: str,
        worker_threads: int,
        settings: Settings,
        plan: RoundPlan,
        states: dict[str, Future],
        progress_key: str,
    ) -> Future:
        """Submit a worker's share of the round."""
        share = plan.share(self._files_of(address), self._threads(worker_threads), progress_key)
        vocab = self.vocab_copies[address]
        return self._pinned(
            address, train_share, self.run_id, vocab, settings, share, states[address]
        )

    def _spread_changes(
        self, copies: dict[str, Future], changes: RowValues | None, owners: list[str], version: int
    ) -> dict[str, Future]:
        """Copies of the last changes on the workers that hold the model before them (or
        already the model after them, when the round is redone)."""
        if changes is None:
            return {}
        ready = [a for a in owners if self.known_version.get(a, -2) >= version - 1]
        return self._spread(copies, changes, ready)

    def _spread(
        self, copies: dict[str, Future], data: Any, addresses: list[str]
    ) -> dict[str, Future]:
        """A copy of `data` on each of `addresses`. Workers keep the copies they have; the client
        uploads `data` once if no worker has it, and each worker with a copy sends one on to a
        worker without, doubling the holders at every step.

        (Dask's `scatter(broadcast=True)` would do the same, but waits forever when a worker
        dies during its replication.)"""
        held = {a: f for a, f in copies.items() if a in addresses and f.status == "finished"}
        missing = [a for a in addresses if a not in held]
        if missing and not held:
            first = missing.pop(0)
            held[first] = self._scatter(data, first)
        while missing:
            sources = list(held.values())
            targets, missing = missing[: len(sources)], missing[len(sources) :]
            for source, target in zip(sources, targets, strict=False):
                held[target] = self._pinned(target, copy_here, source)
        return held

    def _scatter(self, data: Any, address: str) -> Future:
        """`data` uploaded to worker `address`."""
        try:
            return self.client.scatter(data, workers=[address], hash=False)
        except KeyError as error:
            # What the scheduler answers for a worker it has dropped (addresses come from it).
            if error.args != (address,):
                raise
            raise WorkerLost(address) from error

    def _pinned(self, address: str, function: Callable[..., Any], *args: Any) -> Future:
        """`function(*args)` as a task that runs on worker `address` and nowhere else."""
        return self.client.submit(
            function, *args, workers=[address], allow_other_workers=False, pure=False
        )

    def _threads(self, worker_threads: int) -> int:
        # A Dask worker's own thread count is bounded like the workers parameter it stands for.
        return self.options.threads or min(worker_threads, INT_BOUNDS["workers"][1])

    def _timeout(self) -> float | None:
        if self.options.round_timeout is not None:
            return self.options.round_timeout
        if self.slowest_round == 0:
            return None
        return max(_TIMEOUT_FACTOR * self.slowest_round, _TIMEOUT_FLOOR_SECONDS)

    # ---- workers and files -----------------------------------------------------------------

    def _live_workers(self) -> dict[str, int]:
        """Address -> threads of the usable workers, waiting a while for one if there is none."""
        deadline = time.monotonic() + _WORKER_WAIT_SECONDS
        while True:
            workers = {a: n for a, n in self.client.nthreads().items() if a not in self.excluded}
            if workers:
                return workers
            if time.monotonic() > deadline:
                raise DistributedTrainingError(
                    f"no usable worker for {_WORKER_WAIT_SECONDS:.0f} s: start workers "
                    "(dask worker SCHEDULER_ADDRESS) or scale the cluster up"
                )
            time.sleep(POLL_SECONDS)

    def _assign(self, live: dict[str, int], sizes: list[int]) -> None:
        """Give each file without a live owner to the live worker with the least work, largest
        files first. Files stay with live owners, where their word ids are cached."""
        load = dict.fromkeys(sorted(live), 0)
        for index, address in self.owner.items():
            if address in load:
                load[address] += sizes[index]
        orphans = [i for i in range(len(self.files)) if self.owner.get(i) not in load]
        for index in sorted(orphans, key=lambda i: (-sizes[i], i)):
            target = min(load, key=load.__getitem__)  # ties: the first address in order
            self.owner[index] = target
            load[target] += sizes[index]

    def _files_of(self, address: str) -> list[tuple[int, str]]:
        return [(i, self.files[i]) for i, owner in sorted(self.owner.items()) if owner == address]

    def _first_file(self, address: str) -> int:
        return self._files_of(address)[0][0]

    def _forget(self, outcome: Outcome) -> None:
        """After a failed attempt: forget what failed workers held; their files go to others at
        the next attempt, and workers that timed out get no more work."""
        self.excluded |= outcome.slow
        for address in outcome.gone | outcome.stale | outcome.slow:
            self.known_version.pop(address, None)

    # ---- waiting and progress --------------------------------------------------------------

    def _wait(
        self,
        pinned: list[tuple[str, Future]],
        finals: list[Future],
        timeout: float | None,
        phases: tuple[str, str],
        on_tick: Callable[[], None] | None = None,
    ) -> Outcome:
        return wait_for_tasks(self.client, self.fetcher, pinned, finals, timeout, phases, on_tick)

    def _show_progress(self, report: Report, epoch_stats: EpochStats, plan: RoundPlan) -> None:
        """The bar with the epoch's tallies so far and the words reported in this round."""
        words = min(self.live.words, plan.words)
        done = EpochStats(
            epoch_stats.raw_words + words,
            epoch_stats.kept_words,
            epoch_stats.pairs,
            epoch_stats.loss,
        )
        report(done, plan.alpha_start)


class _LiveWords:
    """Words the workers report while a round trains; reports reach the client in Dask's event
    thread and are kept only if they belong to the current attempt."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key = ""
        self._words = 0

    def restart(self, key: str) -> str:
        with self._lock:
            self._key, self._words = key, 0
        return key

    def on_event(self, event: tuple[float, list[Any]]) -> None:
        key, words = event[1]
        with self._lock:
            if key == self._key:
                self._words += words

    @property
    def words(self) -> int:
        with self._lock:
            return self._words


def _tree_reduce(
    client: Client, futures: list[Future], merge: Callable[..., Any], keep: int, *args: Any
) -> list[Future]:
    """Merge `futures` pairwise on the cluster, neighbours first (so the order is kept), until
    at most `keep` remain."""
    while len(futures) > keep:
        pairs = zip(futures[::2], futures[1::2], strict=False)
        merged = [client.submit(merge, left, right, *args, pure=False) for left, right in pairs]
        futures = merged + ([futures[-1]] if len(futures) % 2 else [])
    return futures
