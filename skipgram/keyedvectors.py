"""Trained word vectors, independent of the trainer: lookup, editing and persistence.

`KeyedVectors` is what a user ships: it can be saved and loaded on its own, with no training
state. It follows gensim 4.4's `KeyedVectors` name by name (docs/migration.md lists each one);
the queries live in `skipgram.vector_queries` (pairs of keys), `skipgram.neighbour_queries`
(nearest neighbours) and `skipgram.key_set_queries` (lists of keys), saving and loading in
`skipgram.vector_files`, the evaluations in `skipgram.evaluation`, the learning-rate factors
of training (`vectors_lockf`) in `skipgram.lock_factors`.

Similarities are cosines between unit-normalised vectors; the normalised matrix is computed
once and cached until the vectors change.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from numbers import Integral
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from skipgram import evaluation, word2vec_format
from skipgram._warnings import warn_at_caller
from skipgram.evaluation import AnalogyResult, PairsResult
from skipgram.key_set_queries import KeySetQueries
from skipgram.lock_factors import LockFactors
from skipgram.neighbour_queries import NeighbourQueries
from skipgram.unknown_keys import UnknownKeyError
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

logger = logging.getLogger(__name__)


class KeyedVectors(NeighbourQueries, KeySetQueries, VectorFiles, LockFactors):
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
        self.counts = None if counts is None else self._checked_counts(counts, len(keys))
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

    def get_normed_vectors(self) -> np.ndarray:
        """The unit-length vectors, as gensim's method (a read-only view of the cache; a zero
        vector stays zero, where gensim divides by zero)."""
        return self.unit_vectors

    def unit_normalize_all(self) -> None:
        """Scale every vector to unit length, in place (training on from them makes no sense)."""
        self._vectors[...] = self.unit_vectors
        self.invalidate_norms()

    def init_sims(self, replace: bool = False) -> None:
        """Deprecated in gensim 4 (use `fill_norms`); `replace=True` is `unit_normalize_all`."""
        warnings.warn(
            "init_sims is deprecated: use fill_norms() (or unit_normalize_all())",
            DeprecationWarning,
            stacklevel=2,
        )
        self.fill_norms()
        if replace:
            self.unit_normalize_all()

    @property
    def next_index(self) -> int:
        """gensim's slot for the next `add_vector`: here always len(self), as keys reserved
        with `count` are room in the matrix, not empty slots."""
        return len(self.index_to_key)

    def add_lifecycle_event(self, event_name: str, log_level: int = logging.INFO, **event) -> None:
        """gensim's record of what happened to the object (loaded, edited ...): kept in
        `lifecycle_events` and logged, but not saved with the vectors."""
        entry = {**event, "datetime": datetime.now().isoformat(), "event": event_name}
        self.lifecycle_events = [*getattr(self, "lifecycle_events", []), entry]
        logger.log(log_level, "%s lifecycle event %s", type(self).__name__, entry)

    # gensim 3's names, which gensim 4 answers with an AttributeError saying what replaced
    # them; so does skipgram.
    @property
    def index2word(self) -> list[str]:
        raise AttributeError("index2word was replaced by index_to_key in gensim 4.0.0")

    @property
    def index2entity(self) -> list[str]:
        raise AttributeError("index2entity was replaced by index_to_key in gensim 4.0.0")

    @property
    def vocab(self) -> dict:
        raise AttributeError(
            "the vocab attribute was removed in gensim 4.0.0: use key_to_index, index_to_key "
            "and get_vecattr(key, 'count')"
        )

    @property
    def vectors_norm(self) -> np.ndarray:
        raise AttributeError(
            "vectors_norm was removed in gensim 4.0.0: use get_normed_vectors() (or unit_vectors)"
        )

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

    def word_vec(self, key: Key, norm: bool = False) -> np.ndarray:
        """Deprecated alias of `get_vector` (as in gensim)."""
        warnings.warn("word_vec is deprecated: use get_vector", DeprecationWarning, stacklevel=2)
        return self.get_vector(key, norm)

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
        self.counts[index] = self._checked_counts([val], 1)[0]

    @staticmethod
    def _checked_counts(counts: Sequence[int] | np.ndarray, size: int) -> np.ndarray:
        array = np.asarray(counts)
        if array.shape != (size,) or (array.size and array.dtype.kind not in "iu"):
            raise ValueError(f"counts must be {size} integers, got {array.dtype} {array.shape}")
        if array.size and int(array.min()) < 0:
            raise ValueError("counts cannot be negative")
        return array.astype(np.int64)

    @property
    def expandos(self) -> dict[str, np.ndarray]:
        """gensim's per-key attribute arrays: ``{"count": counts}``, or {} without counts."""
        return {} if self.counts is None else {COUNT: self.counts}

    def allocate_vecattrs(self, attrs: Sequence[str] | None = None, types=None) -> None:
        """gensim's: make sure the attribute arrays exist, one value per key. The only
        attribute is "count", whose array is created (zeros) if missing."""
        for attr in attrs or []:
            check_attribute(attr)
            self._ensure_counts()

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

    # ---- editing ---------------------------------------------------------------------------

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
        return KeyedVectors._checked_counts(np.asarray(extras[COUNT]).reshape(-1), size)

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

    @staticmethod
    def log_accuracy(section: dict) -> None:
        """gensim's: log the accuracy of one of `evaluate_word_analogies`' gensim sections."""
        correct, incorrect = len(section["correct"]), len(section["incorrect"])
        if correct + incorrect > 0:
            logger.info(
                "%s: %.1f%% (%i/%i)",
                section["section"],
                100.0 * correct / (correct + incorrect),
                correct,
                correct + incorrect,
            )

    @staticmethod
    def log_evaluate_word_pairs(pearson, spearman, oov: float, pairs: object) -> None:
        """gensim's: log the correlations and oov percentage of `evaluate_word_pairs`."""
        logger.info("Pearson correlation coefficient against %s: %.4f", pairs, pearson[0])
        logger.info(
            "Spearman rank-order correlation coefficient against %s: %.4f", pairs, spearman[0]
        )
        logger.info("Pairs with unknown words ratio: %.1f%%", oov)
