"""Merging on the cluster: the word counts of files into one vocabulary, and the replicas'
changed rows into one change of the shared model, combined by `apply_changes`.

Merges are associative and keep the order of their inputs, so Dask can run them pairwise as a
tree (`coordinator._tree_reduce`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from skipgram.distributed.messages import RowSums, Update, WordCounts
from skipgram.training import EpochStats
from skipgram.vocab import Vocabulary

# Replicas that changed a row the same way move it at most this many times one replica's change:
# plain sums of 4 replicas' changes diverged on GCIDE, sums of 2 trained best.
ALIGNED_STEP_CAP = 2.0
# Rows compared at a time when finding what a replica changed (bounds the scratch memory).
_COMPARE_ROWS = 1 << 14


# ---- vocabulary --------------------------------------------------------------------------------


def merge_counts(left: WordCounts, right: WordCounts, max_vocab_size: int | None) -> WordCounts:
    """The counts of `left`'s files followed by `right`'s (first appearances keep their order)."""
    position = {word: i for i, word in enumerate(left.keys)}
    at = np.fromiter(
        (position.setdefault(word, len(position)) for word in right.keys),
        dtype=np.int64,
        count=len(right.keys),
    )
    counts = np.zeros(len(position), dtype=np.int64)
    counts[: len(left.keys)] = left.counts
    counts[at] += right.counts  # the positions in `at` are distinct
    merged = WordCounts(
        list(position),
        counts,
        left.total_words + right.total_words,
        left.total_sentences + right.total_sentences,
        {**left.file_words, **right.file_words},
    )
    return pruned(merged, max_vocab_size)


def finish_vocabulary(
    table: WordCounts, min_count: int, **rules: Any
) -> tuple[Vocabulary, dict[int, int]]:
    """The vocabulary of the merged counts, and the raw tokens of each file; `rules` are
    `Vocabulary.from_arrays`' (max_final_vocab, sorted_vocab, null_word)."""
    vocab, _ = Vocabulary.from_arrays(
        table.keys, table.counts, min_count, table.total_words, table.total_sentences, **rules
    )
    return vocab, table.file_words


def pruned(table: WordCounts, max_vocab_size: int | None) -> WordCounts:
    """Without its rarest words, with a rising threshold as in word2vec.c, until at most
    `max_vocab_size` words remain: this bounds the memory of every count table."""
    if max_vocab_size is None or len(table.keys) <= max_vocab_size:
        return table
    threshold = 1
    while np.count_nonzero(table.counts > threshold) > max_vocab_size:
        threshold += 1
    kept = np.flatnonzero(table.counts > threshold)
    table.keys = [table.keys[i] for i in kept]
    table.counts = table.counts[kept]
    return table


# ---- the replicas' changes ---------------------------------------------------------------------


def changed_rows(before: np.ndarray, after: np.ndarray) -> RowSums:
    """The rows where `after` differs from `before`, with the differences."""
    rows, deltas = [], []
    for start in range(0, len(before), _COMPARE_ROWS):
        delta = after[start : start + _COMPARE_ROWS] - before[start : start + _COMPARE_ROWS]
        changed = np.flatnonzero(delta.any(axis=1))
        rows.append(start + changed)
        deltas.append(delta[changed])
    delta = np.concatenate(deltas) if deltas else np.zeros((0, before.shape[1]), np.float32)
    squares = np.einsum("ij,ij->i", delta, delta, dtype=np.float64)
    ones = np.ones(len(delta), dtype=np.int32)
    return RowSums(np.concatenate(rows) if rows else np.zeros(0, np.int64), delta, ones, squares)


def merge_rows(left: RowSums, right: RowSums) -> RowSums:
    rows = np.union1d(left.rows, right.rows)
    sums = np.zeros((len(rows), left.sums.shape[1]), dtype=np.float32)
    replicas = np.zeros(len(rows), dtype=np.int32)
    squares = np.zeros(len(rows), dtype=np.float64)
    for part in (left, right):
        at = np.searchsorted(rows, part.rows)
        sums[at] += part.sums
        replicas[at] += part.replicas
        squares[at] += part.squares
    return RowSums(rows, sums, replicas, squares)


def merge_updates(left: Update, right: Update) -> Update:
    stats = EpochStats()
    stats.add(left.stats)
    stats.add(right.stats)
    stats.seconds = max(left.stats.seconds, right.stats.seconds)
    return Update(
        merge_rows(left.inputs, right.inputs), merge_rows(left.outputs, right.outputs), stats
    )


def apply_changes(matrix: np.ndarray, change: RowSums) -> tuple[np.ndarray, np.ndarray]:
    """Move each changed row by the combined change of the replicas that changed it; return the
    rows with their new values.

    Each replica's change comes from different sentences, so their sum is what training on all
    of them would have done, to first order; that is the combination, except where more than
    two replicas moved a row the same way: such aligned changes count at most twice. Alignment
    is measured by (sum of the squared norms) / (squared norm of the sum): 1/r when r replicas
    made the same change, 1 when their changes are orthogonal (docs/distributed.md, "Combining
    the replicas")."""
    summed = np.einsum("ij,ij->i", change.sums, change.sums, dtype=np.float64)
    alignment = np.divide(change.squares, summed, out=np.ones_like(summed), where=summed > 0)
    alignment = np.clip(alignment, 1.0 / change.replicas, 1.0)
    scale = np.minimum(1.0, ALIGNED_STEP_CAP * alignment).astype(np.float32)
    matrix[change.rows] += change.sums * scale[:, None]
    return change.rows, matrix[change.rows]
