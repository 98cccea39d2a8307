"""The corpus as a compact stream of word ids, cut into batches for the kernel.

The text is read and tokenised exactly once: `CorpusIds.scan` turns every token into an int32 id
and records where each sentence ends. Every epoch then replays the ids, so training never
touches Python strings: the producer only slices arrays, and the worker threads keep the cores
busy.

Memory: 4 bytes a token for the ids, plus 4 bytes a sentence for its end offset (8 past 2^31
tokens) and, while shuffling, 4 bytes a sentence for the order. Nothing holds a second copy of
the stream: ids are collected in chunks of 16 MiB and joined into one array chunk by chunk,
each freed as soon as it is copied. Past `memory_limit` bytes of ids (by default a quarter of
the physical memory, at most 2 GiB) the ids go to an anonymous temporary file instead, which is
memory-mapped for training; the pages a replay in corpus order touches are given back to the
operating system every 16 MiB, and shuffled sentences are read from the file rather than the
map, so the resident memory of a spilled stream stays bounded however long it is.

A batch is a flat int32 array of in-vocabulary word ids, the end offset of each sentence in it,
and the number of raw tokens it came from (out-of-vocabulary words included, because the
learning-rate schedule counts raw tokens).
"""

from __future__ import annotations

import array
import itertools
import mmap
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import smart_open

from skipgram._tokenize import Tokenizer
from skipgram.corpus import Utf8Files, compiled_reading, iter_checked
from skipgram.vocab import TrimRule, kept_words

DEFAULT_BATCH_WORDS = 10_000
#: The most bytes of ids the automatic limit keeps in memory (537 million tokens).
MAX_AUTOMATIC_MEMORY_LIMIT = 2**31
_INT32_MAX = 2**31 - 1
# Bytes per storage chunk. Each chunk is an anonymous memory map of its own, so freeing it
# gives its pages back to the operating system at once; freed heap memory often stays
# resident (that made the old concatenation of ~1 MiB pieces cost twice the stream).
_CHUNK_BYTES = 1 << 24
_PYTHON_CHUNK_TOKENS = 1 << 22  # the Python reader hands over its ids in 16 MiB pieces
_READ_BYTES = 1 << 20  # block size for the compiled reader
_WINDOW_SENTENCES = 1 << 16  # a shuffled order is cut into batches this many sentences at a time
_RESIDENT_BYTES = 1 << 24  # pages of a mapped id file touched before they are handed back
_SCAN_TOKENS = 1 << 20  # counts and checks read the stream this many ids at a time
_COUNTED_SENTENCES = 1 << 12  # a Python corpus's counted ids are taken this many sentences apart


