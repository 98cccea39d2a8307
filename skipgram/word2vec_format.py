"""The word2vec.c file formats, text and binary, read and written exactly as word2vec.c does;
GloVe's (text without header) and word2vec.c's vocabulary files too.

Both start with an ASCII header line ``"V d\\n"`` (V vectors of d dimensions). Then, per word:

- text: ``word f1 f2 ... fd\\n``, each float written as the shortest decimal that reads back as
  the same value (float32, or the matrix's own float type), so a save and load round trip is
  bit-exact;
- binary: ``word``, one space, d little-endian float32 (4·d bytes), ``\\n``. Readers must also
  accept records without the final newline (gensim writes none) and so skip newlines before
  each word, as word2vec.c and gensim do.

GloVe's files are the text format without the header line. A vocabulary file (word2vec.c's
``-save-vocab``, gensim's `fvocab`) holds one ``word count`` line per word.

Words are UTF-8 and may not be empty or contain ASCII whitespace, which separates them from
the numbers (other Unicode spaces are fine: readers split on ASCII whitespace only). Paths
ending in a compression extension known to smart_open (.gz, .bz2, ...) are compressed and
decompressed on the fly; local files are written atomically.

Loading trusts nothing in the file (see `skipgram.word2vec_readers`): memory is bounded by what
the file really holds, and every malformed record raises `ModelFormatError` naming the file and
the line (text) or byte offset (binary).
"""

from __future__ import annotations

import codecs
import math
import os
import re
import shutil
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import smart_open
from smart_open.compression import NO_COMPRESSION, get_supported_extensions

from skipgram.io import ModelFormatError, atomic_replace
from skipgram.word2vec_readers import (
    MAX_FILE_DIMENSION,
    MAX_FILE_VECTORS,
    MAX_NUMBER_CHARS,
    MAX_TRAILING_BYTES,
    MAX_WORD_BYTES,
    ROWS_PER_BLOCK,
    BinaryReader,
    TextReader,
    check_fits,
    decode,
    read_header,
)

__all__ = [
    "MAX_FILE_DIMENSION",
    "MAX_FILE_VECTORS",
    "MAX_TRAILING_BYTES",
    "float_type",
    "load_vocabulary",
    "load_word2vec_format",
    "save_vocabulary",
    "save_word2vec_format",
]

# Anything C's isspace() accepts would end the word early in word2vec.c and in every reader.
_WHITESPACE = re.compile(r"[ \t\n\r\v\f]")
_COUNT = re.compile(rb"\d{1,18}")  # a count in a vocabulary file: fits an int64
# The float types a loaded matrix may have (gensim's `datatype`).
FLOAT_TYPES = (np.float16, np.float32, np.float64)


# ---- saving ----------------------------------------------------------------------------------


def save_word2vec_format(
    path: str | os.PathLike[str],
    words: Sequence[str],
    vectors: np.ndarray,
    binary: bool = False,
    *,
    order: np.ndarray | None = None,
    write_header: bool = True,
    total_vec: int | None = None,
    prefix: str = "",
    append: bool = False,
) -> None:
    """Write `words` and the rows of `vectors` in word2vec.c's text or binary format.

    Args:
        path: the file to write; a compression extension such as ``.gz`` or ``.bz2`` compresses
            it. Local files are written to a temporary file that is then renamed over `path`.
        words: the words, in row order.
        vectors: a len(words) x d float matrix. Binary files hold float32; text files the
            shortest decimals that read back as the same value of the matrix's own dtype.
        binary: write the binary format instead of text.
        order: write the rows in this order (a permutation of the row numbers) instead of
            row order.
        write_header: write the ``"V d"`` line; without it, a text file is in GloVe's format.
        total_vec: the V of the header, if not len(words) (for a file that `append` calls
            will complete).
        prefix: a string written before every word.
        append: add to the end of the file instead of replacing it (still atomically: the
            old content and the new are renamed over `path` together).

    Raises:
        ValueError: a word is empty or contains whitespace, or the shapes disagree.
    """
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"need a {len(words)} x d matrix, got shape {vectors.shape}")
    if total_vec is not None and (
        isinstance(total_vec, bool) or not isinstance(total_vec, (int, np.integer)) or total_vec < 0
    ):
        raise ValueError(f"total_vec must be a non-negative int or None, got {total_vec!r}")
    encoded = _encode_words(words, prefix)
    # One copy taken before writing: a training thread may go on updating `vectors`, and the
    # file must hold one moment's matrix, not rows from different moments.
    if order is None:
        vectors = np.array(vectors, order="C", copy=True)
    else:
        vectors = np.ascontiguousarray(vectors[order])
        encoded = [encoded[row] for row in order.tolist()]
    write_rows = _write_binary_rows if binary else _write_text_rows
    with _open_for_writing(path, append) as out:
        if write_header:
            declared = len(words) if total_vec is None else int(total_vec)
            out.write(f"{declared} {vectors.shape[1]}\n".encode("ascii"))
        for start in range(0, len(words), ROWS_PER_BLOCK):
            block = vectors[start : start + ROWS_PER_BLOCK]
            write_rows(out, encoded[start : start + ROWS_PER_BLOCK], block)


