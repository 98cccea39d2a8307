"""From a model's vocabulary and parameters to the compiled kernel's inputs: the tables it
samples from (those of its objective: skipgram/objectives.py), the kernel object itself, the
initial vectors, and every seed the training draws from. The local trainer (`SkipGram`) and the
distributed one share these, so both train the same model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from skipgram._inner import MERGE_EVERY_CENTRES, KernelModel, KernelWorker, private_output_rows
from skipgram.objectives import objective_of
from skipgram.params import Parameters
from skipgram.vocab import Vocabulary


def kernel_tables(vocab: Vocabulary, params: Parameters) -> dict[str, Any]:
    """What the kernel needs from the vocabulary, computed once per training run: the keep
    probabilities of subsampling, and the objective's own keyword arguments of `KernelModel`
    (`Objective.tables`: the noise alias table of negative sampling and whether windows share
    their noise words, the Huffman paths of hierarchical softmax)."""
    tables: dict[str, Any] = {"keep": vocab.keep_probability(params.sample)}
    tables.update(objective_of(params).tables(vocab, params))
    return tables


def make_kernel(
    tables: dict[str, Any],
    params: Parameters,
    vectors: np.ndarray,
    output_vectors: np.ndarray,
    compute_loss: bool,
    lock_factors: np.ndarray | None = None,
) -> KernelModel:
    """The compiled kernel training `vectors` and `output_vectors` in place, with the tables
    of `kernel_tables`. The kernel gets the rows it trains (`Objective.kernel_rows`): for hs,
    the V - 1 inner nodes of gensim's V-row matrix, as a view trained in place.
    `lock_factors`: a learning-rate factor per row of `vectors` (`vectors_lockf`), or None
    when every row trains freely."""
    tables = dict(tables)
    keep = tables.pop("keep")
    output_vectors = output_vectors[: objective_of(params).kernel_rows(len(vectors))]
    return KernelModel(
        params.objective,
        vectors,
        output_vectors,
        keep,
        params.window,
        params.negative,
        compute_loss=compute_loss,
        shrink_windows=params.shrink_windows,
        input_lockf=lock_factors,
        **tables,
    )


def kernel_workers(
    kernel: KernelModel,
    seeds: Sequence[int],
    private_rows: int | None = None,
    merge_every: int = MERGE_EVERY_CENTRES,
) -> list[KernelWorker]:
    """One kernel worker (a training thread's state) per seed. Two or more each train private
    copies of the output rows every pair touches, merged into the shared matrix every
    `merge_every` centres (KernelWorker's `private_rows`; None: as many as
    `private_output_rows` gives): shared, those rows' cache lines bounced between the cores and
    two workers ran little faster than one."""
    if private_rows is None:
        private_rows = private_output_rows(len(seeds), kernel.dim)
    return [KernelWorker(kernel, seed, private_rows, merge_every) for seed in seeds]


def initial_vectors(rows: int, vector_size: int, rng: np.random.Generator) -> np.ndarray:
    """gensim's initialisation of input vectors: uniform in [-1, 1) / vector_size (output
    vectors start at zero). word2vec.c's range is half as wide; on every corpus of
    benchmarks/defaults_quality.py the wider one scored as well or better (docs/benchmark-log.md,
    "Choosing the defaults")."""
    vectors = rng.random((rows, vector_size), dtype=np.float32)
    # In place: a temporary would double the peak memory of the matrix.
    vectors *= 2.0
    vectors -= 1.0
    vectors /= vector_size
    return vectors


# The seeds below combine the model's seed with where the draw happens (epoch, worker, round,
# file) by multiplying each by a distinct prime: the kernel scrambles the value (splitmix64),
# so a simple combination is enough, and the same inputs always give the same stream.
_PER_SEED = 1_000_003
_PER_EPOCH = 7919
_PER_FILE = 104_729


def worker_seed(seed: int, epochs_trained: int, worker: int) -> int:
    """Distinct, reproducible RNG streams per worker thread and per epoch of the model's life
    (so a resumed run draws what the uninterrupted one would have)."""
    return (seed * _PER_SEED + epochs_trained * _PER_EPOCH + worker) % 2**64


def sentence_order_seed(seed: int, epochs_trained: int) -> int:
    """The seed of the sentence order of an epoch (`shuffle=True`)."""
    return (seed * _PER_SEED + epochs_trained) % 2**63


def round_worker_seed(seed: int, version: int, first_file: int, thread: int) -> int:
    """Distributed training: distinct RNG streams per round (`version`), share (named by its
    first file) and thread; the same on a redone round, so a run with one thread per worker is
    reproducible."""
    return (seed * _PER_SEED + version * _PER_EPOCH + first_file * _PER_FILE + thread) % 2**64


def file_order_seed(seed: int, epoch: int, file_index: int) -> int:
    """Distributed training: the seed of a file's sentence order in an epoch (`shuffle=True`),
    from the file rather than the worker, so a file moved to another worker keeps its order."""
    return (seed * _PER_SEED + epoch * _PER_EPOCH + file_index) % 2**63
