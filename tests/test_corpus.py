"""Tests for skipgram.corpus: streaming readers and corpus validation."""

from __future__ import annotations

import bz2
import gzip
import io
from pathlib import Path

import numpy as np
import pytest

from skipgram.corpus import (
    LineSentence,
    PathLineSentences,
    Text8Corpus,
    check_sentences,
    is_one_shot,
    iter_checked,
    same_corpus,
)

TEXT = "the quick brown fox\njumps over\n\nthe lazy dog\n"
SENTENCES = [["the", "quick", "brown", "fox"], ["jumps", "over"], ["the", "lazy", "dog"]]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- LineSentence -------------------------------------------------------------------------


def test_line_sentence_reads_plain_file(tmp_path):
    assert list(LineSentence(write(tmp_path / "c.txt", TEXT))) == SENTENCES


def test_line_sentence_accepts_str_path(tmp_path):
    assert list(LineSentence(str(write(tmp_path / "c.txt", TEXT)))) == SENTENCES


@pytest.mark.parametrize(("suffix", "opener"), [(".gz", gzip.open), (".bz2", bz2.open)])
def test_line_sentence_reads_compressed_file(tmp_path, suffix, opener):
    path = tmp_path / f"c.txt{suffix}"
    with opener(path, "wt", encoding="utf-8") as f:
        f.write(TEXT)
    assert list(LineSentence(path)) == SENTENCES


def test_line_sentence_splits_on_any_whitespace(tmp_path):
    path = write(tmp_path / "c.txt", "a\tb  c\u00a0d\r\n e \n")
    assert list(LineSentence(path)) == [["a", "b", "c", "d"], ["e"]]


def test_line_sentence_skips_blank_and_whitespace_only_lines(tmp_path):
    path = write(tmp_path / "c.txt", "\n\na b\n   \n\t\nc\n\n")
    assert list(LineSentence(path)) == [["a", "b"], ["c"]]


def test_line_sentence_is_restartable(tmp_path):
    corpus = LineSentence(write(tmp_path / "c.txt", TEXT))
    assert list(corpus) == list(corpus) == SENTENCES


def test_line_sentence_chunks_long_lines_without_dropping_tokens(tmp_path):
    tokens = [f"w{i}" for i in range(25)]
    path = write(tmp_path / "c.txt", " ".join(tokens) + "\nshort line\n")
    sentences = list(LineSentence(path, max_sentence_length=10))
    assert [len(s) for s in sentences] == [10, 10, 5, 2]
    assert [t for s in sentences[:3] for t in s] == tokens


def test_line_sentence_keeps_line_of_exactly_max_length_whole(tmp_path):
    path = write(tmp_path / "c.txt", "a b c\n")
    assert list(LineSentence(path, max_sentence_length=3)) == [["a", "b", "c"]]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10", None])
def test_line_sentence_rejects_bad_max_sentence_length(tmp_path, bad):
    with pytest.raises(ValueError, match="max_sentence_length must be a positive int"):
        LineSentence(write(tmp_path / "c.txt", TEXT), max_sentence_length=bad)


def test_line_sentence_text_file_object_restarts(tmp_path):
    fileobj = io.StringIO(TEXT)
    corpus = LineSentence(fileobj)
    assert list(corpus) == SENTENCES
    assert list(corpus) == SENTENCES


def test_line_sentence_rewinds_partially_read_file_object():
    fileobj = io.StringIO(TEXT)
    fileobj.readline()
    assert list(LineSentence(fileobj)) == SENTENCES


def test_line_sentence_binary_file_object_is_decoded_and_restarts():
    corpus = LineSentence(io.BytesIO("héllo wörld\n\nnaïve\n".encode()))
    expected = [["héllo", "wörld"], ["naïve"]]
    assert list(corpus) == expected
    assert list(corpus) == expected


