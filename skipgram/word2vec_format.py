"""The word2vec.c file formats, text and binary, read and written exactly as word2vec.c does.

Both start with an ASCII header line ``"V d\\n"`` (V vectors of d dimensions). Then, per word:

- text: ``word f1 f2 ... fd\\n``, each float written as the shortest decimal that reads back as
  the same float32, so a save and load round trip is bit-exact;
- binary: ``word``, one space, d little-endian float32 (4·d bytes), ``\\n``. Readers must also
  accept records without the final newline (gensim writes none) and so skip newlines before
  each word, as word2vec.c and gensim do.

Words are UTF-8 and may not be empty or contain ASCII whitespace, which separates them from
the numbers (other Unicode spaces are fine: readers split on ASCII whitespace only). Paths
ending in a compression extension known to smart_open (.gz, .bz2, ...) are compressed and
decompressed on the fly; local files are written atomically.

Loading trusts nothing in the file: the header is checked against the file size before the
matrix is allocated (and where the size is unknown, as for compressed streams, the matrix only
grows as rows actually arrive), and every malformed record raises `ModelFormatError` naming
the file and the line (text) or byte offset (binary).
"""

from __future__ import annotations

import codecs
import math
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np
import smart_open
from smart_open.compression import NO_COMPRESSION, get_supported_extensions

from skipgram.io import ModelFormatError, atomic_replace

_HEADER = re.compile(rb"[ \t]*(\d{1,19})[ \t]+(\d{1,19})[ \t\r]*\n")
_MAX_HEADER_BYTES = 256
# Anything C's isspace() accepts would end the word early in word2vec.c and in every reader.
_WHITESPACE = re.compile(r"[ \t\n\r\v\f]")
_ROWS_PER_BLOCK = 4096  # rows formatted or parsed per numpy call: bounded memory, few calls
_READ_SIZE = 1 << 20
_MAX_WORD_BYTES = 1 << 16  # far beyond any real word; stops a space-less file from being buffered
_INITIAL_MATRIX_BYTES = 1 << 24  # first allocation when the file size cannot bound the header
_TEXT_BYTES = frozenset(b"0123456789+-.eE \t\r\n")
# Bounds on what a header may declare, checked before anything is allocated. No published
# embedding comes near them (fastText's largest: 2 M words x 300; Google News: 3 M x 300).
MAX_FILE_DIMENSION = 100_000
MAX_FILE_VECTORS = 2**32
# A text record is a word, then d numbers: any number word2vec.c, gensim or fastText writes
# fits in 64 characters, so a line longer than this bound is not a record (and is never
# buffered whole: a compressed file can hold gigabytes in one line).
_MAX_NUMBER_CHARS = 64
# After the declared vectors only blank lines (newlines in binary files) may follow; past this
# many bytes of them the file is refused instead of being read to its end.
MAX_TRAILING_BYTES = 1 << 16


# ---- saving ----------------------------------------------------------------------------------


def save_word2vec_format(
    path: str | os.PathLike[str], words: Sequence[str], vectors: np.ndarray, binary: bool = False
) -> None:
    """Write `words` and the rows of `vectors` in word2vec.c's text or binary format.

    Args:
        path: the file to write; a compression extension such as ``.gz`` or ``.bz2`` compresses
            it. Local files are written to a temporary file that is then renamed over `path`.
        words: the words, in row order.
        vectors: a len(words) x d matrix (stored as float32).
        binary: write the binary format instead of text.

    Raises:
        ValueError: a word is empty or contains whitespace, or the shapes disagree.
    """
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"need a {len(words)} x d matrix, got shape {vectors.shape}")
    encoded = _encode_words(words)
    # One copy taken before writing: a training thread may go on updating `vectors`, and the
    # file must hold one moment's matrix, not rows from different moments.
    vectors = np.array(vectors, dtype=np.float32, order="C", copy=True)
    write_rows = _write_binary_rows if binary else _write_text_rows
    with _open_for_writing(path) as out:
        out.write(f"{len(words)} {vectors.shape[1]}\n".encode("ascii"))
        for start in range(0, len(words), _ROWS_PER_BLOCK):
            rows = vectors[start : start + _ROWS_PER_BLOCK]
            block = np.ascontiguousarray(rows, dtype=np.float32)  # the byte views need C order
            write_rows(out, encoded[start : start + _ROWS_PER_BLOCK], block)


