"""Tests for the analogy and word-pair evaluations: agreement with gensim 4.4 on planted
vectors, the counting of skipped questions and pairs, and malformed files."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKeyedVectors

import skipgram.evaluation
from skipgram import KeyedVectors

DATA = Path(__file__).parent / "data"
QUESTIONS = DATA / "questions-words-small.txt"
PAIRS = DATA / "word-pairs-small.tsv"
PLANTED = {"capital-common-countries", "family", "gram3-comparative"}  # gram2-opposite is random
MISSING = {"Kabul", "nephew", "quicker"}  # asked about, but left out of the vocabulary


def question_pairs() -> dict[str, list[tuple[str, str]]]:
    """The (a, b) and (c, d) pairs each section of the questions file asks about."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.startswith(": "):
            pairs = sections.setdefault(line[2:], [])
        elif line.strip() and not line.split()[0].isupper():  # not the upper-case spelling test
            a, b, c, d = line.split()
            pairs += [(a, b), (c, d)]
    return sections


@pytest.fixture(scope="module")
def planted() -> KeyedVectors:
    """Vectors where, in each planted section, every second word is its first word plus the
    section's offset plus noise: 3CosAdd answers many questions right and some wrong. Fillers
    make a vocabulary of a few hundred words, in random order so that `restrict_vocab` cuts
    through the questions. Two extra spellings test case folding: "PARIS" (random, ranked
    first, so it is PARIS's vector when folding case) and "King" (ranked after king, and almost
    queen: asked man : king :: woman : ?, it must be excluded as a spelling of king)."""
    rng = np.random.default_rng(11)
    dim = 40
    vectors: dict[str, np.ndarray] = {}
    for section, pairs in question_pairs().items():
        offset = rng.standard_normal(dim)
        for first, second in pairs:
            base = vectors.setdefault(first, rng.standard_normal(dim))
            related = base + offset + 0.6 * rng.standard_normal(dim)
            vectors.setdefault(second, related if section in PLANTED else rng.standard_normal(dim))
    for i in range(250):
        vectors[f"filler{i}"] = rng.standard_normal(dim)
    words = [w for w in vectors if w not in MISSING]
    words = [words[i] for i in rng.permutation(len(words))]
    words.insert(0, "PARIS")
    vectors["PARIS"] = rng.standard_normal(dim)
    words.insert(words.index("king") + 1, "King")
    vectors["King"] = vectors["queen"] + 0.01 * rng.standard_normal(dim)
    return KeyedVectors(words, np.array([vectors[w] for w in words], dtype=np.float32))


def to_gensim(kv: KeyedVectors) -> GensimKeyedVectors:
    other = GensimKeyedVectors(kv.vector_size)
    other.add_vectors(kv.index_to_key, kv.vectors)
    return other


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- analogies --------------------------------------------------------------------------------


