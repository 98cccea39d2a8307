"""Standard intrinsic evaluations of word vectors: analogy questions and word-pair similarity.

Both follow gensim 4.4's definitions, so scores are comparable with published gensim numbers:

- Only the first `restrict_vocab` words (the most frequent, when the vocabulary is sorted) are
  known; a question or pair using any other word is counted as skipped (out of vocabulary),
  never silently dropped, and is not scored.
- With `case_insensitive`, words are compared by their `str.upper()` form, and each form takes
  the vector of its first (most frequent) spelling among the known words.

Deliberate differences from gensim: a malformed line raises `ValueError` naming the line (gensim
logs and skips it); blank lines are allowed; pair files have their fields stripped of
surrounding spaces and need finite scores. Results are returned as small frozen dataclasses
instead of gensim's tuples and dicts.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import smart_open

if TYPE_CHECKING:
    from skipgram.keyedvectors import KeyedVectors

_QUESTIONS_BYTES_PER_BATCH = 1 << 26  # similarity scores held at once while answering analogies


@dataclass(frozen=True)
class SectionResult:
    """The questions of one ``: section`` of an analogy file.

    Attributes:
        name: the section name, as written after ``": "``.
        correct: questions answered correctly.
        incorrect: questions answered wrongly.
        skipped: questions not asked because a word is outside the searched vocabulary.
    """

    name: str
    correct: int
    incorrect: int
    skipped: int

    @property
    def accuracy(self) -> float:
        """correct / (correct + incorrect), or 0.0 if no question was asked (as gensim)."""
        return _accuracy(self.correct, self.incorrect)


@dataclass(frozen=True)
class AnalogyResult:
    """The outcome of `KeyedVectors.evaluate_word_analogies`.

    gensim's ``score, sections = kv.evaluate_word_analogies(path)`` maps to it as: ``score`` is
    `accuracy`; ``sections[i]`` for every ``i`` but the last is `sections[i]` (its ``correct``
    and ``incorrect`` lists hold `correct` and `incorrect` questions); gensim's final "Total
    accuracy" section holds the totals `correct` and `incorrect`. gensim only logs the share of
    skipped questions, which here is `skipped` / `questions`.

    Attributes:
        accuracy: correct / (correct + incorrect) over all sections; 0.0 if nothing was asked.
        correct: questions answered correctly.
        incorrect: questions answered wrongly.
        skipped: questions with a word outside the searched vocabulary, not asked.
        sections: the per-section counts, in file order.
    """

    accuracy: float
    correct: int
    incorrect: int
    skipped: int
    sections: tuple[SectionResult, ...]

    @property
    def questions(self) -> int:
        """Every question in the file: correct + incorrect + skipped."""
        return self.correct + self.incorrect + self.skipped


@dataclass(frozen=True)
class PairsResult:
    """The outcome of `KeyedVectors.evaluate_word_pairs`.

    gensim's ``pearson, spearman, oov = kv.evaluate_word_pairs(path)`` maps to it as:
    ``pearson == (pearson, pearson_pvalue)``, ``spearman == (spearman, spearman_pvalue)`` and
    ``oov == 100 * oov_ratio`` (gensim gives a percentage).

    Attributes:
        pearson: Pearson correlation of the file's scores with the cosine similarities.
        pearson_pvalue: its two-sided p-value.
        spearman: Spearman rank correlation of the same.
        spearman_pvalue: its two-sided p-value.
        pairs: every pair in the file, scored or not.
        oov: pairs skipped, not scored, because a word is outside the searched vocabulary.
        oov_ratio: oov / pairs, a fraction in [0, 1].
    """

    pearson: float
    pearson_pvalue: float
    spearman: float
    spearman_pvalue: float
    pairs: int
    oov: int
    oov_ratio: float

    @property
    def scored(self) -> int:
        """Pairs whose similarity entered the correlations: pairs - oov."""
        return self.pairs - self.oov


def evaluate_word_analogies(
    wv: KeyedVectors,
    path: str | os.PathLike[str],
    restrict_vocab: int | None = 300000,
    case_insensitive: bool = True,
) -> AnalogyResult:
    """Answer the analogy questions of a questions-words file with 3CosAdd.

    Each line ``a b c d`` asks for the word closest by cosine to b - a + c (unit vectors), among
    the first `restrict_vocab` words minus a, b and c (and, with `case_insensitive`, all their
    spellings); the answer is right if it is d. gensim looks only at its five best candidates
    and so differs in one pathological case: five or more other spellings of a, b or c ranked
    above every other word.

    Args:
        wv: the vectors.
        path: the questions file: ``": section name"`` lines, then lines of four words.
        restrict_vocab: how many of the first words are searched and known; None for all.
        case_insensitive: compare words by their upper-case form.

    Returns:
        Accuracy and counts, in total and per section.

    Raises:
        ValueError: the file is malformed (the message names the line) or holds no question.
    """
    known, canonical = _known_words(wv, restrict_vocab, case_insensitive)
    fold = str.upper if case_insensitive else str
    names: list[str] = []
    asked: list[tuple[int, int, int, int, int]] = []  # section, rows of a, b, c, d
    skipped: list[int] = []
    for line_number, line in _lines(path):
        if line.startswith(": "):
            names.append(line[2:].strip())
            skipped.append(0)
            continue
        words = line.split()
        if not words:
            continue
        if len(words) != 4:
            raise ValueError(
                f"{path}, line {line_number}: expected an analogy question of 4 words or a "
                f"': section' header, found {len(words)} words"
            )
        if not names:
            raise ValueError(
                f"{path}, line {line_number}: a question before the first ': section' header"
            )
        rows = [known.get(fold(word)) for word in words]
        if None in rows:
            skipped[-1] += 1
        else:
            asked.append((len(names) - 1, *rows))
    if not asked and not any(skipped):
        raise ValueError(f"{path} holds no analogy questions")
    questions = np.array(asked, dtype=np.int64).reshape(-1, 5)
    correct = _answer(wv, questions[:, 1:], canonical)
    right = np.bincount(questions[:, 0], weights=correct, minlength=len(names)).astype(int)
    total = np.bincount(questions[:, 0], minlength=len(names))
    sections = tuple(
        SectionResult(name, int(right[i]), int(total[i] - right[i]), skipped[i])
        for i, name in enumerate(names)
    )
    answered_right = int(correct.sum())
    return AnalogyResult(
        accuracy=_accuracy(answered_right, len(asked) - answered_right),
        correct=answered_right,
        incorrect=len(asked) - answered_right,
        skipped=sum(skipped),
        sections=sections,
    )


def _answer(wv: KeyedVectors, questions: np.ndarray, canonical: np.ndarray) -> np.ndarray:
    """Whether each question (rows of a, b, c, d) is answered right, in batches: one matrix
    product per batch instead of one search per question."""
    searched = wv.unit_vectors[: len(canonical)]
    # Rows sharing a folded spelling: excluding a question word excludes all its spellings.
    spellings: dict[int, list[int]] = {}
    for row, first in enumerate(canonical.tolist()):
        if row != first:
            spellings.setdefault(first, [first]).append(row)
    unit = wv.unit_vectors
    batch = max(1, _QUESTIONS_BYTES_PER_BATCH // (4 * max(1, len(canonical))))
    correct = np.zeros(len(questions), dtype=bool)
    for start in range(0, len(questions), batch):
        a, b, c, d = questions[start : start + batch].T
        scores = (unit[b] - unit[a] + unit[c]) @ searched.T
        in_batch = np.arange(len(a))
        for rows in (a, b, c):
            scores[in_batch, rows] = -np.inf
        if spellings:
            for question, rows in enumerate(zip(a.tolist(), b.tolist(), c.tolist(), strict=True)):
                for row in rows:
                    scores[question, spellings.get(row, [])] = -np.inf
        correct[start : start + batch] = canonical[np.argmax(scores, axis=1)] == d
    return correct


def evaluate_word_pairs(
    wv: KeyedVectors,
    path: str | os.PathLike[str],
    delimiter: str = "\t",
    restrict_vocab: int | None = 300000,
    case_insensitive: bool = True,
) -> PairsResult:
    """Correlate cosine similarities with human similarity scores (WordSim-353 style).

    Args:
        wv: the vectors.
        path: the pairs file: lines ``word1<delimiter>word2<delimiter>score``; lines starting
            with ``#`` are comments.
        delimiter: the field separator.
        restrict_vocab: how many of the first words are known; None for all.
        case_insensitive: compare words by their upper-case form.

    Returns:
        Pearson and Spearman correlations with p-values; the numbers of pairs and of skipped pairs.

    Raises:
        ValueError: the file is malformed (the message names the line), or fewer than two
            pairs have both words in the vocabulary.
    """
    from scipy import stats  # slow to import, and only this evaluation needs it

    known, _ = _known_words(wv, restrict_vocab, case_insensitive)
    fold = str.upper if case_insensitive else str
    gold: list[float] = []
    model: list[float] = []
    oov = 0
    for line_number, line in _lines(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\r\n").split(delimiter)
        if len(fields) != 3:
            raise ValueError(
                f"{path}, line {line_number}: expected 'word1{delimiter}word2{delimiter}score' "
                f"(3 fields separated by {delimiter!r}), found {len(fields)} fields"
            )
        try:
            score = float(fields[2])
        except ValueError:
            score = math.nan
        if not math.isfinite(score):
            raise ValueError(
                f"{path}, line {line_number}: score {fields[2].strip()!r} is not a finite number"
            )
        first, second = (known.get(fold(word.strip())) for word in fields[:2])
        if first is None or second is None:
            oov += 1
            continue
        gold.append(score)
        model.append(float(np.dot(wv.unit_vectors[first], wv.unit_vectors[second])))
    if len(gold) < 2:
        raise ValueError(
            f"{path}: {len(gold)} pairs with both words in the vocabulary ({oov} had unknown "
            "words); a correlation needs at least 2"
        )
    pearson = stats.pearsonr(gold, model)
    spearman = stats.spearmanr(gold, model)
    return PairsResult(
        pearson=float(pearson.statistic),
        pearson_pvalue=float(pearson.pvalue),
        spearman=float(spearman.statistic),
        spearman_pvalue=float(spearman.pvalue),
        pairs=len(gold) + oov,
        oov=oov,
        oov_ratio=oov / (len(gold) + oov),
    )


def _known_words(
    wv: KeyedVectors, restrict_vocab: int | None, case_insensitive: bool
) -> tuple[dict[str, int], np.ndarray]:
    """The searched vocabulary: each (folded) word's row, the first spelling winning, and for
    every searched row the row its folded spelling maps to."""
    if restrict_vocab is None:
        limit = len(wv)
    elif isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, (int, np.integer)):
        raise ValueError(f"restrict_vocab must be a positive int or None, got {restrict_vocab!r}")
    elif restrict_vocab < 1:
        raise ValueError(f"restrict_vocab must be positive, got {restrict_vocab}")
    else:
        limit = min(int(restrict_vocab), len(wv))
    fold: Callable[[str], str] = str.upper if case_insensitive else str
    known: dict[str, int] = {}
    canonical = np.array(
        [known.setdefault(fold(word), row) for row, word in enumerate(wv.index_to_key[:limit])],
        dtype=np.int64,
    )
    return known, canonical


def _lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of a UTF-8 file (.gz, .bz2 ... decompressed)."""
    with smart_open.open(os.fspath(path), "rb") as stream:
        for line_number, raw in enumerate(stream, start=1):
            try:
                yield line_number, raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ValueError(
                    f"{path}, line {line_number}: not valid UTF-8 ({error.reason})"
                ) from None


def _accuracy(correct: int, incorrect: int) -> float:
    return correct / (correct + incorrect) if correct + incorrect else 0.0
