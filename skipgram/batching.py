"""The corpus as a compact stream of word ids, cut into batches for the kernel.

The text is read and tokenised exactly once: `CorpusIds.scan` turns every token into an int32 id
(4 bytes a token, spilled to an anonymous temporary file past a memory limit) and records each
sentence's length. Every epoch then replays the ids, so training never touches Python strings:
the producer only slices arrays, and the worker threads keep the cores busy.

A batch is a flat int32 array of in-vocabulary word ids, the end offset of each sentence in it,
and the number of raw tokens it came from (out-of-vocabulary words included, because the
learning-rate schedule counts raw tokens).
"""

from __future__ import annotations

import array
import itertools
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np
import smart_open

from skipgram._tokenize import Tokenizer
from skipgram.corpus import iter_checked, utf8_files

DEFAULT_BATCH_WORDS = 10_000
DEFAULT_MEMORY_LIMIT = 2**31  # bytes of ids kept in RAM before spilling to a temporary file
_CHUNK_TOKENS = 1 << 22  # ids are moved out of the growing Python array in 16 MiB chunks
_READ_BYTES = 1 << 20  # block size for the compiled reader


@dataclass(frozen=True)
class Batch:
    words: np.ndarray  # int32 ids of in-vocabulary tokens, sentences back to back
    sentence_ends: np.ndarray  # int64 end offset of each sentence in `words`
    raw_words: int  # tokens before dropping out-of-vocabulary words


class _UnknownIsMinusOne(dict):
    """A word -> id mapping whose lookups give -1 for words it does not hold, at C speed for the
    known ones (`map(d.__getitem__, tokens)` never leaves C unless a word is missing)."""

    def __missing__(self, key: str) -> int:
        return -1


