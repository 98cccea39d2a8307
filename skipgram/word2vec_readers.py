"""Bounded readers of word2vec.c's records, text and binary (see `skipgram.word2vec_format`).

They trust nothing in the file: the header is checked against the file size before the matrix
is allocated (and where the size is unknown, as for compressed streams, the matrix only grows
as rows actually arrive), no line or word is buffered beyond a bound, and every malformed record
raises `ModelFormatError` naming the file and the line (text) or byte offset (binary).
"""

from __future__ import annotations

import codecs
import re
import warnings
from typing import IO

import numpy as np

from skipgram.io import ModelFormatError

HEADER = re.compile(rb"[ \t]*(\d{1,19})[ \t]+(\d{1,19})[ \t\r]*\n")
_MAX_HEADER_BYTES = 256
ROWS_PER_BLOCK = 4096  # rows formatted or parsed per numpy call: bounded memory, few calls
_READ_SIZE = 1 << 20
MAX_WORD_BYTES = 1 << 16  # far beyond any real word; stops a space-less file from being buffered
_INITIAL_MATRIX_BYTES = 1 << 24  # first allocation when the file size cannot bound the header
_TEXT_BYTES = frozenset(b"0123456789+-.eE \t\r\n")
# Bounds on what a header may declare, checked before anything is allocated. No published
# embedding comes near them (fastText's largest: 2 M words x 300; Google News: 3 M x 300).
MAX_FILE_DIMENSION = 100_000
MAX_FILE_VECTORS = 2**32
# A text record is a word, then d numbers: any number word2vec.c, gensim or fastText writes
# fits in 64 characters, so a line longer than this bound is not a record (and is never
# buffered whole: a compressed file can hold gigabytes in one line).
MAX_NUMBER_CHARS = 64
# After the declared vectors only blank lines (newlines in binary files) may follow; past this
# many bytes of them the file is refused instead of being read to its end.
MAX_TRAILING_BYTES = 1 << 16


def read_header(stream: IO[bytes], name: str) -> tuple[int, int, int]:
    line = stream.readline(_MAX_HEADER_BYTES)
    match = HEADER.fullmatch(line)
    if match is None:
        found = "an empty file" if not line else repr(line[:60])
        fields = line.split()
        glove = len(fields) > 2 and all(_is_number(field) for field in fields[1:4])
        raise ModelFormatError(
            f"{name}, line 1: expected a word2vec header 'V d' (number of vectors, dimension) "
            f"ending in a newline, found {found}" + (_HEADER_HINT if glove else "")
        )
    declared, columns = int(match[1]), int(match[2])
    if declared > MAX_FILE_VECTORS or columns > MAX_FILE_DIMENSION:
        raise ModelFormatError(
            f"{name}, line 1: the header declares {declared} vectors of {columns} dimensions; "
            f"a word2vec file may hold at most {MAX_FILE_VECTORS} vectors of up to "
            f"{MAX_FILE_DIMENSION} dimensions: the header is forged or not a word2vec header"
        )
    return declared, columns, len(line)


def _is_number(text: bytes) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_fits(name: str, binary: bool, rows: int, columns: int, available: int) -> None:
    # The smallest possible record: a one-byte word, a space and the 4·d float bytes (binary,
    # where the newline is optional); a one-byte word and d one-digit numbers after single
    # spaces, newline-separated (text).
    smallest = rows * (2 + 4 * columns) if binary else rows * (2 + 2 * columns) - 1
    if rows and smallest > available:
        raise TruncatedFileError(
            f"{name}, line 1: the header declares {rows} vectors of {columns} dimensions, which "
            f"need at least {smallest} bytes, but only {available} follow it: the header is "
            "wrong or the file is truncated"
        )