def save_vocabulary(
    path: str | os.PathLike[str],
    words: Sequence[str],
    counts: Sequence[int] | np.ndarray,
    *,
    order: np.ndarray | None = None,
    prefix: str = "",
    append: bool = False,
) -> None:
    """Write a vocabulary file, one ``word count`` line per word (word2vec.c's
    ``-save-vocab`` format, gensim's `fvocab`), atomically as `save_word2vec_format`."""
    encoded = _encode_words(words, prefix)
    rows = range(len(words)) if order is None else order.tolist()
    counts = np.asarray(counts, dtype=np.int64)
    with _open_for_writing(path, append) as out:
        for start in range(0, len(rows), ROWS_PER_BLOCK):
            out.write(
                b"".join(
                    encoded[row] + b" %d\n" % counts[row]
                    for row in rows[start : start + ROWS_PER_BLOCK]
                )
            )


def _encode_words(words: Sequence[str], prefix: str = "") -> list[bytes]:
    if _WHITESPACE.search(prefix):
        raise ValueError(
            f"prefix {prefix!r} contains whitespace, which would split every word it starts"
        )
    for row, word in enumerate(words):
        if not word or _WHITESPACE.search(word):
            problem = "is empty" if not word else "contains whitespace"
            raise ValueError(
                f"cannot save word {word!r} (row {row}) in word2vec format: it {problem}, and "
                "the format separates words from numbers by whitespace. Rename the word, or "
                "use KeyedVectors.save, which stores any word"
            )
    try:
        return [(prefix + word).encode("utf-8") for word in words]
    except UnicodeEncodeError as error:
        raise ValueError(
            f"cannot save word {error.object!r} in word2vec format: it is not valid Unicode "
            f"({error.reason})"
        ) from None


def _write_text_rows(out: IO[bytes], words: list[bytes], block: np.ndarray) -> None:
    rows, columns = block.shape
    if columns == 0:
        out.write(b"".join(word + b"\n" for word in words))
        return
    text = _shortest_text(block)  # rows x columns fixed-width byte strings
    width = text.dtype.itemsize
    # Lay every number out as its bytes plus a separator, then drop the NUL padding of the
    # fixed-width strings: one vectorised pass instead of a Python join per number.
    cells = np.empty((rows, columns, width + 1), dtype=np.uint8)
    cells[:, :, :width] = text.view(np.uint8).reshape(rows, columns, width)
    cells[:, :, width] = ord(" ")
    cells[:, -1, width] = ord("\n")
    cells = cells.reshape(rows, -1)
    keep = cells != 0
    data = cells[keep].tobytes()
    ends = np.cumsum(keep.sum(axis=1)).tolist()
    parts = []
    start = 0
    for word, end in zip(words, ends, strict=True):
        parts += (word, b" ", data[start:end])
        start = end
    out.write(b"".join(parts))


# Significant digits that always identify a value of each float type (the fallback below).
_EXACT_DIGITS = {2: 5, 4: 9, 8: 17}


def _shortest_text(block: np.ndarray) -> np.ndarray:
    """Each value as the shortest decimal string that reads back as the same value of the
    block's float type (float32 as gensim writes it; float16 and float64 kept as they are)."""
    text = block.astype("S32")  # numpy's float repr: shortest round-trip digits (Dragon4)
    with np.errstate(over="ignore", invalid="ignore"):
        back = text.astype(block.dtype)
    bits = np.dtype(f"u{block.dtype.itemsize}")
    same = (back.view(bits) == block.view(bits)) | (np.isnan(back) & np.isnan(block))
    if not same.all():  # pragma: no cover - a numpy whose casts are not shortest round-trip
        # Enough significant digits always identify the value: longer, but still exact.
        digits = _EXACT_DIGITS[block.dtype.itemsize]
        text[~same] = np.char.mod(f"%.{digits}g", block[~same].astype(np.float64)).astype("S32")
    return text