def test_line_sentence_binary_file_object_uses_given_encoding():
    corpus = LineSentence(io.BytesIO("café crème\n".encode("latin-1")), encoding="latin-1")
    assert list(corpus) == [["café", "crème"]]


class NonSeekableText(io.StringIO):
    def seekable(self) -> bool:
        return False


def test_line_sentence_non_seekable_file_object_second_pass_raises():
    corpus = LineSentence(NonSeekableText(TEXT))
    assert list(corpus) == SENTENCES
    with pytest.raises(ValueError, match="not seekable"):
        iter(corpus)


def test_line_sentence_missing_file_raises_at_construction(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError, match=r"nope\.txt"):
        LineSentence(missing)


def test_line_sentence_directory_raises_at_construction(tmp_path):
    with pytest.raises(IsADirectoryError):
        LineSentence(tmp_path)


def test_line_sentence_remote_url_is_not_checked_at_construction():
    corpus = LineSentence("s3://some-bucket/corpus.txt")
    assert corpus.source == "s3://some-bucket/corpus.txt"


def test_line_sentence_strict_decode_error_names_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good line\nstill good\nbad \xff byte\nafter\n")
    with pytest.raises(ValueError, match="errors='replace'") as info:
        list(LineSentence(path))
    assert "bad.txt" in str(info.value)
    assert "line 3:" in str(info.value)


def test_line_sentence_decode_error_line_is_exact_beyond_first_read_chunk(tmp_path):
    # The text decoder reads ahead in chunks; the reported line must still be the bad one.
    path = tmp_path / "bad.txt"
    path.write_bytes(b"some ordinary words here\n" * 5000 + b"caf\xe9\n" + b"more words\n" * 10)
    with pytest.raises(ValueError, match="line 5001:"):
        list(LineSentence(path))


def test_line_sentence_strict_decode_error_in_binary_file_object_names_line():
    fileobj = io.BytesIO(b"ok\nok too\n\xc3\x28 broken\n")
    with pytest.raises(ValueError, match="at line 3:"):
        list(LineSentence(fileobj))


def test_line_sentence_errors_replace_substitutes_replacement_char(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"ok\nbad \xff byte\n")
    assert list(LineSentence(path, errors="replace")) == [["ok"], ["bad", "\ufffd", "byte"]]


@pytest.mark.parametrize(
    ("line_end", "bad_line"), [("\n", 3), ("\r", 3), ("\r\n", 3)], ids=["LF", "CR", "CRLF"]
)
def test_line_sentence_decode_error_line_counts_every_kind_of_line_end(
    tmp_path, line_end, bad_line
):
    # Text files end lines at "\r" too; the reported line is the one LineSentence was on.
    path = tmp_path / "bad.txt"
    lines = [b"one", b"two", b"thr\xffee", b"four"]
    path.write_bytes(line_end.encode().join(lines) + line_end.encode())
    with pytest.raises(ValueError, match=f"line {bad_line}:"):
        list(LineSentence(path))


def test_line_sentence_decode_error_line_is_exact_with_crlf_cut_by_read_chunks(tmp_path):
    # The error path re-reads the file in 64 KiB blocks; a "\r\n" cut by a block edge (its
    # "\r" is byte 65535) still ends one line, not two.
    path = tmp_path / "bad.txt"
    path.write_bytes(b"x" * 65535 + b"\r\n" + b"two\r\nthree\r\nfo\xffur\r\n")
    with pytest.raises(ValueError, match="line 4:"):
        list(LineSentence(path))


@pytest.mark.parametrize("errors", ["strict", "replace"])
def test_line_sentence_decode_policy_applies_to_compressed_files(tmp_path, errors):
    path = tmp_path / "bad.txt.gz"
    with gzip.open(path, "wb") as f:
        f.write(b"ok\nbad \xff byte\n")
    corpus = LineSentence(path, errors=errors)
    if errors == "strict":
        with pytest.raises(ValueError, match=r"bad\.txt\.gz.*line 2:"):
            list(corpus)
    else:
        assert list(corpus) == [["ok"], ["bad", "\ufffd", "byte"]]


