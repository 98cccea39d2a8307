"""The tasks that run on the workers: counting a file's words, keeping its word ids, and
training a copy of the shared model on a share of a round.

Worker-side state (the files' word ids, the shared model) lives in this module's `_RUNS`
registry inside each worker process, under the run's id, and is dropped when the run ends
(`forget_run`). Dask pickles these functions by reference, so a worker runs the installed
`skipgram.distributed.tasks`."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from distributed import get_worker

from skipgram._inner import KernelModel
from skipgram.corpus import LineSentence
from skipgram.corpus_ids import CorpusIds
from skipgram.distributed.merge import changed_rows, pruned
from skipgram.distributed.messages import (
    RowValues,
    Settings,
    Share,
    Snapshot,
    StaleModel,
    Update,
    WordCounts,
)
from skipgram.kernel_setup import (
    file_order_seed,
    kernel_tables,
    kernel_workers,
    make_kernel,
    round_worker_seed,
)
from skipgram.training import EpochStats, LearningRate, run_epoch
from skipgram.vocab import Vocabulary

# How often a worker tells the client how many words it trained (progress bar only).
_REPORT_SECONDS = 1.0


@dataclass
class _CachedFile:
    """A file's word ids, kept for the whole run by the worker that read it."""

    ids: CorpusIds
    keys: list[str] | None  # the words of provisional ids, until the vocabulary is known
    remap: np.ndarray | None = None  # provisional id -> vocabulary id (-1: not in it)
    order_epoch: int = -1
    order: np.ndarray | None = None  # the order of the sentences in epoch `order_epoch`


@dataclass
class _RunState:
    files: dict[int, _CachedFile] = field(default_factory=dict)
    version: int = -1
    inputs: np.ndarray | None = None  # the shared model `version`
    outputs: np.ndarray | None = None
    kernel_tables: dict[str, Any] | None = None  # of skipgram.kernel_setup.kernel_tables
    lock: threading.Lock = field(default_factory=threading.Lock)


_RUNS: dict[str, _RunState] = {}
_RUNS_LOCK = threading.Lock()


def _state(run_id: str) -> _RunState:
    with _RUNS_LOCK:
        return _RUNS.setdefault(run_id, _RunState())


def forget_run(run_id: str) -> None:
    """Drop this worker's state of the run (run on every worker when the run ends)."""
    with _RUNS_LOCK:
        _RUNS.pop(run_id, None)


def _read(path: str, max_sentence_length: int, vocabulary: dict[str, int] | None) -> CorpusIds:
    """One file's word ids, split into sentences exactly as LineSentence splits them."""
    try:
        return CorpusIds.scan(LineSentence(path, max_sentence_length), vocabulary)
    except FileNotFoundError as error:
        raise FileNotFoundError(
            error.errno,
            f"corpus file not found on worker {get_worker().address} (every worker must be "
            "able to read every input: use a shared filesystem or URLs such as s3://...)",
            path,
        ) from None


def count_file(
    run_id: str, index: int, path: str, max_sentence_length: int, max_vocab_size: int | None
) -> WordCounts:
    """Count one file's words, keeping its word ids on this worker for training."""
    ids = _read(path, max_sentence_length, None)
    state = _state(run_id)
    with state.lock:
        state.files[index] = _CachedFile(ids, ids.keys)
    table = WordCounts(
        list(ids.keys),
        ids.counts(),
        ids.total_words,
        ids.total_sentences,
        {index: ids.total_words},
    )
    return pruned(table, max_vocab_size)


