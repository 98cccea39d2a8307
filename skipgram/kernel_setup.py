"""From a model's vocabulary and parameters to the compiled kernel's inputs: the tables it
samples from, the kernel object itself, the initial vectors and the worker seeds. The local
trainer (`SkipGram`) and the distributed one share these, so both train the same model."""

from __future__ import annotations

from typing import Any

import numpy as np

from skipgram._inner import KernelModel
from skipgram.params import Parameters
from skipgram.vocab import Vocabulary


def kernel_tables(vocab: Vocabulary, params: Parameters) -> dict[str, Any]:
    """What the kernel needs from the vocabulary, computed once per training run: the keep
    probabilities of subsampling, and the noise alias table (ns) or Huffman paths (hs)."""
    tables: dict[str, Any] = {"keep": vocab.keep_probability(params.sample)}
    if params.objective == "ns":
        tables["noise_threshold"], tables["noise_alias"] = vocab.noise_table(params.ns_exponent)
    elif params.objective == "hs":
        tree = vocab.huffman_tree()
        tables.update(code_offsets=tree.offsets, codes=tree.codes, points=tree.points)
    if params.shared_negatives:  # passed only when on: the default kernel call stays as it was
        tables["shared_negatives"] = True
    return tables


def make_kernel(
    tables: dict[str, Any],
    params: Parameters,
    vectors: np.ndarray,
    output_vectors: np.ndarray,
    compute_loss: bool,
) -> KernelModel:
    """The compiled kernel training `vectors` and `output_vectors` in place, with the tables
    of `kernel_tables`."""
    tables = dict(tables)
    keep = tables.pop("keep")
    return KernelModel(
        params.objective,
        vectors,
        output_vectors,
        keep,
        params.window,
        params.negative,
        compute_loss=compute_loss,
        shrink_windows=params.shrink_windows,
        **tables,
    )


def initial_vectors(rows: int, vector_size: int, rng: np.random.Generator) -> np.ndarray:
    """word2vec's initialisation of input vectors: uniform in [-0.5, 0.5) / vector_size (output
    vectors start at zero)."""
    vectors = rng.random((rows, vector_size), dtype=np.float32)
    vectors -= 0.5  # in place: a temporary would double the peak memory of the matrix
    vectors /= vector_size
    return vectors


def worker_seed(seed: int, epochs_trained: int, worker: int) -> int:
    """Distinct, reproducible RNG streams per worker and per `train()` call (the kernel scrambles
    the value, so a simple combination is enough)."""
    return (seed * 1_000_003 + epochs_trained * 7919 + worker) % 2**64