def _encode_words(words: Sequence[str]) -> list[bytes]:
    for row, word in enumerate(words):
        if not word or _WHITESPACE.search(word):
            problem = "is empty" if not word else "contains whitespace"
            raise ValueError(
                f"cannot save word {word!r} (row {row}) in word2vec format: it {problem}, and "
                "the format separates words from numbers by whitespace. Rename the word, or "
                "use KeyedVectors.save, which stores any word"
            )
    try:
        return [word.encode("utf-8") for word in words]
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
    text = _shortest_float32_text(block)  # rows x columns fixed-width byte strings
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


def _shortest_float32_text(block: np.ndarray) -> np.ndarray:
    """Each float32 as the shortest decimal string that reads back as the same float32."""
    text = block.astype("S32")  # numpy's float32 repr: shortest round-trip digits (Dragon4)
    with np.errstate(over="ignore", invalid="ignore"):
        back = text.astype(np.float32)
    same = (back.view(np.uint32) == block.view(np.uint32)) | (np.isnan(back) & np.isnan(block))
    if not same.all():  # pragma: no cover - a numpy whose casts are not shortest round-trip
        # Nine significant digits always identify a float32: longer, but still exact.
        text[~same] = np.char.mod("%.9g", block[~same].astype(np.float64)).astype("S32")
    return text


def _write_binary_rows(out: IO[bytes], words: list[bytes], block: np.ndarray) -> None:
    raw = block.astype("<f4", copy=False).tobytes()
    row_bytes = 4 * block.shape[1]
    parts = []
    for row, word in enumerate(words):
        parts += (word, b" ", raw[row * row_bytes : (row + 1) * row_bytes], b"\n")
    out.write(b"".join(parts))


