"""Does the exact softmax learn? Loss per epoch against ln V, and a few neighbours.

    python benchmarks/softmax_quality.py [--tokens 300000] [--min-count 20] [--shuffle]
        [--workers 2]

Trains `objective="softmax"` (default alpha) on the first `--tokens` tokens of the corpus with
d=50, window 3, 3 epochs, `--workers` threads (one thread steps exactly as sequential
per-centre training would; more share the matrices without locks), and prints
`loss_history`, the ratio of the last loss to ln V (a model that learned nothing scores ln V:
the uniform distribution), and neighbours of a
few common words. `--shuffle` takes the sentences in a seeded random order instead of the
corpus order (GCIDE is alphabetical, so a prefix of it covers only a few letters).
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

from skipgram import LineSentence, SkipGram

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "gcide.txt.gz"
PROBES = ("water", "king", "red", "house", "man", "good", "iron", "horse")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--tokens", type=int, default=300_000)
    parser.add_argument("--min-count", type=int, default=20)
    parser.add_argument("--shuffle", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    sentences = list(LineSentence(args.corpus))
    if args.shuffle:
        random.Random(1).shuffle(sentences)
    prefix, seen = [], 0
    for sentence in sentences:
        prefix.append(sentence)
        seen += len(sentence)
        if seen >= args.tokens:
            break
    model = SkipGram(
        prefix,
        objective="softmax",
        vector_size=50,
        window=3,
        min_count=args.min_count,
        epochs=3,
        workers=args.workers,
        seed=1,
    )
    model.train(compute_loss=True)
    vocab = len(model.wv)
    history = ", ".join(f"{loss:.3f}" for loss in model.loss_history)
    print(
        f"{seen:,} tokens, V = {vocab:,}, ln V = {math.log(vocab):.3f}, alpha {model.params.alpha}"
    )
    print(
        f"loss per epoch: {history}; last / ln V = {model.loss_history[-1] / math.log(vocab):.3f}"
    )
    print(f"{model.last_epoch.words_per_second:,.0f} raw words/s in the last epoch")
    for word in PROBES:
        if word in model.wv:
            print(f"{word:>8}: {', '.join(w for w, _ in model.most_similar(word, topn=6))}")


if __name__ == "__main__":
    main()
