"""`detect_format`: a file's format told from its first bytes."""

import gzip

import numpy as np
import pytest

from skipgram import KeyedVectors, ModelFormatError
from skipgram.formats import detect_format


def vectors(rows=5, dimension=3, seed=0):
    values = np.random.default_rng(seed).standard_normal((rows, dimension)).astype(np.float32)
    return KeyedVectors([f"w{i}" for i in range(rows)], values)


@pytest.mark.parametrize("dimension", [1, 2, 50, 300])
@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2"])
def test_word2vec_files_are_told_apart_by_their_bytes(tmp_path, dimension, suffix):
    wv = vectors(dimension=dimension)
    for binary, expected in ((True, "word2vec-binary"), (False, "word2vec-text")):
        path = tmp_path / f"v{int(binary)}{suffix}"
        wv.save_word2vec_format(path, binary=binary)
        assert detect_format(path) == expected


def test_short_text_numbers_followed_by_a_next_word_are_still_text(tmp_path):
    # Four bytes per value would run past "1 2" into the next line's word.
    path = tmp_path / "v.txt"
    path.write_text("2 2\nab 1 2\ncd 3 4\n")
    assert detect_format(path) == "word2vec-text"


def test_zero_vectors_in_binary_are_binary(tmp_path):
    wv = KeyedVectors(["a", "b"], np.zeros((2, 4), dtype=np.float32))
    wv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    assert detect_format(tmp_path / "v.bin") == "word2vec-binary"


def test_skipgram_files_are_told_by_their_magic_number(tmp_path):
    vectors().save(tmp_path / "v.kv")
    assert detect_format(tmp_path / "v.kv") == "skipgram"


def test_a_file_of_no_known_format_is_refused_by_name(tmp_path):
    path = tmp_path / "notes.txt.gz"
    with gzip.open(path, "wt") as out:
        out.write("just some text\n")
    with pytest.raises(ModelFormatError, match=r"notes\.txt\.gz is neither a skipgram file"):
        detect_format(path)


def test_missing_files_and_directories_are_os_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        detect_format(tmp_path / "nope")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        detect_format(tmp_path)
