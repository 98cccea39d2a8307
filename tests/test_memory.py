"""Memory per corpus token: where the id stream lives, and that nothing copies it whole.

The ids of a corpus take 4 bytes a token; past `ids_in_memory_limit` bytes they live in a
memory-mapped temporary file. Either way training must be the same, bit for bit.
"""

import json
import tracemalloc

import numpy as np
import pytest

from skipgram import LineSentence, SkipGram
from skipgram.corpus_ids import (
    MAX_AUTOMATIC_MEMORY_LIMIT,
    CorpusIds,
    automatic_memory_limit,
)
from skipgram.params import Parameters

TINY = {"vector_size": 12, "min_count": 1, "workers": 1, "epochs": 2, "seed": 3}


def write_corpus(path, sentences):
    path.write_text("".join(" ".join(s) + "\n" for s in sentences))
    return path


def numbered_corpus(sentences: int, words: int = 200, seed: int = 0) -> list[list[str]]:
    """Sentences of 1 to 30 tokens over `words` words, the frequent ones more frequent."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 31, sentences)
    ids = np.minimum(rng.zipf(1.3, int(lengths.sum())), words)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return [[f"w{i}" for i in ids[s : s + n]] for s, n in zip(starts, lengths, strict=True)]


def greedy_batches(ids: CorpusIds, order: np.ndarray, batch_words: int) -> list[list[int]]:
    """The reference cut: the whole order's lengths laid end to end, cut greedily into runs of
    at most `batch_words` tokens (a longer sentence alone), as the sentence indices of each."""
    lengths = ids.sentence_lengths[order]
    batches, current, size = [], [], 0
    for sentence, length in zip(order.tolist(), lengths.tolist(), strict=True):
        if current and size + length > batch_words:
            batches.append(current)
            current, size = [], 0
        current.append(sentence)
        size += length
    return [*batches, current] if current else batches


def batch_words_of(ids: CorpusIds, sentences: list[int]) -> list[int]:
    ends, words = ids.sentence_ends, []
    for s in sentences:
        words += ids.ids[(int(ends[s - 1]) if s else 0) : int(ends[s])].tolist()
    return words


# ---- the parameter -----------------------------------------------------------------------------


def test_the_limit_defaults_to_automatic_and_accepts_zero_and_large_values():
    assert Parameters().ids_in_memory_limit is None
    assert Parameters(ids_in_memory_limit=0).ids_in_memory_limit == 0
    assert Parameters(ids_in_memory_limit=2**63 - 1).ids_in_memory_limit == 2**63 - 1
    assert 0 < automatic_memory_limit() <= MAX_AUTOMATIC_MEMORY_LIMIT == 2**31


@pytest.mark.parametrize("value", [-1, 2**63, 1.5, "1GB", True, [1]])
def test_an_invalid_limit_is_refused_with_its_bound(value):
    with pytest.raises(ValueError, match=r"^ids_in_memory_limit must be an integer in \[0, 9,2"):
        SkipGram(ids_in_memory_limit=value)


def test_the_limit_is_saved_with_the_model(tmp_path):
    model = SkipGram([["a", "b", "a"]], ids_in_memory_limit=1 << 20, **TINY).train()
    model.save(tmp_path / "m.skipgram")
    assert SkipGram.load(tmp_path / "m.skipgram").params.ids_in_memory_limit == 1 << 20


# ---- spilled and in memory train the same ------------------------------------------------------


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("reader", ["compiled", "python"])
def test_spilled_ids_train_bit_for_bit_like_ids_in_memory(tmp_path, monkeypatch, shuffle, reader):
    # Small windows and a small page budget, so that the corpus crosses many of each (kept as
    # patches: no public setting sizes them, and the real 65,536 sentences and 16 MiB would
    # need a corpus hundreds of times larger to cross several).
    monkeypatch.setattr("skipgram.corpus_ids._WINDOW_SENTENCES", 37)
    monkeypatch.setattr("skipgram.corpus_ids._RESIDENT_BYTES", 4096)
    sentences = numbered_corpus(1500)
    corpus = LineSentence(write_corpus(tmp_path / "c.txt", sentences))
    if reader == "python":
        corpus = sentences
    params = {**TINY, "shuffle": shuffle, "batch_words": 100}
    in_memory = SkipGram(corpus, **params).train()
    spilled = SkipGram(corpus, ids_in_memory_limit=0, **params).train()
    assert spilled._corpus_ids[0].spilled and not in_memory._corpus_ids[0].spilled
    np.testing.assert_array_equal(spilled.wv.vectors, in_memory.wv.vectors)
    np.testing.assert_array_equal(spilled.output_vectors, in_memory.output_vectors)
    # A corpus read against the vocabulary (train on another corpus) spills the same way.
    other = sentences[::-1]
    again = SkipGram(corpus, **params).train(other)
    again_spilled = SkipGram(corpus, ids_in_memory_limit=0, **params).train(other)
    np.testing.assert_array_equal(again_spilled.wv.vectors, again.wv.vectors)


def test_the_stream_spills_once_it_passes_the_limit(tmp_path):
    path = write_corpus(tmp_path / "c.txt", numbered_corpus(300))
    total = CorpusIds.scan(LineSentence(path)).total_words
    assert not CorpusIds.scan(LineSentence(path), memory_limit=4 * total).spilled
    assert CorpusIds.scan(LineSentence(path), memory_limit=4 * total - 1).spilled
    empty = CorpusIds.scan([[], []], memory_limit=0)
    assert empty.total_words == 0 and empty.total_sentences == 2
    assert [b.raw_words for b in empty.batches(None, 10, shuffle_seed=1)] == [0]


# ---- batches are cut as if the whole order were laid out at once -------------------------------


@pytest.mark.parametrize("window", [1, 2, 7, 1 << 16])
def test_windowed_batches_equal_the_greedy_cut_of_the_whole_order(monkeypatch, window):
    # Kept as a patch: no public setting sizes the window, and windows of 1, 2 and 7 sentences
    # are where an off-by-one at a window's edge shows.
    monkeypatch.setattr("skipgram.corpus_ids._WINDOW_SENTENCES", window)
    sentences = numbered_corpus(400, seed=2)
    sentences[5:9] = [[], ["w1"] * 120, [], []]  # empty ones, and one longer than a batch
    ids = CorpusIds.scan(sentences)
    order = np.random.default_rng(11).permutation(ids.total_sentences)  # what shuffling drew
    expected = greedy_batches(ids, order, batch_words=50)
    batches = list(ids.batches(None, 50, shuffle_seed=11))
    assert [b.raw_words for b in batches] == [int(ids.sentence_lengths[s].sum()) for s in expected]
    assert [b.words.tolist() for b in batches] == [batch_words_of(ids, s) for s in expected]
    chosen = order[:123]
    assert [b.raw_words for b in ids.batches(None, 50, sentences=chosen)] == [
        int(ids.sentence_lengths[s].sum()) for s in greedy_batches(ids, chosen, 50)
    ]
    assert ids.words_in(chosen) == int(ids.sentence_lengths[chosen].sum())


def test_sentence_ends_are_int32_below_2_to_the_31_tokens(tmp_path):
    ids = CorpusIds.scan(LineSentence(write_corpus(tmp_path / "c.txt", numbered_corpus(50))))
    assert ids.sentence_ends.dtype == np.int32 and ids.ids.dtype == np.int32


# ---- no copy of the whole stream ---------------------------------------------------------------


def test_shuffled_batches_hold_no_whole_corpus_temporaries(monkeypatch, tmp_path):
    # Kept as a patch: no public setting sizes the window; with the real one (65,536) the
    # window's own temporaries would hide whether the whole corpus was copied.
    monkeypatch.setattr("skipgram.corpus_ids._WINDOW_SENTENCES", 256)
    path = tmp_path / "c.txt"
    path.write_text("a b c\nd e\n" * 50_000)
    ids = CorpusIds.scan(LineSentence(path))
    tracemalloc.start()
    try:
        for _ in ids.batches(None, 1000, shuffle_seed=1):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The order takes 4 bytes a sentence (400 kB); per-sentence int64 lengths, their running
    # sum and an int64 order would take 24 (2.4 MB). A batch's temporaries are a few dozen kB.
    assert peak < 4 * ids.total_sentences + 200_000, peak


def status(field: str) -> str:
    """Code for a child: bytes of a /proc/self/status field (Linux)."""
    return (
        f"next(int(line.split()[1]) * 1024 for line in open('/proc/self/status') "
        f"if line.startswith('{field}:'))"
    )


@pytest.mark.slow
def test_a_scan_peaks_at_the_stream_and_not_twice_it(tmp_path, python_child):
    """Peak RSS of a scan in a fresh process, against the bytes of its ids. The old scan
    concatenated ~1 MiB pieces into one array: twice the stream."""
    path = tmp_path / "c.txt"
    line = " ".join(f"w{i}" for i in range(20)) + "\n"
    path.write_text(line * 250_000)  # 5 M tokens: 20 MB of ids
    child = python_child(
        f"""
        import json, sys
        import skipgram.corpus_ids as corpus_ids
        from skipgram import LineSentence
        # No public setting: the join's one extra chunk, made small next to the 20 MB of ids.
        corpus_ids._CHUNK_BYTES = 1 << 16
        corpus_ids.CorpusIds.scan([["warm", "up"]])
        before = {status("VmRSS")}
        ids = corpus_ids.CorpusIds.scan(LineSentence(sys.argv[1]))
        peak = {status("VmHWM")}  # not ru_maxrss, which includes the parent's size
        print(json.dumps({{"grown": peak - before, "ids": ids.ids.nbytes}}))
        """,
        str(path),
    )
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout)
    assert result["ids"] == 20_000_000
    # The ids, the sentence ends (1 MB), and a few MB of the reader's blocks and the heap they
    # leave behind: 26 MB were measured. Twice the ids would be over 40 MB.
    assert result["grown"] < 1.5 * result["ids"], result


@pytest.mark.slow
def test_a_replay_of_spilled_ids_gives_their_pages_back(tmp_path, python_child):
    path = tmp_path / "c.txt"
    path.write_text("a b c d e f g h i j\n" * 200_000)  # 2 M tokens: 8 MB of ids
    child = python_child(
        f"""
        import json, sys
        import skipgram.corpus_ids as corpus_ids
        from skipgram import LineSentence
        corpus_ids._RESIDENT_BYTES = 1 << 20  # no public setting; the real 16 MiB > the 8 MB here
        ids = corpus_ids.CorpusIds.scan(LineSentence(sys.argv[1]), memory_limit=0)
        assert ids.spilled
        before = {status("RssFile")}  # the map's pages are file pages
        counts = ids.counts()
        for seed in (None, 1):
            for batch in ids.batches(None, 10_000, shuffle_seed=seed):
                pass
        print(json.dumps({{"grown": {status("RssFile")} - before, "ids": ids.ids.nbytes}}))
        """,
        str(path),
    )
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout)
    # Every page of the map was read three times; at most ~1 MiB of them may stay resident
    # (8 MB without handing them back).
    assert result["grown"] < result["ids"] / 4, result