@pytest.mark.parametrize(
    "reader", [LineSentence, PathLineSentences], ids=["LineSentence", "PathLineSentences"]
)
def test_unknown_error_handler_is_refused_at_construction(tmp_path, reader):
    path = write(tmp_path / "c.txt", TEXT)
    with pytest.raises(ValueError, match="'strict' or 'replace', got 'replaec'"):
        reader(path, errors="replaec")


def test_unknown_encoding_is_refused_at_construction(tmp_path):
    with pytest.raises(ValueError, match="unknown encoding 'utf-9'"):
        LineSentence(write(tmp_path / "c.txt", TEXT), encoding="utf-9")


# --- Text8Corpus --------------------------------------------------------------------------


def text8_tokens(n: int) -> list[str]:
    # Mixed lengths and multi-byte UTF-8 so block boundaries fall inside tokens and characters.
    return [("anarchism", "é", "of", "naïveté", "x")[i % 5] + str(i) for i in range(n)]


@pytest.mark.parametrize("block_size", [1, 2, 3, 7, 64, 1 << 20])
def test_text8_reassembles_tokens_across_block_boundaries(tmp_path, block_size):
    tokens = text8_tokens(103)
    path = write(tmp_path / "text8", " " + " ".join(tokens) + "  ")
    sentences = list(Text8Corpus(path, max_sentence_length=10, block_size=block_size))
    assert [t for s in sentences for t in s] == tokens


def test_text8_yields_sentences_of_exact_length_with_shorter_last(tmp_path):
    path = write(tmp_path / "text8", " ".join(text8_tokens(23)))
    sentences = list(Text8Corpus(path, max_sentence_length=10, block_size=4))
    assert [len(s) for s in sentences] == [10, 10, 3]


def test_text8_token_count_multiple_of_length_has_no_empty_tail(tmp_path):
    path = write(tmp_path / "text8", " ".join(text8_tokens(20)) + "\n")
    sentences = list(Text8Corpus(path, max_sentence_length=10, block_size=5))
    assert [len(s) for s in sentences] == [10, 10]


def test_text8_treats_newlines_and_tabs_as_separators(tmp_path):
    path = write(tmp_path / "text8", "a b\nc\td\n\ne")
    assert list(Text8Corpus(path, block_size=2)) == [["a", "b", "c", "d", "e"]]


def test_text8_strict_decode_error_names_file(tmp_path):
    path = tmp_path / "text8-bad"
    path.write_bytes(b"good words \xff here")
    with pytest.raises(ValueError, match=r"text8-bad.*errors='replace'"):
        list(Text8Corpus(path, block_size=4))


def test_text8_errors_replace_substitutes_replacement_char(tmp_path):
    path = tmp_path / "text8"
    path.write_bytes(b"a \xff b\xe2\x80 c")
    assert list(Text8Corpus(path, errors="replace", block_size=3)) == [
        ["a", "\ufffd", "b\ufffd", "c"]
    ]


def test_text8_unknown_error_handler_is_refused_at_construction(tmp_path):
    with pytest.raises(ValueError, match="errors must be"):
        Text8Corpus(write(tmp_path / "text8", "a b"), errors="bogus")


def test_text8_errors_ignore_never_yields_empty_tokens(tmp_path):
    path = tmp_path / "text8"
    path.write_bytes(b"a \xff\xfe b\xffc")
    assert list(Text8Corpus(path, errors="ignore", block_size=3)) == [["a", "bc"]]


def test_text8_is_restartable(tmp_path):
    corpus = Text8Corpus(write(tmp_path / "text8", " ".join(text8_tokens(50))), 7, block_size=3)
    assert list(corpus) == list(corpus)


def test_text8_reads_gzip(tmp_path):
    path = tmp_path / "text8.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(" ".join(text8_tokens(30)))
    sentences = list(Text8Corpus(path, max_sentence_length=100, block_size=8))
    assert sentences == [text8_tokens(30)]


