"""Intrinsic evaluation of word embeddings, shared by every benchmark runner.

Only numpy and scipy are used, so the very same code scores gensim (inside its own venv) and
skipgram (in the main environment); any difference in the numbers therefore comes from the
vectors, never from the scorer.

The protocol mirrors the defaults of gensim 4.4's ``KeyedVectors.evaluate_word_analogies`` and
``evaluate_word_pairs`` (``verify_evaluator.py`` checks that claim against gensim itself):

* only the ``restrict_vocab`` most frequent words are known, both as question words and as
  answer candidates;
* matching is case-insensitive: words are upper-cased and, when several vocabulary entries
  share an upper-cased form, the most frequent one stands for all of them;
* questions or pairs with an unknown word are skipped, counted, and reported as an OOV ratio;
* analogies use 3CosAdd over unit vectors; the three question words are never an answer;
* accuracy is correct / questions attempted (OOV questions are not attempted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import stats

RESTRICT_VOCAB = 300_000
# gensim asks most_similar() for 5 answers and scans them for the first admissible one.
_TOPN = 5
_N_QUESTION_WORDS = 3


@dataclass
class SectionScore:
    """Analogy result of one ``: section`` of the question file."""

    name: str
    correct: int
    attempted: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempted if self.attempted else 0.0


@dataclass
class AnalogyScore:
    """Analogy results; ``accuracy`` is over attempted (fully in-vocabulary) questions."""

    correct: int
    attempted: int
    questions: int
    oov: int
    sections: list[SectionScore] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempted if self.attempted else 0.0

    @property
    def oov_ratio(self) -> float:
        """Percentage of questions skipped because a word is unknown (as gensim logs it)."""
        return 100.0 * self.oov / self.questions if self.questions else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "accuracy": self.accuracy,
            "correct": self.correct,
            "attempted": self.attempted,
            "questions": self.questions,
            "oov": self.oov,
            "oov_ratio": self.oov_ratio,
            "sections": [
                {
                    "name": s.name,
                    "correct": s.correct,
                    "attempted": s.attempted,
                    "accuracy": s.accuracy,
                }
                for s in self.sections
            ],
        }


@dataclass
class PairScore:
    """Word-similarity results; ``oov_ratio`` is a percentage of all valid pairs."""

    spearman: float
    pearson: float
    used: int
    oov: int

    @property
    def oov_ratio(self) -> float:
        total = self.used + self.oov
        return 100.0 * self.oov / total if total else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "spearman": self.spearman,
            "pearson": self.pearson,
            "pairs_used": self.used,
            "oov": self.oov,
            "oov_ratio": self.oov_ratio,
        }


class _Vocab:
    """Lookup over the ``restrict_vocab`` most frequent words, with gensim's case folding."""

    def __init__(self, words: list[str], restrict_vocab: int, case_insensitive: bool) -> None:
        self.size = min(restrict_vocab, len(words))
        self.case_insensitive = case_insensitive
        self.index: dict[str, int] = {}
        # canonical[i] is the index standing for word i: itself, or the most frequent word with
        # the same upper-cased form. Comparing canonical indices is then the same as comparing
        # upper-cased strings, which lets the analogy scorer work on integer arrays only.
        self.canonical = np.empty(self.size, dtype=np.int64)
        for i, word in enumerate(words[: self.size]):
            first = self.index.setdefault(self.fold(word), i)
            self.canonical[i] = first

    def fold(self, word: str) -> str:
        return word.upper() if self.case_insensitive else word


def _norms(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1)
    # An all-zero vector would turn every cosine involving it into NaN and poison the ranking;
    # leaving it at length zero gives it cosine 0 instead, which is harmless.
    norms[norms == 0] = 1
    return norms


def _read_questions(path: Path, vocab: _Vocab) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Parse the analogy file into section names, in-vocabulary questions and counts.

    Returns ``(section_names, section_of_question, questions, n_questions)`` where
    ``questions`` is an ``(n, 4)`` array of vocabulary indices (a, b, c, expected) for the
    questions whose four words are all known.
    """
    names: list[str] = []
    section_ids: list[int] = []
    rows: list[tuple[int, int, int, int]] = []
    n_questions = 0
    with open(path, encoding="utf-8") as fin:
        for line_no, line in enumerate(fin):
            if line.startswith(": "):
                names.append(line.lstrip(": ").strip())
                continue
            if not names:
                raise ValueError(f"missing section header before line {line_no} in {path}")
            parts = line.split()
            if len(parts) != 4:  # blank or malformed lines are not questions at all
                continue
            n_questions += 1
            ids = [vocab.index.get(vocab.fold(w)) for w in parts]
            if None in ids:
                continue
            rows.append(tuple(ids))  # type: ignore[arg-type]
            section_ids.append(len(names) - 1)
    questions = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return names, np.array(section_ids, dtype=np.int64), questions, n_questions


def _top_candidates(queries: np.ndarray, candidates: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best-scoring candidates per query, best first."""
    # Negated in place so that ascending partial sorts rank best first without another copy
    # of the (batch x vocabulary) score matrix.
    neg_scores = queries @ candidates.T
    np.negative(neg_scores, out=neg_scores)
    if k < neg_scores.shape[1]:
        top = np.argpartition(neg_scores, k, axis=1)[:, :k]
    else:
        top = np.broadcast_to(np.arange(neg_scores.shape[1]), neg_scores.shape)
    order = np.argsort(np.take_along_axis(neg_scores, top, axis=1), axis=1)
    return np.take_along_axis(top, order, axis=1)


