"""Command line: `skipgram demo|train|similar|analogy|evaluate|export` (or `python -m skipgram`).

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
from skipgram.keyedvectors import KEYED_VECTORS_KIND, KeyedVectors
from skipgram.model import SkipGram

DEMO_QUERIES = ("king", "god", "water", "program", "hacker", "unix")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    args.quiet = args.quiet or args.quiet_here
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
    parser.add_argument(
        "--quiet", action="store_true", help="only print results and errors (no progress bar)"
    )
    # --quiet is accepted after the command too (`skipgram train ... --quiet`).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", dest="quiet_here", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, parents=[common])

    demo = command("demo", "train on the bundled demo corpus, print neighbours")
    demo.add_argument("--workers", type=int, default=0, help="threads (default: one per core)")
    demo.add_argument("--epochs", type=int, default=5)
    demo.set_defaults(run=_demo)

    train = command("train", "train a model on a corpus file or directory")
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
        ("--max-vocab-size", int, None),
    ):
        train.add_argument(flag, type=kind, default=default)
    train.add_argument(
        "--shared-negatives", action="store_true", help="ns: one set of negatives per window"
    )
    train.add_argument("--checkpoint", help="save the model here after every epoch")
    train.set_defaults(run=_train)

    similar = command("similar", "nearest neighbours of a word")
    similar.add_argument("model", help="a model or vectors file saved by skipgram")
    similar.add_argument("word")
    similar.add_argument("--topn", type=int, default=10)
    similar.set_defaults(run=_similar)

    analogy = command("analogy", "B - A + C: 'A is to B as C is to ?'")
    analogy.add_argument("model", help="a model or vectors file saved by skipgram")
    for word in ("a", "b", "c"):
        analogy.add_argument(word)
    analogy.add_argument("--topn", type=int, default=5)
    analogy.set_defaults(run=_analogy)

    evaluate = command("evaluate", "analogy accuracy and word-pair correlations")
    evaluate.add_argument("model", help="a model or vectors file saved by skipgram")
    evaluate.add_argument("--analogies", help="questions-words file (': section', 'a b c d')")
    evaluate.add_argument("--pairs", help="word-pair similarity file (word1 TAB word2 TAB score)")
    evaluate.set_defaults(run=_evaluate)

    export = command("export", "write the vectors in word2vec.c's format")
    export.add_argument("model", help="a model or vectors file saved by skipgram")
    export.add_argument("out", help="output path (.gz/.bz2 compress)")
    export.add_argument(
        "--format", choices=("word2vec-binary", "word2vec-text"), default="word2vec-binary"
    )
    export.set_defaults(run=_export)
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
        ).train(progress=not args.quiet)
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
        max_vocab_size=args.max_vocab_size,
        shared_negatives=args.shared_negatives,
    )
    model.train(progress=not args.quiet, checkpoint=args.checkpoint)
    model.save(args.output)
    print(f"saved {len(model.vocab):,} word vectors to {os.fspath(args.output)}")
    return 0


def _load_vectors(path: str) -> KeyedVectors:
    """The vectors of a saved model, or a saved KeyedVectors file."""
    try:
        return SkipGram.load(path).wv
    except ModelFormatError as error:
        if error.found_kind != KEYED_VECTORS_KIND:
            raise
    return KeyedVectors.load(path)


def _print_neighbours(neighbours: list[tuple[str, float]]) -> None:
    for word, score in neighbours:
        print(f"{word}\t{score:.4f}")


def _similar(args: argparse.Namespace) -> int:
    _print_neighbours(_load_vectors(args.model).most_similar(args.word, topn=args.topn))
    return 0


def _analogy(args: argparse.Namespace) -> int:
    wv = _load_vectors(args.model)
    _print_neighbours(wv.most_similar(positive=[args.b, args.c], negative=[args.a], topn=args.topn))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    if not args.analogies and not args.pairs:
        raise ValueError("nothing to evaluate: give --analogies FILE and/or --pairs FILE")
    wv = _load_vectors(args.model)
    if args.analogies:
        result = wv.evaluate_word_analogies(args.analogies)
        for section in result.sections:
            print(
                f"{section.name}\t{section.accuracy:.4f}\t{section.correct}/"
                f"{section.correct + section.incorrect}\t{section.skipped} skipped (unknown words)"
            )
        print(
            f"analogy accuracy\t{result.accuracy:.4f}\t{result.correct}/"
            f"{result.correct + result.incorrect}\t{result.skipped} skipped (unknown words)"
        )
    if args.pairs:
        pairs = wv.evaluate_word_pairs(args.pairs)
        print(f"pairs pearson\t{pairs.pearson:.4f}\t(p = {pairs.pearson_pvalue:.2g})")
        print(f"pairs spearman\t{pairs.spearman:.4f}\t(p = {pairs.spearman_pvalue:.2g})")
        print(f"pairs unknown\t{pairs.oov_ratio:.1%}\t{pairs.oov} of {pairs.pairs} pairs")
    return 0


def _export(args: argparse.Namespace) -> int:
    wv = _load_vectors(args.model)
    wv.save_word2vec_format(args.out, binary=args.format == "word2vec-binary")
    print(f"wrote {len(wv):,} vectors of dimension {wv.vector_size} to {args.out} ({args.format})")
    return 0