@pytest.mark.parametrize("restrict_vocab", [300000, 200])
@pytest.mark.parametrize("case_insensitive", [True, False], ids=["folded", "exact"])
def test_analogies_agree_with_gensim(planted, restrict_vocab, case_insensitive):
    ours = planted.evaluate_word_analogies(QUESTIONS, restrict_vocab, case_insensitive)
    score, sections = to_gensim(planted).evaluate_word_analogies(
        str(QUESTIONS), restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    assert ours.accuracy == pytest.approx(score, abs=1e-12)
    assert [(s.name, s.correct, s.incorrect) for s in ours.sections] == [
        (s["section"], len(s["correct"]), len(s["incorrect"])) for s in sections[:-1]
    ]
    assert (ours.correct, ours.incorrect) == (
        len(sections[-1]["correct"]),
        len(sections[-1]["incorrect"]),
    )
    assert ours.correct > 0 and ours.incorrect > 0 and ours.skipped > 0  # a real test


def test_analogy_counts_add_up_and_skip_exactly_the_unknown_questions(planted):
    result = planted.evaluate_word_analogies(QUESTIONS)
    lines = [line for line in QUESTIONS.read_text().splitlines() if line and line[0] != ":"]
    unknown = [line for line in lines if any(word in MISSING for word in line.split())]
    assert result.questions == len(lines) == 181
    assert result.skipped == len(unknown) == sum(s.skipped for s in result.sections)
    assert result.correct == sum(s.correct for s in result.sections)
    assert result.accuracy == result.correct / (result.correct + result.incorrect)
    assert [s.name for s in result.sections] == list(question_pairs())


def test_analogies_fold_case_onto_the_first_spelling(planted):
    folded = planted.evaluate_word_analogies(QUESTIONS, case_insensitive=True)
    exact = planted.evaluate_word_analogies(QUESTIONS, case_insensitive=False)
    # Folded, the upper-case family question is asked, and every Paris question uses the random
    # "PARIS" ranked first, so it cannot be answered; exact, "MAN"... are unknown.
    assert folded.sections[1].skipped == exact.sections[1].skipped - 1
    assert exact.sections[0].correct > folded.sections[0].correct


def test_restrict_vocab_skips_questions_beyond_it(planted):
    everything = planted.evaluate_word_analogies(QUESTIONS, restrict_vocab=None)
    assert everything == planted.evaluate_word_analogies(QUESTIONS)
    fewer = planted.evaluate_word_analogies(QUESTIONS, restrict_vocab=200)
    assert fewer.skipped > everything.skipped
    assert fewer.questions == everything.questions


def test_answering_in_small_batches_changes_nothing(planted, monkeypatch):
    expected = planted.evaluate_word_analogies(QUESTIONS)
    # Room for the scores of 3 questions at a time over the whole vocabulary. Kept as a patch:
    # no public setting sizes the batch, and the real 64 MiB would need a vocabulary of
    # millions to cut this file into several batches.
    monkeypatch.setattr(skipgram.evaluation, "_QUESTIONS_BYTES_PER_BATCH", 3 * 4 * len(planted))
    assert planted.evaluate_word_analogies(QUESTIONS) == expected


def test_question_words_are_never_the_answer(tmp_path):
    # b - a + c lands nearest to c itself here; 3CosAdd must look past the question words.
    words = ["a", "b", "c", "d", "far"]
    vectors = np.array([[1, 0, 0], [1, 0.1, 0], [0, 1, 0], [0.1, 1, 0.3], [0, 0, 1]], np.float32)
    kv = KeyedVectors(words, vectors)
    assert kv.most_similar(positive=["b", "c"], negative=["a"], topn=None).argmax() == 2
    result = kv.evaluate_word_analogies(write(tmp_path / "q.txt", ": s\na b c d\n"))
    assert (result.correct, result.incorrect, result.skipped) == (1, 0, 0)
    assert result.accuracy == 1.0
    assert [section.name for section in result.sections] == ["s"]


def test_all_questions_unknown_gives_zero_accuracy_like_gensim(tmp_path, planted):
    result = planted.evaluate_word_analogies(write(tmp_path / "q.txt", ": s\nw x y z\n"))
    assert (result.accuracy, result.correct, result.incorrect, result.skipped) == (0.0, 0, 0, 1)
    assert result.sections[0].accuracy == 0.0


def test_compressed_questions_file(tmp_path, planted):
    path = tmp_path / "q.txt.gz"
    path.write_bytes(gzip.compress(QUESTIONS.read_bytes()))
    assert planted.evaluate_word_analogies(path) == planted.evaluate_word_analogies(QUESTIONS)


MALFORMED_QUESTIONS = {
    "three words": (": s\nman king woman queen\nman king woman\n", "line 3: expected .* 4 words"),
    "five words": (": s\na b c d e\n", "line 2: expected an analogy question of 4 words"),
    "no section": ("man king woman queen\n", "line 1: a question before the first ': section'"),
    "no questions": (": s\n\n: t\n", "holds no analogy questions"),
}


@pytest.mark.parametrize(("text", "message"), MALFORMED_QUESTIONS.values(), ids=MALFORMED_QUESTIONS)
def test_malformed_questions_name_the_line(tmp_path, planted, text, message):
    path = write(tmp_path / "q.txt", text)
    with pytest.raises(ValueError, match=message) as error:
        planted.evaluate_word_analogies(path)
    assert str(path) in str(error.value)


def test_undecodable_questions_name_the_line(tmp_path, planted):
    path = tmp_path / "q.txt"
    path.write_bytes(b": s\nman king woman queen\nman \xff woman queen\n")
    with pytest.raises(ValueError, match="line 3: not valid UTF-8"):
        planted.evaluate_word_analogies(path)


@pytest.mark.parametrize("restrict_vocab", [0, -3, 2.5, "10"])
def test_restrict_vocab_must_be_a_positive_int(planted, restrict_vocab):
    with pytest.raises(ValueError, match="restrict_vocab"):
        planted.evaluate_word_analogies(QUESTIONS, restrict_vocab=restrict_vocab)
    with pytest.raises(ValueError, match="restrict_vocab"):
        planted.evaluate_word_pairs(PAIRS, restrict_vocab=restrict_vocab)


# --- word pairs -------------------------------------------------------------------------------


@pytest.mark.parametrize("restrict_vocab", [300000, 200])
@pytest.mark.parametrize("case_insensitive", [True, False], ids=["folded", "exact"])
def test_word_pairs_agree_with_gensim(planted, restrict_vocab, case_insensitive):
    ours = planted.evaluate_word_pairs(
        PAIRS, "\t", restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    pearson, spearman, oov_percent = to_gensim(planted).evaluate_word_pairs(
        str(PAIRS), restrict_vocab=restrict_vocab, case_insensitive=case_insensitive
    )
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-6)
    assert ours.pearson_pvalue == pytest.approx(pearson[1], rel=1e-4)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-12)
    assert ours.spearman_pvalue == pytest.approx(spearman[1], rel=1e-9)
    assert 100 * ours.oov_ratio == pytest.approx(oov_percent, abs=1e-12)
    assert ours.oov > 0 and ours.pearson > 0.5  # a real test: unknown words, a real signal


