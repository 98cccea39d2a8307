"""Saving and loading `KeyedVectors`: skipgram's own format and word2vec.c's (gensim's
`save_word2vec_format` / `load_word2vec_format`, with their signatures and meaning).

`VectorFiles` is mixed into `KeyedVectors`. The formats themselves are in `skipgram.io` (no
pickle, checksummed, atomic) and `skipgram.word2vec_format` (bounded reading, errors naming the
file and line).
"""

from __future__ import annotations

import math
import os
import warnings
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from skipgram import word2vec_format
from skipgram.io import (
    ModelFormatError,
    decode_words,
    encode_words,
    gensim_save_options,
    load_arrays,
    mmap_flag,
    save_arrays,
)

if TYPE_CHECKING:
    from skipgram.keyedvectors import KeyedVectors

KEYED_VECTORS_KIND = "keyed_vectors"
# The one per-key attribute stored (gensim's "vecattr" of that name).
COUNT = "count"


class VectorFiles:
    """The persistence half of `KeyedVectors`. It relies on its `index_to_key`, `counts` and
    `_vectors`."""

    index_to_key: list[str]
    counts: np.ndarray | None
    _vectors: np.ndarray

    def save(
        self,
        path: str | os.PathLike[str],
        separately: list[str] | None = None,
        sep_limit: int = 10 * 1024**2,
    ) -> None:
        """Save the words, counts and vectors (skipgram format, no pickle, atomic).

        `separately` and `sep_limit` are gensim's (store big arrays in files of their own, to
        map them); they change nothing here, where the one file is laid out for
        `load(path, mmap=True)` already."""
        gensim_save_options(separately, sep_limit)
        arrays = {**encode_words(self.index_to_key), "vectors": self._vectors}
        if self.counts is not None:
            arrays["counts"] = self.counts
        save_arrays(path, KEYED_VECTORS_KIND, arrays, metadata={})

    @classmethod
    def load(cls, path: str | os.PathLike[str], mmap: bool | str | None = False) -> KeyedVectors:
        """Load vectors saved with `save` (a saved SkipGram model is another kind of file:
        use `SkipGram.load(path).wv`). `mmap=True` (or gensim's ``"r"``) maps the matrix
        copy-on-write instead of reading it: edits stay in memory, the file never changes."""
        arrays, _ = load_arrays(path, KEYED_VECTORS_KIND, mmap=mmap_flag(mmap))
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
            check_attribute(sort_attr)
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


def check_attribute(attr: str) -> None:
    """ValueError unless `attr` is the one per-key attribute stored, "count"."""
    if attr != COUNT:
        raise ValueError(
            f"skipgram stores one attribute per key, {COUNT!r}, not {attr!r}: keep other "
            "per-key data in a dict or an array indexed like index_to_key"
        )


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
