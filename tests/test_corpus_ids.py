"""The corpus as word ids: one pass, replayed as batches that keep every sentence whole."""

import os

import numpy as np
import pytest

from skipgram import LineSentence, PathLineSentences, SkipGram, Text8Corpus
from skipgram.corpus import Utf8Files
from skipgram.corpus_ids import CorpusIds

SENTENCES = [["a", "b", "c"], ["b", "zz", "a", "a"], [], ["c"], ["zz", "zz"], ["a", "b"]]


def replay(ids: CorpusIds, remap=None, batch_words=10_000):
    """The sentences a stream of batches holds, as lists of ids."""
    sentences = []
    for batch in ids.batches(remap, batch_words):
        ends = batch.sentence_ends
        starts = np.concatenate([[0], ends[:-1]])
        sentences += [batch.words[s:e].tolist() for s, e in zip(starts, ends, strict=True)]
    return sentences


def test_a_scan_numbers_words_by_first_appearance_and_counts_them():
    ids = CorpusIds.scan(SENTENCES)
    assert ids.keys == ["a", "b", "c", "zz"]
    assert ids.counts().tolist() == [4, 3, 2, 3]
    assert ids.total_words == 12 and ids.total_sentences == 6


def test_replay_drops_out_of_vocabulary_words_but_keeps_sentences_and_raw_counts():
    ids = CorpusIds.scan(SENTENCES)
    remap = np.array([0, 1, 2, -1], np.int32)  # "zz" is not in the vocabulary
    assert replay(ids, remap) == [[0, 1, 2], [1, 0, 0], [], [2], [], [0, 1]]
    assert sum(b.raw_words for b in ids.batches(remap)) == 12


def test_a_scan_against_a_vocabulary_marks_unknown_words():
    ids = CorpusIds.scan(SENTENCES, vocabulary={"a": 0, "c": 1})
    assert replay(ids) == [[0, 1], [0, 0], [], [1], [], [0]]


def test_batches_hold_whole_sentences_of_about_batch_words_tokens():
    sentences = [[f"w{i % 7}"] * (1 + i % 5) for i in range(1000)]
    ids = CorpusIds.scan(sentences)
    batches = list(ids.batches(None, batch_words=50))
    assert all(b.raw_words <= 50 for b in batches)
    assert sum(b.raw_words for b in batches) > 45 * len(batches)  # and not much less
    assert sum(len(b.sentence_ends) for b in batches) == 1000
    assert replay(ids, None, 50) == replay(ids, None, 10**9)


def test_a_sentence_longer_than_a_batch_is_a_batch_of_its_own_and_whole():
    ids = CorpusIds.scan([["x"] * 5, ["y"] * 100_000, ["x"] * 5])
    batches = list(ids.batches(None, batch_words=10))
    assert [b.raw_words for b in batches] == [5, 100_000, 5]


def test_spilling_to_a_temporary_file_replays_the_same_ids(tmp_path):
    rng = np.random.default_rng(0)
    sentences = [[f"w{j}" for j in rng.integers(0, 30, 9)] for _ in range(200)]
    in_memory = CorpusIds.scan(sentences)
    spilled = CorpusIds.scan(sentences, memory_limit=64)
    assert spilled.spilled and not in_memory.spilled
    assert replay(spilled) == replay(in_memory)
    assert spilled.counts().tolist() == in_memory.counts().tolist()


def test_a_stream_spilled_part_way_through_replays_the_same_ids():
    # Counting hands its ids over every 4096 sentences (48 KiB of ids here), so the store
    # spills at the second hand-over, after holding the first in memory.
    rng = np.random.default_rng(1)
    sentences = [[f"w{j}" for j in rng.integers(0, 30, 3)] for _ in range(20_000)]
    in_memory = CorpusIds.scan(sentences)
    _, spilled = CorpusIds.count(sentences, max_vocab_size=100, memory_limit=60_000)
    assert spilled.spilled
    assert replay(spilled) == replay(in_memory)