def test_word_pairs_count_scored_and_unknown_pairs(planted):
    result = planted.evaluate_word_pairs(PAIRS)
    lines = [line for line in PAIRS.read_text().splitlines() if not line.startswith("#")]
    unknown = [line for line in lines if set(line.split("\t")[:2]) & MISSING]
    assert result.pairs == len(lines) == 31
    assert result.scored == 31 - 3
    assert result.oov == len(unknown) == 3
    assert result.oov_ratio == pytest.approx(3 / 31)


def test_word_pairs_fold_case(planted):
    # "paris france" and "KING QUEEN" are only known when folding case.
    exact = planted.evaluate_word_pairs(PAIRS, case_insensitive=False)
    folded = planted.evaluate_word_pairs(PAIRS, case_insensitive=True)
    assert exact.oov == folded.oov + 2


def test_word_pairs_equal_scipy_on_the_cosines(tmp_path):
    from scipy import stats

    rng = np.random.default_rng(2)
    kv = KeyedVectors([f"w{i}" for i in range(6)], rng.standard_normal((6, 4)).astype(np.float32))
    pairs = [("w0", "w1", 3.0), ("w2", "w3", 1.5), ("w4", "w5", 9.0), ("w0", "w5", 4.0)]
    text = "".join(f"{a};{b} ; {score}\n" for a, b, score in pairs)  # spaces are stripped
    result = kv.evaluate_word_pairs(write(tmp_path / "p.csv", text), delimiter=";")
    cosines = [kv.similarity(a, b) for a, b, _ in pairs]
    gold = [score for *_, score in pairs]
    assert result.pearson == pytest.approx(stats.pearsonr(gold, cosines).statistic, abs=1e-6)
    assert result.spearman == pytest.approx(stats.spearmanr(gold, cosines).statistic)
    assert (result.pairs, result.oov, result.oov_ratio) == (4, 0, 0.0)


MALFORMED_PAIRS = {
    "two fields": ("# c\na\tb\t1\nb\tc\n", "line 3: expected 'word1\\tword2\\tscore'.*found 2"),
    "four fields": ("a\tb\t1\t2\n", "line 1: expected .*found 4 fields"),
    "not a number": ("a\tb\t1\nb\tc\tten\n", "line 2: score 'ten' is not a finite number"),
    "not finite": ("a\tb\tnan\n", "line 1: score 'nan' is not a finite number"),
}


@pytest.mark.parametrize(("text", "message"), MALFORMED_PAIRS.values(), ids=MALFORMED_PAIRS)
def test_malformed_pairs_name_the_line(tmp_path, planted, text, message):
    with pytest.raises(ValueError, match=message):
        planted.evaluate_word_pairs(write(tmp_path / "p.tsv", text))


def test_too_few_known_pairs_to_correlate(tmp_path, planted):
    path = write(
        tmp_path / "p.tsv", "# only one known pair\nking\tqueen\t9\nKabul\tAfghanistan\t8\n"
    )
    with pytest.raises(ValueError, match=r"1 pairs with both words .*1 had unknown.*at least 2"):
        planted.evaluate_word_pairs(path)


def test_results_are_frozen(planted):
    result = planted.evaluate_word_pairs(PAIRS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.pearson = 1.0  # type: ignore[misc]
    analogies = planted.evaluate_word_analogies(QUESTIONS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        analogies.sections[0].correct = 0  # type: ignore[misc]
