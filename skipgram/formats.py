"""Which format a vectors or model file is in, told from its first bytes.

A skipgram file starts with the magic number `SKIPGRAM` (`skipgram.io`). A word2vec.c file
(`skipgram.word2vec_format`, possibly .gz/.bz2 compressed, decompressed by its name) starts
with the header line "V d"; then the text format goes on with decimal numbers, the binary
format with raw float32 bytes, which are almost never all digits, signs and spaces.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import smart_open

from skipgram.io import MAGIC, ModelFormatError

SKIPGRAM = "skipgram"
WORD2VEC_BINARY = "word2vec-binary"
WORD2VEC_TEXT = "word2vec-text"
FORMATS = (SKIPGRAM, WORD2VEC_BINARY, WORD2VEC_TEXT)

_HEADER = re.compile(rb"\s*(\d{1,12})[ \t]+(\d{1,9})[ \t]*\r?\n")
_HEADER_BYTES = 100  # a real header is a few digits
_TEXT_BYTES = frozenset(b"0123456789+-.eE \t\r\nnaifNAIF")  # numbers, nan/inf, separators
_SAMPLE_VALUES = 64  # float32 values after the first word looked at (256 bytes in binary)


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format of the file at `path`: "skipgram" (a model or vectors saved by skipgram),
    "word2vec-binary" or "word2vec-text".

    Raises:
        FileNotFoundError, IsADirectoryError: `path` is not a readable file.
        ModelFormatError: the file is in none of these formats.
    """
    local = Path(path).expanduser()
    if local.is_dir():
        raise IsADirectoryError(f"{os.fspath(path)} is a directory, not a vectors or model file")
    with open(local, "rb") as raw:  # FileNotFoundError names the path
        if raw.read(len(MAGIC)) == MAGIC:
            return SKIPGRAM
    with smart_open.open(os.fspath(local), "rb") as stream:  # decompressed by extension
        start = stream.read(_HEADER_BYTES + 4 * _SAMPLE_VALUES + 1_000)
    header = _HEADER.match(start)
    if header is None:
        first_line = start.split(b"\n", 1)[0][:60]
        raise ModelFormatError(
            f"{os.fspath(path)} is neither a skipgram file (no SKIPGRAM magic number) nor a "
            f"word2vec file (its first line {first_line!r} is not 'V d', the number of "
            "vectors and their dimension)"
        )
    body = start[header.end() :]
    word_end = body.find(b" ")
    if word_end < 0:
        return WORD2VEC_TEXT  # no vector after the header to tell by (an empty file)
    # The first vector: text is numbers up to the end of its line (never an empty line);
    # binary is 4·d raw bytes, in which a newline byte may occur anywhere.
    dimension = int(header[2])
    sample = body[word_end + 1 : word_end + 1 + 4 * min(dimension, _SAMPLE_VALUES)]
    line = sample.split(b"\n", 1)[0]
    return WORD2VEC_TEXT if line and set(line) <= _TEXT_BYTES else WORD2VEC_BINARY