def test_training_on_an_equal_reader_reuses_the_vocabulary_pass(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b c a b\nb c a\n" * 50)
    model = SkipGram(vector_size=8, min_count=1, epochs=1, workers=1)
    model.build_vocab(LineSentence(path))
    # Rewritten in place with words the vocabulary lacks, keeping the size, inode and
    # modification time the reader's identity compares: read again, the file would give no
    # known word and train() would refuse it; replayed, the counted pass trains.
    state = path.stat()
    with open(path, "r+b") as file:
        file.write(b"x y z x y\ny z x\n" * 50)
    os.utime(path, ns=(state.st_atime_ns, state.st_mtime_ns))
    model.train(LineSentence(path))
    assert model.epochs_trained == 1 and model.last_epoch.raw_words == 400


def test_training_on_another_corpus_reads_it_once(tmp_path):
    class CountingCorpus:
        passes = 0

        def __iter__(self):
            CountingCorpus.passes += 1
            return iter([["a", "b", "c"]] * 100)

    model = SkipGram([["a", "b", "c"]] * 100, vector_size=8, min_count=1, workers=1)
    model.train(CountingCorpus(), epochs=3)
    assert CountingCorpus.passes == 1
    assert model.last_epoch.raw_words == 300


def _text_corpus(tmp_path, name="c.txt.gz"):
    import gzip

    rng = np.random.default_rng(3)
    words = ["a", "bb", "ccc", "déjà", "naïve", "x" * 40, "日本"]
    lines = [" ".join(rng.choice(words, rng.integers(0, 30))) for _ in range(3000)]
    path = tmp_path / name
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\r\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("vocabulary", [None, {"ccc": 0, "日本": 1, "a": 2}])
def test_the_compiled_reader_gives_the_same_ids_as_the_python_path(tmp_path, vocabulary):
    path = _text_corpus(tmp_path)
    compiled = CorpusIds.scan(LineSentence(path, max_sentence_length=7), vocabulary)
    python = CorpusIds.scan(list(LineSentence(path, max_sentence_length=7)), vocabulary)
    assert compiled.keys == python.keys
    np.testing.assert_array_equal(compiled.ids, python.ids)
    np.testing.assert_array_equal(compiled.sentence_lengths, python.sentence_lengths)


def test_invalid_utf8_still_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine words\nmore words\nbroken \xff byte\n")
    with pytest.raises(ValueError, match="line 3"):
        CorpusIds.scan(LineSentence(path))


def _broken_corpus(tmp_path, name="broken.txt"):
    """Words with invalid UTF-8 of several kinds, many repeated, in a mostly clean text."""
    rng = np.random.default_rng(4)
    words = [b"a", b"bb", "d\u00e9j\u00e0".encode(), b"x\xff", b"\xff", b"\xe2\x80", b"\xc0\x80z"]
    lines = [b" ".join(rng.choice(words, rng.integers(0, 20))) for _ in range(2000)]
    path = tmp_path / name
    path.write_bytes(b"\n".join(lines) + b"\xf0\x9f")  # and a truncated character at the end
    return path


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class Observed:
    """A reader passed on through the public protocol, counting what a scan asks of it: how
    often it is iterated (the Python path) and how often its files are asked for."""

    def __init__(self, reader):
        self.reader = reader
        self.passes = self.asked = 0

    def __iter__(self):
        self.passes += 1
        return iter(self.reader)

    def utf8_files(self):
        self.asked += 1
        return self.reader.utf8_files()


@pytest.mark.parametrize("vocabulary", [None, {"\ufffd": 0, "a": 1, "x\ufffd": 2}])
def test_errors_replace_is_read_by_the_compiled_reader_with_the_same_ids(tmp_path, vocabulary):
    path = _broken_corpus(tmp_path)
    reader = Observed(LineSentence(path, 5, errors="replace"))
    compiled = CorpusIds.scan(reader, vocabulary)
    assert (reader.asked, reader.passes) == (1, 0)  # read in C, never iterated
    python = CorpusIds.scan(list(LineSentence(path, 5, errors="replace")), vocabulary)
    assert "x\ufffd" in python.keys
    assert compiled.keys == python.keys
    np.testing.assert_array_equal(compiled.ids, python.ids)
    np.testing.assert_array_equal(compiled.sentence_lengths, python.sentence_lengths)


def test_errors_replace_over_a_directory_uses_the_compiled_reader(tmp_path):
    _broken_corpus(tmp_path, "a.txt")
    _text_corpus(tmp_path, "b.txt.gz")
    reader = Observed(PathLineSentences(tmp_path, errors="replace"))
    compiled = CorpusIds.scan(reader)
    assert reader.passes == 0
    python = CorpusIds.scan(list(PathLineSentences(tmp_path, errors="replace")))
    assert compiled.keys == python.keys
    np.testing.assert_array_equal(compiled.ids, python.ids)


def test_other_error_handlers_are_read_in_python(tmp_path):
    path = _broken_corpus(tmp_path)
    reader = Observed(LineSentence(path, errors="ignore"))
    ids = CorpusIds.scan(reader)
    assert reader.utf8_files() is None and reader.passes == 1
    assert "x" in ids.keys and "\ufffd" not in ids.keys


def test_strict_decoding_errors_from_the_compiled_reader_name_the_line(tmp_path):
    path = _broken_corpus(tmp_path)
    reader = Observed(LineSentence(path))
    lines = path.read_bytes().split(b"\n")
    first_bad_line = next(i for i, line in enumerate(lines, 1) if not _is_utf8(line))
    with pytest.raises(ValueError, match=f"line {first_bad_line}:"):
        CorpusIds.scan(reader)
    # The compiled reader found it, then the Python reader named the line.
    assert (reader.asked, reader.passes) == (1, 1)


def test_a_shuffled_pass_holds_every_sentence_once_in_a_seeded_order():
    sentences = [[f"w{i}", f"w{i + 1}"] for i in range(0, 600, 2)]
    ids = CorpusIds.scan(sentences)
    ordered = replay(ids, None, 7)
    shuffled = list(_sentences_of(ids.batches(None, 7, shuffle_seed=5)))
    assert sorted(shuffled) == sorted(ordered) and shuffled != ordered
    again = list(_sentences_of(ids.batches(None, 7, shuffle_seed=5)))
    other = list(_sentences_of(ids.batches(None, 7, shuffle_seed=6)))
    assert again == shuffled and other != shuffled


def _sentences_of(batches):
    for batch in batches:
        ends = batch.sentence_ends
        starts = np.concatenate([[0], ends[:-1]])
        yield from (batch.words[s:e].tolist() for s, e in zip(starts, ends, strict=True))


def test_chosen_sentences_are_replayed_in_the_given_order():
    sentences = [[f"w{i}"] * (1 + i % 4) for i in range(50)]
    ids = CorpusIds.scan(sentences)
    chosen = np.array([40, 3, 17, 17, 0, 49])
    replayed = list(_sentences_of(ids.batches(None, 5, sentences=chosen)))
    expected = [[ids.keys.index(sentences[i][0])] * len(sentences[i]) for i in chosen]
    assert replayed == expected
    assert list(ids.batches(None, 5, sentences=np.array([], dtype=np.int64))) == []
    with pytest.raises(ValueError, match="not both"):
        next(ids.batches(None, 5, shuffle_seed=1, sentences=chosen))


# --- readers own their fast path: the utf8_files() protocol -------------------------------


def _text8_like(tmp_path, broken=False):
    """One long line (and a few line ends, which text8 reading takes as spaces) of words
    separated by every kind of Python whitespace, some words invalid UTF-8 if `broken`."""
    rng = np.random.default_rng(5)
    spaces = [" ", "  ", "\t", "\n", "\r\n", "\x1c", "\u00a0", "\u2028", "\u3000"]
    words = [b"a", b"bb", "d\u00e9j\u00e0".encode(), "\u65e5\u672c".encode()]
    words += [b"x\xff", b"\xe2\x80", b"\xc0\x80z"] if broken else []
    parts = []
    for _ in range(20_000):
        parts += [rng.choice(words), rng.choice(spaces).encode("utf-8")]
    path = tmp_path / "text8"
    path.write_bytes(b"".join(parts))
    return path


@pytest.mark.parametrize("errors", ["strict", "replace"])
def test_text8_corpus_is_read_by_the_compiled_reader_with_the_same_ids(tmp_path, errors):
    path = _text8_like(tmp_path, broken=errors == "replace")
    reader = Observed(Text8Corpus(path, max_sentence_length=1000, block_size=4096, errors=errors))
    compiled = CorpusIds.scan(reader)
    assert reader.passes == 0
    python = CorpusIds.scan(list(Text8Corpus(path, 1000, block_size=4096, errors=errors)))
    assert compiled.keys == python.keys
    np.testing.assert_array_equal(compiled.ids, python.ids)
    np.testing.assert_array_equal(compiled.sentence_lengths, python.sentence_lengths)


def test_text8_corpus_tokens_are_str_split_of_the_whole_file(tmp_path):
    path = _text8_like(tmp_path)
    ids = CorpusIds.scan(Text8Corpus(path, max_sentence_length=777))
    words = path.read_bytes().decode("utf-8").split()
    assert [ids.keys[i] for i in ids.ids] == words
    assert set(ids.sentence_lengths[:-1].tolist()) == {777}


def test_a_reader_of_its_own_takes_the_compiled_path(tmp_path):
    path = _text_corpus(tmp_path, "own.txt.gz")

    class Own:
        passes = 0

        def __iter__(self):
            Own.passes += 1
            return iter(LineSentence(path, 9))

        def utf8_files(self):
            return Utf8Files((str(path),), max_sentence_length=9)

    compiled = CorpusIds.scan(Own())
    assert Own.passes == 0
    python = CorpusIds.scan(list(LineSentence(path, 9)))
    assert compiled.keys == python.keys
    np.testing.assert_array_equal(compiled.ids, python.ids)


def test_a_subclass_that_reads_differently_is_iterated(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("The King\nthe QUEEN\n")

    class Lowercased(LineSentence):
        def __iter__(self):
            return ([word.lower() for word in sentence] for sentence in super().__iter__())

    assert Lowercased(path).utf8_files() is None
    assert CorpusIds.scan(Lowercased(path)).keys == ["the", "king", "queen"]


def test_the_readers_describe_their_files(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b\n")
    assert LineSentence(path, 7, errors="replace").utf8_files() == Utf8Files(
        (str(path),), 7, "replace"
    )
    assert Text8Corpus(path, 5).utf8_files() == Utf8Files(
        (str(path),), 5, lines_are_sentences=False
    )
    assert PathLineSentences(tmp_path).utf8_files() == Utf8Files((str(path),))
    assert LineSentence(path, encoding="latin-1").utf8_files() is None
    with open(path, "rb") as f:
        assert LineSentence(f).utf8_files() is None


def test_a_wrong_answer_from_utf8_files_is_a_type_error(tmp_path):
    class Confused:
        def __iter__(self):
            return iter([["a"]])

        def utf8_files(self):
            return [str(tmp_path / "c.txt")]

    with pytest.raises(TypeError, match=r"utf8_files\(\) must return a skipgram.corpus.Utf8Files"):
        CorpusIds.scan(Confused())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"paths": "c.txt"}, "tuple of str paths"),
        ({"paths": ("c.txt",), "errors": "ignore"}, "return None from utf8_files"),
        ({"paths": ("c.txt",), "max_sentence_length": 0}, "positive int"),
    ],
)
def test_utf8_files_checks_its_settings(arguments, message):
    with pytest.raises((TypeError, ValueError), match=message):
        Utf8Files(**arguments)
