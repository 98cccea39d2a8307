"""Trained word vectors and every query on them, independent of the trainer.

`KeyedVectors` is what a user ships: it can be saved and loaded on its own, with no training
state. Similarities are cosines between unit-normalised vectors; the normalised matrix is
computed once and cached until the vectors change.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np

from skipgram.io import ModelFormatError, decode_words, encode_words, load_arrays, save_arrays

KEYED_VECTORS_KIND = "keyed_vectors"
Query = str | np.ndarray


class KeyedVectors:
    """A vocabulary of keys (words) mapped to rows of a float32 matrix.

    Args:
        index_to_key: the words, row order (most frequent first when it comes from training).
        vectors: a len(index_to_key) x vector_size float32 matrix. It is used as is, not copied:
            the trainer updates it in place and calls `invalidate_norms()` afterwards.
        counts: optional corpus count of each word.
    """

    def __init__(
        self,
        index_to_key: Sequence[str],
        vectors: np.ndarray,
        counts: np.ndarray | None = None,
    ) -> None:
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise ValueError(
                f"vectors must be a {len(index_to_key)} x vector_size matrix, "
                f"got shape {vectors.shape}"
            )
        if vectors.dtype != np.float32:
            raise TypeError(f"vectors must be float32, got {vectors.dtype}")
        self.index_to_key: list[str] = list(index_to_key)
        self.key_to_index: dict[str, int] = {k: i for i, k in enumerate(self.index_to_key)}
        if len(self.key_to_index) != len(self.index_to_key):
            raise ValueError("index_to_key holds a key twice")
        self._vectors = vectors
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self._unit_vectors: np.ndarray | None = None

    # ---- the vectors -----------------------------------------------------------------------

    @property
    def vectors(self) -> np.ndarray:
        """The V x vector_size float32 matrix. After editing it in place, call
        `invalidate_norms()`; assigning a new matrix does that automatically."""
        return self._vectors

    @vectors.setter
    def vectors(self, value: np.ndarray) -> None:
        if value.shape != (len(self.index_to_key), self.vector_size) or value.dtype != np.float32:
            raise ValueError(f"expected a float32 matrix of shape {self._vectors.shape}")
        self._vectors = value
        self.invalidate_norms()

    @property
    def vector_size(self) -> int:
        return int(self._vectors.shape[1])

    def invalidate_norms(self) -> None:
        """Forget the cached unit-normalised vectors (they are recomputed on the next query)."""
        self._unit_vectors = None

    @property
    def unit_vectors(self) -> np.ndarray:
        """The vectors scaled to unit length (zero vectors stay zero), cached."""
        if self._unit_vectors is None:
            norms = np.linalg.norm(self._vectors, axis=1, keepdims=True)
            self._unit_vectors = (self._vectors / np.where(norms > 0, norms, 1.0)).astype(
                np.float32, copy=False
            )
        return self._unit_vectors

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, key: object) -> bool:
        return key in self.key_to_index

    def get_index(self, key: str) -> int:
        """Row of `key`; KeyError naming the key if it is not in the vocabulary."""
        try:
            return self.key_to_index[key]
        except KeyError:
            raise KeyError(f"word {key!r} is not in the vocabulary") from None
        except TypeError:
            raise TypeError(f"keys are str, got {type(key).__name__}") from None

    def get_vector(self, key: str, norm: bool = False) -> np.ndarray:
        """The vector of `key` (a view into the matrix), unit-normalised if `norm`."""
        matrix = self.unit_vectors if norm else self._vectors
        return matrix[self.get_index(key)]

    def __getitem__(self, key: str | Iterable[str]) -> np.ndarray:
        """`wv["king"]` is one vector; `wv[["king", "queen"]]` stacks several."""
        if isinstance(key, str):
            return self.get_vector(key)
        return self._vectors[[self.get_index(k) for k in key]]  # a copy; (0, d) for no keys

    # ---- similarity queries ----------------------------------------------------------------

    def similarity(self, key1: str, key2: str) -> float:
        """Cosine similarity of two words."""
        return float(np.dot(self.get_vector(key1, norm=True), self.get_vector(key2, norm=True)))

    def most_similar(
        self,
        positive: Query | Sequence[Query] | None = None,
        negative: Query | Sequence[Query] | None = None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]] | np.ndarray:
        """Words closest by cosine to the mean of the unit vectors of `positive` minus those of
        `negative` (words or raw vectors). Query words are never returned.

        `restrict_vocab` searches only the first N (most frequent) words. `topn=None` returns
        the similarity to every searched word as an array instead of a list."""
        positive = _as_list(positive)
        negative = _as_list(negative)
        if not positive and not negative:
            raise ValueError("most_similar needs at least one positive or negative word")
        query = np.zeros(self.vector_size, dtype=np.float32)
        excluded = []
        for weight, items in ((1.0, positive), (-1.0, negative)):
            for item in items:
                if isinstance(item, str):
                    excluded.append(self.get_index(item))
                    query += weight * self.unit_vectors[excluded[-1]]
                else:
                    vector = np.asarray(item, dtype=np.float32)
                    if vector.shape != (self.vector_size,):
                        raise ValueError(f"query vectors must have shape ({self.vector_size},)")
                    query += weight * vector / max(float(np.linalg.norm(vector)), 1e-30)
        return self._rank(query, topn, restrict_vocab, excluded)

    def similar_by_vector(
        self, vector: np.ndarray, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]] | np.ndarray:
        """Words closest by cosine to a raw vector."""
        return self.most_similar(
            positive=[np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab
        )

    def _rank(
        self, query: np.ndarray, topn: int | None, restrict_vocab: int | None, excluded: list[int]
    ) -> list[tuple[str, float]] | np.ndarray:
        limit = len(self) if restrict_vocab is None else int(restrict_vocab)
        if limit < 1:
            raise ValueError(f"restrict_vocab must be positive, got {restrict_vocab}")
        limit = min(limit, len(self))  # a bound beyond the vocabulary searches all of it
        norm = float(np.linalg.norm(query))
        query = query / norm if norm > 0 else query
        # One BLAS matrix-vector product over the (cached) unit vectors.
        similarities = self.unit_vectors[:limit] @ query
        if topn is None:
            return similarities
        if not isinstance(topn, (int, np.integer)) or isinstance(topn, bool) or topn < 1:
            raise ValueError(f"topn must be a positive integer or None, got {topn!r}")
        excluded_here = [i for i in set(excluded) if i < limit]
        wanted = min(int(topn), limit - len(excluded_here))
        if wanted <= 0:
            return []
        ranked = similarities.copy()
        ranked[excluded_here] = -np.inf
        best = np.argpartition(-ranked, wanted - 1)[:wanted]
        best = best[np.argsort(-ranked[best], kind="stable")]
        return [(self.index_to_key[i], float(similarities[i])) for i in best]

    # ---- persistence -----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the words, counts and vectors (skipgram format, no pickle, atomic)."""
        arrays = {**encode_words(self.index_to_key), "vectors": self._vectors}
        if self.counts is not None:
            arrays["counts"] = self.counts
        save_arrays(path, KEYED_VECTORS_KIND, arrays, metadata={})

    @classmethod
    def load(cls, path: str | os.PathLike[str], mmap: bool = False) -> KeyedVectors:
        """Load vectors saved with `save` (a saved SkipGram model is another kind of file:
        use `SkipGram.load(path).wv`); `mmap=True` maps the matrix copy-on-write instead of
        reading it."""
        arrays, _ = load_arrays(path, KEYED_VECTORS_KIND, mmap=mmap)
        return cls._from_arrays(arrays, path)

    @classmethod
    def _from_arrays(cls, arrays: dict[str, np.ndarray], path: str | os.PathLike[str]):
        words = decode_words(arrays, path)
        vectors = arrays.get("vectors")
        counts = arrays.get("counts")
        if vectors is None or vectors.dtype != np.float32 or vectors.ndim != 2:
            raise ModelFormatError(f"{path}: missing or malformed vectors")
        if vectors.shape[0] != len(words) or (counts is not None and counts.shape != (len(words),)):
            raise ModelFormatError(f"{path}: {len(words)} words but {vectors.shape[0]} vectors")
        try:
            return cls(words, vectors, counts)
        except ValueError as error:
            raise ModelFormatError(f"{path}: {error}") from None


def _as_list(items: Query | Sequence[Query] | None) -> list[Query]:
    if items is None:
        return []
    if isinstance(items, str) or (isinstance(items, np.ndarray) and items.ndim == 1):
        return [items]
    return list(items)
