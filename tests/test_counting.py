"""One counting path: `CorpusIds.count` counts words, and prunes them for `max_vocab_size`, in
the tokenizer's word table, for files (compiled) and for Python corpora alike.

The oracle is the Counter loop skipgram counted with before (gensim's loop, with word2vec.c's
first threshold), written out plainly here (`reference_count`): a Counter updated sentence by
sentence and pruned, after any sentence that leaves more than max_vocab_size words, of the
words below a threshold that starts at 2 and rises by one at each pruning (or of what
trim_rule says).
"""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from skipgram._tokenize import Tokenizer

from skipgram import SkipGram
from skipgram.corpus import LineSentence
from skipgram.corpus_ids import CorpusIds
from skipgram.vocab import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP, kept_words


def reference_count(sentences, max_vocab_size, trim_rule=None):
    """(keys in order, counts, total words, total sentences), the Counter way."""
    counts: Counter[str] = Counter()
    total_words = total_sentences = 0
    threshold = 2
    for sentence in sentences:
        counts.update(sentence)
        total_words += len(sentence)
        total_sentences += 1
        if len(counts) > max_vocab_size:
            keys = list(counts)
            values = np.fromiter(counts.values(), dtype=np.int64, count=len(keys))
            keep = kept_words(keys, values, threshold, trim_rule)
            counts = Counter(
                {k: int(c) for k, c, kept in zip(keys, values, keep, strict=True) if kept}
            )
            threshold += 1
    return list(counts), list(counts.values()), total_words, total_sentences