def train_share(
    run_id: str, vocab: Vocabulary, settings: Settings, share: Share, model_state: Any
) -> Update:
    """Train a copy of the shared model on this worker's share of a round; return the rows
    that training changed."""
    state = _state(run_id)
    _advance(state, model_state, share.version)
    inputs, outputs = state.inputs.copy(), state.outputs.copy()
    kernel = _kernel(state, vocab, settings, inputs, outputs)
    slices = [
        _round_slice(state, index, path, vocab, settings, share) for index, path in share.files
    ]
    words = sum(cached.ids.words_in(chosen) for cached, chosen in slices)
    batch_words = settings.params.batch_words
    batches = (
        batch
        for cached, chosen in slices
        for batch in cached.ids.batches(cached.remap, batch_words, sentences=chosen)
    )
    first_file = share.files[0][0]
    seeds = [
        round_worker_seed(settings.params.seed, share.version, first_file, thread)
        for thread in range(share.threads)
    ]
    workers = kernel_workers(kernel, seeds)
    schedule = LearningRate(share.alpha_start, share.alpha_end, words)
    report = _Reporter(run_id, share.progress_key)
    stats = run_epoch(kernel, workers, batches, schedule, words_done=0, report=report)
    return Update(changed_rows(state.inputs, inputs), changed_rows(state.outputs, outputs), stats)


def _advance(state: _RunState, model_state: Snapshot | RowValues, version: int) -> None:
    """Bring this worker's copy of the shared model to `version`."""
    if isinstance(model_state, Snapshot):
        state.inputs = model_state.inputs.copy()
        state.outputs = model_state.outputs.copy()
    elif state.version == version - 1 and state.inputs is not None:
        state.inputs[model_state.input_rows] = model_state.input_values
        state.outputs[model_state.output_rows] = model_state.output_values
    elif state.version != version:  # equal: the round is being redone, nothing to apply
        raise StaleModel(get_worker().address)
    state.version = version


def _kernel(
    state: _RunState,
    vocab: Vocabulary,
    settings: Settings,
    inputs: np.ndarray,
    outputs: np.ndarray,
) -> KernelModel:
    """The kernel over this round's replica; the vocabulary's tables are built once a run."""
    if state.kernel_tables is None:
        state.kernel_tables = kernel_tables(vocab, settings.params)
    return make_kernel(state.kernel_tables, settings.params, inputs, outputs, settings.compute_loss)


def _round_slice(
    state: _RunState,
    index: int,
    path: str,
    vocab: Vocabulary,
    settings: Settings,
    share: Share,
) -> tuple[_CachedFile, np.ndarray]:
    """A file's cached ids and the sentences of it that this round trains: the slice
    [start, end) of the epoch's sentence order."""
    cached = _cached(state, index, path, vocab, settings)
    n = cached.ids.total_sentences
    if cached.order_epoch != share.epoch:
        if settings.params.shuffle:
            seed = file_order_seed(settings.params.seed, share.epoch, index)
            cached.order = np.random.default_rng(seed).permutation(n)
        else:
            cached.order = np.arange(n)
        cached.order_epoch = share.epoch
    return cached, cached.order[math.floor(share.start * n) : math.floor(share.end * n)]


def _cached(
    state: _RunState, index: int, path: str, vocab: Vocabulary, settings: Settings
) -> _CachedFile:
    """A file's ids with their map to vocabulary ids. A file this worker did not count (it
    belonged to a lost worker) is read now, straight into vocabulary ids."""
    with state.lock:
        cached = state.files.get(index)
    if cached is None:
        cached = _CachedFile(_read(path, settings.max_sentence_length, vocab.index), None)
        with state.lock:
            state.files[index] = cached
    if cached.keys is not None:
        index_of = vocab.index
        cached.remap = np.fromiter(
            (index_of.get(word, -1) for word in cached.keys), np.int32, len(cached.keys)
        )
        cached.keys = None  # the ids are all this worker needs from now on
    return cached


class _Reporter:
    """`run_epoch`'s report callback: tells the client, about once a second, how many words
    this worker trained (for the progress bar; the round's result has the exact count)."""

    def __init__(self, topic: str, key: str) -> None:
        self.worker = get_worker()
        self.topic, self.key = topic, key
        self.reported = 0
        self.last = time.monotonic()

    def __call__(self, done: EpochStats, alpha: float) -> None:
        if time.monotonic() - self.last >= _REPORT_SECONDS:
            self.worker.log_event(self.topic, [self.key, done.raw_words - self.reported])
            self.reported, self.last = done.raw_words, time.monotonic()


def copy_here(data: Any) -> Any:
    """Identity: as a task pinned to a worker, it copies `data` there."""
    return data
