"""Tests for the word2vec-format options beyond the plain file: GloVe files (no header),
vocabulary files (fvocab), float16/float64 matrices, prefix, total_vec and append. What gensim
does with the same calls is checked in test_gensim_keyedvectors.py; these pin down skipgram's
own guarantees: errors naming the file and line, bounded reading, atomic writes."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from skipgram import KeyedVectors, ModelFormatError

WORDS = ["the", "naïve", "日本語", "b"]
MATRIX = np.arange(12, dtype=np.float32).reshape(4, 3) / 7


@pytest.fixture
def kv() -> KeyedVectors:
    return KeyedVectors(WORDS, MATRIX.copy(), counts=[40, 30, 20, 10])


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


# ---- GloVe: no header ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_glove_round_trip_is_exact(tmp_path, kv, suffix):
    path = tmp_path / f"glove.txt{suffix}"
    kv.save_word2vec_format(path, write_header=False)
    opened = gzip.open if suffix else open
    with opened(path, "rt", encoding="utf-8") as text:
        assert text.readline().split()[0] == "the"  # no "4 3" line
    loaded = KeyedVectors.load_word2vec_format(path, no_header=True)
    assert loaded.index_to_key == WORDS
    assert loaded.vectors.tobytes() == MATRIX.tobytes()
    assert KeyedVectors.load_word2vec_format(path, no_header=True, limit=2).index_to_key == [
        "the",
        "naïve",
    ]


def test_glove_file_may_end_with_blank_lines_but_not_hold_them(tmp_path):
    assert KeyedVectors.load_word2vec_format(
        write(tmp_path / "g.txt", "a 1 2\nb 3 4\n\n\n"), no_header=True
    ).index_to_key == ["a", "b"]
    with pytest.raises(ModelFormatError, match=r"g2.txt, line 3: a vector after a blank line"):
        KeyedVectors.load_word2vec_format(
            write(tmp_path / "g2.txt", "a 1 2\n\nb 3 4\n"), no_header=True
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"line 1: expected a word and its vector, found an empty line"),
        ("a\n", r"line 1: the line has a word but no numbers"),
        ("a 1 2\nb 3\n", r"line 2: expected 2 numbers after the word, found 1"),
        ("a 1 2\nb 3 x\n", r"line 2: value #2 b'x' is not a number"),
        ("2 3\na 1 2 3\n", r"line 1: '2 3' is a word2vec header.*do not pass no_header=True"),
        ("a 1 2\na 3 4\n", r"line 2: word 'a' appears twice"),
    ],
    ids=["empty", "no numbers", "short line", "not a number", "has a header", "repeated"],
)
def test_malformed_glove_files_name_the_line(tmp_path, text, message):
    with pytest.raises(ModelFormatError, match=message):
        KeyedVectors.load_word2vec_format(write(tmp_path / "g.txt", text), no_header=True)


def test_a_glove_file_read_as_word2vec_says_to_pass_no_header(tmp_path):
    path = write(tmp_path / "g.txt", "the 0.1 0.2 0.3\nof 0.4 0.5 0.6\n")
    with pytest.raises(ModelFormatError, match=r"line 1: .*pass no_header=True"):
        KeyedVectors.load_word2vec_format(path)


# ---- vocabulary files ----------------------------------------------------------------------


def test_vocabulary_file_holds_word_count_lines_in_count_order(tmp_path):
    kv = KeyedVectors(WORDS, MATRIX.copy(), counts=[5, 50, 5, 7])
    kv.save_word2vec_format(tmp_path / "v.txt", tmp_path / "vocab.txt", prefix="x_")
    assert (tmp_path / "vocab.txt").read_text(encoding="utf-8") == (
        "x_naïve 50\nx_b 7\nx_the 5\nx_日本語 5\n"
    )
    lines = (tmp_path / "v.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in lines] == ["4", "x_naïve", "x_b", "x_the", "x_日本語"]
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "v.txt", tmp_path / "vocab.txt")
    assert loaded.counts.tolist() == [50, 7, 5, 5]
    np.testing.assert_array_equal(loaded["x_b"], MATRIX[3])


def test_without_a_vocabulary_file_counts_are_placeholders(tmp_path, kv):
    kv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "v.bin", binary=True)
    assert [loaded.get_vecattr(word, "count") for word in WORDS] == [4, 3, 2, 1]


def test_a_word_missing_from_the_vocabulary_file_gets_count_zero_with_a_warning(tmp_path, kv):
    kv.save_word2vec_format(tmp_path / "v.txt")
    write(tmp_path / "vocab.txt", "the 9\nb 3\nunused 1\n")
    with pytest.warns(UserWarning, match=r"no count for 2 word\(s\).*'naïve'"):
        loaded = KeyedVectors.load_word2vec_format(tmp_path / "v.txt", tmp_path / "vocab.txt")
    assert loaded.counts.tolist() == [9, 0, 0, 3]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("the 9\nb\n", r"vocab.txt, line 2: expected 'word count'"),
        ("the 9\nb 3 4\n", r"line 2: expected 'word count'"),
        ("the -1\n", r"line 1: expected 'word count'"),
        ("the 9\nb 3\nthe 2\n", r"line 3: word 'the' appears twice \(first on line 1\)"),
        ("the " + "9" * 30 + "\n", r"line 1: expected 'word count'"),
    ],
    ids=["no count", "three fields", "negative", "repeated", "too large"],
)
def test_malformed_vocabulary_files_name_the_line(tmp_path, kv, text, message):
    kv.save_word2vec_format(tmp_path / "v.txt")
    write(tmp_path / "vocab.txt", text)
    with pytest.raises(ModelFormatError, match=message):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", tmp_path / "vocab.txt")


def test_a_vocabulary_file_line_is_bounded(tmp_path, kv):
    kv.save_word2vec_format(tmp_path / "v.txt")
    (tmp_path / "vocab.txt").write_bytes(b"x" * (1 << 17))
    with pytest.raises(ModelFormatError, match="line 1: the line is longer than"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", tmp_path / "vocab.txt")


def test_fvocab_needs_counts_and_nothing_is_written(tmp_path):
    kv = KeyedVectors(WORDS, MATRIX.copy())
    with pytest.raises(ValueError, match="cannot write fvocab: these vectors have no counts"):
        kv.save_word2vec_format(tmp_path / "v.txt", tmp_path / "vocab.txt")
    assert list(tmp_path.iterdir()) == []


def test_sort_attr_other_than_count_is_refused(tmp_path, kv):
    with pytest.raises(ValueError, match="one attribute per key, 'count', not 'sample_int'"):
        kv.save_word2vec_format(tmp_path / "v.txt", sort_attr="sample_int")


# ---- header, prefix, append ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_append_completes_a_file_whose_header_declares_the_total(tmp_path, suffix):
    path = tmp_path / f"v.txt{suffix}"
    first = KeyedVectors(WORDS[:2], MATRIX[:2].copy())
    second = KeyedVectors(WORDS[2:], MATRIX[2:].copy())
    first.save_word2vec_format(path, total_vec=4)
    second.save_word2vec_format(path, write_header=False, append=True)
    loaded = KeyedVectors.load_word2vec_format(path)
    assert loaded.index_to_key == WORDS
    assert loaded.vectors.tobytes() == MATRIX.tobytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_a_prefix_with_whitespace_is_refused(tmp_path, kv):
    with pytest.raises(ValueError, match="prefix 'a b' contains whitespace"):
        kv.save_word2vec_format(tmp_path / "v.txt", prefix="a b")


@pytest.mark.parametrize("total_vec", [-1, 2.5, True])
def test_total_vec_must_be_a_count(tmp_path, kv, total_vec):
    with pytest.raises(ValueError, match="total_vec"):
        kv.save_word2vec_format(tmp_path / "v.txt", total_vec=total_vec)


# ---- datatype ------------------------------------------------------------------------------


@pytest.mark.parametrize("datatype", [np.float16, np.float64])
def test_text_keeps_the_precision_of_float16_and_float64(tmp_path, datatype):
    vectors = (np.arange(6).reshape(2, 3) / 3).astype(datatype)
    KeyedVectors(["a", "b"], vectors).save_word2vec_format(tmp_path / "v.txt")
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "v.txt", datatype=datatype)
    assert loaded.vectors.dtype == datatype
    assert loaded.vectors.tobytes() == vectors.tobytes()


def test_a_value_beyond_float16_is_refused_naming_the_word(tmp_path):
    write(tmp_path / "v.txt", "2 2\na 1 2\nbig 70000 1\n")
    with pytest.raises(ModelFormatError, match=r"vector of 'big'.*beyond float16's range"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", datatype=np.float16)


@pytest.mark.parametrize("datatype", [np.int32, "float128", object])
def test_datatype_must_be_a_float_type(tmp_path, kv, datatype):
    kv.save_word2vec_format(tmp_path / "v.txt")
    with pytest.raises(
        TypeError, match=r"datatype must be np\.float16, np\.float32 or np\.float64"
    ):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", datatype=datatype)


@pytest.mark.parametrize("datatype", [np.float16, np.float64])
def test_skipgram_format_keeps_float16_and_float64(tmp_path, datatype):
    kv = KeyedVectors(WORDS, MATRIX.astype(datatype), counts=[4, 3, 2, 1])
    kv.save(tmp_path / "kv.sg")
    loaded = KeyedVectors.load(tmp_path / "kv.sg")
    assert loaded.vectors.dtype == datatype
    assert loaded.vectors.tobytes() == kv.vectors.tobytes()
