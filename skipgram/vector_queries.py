"""The similarity queries of `KeyedVectors` on pairs of keys, with gensim 4.4's names,
arguments and meaning, and what every query shares: the key and query types, `is_key`, the
checking of raw query vectors.

`VectorQueries` is the base of the read-only half of `KeyedVectors`; the nearest-neighbour
searches (`skipgram.neighbour_queries`) and the queries on lists of keys
(`skipgram.key_set_queries`) build on it. Similarities are cosines; queries over the whole
vocabulary use the cached unit-length matrix (one BLAS product each).

Where skipgram differs from gensim on purpose (a zero vector has similarity 0 rather than NaN,
raw query vectors are normalised like words), the docstring says so, and so does
docs/migration.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from numbers import Integral
from typing import Any

import numpy as np

# A key is a word, or an int row number (as in gensim). A query item is a key or a raw vector,
# optionally paired with its weight: ("king", 2.0).
Key = str | int | np.integer
QueryItem = Key | np.ndarray | tuple[Key | np.ndarray, float]
Queries = QueryItem | Sequence[QueryItem] | np.ndarray | None
Neighbours = list[tuple[str, float]]


class EmptyQueryError(ValueError, ZeroDivisionError):
    """An empty list of words where a mean is needed. A ValueError, and a ZeroDivisionError as
    gensim's `n_similarity` raises, so code catching either keeps working."""


def is_key(item: object) -> bool:
    """Whether `item` is looked up as a key: a str, or an int (a row number)."""
    return isinstance(item, (str, Integral)) and not isinstance(item, bool)


class VectorQueries:
    """The read-only queries of `KeyedVectors` on pairs of keys, mixed into it (with the
    neighbour and key-set queries built on this class). They rely on its `index_to_key`,
    `vectors`, `unit_vectors`, `vector_size`, `get_index`, `has_index_for`,
    `_warn_if_untrained`, `__len__` and `__contains__`."""

    index_to_key: list[str]
    vectors: np.ndarray
    unit_vectors: np.ndarray
    _warn_if_untrained: Callable[[], None]
    vector_size: int
    get_index: Any
    has_index_for: Any

    # ---- pairs of keys ---------------------------------------------------------------------

    def similarity(
        self,
        w1: Key | None = None,
        w2: Key | None = None,
        *,
        key1: Key | None = None,
        key2: Key | None = None,
    ) -> float:
        """Cosine similarity of two keys (0.0 if either vector is zero).

        Args:
            w1: the first key (gensim's name; `key1` is accepted too).
            w2: the second key (or `key2`).
        """
        first, second = _pick(w1, key1, "w1", "key1"), _pick(w2, key2, "w2", "key2")
        self._warn_if_untrained()
        vectors = self.vectors
        a = vectors[self.get_index(first)].astype(np.float64)
        b = vectors[self.get_index(second)].astype(np.float64)
        norms = float(np.linalg.norm(a)) * float(np.linalg.norm(b))
        cosine = float(np.dot(a, b)) / norms if norms > 0 else 0.0
        # Computed in float64 and rounded to the vectors' precision (float32 at least), so
        # that a key is exactly as similar to itself as it can be: 1.0, distance 0.0.
        return float(np.asarray(cosine).astype(np.promote_types(vectors.dtype, np.float32)))

    def distance(self, w1: Key, w2: Key) -> float:
        """Cosine distance of two keys: 1 - `similarity(w1, w2)`."""
        return 1.0 - self.similarity(w1, w2)

    def most_similar_to_given(self, key1: Key, keys_list: Sequence[Key]) -> Key:
        """The key of `keys_list` most similar to `key1` (the first one on a tie)."""
        if len(keys_list) == 0:
            raise ValueError("most_similar_to_given needs at least one key in keys_list")
        return keys_list[int(np.argmax([self.similarity(key1, key) for key in keys_list]))]

    # ---- one key against many --------------------------------------------------------------

    @staticmethod
    def cosine_similarities(vector_1: np.ndarray, vectors_all: np.ndarray) -> np.ndarray:
        """Cosine of `vector_1` with each row of `vectors_all`, as an array. Unlike gensim,
        which divides by zero there, a zero vector has similarity 0.0."""
        vector_1 = np.asarray(vector_1)
        vectors_all = np.asarray(vectors_all)
        dots = vectors_all @ vector_1
        denominators = np.linalg.norm(vector_1) * np.linalg.norm(vectors_all, axis=1)
        return np.divide(dots, denominators, out=np.zeros_like(dots), where=denominators > 0)

    def distances(
        self, word_or_vector: Key | np.ndarray, other_words: Iterable[Key] = ()
    ) -> np.ndarray:
        """Cosine distances (1 - cosine) from a key or vector to each of `other_words`, or to
        every key (itself included) if `other_words` is empty."""
        vector = (
            self.vectors[self.get_index(word_or_vector)]
            if is_key(word_or_vector)
            else self._raw_vector(word_or_vector)
        )
        other_words = list(other_words) if other_words is not None else []
        others = (
            self.vectors[[self.get_index(word) for word in other_words]]
            if other_words
            else self.vectors
        )
        return 1 - self.cosine_similarities(vector, others)

    # ---- shared steps ----------------------------------------------------------------------

    def _raw_vector(self, item: object) -> np.ndarray:
        try:
            vector = np.asarray(item, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"a query is a key (str, or int row) or a vector, got {type(item).__name__}"
            ) from None
        if vector.shape != (self.vector_size,):
            raise ValueError(
                f"query vectors must have shape ({self.vector_size},), got {vector.shape}"
            )
        return vector


def _pick(value: Key | None, alias: Key | None, name: str, alias_name: str) -> Key:
    """One of a parameter and its older alias (skipgram 0.1's `key1`, `key2`)."""
    if value is not None and alias is not None:
        raise TypeError(f"pass {name} or {alias_name}, not both")
    if value is None and alias is None:
        raise TypeError(f"missing the key {name}")
    return value if value is not None else alias  # type: ignore[return-value]


def unit_length(vector: np.ndarray) -> np.ndarray:
    """`vector` scaled to length 1 (a zero vector stays zero)."""
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