def test_text8_empty_file_yields_nothing(tmp_path):
    assert list(Text8Corpus(write(tmp_path / "text8", ""))) == []


def test_text8_missing_file_raises_at_construction(tmp_path):
    with pytest.raises(FileNotFoundError, match="text8-missing"):
        Text8Corpus(tmp_path / "text8-missing")


def test_text8_rejects_bad_block_size(tmp_path):
    with pytest.raises(ValueError, match="block_size"):
        Text8Corpus(write(tmp_path / "text8", "a b"), block_size=0)


# --- PathLineSentences --------------------------------------------------------------------


def test_path_line_sentences_reads_directory_files_in_name_order(tmp_path):
    write(tmp_path / "b.txt", "second file\n")
    write(tmp_path / "a.txt", "first file\n")
    write(tmp_path / "c.txt", "third\n")
    assert list(PathLineSentences(tmp_path)) == [["first", "file"], ["second", "file"], ["third"]]


def test_path_line_sentences_skips_hidden_files_and_subdirectories(tmp_path):
    write(tmp_path / "a.txt", "visible\n")
    write(tmp_path / ".hidden", "secret\n")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "nested.txt", "nested\n")
    assert list(PathLineSentences(tmp_path)) == [["visible"]]


def test_path_line_sentences_reads_compressed_files_and_chunks(tmp_path):
    with gzip.open(tmp_path / "a.txt.gz", "wt", encoding="utf-8") as f:
        f.write("a b c d e\n")
    corpus = PathLineSentences(tmp_path, max_sentence_length=2)
    assert list(corpus) == [["a", "b"], ["c", "d"], ["e"]]


def test_path_line_sentences_accepts_single_file(tmp_path):
    assert list(PathLineSentences(write(tmp_path / "c.txt", TEXT))) == SENTENCES


def test_path_line_sentences_is_restartable(tmp_path):
    write(tmp_path / "a.txt", "one two\n")
    write(tmp_path / "b.txt", "three\n")
    corpus = PathLineSentences(tmp_path)
    assert list(corpus) == list(corpus) == [["one", "two"], ["three"]]


def test_path_line_sentences_empty_directory_raises_naming_it(tmp_path):
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    write(empty / ".only-hidden", "x\n")
    with pytest.raises(ValueError, match="empty-dir"):
        PathLineSentences(empty)


def test_path_line_sentences_strict_decode_error_names_the_file_and_line(tmp_path):
    write(tmp_path / "a.txt", "fine\n")
    (tmp_path / "b.txt").write_bytes(b"fine\nbroken \xc3\x28\n")
    with pytest.raises(ValueError, match=r"b\.txt.*line 2:"):
        list(PathLineSentences(tmp_path))


def test_path_line_sentences_errors_replace_applies_to_every_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"x\xff\n")
    (tmp_path / "b.txt").write_bytes(b"\xfe y\n")
    corpus = PathLineSentences(tmp_path, errors="replace")
    assert list(corpus) == [["x\ufffd"], ["\ufffd", "y"]]


def test_path_line_sentences_skips_stale_temporary_files_of_interrupted_saves(tmp_path):
    # A save killed mid-write leaves a hidden ".NAME.<hex>.tmp" file (see skipgram.io).
    write(tmp_path / "a.txt", "kept\n")
    (tmp_path / ".model.sg.0123456789abcdef.tmp").write_bytes(b"SKIPGRAM\xff")
    assert list(PathLineSentences(tmp_path)) == [["kept"]]


def test_readers_with_another_decoding_policy_are_not_the_same_corpus(tmp_path):
    # Otherwise train(reader_with_replace) would replay ids read under the other policy.
    write(tmp_path / "a.txt", "a b\n")
    for reader in (LineSentence, PathLineSentences):
        path = tmp_path if reader is PathLineSentences else tmp_path / "a.txt"
        assert same_corpus(reader(path), reader(path))
        assert not same_corpus(reader(path), reader(path, errors="replace"))
        assert not same_corpus(reader(path), reader(path, encoding="latin-1"))