def _write_binary_rows(out: IO[bytes], words: list[bytes], block: np.ndarray) -> None:
    raw = block.astype("<f4", copy=False).tobytes()
    row_bytes = 4 * block.shape[1]
    parts = []
    for row, word in enumerate(words):
        parts += (word, b" ", raw[row * row_bytes : (row + 1) * row_bytes], b"\n")
    out.write(b"".join(parts))


@contextmanager
def _open_for_writing(path: str | os.PathLike[str], append: bool = False) -> Iterator[IO[bytes]]:
    """A binary stream to `path`, compressed by its extension. A local file is written under
    a temporary name in the same directory and renamed over `path` only once complete, so a
    crash or an error never leaves a half-written file behind. With `append`, the temporary
    file starts as a copy of `path` (a compressed file gets one more compressed member, which
    gzip and bzip2 readers read on from)."""
    local = _local_path(path)
    compression = _compression_of(path)
    mode = "ab" if append else "wb"
    if local is None:
        with smart_open.open(os.fspath(path), mode, compression=compression) as out:
            yield out
        return
    with atomic_replace(local) as temp_name:
        if append and local.exists():
            shutil.copyfile(local, temp_name)
        # smart_open opens the temporary file by name, to put the compressor in between.
        with smart_open.open(temp_name, mode, compression=compression) as out:
            yield out


def _local_path(path: str | os.PathLike[str]) -> Path | None:
    """The local file `path` names, or None for a remote URL (which smart_open handles)."""
    name = os.fspath(path)
    if name.startswith("file://"):
        name = name[len("file://") :]
    elif "://" in name:
        return None
    return Path(name).expanduser()


def _compression_of(path: str | os.PathLike[str]) -> str:
    """The compression smart_open applies for this name; passed explicitly so that the size
    checks below know for sure whether the bytes on disk are the bytes read."""
    extension = os.path.splitext(os.fspath(path))[1].lower()
    return extension if extension in get_supported_extensions() else NO_COMPRESSION


# ---- loading ---------------------------------------------------------------------------------


def load_word2vec_format(
    path: str | os.PathLike[str],
    binary: bool = False,
    limit: int | None = None,
    encoding: str = "utf-8",
    unicode_errors: str = "strict",
    *,
    datatype: npt.DTypeLike = np.float32,
    no_header: bool = False,
) -> tuple[list[str], np.ndarray]:
    """Read a word2vec.c text or binary file, or a GloVe file (text without a header).

    Args:
        path: the file (a path or URL; ``.gz``, ``.bz2`` ... are decompressed).
        binary: read the binary format instead of text.
        limit: read only the first `limit` vectors; the rest of the file is neither read nor
            checked. None reads them all.
        encoding: encoding of the words.
        unicode_errors: what to do with bytes that are not valid in `encoding` (as in
            `bytes.decode`): ``"strict"`` raises, ``"replace"`` or ``"ignore"`` help with files
            from word2vec.c, which may cut a long word in the middle of a UTF-8 character.
        datatype: the float type of the matrix returned: float32, float16 (half the memory)
            or float64 (text files keep every digit they hold).
        no_header: the file has no ``"V d"`` line, as GloVe's files: d is read from the first
            line and the vectors go on to the end of the file (text files only).

    Returns:
        The words and a V x d matrix of their vectors, in file order.

    Raises:
        ModelFormatError: the file is malformed (the message names the line or byte offset),
            or a vector holds NaN or infinity (or a value too large for `datatype`).
        ValueError: `limit` is not a positive integer.
        TypeError: `datatype` is not one of the float types.
        NotImplementedError: `no_header` with `binary`.
    """
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1
    ):
        raise ValueError(f"limit must be a positive int or None, got {limit!r}")
    dtype = float_type(datatype)
    if no_header and binary:
        raise NotImplementedError(
            "no_header reads text files only (GloVe's format); binary word2vec files always "
            "start with a header"
        )
    codecs.lookup(encoding)  # an unknown encoding fails here, not halfway through the file
    codecs.lookup_error(unicode_errors)
    name = os.fspath(path)
    _check_regular_file(path)
    with smart_open.open(name, "rb", compression=_compression_of(path)) as stream:
        if no_header:
            reader = TextReader.headerless(stream, name, dtype)
            words, vectors = reader.rows(limit, None, False, encoding, unicode_errors)
        else:
            declared, columns, header_bytes = read_header(stream, name)
            rows = declared if limit is None else min(declared, int(limit))
            size = _size_on_disk(path)
            if size is not None:
                check_fits(name, binary, rows, columns, size - header_bytes)
            reader = (
                BinaryReader(stream, name, columns, header_bytes, dtype)
                if binary
                else TextReader(stream, name, columns, dtype)
            )
            # Where the file size vouched for the header, allocate the whole matrix at once.
            words, vectors = reader.rows(rows, declared, size is not None, encoding, unicode_errors)
            if limit is None:  # with a limit the rest of the file is neither read nor checked
                reader.check_end(declared)
    _check_finite(name, words, vectors)
    return words, vectors


