"""The corpus as word ids: one pass, replayed as batches that keep every sentence whole."""

import numpy as np
import pytest

from skipgram import LineSentence, PathLineSentences, SkipGram
from skipgram.batching import CorpusIds

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


def test_spilling_to_a_temporary_file_replays_the_same_ids(monkeypatch):
    monkeypatch.setattr("skipgram.batching._PYTHON_CHUNK_TOKENS", 16)
    rng = np.random.default_rng(0)
    sentences = [[f"w{j}" for j in rng.integers(0, 30, 9)] for _ in range(200)]
    in_memory = CorpusIds.scan(sentences)
    spilled = CorpusIds.scan(sentences, memory_limit=64)
    assert spilled.spilled and not in_memory.spilled
    assert replay(spilled) == replay(in_memory)
    assert spilled.counts().tolist() == in_memory.counts().tolist()


def test_training_on_an_equal_reader_reuses_the_vocabulary_pass(tmp_path, monkeypatch):
    path = tmp_path / "c.txt"
    path.write_text("a b c a b\nb c a\n" * 50)
    model = SkipGram(vector_size=8, min_count=1, epochs=1, workers=1)
    model.build_vocab(LineSentence(path))
    scans = []
    monkeypatch.setattr(CorpusIds, "scan", lambda *a, **k: scans.append(a) or pytest.fail())
    model.train(LineSentence(path))
    assert scans == []


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


def _compiled_scans(monkeypatch) -> list:
    """Record every scan that goes through the compiled reader."""
    calls = []
    compiled = CorpusIds._scan_files.__func__

    def spy(cls, *args, **kwargs):
        calls.append(args)
        return compiled(cls, *args, **kwargs)

    monkeypatch.setattr(CorpusIds, "_scan_files", classmethod(spy))
    return calls


@pytest.mark.parametrize("vocabulary", [None, {"\ufffd": 0, "a": 1, "x\ufffd": 2}])
def test_errors_replace_is_read_by_the_compiled_reader_with_the_same_ids(
    tmp_path, monkeypatch, vocabulary
):
    path = _broken_corpus(tmp_path)
    calls = _compiled_scans(monkeypatch)
    compiled = CorpusIds.scan(LineSentence(path, 5, errors="replace"), vocabulary)
    assert len(calls) == 1  # no fallback to Python
    python = CorpusIds.scan(list(LineSentence(path, 5, errors="replace")), vocabulary)
    assert "x\ufffd" in python.keys
    assert compiled.keys == python.keys
    np.testing.assert_array_equal(compiled.ids, python.ids)
    np.testing.assert_array_equal(compiled.sentence_lengths, python.sentence_lengths)


def test_errors_replace_over_a_directory_uses_the_compiled_reader(tmp_path, monkeypatch):
    _broken_corpus(tmp_path, "a.txt")
    _text_corpus(tmp_path, "b.txt.gz")
    calls = _compiled_scans(monkeypatch)
    compiled = CorpusIds.scan(PathLineSentences(tmp_path, errors="replace"))
    assert len(calls) == 1
    python = CorpusIds.scan(list(PathLineSentences(tmp_path, errors="replace")))
    assert compiled.keys == python.keys
    np.testing.assert_array_equal(compiled.ids, python.ids)


def test_other_error_handlers_are_read_in_python(tmp_path, monkeypatch):
    path = _broken_corpus(tmp_path)
    calls = _compiled_scans(monkeypatch)
    ids = CorpusIds.scan(LineSentence(path, errors="ignore"))
    assert calls == []
    assert "x" in ids.keys and "\ufffd" not in ids.keys


def test_strict_decoding_errors_from_the_compiled_reader_name_the_line(tmp_path, monkeypatch):
    path = _broken_corpus(tmp_path)
    calls = _compiled_scans(monkeypatch)
    lines = path.read_bytes().split(b"\n")
    first_bad_line = next(i for i, line in enumerate(lines, 1) if not _is_utf8(line))
    with pytest.raises(ValueError, match=f"line {first_bad_line}:"):
        CorpusIds.scan(LineSentence(path))
    assert len(calls) == 1  # the compiled reader found it, Python named the line


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