def zipf_corpus(seed: int, sentences: int = 300) -> list[list[str]]:
    """Sentences of Zipf-distributed words (a few frequent, many rare), some of them empty."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(2000)] + ["naïve", "日本", "😀x"]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    corpus = []
    for _ in range(sentences):
        length = rng.choice([0, 1, 3, 8, 20, 40])
        corpus.append(rng.choices(words, weights, k=length))
    return corpus


def as_tuple(counted):
    return counted.keys, counted.counts.tolist(), counted.total_words, counted.total_sentences


def write_lines(path, corpus):
    path.write_text("".join(" ".join(s) + "\n" for s in corpus), encoding="utf-8")
    return path


@pytest.mark.parametrize("max_vocab_size", [1, 5, 50, 300, 1000, 5000])
@pytest.mark.parametrize("seed", range(3))
def test_a_python_corpus_counts_like_the_counter_path(seed, max_vocab_size):
    corpus = zipf_corpus(seed)
    counted, _ = CorpusIds.count(corpus, max_vocab_size)
    assert as_tuple(counted) == reference_count(corpus, max_vocab_size)


@pytest.mark.parametrize("max_vocab_size", [1, 5, 50, 300, 1000, 5000])
@pytest.mark.parametrize("max_sentence_length", [3, 10000])
def test_a_file_counts_like_the_counter_path_over_line_sentence(
    tmp_path, max_vocab_size, max_sentence_length
):
    path = write_lines(tmp_path / "c.txt", zipf_corpus(7))
    reader = LineSentence(path, max_sentence_length)
    counted, _ = CorpusIds.count(reader, max_vocab_size)
    # The oracle sees LineSentence's sentences: blank lines skipped, long lines cut.
    assert as_tuple(counted) == reference_count(list(reader), max_vocab_size)


@pytest.mark.parametrize("corpus_kind", ["file", "list"])
def test_a_trim_rule_decides_the_pruning_as_in_the_counter_path(tmp_path, corpus_kind):
    def rule(word, count, min_count):
        if word.endswith("7"):
            return RULE_KEEP
        return RULE_DISCARD if word.endswith("3") else RULE_DEFAULT

    corpus = zipf_corpus(3)
    source = corpus if corpus_kind == "list" else LineSentence(write_lines(tmp_path / "c", corpus))
    expected = reference_count([s for s in corpus if s or corpus_kind == "list"], 200, rule)
    counted, _ = CorpusIds.count(source, 200, trim_rule=rule)
    assert as_tuple(counted) == expected


def test_empty_sentences_of_a_python_corpus_still_trigger_pruning():
    # After the first sentence the table holds 2 words, both counted twice: the first pruning
    # (below 2) keeps them; the empty sentence then prunes again (below 3), as gensim would.
    corpus = [["a", "a", "b", "b"], []]
    counted, scan = CorpusIds.count(corpus, 1)
    assert as_tuple(counted) == reference_count(corpus, 1) == ([], [], 4, 2)
    assert scan is None


def test_without_pruning_the_pass_keeps_its_ids(tmp_path):
    path = write_lines(tmp_path / "c.txt", zipf_corpus(1))
    counted, scan = CorpusIds.count(LineSentence(path), 10**6)
    plain = CorpusIds.scan(LineSentence(path))
    assert scan is not None and scan.keys == plain.keys == counted.keys
    assert np.array_equal(scan.ids, plain.ids)
    assert np.array_equal(scan.sentence_ends, plain.sentence_ends)
    assert np.array_equal(counted.counts, plain.counts())


def test_after_pruning_the_ids_are_dropped_and_training_reads_the_corpus_again(tmp_path):
    path = write_lines(tmp_path / "c.txt", zipf_corpus(2))
    counted, scan = CorpusIds.count(LineSentence(path), 100)
    assert scan is None and len(counted.keys) <= 100
    model = SkipGram(LineSentence(path), max_vocab_size=100, min_count=1, vector_size=8)
    model.train(epochs=1)
    assert model.last_epoch.raw_words == counted.total_words


def test_without_a_bound_count_is_scan_with_its_counts():
    corpus = zipf_corpus(4)
    counted, scan = CorpusIds.count(corpus)
    assert counted.keys == scan.keys
    assert np.array_equal(counted.counts, scan.counts())
    assert (counted.total_words, counted.total_sentences) == (scan.total_words, len(corpus))


def test_words_that_are_not_valid_utf8_as_str_are_counted_apart():
    # Lone surrogates cannot be UTF-8; the table keeps them apart all the same.
    corpus = [["\udc80", "\udc81", "\udc80", "a"]]
    counted, _ = CorpusIds.count(corpus, 10)
    assert (counted.keys, counted.counts.tolist()) == (["\udc80", "\udc81", "a"], [2, 1, 1])


def test_the_tokenizer_prunes_between_sentences_of_a_file_fed_in_any_blocks():
    text = b"a a b\nc d e\nf a g\nh\n"
    expected = reference_count([line.split() for line in text.decode().splitlines()], 3)
    for size in (1, 2, 5, len(text)):
        tok = Tokenizer(max_vocab_size=3)
        for start in range(0, len(text), size):
            tok.feed(text[start : start + size])
        tok.finish()
        assert (tok.keys(), tok.counts().tolist()) == expected[:2]
        assert tok.prunes == 2


def test_a_failing_keep_words_raises_its_error_and_stops_the_tokenizer():
    def keep_words(keys, counts, threshold):
        raise KeyError("no verdict")

    tok = Tokenizer(max_vocab_size=1, keep_words=keep_words)
    with pytest.raises(KeyError, match="no verdict"):
        tok.feed(b"a b\n" * 10_000)  # large enough to be scanned without the GIL
    with pytest.raises(ValueError, match="start a new one"):
        tok.feed(b"c\n")


def test_keep_words_must_give_one_verdict_per_word():
    tok = Tokenizer(max_vocab_size=1, keep_words=lambda keys, counts, threshold: [True])
    with pytest.raises(ValueError, match="1 verdicts for 2 words"):
        tok.feed_words(["a", "b"])


@pytest.mark.parametrize(
    "arguments",
    [
        {"max_vocab_size": 0},
        {"max_vocab_size": True},
        {"max_vocab_size": 5, "vocabulary": ["a"]},
        {"keep_words": lambda *a: None},
        {"max_vocab_size": 5, "keep_words": "not callable"},
    ],
)
def test_bad_counting_arguments_are_refused(arguments):
    with pytest.raises(ValueError):
        Tokenizer(**arguments)


def test_counts_need_max_vocab_size():
    with pytest.raises(ValueError, match="only with max_vocab_size"):
        Tokenizer().counts()