@contextmanager
def _open_for_writing(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary stream to `path`, compressed by its extension. A local file is written under
    a temporary name in the same directory and renamed over `path` only once complete, so a
    crash or an error never leaves a half-written file behind."""
    local = _local_path(path)
    compression = _compression_of(path)
    if local is None:
        with smart_open.open(os.fspath(path), "wb", compression=compression) as out:
            yield out
        return
    # smart_open opens the temporary file by name, to put the compressor in between.
    with (
        atomic_replace(local) as temp_name,
        smart_open.open(temp_name, "wb", compression=compression) as out,
    ):
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
) -> tuple[list[str], np.ndarray]:
    """Read a word2vec.c text or binary file.

    Args:
        path: the file (a path or URL; ``.gz``, ``.bz2`` ... are decompressed).
        binary: read the binary format instead of text.
        limit: read only the first `limit` vectors; the rest of the file is neither read nor
            checked. None reads them all.
        encoding: encoding of the words.
        unicode_errors: what to do with bytes that are not valid in `encoding` (as in
            `bytes.decode`): ``"strict"`` raises, ``"replace"`` or ``"ignore"`` help with files
            from word2vec.c, which may cut a long word in the middle of a UTF-8 character.

    Returns:
        The words and a V x d float32 matrix of their vectors, in file order.

    Raises:
        ModelFormatError: the file is malformed (the message names the line or byte offset).
        ValueError: `limit` is not a positive integer.
    """
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1
    ):
        raise ValueError(f"limit must be a positive int or None, got {limit!r}")
    codecs.lookup(encoding)  # an unknown encoding fails here, not halfway through the file
    codecs.lookup_error(unicode_errors)
    name = os.fspath(path)
    local = _local_path(path)
    if local is not None and local.exists() and not local.is_file():
        raise ModelFormatError(
            f"{name} is not a regular file (a directory, FIFO, socket or device): pass the "
            "path of a word2vec file"
        )
    with smart_open.open(name, "rb", compression=_compression_of(path)) as stream:
        declared, columns, header_bytes = _read_header(stream, name)
        rows = declared if limit is None else min(declared, int(limit))
        size = _size_on_disk(path)
        if size is not None:
            _check_fits(name, binary, rows, columns, size - header_bytes)
        reader = (
            _BinaryReader(stream, name, columns, header_bytes)
            if binary
            else _TextReader(stream, name, columns)
        )
        # Where the file size vouched for the header, allocate the whole matrix at once.
        words, vectors = reader.rows(rows, declared, size is not None, encoding, unicode_errors)
        if limit is None:  # with a limit the rest of the file is neither read nor checked
            reader.check_end(declared)
    _check_finite(name, words, vectors)
    return words, vectors


def _check_finite(name: str, words: list[str], vectors: np.ndarray) -> None:
    """A vector holding NaN or infinity (text "nan"/"inf", or such bits in a binary file) would
    answer every query with NaN and make further training diverge: refuse it by its word. A
    float64 sum of float32 values is non-finite exactly when one of them is."""
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is the point, not a warning
        total = float(np.sum(vectors, dtype=np.float64))
    if math.isfinite(total):
        return
    bad = np.flatnonzero(~np.isfinite(vectors).all(axis=1))
    raise ModelFormatError(
        f"{name}: the vector of {words[bad[0]]!r} (vector #{bad[0] + 1}) holds NaN or infinity, "
        f"and {len(bad):,} vector(s) in all do; the file was written from a diverged model "
        "or is damaged"
    )


def _read_header(stream: IO[bytes], name: str) -> tuple[int, int, int]:
    line = stream.readline(_MAX_HEADER_BYTES)
    match = _HEADER.fullmatch(line)
    if match is None:
        found = "an empty file" if not line else repr(line[:60])
        raise ModelFormatError(
            f"{name}, line 1: expected a word2vec header 'V d' (number of vectors, dimension) "
            f"ending in a newline, found {found}"
        )
    declared, columns = int(match[1]), int(match[2])
    if declared > MAX_FILE_VECTORS or columns > MAX_FILE_DIMENSION:
        raise ModelFormatError(
            f"{name}, line 1: the header declares {declared} vectors of {columns} dimensions; "
            f"a word2vec file may hold at most {MAX_FILE_VECTORS} vectors of up to "
            f"{MAX_FILE_DIMENSION} dimensions: the header is forged or not a word2vec header"
        )
    return declared, columns, len(line)


def _size_on_disk(path: str | os.PathLike[str]) -> int | None:
    """Bytes of an uncompressed local file, or None when the size read is not known."""
    local = _local_path(path)
    if local is None or _compression_of(path) != NO_COMPRESSION:
        return None
    try:
        return local.stat().st_size
    except OSError:
        return None


def _check_fits(name: str, binary: bool, rows: int, columns: int, available: int) -> None:
    # The smallest possible record: a one-byte word, a space and the 4·d float bytes (binary,
    # where the newline is optional); a one-byte word and d one-digit numbers after single
    # spaces, newline-separated (text).
    smallest = rows * (2 + 4 * columns) if binary else rows * (2 + 2 * columns) - 1
    if rows and smallest > available:
        raise ModelFormatError(
            f"{name}, line 1: the header declares {rows} vectors of {columns} dimensions, which "
            f"need at least {smallest} bytes, but only {available} follow it: the header is "
            "wrong or the file is truncated"
        )


class _Rows:
    """The words read so far and a matrix that grows as rows arrive, so memory is committed
    only to data the file really holds, whatever its header claims."""

    def __init__(self, name: str, columns: int, wanted: int, preallocate: bool) -> None:
        self.name, self.columns, self.wanted = name, columns, wanted
        self.words: list[str] = []
        self.index: dict[str, int] = {}
        self.spelling: dict[str, bytes] = {}  # the bytes each kept word was decoded from
        self.dropped: list[int] = []  # rows whose word decoded to an earlier row's word
        self.vectors = np.empty((wanted if preallocate else 0, columns), dtype=np.float32)

    def add_word(self, word: str, raw: bytes, where: str) -> None:
        """Keep the row of `word`. The same bytes twice is a malformed file; two different
        byte strings that decode to one word (unicode_errors='replace' or 'ignore' on words
        cut mid-character) keep the first row, as gensim does, with a warning."""
        row = len(self.words) + len(self.dropped)
        first = self.index.setdefault(word, row)
        if first != row:
            if self.spelling[word] == raw:
                raise ModelFormatError(
                    f"{where}: word {word!r} appears twice (first as vector "
                    f"#{first + 1}); each word must have one vector"
                )
            warnings.warn(
                f"{where}: word {raw[:60]!r} decodes to {word!r}, like vector #{first + 1}: "
                "keeping the first vector of that word",
                UserWarning,
                stacklevel=5,
            )
            self.dropped.append(row)
            return
        self.spelling[word] = raw
        self.words.append(word)

    def room_for(self, end: int) -> np.ndarray:
        """The matrix, grown (doubling, up to the wanted rows) to hold at least `end` rows."""
        if end > self.vectors.shape[0]:
            first = max(1, _INITIAL_MATRIX_BYTES // max(1, 4 * self.columns))
            size = min(self.wanted, max(end, 2 * self.vectors.shape[0], first))
            grown = np.empty((size, self.columns), dtype=np.float32)
            grown[: self.vectors.shape[0]] = self.vectors
            self.vectors = grown
        return self.vectors

    def result(self) -> tuple[list[str], np.ndarray]:
        read = len(self.words) + len(self.dropped)
        vectors = self.vectors[:read]
        if self.dropped:
            vectors = np.delete(vectors, self.dropped, axis=0)
        elif vectors.shape[0] != self.vectors.shape[0]:
            vectors = vectors.copy()
        return self.words, vectors


_BINARY_HINT = " (a binary word2vec file? pass binary=True)"
_TEXT_HINT = " (a text word2vec file? pass binary=False)"


class _TextReader:
    """Text records, one per line; vector #k is on line k + 1 (the header is line 1)."""

    def __init__(self, stream: IO[bytes], name: str, columns: int) -> None:
        self.stream, self.name, self.columns = stream, name, columns
        self.max_line = _MAX_WORD_BYTES + columns * _MAX_NUMBER_CHARS

    def rows(
        self, wanted: int, declared: int, preallocate: bool, encoding: str, unicode_errors: str
    ) -> tuple[list[str], np.ndarray]:
        table = _Rows(self.name, self.columns, wanted, preallocate)
        numbers: list[bytes] = []
        block_start = 0  # first row whose numbers are waiting in `numbers`
        for row in range(wanted):
            line = self.stream.readline(self.max_line + 1)
            if len(line) > self.max_line:
                raise ModelFormatError(
                    f"{self._where(row + 2)}: the line is longer than {self.max_line} bytes, "
                    f"more than a word and {self.columns} numbers can need: this is not a "
                    "word2vec text record" + (_BINARY_HINT if row == 0 else "")
                )
            if not line:
                raise ModelFormatError(
                    f"{self.name}, line {row + 2}: the file ends after {row} vectors, but its "
                    f"header declares {declared}: it is truncated or the header is wrong"
                )
            word, _, values = line.rstrip().partition(b" ")
            fields = values.split()
            if not word or len(fields) != self.columns:
                self._bad_record(row + 2, word, len(fields))
            where = self._where(row + 2)
            table.add_word(_decode(word, encoding, unicode_errors, where), word, where)
            numbers += fields
            if row + 1 - block_start == _ROWS_PER_BLOCK or row + 1 == wanted:
                block = self._parse(numbers, block_start, row + 1 - block_start)
                table.room_for(row + 1)[block_start : row + 1] = block
                numbers, block_start = [], row + 1
        return table.result()

    def _where(self, line: int) -> str:
        return f"{self.name}, line {line}"

    def _bad_record(self, line: int, word: bytes, found: int) -> None:
        if not word:
            raise ModelFormatError(f"{self._where(line)}: the line has no word before the numbers")
        hint = " (a word containing spaces?)" if found > self.columns else ""
        raise ModelFormatError(
            f"{self._where(line)}: expected {self.columns} numbers after the word, found {found}"
            + hint
            + (_BINARY_HINT if line == 2 else "")
        )

    def _parse(self, numbers: list[bytes], first_row: int, count: int) -> np.ndarray:
        """A block of rows' numbers as float32. Each goes through a float64 first, as in
        gensim, so both read the same bits."""
        try:
            values = np.array(numbers, dtype=np.float64)
        except ValueError:  # the error path: one by one, to name the culprit
            values = np.array(
                [self._number(text, first_row, position) for position, text in enumerate(numbers)]
            )
        with np.errstate(over="ignore"):  # beyond float32's range is inf, as in gensim
            return values.astype(np.float32).reshape(count, self.columns)

    def _number(self, text: bytes, first_row: int, position: int) -> float:
        try:
            return float(text)
        except ValueError:
            line = first_row + position // self.columns + 2
            raise ModelFormatError(
                f"{self._where(line)}: value #{position % self.columns + 1} {text[:40]!r} "
                "is not a number" + (_BINARY_HINT if line == 2 else "")
            ) from None

    def check_end(self, declared: int) -> None:
        """Only blank lines may follow the declared vectors: more records mean a wrong header.
        At most MAX_TRAILING_BYTES of them are read, so a file padded with gigabytes of
        newlines is refused quickly instead of being read to its end."""
        seen = 0
        line_number = declared + 2
        while line := self.stream.readline(MAX_TRAILING_BYTES + 1 - seen):
            if line.strip():
                raise ModelFormatError(
                    f"{self._where(line_number)}: more vectors than the {declared} the header "
                    "declares: the header is wrong"
                )
            seen += len(line)
            line_number += 1
            if seen > MAX_TRAILING_BYTES:
                raise ModelFormatError(
                    f"{self._where(line_number)}: more than {MAX_TRAILING_BYTES} bytes of blank "
                    f"lines follow the {declared} vectors the header declares"
                )


class _BinaryReader:
    """Binary records, read through a buffer that tracks file offsets for error messages."""

    def __init__(self, stream: IO[bytes], name: str, columns: int, header_bytes: int) -> None:
        self.stream, self.name, self.columns = stream, name, columns
        self.buffer = bytearray()
        self.position = 0  # next unread byte of `buffer`
        self.buffer_offset = header_bytes  # file offset of buffer[0]
        self.at_end = False

    def rows(
        self, wanted: int, declared: int, preallocate: bool, encoding: str, unicode_errors: str
    ) -> tuple[list[str], np.ndarray]:
        table = _Rows(self.name, self.columns, wanted, preallocate)
        vector_bytes = 4 * self.columns
        for row in range(wanted):
            self._skip_newlines()
            where = self._where()
            word = self._read_word(row, declared)
            if not self._fill(vector_bytes):
                raise ModelFormatError(
                    f"{self._where()}: the file ends inside vector #{row + 1} (word "
                    f"{word[:60]!r}): it is truncated or the header is wrong"
                )
            vector = self.buffer[self.position : self.position + vector_bytes]
            if row == 0 and vector and set(vector) <= _TEXT_BYTES:
                # Read as binary, a text file would otherwise give garbage floats.
                raise ModelFormatError(
                    f"{where}: the first vector is decimal digits, not float32: this looks like "
                    "a text word2vec file; pass binary=False"
                )
            table.add_word(_decode(word, encoding, unicode_errors, where), word, where)
            table.room_for(row + 1)[row] = np.frombuffer(vector, dtype="<f4")
            self.position += vector_bytes
        return table.result()

    def _where(self) -> str:
        return f"{self.name}, byte {self.buffer_offset + self.position}"

    def _fill(self, needed: int) -> bool:
        """Make `needed` bytes available from `position` on; False if the file ends first."""
        while len(self.buffer) - self.position < needed:
            if self.at_end:
                return False
            del self.buffer[: self.position]  # keep only unread bytes (offsets shift with it)
            self.buffer_offset += self.position
            self.position = 0
            # Bounded reads: read(n) may allocate n bytes up front, and n comes from the header.
            chunk = self.stream.read(_READ_SIZE)
            self.at_end = not chunk
            self.buffer += chunk
        return True

    def _skip_newlines(self, most: int | None = None) -> None:
        # word2vec.c ends each record with a newline, gensim does not: skip any before a word.
        skipped = 0
        while self._fill(1) and self.buffer[self.position] == ord("\n"):
            self.position += 1
            skipped += 1
            if most is not None and skipped > most:
                raise ModelFormatError(
                    f"{self._where()}: more than {most} newlines follow the last vector"
                )

    def _read_word(self, row: int, declared: int) -> bytes:
        searched = 0  # bytes after `position` known to hold no space
        while True:
            space = self.buffer.find(b" ", self.position + searched)
            if space >= 0:
                break
            searched = len(self.buffer) - self.position
            if searched > _MAX_WORD_BYTES:
                raise ModelFormatError(
                    f"{self._where()}: no space ends word #{row + 1} within {_MAX_WORD_BYTES} "
                    "bytes: this is not a binary word2vec file" + _TEXT_HINT
                )
            if not self._fill(searched + 1):
                problem = (
                    f"the file ends after {row} vectors, but its header declares {declared}"
                    if searched == 0
                    else f"the file ends inside word #{row + 1}"
                )
                raise ModelFormatError(
                    f"{self._where()}: {problem}: it is truncated or the header is wrong"
                )
        if space == self.position:
            raise ModelFormatError(f"{self._where()}: vector #{row + 1} has an empty word")
        word = bytes(self.buffer[self.position : space])
        self.position = space + 1
        return word

    def check_end(self, declared: int) -> None:
        """Only newlines may follow the declared vectors (at most MAX_TRAILING_BYTES of them):
        anything else means a wrong header."""
        self._skip_newlines(MAX_TRAILING_BYTES)
        if self._fill(1):
            raise ModelFormatError(
                f"{self._where()}: more data after the {declared} vectors the header declares: "
                "the header is wrong" + _TEXT_HINT
            )


def _decode(word: bytes, encoding: str, unicode_errors: str, where: str) -> str:
    try:
        return word.decode(encoding, unicode_errors)
    except UnicodeDecodeError as error:
        raise ModelFormatError(
            f"{where}: word {word[:60]!r} is not valid {encoding} ({error.reason}); pass "
            "unicode_errors='replace' or 'ignore' to load it anyway, or the right encoding=..."
        ) from None
