"""Check that ``evaluate.py`` reproduces gensim's own evaluation numbers.

Run it with the peer venv's interpreter:

    benchmarks/.venv-gensim/bin/python benchmarks/verify_evaluator.py

It trains a small gensim model on a slice of the corpus (every third line), then scores it with
gensim's ``evaluate_word_analogies``/``evaluate_word_pairs`` and with ``evaluate.py`` in three
settings:
the defaults, a small ``restrict_vocab``, and a vocabulary salted with capitalised duplicates
(to exercise the case folding and answer filtering). Section counts and OOV counts must match
exactly and correlations to 1e-6; the exit status is non-zero otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import sys
import time
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors, Word2Vec

import evaluate
import harness

CORR_TOL = 1e-6


def read_slice(corpus: Path, stride: int) -> list[list[str]]:
    """Every ``stride``-th line: a spread-out sample, since the file is sorted by headword."""
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as fin:
        return [line.split() for line in itertools.islice(fin, 0, None, stride)]


def salted(kv: KeyedVectors, every: int, seed: int) -> KeyedVectors:
    """Copy ``kv`` with a capitalised twin before every ``every``-th word.

    The twin comes first, so under case folding it, not the original, stands for the word;
    its vector is a perturbed copy, so the lower-case original often ranks among the answers
    and must be rejected by its case-folded form rather than by its index.
    """
    rng = np.random.default_rng(seed)
    keys: list[str] = []
    rows: list[np.ndarray] = []
    for i, word in enumerate(kv.index_to_key):
        if i % every == 0:
            keys.append(word.capitalize())
            noise = rng.standard_normal(kv.vector_size).astype(np.float32)
            noise *= 0.3 * np.linalg.norm(kv.vectors[i]) / np.linalg.norm(noise)
            rows.append(kv.vectors[i] + noise)
        keys.append(word)
        rows.append(kv.vectors[i])
    out = KeyedVectors(kv.vector_size)
    out.add_vectors(keys, np.vstack(rows))
    return out


def compare(label: str, kv: KeyedVectors, args: argparse.Namespace, restrict: int) -> bool:
    """Score ``kv`` both ways, print a summary line, and return whether they agree."""
    t0 = time.perf_counter()
    g_score, g_sections = kv.evaluate_word_analogies(str(args.analogies), restrict_vocab=restrict)
    g_pearson, g_spearman, g_oov = kv.evaluate_word_pairs(str(args.pairs), restrict_vocab=restrict)
    t1 = time.perf_counter()
    words, vectors = list(kv.index_to_key), kv.vectors
    mine = evaluate.evaluate_analogies(words, vectors, args.analogies, restrict_vocab=restrict)
    pairs = evaluate.evaluate_word_pairs(words, vectors, args.pairs, restrict_vocab=restrict)
    t2 = time.perf_counter()

    problems = []
    g_counts = [
        (s["section"], len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
        for s in g_sections[:-1]
    ]  # gensim appends the total as a last pseudo-section
    m_counts = [(s.name, s.correct, s.attempted) for s in mine.sections]
    if g_counts != m_counts:
        diff = [(g, m) for g, m in zip(g_counts, m_counts, strict=False) if g != m]
        problems.append(f"section counts differ: {diff or (len(g_counts), len(m_counts))}")
    if abs(g_score - mine.accuracy) > 0:
        problems.append(f"analogy accuracy {g_score} vs {mine.accuracy}")
    if abs(g_spearman.statistic - pairs.spearman) > CORR_TOL:
        problems.append(f"spearman {g_spearman.statistic} vs {pairs.spearman}")
    if abs(g_pearson.statistic - pairs.pearson) > CORR_TOL:
        problems.append(f"pearson {g_pearson.statistic} vs {pairs.pearson}")
    if abs(g_oov - pairs.oov_ratio) > 1e-9:
        problems.append(f"pair OOV ratio {g_oov} vs {pairs.oov_ratio}")

    total = g_sections[-1]
    print(f"[{label}] vocab={len(words)} restrict={restrict}")
    print(
        f"  gensim : analogy {g_score:.6f} ({len(total['correct'])}/"
        f"{len(total['correct']) + len(total['incorrect'])})  spearman "
        f"{g_spearman.statistic:.9f}  pearson {g_pearson.statistic:.9f}  pair OOV "
        f"{g_oov:.2f}%  [{t1 - t0:.1f}s]"
    )
    print(
        f"  ours   : analogy {mine.accuracy:.6f} ({mine.correct}/{mine.attempted})  spearman "
        f"{pairs.spearman:.9f}  pearson {pairs.pearson:.9f}  pair OOV "
        f"{pairs.oov_ratio:.2f}%  [{t2 - t1:.1f}s]  analogy OOV {mine.oov}/{mine.questions}"
    )
    worst = max(
        abs(g_spearman.statistic - pairs.spearman), abs(g_pearson.statistic - pairs.pearson)
    )
    print(f"  max |d corr| = {worst:.2e}  sections compared: {len(m_counts)}")
    for p in problems:
        print(f"  MISMATCH {p}")
    return not problems


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=harness.CORPORA / "gcide.txt.gz")
    p.add_argument("--analogies", type=Path, default=harness.CORPORA / "questions-words.txt")
    p.add_argument("--pairs", type=Path, default=harness.CORPORA / "wordsim353.tsv")
    p.add_argument("--stride", type=int, default=3, help="train on every N-th corpus line")
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args()

    sentences = read_slice(args.corpus, args.stride)
    print(
        f"training gensim on {len(sentences)} lines, "
        f"{sum(map(len, sentences))} tokens, {args.epochs} epochs"
    )
    model = Word2Vec(
        sentences,
        sg=1,
        vector_size=100,
        window=5,
        min_count=5,
        negative=5,
        epochs=args.epochs,
        workers=2,
        seed=1,
    )
    kv = model.wv
    ok = compare("defaults", kv, args, evaluate.RESTRICT_VOCAB)
    ok &= compare("small restrict_vocab", kv, args, 3000)
    ok &= compare("capitalised twins", salted(kv, every=3, seed=0), args, evaluate.RESTRICT_VOCAB)
    print("evaluator matches gensim" if ok else "evaluator DIFFERS from gensim")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
