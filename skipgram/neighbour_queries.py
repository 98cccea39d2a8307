"""Nearest neighbours of `KeyedVectors`, with gensim 4.4's names, arguments and meaning:
`most_similar` (3CosAdd, weighted queries, raw vectors, an approximate `indexer`), its
`similar_by_*` forms, `most_similar_cosmul` (3CosMul) and `relative_cosine_similarity`. Each
search is one BLAS product over the cached unit vectors of the rows searched, then a partial
sort of the scores.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any, overload

import numpy as np

from skipgram.vector_queries import (
    Key,
    Neighbours,
    Queries,
    QueryItem,
    VectorQueries,
    is_key,
    unit_length,
)


class NeighbourQueries(VectorQueries):
    """The nearest-neighbour searches of `KeyedVectors`, mixed into it."""

    # ---- nearest neighbours ----------------------------------------------------------------

    @overload
    def most_similar(
        self,
        positive: Queries = ...,
        negative: Queries = ...,
        topn: int = ...,
        clip_start: int = ...,
        clip_end: int | None = ...,
        restrict_vocab: int | None = ...,
        indexer: Any = ...,
    ) -> Neighbours: ...
    @overload
    def most_similar(
        self,
        positive: Queries,
        negative: Queries,
        topn: None,
        clip_start: int = ...,
        clip_end: int | None = ...,
        restrict_vocab: int | None = ...,
        indexer: Any = ...,
    ) -> np.ndarray: ...
    @overload
    def most_similar(
        self,
        positive: Queries = ...,
        negative: Queries = ...,
        *,
        topn: None,
        clip_start: int = ...,
        clip_end: int | None = ...,
        restrict_vocab: int | None = ...,
        indexer: Any = ...,
    ) -> np.ndarray: ...
    def most_similar(
        self,
        positive: Queries = None,
        negative: Queries = None,
        topn: int | None = 10,
        clip_start: int = 0,
        clip_end: int | None = None,
        restrict_vocab: int | None = None,
        indexer: Any = None,
    ) -> Neighbours | np.ndarray:
        """Keys closest by cosine to the weighted sum of the unit vectors of `positive` minus
        those of `negative`. Query keys are never returned.

        Args:
            positive: keys, raw vectors, or (key or vector, weight) pairs (weight 1 if not
                given); a single key or vector is accepted.
            negative: the same, with weight -1 if not given (a pair's weight is used as given,
                as in gensim).
            topn: how many keys to return; 0 returns []; None returns the similarity to every
                searched key as an array.
            clip_start: search only rows from clip_start on.
            clip_end: search only rows before clip_end (None: to the end).
            restrict_vocab: search only the first N (most frequent) keys; overrides clipping.
            indexer: an approximate-neighbour index with gensim's `most_similar(vector, topn)`
                method (e.g. gensim's AnnoyIndexer), asked instead of the exact search.

        Returns:
            (key, cosine) pairs, best first; an array of cosines if `topn` is None.

        Raises:
            KeyError: a query key is not in the vocabulary.
            ValueError: no query, a raw vector of the wrong shape, or a bad `topn`.

        Unlike gensim, raw query vectors are normalised to unit length like words, so a vector
        weighs as much as a word whatever its length.
        """
        if _wants_nothing(topn):
            return []
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive and not negative:
            raise ValueError("most_similar needs at least one positive or negative word")
        query, excluded = self._combined_query(positive, negative)
        if indexer is not None and isinstance(topn, Integral):
            return indexer.most_similar(query, int(topn))
        start, end = self._search_range(restrict_vocab, clip_start, clip_end)
        # One BLAS matrix-vector product over the (cached) unit vectors.
        return self._top(self.unit_vectors[start:end] @ query, topn, excluded, start)

    @overload
    def similar_by_key(
        self, key: Key, topn: int = ..., restrict_vocab: int | None = ...
    ) -> Neighbours: ...
    @overload
    def similar_by_key(
        self, key: Key, topn: None, restrict_vocab: int | None = ...
    ) -> np.ndarray: ...
    def similar_by_key(
        self, key: Key, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> Neighbours | np.ndarray:
        """The `topn` keys closest to `key` (see `most_similar`)."""
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    @overload
    def similar_by_word(
        self, word: Key, topn: int = ..., restrict_vocab: int | None = ...
    ) -> Neighbours: ...
    @overload
    def similar_by_word(
        self, word: Key, topn: None, restrict_vocab: int | None = ...
    ) -> np.ndarray: ...
    def similar_by_word(
        self, word: Key, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> Neighbours | np.ndarray:
        """Alias of `similar_by_key`."""
        return self.similar_by_key(word, topn, restrict_vocab)

    @overload
    def similar_by_vector(
        self, vector: np.ndarray, topn: int = ..., restrict_vocab: int | None = ...
    ) -> Neighbours: ...
    @overload
    def similar_by_vector(
        self, vector: np.ndarray, topn: None, restrict_vocab: int | None = ...
    ) -> np.ndarray: ...
    def similar_by_vector(
        self, vector: np.ndarray, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> Neighbours | np.ndarray:
        """The `topn` keys closest by cosine to a raw vector."""
        return self.most_similar(
            positive=[np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab
        )

    @overload
    def most_similar_cosmul(
        self,
        positive: Queries = ...,
        negative: Queries = ...,
        topn: int = ...,
        restrict_vocab: int | None = ...,
    ) -> Neighbours: ...
    @overload
    def most_similar_cosmul(
        self, positive: Queries, negative: Queries, topn: None, restrict_vocab: int | None = ...
    ) -> np.ndarray: ...
    @overload
    def most_similar_cosmul(
        self,
        positive: Queries = ...,
        negative: Queries = ...,
        *,
        topn: None,
        restrict_vocab: int | None = ...,
    ) -> np.ndarray: ...
    def most_similar_cosmul(
        self,
        positive: Queries = None,
        negative: Queries = None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> Neighbours | np.ndarray:
        """Keys ranked by Levy and Goldberg's multiplicative objective (3CosMul).

        Each key w scores prod(sim(w, p) for p in positive) / (prod(sim(w, n) for n in
        negative) + 1e-6), where sim is the cosine shifted to [0, 1] as (1 + cos) / 2. For the
        analogy a : b :: c : ?, call it with positive=[b, c], negative=[a]. Query keys are never
        returned. Unlike gensim, raw query vectors are normalised like words (gensim uses them
        as given) and `restrict_vocab` is honoured (gensim 4.4 ignores it).

        Args:
            positive: keys or raw vectors whose similarity multiplies the score.
            negative: keys or raw vectors whose similarity divides it.
            topn: how many keys to return; 0 returns []; None returns the score of every
                searched key.
            restrict_vocab: search only the first N (most frequent) keys.

        Returns:
            (key, score) pairs, best first; an array of scores if `topn` is None.

        Raises:
            ValueError: no positive query, a bad `topn` or `restrict_vocab`, or a raw vector of
                the wrong shape.
            KeyError: a query key is not in the vocabulary.
        """
        if _wants_nothing(topn):
            return []
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise ValueError(
                "most_similar_cosmul needs at least one positive word: 3CosMul multiplies "
                "their similarities"
            )
        _, end = self._search_range(restrict_vocab, 0, None)
        excluded: list[int] = []

        def shifted(items: list[QueryItem]) -> list[np.ndarray]:
            searched = self.unit_vectors[:end]
            return [(1.0 + searched @ self._unit_query(item, excluded)) / 2.0 for item in items]

        # The epsilon keeps a key opposite to every negative query from dividing by zero.
        scores = np.prod(shifted(positive), axis=0) / (np.prod(shifted(negative), axis=0) + 1e-6)
        return self._top(scores.astype(self.unit_vectors.dtype, copy=False), topn, excluded, 0)

    def relative_cosine_similarity(self, wa: Key, wb: Key, topn: int = 10) -> float:
        """Leeuwenberg et al.'s relative cosine similarity: similarity(wa, wb) divided by the
        sum of the similarities of `wa`'s `topn` nearest neighbours."""
        neighbours = self.similar_by_word(wa, topn)
        if not neighbours:
            raise ValueError(
                "Cannot calculate relative cosine similarity without any similar words "
                f"(topn={topn!r})"
            )
        return self.similarity(wa, wb) / sum(score for _, score in neighbours)

    # ---- shared steps ----------------------------------------------------------------------

    def _combined_query(
        self, positive: list[QueryItem], negative: list[QueryItem]
    ) -> tuple[np.ndarray, list[int]]:
        """The unit-length weighted sum of the queries' unit vectors, and the rows of the query
        keys (never returned as answers)."""
        query = np.zeros(self.vector_size, dtype=self.unit_vectors.dtype)
        excluded: list[int] = []
        for default_weight, items in ((1.0, positive), (-1.0, negative)):
            for item in items:
                weight = default_weight
                if isinstance(item, tuple):
                    if len(item) != 2:
                        raise ValueError(
                            f"a weighted query is a (key or vector, weight) pair, got {item!r}"
                        )
                    item, weight = item
                query += float(weight) * self._unit_query(item, excluded)
        return unit_length(query), excluded

    def _unit_query(self, item: Key | np.ndarray, excluded: list[int]) -> np.ndarray:
        """The unit vector of a query key (whose row joins `excluded`) or raw vector."""
        if is_key(item):
            excluded.append(self.get_index(item))
            return self.unit_vectors[excluded[-1]]
        return unit_length(self._raw_vector(item)).astype(self.unit_vectors.dtype, copy=False)

    def _search_range(
        self, restrict_vocab: int | None, clip_start: int, clip_end: int | None
    ) -> tuple[int, int]:
        """Rows searched: the first `restrict_vocab`, else clip_start to clip_end."""
        if restrict_vocab is not None:
            if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, Integral):
                raise ValueError(f"restrict_vocab must be a positive int, got {restrict_vocab!r}")
            if restrict_vocab < 1:
                raise ValueError(f"restrict_vocab must be positive, got {restrict_vocab}")
            return 0, min(int(restrict_vocab), len(self))  # beyond the vocabulary: all of it
        for name, value in (("clip_start", clip_start), ("clip_end", clip_end)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, Integral) or value < 0
            ):
                raise ValueError(f"{name} must be a non-negative int, got {value!r}")
        end = min(int(clip_end or len(self)), len(self))
        return min(int(clip_start), end), end

    def _top(
        self, scores: np.ndarray, topn: int | None, excluded: list[int], offset: int
    ) -> Neighbours | np.ndarray:
        """The `topn` best-scoring rows but the `excluded` ones, or every score if topn is
        None; `scores[i]` is the score of row `offset + i`."""
        if topn is None:
            return scores
        if not isinstance(topn, Integral) or isinstance(topn, bool):
            raise ValueError(f"topn must be an int or None, got {topn!r}")
        excluded_here = [row - offset for row in set(excluded) if 0 <= row - offset < len(scores)]
        wanted = min(int(topn), len(scores) - len(excluded_here))
        if wanted <= 0:
            return []
        ranked = scores.copy()
        ranked[excluded_here] = -np.inf
        best = np.argpartition(-ranked, wanted - 1)[:wanted]
        best = best[np.argsort(-ranked[best], kind="stable")]
        return [(self.index_to_key[offset + i], float(scores[i])) for i in best.tolist()]


def _wants_nothing(topn: object) -> bool:
    """gensim returns [] for topn < 1 (topn=0 included)."""
    return isinstance(topn, Integral) and not isinstance(topn, bool) and topn < 1


def _as_list(items: Queries) -> list[QueryItem]:
    """gensim's reading of `positive` / `negative`: one key or vector, or a list of them (a
    2-D array is a list of row vectors)."""
    if items is None:
        return []
    if is_key(items) or (isinstance(items, np.ndarray) and items.ndim == 1):
        return [items]  # type: ignore[list-item]
    return list(items)  # type: ignore[arg-type]
