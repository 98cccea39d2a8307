"""Standard intrinsic evaluations of word vectors: analogy questions and word-pair similarity.

Both follow gensim 4.4's definitions, so scores are comparable with published gensim numbers:

- Only the first `restrict_vocab` words (the most frequent, when the vocabulary is sorted) are
  known; a question or pair using any other word is counted as skipped (out of vocabulary),
  never silently dropped, and is not scored.
- With `case_insensitive`, words are compared by their `str.upper()` form, and each form takes
  the vector of its first (most frequent) spelling among the known words.

Deliberate differences from gensim: a malformed line raises `ValueError` naming the line (gensim
logs and skips it); blank lines are allowed; pair files have their fields stripped of
surrounding spaces and need finite scores. Results are small frozen dataclasses that also
unpack and index as gensim's tuples: ``score, sections = ...`` and
``pearson, spearman, oov_percent = ...`` work as they do with gensim.
"""

from __future__ import annotations

import codecs
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import smart_open

if TYPE_CHECKING:
    from skipgram.keyedvectors import KeyedVectors

_QUESTIONS_BYTES_PER_BATCH = 1 << 26  # similarity scores held at once while answering analogies


Question = tuple[str, str, str, str]


@dataclass(frozen=True)
class SectionResult:
    """The questions of one ``: section`` of an analogy file.

    Attributes:
        name: the section name, as written after ``": "``.
        correct: questions answered correctly.
        incorrect: questions answered wrongly (with `dummy4unknown`, those with an unknown
            word too).
        skipped: questions not asked because a word is outside the searched vocabulary.
        correct_questions: the questions answered correctly, as (a, b, c, d) words
            (upper-cased when the evaluation folds case, as in gensim).
        incorrect_questions: the questions answered wrongly, likewise.
    """

    name: str
    correct: int
    incorrect: int
    skipped: int
    correct_questions: tuple[Question, ...] = ()
    incorrect_questions: tuple[Question, ...] = ()

    @property
    def accuracy(self) -> float:
        """correct / (correct + incorrect), or 0.0 if no question was asked (as gensim)."""
        return _accuracy(self.correct, self.incorrect)

    def as_gensim(self) -> dict[str, Any]:
        """gensim's form of a section: ``{"section": name, "correct": [(a, b, c, d), ...],
        "incorrect": [...]}``."""
        return {
            "section": self.name,
            "correct": list(self.correct_questions),
            "incorrect": list(self.incorrect_questions),
        }


@dataclass(frozen=True)
class AnalogyResult:
    """The outcome of `KeyedVectors.evaluate_word_analogies`.

    It unpacks and indexes as gensim's tuple: ``score, sections = result`` gives `accuracy`
    and `gensim_sections()`, gensim's list of per-section dicts (``"section"``, ``"correct"``
    and ``"incorrect"`` lists of (a, b, c, d) questions) ending with a ``"Total accuracy"``
    section; ``result[0]`` and ``result[1]`` are the same two. gensim only logs the share of
    skipped questions, which here is `skipped` / `questions`.

    Attributes:
        accuracy: correct / (correct + incorrect) over all sections; 0.0 if nothing was asked.
        correct: questions answered correctly.
        incorrect: questions answered wrongly.
        skipped: questions with a word outside the searched vocabulary, not asked.
        sections: the per-section results, in file order.
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

    def gensim_sections(self) -> list[dict[str, Any]]:
        """The sections as gensim returns them: a dict per section, then the totals as a last
        ``"Total accuracy"`` section."""
        total = {
            "section": "Total accuracy",
            "correct": [q for section in self.sections for q in section.correct_questions],
            "incorrect": [q for section in self.sections for q in section.incorrect_questions],
        }
        return [section.as_gensim() for section in self.sections] + [total]

    def _as_tuple(self) -> tuple[float, list[dict[str, Any]]]:
        return self.accuracy, self.gensim_sections()

    def __iter__(self):
        return iter(self._as_tuple())

    def __getitem__(self, index: int | slice) -> Any:
        return self._as_tuple()[index]

    def __len__(self) -> int:
        return 2


class Correlation(NamedTuple):
    """A correlation and its two-sided p-value; indexes like scipy's results (``[0]``,
    ``[1]``) and has their attribute names."""

    statistic: float
    pvalue: float

    @property
    def correlation(self) -> float:
        """scipy's older name of `statistic`."""
        return self.statistic


