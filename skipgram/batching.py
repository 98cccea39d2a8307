"""Turn a stream of sentences into batches of word ids for the kernel.

A batch is a flat int32 array of in-vocabulary word ids, the end offset of each sentence in it,
and the number of raw tokens it came from (out-of-vocabulary words included, because the
learning-rate schedule counts raw tokens). The per-word work happens in a few C-speed passes
(one dict lookup per token, then numpy), so the producer holds the GIL only briefly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from skipgram.corpus import iter_checked

DEFAULT_BATCH_WORDS = 10_000


@dataclass(frozen=True)
class Batch:
    words: np.ndarray  # int32 ids of in-vocabulary tokens, sentences back to back
    sentence_ends: np.ndarray  # int64 end offset of each sentence in `words`
    raw_words: int  # tokens before dropping out-of-vocabulary words


def iter_batches(
    sentences: Iterable[Sequence[str]],
    word_index: dict[str, int],
    batch_words: int = DEFAULT_BATCH_WORDS,
) -> Iterator[Batch]:
    """Group sentences into batches of about `batch_words` raw tokens.

    A sentence is never split or cut: one longer than `batch_words` forms a batch of its own,
    and the kernel trains all of it."""
    tokens: list[str] = []
    lengths: list[int] = []
    for sentence in iter_checked(sentences):
        tokens.extend(sentence)
        lengths.append(len(sentence))
        if len(tokens) >= batch_words:
            yield make_batch(tokens, lengths, word_index)
            tokens, lengths = [], []
    if tokens:
        yield make_batch(tokens, lengths, word_index)


def make_batch(tokens: list[str], lengths: list[int], word_index: dict[str, int]) -> Batch:
    """Map `tokens` (the concatenation of sentences of the given `lengths`) to a Batch."""
    get = word_index.get
    ids = np.fromiter((get(t, -1) for t in tokens), dtype=np.int32, count=len(tokens))
    known = ids >= 0
    sentence_of_token = np.repeat(np.arange(len(lengths)), lengths)
    kept_per_sentence = np.bincount(sentence_of_token[known], minlength=len(lengths))
    return Batch(
        words=ids[known],
        sentence_ends=np.cumsum(kept_per_sentence, dtype=np.int64),
        raw_words=len(tokens),
    )