class CorpusIds:
    """One pass over a corpus kept as word ids.

    `keys[i]` is the word of id i. Ids may be provisional (a scan that numbers words in order of
    first appearance, before the vocabulary exists): `batches` takes a `remap` array from
    provisional to final ids, with -1 for words outside the vocabulary."""

    def __init__(
        self, keys: list[str], ids: np.ndarray, lengths: np.ndarray, spill: IO[bytes] | None
    ) -> None:
        self.keys = keys
        self.ids = ids
        self.sentence_lengths = lengths
        self.sentence_ends = np.cumsum(lengths, dtype=np.int64)
        self._spill = spill  # keeps the anonymous file behind a memory map alive

    @property
    def total_words(self) -> int:
        return int(self.ids.shape[0])

    @property
    def total_sentences(self) -> int:
        return int(self.sentence_lengths.shape[0])

    def counts(self) -> np.ndarray:
        """Occurrences of each id (meaningful for a scan that numbered every word)."""
        counts = np.zeros(len(self.keys), dtype=np.int64)
        for start in range(0, self.total_words, _CHUNK_TOKENS):
            chunk = np.asarray(self.ids[start : start + _CHUNK_TOKENS])
            counts += np.bincount(chunk[chunk >= 0], minlength=len(self.keys))
        return counts

    @classmethod
    def scan(
        cls,
        sentences: Iterable[Sequence[str]],
        vocabulary: Mapping[str, int] | None = None,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
    ) -> CorpusIds:
        """Read `sentences` once. Without `vocabulary`, every distinct word gets the next free
        id; with it, words get their vocabulary id and unknown words -1.

        Text files read as UTF-8 with errors "strict" or "replace" (LineSentence,
        PathLineSentences) are tokenised by compiled code with no Python object per token; any
        other iterable goes through Python, one dictionary lookup per token. Both give the same
        ids."""
        files = utf8_files(sentences)
        if files is not None:
            paths, errors = files
            try:
                return cls._scan_files(
                    paths, sentences.max_sentence_length, vocabulary, memory_limit, errors
                )
            except ValueError:
                pass  # invalid UTF-8: the Python reader below raises it with the line number
        if vocabulary is None:
            index: dict[str, int] = defaultdict(itertools.count().__next__)
        else:
            index = _UnknownIsMinusOne(vocabulary)
        lookup = index.__getitem__
        store = _IdStore(memory_limit)
        buffer = array.array("i")
        lengths = array.array("q")
        for sentence in iter_checked(sentences):
            buffer.extend(map(lookup, sentence))
            lengths.append(len(sentence))
            if len(buffer) >= _CHUNK_TOKENS:
                store.append(buffer)
                buffer = array.array("i")
        store.append(buffer)
        keys = list(index) if vocabulary is None else list(vocabulary)
        ids, spill = store.finish()
        return cls(keys, ids, np.frombuffer(lengths, dtype=np.int64), spill)

    @classmethod
    def _scan_files(
        cls,
        paths: list[str],
        max_sentence_length: int,
        vocabulary: Mapping[str, int] | None,
        memory_limit: int,
        errors: str = "strict",
    ) -> CorpusIds:
        words = None if vocabulary is None else list(vocabulary)
        tokenizer = Tokenizer(words, max_sentence_length, errors)
        store = _IdStore(memory_limit)
        lengths: list[np.ndarray] = []
        for path in paths:
            with smart_open.open(path, "rb") as source:
                while block := source.read(_READ_BYTES):
                    tokenizer.feed(block)
                    ids, sentence_lengths = tokenizer.take()
                    store.append(ids)
                    lengths.append(sentence_lengths)
            tokenizer.finish()
            ids, sentence_lengths = tokenizer.take()
            store.append(ids)
            lengths.append(sentence_lengths)
        keys = tokenizer.keys() if vocabulary is None else list(vocabulary)
        all_ids, spill = store.finish()
        return cls(keys, all_ids, np.concatenate(lengths).astype(np.int64, copy=False), spill)

    def batches(
        self,
        remap: np.ndarray | None = None,
        batch_words: int = DEFAULT_BATCH_WORDS,
        shuffle_seed: int | None = None,
        sentences: np.ndarray | None = None,
    ) -> Iterator[Batch]:
        """Cut the stream into batches of whole sentences of at most `batch_words` raw tokens (a
        longer sentence forms a batch of its own: nothing is ever split or cut).

        Sentences come in corpus order, or with `shuffle_seed` in a random order drawn from it
        (every sentence exactly once), or, given `sentences` (sentence indices), just those in
        that order (distributed training gives each round its slice)."""
        order = sentences
        if shuffle_seed is not None:
            if sentences is not None:
                raise ValueError("give shuffle_seed or sentences, not both")
            order = np.random.default_rng(shuffle_seed).permutation(self.total_sentences)
        lengths = self.sentence_lengths if order is None else self.sentence_lengths[order]
        ends = np.cumsum(lengths, dtype=np.int64) if order is not None else self.sentence_ends
        first = 0
        while first < len(ends):
            start = int(ends[first - 1]) if first else 0
            # The last sentence that still ends within the budget, or the first one alone.
            last = max(int(np.searchsorted(ends, start + batch_words, side="right")) - 1, first)
            if order is None:
                ids = np.asarray(self.ids[start : int(ends[last])])
            else:
                ids = self._gather(order[first : last + 1], lengths[first : last + 1])
            yield _make_batch(ids, lengths[first : last + 1], remap)
            first = last + 1

    def _gather(self, sentences: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The ids of `sentences` (indices, whose lengths are `lengths`), back to back."""
        starts = self.sentence_ends[sentences] - lengths
        # Position of each output token in the stream: its sentence's start plus its offset.
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        return np.asarray(self.ids)[shift + np.arange(int(lengths.sum()))]


def _make_batch(ids: np.ndarray, lengths: np.ndarray, remap: np.ndarray | None) -> Batch:
    """A Batch from the raw ids of consecutive sentences of `lengths` tokens."""
    if remap is not None:
        ids = remap[ids]
    known = ids >= 0
    sentence_of_token = np.repeat(np.arange(len(lengths)), lengths)
    kept_per_sentence = np.bincount(sentence_of_token[known], minlength=len(lengths))
    return Batch(
        words=ids[known].astype(np.int32, copy=False),
        sentence_ends=np.cumsum(kept_per_sentence, dtype=np.int64),
        raw_words=int(lengths.sum()),
    )


class _IdStore:
    """Collects id chunks in memory until `memory_limit` bytes, then in an anonymous temporary
    file (deleted by the OS when closed) that is memory-mapped at the end."""

    def __init__(self, memory_limit: int) -> None:
        self.memory_limit = memory_limit
        self.chunks: list[np.ndarray] = []
        self.size = 0
        self.spill: IO[bytes] | None = None

    def append(self, buffer: array.array | np.ndarray) -> None:
        chunk = np.frombuffer(buffer, dtype=np.int32)
        self.size += chunk.nbytes
        if self.spill is None and self.size > self.memory_limit:
            # Closed (and so deleted) with the CorpusIds that keeps it.
            self.spill = tempfile.TemporaryFile(prefix="skipgram-ids-")  # noqa: SIM115
            for earlier in self.chunks:
                self.spill.write(earlier.tobytes())
            self.chunks = []
        if self.spill is not None:
            self.spill.write(chunk.tobytes())
        else:
            self.chunks.append(chunk)

    def finish(self) -> tuple[np.ndarray, IO[bytes] | None]:
        if self.spill is None:
            ids = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int32)
            return ids, None
        self.spill.flush()
        if self.size == 0:
            return np.zeros(0, np.int32), self.spill
        return np.memmap(self.spill, dtype=np.int32, mode="r", shape=(self.size // 4,)), self.spill