def test_path_line_sentences_missing_path_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing-dir"):
        PathLineSentences(tmp_path / "missing-dir")


# --- is_one_shot ------------------------------------------------------------------------------


def test_is_one_shot_true_for_generators_and_iterators():
    assert is_one_shot(s for s in SENTENCES)
    assert is_one_shot(iter(SENTENCES))


def test_is_one_shot_false_for_restartable_corpora(tmp_path):
    assert not is_one_shot(SENTENCES)
    assert not is_one_shot(tuple(SENTENCES))
    assert not is_one_shot(LineSentence(write(tmp_path / "c.txt", TEXT)))


def test_is_one_shot_does_not_start_a_non_seekable_line_sentence():
    corpus = LineSentence(NonSeekableText(TEXT))
    assert not is_one_shot(corpus)
    assert list(corpus) == SENTENCES


def test_is_one_shot_never_raises_on_odd_objects():
    assert not is_one_shot(None)
    assert not is_one_shot(42)


# --- check_sentences ----------------------------------------------------------------------


def test_check_sentences_str_suggests_line_sentence():
    with pytest.raises(TypeError, match=r"got str — did you mean LineSentence\(path\)\?"):
        check_sentences("corpus.txt")


def test_check_sentences_bytes_suggests_line_sentence():
    with pytest.raises(TypeError, match=r"got bytes — .*LineSentence\(path\)"):
        check_sentences(b"corpus.txt")


def test_check_sentences_path_suggests_line_sentence(tmp_path):
    with pytest.raises(TypeError, match=r"got \w*Path — .*LineSentence\(path\)"):
        check_sentences(tmp_path / "corpus.txt")


def test_check_sentences_none_is_rejected():
    with pytest.raises(TypeError, match="iterable of lists of str tokens, got NoneType"):
        check_sentences(None)


def test_check_sentences_non_iterable_is_rejected():
    with pytest.raises(TypeError, match="got int — it is not iterable"):
        check_sentences(42)


def test_check_sentences_raw_file_object_suggests_wrapping():
    with pytest.raises(TypeError, match=r"LineSentence\(fileobj\)"):
        check_sentences(io.StringIO(TEXT))


def test_check_sentences_accepts_valid_corpora_without_consuming(tmp_path):
    generator = (s for s in SENTENCES)
    for corpus in (SENTENCES, generator, LineSentence(write(tmp_path / "c.txt", TEXT))):
        assert check_sentences(corpus) is None
    assert list(generator) == SENTENCES


# --- iter_checked -------------------------------------------------------------------------


def test_iter_checked_passes_valid_sentences_through_unchanged():
    corpus = [["a", "b"], ("c",), [], [np.str_("d")]]
    assert list(iter_checked(corpus)) == corpus


def test_iter_checked_str_sentence_names_index_and_fix():
    checked = iter_checked([["ok"], "not split"])
    assert next(checked) == ["ok"]
    with pytest.raises(TypeError, match=r"got str at sentence 1 — split it, e\.g\. text\.split"):
        next(checked)


def test_iter_checked_non_list_sentence_names_type_and_index():
    with pytest.raises(TypeError, match="got set at sentence 2"):
        list(iter_checked([["a"], ["b"], {"c"}]))


def test_iter_checked_non_str_token_names_sentence_position_and_type():
    with pytest.raises(TypeError, match="got int 7 at sentence 1, token 2"):
        list(iter_checked([["a"], ["b", "c", 7, "d"]]))


def test_iter_checked_bytes_token_suggests_decoding():
    with pytest.raises(TypeError, match=r"got bytes b'x' at sentence 0, token 0 — decode"):
        list(iter_checked([[b"x"]]))
