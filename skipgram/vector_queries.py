"""Every similarity query on a `KeyedVectors`, with gensim 4.4's names, arguments and meaning.

`VectorQueries` is the half of `KeyedVectors` that only reads the vectors: nearest neighbours,
similarities and distances, means, odd-one-out, Word Mover's Distance. Similarities are cosines;
queries over the whole vocabulary use the cached unit-length matrix (one BLAS product each).

Where skipgram differs from gensim on purpose (a zero vector has similarity 0 rather than NaN,
raw query vectors are normalised like words), the docstring says so, and so does
docs/migration.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from numbers import Integral
from typing import Any, overload

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
    """The read-only queries of `KeyedVectors`, mixed into it. They rely on its
    `index_to_key`, `vectors`, `unit_vectors`, `vector_size`, `get_index`, `has_index_for`,
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
            mean = _unit(mean)
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
        return float(np.dot(_unit(means[0]), _unit(means[1])))

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
        return _unit(query), excluded

    def _unit_query(self, item: Key | np.ndarray, excluded: list[int]) -> np.ndarray:
        """The unit vector of a query key (whose row joins `excluded`) or raw vector."""
        if is_key(item):
            excluded.append(self.get_index(item))
            return self.unit_vectors[excluded[-1]]
        return _unit(self._raw_vector(item)).astype(self.unit_vectors.dtype, copy=False)

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


def _pick(value: Key | None, alias: Key | None, name: str, alias_name: str) -> Key:
    """One of a parameter and its older alias (skipgram 0.1's `key1`, `key2`)."""
    if value is not None and alias is not None:
        raise TypeError(f"pass {name} or {alias_name}, not both")
    if value is None and alias is None:
        raise TypeError(f"missing the key {name}")
    return value if value is not None else alias  # type: ignore[return-value]


def _wants_nothing(topn: object) -> bool:
    """gensim returns [] for topn < 1 (topn=0 included)."""
    return isinstance(topn, Integral) and not isinstance(topn, bool) and topn < 1


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _as_list(items: Queries) -> list[QueryItem]:
    """gensim's reading of `positive` / `negative`: one key or vector, or a list of them (a
    2-D array is a list of row vectors)."""
    if items is None:
        return []
    if is_key(items) or (isinstance(items, np.ndarray) and items.ndim == 1):
        return [items]  # type: ignore[list-item]
    return list(items)  # type: ignore[arg-type]


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
