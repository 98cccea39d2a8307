"""Cost of the exact softmax per word as the vocabulary grows.

    python benchmarks/bench_softmax.py [--tokens 300000] [--sizes 500 1000 2000 5000 10000]

Trains `objective="softmax"` for one epoch on the first `--tokens` tokens of the corpus with the
vocabulary cut to about each size (the N most frequent words, via a min_count chosen per size)
and prints a markdown table: vocabulary size, wall-clock microseconds per trained centre word
(the softmax always trains with one thread), raw words/s, and negative sampling on the same data
as a yardstick. The cost should grow linearly in V (three O(V·d) BLAS passes per centre word).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from skipgram import LineSentence, SkipGram

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "gcide.txt.gz"


def read_prefix(path: Path, tokens: int) -> list[list[str]]:
    sentences, seen = [], 0
    for sentence in LineSentence(path):
        sentences.append(sentence)
        seen += len(sentence)
        if seen >= tokens:
            break
    return sentences


def min_count_for(counts: Counter[str], size: int) -> int:
    """The min_count whose vocabulary is closest to `size` words (at most `size`)."""
    ranked = sorted(counts.values(), reverse=True)
    return ranked[min(size, len(ranked)) - 1] + 1 if size < len(ranked) else 1


def time_epoch(sentences: list[list[str]], **params: object) -> tuple[int, float, float]:
    model = SkipGram(sentences, epochs=1, **params)
    started = time.perf_counter()
    model.train()
    seconds = time.perf_counter() - started
    return len(model.wv), seconds, model.last_epoch.kept_words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--tokens", type=int, default=300_000)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[500, 1000, 2000, 5000, 10000, 20000]
    )
    parser.add_argument("--vector-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    sentences = read_prefix(args.corpus, args.tokens)
    counts = Counter(w for s in sentences for w in s)
    common = {"vector_size": args.vector_size, "window": 5, "sample": 1e-3, "workers": args.workers,
              "seed": 1}  # fmt: skip
    print(f"{sum(map(len, sentences)):,} tokens of {args.corpus.name}, d={args.vector_size}, "
          f"window 5, 1 epoch, {args.workers} workers\n")  # fmt: skip
    print("| vocabulary | softmax µs / trained word | softmax raw words/s "
          "| ns raw words/s | softmax / ns time |")  # fmt: skip
    print("|---|---|---|---|---|")
    for size in args.sizes:
        min_count = min_count_for(counts, size)
        vocab, seconds, kept = time_epoch(sentences, objective="softmax", min_count=min_count,
                                          **common)  # fmt: skip
        _, ns_seconds, _ = time_epoch(sentences, objective="ns", min_count=min_count, **common)
        raw = sum(map(len, sentences))
        print(f"| {vocab:,} | {1e6 * seconds / kept:,.1f} | {raw / seconds:,.0f} "
              f"| {raw / ns_seconds:,.0f} | {seconds / ns_seconds:,.1f}x |")  # fmt: skip


if __name__ == "__main__":
    main()
