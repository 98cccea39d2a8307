"""Queries of `KeyedVectors` on lists of keys, with gensim 4.4's names, arguments and
meaning: the keys closer to one key than another (`closer_than`, `rank`), weighted means
(`get_mean_vector`, `n_similarity`), the odd one out (`rank_by_centrality`, `doesnt_match`)
and Word Mover's Distance between two documents (`wmdistance`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from skipgram.vector_queries import EmptyQueryError, Key, VectorQueries, unit_length


class KeySetQueries(VectorQueries):
    """The queries of `KeyedVectors` on lists of keys, mixed into it."""

    # ---- keys closer than another ----------------------------------------------------------

    def closer_than(self, key1: Key, key2: Key) -> list[str]:
        """Every key closer to `key1` than `key2` is (by cosine distance), in row order,
        `key1` itself excluded."""
        all_distances = self.distances(key1)
        first, second = self.get_index(key1), self.get_index(key2)
        closer = np.flatnonzero(all_distances < all_distances[second])
        return [self.index_to_key[row] for row in closer.tolist() if row != first]

    def words_closer_than(self, word1: Key, word2: Key) -> list[str]:
        """Deprecated alias of `closer_than`, kept (with gensim's DeprecationWarning)."""
        warnings.warn(
            "words_closer_than is deprecated: use closer_than", DeprecationWarning, stacklevel=2
        )
        return self.closer_than(word1, word2)

    def rank(self, key1: Key, key2: Key) -> int:
        """Rank of `key2` among all keys by distance from `key1`: 1 + len(closer_than)."""
        return len(self.closer_than(key1, key2)) + 1

    # ---- sets of keys ----------------------------------------------------------------------

    def get_mean_vector(
        self,
        keys: Sequence[Key | np.ndarray] | np.ndarray,
        weights: Sequence[float] | np.ndarray | None = None,
        pre_normalize: bool = True,
        post_normalize: bool = False,
        ignore_missing: bool = True,
    ) -> np.ndarray:
        """The weighted mean of the vectors of `keys` (keys or raw vectors), as gensim: the
        weighted sum divided by the sum of the absolute weights of the keys used.

        Args:
            keys: keys or raw vectors (a 2-D array is a list of vectors).
            weights: one weight per key (default 1 each).
            pre_normalize: average the keys' unit vectors rather than their raw vectors (raw
                vectors given in `keys` are used as they are).
            post_normalize: scale the mean to unit length.
            ignore_missing: skip keys not in the vocabulary (else KeyError).

        Returns:
            A vector of `vector_size` values, of the vectors' dtype (zero if no key is known).

        Raises:
            ValueError: no keys, or not one weight per key.
            KeyError: a key is unknown and `ignore_missing` is False.
        """
        if len(keys) == 0:
            raise ValueError("cannot compute mean with no input: keys is empty")
        weights = np.ones(len(keys)) if weights is None else np.asarray(weights, np.float64)
        if weights.shape != (len(keys),):
            raise ValueError(
                f"keys and weights must have the same number of elements, got {len(keys)} "
                f"keys and weights of shape {weights.shape}"
            )
        total = np.zeros(self.vector_size, dtype=np.float64)
        rows: list[int] = []
        row_weights: list[float] = []
        used_weight = 0.0
        for key, weight in zip(keys, weights.tolist(), strict=True):
            if isinstance(key, np.ndarray):
                total += weight * self._raw_vector(key)
                used_weight += abs(weight)
            elif self.has_index_for(key):
                rows.append(self.get_index(key))
                row_weights.append(weight)
                used_weight += abs(weight)
            elif not ignore_missing:
                self.get_index(key)  # raises the KeyError naming the key
        if rows:
            matrix = self.unit_vectors if pre_normalize else self.vectors
            total += np.asarray(row_weights) @ matrix[rows].astype(np.float64)
        mean = total / used_weight if used_weight > 0 else total
        if post_normalize:
            mean = unit_length(mean)
        return mean.astype(self.vectors.dtype)

    def n_similarity(self, ws1: Sequence[Key], ws2: Sequence[Key]) -> float:
        """Cosine similarity of the means of the raw vectors of two lists of keys.

        As in gensim, unknown keys are left out of the means (with a warning here), and a
        mean of no known key is the zero vector, whose similarity is 0.0.

        Raises:
            EmptyQueryError: a list is empty (a ValueError, and the ZeroDivisionError gensim
                raises).
            TypeError: a list is a single string rather than a list of keys.
        """
        for name, words in (("ws1", ws1), ("ws2", ws2)):
            _refuse_string(words, "n_similarity", name)
            if len(words) == 0:
                raise EmptyQueryError(f"n_similarity needs at least one key in {name}")
            self._warn_unknown(words, "n_similarity")
        means = [self.get_mean_vector(words, pre_normalize=False) for words in (ws1, ws2)]
        return float(np.dot(unit_length(means[0]), unit_length(means[1])))

    def rank_by_centrality(
        self, words: Sequence[Key], use_norm: bool = True
    ) -> list[tuple[float, Key]]:
        """`words` ranked by cosine to the unit-length mean of their (unit, if `use_norm`)
        vectors, most central first, as (similarity, word) pairs. Unknown words are left out
        with a warning, as in gensim.

        Raises:
            ValueError: no word of `words` is in the vocabulary.
            TypeError: `words` is a single string rather than a list of words.
        """
        _refuse_string(words, "rank_by_centrality", "words")
        used = self._warn_unknown(words, "rank_by_centrality")
        if not used:
            raise ValueError(
                "cannot select a word from an empty list: none of the words given is in the "
                "vocabulary"
            )
        matrix = self.unit_vectors if use_norm else self.vectors
        vectors = matrix[[self.get_index(word) for word in used]]
        mean = self.get_mean_vector(vectors, post_normalize=True)
        similarities = (vectors @ mean).tolist()
        return sorted(zip(similarities, used, strict=True), reverse=True)

    def doesnt_match(self, words: Sequence[Key]) -> Key:
        """The word that goes least with the others: the least central of `rank_by_centrality`.
        Unknown words are left out with a warning, as in gensim.

        Raises:
            ValueError: no word of `words` is in the vocabulary.
            TypeError: `words` is a single string rather than a list of words.
        """
        _refuse_string(words, "doesnt_match", "words")
        return self.rank_by_centrality(words)[-1][1]

    def wmdistance(
        self, document1: Sequence[Key], document2: Sequence[Key], norm: bool = True
    ) -> float:
        """Word Mover's Distance (Kusner et al. 2015) between two documents, as in gensim:
        the cheapest way to move one document's normalised bag of words onto the other's,
        each unit of weight costing the Euclidean distance between the (unit, if `norm`)
        vectors. Unknown words are left out; if a document has none left the distance is
        infinite (with a warning).

        Needs POT, the Python Optimal Transport library: ``pip install 'skipgram[wmd]'``.
        """
        try:
            from ot import emd2
        except ImportError:
            raise ImportError(
                "wmdistance needs POT (Python Optimal Transport): install it with "
                "pip install 'skipgram[wmd]' (or pip install POT)"
            ) from None
        from scipy.spatial.distance import cdist

        document1 = [word for word in document1 if word in self]
        document2 = [word for word in document2 if word in self]
        if not document1 or not document2:
            warnings.warn(
                "wmdistance: a document has no word in the vocabulary; the distance is inf",
                UserWarning,
                stacklevel=2,
            )
            return float("inf")
        if len(set(document1) | set(document2)) == 1:
            return 0.0  # both documents are one and the same word
        # Only the first document's words send weight and only the second's receive it, so
        # the transport problem is the rectangle between their distinct words.
        words1, weights1 = _bag_of_words(document1)
        words2, weights2 = _bag_of_words(document2)
        matrix = self.unit_vectors if norm else self.vectors
        costs = cdist(
            matrix[[self.get_index(w) for w in words1]].astype(np.float64),
            matrix[[self.get_index(w) for w in words2]].astype(np.float64),
        )
        if abs(float(np.sum(costs))) < 1e-8:
            return float("inf")  # as gensim: the solver stalls on an all-zero cost matrix
        return float(emd2(weights1, weights2, costs))

    # ---- shared steps ----------------------------------------------------------------------

    def _warn_unknown(self, words: Sequence[Key], method: str) -> list[Key]:
        """The words of `words` in the vocabulary; a warning names the others."""
        known = [word for word in words if self.has_index_for(word)]
        if len(known) < len(words):
            unknown = list(dict.fromkeys(w for w in words if not self.has_index_for(w)))
            listed = ", ".join(repr(word) for word in unknown[:10])
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            warnings.warn(
                f"{method}: ignoring {len(unknown)} key(s) not in the vocabulary: {listed}{more}",
                UserWarning,
                stacklevel=3,
            )
        return known


def _refuse_string(words: object, method: str, argument: str) -> None:
    if isinstance(words, str):
        raise TypeError(
            f"{method} takes a list of words as {argument}, not the single string {words!r}"
        )


def _bag_of_words(document: list[Key]) -> tuple[list[Key], np.ndarray]:
    """The distinct words of `document` and their relative frequencies."""
    counts: dict[Key, int] = {}
    for word in document:
        counts[word] = counts.get(word, 0) + 1
    frequencies = np.array(list(counts.values()), dtype=np.float64) / len(document)
    return list(counts), frequencies