def load_vocabulary(
    path: str | os.PathLike[str], encoding: str = "utf-8", unicode_errors: str = "strict"
) -> dict[str, int]:
    """Read a vocabulary file of ``word count`` lines (word2vec.c's ``-save-vocab``, gensim's
    `fvocab`): each word's count. Blank lines are skipped.

    Raises:
        ModelFormatError: a line is not a word and a count, or a word appears twice (the
            message names the file and line).
    """
    codecs.lookup(encoding)
    codecs.lookup_error(unicode_errors)
    name = os.fspath(path)
    _check_regular_file(path)
    counts: dict[str, int] = {}
    spelling: dict[str, tuple[bytes, int]] = {}  # the bytes and line each word came from
    longest = MAX_WORD_BYTES + MAX_NUMBER_CHARS
    with smart_open.open(name, "rb", compression=_compression_of(path)) as stream:
        for line_number, line in enumerate(iter(lambda: stream.readline(longest + 1), b""), 1):
            where = f"{name}, line {line_number}"
            if len(line) > longest:
                raise ModelFormatError(
                    f"{where}: the line is longer than {longest} bytes: this is not a "
                    "vocabulary file of 'word count' lines"
                )
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2 or not _COUNT.fullmatch(fields[1]):
                raise ModelFormatError(
                    f"{where}: expected 'word count' (a word, a space, a non-negative integer), "
                    f"found {line[:60]!r}"
                )
            word = decode(fields[0], encoding, unicode_errors, where)
            if word in spelling:
                raw, first_line = spelling[word]
                if raw == fields[0]:
                    raise ModelFormatError(
                        f"{where}: word {word!r} appears twice (first on line {first_line})"
                    )
                warnings.warn(
                    f"{where}: word {fields[0][:60]!r} decodes to {word!r}, like line "
                    f"{first_line}: keeping the first count of that word",
                    UserWarning,
                    stacklevel=2,
                )
                continue
            spelling[word] = (fields[0], line_number)
            counts[word] = int(fields[1])
    return counts


def float_type(datatype: npt.DTypeLike) -> np.dtype:
    """`datatype` as a numpy dtype, if it is float16, float32 or float64 (else TypeError)."""
    try:
        dtype = np.dtype(datatype)
    except TypeError:
        dtype = None
    if dtype is None or dtype.type not in FLOAT_TYPES:
        raise TypeError(f"datatype must be np.float16, np.float32 or np.float64, got {datatype!r}")
    return dtype


def _check_regular_file(path: str | os.PathLike[str]) -> None:
    local = _local_path(path)
    if local is not None and local.exists() and not local.is_file():
        raise ModelFormatError(
            f"{os.fspath(path)} is not a regular file (a directory, FIFO, socket or device): "
            "pass the path of a word2vec file"
        )


def _check_finite(name: str, words: list[str], vectors: np.ndarray) -> None:
    """A vector holding NaN or infinity (text "nan"/"inf", or such bits in a binary file) would
    answer every query with NaN and make further training diverge: refuse it by its word. A
    float64 sum of the values is non-finite exactly when one of them is."""
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is the point, not a warning
        total = float(np.sum(vectors, dtype=np.float64))
    if math.isfinite(total):
        return
    bad = np.flatnonzero(~np.isfinite(vectors).all(axis=1))
    narrow = (
        f" (or holds a value beyond {vectors.dtype.name}'s range: load it with a wider datatype)"
        if vectors.dtype.itemsize < 4
        else ""
    )
    raise ModelFormatError(
        f"{name}: the vector of {words[bad[0]]!r} (vector #{bad[0] + 1}) holds NaN or infinity, "
        f"and {len(bad):,} vector(s) in all do; the file was written from a diverged model "
        f"or is damaged{narrow}"
    )


def _size_on_disk(path: str | os.PathLike[str]) -> int | None:
    """Bytes of an uncompressed local file, or None when the size read is not known."""
    local = _local_path(path)
    if local is None or _compression_of(path) != NO_COMPRESSION:
        return None
    try:
        return local.stat().st_size
    except OSError:
        return None
