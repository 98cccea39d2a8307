"""Trained word vectors, independent of the trainer: lookup, editing and persistence.

`KeyedVectors` is what a user ships: it can be saved and loaded on its own, with no training
state. It follows gensim 4.4's `KeyedVectors` name by name (docs/migration.md lists each one);
the queries live in `skipgram.vector_queries`, the evaluations in `skipgram.evaluation`, the
file formats in `skipgram.io` and `skipgram.word2vec_format`.

Similarities are cosines between unit-normalised vectors; the normalised matrix is computed
once and cached until the vectors change.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable, Sequence
from numbers import Integral

import numpy as np
import numpy.typing as npt

from skipgram import evaluation, word2vec_format
from skipgram.evaluation import AnalogyResult, PairsResult
from skipgram.io import ModelFormatError, decode_words, encode_words, load_arrays, save_arrays
from skipgram.unknown_keys import UnknownKeyError
from skipgram.vector_queries import Key, VectorQueries, is_key

KEYED_VECTORS_KIND = "keyed_vectors"
# The one per-key attribute stored (gensim's "vecattr" of that name).
COUNT = "count"


class KeyedVectors(VectorQueries):
    """A vocabulary of keys (words) mapped to rows of a float matrix.

    Two ways to make one:

    - ``KeyedVectors(index_to_key, vectors, counts=None)``: the words, in row order, and a
      len(index_to_key) x vector_size float32 (or float16, float64) matrix, used as is, not
      copied (the trainer updates it in place and calls `invalidate_norms()` afterwards);
      `counts` is the optional corpus count of each word.
    - ``KeyedVectors(vector_size, count=0, dtype=np.float32)``, gensim's form: empty, to be
      filled with `add_vector` / `add_vectors`. `count` reserves room for that many vectors.

    A key is a word (str). As in gensim, an int is read as a row number wherever a key is
    expected, so ``wv[0]`` is the vector of ``wv.index_to_key[0]``.
    """

    def __init__(
        self,
        index_to_key: Sequence[str] | int,
        vectors: np.ndarray | int | None = None,
        counts: Sequence[int] | np.ndarray | None = None,
        *,
        count: int = 0,
        dtype: npt.DTypeLike = np.float32,
        mapfile_path: str | None = None,  # gensim's, unused there too
    ) -> None:
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

    def fill_norms(self, force: bool = False) -> None:
        """Compute the norms and unit vectors now (queries do it on first use); `force`
        recomputes them after an in-place edit of `vectors`."""
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

    # ---- keys ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __str__(self) -> str:
        return f"{type(self).__name__}<vector_size={self.vector_size}, {len(self)} keys>"

    __repr__ = __str__

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

    def get_vecattr(self, key: Key, attr: str) -> int:
        """A key's attribute; the only one stored is ``"count"``, the corpus count."""
        self._check_attribute(attr)
        if self.counts is None:
            raise KeyError(
                f"these vectors have no {COUNT!r} attribute (no counts were given or loaded); "
                "set them with set_vecattr or load a vocabulary file with fvocab="
            )
        return int(self.counts[self.get_index(key)])

    def set_vecattr(self, key: Key, attr: str, val: int) -> None:
        """Set a key's attribute; the only one stored is ``"count"`` (others keys' counts
        start at 0 if the vectors had none)."""
        self._check_attribute(attr)
        index = self.get_index(key)
        if self.counts is None:
            self.counts = np.zeros(len(self), dtype=np.int64)
        self.counts[index] = self._checked_counts([val], 1)[0]

    @staticmethod
    def _check_attribute(attr: str) -> None:
        if attr != COUNT:
            raise ValueError(
                f"skipgram stores one attribute per key, {COUNT!r}, not {attr!r}: keep other "
                "per-key data in a dict or an array indexed like index_to_key"
            )

    @staticmethod
    def _checked_counts(counts: Sequence[int] | np.ndarray, size: int) -> np.ndarray:
        array = np.asarray(counts)
        if array.shape != (size,) or (array.size and array.dtype.kind not in "iu"):
            raise ValueError(f"counts must be {size} integers, got {array.dtype} {array.shape}")
        if array.size and int(array.min()) < 0:
            raise ValueError("counts cannot be negative")
        return array.astype(np.int64)

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
            KeyedVectors._check_attribute(sorted(unknown)[0])
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
        """Accuracy on analogy questions (questions-words format), answered with 3CosAdd.

        See `skipgram.evaluation.evaluate_word_analogies` for the definitions (gensim's). The
        result unpacks as gensim's: ``score, sections = wv.evaluate_word_analogies(path)``.

        Args:
            analogies: the questions file: ``": section"`` lines, then lines ``a b c d``.
            restrict_vocab: how many of the first words are searched and known; None for all.
            case_insensitive: compare words by their upper-case form.
            dummy4unknown: count questions with an unknown word as answered wrongly (and
                list them in ``incorrect``) instead of skipping them.
            similarity_function: gensim's parameter, which gensim 4.4 ignores; only
                ``"most_similar"`` (3CosAdd) is accepted.

        Returns:
            Accuracy and counts (correct, incorrect, skipped), in total and per section.
        """
        if similarity_function != "most_similar":
            raise ValueError(
                f"similarity_function={similarity_function!r}: analogies are answered with "
                "most_similar (3CosAdd) only, as in gensim 4.4, which ignores this parameter"
            )
        return evaluation.evaluate_word_analogies(
            self, analogies, restrict_vocab, case_insensitive, dummy4unknown
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

    # ---- persistence -----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the words, counts and vectors (skipgram format, no pickle, atomic)."""
        arrays = {**encode_words(self.index_to_key), "vectors": self._vectors}
        if self.counts is not None:
            arrays["counts"] = self.counts
        save_arrays(path, KEYED_VECTORS_KIND, arrays, metadata={})

    @classmethod
    def load(cls, path: str | os.PathLike[str], mmap: bool | str | None = False) -> KeyedVectors:
        """Load vectors saved with `save` (a saved SkipGram model is another kind of file:
        use `SkipGram.load(path).wv`). `mmap=True` (or gensim's ``"r"``) maps the matrix
        copy-on-write instead of reading it: edits stay in memory, the file never changes."""
        if mmap not in (None, False, True, "r", "c"):
            raise ValueError(
                f"mmap={mmap!r}: pass True (or 'r'); the file is never written through the map"
            )
        arrays, _ = load_arrays(path, KEYED_VECTORS_KIND, mmap=bool(mmap))
        return cls._from_arrays(arrays, path, word2vec_format.FLOAT_TYPES)

    def save_word2vec_format(
        self,
        fname: str | os.PathLike[str],
        fvocab: str | os.PathLike[str] | None = None,
        binary: bool = False,
        total_vec: int | None = None,
        write_header: bool = True,
        prefix: str = "",
        append: bool = False,
        sort_attr: str | None = COUNT,
    ) -> None:
        """Save in word2vec.c's text or binary format, readable by word2vec.c, gensim, spaCy.

        gensim's signature and meaning. Text floats are the shortest decimals that read back
        as the same value, so both formats round-trip float32 exactly.

        Args:
            fname: the file; ``.gz`` or ``.bz2`` compresses it. Local files are written
                atomically (a temporary file renamed over `fname`).
            fvocab: also write a vocabulary file of ``word count`` lines (needs counts).
            binary: write the binary format instead of text.
            total_vec: the number of vectors the header declares, if not len(self) (for
                a file that further `append` calls complete).
            write_header: write the ``"V d"`` first line; False writes GloVe's format.
            prefix: a string written before every word (in `fvocab` too).
            append: add to the end of the files instead of replacing them.
            sort_attr: write the words by descending ``"count"`` (the default; the row order
                if there are no counts), or in row order if None.

        Raises:
            ValueError: a word is empty or contains whitespace, which the format cannot hold;
                `fvocab` without counts.
        """
        _check_vocabulary_path(fvocab)
        if sort_attr is not None:
            self._check_attribute(sort_attr)
        order = None
        if sort_attr is not None and self.counts is not None:
            order = np.argsort(-self.counts, kind="stable")
            if np.array_equal(order, np.arange(len(self))):
                order = None  # already by descending count: no reordered copy needed
        if fvocab is not None:
            if self.counts is None:
                raise ValueError(
                    "cannot write fvocab: these vectors have no counts (give counts, "
                    "set_vecattr(key, 'count', n), or load them with fvocab=)"
                )
            word2vec_format.save_vocabulary(
                fvocab, self.index_to_key, self.counts, order=order, prefix=prefix, append=append
            )
        word2vec_format.save_word2vec_format(
            fname,
            self.index_to_key,
            self._vectors,
            binary,
            order=order,
            write_header=write_header,
            total_vec=total_vec,
            prefix=prefix,
            append=append,
        )

    @classmethod
    def load_word2vec_format(
        cls,
        fname: str | os.PathLike[str],
        fvocab: str | os.PathLike[str] | None = None,
        binary: bool = False,
        encoding: str = "utf8",
        unicode_errors: str = "strict",
        limit: int | None = None,
        datatype: npt.DTypeLike = np.float32,
        no_header: bool = False,
    ) -> KeyedVectors:
        """Load vectors from a word2vec.c text or binary file (from word2vec.c, gensim,
        fastText's ``.vec``), or a GloVe file with `no_header`. gensim's signature and meaning.

        Unlike gensim, a word that appears twice is an error, not silently dropped, and
        NaN or infinite values are refused.

        Args:
            fname: the file or URL; ``.gz`` and ``.bz2`` are decompressed.
            fvocab: a vocabulary file of ``word count`` lines (word2vec.c's ``-save-vocab``)
                giving the counts. Without it the counts are, as in gensim, placeholders
                falling from V down to 1 in file order.
            binary: read the binary format instead of text.
            encoding: encoding of the words (of `fvocab` too).
            unicode_errors: ``"strict"`` raises on undecodable bytes; ``"replace"`` or
                ``"ignore"`` (as in `bytes.decode`) help with word2vec.c files, which may cut
                long words inside a UTF-8 character.
            limit: read only the first `limit` vectors (None: all).
            datatype: the matrix's float type: np.float32, np.float16 or np.float64.
            no_header: the file has no ``"V d"`` first line (GloVe); text files only.

        Returns:
            The vectors, in file order, with counts.

        Raises:
            ModelFormatError: the file is malformed; the message names the line or byte.
        """
        _check_vocabulary_path(fvocab)
        words, vectors = word2vec_format.load_word2vec_format(
            fname,
            binary,
            limit,
            encoding,
            unicode_errors,
            datatype=datatype,
            no_header=no_header,
        )
        if fvocab is None:
            counts = np.arange(len(words), 0, -1, dtype=np.int64)
        else:
            counts = cls._counts_from(fvocab, words, encoding, unicode_errors)
        return cls(words, vectors, counts)

    @staticmethod
    def _counts_from(
        fvocab: str | os.PathLike[str], words: list[str], encoding: str, unicode_errors: str
    ) -> np.ndarray:
        vocabulary = word2vec_format.load_vocabulary(fvocab, encoding, unicode_errors)
        missing = [word for word in words if word not in vocabulary]
        if missing:
            warnings.warn(
                f"{os.fspath(fvocab)} has no count for {len(missing)} word(s) of the vectors "
                f"file (the first: {missing[0]!r}); their count is 0",
                UserWarning,
                stacklevel=3,
            )
        return np.array([vocabulary.get(word, 0) for word in words], dtype=np.int64)

    @classmethod
    def _from_arrays(
        cls,
        arrays: dict[str, np.ndarray],
        path: str | os.PathLike[str],
        float_types: tuple[type, ...] = (np.float32,),
    ):
        """The vectors of a loaded file. A model's must be float32 (the trainer's type): only
        a KeyedVectors file may hold float16 or float64 (`float_types`)."""
        words = decode_words(arrays, path)
        vectors = arrays.get("vectors")
        counts = arrays.get("counts")
        if vectors is None or vectors.dtype.type not in float_types or vectors.ndim != 2:
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


def _check_vocabulary_path(fvocab: object) -> None:
    """fvocab=True is skipgram 0.1's positional `binary` meeting gensim's order: say so."""
    if isinstance(fvocab, bool):
        raise TypeError(
            f"fvocab is the path of a vocabulary file, got {fvocab!r}: binary is the third "
            "parameter, as in gensim; pass it by name, binary=True"
        )


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
