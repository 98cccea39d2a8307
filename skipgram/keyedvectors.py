"""Trained word vectors, independent of the trainer: the keys, the matrix, its cached norms
and per-key counts.

`KeyedVectors` is what a user ships: it can be saved and loaded on its own, with no training
state. It follows gensim 4.4's `KeyedVectors` name by name (docs/migration.md lists each one).
The class is assembled from one module per concept: the queries on pairs of keys in
`skipgram.vector_queries`, nearest neighbours in `skipgram.neighbour_queries`, queries on
lists of keys in `skipgram.key_set_queries`, editing in `skipgram.vector_editing`, saving and
loading in `skipgram.vector_files`, the learning-rate factors of training (`vectors_lockf`) in
`skipgram.lock_factors` and gensim's aliases and removed names in
`skipgram.gensim_vector_names`; the evaluations are computed in `skipgram.evaluation`.

Similarities are cosines between unit-normalised vectors; the normalised matrix is computed
once and cached until the vectors change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from numbers import Integral
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from skipgram import evaluation, word2vec_format
from skipgram._warnings import warn_at_caller
from skipgram.evaluation import AnalogyResult, PairsResult
from skipgram.gensim_vector_names import KeyedVectorsNames
from skipgram.key_set_queries import KeySetQueries
from skipgram.lock_factors import LockFactors
from skipgram.neighbour_queries import NeighbourQueries
from skipgram.unknown_keys import UnknownKeyError
from skipgram.vector_editing import VectorEditing, checked_counts
from skipgram.vector_files import (
    COUNT,
    KEYED_VECTORS_KIND,
    VectorFiles,
    check_attribute,
    check_finite,
)
from skipgram.vector_queries import Key, is_key

if TYPE_CHECKING:
    from skipgram.vocab import HuffmanTree

__all__ = ["KEYED_VECTORS_KIND", "KeyedVectors", "check_finite"]


class KeyedVectors(
    NeighbourQueries, KeySetQueries, VectorEditing, KeyedVectorsNames, VectorFiles, LockFactors
):
    """A vocabulary of keys (words) mapped to rows of a float matrix.

    Two ways to make one:

    - ``KeyedVectors(index_to_key, vectors, counts=None)``: the words, in row order, and a
      len(index_to_key) x vector_size float32 (or float16, float64) matrix, used as is, not
      copied (the trainer updates it in place and calls `invalidate_norms()` afterwards);
      `counts` is the optional corpus count of each word.
    - ``KeyedVectors(vector_size, count=0, dtype=np.float32)`` (or ``vector_size=`` by name),
      gensim's form: empty, to be filled with `add_vector` / `add_vectors`. `count` reserves
      room for that many vectors (gensim creates that many empty slots instead); `dtype` is
      float32, float16 or float64.

    A key is a word (str). As in gensim, an int is read as a row number wherever a key is
    expected, so ``wv[0]`` is the vector of ``wv.index_to_key[0]``.
    """

    # Set by the trainer while its vectors are still the random initial ones (a message to warn
    # with on every similarity query); None for every other KeyedVectors.
    _query_warning: str | None = None
    # Set by a hierarchical-softmax trainer: its Huffman tree (built on first call), whose
    # paths get_vecattr reads as gensim's "code" and "point" attributes; None otherwise.
    _huffman: Callable[[], HuffmanTree] | None = None

    def __init__(
        self,
        index_to_key: Sequence[str] | int | None = None,
        vectors: np.ndarray | int | None = None,
        counts: Sequence[int] | np.ndarray | None = None,
        *,
        vector_size: int | None = None,
        count: int = 0,
        dtype: npt.DTypeLike = np.float32,
        mapfile_path: str | None = None,  # gensim's, unused there too
    ) -> None:
        if vector_size is not None:  # gensim's KeyedVectors(vector_size=100)
            if index_to_key is not None:
                raise TypeError("pass index_to_key and vectors, or vector_size, not both")
            index_to_key = vector_size
        if index_to_key is None:
            raise TypeError("KeyedVectors needs index_to_key and vectors, or a vector_size")
        if isinstance(index_to_key, Integral) and not isinstance(index_to_key, bool):
            if isinstance(vectors, Integral):
                count = int(vectors)  # gensim's second positional parameter
            elif vectors is not None or counts is not None:
                raise TypeError(
                    "KeyedVectors(vector_size, count=0, dtype=np.float32) takes no vectors or "
                    "counts: add them with add_vectors, or pass KeyedVectors(words, vectors)"
                )
            if int(index_to_key) < 0 or isinstance(count, bool) or not isinstance(count, Integral):
                raise ValueError(
                    f"vector_size must be >= 0 and count an int, got {index_to_key!r}, {count!r}"
                )
            storage = np.zeros(
                (max(int(count), 0), int(index_to_key)), word2vec_format.float_type(dtype)
            )
            index_to_key, vectors = [], storage[:0]
        else:
            storage = None
        if not isinstance(vectors, np.ndarray):
            raise TypeError(
                "KeyedVectors(index_to_key, vectors) needs the vectors as a numpy matrix, got "
                f"{type(vectors).__name__}"
            )
        keys = list(index_to_key)
        if vectors.ndim != 2 or vectors.shape[0] != len(keys):
            raise ValueError(
                f"vectors must be a {len(keys)} x vector_size matrix, got shape {vectors.shape}"
            )
        if vectors.dtype.type not in word2vec_format.FLOAT_TYPES:
            raise TypeError(f"vectors must be float32 (or float16, float64), got {vectors.dtype}")
        if not all(isinstance(key, str) for key in keys):
            raise TypeError("keys are str (an int key is read as a row number)")
        self.index_to_key: list[str] = keys
        self.key_to_index: dict[str, int] = {k: i for i, k in enumerate(keys)}
        if len(self.key_to_index) != len(keys):
            raise ValueError("index_to_key holds a key twice")
        # `_storage` may hold spare rows for keys still to be added; `_vectors` is the part in
        # use, a view of it.
        self._storage = vectors if storage is None else storage
        self._vectors = vectors
        self.counts = None if counts is None else checked_counts(counts, len(keys))
        self.mapfile_path = mapfile_path
        self.invalidate_norms()

    # ---- the vectors -----------------------------------------------------------------------

    @property
    def vectors(self) -> np.ndarray:
        """The V x vector_size matrix. After editing it in place, call `invalidate_norms()`;
        assigning a new matrix does that automatically."""
        return self._vectors

    @vectors.setter
    def vectors(self, value: np.ndarray) -> None:
        # The shape and dtype stay: a trainer holding these vectors relies on both.
        if (
            not isinstance(value, np.ndarray)
            or value.shape != self._vectors.shape
            or value.dtype != self._vectors.dtype
        ):
            raise ValueError(
                f"expected a {self._vectors.dtype} matrix of shape {self._vectors.shape} (one "
                f"row per key), got {getattr(value, 'dtype', type(value).__name__)} "
                f"{getattr(value, 'shape', '')}"
            )
        self._storage = self._vectors = value
        self.invalidate_norms()

    @property
    def vector_size(self) -> int:
        return int(self._vectors.shape[1])

    def invalidate_norms(self) -> None:
        """Forget the cached norms and unit vectors (they are recomputed on the next query)."""
        self._unit_vectors: np.ndarray | None = None
        self._norms: np.ndarray | None = None

    def _warn_if_untrained(self) -> None:
        """Warn (at the user's line) while a trainer's vectors are still its random start."""
        if self._query_warning is not None:
            warn_at_caller(self._query_warning)

    def fill_norms(self, force: bool = False) -> None:
        """Compute the norms and unit vectors now (queries do it on first use); `force`
        recomputes them after an in-place edit of `vectors`."""
        self._warn_if_untrained()  # every query over norms or unit vectors passes here
        if force or self._unit_vectors is None:
            vectors = self._vectors
            # float16 squares overflow beyond a norm of 256: compute in float32 at least.
            work = vectors if vectors.dtype.itemsize >= 4 else vectors.astype(np.float32)
            norms = np.linalg.norm(work, axis=1)
            unit = (work / np.where(norms > 0, norms, 1.0)[:, None]).astype(vectors.dtype)
            unit.flags.writeable = False  # shared by every query: nobody may edit it
            self._norms, self._unit_vectors = norms, unit

    @property
    def norms(self) -> np.ndarray:
        """The length of each vector (computed on first use, unlike gensim's None before
        `fill_norms()`). Assigning None forgets them, like `invalidate_norms()`."""
        self.fill_norms()
        return self._norms  # type: ignore[return-value]

    @norms.setter
    def norms(self, value: None) -> None:
        if value is not None:
            raise ValueError("norms are computed from the vectors; only None may be assigned")
        self.invalidate_norms()

    @property
    def unit_vectors(self) -> np.ndarray:
        """The vectors scaled to unit length (zero vectors stay zero), cached, read-only."""
        self.fill_norms()
        return self._unit_vectors  # type: ignore[return-value]

    def unit_normalize_all(self) -> None:
        """Scale every vector to unit length, in place (training on from them makes no sense)."""
        self._vectors[...] = self.unit_vectors
        self.invalidate_norms()

    # ---- keys ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __str__(self) -> str:
        return f"{type(self).__name__}<vector_size={self.vector_size}, {len(self)} keys>"

    def __repr__(self) -> str:
        return f"KeyedVectors<vocab={len(self):,}, vector_size={self.vector_size}>"

    def __contains__(self, key: object) -> bool:
        return self.has_index_for(key)

    def has_index_for(self, key: object) -> bool:
        """Whether `key` is a word of the vocabulary, or an int row number."""
        return self.get_index(key, -1) >= 0

    def get_index(self, key: object, default: int | None = None) -> int:
        """Row of `key` (a word, or an int that is already a row number). An unknown key
        returns `default` if given, else raises KeyError naming the key (and suggesting a
        close one, if any)."""
        try:
            index = self.key_to_index.get(key, -1)  # type: ignore[call-overload]
        except TypeError:
            raise TypeError(f"keys are str (or int rows), got {type(key).__name__}") from None
        if index >= 0:
            return index
        if (
            isinstance(key, Integral)
            and not isinstance(key, bool)
            and 0 <= key < len(self.index_to_key)
        ):
            return int(key)
        if default is not None:
            return default
        raise UnknownKeyError(key, self.index_to_key)

    def get_vector(self, key: Key, norm: bool = False) -> np.ndarray:
        """The vector of `key` (a view into the matrix), unit-normalised if `norm`."""
        matrix = self.unit_vectors if norm else self._vectors
        return matrix[self.get_index(key)]

    def __getitem__(self, key_or_keys: Key | Iterable[Key]) -> np.ndarray:
        """`wv["king"]` is one vector; `wv[["king", "queen"]]` stacks several."""
        if is_key(key_or_keys):
            return self.get_vector(key_or_keys)  # type: ignore[arg-type]
        rows = [self.get_index(key) for key in key_or_keys]  # type: ignore[union-attr]
        return self._vectors[rows]  # a copy; (0, d) for no keys

    # ---- per-key attributes ----------------------------------------------------------------

    def get_vecattr(self, key: Key, attr: str) -> Any:
        """A key's attribute; the only one stored is ``"count"``, the corpus count. The vectors
        of a hierarchical-softmax model also have gensim's read-only ``"code"`` (the branches
        of the key's Huffman path, root first, uint8) and ``"point"`` (the inner nodes along
        it: rows of `syn1`, int32)."""
        if attr in ("code", "point") and self._huffman is not None:
            return self._huffman_path(key, attr)
        check_attribute(attr)
        if self.counts is None:
            raise KeyError(
                f"these vectors have no {COUNT!r} attribute (no counts were given or loaded); "
                "set them with set_vecattr or load a vocabulary file with fvocab="
            )
        return int(self.counts[self.get_index(key)])

    def _huffman_path(self, key: Key, attr: str) -> np.ndarray:
        tree = self._huffman()
        index = self.get_index(key)
        if index + 1 >= len(tree.offsets):
            raise KeyError(f"{key!r} was added after training: it has no Huffman {attr}")
        start, end = tree.offsets[index], tree.offsets[index + 1]
        return (tree.codes if attr == "code" else tree.points)[start:end].copy()

    def set_vecattr(self, key: Key, attr: str, val: int) -> None:
        """Set a key's attribute; the only one stored is ``"count"`` (others keys' counts
        start at 0 if the vectors had none)."""
        check_attribute(attr)
        index = self.get_index(key)
        if self.counts is None:
            self.counts = np.zeros(len(self), dtype=np.int64)
        self.counts[index] = checked_counts([val], 1)[0]

    # ---- evaluation ------------------------------------------------------------------------

    def evaluate_word_analogies(
        self,
        analogies: str | os.PathLike[str],
        restrict_vocab: int | None = 300000,
        case_insensitive: bool = True,
        dummy4unknown: bool = False,
        similarity_function: str = "most_similar",
    ) -> AnalogyResult:
        """Accuracy on analogy questions (questions-words format), answered with 3CosAdd
        (`most_similar`) or 3CosMul (`most_similar_cosmul`).

        See `skipgram.evaluation.evaluate_word_analogies` for the definitions (gensim's). The
        result unpacks as gensim's: ``score, sections = wv.evaluate_word_analogies(path)``.

        Args:
            analogies: the questions file: ``": section"`` lines, then lines ``a b c d``.
            restrict_vocab: how many of the first words are searched and known; None for all.
            case_insensitive: compare words by their upper-case form.
            dummy4unknown: count questions with an unknown word as answered wrongly (and
                list them in ``incorrect``) instead of skipping them.
            similarity_function: ``"most_similar"`` (3CosAdd) or ``"most_similar_cosmul"``
                (3CosMul), the method whose ranking answers each question. gensim 4.4 takes
                the parameter but always answers with most_similar.

        Returns:
            Accuracy and counts (correct, incorrect, skipped), in total and per section.
        """
        if similarity_function not in ("most_similar", "most_similar_cosmul"):
            raise ValueError(
                f"similarity_function={similarity_function!r}: analogies are answered with "
                "'most_similar' (3CosAdd) or 'most_similar_cosmul' (3CosMul)"
            )
        multiplicative = similarity_function == "most_similar_cosmul"
        return evaluation.evaluate_word_analogies(
            self, analogies, restrict_vocab, case_insensitive, dummy4unknown, multiplicative
        )

    def evaluate_word_pairs(
        self,
        pairs: str | os.PathLike[str],
        delimiter: str = "\t",
        encoding: str = "utf8",
        restrict_vocab: int | None = 300000,
        case_insensitive: bool = True,
        dummy4unknown: bool = False,
    ) -> PairsResult:
        """Pearson and Spearman correlation of cosines with human similarity scores.

        See `skipgram.evaluation.evaluate_word_pairs` for the definitions (gensim's). The result
        unpacks as gensim's: ``pearson, spearman, oov_percent = wv.evaluate_word_pairs(path)``.

        Args:
            pairs: lines ``word1<delimiter>word2<delimiter>score``; ``#`` starts a comment line.
            delimiter: the field separator.
            encoding: the file's encoding.
            restrict_vocab: how many of the first words are known; None for all.
            case_insensitive: compare words by their upper-case form.
            dummy4unknown: score pairs with an unknown word as similarity 0 instead of
                skipping them.

        Returns:
            The correlations with p-values; the numbers of pairs and of unknown pairs.
        """
        return evaluation.evaluate_word_pairs(
            self, pairs, delimiter, restrict_vocab, case_insensitive, encoding, dummy4unknown
        )
