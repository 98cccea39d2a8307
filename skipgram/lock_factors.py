"""Per-word learning-rate factors of the input vectors: gensim's `vectors_lockf`.

Training moves word w's vector by `vectors_lockf[w]` times its step: 0.0 locks the vector,
1.0 (the default) trains it freely, a value in between damps it. Only the input vectors
(`wv.vectors`) are affected; the output vectors always take the full step. The factors are
what keeps pretrained vectors fixed or damped in a warm start (`SkipGram(init_vectors=...,
lock=...)`, skipgram/warm_start.py) and what gensim's `intersect_word2vec_format` sets.

`LockFactors` is mixed into `KeyedVectors`. The factors cost nothing until one differs from
1.0: the kernel is then handed no factors at all (`training_lock_factors`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from skipgram import word2vec_format

__all__ = ["LockFactors", "check_lock_factors", "training_lock_factors"]


class LockFactors:
    """The `vectors_lockf` half of `KeyedVectors`. It relies on its `__len__`, `vector_size`,
    `key_to_index`, `_vectors`, `invalidate_norms` and `add_lifecycle_event`."""

    key_to_index: dict[str, int]
    _vectors: np.ndarray
    vector_size: int
    invalidate_norms: Callable[[], None]
    add_lifecycle_event: Any
    __len__: Callable[[], int]
    _lockf: np.ndarray | None = None  # None: every factor is 1.0, and no array exists yet
    _lockf_for_all = False  # _lockf is gensim's one-element array applying to every key

    @property
    def vectors_lockf(self) -> np.ndarray:
        """The learning-rate factor of each vector (float32, one per key): 0.0 locked, 1.0
        free (the default), in between damped. Edit it in place (``wv.vectors_lockf[i] = 0``)
        or assign a new float32 array. As in gensim, an array of one element applies its
        factor to every vector. Keys added later get 1.0."""
        if self._lockf is None:
            self._lockf = np.ones(len(self), dtype=np.float32)
        elif not self._lockf_for_all and len(self._lockf) < len(self):  # keys were added
            grown = np.ones(len(self), dtype=np.float32)
            grown[: len(self._lockf)] = self._lockf
            self._lockf = grown
        return self._lockf

    @vectors_lockf.setter
    def vectors_lockf(self, value: np.ndarray) -> None:
        check_lock_factors(value, len(self))
        self._lockf_for_all = len(value) == 1 and len(self) != 1
        self._lockf = value  # not copied: later edits of `value` apply, as in gensim

    def _take_lock_factors(self, other: LockFactors) -> None:
        """Use the factors of `other`, these vectors' first rows (the vocabulary grew)."""
        self._lockf, self._lockf_for_all = other._lockf, other._lockf_for_all

    def _reorder_lock_factors(self, order: np.ndarray) -> None:
        """Keep each key's factor with it when the rows are permuted."""
        if self._lockf is not None and not self._lockf_for_all:
            self._lockf = self._lockf[order]

    def intersect_word2vec_format(
        self,
        fname: str | os.PathLike[str],
        lockf: float = 0.0,
        binary: bool = False,
        encoding: str = "utf8",
        unicode_errors: str = "strict",
    ) -> None:
        """gensim's: overwrite the vectors of the keys already here with those of a word2vec
        file, and set their `vectors_lockf` to `lockf` (the default 0.0 locks them; 1.0 lets
        them train freely). Keys of the file that are not here are ignored, keys here that
        are not in the file are left alone: no key is added.

        Args:
            fname: a word2vec.c text or binary file, e.g. fastText's ``.vec`` (with a
                ``"V d"`` header; for GloVe's header-less files use
                ``SkipGram(init_vectors=...)`` or `add_vectors`).
            lockf: the learning-rate factor of the vectors read (finite, >= 0).
            binary: the file is in the binary format.
            encoding: how the words are decoded (as in `bytes.decode`).
            unicode_errors: what to do with bytes that do not decode (as in `bytes.decode`).

        Raises:
            ValueError: the file's vectors have another dimension than these (both are
                named), or `lockf` is negative or not finite.
            ModelFormatError: the file is malformed (the message names the line or byte).
        """
        factor = _one_factor(lockf)
        words, vectors = word2vec_format.load_word2vec_format(
            fname, binary, None, encoding, unicode_errors
        )
        if vectors.shape[1] != self.vector_size:
            raise ValueError(
                f"incompatible vector size {vectors.shape[1]} in file {os.fspath(fname)}: "
                f"these vectors have {self.vector_size} dimensions"
            )
        found = [
            (row, self.key_to_index[word])
            for row, word in enumerate(words)
            if word in self.key_to_index
        ]
        if found:
            rows_there, rows_here = (list(side) for side in zip(*found, strict=True))
            self._vectors[rows_here] = vectors[rows_there]
            factors = self.vectors_lockf
            if self._lockf_for_all:  # gensim's one-for-all array: one factor per key from now
                factors = np.full(len(self), factors[0], dtype=np.float32)
                self.vectors_lockf = factors
            factors[rows_here] = factor
            self.invalidate_norms()
        self.add_lifecycle_event(
            "intersect_word2vec_format",
            msg=f"merged {len(found)} vectors into {self._vectors.shape} matrix from {fname}",
        )


def check_lock_factors(value: object, rows: int, name: str = "vectors_lockf") -> None:
    """Raise unless `value` is a float32 array of `rows` (or one) finite factors >= 0."""
    if not isinstance(value, np.ndarray) or value.dtype != np.float32:
        found = value.dtype if isinstance(value, np.ndarray) else type(value).__name__
        raise TypeError(
            f"{name} must be a float32 numpy array (edits to it reach training, so it is "
            f"used as given, not converted), got {found}: pass "
            f"np.asarray(factors, dtype=np.float32)"
        )
    if value.ndim != 1 or len(value) not in (rows, 1):
        raise ValueError(
            f"{name} must hold one factor per vector ({rows}), or a single factor for all, "
            f"got shape {value.shape}"
        )
    if not np.all(np.isfinite(value)) or np.any(value < 0):
        raise ValueError(
            f"{name} must be finite and >= 0 (0.0 locks a vector, 1.0 trains it freely), "
            f"got values from {np.nanmin(value) if np.any(~np.isnan(value)) else 'NaN'} "
            f"to {np.nanmax(value) if np.any(~np.isnan(value)) else 'NaN'}"
        )


def training_lock_factors(vectors: LockFactors) -> np.ndarray | None:
    """The factors for the kernel (checked again: they may have been edited in place), one per
    row and C-contiguous; None when every factor is 1.0, so that training runs the kernel's
    plain path, bit for bit and at full speed."""
    factors = vectors._lockf
    if factors is None:
        return None
    factors = vectors.vectors_lockf  # grown to the current size if keys were added
    check_lock_factors(factors, len(vectors))
    if np.all(factors == 1.0):
        return None
    if vectors._lockf_for_all:
        return np.full(len(vectors), factors[0], dtype=np.float32)
    return np.ascontiguousarray(factors)


def _one_factor(lockf: object) -> float:
    """`lockf` of intersect_word2vec_format, checked."""
    if isinstance(lockf, bool) or not isinstance(lockf, (int, float, np.floating, np.integer)):
        raise TypeError(f"lockf must be a number, got {type(lockf).__name__}")
    if not np.isfinite(lockf) or lockf < 0:
        raise ValueError(f"lockf must be finite and >= 0 (0.0 locks, 1.0 frees), got {lockf}")
    return float(lockf)
