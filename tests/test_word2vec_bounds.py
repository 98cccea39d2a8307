"""Hostile word2vec files: memory stays proportional to what the header declares, a line to what
d numbers can need, trailing data is bounded, `limit` stops reading; forged headers and
non-files are refused by name."""

from __future__ import annotations

import gzip
import os
import tracemalloc

import numpy as np
import pytest

from skipgram import KeyedVectors
from skipgram.io import ModelFormatError
from skipgram.word2vec_format import MAX_FILE_DIMENSION, MAX_TRAILING_BYTES

BOMB_BYTES = 64 << 20  # decompressed size of each bomb; ~64 KiB on disk


def _gz(path, *parts: bytes) -> None:
    with gzip.open(path, "wb", compresslevel=9) as out:
        for part in parts:
            out.write(part)


def _peak_bytes(load) -> int:
    tracemalloc.start()
    try:
        load()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_one_line_text_bomb_is_refused_with_bounded_memory(tmp_path):
    path = tmp_path / "line.txt.gz"
    _gz(path, b"1 3\nword ", b"1" * BOMB_BYTES, b"\n")
    assert path.stat().st_size < BOMB_BYTES // 100

    def load():
        with pytest.raises(ModelFormatError, match="line 2: the line is longer than"):
            KeyedVectors.load_word2vec_format(path)

    assert _peak_bytes(load) < 8 << 20


def test_blank_lines_after_the_records_are_bounded(tmp_path):
    path = tmp_path / "blank.txt.gz"
    _gz(path, b"1 2\na 1 2\n", b"\n" * BOMB_BYTES)

    def load():
        with pytest.raises(ModelFormatError, match=f"more than {MAX_TRAILING_BYTES} bytes"):
            KeyedVectors.load_word2vec_format(path)

    assert _peak_bytes(load) < 8 << 20


def test_a_few_trailing_blank_lines_are_fine(tmp_path):
    path = tmp_path / "ok.txt"
    path.write_bytes(b"1 2\na 1 2\n\n\n")
    assert KeyedVectors.load_word2vec_format(path).index_to_key == ["a"]


def test_limit_stops_reading_after_the_limit(tmp_path):
    path = tmp_path / "limit.txt.gz"
    _gz(path, b"2 2\na 1 2\nb 3 4\n", b"\n" * BOMB_BYTES, b"garbage that is never read\n")
    loaded = {}

    def load():
        loaded["kv"] = KeyedVectors.load_word2vec_format(path, limit=1)

    assert _peak_bytes(load) < 8 << 20
    assert loaded["kv"].index_to_key == ["a"]


def test_blank_binary_tail_is_bounded(tmp_path):
    path = tmp_path / "blank.bin.gz"
    record = b"a " + np.array([1, 2], dtype="<f4").tobytes() + b"\n"
    _gz(path, b"1 2\n", record, b"\n" * BOMB_BYTES)

    def load():
        with pytest.raises(ModelFormatError, match="newlines follow the last vector"):
            KeyedVectors.load_word2vec_format(path, binary=True)

    assert _peak_bytes(load) < 8 << 20


def test_a_binary_word_without_end_is_bounded(tmp_path):
    path = tmp_path / "word.bin.gz"
    _gz(path, b"1 2\n", b"x" * BOMB_BYTES)

    def load():
        with pytest.raises(ModelFormatError, match="no space ends word #1"):
            KeyedVectors.load_word2vec_format(path, binary=True)

    assert _peak_bytes(load) < 8 << 20


@pytest.mark.parametrize(
    "header",
    [b"0 9999999999999999999\n", f"1 {MAX_FILE_DIMENSION + 1}\n".encode(), b"99999999999 2\n"],
)
@pytest.mark.parametrize("binary", [False, True])
def test_a_forged_header_is_a_model_format_error_naming_the_file(tmp_path, header, binary):
    path = tmp_path / "forged.gz"  # compressed: the file size cannot vouch for the header
    _gz(path, header, b"a 1 2\n")
    with pytest.raises(ModelFormatError, match=r"forged\.gz, line 1: the header declares"):
        KeyedVectors.load_word2vec_format(path, binary=binary)


def test_words_decoding_to_one_key_keep_the_first_vector_with_a_warning(tmp_path):
    # Two different byte strings become U+FFFD under unicode_errors="replace"; gensim loads such
    # files (keeping the first), and so do we, saying which vector was left out.
    path = tmp_path / "dup.txt"
    path.write_bytes(b"3 1\n\xff 1\nok 2\n\xfe 3\n")
    with pytest.warns(UserWarning, match=r"line 4: word b'\\xfe' decodes to '\ufffd'"):
        kv = KeyedVectors.load_word2vec_format(path, unicode_errors="replace")
    assert kv.index_to_key == ["\ufffd", "ok"]
    np.testing.assert_array_equal(kv.vectors, [[1.0], [2.0]])


def test_the_same_word_twice_is_still_malformed(tmp_path):
    path = tmp_path / "dup.txt"
    path.write_bytes(b"2 1\na 1\na 2\n")
    with pytest.raises(ModelFormatError, match="appears twice"):
        KeyedVectors.load_word2vec_format(path, unicode_errors="replace")


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_path_that_is_not_a_file_is_refused(tmp_path, kind):
    path = tmp_path / "thing"
    if kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)  # opening it to read would block until a writer came
    with pytest.raises(ModelFormatError, match="not a regular file"):
        KeyedVectors.load_word2vec_format(path)
