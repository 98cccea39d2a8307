"""Editing `KeyedVectors` in place: adding keys and vectors (`add_vector`, `add_vectors`,
``wv[key] = vector``), giving rows to keys appended by hand (`resize_vectors`), reordering
the rows by count (`sort_by_descending_frequency`) and copying a subset (`vectors_for_all`).

The matrix grows by more than one row at a time, so that adding keys one by one stays cheap:
`_storage` holds spare rows, `_vectors` is the part in use, a view of it. Every edit keeps
the keys, the rows, the counts and the learning-rate factors in step, and forgets the cached
norms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from skipgram.vector_files import COUNT, check_attribute

if TYPE_CHECKING:
    from skipgram.keyedvectors import KeyedVectors
    from skipgram.vector_queries import Key


class VectorEditing:
    """The editing half of `KeyedVectors` (a mixin: it relies on its `index_to_key`,
    `key_to_index`, `counts`, `_storage`, `_vectors`, `vector_size`, `get_index`,
    `invalidate_norms`, `__len__`, `__contains__` and `_reorder_lock_factors`)."""

    index_to_key: list[str]
    key_to_index: dict[str, int]
    counts: np.ndarray | None
    _storage: np.ndarray
    _vectors: np.ndarray
    vector_size: int
    get_index: Callable[..., int]
    invalidate_norms: Callable[[], None]
    _reorder_lock_factors: Callable[[np.ndarray], None]

    if TYPE_CHECKING:  # supplied by KeyedVectors (declared only: a definition would shadow)

        def __len__(self) -> int: ...
        def __contains__(self, key: object) -> bool: ...

    def add_vector(self, key: str, vector: npt.ArrayLike) -> int:
        """Add one key and its vector; returns its row, so that ``vectors[row]`` is `vector`
        (an existing key's vector is replaced). Repeated calls are cheap: the matrix grows
        by more than one row at a time."""
        self.add_vectors([key], np.asarray(vector).reshape(1, -1), replace=True)
        return self.key_to_index[key]

    def add_vectors(
        self,
        keys: str | Sequence[str],
        weights: npt.ArrayLike,
        extras: dict[str, npt.ArrayLike] | None = None,
        replace: bool = False,
    ) -> None:
        """Add keys and their vectors. A key already present keeps its vector unless `replace`.

        Args:
            keys: the new keys (a single str adds one).
            weights: their vectors: a len(keys) x vector_size matrix or a list of vectors
                (cast to the matrix's dtype).
            extras: per-key attributes of the keys; only ``{"count": counts}`` is stored.
            replace: overwrite the vectors (and counts) of keys already present.

        Raises:
            ValueError: the shapes disagree, a vector is not finite, or a key is repeated.
            TypeError: a key is not a str.
        """
        if isinstance(keys, str):
            keys = [keys]
            weights = np.asarray(weights).reshape(1, -1)
        keys = list(keys)
        matrix = self._new_rows(keys, weights)
        new_counts = self._extra_counts(extras, len(keys))
        present = [i for i, key in enumerate(keys) if key in self.key_to_index]
        added = [i for i, key in enumerate(keys) if key not in self.key_to_index]
        if replace and present:
            rows = [self.key_to_index[keys[i]] for i in present]
            self._vectors[rows] = matrix[present]
            if new_counts is not None:
                self._ensure_counts()[rows] = new_counts[present]
        if added:
            start = len(self)
            self._grow(start + len(added))
            self._vectors[start:] = matrix[added]
            for offset, i in enumerate(added):
                self.index_to_key.append(keys[i])
                self.key_to_index[keys[i]] = start + offset
            if self.counts is not None or new_counts is not None:
                counts = np.zeros(len(self), dtype=np.int64)
                if self.counts is not None:
                    counts[:start] = self.counts
                if new_counts is not None:
                    counts[start:] = new_counts[added]
                self.counts = counts
        self.invalidate_norms()

    def __setitem__(self, keys: str | Sequence[str], weights: npt.ArrayLike) -> None:
        """``wv["king"] = vector`` (or a list of keys and a matrix): add or replace vectors."""
        if isinstance(keys, str):
            keys, weights = [keys], np.asarray(weights).reshape(1, -1)
        self.add_vectors(keys, weights, replace=True)

    def vectors_for_all(
        self, keys: Iterable[Key], allow_inference: bool = True, copy_vecattrs: bool = False
    ) -> KeyedVectors:
        """A new KeyedVectors holding the known keys of `keys` (deduplicated, in order).
        Counts are copied with `copy_vecattrs`; otherwise, as in gensim, they are placeholders
        falling from len down to 1. `allow_inference` is gensim's (for FastText); here every
        vector is a stored one."""
        rows = list(dict.fromkeys(self.get_index(key) for key in keys if key in self))
        counts = (
            self.counts[rows]
            if copy_vecattrs and self.counts is not None
            else np.arange(len(rows), 0, -1)
        )
        return type(self)([self.index_to_key[row] for row in rows], self._vectors[rows], counts)

    def resize_vectors(self, seed: int = 0) -> None:
        """gensim's: after keys were appended to `index_to_key` directly, give them rows (small
        random values, as gensim draws them from `seed`) and counts of 0. Every method here
        keeps the two in step, so only code editing `index_to_key` itself needs this."""
        target, known = len(self.index_to_key), self._vectors.shape[0]
        if target == known:
            return
        self.key_to_index = {key: row for row, key in enumerate(self.index_to_key)}
        if len(self.key_to_index) != target or not all(
            isinstance(key, str) for key in self.index_to_key[known:]
        ):
            raise ValueError("index_to_key holds a key twice or a key that is not a str")
        rng = np.random.default_rng(seed=seed)
        resized = rng.random((target, self.vector_size), dtype=np.float32)
        resized = ((resized * 2.0 - 1.0) / max(1, self.vector_size)).astype(self._vectors.dtype)
        kept = min(target, known)
        resized[:kept] = self._vectors[:kept]
        self._storage = self._vectors = resized
        if self.counts is not None:
            counts = np.zeros(target, dtype=np.int64)
            counts[:kept] = self.counts[:kept]
            self.counts = counts
        self.invalidate_norms()

    def sort_by_descending_frequency(self) -> None:
        """Reorder the rows by descending count, as gensim (ties: the later row first)."""
        if not len(self):
            return
        if self.counts is None:
            raise ValueError("these vectors have no counts to sort by")
        order = np.lexsort((-np.arange(len(self)), -self.counts))
        self._reorder(order)

    def _reorder(self, order: np.ndarray) -> None:
        self.index_to_key = [self.index_to_key[row] for row in order.tolist()]
        self.key_to_index = {key: row for row, key in enumerate(self.index_to_key)}
        self._storage = self._vectors = self._vectors[order]
        if self.counts is not None:
            self.counts = self.counts[order]
        self._reorder_lock_factors(order)
        self.invalidate_norms()

    def _new_rows(self, keys: list[str], weights: npt.ArrayLike) -> np.ndarray:
        for key in keys:
            if not isinstance(key, str):
                raise TypeError(
                    f"keys added are str, got {key!r}: an int key is read as a row number"
                )
        if len(set(keys)) != len(keys):
            repeated = next(key for key in keys if keys.count(key) > 1)
            raise ValueError(f"key {repeated!r} is given twice")
        matrix = np.asarray(weights, dtype=np.float64)
        if matrix.size != len(keys) * self.vector_size:
            raise ValueError(
                f"expected {len(keys)} vectors of {self.vector_size} values, got "
                f"{np.shape(weights)}"
            )
        with np.errstate(over="ignore"):  # beyond float16's range: inf, refused just below
            matrix = matrix.reshape(len(keys), self.vector_size).astype(self._vectors.dtype)
        bad = np.flatnonzero(~np.isfinite(matrix).all(axis=1))
        if len(bad):
            raise ValueError(
                f"the vector of {keys[bad[0]]!r} holds NaN or infinity (or a value beyond "
                f"{matrix.dtype.name}'s range)"
            )
        return matrix

    @staticmethod
    def _extra_counts(extras: dict[str, npt.ArrayLike] | None, size: int) -> np.ndarray | None:
        if not extras:
            return None
        unknown = set(extras) - {COUNT}
        if unknown:
            check_attribute(sorted(unknown)[0])
        return checked_counts(np.asarray(extras[COUNT]).reshape(-1), size)

    def _ensure_counts(self) -> np.ndarray:
        if self.counts is None:
            self.counts = np.zeros(len(self), dtype=np.int64)
        return self.counts

    def _grow(self, rows: int) -> None:
        """Make `_vectors` `rows` rows long (new rows uninitialised), reallocating the storage
        with some spare rows when it is full, so that adding keys one at a time does not copy
        the whole matrix every time."""
        if rows > self._storage.shape[0]:
            spare = min(rows // 8, 1 << 16)
            storage = np.empty((rows + spare, self.vector_size), dtype=self._vectors.dtype)
            storage[: len(self._vectors)] = self._vectors
            self._storage = storage
        self._vectors = self._storage[:rows]


def checked_counts(counts: Sequence[int] | np.ndarray, size: int) -> np.ndarray:
    """`counts` as int64, if they are `size` non-negative integers (else ValueError)."""
    array = np.asarray(counts)
    if array.shape != (size,) or (array.size and array.dtype.kind not in "iu"):
        raise ValueError(f"counts must be {size} integers, got {array.dtype} {array.shape}")
    if array.size and int(array.min()) < 0:
        raise ValueError("counts cannot be negative")
    return array.astype(np.int64)
