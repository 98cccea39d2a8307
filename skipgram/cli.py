"""Command line: `skipgram demo|train|info|similar|analogy|evaluate|export` (or
`python -m skipgram`).

User mistakes (a missing file, an unknown word, a bad parameter) print one line to stderr and
exit with status 2; there is no traceback for them. Ctrl-C exits with status 130 (`skipgram
train` first saves what it trained, see `skipgram.cli_train`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from importlib import resources
from pathlib import Path

from skipgram import __version__, cli_train
from skipgram.corpus import LineSentence
from skipgram.formats import FORMATS, SKIPGRAM, WORD2VEC_BINARY, detect_format
from skipgram.io import ModelFormatError
from skipgram.keyedvectors import KEYED_VECTORS_KIND, KeyedVectors
from skipgram.model import DivergenceError, SkipGram
from skipgram.objectives import objective_of
from skipgram.plot import MissingExtraError

DEMO_QUERIES = ("king", "god", "water", "program", "hacker", "unix")
AUTO = "auto"
USER_ERRORS = (OSError, ValueError, TypeError, KeyError, MissingExtraError, DivergenceError)


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
    except USER_ERRORS as error:  # ModelFormatError is a ValueError
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"skipgram {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"skipgram {args.command}: interrupted", file=sys.stderr)
        return cli_train.INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skipgram", description="Train and query skip-gram word vectors."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--quiet", action="store_true", help="only print results and errors (no progress bar)"
    )
    # --quiet is accepted after the command too (`skipgram train ... --quiet`).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", dest="quiet_here", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text, parents=[common])

    def vectors_file(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "model",
            help="a model or vectors file saved by skipgram, or a word2vec file "
            "(as skipgram export writes)",
        )
        sub.add_argument(
            "--format",
            choices=(AUTO, *FORMATS),
            default=AUTO,
            help="the file's format (default: %(default)s, told from its first bytes)",
        )

    demo = command("demo", "train on the bundled demo corpus, print neighbours")
    demo.add_argument("--workers", type=int, default=0, help="threads (default: one per core)")
    demo.add_argument("--epochs", type=int, default=5, help="passes (default: %(default)s)")
    demo.set_defaults(run=_demo)

    train = command("train", "train a model on a corpus file, directory or standard input")
    cli_train.add_arguments(train)
    train.set_defaults(run=cli_train.run)

    info = command("info", "what a model or vectors file holds")
    vectors_file(info)
    info.set_defaults(run=_info)

    similar = command("similar", "nearest neighbours of a word")
    vectors_file(similar)
    similar.add_argument("word")
    similar.add_argument("--topn", type=int, default=10, help="(default: %(default)s)")
    similar.set_defaults(run=_similar)

    analogy = command("analogy", "B - A + C: 'A is to B as C is to ?'")
    vectors_file(analogy)
    for word in ("a", "b", "c"):
        analogy.add_argument(word)
    analogy.add_argument("--topn", type=int, default=5, help="(default: %(default)s)")
    analogy.set_defaults(run=_analogy)

    evaluate = command("evaluate", "analogy accuracy and word-pair correlations")
    vectors_file(evaluate)
    evaluate.add_argument("--analogies", help="questions-words file (': section', 'a b c d')")
    evaluate.add_argument("--pairs", help="word-pair similarity file (word1 TAB word2 TAB score)")
    evaluate.set_defaults(run=_evaluate)

    export = command("export", "write the vectors in word2vec.c's format")
    export.add_argument("model", help="a model or vectors file (skipgram's or word2vec)")
    export.add_argument("out", help="output path (.gz/.bz2 compress)")
    export.add_argument(
        "--format",
        choices=("word2vec-binary", "word2vec-text"),
        default="word2vec-binary",
        help="the format written (default: %(default)s)",
    )
    export.add_argument(
        "--input-format",
        choices=(AUTO, *FORMATS),
        default=AUTO,
        help="the format of MODEL (default: %(default)s, told from its first bytes)",
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
        ).train(progress=False if args.quiet else None)
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


def _file_format(path: str, given: str) -> str:
    return detect_format(path) if given == AUTO else given


def _load_vectors(path: str, given_format: str = AUTO) -> KeyedVectors:
    """The vectors of a saved model, of a saved KeyedVectors file or of a word2vec file."""
    file_format = _file_format(path, given_format)
    if file_format != SKIPGRAM:
        return KeyedVectors.load_word2vec_format(path, binary=file_format == WORD2VEC_BINARY)
    try:
        return SkipGram.load(path).wv
    except ModelFormatError as error:
        if error.found_kind != KEYED_VECTORS_KIND:
            raise
    return KeyedVectors.load(path)


def _check_known(wv: KeyedVectors, words: list[str]) -> None:
    """KeyError for the first query word not in the vocabulary, suggesting the words that differ
    from it only in case ('King' -> 'king'): corpora are often lower-cased, queries not."""
    for word in words:
        if word in wv:
            continue
        folded = word.casefold()
        matches = [known for known in wv.index_to_key if known.casefold() == folded][:3]
        hint = f"; did you mean {' or '.join(map(repr, matches))}?" if matches else ""
        raise KeyError(f"word {word!r} is not in the vocabulary{hint}")


def _print_neighbours(neighbours: list[tuple[str, float]]) -> None:
    for word, score in neighbours:
        print(f"{word}\t{score:.4f}")


def _similar(args: argparse.Namespace) -> int:
    wv = _load_vectors(args.model, args.format)
    _check_known(wv, [args.word])
    _print_neighbours(wv.most_similar(args.word, topn=args.topn))
    return 0


def _analogy(args: argparse.Namespace) -> int:
    wv = _load_vectors(args.model, args.format)
    _check_known(wv, [args.a, args.b, args.c])
    _print_neighbours(wv.most_similar(positive=[args.b, args.c], negative=[args.a], topn=args.topn))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    if not args.analogies and not args.pairs:
        raise ValueError("nothing to evaluate: give --analogies FILE and/or --pairs FILE")
    wv = _load_vectors(args.model, args.format)
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
    wv = _load_vectors(args.model, args.input_format)
    wv.save_word2vec_format(args.out, binary=args.format == "word2vec-binary")
    print(f"wrote {len(wv):,} vectors of dimension {wv.vector_size} to {args.out} ({args.format})")
    return 0


def _info(args: argparse.Namespace) -> int:
    """Two columns, `field  value`: what the file is and holds. Loading verifies it too."""
    file_format = _file_format(args.model, args.format)
    size = Path(args.model).stat().st_size
    rows = [("file", f"{args.model} ({_bytes(size)})")]
    if file_format != SKIPGRAM:
        wv = _load_vectors(args.model, file_format)
        rows += [("format", f"{file_format} (word2vec.c)"), *_vectors_rows(wv)]
    else:
        try:
            model = SkipGram.load(args.model, mmap=True)
        except ModelFormatError as error:
            if error.found_kind != KEYED_VECTORS_KIND:
                raise
            wv = KeyedVectors.load(args.model, mmap=True)
            rows += [("format", "skipgram vectors (KeyedVectors.save)"), *_vectors_rows(wv)]
        else:
            rows += [("format", "skipgram model (SkipGram.save)"), *_model_rows(model)]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0


def _vectors_rows(wv: KeyedVectors) -> list[tuple[str, str]]:
    counts = "yes" if wv.counts is not None else "no"
    return [
        ("vocabulary", f"{len(wv):,} words"),
        ("dimension", str(wv.vector_size)),
        ("word counts", counts),
    ]


def _model_rows(model: SkipGram) -> list[tuple[str, str]]:
    p, vocab = model.params, model.vocab
    losses = ", ".join(f"{loss:.4f}" for loss in model.loss_history) or "not computed"
    parameters = " ".join(f"{name}={value}" for name, value in vars(p).items())
    return [
        ("vocabulary", f"{len(vocab):,} words"),
        ("corpus", f"{vocab.total_words:,} tokens in {vocab.total_sentences:,} sentences"),
        ("dimension", str(p.vector_size)),
        ("objective", objective_of(p).summary(p)),
        ("epochs trained", str(model.epochs_trained)),
        ("loss per epoch", losses),
        ("parameters", parameters),
    ]


def _bytes(size: int) -> str:
    value, unit = float(size), "bytes"
    for bigger in ("KB", "MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