@dataclass(frozen=True)
class PairsResult:
    """The outcome of `KeyedVectors.evaluate_word_pairs`.

    It unpacks and indexes as gensim's tuple: ``pearson, spearman, oov_percent = result``
    gives ``(pearson, pearson_pvalue)`` and ``(spearman, spearman_pvalue)`` as `Correlation`
    pairs (with scipy's ``.statistic`` and ``.pvalue``), and ``100 * oov_ratio``; so
    ``result[0][0]`` is the Pearson correlation, as in gensim.

    Attributes:
        pearson: Pearson correlation of the file's scores with the cosine similarities.
        pearson_pvalue: its two-sided p-value.
        spearman: Spearman rank correlation of the same.
        spearman_pvalue: its two-sided p-value.
        pairs: every pair in the file, scored or not.
        oov: pairs with a word outside the searched vocabulary: skipped, or with
            `dummy4unknown` scored as similarity 0.
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
        """Pairs whose cosine similarity entered the correlations: pairs - oov."""
        return self.pairs - self.oov

    def _as_tuple(self) -> tuple[Correlation, Correlation, float]:
        return (
            Correlation(self.pearson, self.pearson_pvalue),
            Correlation(self.spearman, self.spearman_pvalue),
            100.0 * self.oov_ratio,
        )

    def __iter__(self):
        return iter(self._as_tuple())

    def __getitem__(self, index: int | slice) -> Any:
        return self._as_tuple()[index]

    def __len__(self) -> int:
        return 3


def evaluate_word_analogies(
    wv: KeyedVectors,
    path: str | os.PathLike[str],
    restrict_vocab: int | None = 300000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
    multiplicative: bool = False,
) -> AnalogyResult:
    """Answer the analogy questions of a questions-words file with 3CosAdd (or 3CosMul).

    Each line ``a b c d`` asks for the word closest by cosine to b - a + c (unit vectors), among
    the first `restrict_vocab` words minus a, b and c (and, with `case_insensitive`, all their
    spellings); the answer is right if it is d. With `multiplicative`, the word w maximising
    Levy and Goldberg's 3CosMul instead, s(w, b) s(w, c) / (s(w, a) + 1e-6) with
    s = (1 + cos) / 2, as `most_similar_cosmul` ranks. gensim looks only at its five best candidates
    and so differs in one pathological case: five or more other spellings of a, b or c ranked
    above every other word.

    Args:
        wv: the vectors.
        path: the questions file: ``": section name"`` lines, then lines of four words.
        restrict_vocab: how many of the first words are searched and known; None for all.
        case_insensitive: compare words by their upper-case form.
        dummy4unknown: count a question with an unknown word as answered wrongly instead
            of skipping it (gensim's option).
        multiplicative: answer with 3CosMul instead of 3CosAdd.

    Returns:
        Accuracy and counts, in total and per section.

    Raises:
        ValueError: the file is malformed (the message names the line) or holds no question.
    """
    known, canonical = _known_words(wv, restrict_vocab, case_insensitive)
    fold = str.upper if case_insensitive else str
    names: list[str] = []
    asked: list[tuple[int, int, int, int, int]] = []  # section, rows of a, b, c, d
    # Every question in file order: its section, words, and whether all its words are known.
    read: list[tuple[int, Question, bool]] = []
    for line_number, line in _lines(path):
        if line.startswith(": "):
            names.append(line[2:].strip())
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
        folded = tuple(fold(word) for word in words)
        rows = [known.get(word) for word in folded]
        read.append((len(names) - 1, folded, None not in rows))  # type: ignore[arg-type]
        if None not in rows:
            asked.append((len(names) - 1, *rows))  # type: ignore[arg-type]
    if not read:
        raise ValueError(f"{path} holds no analogy questions")
    questions = np.array(asked, dtype=np.int64).reshape(-1, 5)
    answers = iter(_answer(wv, questions[:, 1:], canonical, multiplicative).tolist())
    right: list[list[Question]] = [[] for _ in names]
    wrong: list[list[Question]] = [[] for _ in names]
    unknown = [0 for _ in names]
    for section, words, asked_it in read:
        if asked_it:
            (right if next(answers) else wrong)[section].append(words)
        elif dummy4unknown:  # as gensim: a wrong answer, in file order
            wrong[section].append(words)
        else:
            unknown[section] += 1
    sections = tuple(
        SectionResult(
            name,
            correct=len(right[i]),
            incorrect=len(wrong[i]),
            skipped=unknown[i],
            correct_questions=tuple(right[i]),
            incorrect_questions=tuple(wrong[i]),
        )
        for i, name in enumerate(names)
    )
    answered_right = sum(section.correct for section in sections)
    answered_wrong = sum(section.incorrect for section in sections)
    return AnalogyResult(
        accuracy=_accuracy(answered_right, answered_wrong),
        correct=answered_right,
        incorrect=answered_wrong,
        skipped=sum(section.skipped for section in sections),
        sections=sections,
    )


def _answer(
    wv: KeyedVectors, questions: np.ndarray, canonical: np.ndarray, multiplicative: bool
) -> np.ndarray:
    """Whether each question (rows of a, b, c, d) is answered right, in batches: one matrix
    product per batch (three for 3CosMul) instead of one search per question."""
    searched = wv.unit_vectors[: len(canonical)]
    # Rows sharing a folded spelling: excluding a question word excludes all its spellings.
    spellings: dict[int, list[int]] = {}
    for row, first in enumerate(canonical.tolist()):
        if row != first:
            spellings.setdefault(first, [first]).append(row)
    unit = wv.unit_vectors
    held = 4 * max(1, len(canonical)) * (3 if multiplicative else 1)  # bytes per question
    batch = max(1, _QUESTIONS_BYTES_PER_BATCH // held)
    correct = np.zeros(len(questions), dtype=bool)
    for start in range(0, len(questions), batch):
        a, b, c, d = questions[start : start + batch].T
        if multiplicative:
            shifted = [(1.0 + unit[rows] @ searched.T) / 2.0 for rows in (a, b, c)]
            scores = shifted[1] * shifted[2] / (shifted[0] + 1e-6)
        else:
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
    encoding: str = "utf-8",
    dummy4unknown: bool = False,
) -> PairsResult:
    """Correlate cosine similarities with human similarity scores (WordSim-353 style).

    Args:
        wv: the vectors.
        path: the pairs file: lines ``word1<delimiter>word2<delimiter>score``; lines starting
            with ``#`` are comments.
        delimiter: the field separator.
        restrict_vocab: how many of the first words are known; None for all.
        case_insensitive: compare words by their upper-case form.
        encoding: the file's encoding.
        dummy4unknown: score a pair with an unknown word as similarity 0 instead of skipping
            it (gensim's option).

    Returns:
        Pearson and Spearman correlations with p-values; the numbers of pairs and of unknown
        pairs.

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
    for line_number, line in _lines(path, encoding):
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
            if dummy4unknown:
                gold.append(score)
                model.append(0.0)
            continue
        gold.append(score)
        model.append(float(np.dot(wv.unit_vectors[first], wv.unit_vectors[second])))
    pairs = len(gold) if dummy4unknown else len(gold) + oov
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
        pairs=pairs,
        oov=oov,
        oov_ratio=oov / pairs,
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


def _lines(path: str | os.PathLike[str], encoding: str = "utf-8") -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of a text file (.gz, .bz2 ... decompressed)."""
    codec = codecs.lookup(encoding).name  # an unknown encoding fails before the file is opened
    with smart_open.open(os.fspath(path), "rb") as stream:
        for line_number, raw in enumerate(stream, start=1):
            try:
                yield line_number, raw.decode(encoding)
            except UnicodeDecodeError as error:
                raise ValueError(
                    f"{path}, line {line_number}: not valid {codec.upper()} ({error.reason})"
                ) from None


def _accuracy(correct: int, incorrect: int) -> float:
    return correct / (correct + incorrect) if correct + incorrect else 0.0
