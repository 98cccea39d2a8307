"""Command line: `python -m skipgram demo|train|similar`.

User mistakes (a missing file, an unknown word, a bad parameter) print one line to stderr and
exit with status 2; there is no traceback for them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from importlib import resources
from pathlib import Path

from skipgram.corpus import LineSentence, PathLineSentences
from skipgram.io import ModelFormatError
from skipgram.model import SkipGram

DEMO_QUERIES = ("king", "god", "water", "program", "hacker", "unix")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    try:
        return args.run(args)
    except (OSError, ValueError, TypeError, KeyError, ModelFormatError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"skipgram {args.command}: error: {message}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skipgram", description="Train and query skip-gram word vectors."
    )
    parser.add_argument("--quiet", action="store_true", help="only print results and errors")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="train on the bundled demo corpus, print neighbours")
    demo.add_argument("--workers", type=int, default=0, help="threads (default: one per core)")
    demo.add_argument("--epochs", type=int, default=5)
    demo.set_defaults(run=_demo)

    train = commands.add_parser("train", help="train a model on a corpus file or directory")
    train.add_argument(
        "corpus", help="text file (.gz/.bz2 ok) or directory of files, one sentence per line"
    )
    train.add_argument("--output", required=True, help="where to save the model")
    for flag, kind, default in (
        ("--vector-size", int, 100),
        ("--window", int, 5),
        ("--negative", int, 5),
        ("--objective", str, "ns"),
        ("--min-count", int, 5),
        ("--sample", float, 1e-3),
        ("--epochs", int, 5),
        ("--workers", int, 0),
        ("--alpha", float, None),
        ("--min-alpha", float, 1e-4),
        ("--seed", int, 1),
    ):
        train.add_argument(flag, type=kind, default=default)
    train.set_defaults(run=_train)

    similar = commands.add_parser("similar", help="nearest neighbours of a word")
    similar.add_argument("model")
    similar.add_argument("word")
    similar.add_argument("--topn", type=int, default=10)
    similar.set_defaults(run=_similar)
    return parser


def _demo(args: argparse.Namespace) -> int:
    corpus_path = resources.files("skipgram") / "data" / "demo.txt.gz"
    with resources.as_file(corpus_path) as path:
        started = time.perf_counter()
        model = SkipGram(
            LineSentence(path),
            vector_size=100,
            window=5,
            min_count=5,
            epochs=args.epochs,
            workers=args.workers,
        ).train()
        seconds = time.perf_counter() - started
    print(
        f"trained on {model.vocab.total_words:,} words ({len(model.vocab):,} in the vocabulary)"
        f" in {seconds:.1f}s with {model.params.workers} worker(s)\n"
    )
    for word in DEMO_QUERIES:
        if word in model.wv:
            neighbours = ", ".join(f"{w} {s:.2f}" for w, s in model.most_similar(word, topn=6))
            print(f"{word:>8}: {neighbours}")
    return 0


def _train(args: argparse.Namespace) -> int:
    source = Path(args.corpus)
    corpus = PathLineSentences(source) if source.is_dir() else LineSentence(args.corpus)
    model = SkipGram(
        corpus,
        vector_size=args.vector_size,
        window=args.window,
        negative=args.negative,
        objective=args.objective,
        min_count=args.min_count,
        sample=args.sample,
        epochs=args.epochs,
        workers=args.workers,
        alpha=args.alpha,
        min_alpha=args.min_alpha,
        seed=args.seed,
    )
    model.train()
    model.save(args.output)
    print(f"saved {len(model.vocab):,} word vectors to {os.fspath(args.output)}")
    return 0


def _similar(args: argparse.Namespace) -> int:
    model = SkipGram.load(args.model)
    for word, score in model.most_similar(args.word, topn=args.topn):
        print(f"{word}\t{score:.4f}")
    return 0