class Rows:
    """The words read so far and a matrix that grows as rows arrive, so memory is committed
    only to data the file really holds, whatever its header claims."""

    def __init__(
        self, name: str, columns: int, wanted: int | None, preallocate: bool, dtype: np.dtype
    ) -> None:
        self.name, self.columns, self.wanted, self.dtype = name, columns, wanted, dtype
        self.words: list[str] = []
        self.index: dict[str, int] = {}
        self.spelling: dict[str, bytes] = {}  # the bytes each kept word was decoded from
        self.dropped: list[int] = []  # rows whose word decoded to an earlier row's word
        first = wanted if preallocate and wanted is not None else 0
        self.vectors = np.empty((first, columns), dtype=dtype)

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
            row_bytes = max(1, self.dtype.itemsize * self.columns)
            first = max(1, _INITIAL_MATRIX_BYTES // row_bytes)
            size = max(end, 2 * self.vectors.shape[0], first)
            if self.wanted is not None:
                size = min(self.wanted, size)
            grown = np.empty((size, self.columns), dtype=self.dtype)
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
_HEADER_HINT = " (a GloVe file, without the 'V d' header line? pass no_header=True)"


class TextReader:
    """Text records, one per line. With a header, vector #k is on line k + 1; without one
    (GloVe), on line k, and d is the number of values on the first line."""

    def __init__(
        self, stream: IO[bytes], name: str, columns: int, dtype: np.dtype, first_line: int = 2
    ) -> None:
        self.stream, self.name, self.columns, self.dtype = stream, name, columns, dtype
        self.first_line = first_line  # the line number of vector #1
        self.max_line = MAX_WORD_BYTES + columns * MAX_NUMBER_CHARS
        self.pending: bytes | None = None  # a line read ahead, returned by the next readline

    @classmethod
    def headerless(cls, stream: IO[bytes], name: str, dtype: np.dtype) -> TextReader:
        """A reader for a file without header, its d taken from the first line."""
        longest = MAX_WORD_BYTES + MAX_FILE_DIMENSION * MAX_NUMBER_CHARS
        line = stream.readline(longest + 1)
        where = f"{name}, line 1"
        if not line.strip():
            raise ModelFormatError(f"{where}: expected a word and its vector, found an empty line")
        if len(line) > longest:
            raise ModelFormatError(
                f"{where}: the line is longer than {longest} bytes: this is not a GloVe or "
                "word2vec text record"
            )
        if HEADER.fullmatch(line):
            raise ModelFormatError(
                f"{where}: {line.strip()[:60].decode()!r} is a word2vec header 'V d' (number of "
                "vectors, dimension): the file has a header, so do not pass no_header=True"
            )
        columns = len(line.rstrip().partition(b" ")[2].split())
        if columns == 0:
            raise ModelFormatError(f"{where}: the line has a word but no numbers after it")
        reader = cls(stream, name, columns, dtype, first_line=1)
        reader.pending = line
        return reader

    def _readline(self) -> bytes:
        if self.pending is not None:
            line, self.pending = self.pending, None
            return line
        return self.stream.readline(self.max_line + 1)

    def rows(
        self,
        wanted: int | None,
        declared: int | None,
        preallocate: bool,
        encoding: str,
        unicode_errors: str,
    ) -> tuple[list[str], np.ndarray]:
        """Read `wanted` records (None: up to the end of a headerless file). `declared` is
        the header's V, None for a headerless file."""
        table = Rows(self.name, self.columns, wanted, preallocate, self.dtype)
        numbers: list[bytes] = []
        block_start = 0  # first row whose numbers are waiting in `numbers`
        row = 0
        while wanted is None or row < wanted:
            line_number = row + self.first_line
            line = self._readline()
            if len(line) > self.max_line:
                raise ModelFormatError(
                    f"{self._where(line_number)}: the line is longer than {self.max_line} "
                    f"bytes, more than a word and {self.columns} numbers can need: this is not "
                    "a word2vec text record" + (_BINARY_HINT if row == 0 else "")
                )
            if declared is None and not line.strip():
                if line:  # a blank line: only blank lines may follow
                    self.check_end(None, line_number + 1, len(line))
                break
            if not line:
                raise TruncatedFileError(
                    f"{self._where(line_number)}: the file ends after {row} vectors, but its "
                    f"header declares {declared}: it is truncated or the header is wrong"
                )
            word, _, values = line.rstrip().partition(b" ")
            fields = values.split()
            if not word or len(fields) != self.columns:
                self._bad_record(line_number, word, len(fields))
            where = self._where(line_number)
            table.add_word(decode(word, encoding, unicode_errors, where), word, where)
            numbers += fields
            row += 1
            if row - block_start == ROWS_PER_BLOCK:
                table.room_for(row)[block_start:row] = self._parse(numbers, block_start)
                numbers, block_start = [], row
        if numbers:
            table.room_for(row)[block_start:row] = self._parse(numbers, block_start)
        return table.result()

    def _where(self, line: int) -> str:
        return f"{self.name}, line {line}"

    def _bad_record(self, line: int, word: bytes, found: int) -> None:
        if not word:
            raise ModelFormatError(f"{self._where(line)}: the line has no word before the numbers")
        hint = " (a word containing spaces?)" if found > self.columns else ""
        if line == self.first_line:
            hint += _BINARY_HINT
        raise ModelFormatError(
            f"{self._where(line)}: expected {self.columns} numbers after the word, found {found}"
            + hint
        )

    def _parse(self, numbers: list[bytes], first_row: int) -> np.ndarray:
        """A block of rows' numbers in the reader's dtype. Each goes through a float64 first,
        as in gensim, so both read the same bits."""
        try:
            values = np.array(numbers, dtype=np.float64)
        except ValueError:  # the error path: one by one, to name the culprit
            values = np.array(
                [self._number(text, first_row, position) for position, text in enumerate(numbers)]
            )
        with np.errstate(over="ignore"):  # beyond the type's range is inf, as in gensim
            return values.astype(self.dtype).reshape(-1, self.columns)

    def _number(self, text: bytes, first_row: int, position: int) -> float:
        try:
            return float(text)
        except ValueError:
            line = first_row + position // self.columns + self.first_line
            raise ModelFormatError(
                f"{self._where(line)}: value #{position % self.columns + 1} {text[:40]!r} "
                "is not a number" + (_BINARY_HINT if line == self.first_line else "")
            ) from None

    def check_end(
        self, declared: int | None, line_number: int | None = None, seen: int = 0
    ) -> None:
        """Only blank lines may follow the declared vectors (or, in a headerless file, a first
        blank line): more records mean a wrong header. At most MAX_TRAILING_BYTES of them are
        read, so a file padded with gigabytes of newlines is refused quickly instead of being
        read to its end."""
        if line_number is None:
            line_number = (declared or 0) + self.first_line
        while line := self.stream.readline(MAX_TRAILING_BYTES + 1 - seen):
            if line.strip():
                raise ModelFormatError(
                    f"{self._where(line_number)}: more vectors than the {declared} the header "
                    "declares: the header is wrong"
                    if declared is not None
                    else f"{self._where(line_number)}: a vector after a blank line; a GloVe "
                    "file holds one vector per line, with no blank lines between them"
                )
            seen += len(line)
            line_number += 1
            if seen > MAX_TRAILING_BYTES:
                raise ModelFormatError(
                    f"{self._where(line_number)}: more than {MAX_TRAILING_BYTES} bytes of blank "
                    "lines follow the vectors"
                )


class BinaryReader:
    """Binary records, read through a buffer that tracks file offsets for error messages."""

    def __init__(
        self, stream: IO[bytes], name: str, columns: int, header_bytes: int, dtype: np.dtype
    ) -> None:
        self.stream, self.name, self.columns, self.dtype = stream, name, columns, dtype
        self.buffer = bytearray()
        self.position = 0  # next unread byte of `buffer`
        self.buffer_offset = header_bytes  # file offset of buffer[0]
        self.at_end = False

    def rows(
        self, wanted: int, declared: int, preallocate: bool, encoding: str, unicode_errors: str
    ) -> tuple[list[str], np.ndarray]:
        table = Rows(self.name, self.columns, wanted, preallocate, self.dtype)
        # A float16 overflow (inf) is refused after reading, with the word named.
        with np.errstate(over="ignore"):
            return self._rows(table, wanted, declared, encoding, unicode_errors)

    def _rows(
        self, table: Rows, wanted: int, declared: int, encoding: str, unicode_errors: str
    ) -> tuple[list[str], np.ndarray]:
        vector_bytes = 4 * self.columns
        for row in range(wanted):
            self._skip_newlines()
            where = self._where()
            word = self._read_word(row, declared)
            if not self._fill(vector_bytes):
                raise TruncatedFileError(
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
            table.add_word(decode(word, encoding, unicode_errors, where), word, where)
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
            if searched > MAX_WORD_BYTES:
                raise ModelFormatError(
                    f"{self._where()}: no space ends word #{row + 1} within {MAX_WORD_BYTES} "
                    "bytes: this is not a binary word2vec file" + _TEXT_HINT
                )
            if not self._fill(searched + 1):
                problem = (
                    f"the file ends after {row} vectors, but its header declares {declared}"
                    if searched == 0
                    else f"the file ends inside word #{row + 1}"
                )
                raise TruncatedFileError(
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


class TruncatedFileError(ModelFormatError, EOFError):
    """The file ends before the vectors its header declares. A `ModelFormatError` naming the
    file and where it ends, and the `EOFError` that gensim raises for it, so code catching
    either keeps working."""


class WordDecodeError(ModelFormatError, UnicodeDecodeError):
    """A word is not valid in the file's encoding. A `ModelFormatError` naming the file and
    line or byte, and the `UnicodeDecodeError` that gensim raises, so code catching either
    keeps working."""

    def __init__(self, message: str, error: UnicodeDecodeError) -> None:
        UnicodeDecodeError.__init__(
            self, error.encoding, error.object, error.start, error.end, error.reason
        )
        self.message = message
        self.found_kind = None

    def __str__(self) -> str:
        return self.message


def decode(word: bytes, encoding: str, unicode_errors: str, where: str) -> str:
    try:
        return word.decode(encoding, unicode_errors)
    except UnicodeDecodeError as error:
        raise WordDecodeError(
            f"{where}: word {word[:60]!r} is not valid {codecs.lookup(encoding).name} "
            f"({error.reason}); pass unicode_errors='replace' or 'ignore' to load it anyway, "
            "or the right encoding=...",
            error,
        ) from None
