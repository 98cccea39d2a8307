"""Warm starts: a model's vectors start from pretrained ones where the vocabulary has them.

`SkipGram(corpus, init_vectors=..., lock=...)` builds the vocabulary as usual, then copies the
pretrained vector of every vocabulary word found in `init_vectors` into that word's row, and
sets the row's learning-rate factor (`wv.vectors_lockf`, skipgram/lock_factors.py) from
`lock`: "free" (1.0) trains the pretrained rows like the others, "frozen" (0.0) keeps them
exactly as they are, a float in between damps their updates (the default, 0.1: see
`DEFAULT_LOCK`). Words the pretrained vectors
lack start at random and train freely. docs/guide/warm-starts.md shows when each helps.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import asdict, dataclass
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from skipgram._warnings import warn_at_caller
from skipgram.formats import SKIPGRAM, WORD2VEC_BINARY, detect_format
from skipgram.io import ModelFormatError

if TYPE_CHECKING:
    from skipgram.keyedvectors import KeyedVectors

__all__ = ["DEFAULT_LOCK", "LOCKS", "InitVectors", "WarmStart", "lock_factor", "warm_start"]

logger = logging.getLogger(__name__)

# The named values of `lock`, as learning-rate factors.
LOCKS = {"free": 1.0, "frozen": 0.0}
# On four small domain corpora (docs/benchmarks.md, "Warm starts"), free pretrained rows lost
# much of what they knew (Bible analogies 0.63 -> 0.39) and frozen ones learnt nothing from the
# domain; at 0.1 they kept nearly all of it (0.58) and gained on the two computing corpora.
DEFAULT_LOCK = 0.1
GLOVE = "glove"
# What `init_vectors` may be: vectors in memory, or the path of a file holding them.
InitVectors = Union["KeyedVectors", str, os.PathLike]


@dataclass(frozen=True)
class WarmStart:
    """What a warm start did (`model.warm_start`; saved with the model).

    Attributes:
        source: the file the pretrained vectors came from, or "KeyedVectors" (in memory).
        pretrained_words: how many vectors the source holds.
        words_found: vocabulary words that got a pretrained vector.
        vocabulary_size: words in the vocabulary.
        lock: the learning-rate factor of the pretrained rows (1.0 free, 0.0 frozen).
    """

    source: str
    pretrained_words: int
    words_found: int
    vocabulary_size: int
    lock: float

    @property
    def fraction_found(self) -> float:
        """The share of the vocabulary that starts from pretrained vectors."""
        return self.words_found / self.vocabulary_size if self.vocabulary_size else 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, saved: Any) -> WarmStart:
        if not isinstance(saved, dict) or set(saved) != {f for f in cls.__dataclass_fields__}:
            raise ValueError("malformed warm_start record")
        record = cls(
            str(saved["source"]),
            int(saved["pretrained_words"]),
            int(saved["words_found"]),
            int(saved["vocabulary_size"]),
            float(saved["lock"]),
        )
        if not 0 <= record.words_found <= min(record.vocabulary_size, record.pretrained_words):
            raise ValueError("inconsistent warm_start counts")
        lock_factor(record.lock)
        return record


def lock_factor(lock: object) -> float:
    """The learning-rate factor that a `lock` argument names: "free" 1.0, "frozen" 0.0, or a
    float in [0, 1] (the share of each step the pretrained rows take)."""
    if isinstance(lock, str):
        if lock not in LOCKS:
            raise ValueError(
                f"lock={lock!r}: expected 'free', 'frozen' or a learning-rate factor in [0, 1] "
                "for the pretrained rows (e.g. 0.1: they move a tenth as fast as the others)"
            )
        return LOCKS[lock]
    if isinstance(lock, bool) or not isinstance(lock, Real):
        raise TypeError(f"lock must be 'free', 'frozen' or a float, got {type(lock).__name__}")
    if not (math.isfinite(float(lock)) and 0.0 <= float(lock) <= 1.0):
        raise ValueError(
            f"lock={lock!r}: a float lock is the pretrained rows' learning-rate factor, in "
            "[0, 1] (0: 'frozen', 1: 'free')"
        )
    return float(lock)


def check_init_vectors(init_vectors: object, vector_size: int) -> None:
    """Fail at construction on what would fail later: a wrong type, a missing file, or (for
    vectors in memory) another dimension."""
    from skipgram.keyedvectors import KeyedVectors

    if isinstance(init_vectors, KeyedVectors):
        _check_dimension(init_vectors.vector_size, vector_size, "KeyedVectors")
        return
    if not isinstance(init_vectors, (str, os.PathLike)):
        raise TypeError(
            "init_vectors must be a KeyedVectors or the path of a vectors file (word2vec "
            f"text or binary, GloVe, fastText .vec, skipgram), got {type(init_vectors).__name__}"
        )
    path = Path(init_vectors).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"init_vectors: no such file {os.fspath(init_vectors)!r}")


def warm_start(wv: KeyedVectors, init_vectors: InitVectors, lock: float) -> WarmStart:
    """Copy the pretrained vectors of `wv`'s words into their rows and give those rows the
    learning-rate factor `lock`. Returns what was done (also logged, and warned about when no
    word was found)."""
    pretrained, source = load_pretrained(init_vectors)
    _check_dimension(pretrained.vector_size, wv.vector_size, source)
    index = pretrained.key_to_index
    found = [(row, index[word]) for row, word in enumerate(wv.index_to_key) if word in index]
    if found:
        rows_here, rows_there = (
            np.array(side, dtype=np.int64) for side in zip(*found, strict=True)
        )
        wv.vectors[rows_here] = pretrained.vectors[rows_there]  # cast to float32
        if lock != 1.0:
            wv.vectors_lockf[rows_here] = lock
        wv.invalidate_norms()
    done = WarmStart(source, len(pretrained), len(found), len(wv), lock)
    logger.info(
        "init_vectors: %d of %d vocabulary words (%.1f%%) start from the vectors of %s "
        "(%d vectors), lock factor %g",
        done.words_found,
        done.vocabulary_size,
        100 * done.fraction_found,
        source,
        done.pretrained_words,
        lock,
    )
    if not found and len(wv):
        warn_at_caller(
            f"init_vectors: none of the {len(wv):,} vocabulary words is among the "
            f"{len(pretrained):,} words of {source}, so every vector starts at random. "
            "Tokenise and case the corpus as the pretrained vectors were (GloVe's and "
            "fastText's English vectors are lower-cased)"
        )
    return done


def load_pretrained(init_vectors: InitVectors) -> tuple[KeyedVectors, str]:
    """The vectors of `init_vectors` and a name for them: a KeyedVectors as it is, or a file
    read in the format its first bytes show (skipgram, word2vec text or binary, fastText's
    .vec, GloVe's text without a header)."""
    from skipgram.keyedvectors import KeyedVectors

    if isinstance(init_vectors, KeyedVectors):
        return init_vectors, "KeyedVectors"
    path = os.fspath(init_vectors)
    file_format = vectors_file_format(path)
    if file_format == SKIPGRAM:
        return _load_skipgram_file(path), path
    vectors = KeyedVectors.load_word2vec_format(
        path, binary=file_format == WORD2VEC_BINARY, no_header=file_format == GLOVE
    )
    return vectors, path


def vectors_file_format(path: str) -> str:
    """`skipgram.formats.detect_format`, and "glove" for a text file without a header whose
    first line is a word and numbers."""
    try:
        return detect_format(path)
    except ModelFormatError:
        import smart_open

        with smart_open.open(path, "rb") as stream:  # decompressed by extension
            fields = stream.readline(1 << 20).split()
        if len(fields) > 1 and all(_is_number(field) for field in fields[1:]):
            return GLOVE
        raise


def _load_skipgram_file(path: str) -> KeyedVectors:
    """The vectors of a saved KeyedVectors or of a saved model."""
    from skipgram.keyedvectors import KeyedVectors
    from skipgram.model import SkipGram
    from skipgram.model_file import MODEL_KIND

    try:
        return KeyedVectors.load(path)
    except ModelFormatError as error:
        if error.found_kind != MODEL_KIND:
            raise
    return SkipGram.load(path).wv


def _check_dimension(found: int, vector_size: int, source: str) -> None:
    if found != vector_size:
        raise ValueError(
            f"init_vectors: the vectors of {source} have {found} dimensions but the model's "
            f"vector_size is {vector_size}: pass vector_size={found}"
        )


def _is_number(field: bytes) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True
