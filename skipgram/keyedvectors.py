"""Trained word vectors and every query on them, independent of the trainer.

`KeyedVectors` is what a user ships: it can be saved and loaded on its own, with no training
state. Similarities are cosines between unit-normalised vectors; the normalised matrix is
computed once and cached until the vectors change.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence

import numpy as np

from skipgram import evaluation, word2vec_format
from skipgram.evaluation import AnalogyResult, PairsResult
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
        excluded: list[int] = []
        for weight, items in ((1.0, positive), (-1.0, negative)):
            for item in items:
                query += weight * self._unit_query(item, excluded)
        limit = self._search_limit(restrict_vocab)
        norm = float(np.linalg.norm(query))
        query = query / norm if norm > 0 else query
        # One BLAS matrix-vector product over the (cached) unit vectors.
        return self._top(self.unit_vectors[:limit] @ query, topn, excluded)

    def most_similar_cosmul(
        self,
        positive: Query | Sequence[Query],
        negative: Query | Sequence[Query] | None = None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]] | np.ndarray:
        """Words ranked by Levy and Goldberg's multiplicative objective (3CosMul).

        Each word w scores prod(sim(w, p) for p in positive) / (prod(sim(w, n) for n in
        negative) + 1e-6), where sim is the cosine shifted to [0, 1] as (1 + cos) / 2. For the
        analogy a : b :: c : ?, call it with positive=[b, c], negative=[a]. Query words are never
        returned. Unlike gensim, raw query vectors are normalised like words (gensim uses them
        as given) and `restrict_vocab` is honoured (gensim 4.4 ignores it).

        Args:
            positive: words or raw vectors whose similarity multiplies the score.
            negative: words or raw vectors whose similarity divides it.
            topn: how many words to return; None returns the score of every searched word.
            restrict_vocab: search only the first N (most frequent) words.

        Returns:
            (word, score) pairs, best first; an array of scores if `topn` is None.

        Raises:
            ValueError: no positive query, a bad `topn` or `restrict_vocab`, or a raw vector of
                the wrong shape.
            KeyError: a query word is not in the vocabulary.
        """
        positive = _as_list(positive)
        negative = _as_list(negative)
        if not positive:
            raise ValueError(
                "most_similar_cosmul needs at least one positive word: 3CosMul multiplies "
                "their similarities"
            )
        limit = self._search_limit(restrict_vocab)
        excluded: list[int] = []

        def shifted(items: list[Query]) -> list[np.ndarray]:
            searched = self.unit_vectors[:limit]
            return [(1.0 + searched @ self._unit_query(item, excluded)) / 2.0 for item in items]

        # The epsilon keeps a word opposite to every negative query from dividing by zero.
        scores = np.prod(shifted(positive), axis=0) / (np.prod(shifted(negative), axis=0) + 1e-6)
        return self._top(scores.astype(np.float32, copy=False), topn, excluded)

    def similar_by_vector(
        self, vector: np.ndarray, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]] | np.ndarray:
        """Words closest by cosine to a raw vector."""
        return self.most_similar(
            positive=[np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab
        )

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word that goes least with the others: the one whose unit vector has the lowest
        cosine with the mean of all their unit vectors (on a tie, the first in `words`).

        Unlike gensim, which logs and ignores unknown words, an unknown word is an error.

        Args:
            words: the candidates.

        Returns:
            One of `words`.

        Raises:
            ValueError: `words` is empty.
            KeyError: some words are not in the vocabulary (the message names them all).
            TypeError: `words` is a single string rather than a list of words.
        """
        rows = self._rows_of(words, "doesnt_match", "words")
        unit = self.unit_vectors[rows]
        return words[int(np.argmin(unit @ unit.mean(axis=0)))]

    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float:
        """Cosine similarity of the means of two lists of words' vectors (as gensim: the raw
        vectors are averaged, so longer vectors weigh more). Unknown words are an error here,
        whereas gensim ignores them.

        Args:
            ws1: the first list of words.
            ws2: the second list of words.

        Returns:
            The cosine, in [-1, 1]; 0.0 if a mean is the zero vector.

        Raises:
            ValueError: a list is empty.
            KeyError: some words are not in the vocabulary (the message names them all).
            TypeError: a list is a single string rather than a list of words.
        """
        means = [
            self._vectors[self._rows_of(words, "n_similarity", name)].mean(axis=0, dtype=np.float64)
            for name, words in (("ws1", ws1), ("ws2", ws2))
        ]
        norms = float(np.linalg.norm(means[0])) * float(np.linalg.norm(means[1]))
        return float(np.dot(means[0], means[1])) / norms if norms > 0 else 0.0

    def _rows_of(self, words: Sequence[str], method: str, argument: str) -> list[int]:
        if isinstance(words, str):
            raise TypeError(
                f"{method} takes a list of words as {argument}, not the single string {words!r}"
            )
        if len(words) == 0:
            raise ValueError(f"{method} needs at least one word in {argument}")
        unknown = list(dict.fromkeys(word for word in words if word not in self.key_to_index))
        if len(unknown) > 1:
            listed = ", ".join(repr(word) for word in unknown)
            raise KeyError(f"words {listed} are not in the vocabulary")
        return [self.get_index(word) for word in words]  # names a single unknown word

    def _unit_query(self, item: Query, excluded: list[int]) -> np.ndarray:
        """The unit vector of a query word (whose row joins `excluded`) or raw vector."""
        if isinstance(item, str):
            excluded.append(self.get_index(item))
            return self.unit_vectors[excluded[-1]]
        vector = np.asarray(item, dtype=np.float32)
        if vector.shape != (self.vector_size,):
            raise ValueError(f"query vectors must have shape ({self.vector_size},)")
        return vector / max(float(np.linalg.norm(vector)), 1e-30)

    def _search_limit(self, restrict_vocab: int | None) -> int:
        limit = len(self) if restrict_vocab is None else int(restrict_vocab)
        if limit < 1:
            raise ValueError(f"restrict_vocab must be positive, got {restrict_vocab}")
        return min(limit, len(self))  # a bound beyond the vocabulary searches all of it

    def _top(
        self, scores: np.ndarray, topn: int | None, excluded: list[int]
    ) -> list[tuple[str, float]] | np.ndarray:
        """The `topn` best-scoring words but the `excluded` rows, or every score if None."""
        if topn is None:
            return scores
        if not isinstance(topn, (int, np.integer)) or isinstance(topn, bool) or topn < 1:
            raise ValueError(f"topn must be a positive integer or None, got {topn!r}")
        limit = len(scores)
        excluded_here = [i for i in set(excluded) if i < limit]
        wanted = min(int(topn), limit - len(excluded_here))
        if wanted <= 0:
            return []
        ranked = scores.copy()
        ranked[excluded_here] = -np.inf
        best = np.argpartition(-ranked, wanted - 1)[:wanted]
        best = best[np.argsort(-ranked[best], kind="stable")]
        return [(self.index_to_key[i], float(scores[i])) for i in best]

    # ---- evaluation ------------------------------------------------------------------------

    def evaluate_word_analogies(
        self,
        path: str | os.PathLike[str],
        restrict_vocab: int | None = 300000,
        case_insensitive: bool = True,
    ) -> AnalogyResult:
        """Accuracy on analogy questions (questions-words format), answered with 3CosAdd.

        See `skipgram.evaluation.evaluate_word_analogies` for the definitions (gensim's).

        Args:
            path: the questions file: ``": section"`` lines, then lines ``a b c d``.
            restrict_vocab: how many of the first words are searched and known; None for all.
            case_insensitive: compare words by their upper-case form.

        Returns:
            Accuracy and counts (correct, incorrect, skipped), in total and per section.
        """
        return evaluation.evaluate_word_analogies(self, path, restrict_vocab, case_insensitive)

    def evaluate_word_pairs(
        self,
        path: str | os.PathLike[str],
        delimiter: str = "\t",
        restrict_vocab: int | None = 300000,
        case_insensitive: bool = True,
    ) -> PairsResult:
        """Pearson and Spearman correlation of cosines with human similarity scores.

        See `skipgram.evaluation.evaluate_word_pairs` for the definitions (gensim's).

        Args:
            path: lines ``word1<delimiter>word2<delimiter>score``; ``#`` starts a comment line.
            delimiter: the field separator.
            restrict_vocab: how many of the first words are known; None for all.
            case_insensitive: compare words by their upper-case form.

        Returns:
            The correlations with p-values; the numbers of pairs and of skipped pairs.
        """
        return evaluation.evaluate_word_pairs(
            self, path, delimiter, restrict_vocab, case_insensitive
        )

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

    def save_word2vec_format(self, path: str | os.PathLike[str], binary: bool = False) -> None:
        """Save in word2vec.c's text or binary format, readable by word2vec.c and gensim.

        Text floats are the shortest decimals that read back as the same float32, so both
        formats round-trip exactly. Counts are not stored (the format has no place for them).

        Args:
            path: the file; ``.gz`` or ``.bz2`` compresses it. Local files are written
                atomically (a temporary file renamed over `path`).
            binary: write the binary format instead of text.

        Raises:
            ValueError: a word is empty or contains whitespace, which the format cannot hold.
        """
        word2vec_format.save_word2vec_format(path, self.index_to_key, self._vectors, binary)

    @classmethod
    def load_word2vec_format(
        cls,
        path: str | os.PathLike[str],
        binary: bool = False,
        limit: int | None = None,
        encoding: str = "utf-8",
        unicode_errors: str = "strict",
    ) -> KeyedVectors:
        """Load vectors from a word2vec.c text or binary file (from word2vec.c, gensim, ...).

        Unlike gensim, a word that appears twice is an error, not silently dropped.

        Args:
            path: the file or URL; ``.gz`` and ``.bz2`` are decompressed.
            binary: read the binary format instead of text.
            limit: read only the first `limit` vectors (None: all).
            encoding: encoding of the words.
            unicode_errors: ``"strict"`` raises on undecodable bytes; ``"replace"`` or
                ``"ignore"`` (as in `bytes.decode`) help with word2vec.c files, which may cut
                long words inside a UTF-8 character.

        Returns:
            The vectors, in file order, without counts.

        Raises:
            ModelFormatError: the file is malformed; the message names the line or byte.
        """
        words, vectors = word2vec_format.load_word2vec_format(
            path, binary, limit, encoding, unicode_errors
        )
        return cls(words, vectors)

    @classmethod
    def _from_arrays(cls, arrays: dict[str, np.ndarray], path: str | os.PathLike[str]):
        words = decode_words(arrays, path)
        vectors = arrays.get("vectors")
        counts = arrays.get("counts")
        if vectors is None or vectors.dtype != np.float32 or vectors.ndim != 2:
            raise ModelFormatError(f"{path}: missing or malformed vectors")
        if counts is not None and counts.dtype.kind not in "iu":
            raise ModelFormatError(f"{path}: word counts must be integers, got {counts.dtype}")
        if vectors.shape[0] != len(words) or (counts is not None and counts.shape != (len(words),)):
            raise ModelFormatError(f"{path}: {len(words)} words but {vectors.shape[0]} vectors")
        check_finite(vectors, "vectors", path)
        try:
            return cls(words, vectors, counts)
        except ValueError as error:
            raise ModelFormatError(f"{path}: {error}") from None

    def __repr__(self) -> str:
        return f"KeyedVectors<vocab={len(self):,}, vector_size={self.vector_size}>"


def check_finite(array: np.ndarray, name: str, path: str | os.PathLike[str]) -> None:
    """ModelFormatError if a loaded float array holds NaN or infinity: training on from it
    would then fail with a DivergenceError blaming the learning rate, and queries would answer
    NaN. One pass over the array (with mmap=True that reads every page, as the checksums do); a
    float64 sum of float32 values is non-finite exactly when one of them is, and allocates
    nothing the size of the array."""
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is the point, not a warning
        total = float(np.sum(array, dtype=np.float64))
    if not math.isfinite(total):
        bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ModelFormatError(
            f"{path}: array {name!r} holds {bad:,} NaN or infinite value(s); the file was "
            "saved from a diverged model or forged, so it cannot be used"
        )


def _as_list(items: Query | Sequence[Query] | None) -> list[Query]:
    if items is None:
        return []
    if isinstance(items, str) or (isinstance(items, np.ndarray) and items.ndim == 1):
        return [items]
    return list(items)