def automatic_memory_limit() -> int:
    """Bytes of ids kept in memory when no limit is given: a quarter of the physical memory, at
    most `MAX_AUTOMATIC_MEMORY_LIMIT` (2 GiB; that bound when the size is unknown)."""
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        physical = 0
    if physical <= 0:
        return MAX_AUTOMATIC_MEMORY_LIMIT
    return min(MAX_AUTOMATIC_MEMORY_LIMIT, physical // 4)


@dataclass(frozen=True)
class CountedWords:
    """The distinct words of one pass over a corpus, in order of first appearance (after any
    pruning), with their counts and the pass's raw totals."""

    keys: list[str]
    counts: np.ndarray  # int64
    total_words: int
    total_sentences: int


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
    provisional to final ids, with -1 for words outside the vocabulary.

    `ids` holds every token's id, `sentence_ends[i]` the end offset of sentence i in it (int32
    below 2^31 tokens, else int64). `spilled` tells whether `ids` is a read-only map of a
    temporary file rather than an array in memory."""

    def __init__(
        self,
        keys: list[str],
        ids: np.ndarray,
        sentence_ends: np.ndarray,
        mapping: _MappedFile | None = None,
    ) -> None:
        self.keys = keys
        self.ids = ids
        self.sentence_ends = sentence_ends
        self._mapping = mapping  # keeps the file behind a mapped `ids` open

    @property
    def total_words(self) -> int:
        return int(self.ids.shape[0])

    @property
    def total_sentences(self) -> int:
        return int(self.sentence_ends.shape[0])

    @property
    def spilled(self) -> bool:
        """Whether the ids live in a memory-mapped temporary file."""
        return self._mapping is not None

    @property
    def sentence_lengths(self) -> np.ndarray:
        """Tokens of every sentence (int64), computed on each call: a new array of 8 bytes a
        sentence. `words_in` sums the lengths of some sentences without it."""
        return np.diff(self.sentence_ends, prepend=0).astype(np.int64, copy=False)

    def words_in(self, sentences: np.ndarray) -> int:
        """Tokens in the sentences of index array `sentences`."""
        sentences = np.asarray(sentences)
        return int(self._lengths(sentences, self._starts(sentences)).sum())

    def counts(self) -> np.ndarray:
        """Occurrences of each id (meaningful for a scan that numbered every word)."""
        counts = np.zeros(len(self.keys), dtype=np.int64)
        for chunk in self._pieces():
            counts += np.bincount(chunk[chunk >= 0], minlength=len(self.keys))
        return counts

    def any_known(self) -> bool:
        """Whether some id is in the vocabulary (>= 0), read piece by piece: `ids` may be a
        memory map far larger than a boolean copy should be."""
        return any(bool(np.any(chunk >= 0)) for chunk in self._pieces())

    def _pieces(self) -> Iterator[np.ndarray]:
        for start in range(0, self.total_words, _SCAN_TOKENS):
            piece = self.ids[start : start + _SCAN_TOKENS]
            yield piece
            self._touched(piece.nbytes)

    def _touched(self, nbytes: int) -> None:
        if self._mapping is not None:
            self._mapping.touched(nbytes)

    @classmethod
    def scan(
        cls,
        sentences: Iterable[Sequence[str]],
        vocabulary: Mapping[str, int] | None = None,
        memory_limit: int | None = None,
    ) -> CorpusIds:
        """Read `sentences` once. Without `vocabulary`, every distinct word gets the next free
        id; with it, words get their vocabulary id and unknown words -1. Past `memory_limit`
        bytes of ids (None: `automatic_memory_limit()`; 0: always) they are kept in a
        memory-mapped temporary file.

        A reader whose ``utf8_files()`` gives files (LineSentence, PathLineSentences and
        Text8Corpus over UTF-8 with errors "strict" or "replace", or a reader of your own) is
        tokenised by compiled code with no Python object per token, without iterating it; any
        other iterable goes through Python, one dictionary lookup per token. Both give the same
        ids."""
        if memory_limit is None:
            memory_limit = automatic_memory_limit()
        files = compiled_reading(sentences)
        if files is not None:
            try:
                return cls._scan_files(files, vocabulary, memory_limit)
            except ValueError:
                pass  # invalid UTF-8: the Python reader below raises it with the line number
        if vocabulary is None:
            index: dict[str, int] = defaultdict(itertools.count().__next__)
        else:
            index = _UnknownIsMinusOne(vocabulary)
        lookup = index.__getitem__
        store = _IdStore(memory_limit)
        # A sentence of the user's own may be of any length: int64.
        lengths = _Chunks(np.int64)
        buffer = array.array("i")
        buffer_lengths = array.array("q")
        for sentence in iter_checked(sentences):
            buffer.extend(map(lookup, sentence))
            buffer_lengths.append(len(sentence))
            if len(buffer) >= _PYTHON_CHUNK_TOKENS:
                store.append(np.frombuffer(buffer, dtype=np.int32))
                lengths.append(np.frombuffer(buffer_lengths, dtype=np.int64))
                buffer, buffer_lengths = array.array("i"), array.array("q")
        store.append(np.frombuffer(buffer, dtype=np.int32))
        lengths.append(np.frombuffer(buffer_lengths, dtype=np.int64))
        del buffer, buffer_lengths
        keys = list(index) if vocabulary is None else list(vocabulary)
        return cls._finish(keys, store, lengths)

    @classmethod
    def _scan_files(
        cls, files: Utf8Files, vocabulary: Mapping[str, int] | None, memory_limit: int
    ) -> CorpusIds:
        words = None if vocabulary is None else list(vocabulary)
        tokenizer = _tokenizer_for(files, words)
        store = _IdStore(memory_limit)
        lengths = _Chunks(_file_length_dtype(files.max_sentence_length))
        for _ in _feed_files(tokenizer, files.paths):
            ids, sentence_lengths = tokenizer.take()
            store.append(ids)
            lengths.append(sentence_lengths)
        keys = tokenizer.keys() if vocabulary is None else list(vocabulary)
        del tokenizer  # its word table is not needed any more
        return cls._finish(keys, store, lengths)

    @classmethod
    def count(
        cls,
        sentences: Iterable[Sequence[str]],
        max_vocab_size: int | None = None,
        trim_rule: TrimRule | None = None,
        memory_limit: int | None = None,
    ) -> tuple[CountedWords, CorpusIds | None]:
        """Count the words of `sentences` in one pass, and return the pass's word ids too
        when they are usable (None otherwise).

        Without `max_vocab_size` this is `scan`. With it, the word table is pruned whenever a
        sentence leaves more than `max_vocab_size` distinct words: the words seen fewer than 2
        times go, the next time fewer than 3, and so on (word2vec.c's rule; gensim's first
        pruning drops nothing), or what `trim_rule` says (`kept_words`). Files that `scan` reads in
        compiled code are counted and pruned there, any other corpus by the same word table,
        fed a sentence at a time. Pruning renumbers the words, so once it has happened the ids
        are dropped (keeping an id for every word ever seen would undo the bound) and training
        reads the corpus again with the vocabulary."""
        if max_vocab_size is None:
            scan = cls.scan(sentences, memory_limit=memory_limit)
            counted = CountedWords(scan.keys, scan.counts(), scan.total_words, scan.total_sentences)
            return counted, scan
        if memory_limit is None:
            memory_limit = automatic_memory_limit()
        keep_words = None
        if trim_rule is not None:

            def keep_words(keys: list[str], counts: np.ndarray, threshold: int) -> np.ndarray:
                return kept_words(keys, counts, threshold, trim_rule)

        settings = {"max_vocab_size": max_vocab_size, "keep_words": keep_words}
        files = compiled_reading(sentences)
        if files is not None:
            try:
                tokenizer = _tokenizer_for(files, None, **settings)
                feeding = _feed_files(tokenizer, files.paths)
                return cls._count_pruned(
                    tokenizer, feeding, memory_limit, files.max_sentence_length
                )
            except ValueError:
                pass  # invalid UTF-8: the Python reader below raises it with the line number
        tokenizer = Tokenizer(**settings)
        feeding = _feed_sentences(tokenizer, sentences)
        return cls._count_pruned(tokenizer, feeding, memory_limit, _INT32_MAX + 1)

    @classmethod
    def _count_pruned(
        cls,
        tokenizer: Tokenizer,
        feeding: Iterator[None],
        memory_limit: int,
        max_sentence_length: int,
    ) -> tuple[CountedWords, CorpusIds | None]:
        """Run `feeding` (which feeds `tokenizer` and yields whenever there is output to
        take), keeping the ids for as long as the table has not been pruned."""
        store = _IdStore(memory_limit)
        lengths = _Chunks(_file_length_dtype(max_sentence_length))
        total_words = total_sentences = 0
        for _ in feeding:
            ids, sentence_lengths = tokenizer.take()
            total_words += int(sentence_lengths.sum())
            total_sentences += len(sentence_lengths)
            if tokenizer.prunes == 0:
                store.append(ids)
                lengths.append(sentence_lengths)
            elif store.size:  # the ids so far number words that moved: free them
                store, lengths = _IdStore(memory_limit), _Chunks(np.int64)
        counted = CountedWords(tokenizer.keys(), tokenizer.counts(), total_words, total_sentences)
        if tokenizer.prunes:
            return counted, None
        return counted, cls._finish(counted.keys, store, lengths)

    @classmethod
    def _finish(cls, keys: list[str], store: _IdStore, lengths: _Chunks) -> CorpusIds:
        total = store.size
        ends = _ends_of(lengths, np.int32 if total <= _INT32_MAX else np.int64)
        summed = int(ends[-1]) if len(ends) else 0
        if summed != total:
            raise AssertionError(f"sentence lengths add up to {summed:,}, not {total:,} ids")
        ids, mapping = store.finish()
        return cls(keys, ids, ends, mapping)

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
        that order (distributed training gives each round its slice). Whatever the order, the
        batches are the same as if the whole order's lengths were laid end to end and cut
        greedily; only a window of `_WINDOW_SENTENCES` is worked on at a time."""
        if shuffle_seed is not None:
            if sentences is not None:
                raise ValueError("give shuffle_seed or sentences, not both")
            sentences = self._shuffled(shuffle_seed)
        if sentences is None:
            return self._batches_in_order(remap, batch_words)
        return self._batches_of(np.asarray(sentences), remap, batch_words)

    def _shuffled(self, seed: int) -> np.ndarray:
        """A random order of the sentences: `default_rng(seed).permutation(n)`, built in int32
        when it fits (the same order: shuffling draws the same numbers for any dtype)."""
        n = self.total_sentences
        order = np.arange(n, dtype=np.int32 if n <= _INT32_MAX else np.int64)
        np.random.default_rng(seed).shuffle(order)
        return order

    def _batches_in_order(self, remap: np.ndarray | None, batch_words: int) -> Iterator[Batch]:
        ends = self.sentence_ends
        total = self.total_words
        first = 0
        while first < len(ends):
            start = int(ends[first - 1]) if first else 0
            # The last sentence that still ends within the budget, or the first one alone. The
            # target is clamped to the total so that it fits the dtype of `ends` (a value of
            # another dtype would make searchsorted convert the whole array).
            target = ends.dtype.type(min(start + batch_words, total))
            last = max(int(np.searchsorted(ends, target, side="right")) - 1, first)
            end = int(ends[last])
            lengths = np.diff(ends[first : last + 1], prepend=start).astype(np.int64)
            ids = self.ids[start:end]
            batch = _make_batch(ids, lengths, remap)
            self._touched(ids.nbytes)
            yield batch
            first = last + 1

    def _batches_of(
        self, sentences: np.ndarray, remap: np.ndarray | None, batch_words: int
    ) -> Iterator[Batch]:
        # The sentences of the window not yet in a batch: the last batch of a window might
        # still grow with the first sentences of the next one.
        pending = sentences[:0]
        for begin in range(0, len(sentences), _WINDOW_SENTENCES):
            window = np.concatenate([pending, sentences[begin : begin + _WINDOW_SENTENCES]])
            final = begin + _WINDOW_SENTENCES >= len(sentences)
            starts = self._starts(window)
            lengths = self._lengths(window, starts)
            ends = np.cumsum(lengths)
            first = 0
            while first < len(window):
                start = int(ends[first - 1]) if first else 0
                last = max(int(np.searchsorted(ends, start + batch_words, side="right")) - 1, first)
                if last == len(window) - 1 and not final:
                    break
                chosen = slice(first, last + 1)
                ids = self._gather(starts[chosen], lengths[chosen])
                yield _make_batch(ids, lengths[chosen], remap)
                first = last + 1
            pending = window[first:]

    def _starts(self, sentences: np.ndarray) -> np.ndarray:
        """Start offsets (int64) of the sentences of index array `sentences`."""
        before = self.sentence_ends[sentences - 1]  # sentence -1 is the last one: masked below
        return np.where(sentences > 0, before, 0).astype(np.int64, copy=False)

    def _lengths(self, sentences: np.ndarray, starts: np.ndarray) -> np.ndarray:
        return self.sentence_ends[sentences].astype(np.int64) - starts

    def _gather(self, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The ids of the sentences starting at `starts` with `lengths`, back to back."""
        if self._mapping is None:
            return self.ids[_positions(starts, lengths)]
        # Scattered sentences are read from the file, not faulted in through the map: a page
        # fault maps the cached pages around it too (fault-around: ~128 KiB a sentence were
        # measured on Linux 6.18, with large page-cache folios), which costs more time than a
        # read and leaves far more resident than the sentence.
        if hasattr(os, "preadv"):  # not on Windows
            return self._mapping.read(starts, lengths)
        ids = self.ids[_positions(starts, lengths)]
        self._mapping.release()
        return ids


def _file_length_dtype(max_sentence_length: int) -> type[np.integer]:
    """No sentence of a file is longer than max_sentence_length tokens."""
    return np.int32 if max_sentence_length <= _INT32_MAX else np.int64


def _tokenizer_for(files: Utf8Files, vocabulary: list[str] | None, **settings: Any) -> Tokenizer:
    return Tokenizer(
        vocabulary,
        files.max_sentence_length,
        files.errors,
        lines_are_sentences=files.lines_are_sentences,
        **settings,
    )


def _feed_files(tokenizer: Tokenizer, paths: Sequence[str]) -> Iterator[None]:
    """Feed the files' bytes to `tokenizer` block by block, yielding after each block and
    after each file's end, when its output is ready to take."""
    for path in paths:
        with smart_open.open(path, "rb") as source:
            while block := source.read(_READ_BYTES):
                tokenizer.feed(block)
                yield
        tokenizer.finish()
        yield


def _feed_sentences(tokenizer: Tokenizer, sentences: Iterable[Sequence[str]]) -> Iterator[None]:
    """Feed a Python corpus's checked sentences to `tokenizer`, yielding every
    `_COUNTED_SENTENCES` sentences and at the end."""
    for index, sentence in enumerate(iter_checked(sentences), 1):
        tokenizer.feed_words(sentence)
        if index % _COUNTED_SENTENCES == 0:
            yield
    yield


def _positions(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Stream offsets of every token of the sentences at `starts` with `lengths`, in order."""
    # Each token's position: its sentence's start plus its offset in the sentence.
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return shift + np.arange(int(lengths.sum()))


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


def _ends_of(lengths: _Chunks, dtype: type[np.integer]) -> np.ndarray:
    """The running sum of the stored lengths as one array of `dtype`, freeing each chunk of
    lengths once it is summed."""
    ends = np.empty(lengths.size, dtype=dtype)
    done = offset = 0
    for chunk in lengths.drain():
        for start in range(0, len(chunk), _SCAN_TOKENS):  # bounds the int64 temporary
            piece = np.cumsum(chunk[start : start + _SCAN_TOKENS], dtype=np.int64)
            piece += offset
            ends[done : done + len(piece)] = piece
            done += len(piece)
            offset = int(piece[-1])
    return ends


class _Chunks:
    """An append-only array of `dtype` stored in chunks of `_CHUNK_BYTES`: growing never moves
    what is stored, and `drain` hands the values back chunk by chunk, forgetting each one, so
    joining them costs one chunk more than the values, not twice as much. Chunks are anonymous
    memory maps: only their written pages take memory, and a chunk's pages go back to the
    operating system as soon as the last array using it is gone."""

    def __init__(self, dtype: type[np.integer]) -> None:
        self.dtype = np.dtype(dtype)
        self.per_chunk = _CHUNK_BYTES // self.dtype.itemsize
        self.chunks: list[np.ndarray] = []
        self.used = 0  # values in the last chunk
        self.size = 0

    def append(self, values: np.ndarray) -> None:
        self.size += len(values)
        while len(values):
            if not self.chunks or self.used == self.per_chunk:
                self.chunks.append(_anonymous(self.per_chunk, self.dtype))
                self.used = 0
            taken = min(len(values), self.per_chunk - self.used)
            self.chunks[-1][self.used : self.used + taken] = values[:taken]
            self.used += taken
            values = values[taken:]

    def drain(self) -> Iterator[np.ndarray]:
        """The stored values in order, a chunk at a time; the store is empty afterwards."""
        while self.chunks:
            chunk = self.chunks.pop(0)
            yield chunk if self.chunks else chunk[: self.used]
            del chunk
        self.used = self.size = 0


def _anonymous(length: int, dtype: np.dtype) -> np.ndarray:
    """An uninitialised array backed by an anonymous private memory map (zero pages until
    written), unmapped when the array and its views are freed."""
    flags = {"flags": mmap.MAP_PRIVATE} if hasattr(mmap, "MAP_PRIVATE") else {}  # not Windows
    return np.frombuffer(mmap.mmap(-1, length * dtype.itemsize, **flags), dtype=dtype)


class _MappedFile:
    """A temporary file of ids mapped read-only, which hands the pages a replay touched back to
    the operating system every `_RESIDENT_BYTES` (they stay in the page cache, so reading them
    again costs a minor fault, not a disk read)."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self.resident = 0  # bytes touched since the pages were last handed back (a bound)

    def read(self, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The ids of the sentences at offsets `starts` with `lengths`, back to back, read
        with one positioned read per sentence (the page cache serves them)."""
        ids = np.empty(int(lengths.sum()), dtype=np.int32)
        out = memoryview(ids).cast("B")
        fd = self.file.fileno()
        done = 0
        for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
            size = 4 * length
            if os.preadv(fd, [out[done : done + size]], 4 * start) != size:
                raise OSError(f"the temporary file of word ids is shorter than written ({start})")
            done += size
        return ids

    def touched(self, nbytes: int) -> None:
        self.resident += nbytes
        if self.resident >= _RESIDENT_BYTES:
            self.release()

    def release(self) -> None:
        """Drop this process's pages of the map (the data stays in the file)."""
        if hasattr(mmap, "MADV_DONTNEED"):  # not on every platform; Linux and macOS have it
            self.map.madvise(mmap.MADV_DONTNEED)
        self.resident = 0


class _IdStore:
    """Collects int32 ids in memory (`_Chunks`) until `memory_limit` bytes, then in an anonymous
    temporary file (deleted by the OS when closed) that is memory-mapped at the end."""

    def __init__(self, memory_limit: int) -> None:
        self.memory_limit = memory_limit
        self.chunks = _Chunks(np.int32)
        self.size = 0  # ids
        self.spill: IO[bytes] | None = None

    def append(self, ids: np.ndarray) -> None:
        ids = np.ascontiguousarray(ids, dtype=np.int32)
        self.size += len(ids)
        if self.spill is None and self.size * 4 > self.memory_limit:
            # Closed (and so deleted) with the CorpusIds that keeps it.
            self.spill = tempfile.TemporaryFile(prefix="skipgram-ids-")  # noqa: SIM115
            for chunk in self.chunks.drain():
                self.spill.write(memoryview(chunk))
        if self.spill is not None:
            self.spill.write(memoryview(ids))
        else:
            self.chunks.append(ids)

    def finish(self) -> tuple[np.ndarray, _MappedFile | None]:
        if self.spill is None:
            ids = np.empty(self.size, dtype=np.int32)
            done = 0
            for chunk in self.chunks.drain():
                ids[done : done + len(chunk)] = chunk
                done += len(chunk)
            return ids, None
        self.spill.flush()
        if self.size == 0:  # an empty file cannot be mapped
            return np.zeros(0, np.int32), None
        mapping = _MappedFile(self.spill)
        return np.frombuffer(mapping.map, dtype=np.int32), mapping