def _predict(top: np.ndarray, questions: np.ndarray, canonical: np.ndarray) -> np.ndarray:
    """Apply gensim's answer selection to ranked candidates; returns canonical answer ids.

    Candidates equal to a question word are dropped, the first five that remain are scanned
    for one whose (case-folded) form is not a question word either, and if none qualifies the
    last of the five stands as the answer. -1 means no answer at all (tiny vocabularies).
    """
    asked = questions[:, :_N_QUESTION_WORDS, None]
    kept = ~(top[:, None, :] == asked).any(axis=1)
    kept &= np.cumsum(kept, axis=1) <= _TOPN
    canon = canonical[top]
    admissible = kept & ~(canon[:, None, :] == asked).any(axis=1)
    rows = np.arange(len(top))
    first_ok = np.argmax(admissible, axis=1)
    last_kept = top.shape[1] - 1 - np.argmax(kept[:, ::-1], axis=1)
    choice = np.where(admissible.any(axis=1), first_ok, last_kept)
    return np.where(kept.any(axis=1), canon[rows, choice], -1)


def evaluate_analogies(
    words: list[str],
    vectors: np.ndarray,
    path: str | Path,
    restrict_vocab: int = RESTRICT_VOCAB,
    case_insensitive: bool = True,
    batch_size: int = 128,
) -> AnalogyScore:
    """Score 3CosAdd analogy accuracy on a ``questions-words.txt``-style file.

    ``words`` must be ordered most frequent first and ``vectors`` row-aligned with it.
    Questions are answered ``batch_size`` at a time with one matrix product each, which bounds
    the scratch memory to ``batch_size x restrict_vocab`` floats.
    """
    vocab = _Vocab(words, restrict_vocab, case_insensitive)
    names, section_of, questions, n_questions = _read_questions(Path(path), vocab)
    kv = np.asarray(vectors[: vocab.size], dtype=np.float32)
    unit = kv / _norms(kv)[:, None]

    # Each question needs its best 5 answers after dropping its own 3 words, so 8 suffice.
    k = _TOPN + _N_QUESTION_WORDS
    correct = np.zeros(len(questions), dtype=bool)
    for start in range(0, len(questions), batch_size):
        batch = questions[start : start + batch_size]
        a, b, c = (unit[batch[:, j]] for j in range(_N_QUESTION_WORDS))
        query = (b + c - a) / np.float32(_N_QUESTION_WORDS)
        query /= _norms(query)[:, None]
        top = _top_candidates(query, unit, k)
        correct[start : start + batch_size] = _predict(top, batch, vocab.canonical) == batch[:, 3]

    sections = []
    for sid, name in enumerate(names):
        mine = section_of == sid
        sections.append(SectionScore(name, int(correct[mine].sum()), int(mine.sum())))
    return AnalogyScore(
        correct=int(correct.sum()),
        attempted=len(questions),
        questions=n_questions,
        oov=n_questions - len(questions),
        sections=sections,
    )


def evaluate_word_pairs(
    words: list[str],
    vectors: np.ndarray,
    path: str | Path,
    delimiter: str = "\t",
    restrict_vocab: int = RESTRICT_VOCAB,
    case_insensitive: bool = True,
) -> PairScore:
    """Correlate cosine similarities with human judgements (e.g. WordSim-353).

    Lines starting with ``#`` are comments; lines that are not ``word, word, number`` are
    skipped without being counted.
    """
    vocab = _Vocab(words, restrict_vocab, case_insensitive)
    left: list[int] = []
    right: list[int] = []
    gold: list[float] = []
    oov = 0
    with open(path, encoding="utf-8") as fin:
        for line in fin:
            if line.startswith("#"):
                continue
            parts = line.split(delimiter)
            if len(parts) != 3:
                continue
            try:
                score = float(parts[2])
            except ValueError:
                continue
            i, j = vocab.index.get(vocab.fold(parts[0])), vocab.index.get(vocab.fold(parts[1]))
            if i is None or j is None:
                oov += 1
                continue
            left.append(i)
            right.append(j)
            gold.append(score)
    if not gold:
        raise ValueError(f"no usable word pairs in {path}: wrong format or all out of vocabulary")

    kv = np.asarray(vectors[: vocab.size], dtype=np.float32)
    unit = kv / _norms(kv)[:, None]
    model = np.einsum("ij,ij->i", unit[left], unit[right])
    return PairScore(
        spearman=float(stats.spearmanr(gold, model).statistic),
        pearson=float(stats.pearsonr(gold, model).statistic),
        used=len(gold),
        oov=oov,
    )


def evaluate(
    words: list[str],
    vectors: np.ndarray,
    analogies: str | Path,
    pairs: str | Path,
    simlex: str | Path | None = None,
) -> dict[str, dict[str, object]]:
    """Run the benchmarks and return a JSON-ready summary (SimLex-999 when `simlex` is given)."""
    summary = {
        "analogy": evaluate_analogies(words, vectors, analogies).to_dict(),
        "ws353": evaluate_word_pairs(words, vectors, pairs).to_dict(),
    }
    if simlex is not None:
        summary["simlex"] = evaluate_word_pairs(words, vectors, simlex).to_dict()
    return summary
