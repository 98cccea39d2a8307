"""`skipgram train`: check the targets, read the corpus, train, report, save; Ctrl-C keeps the work.

Order matters for a user: every mistake that can be found without the corpus (a bad parameter,
a missing or read-only output folder, no matplotlib for `--plot`) is reported before the
corpus is read, which may take minutes. A Ctrl-C while training stops the worker threads (they
finish the batch in hand), saves what was trained to `--output`, says so in one line and exits
with status 130, the shell's status for an interrupted command.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from skipgram.corpus import LineSentence, PathLineSentences
from skipgram.epoch_report import EpochRecorder, format_table
from skipgram.model import SkipGram
from skipgram.objectives import OBJECTIVES
from skipgram.params import DEFAULT_ALPHA, Parameters
from skipgram.plot import plot_epochs, require_matplotlib
from skipgram.progress import is_terminal

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C
STDIN = "-"
_DEFAULTS = Parameters(workers=1)  # the library's defaults, shown by --help (workers: 0 there)


def add_arguments(train: argparse.ArgumentParser) -> None:
    """The options of `skipgram train`, each with its default in the help."""
    train.add_argument(
        "corpus",
        help="text file (.gz/.bz2 ok), directory of such files, or - for standard input; "
        "one sentence per line, tokens separated by whitespace",
    )
    train.add_argument("--output", required=True, metavar="MODEL", help="where to save the model")
    d = _DEFAULTS
    for flag, kind, default, text in (
        ("--vector-size", int, d.vector_size, "dimension of the word vectors"),
        ("--window", int, d.window, "largest distance from a centre word to a context word"),
        ("--negative", int, d.negative, "noise words per pair (ns)"),
        ("--ns-exponent", float, d.ns_exponent, "noise distribution ∝ count^exponent (ns)"),
        ("--min-count", int, d.min_count, "drop words seen fewer times"),
        ("--sample", float, d.sample, "subsampling threshold of frequent words; 0: off"),
        ("--epochs", int, d.epochs, "passes over the corpus"),
        ("--min-alpha", float, d.min_alpha, "final learning rate"),
        ("--seed", int, d.seed, "random seed"),
        ("--batch-words", int, d.batch_words, "tokens per job handed to a worker thread"),
    ):
        train.add_argument(
            flag,
            type=kind,
            default=default,
            metavar="N" if kind is int else "X",
            help=f"{text} (default: %(default)s)",
        )
    train.add_argument(
        "--objective",
        choices=tuple(OBJECTIVES),
        default=d.objective,
        help=", ".join(f"{name}: {o.title}" for name, o in OBJECTIVES.items())
        + " (default: %(default)s)",
    )
    alphas = ", ".join(f"{rate} for {name}" for name, rate in DEFAULT_ALPHA.items())
    train.add_argument(
        "--alpha",
        type=float,
        default=None,
        metavar="X",
        help=f"initial learning rate (default: {alphas})",
    )
    train.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="training threads (default: one per CPU core)",
    )
    train.add_argument(
        "--max-vocab-size",
        type=int,
        default=None,
        metavar="N",
        help="bound on distinct words while counting, the rarest pruned (default: no bound)",
    )
    train.add_argument(
        "--shuffle",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="visit the sentences in a new seeded order every epoch; for text sorted by topic "
        "or alphabetically (default: corpus order every epoch, as gensim)",
    )
    train.add_argument(
        "--shared-negatives",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="ns: one set of noise words per window, shared by its context words; faster "
        "(default: per pair, as gensim)",
    )
    train.add_argument(
        "--max-final-vocab",
        type=int,
        default=None,
        metavar="N",
        help="keep at most N words, raising min-count as needed (default: no bound)",
    )
    train.add_argument(
        "--shrink-windows",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="draw each centre's window from 1..window, as word2vec.c; --no-shrink-windows "
        "always uses the whole window (default: on)",
    )
    train.add_argument(
        "--sorted-vocab",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="order the vocabulary by descending count (default: on)",
    )
    train.add_argument(
        "--ids-in-memory-limit",
        type=int,
        default=None,
        metavar="BYTES",
        help="corpus word ids kept in memory (4 bytes a token); past it they go to a "
        "memory-mapped temporary file (default: a quarter of the RAM, at most 2 GiB)",
    )
    train.add_argument(
        "--null-word",
        action="store_true",
        help="add gensim's pseudo-word NUL with count 1 (default: off)",
    )
    loss = train.add_mutually_exclusive_group()
    loss.add_argument(
        "--compute-loss",
        dest="compute_loss",
        action="store_true",
        default=None,
        help="tally the loss of every epoch; training is about 18%% slower "
        "(default: off, on with --plot)",
    )
    loss.add_argument(
        "--no-compute-loss",
        dest="compute_loss",
        action="store_false",
        help="do not tally the loss, even with --plot",
    )
    train.add_argument("--checkpoint", metavar="PATH", help="save the model here after every epoch")
    train.add_argument(
        "--resume",
        metavar="MODEL",
        help="finish the run saved in MODEL (an interrupted run's --output or its --checkpoint) "
        "on CORPUS: its remaining epochs, parameters and learning rates; the training options "
        "above are then not used",
    )
    train.add_argument(
        "--plot",
        metavar="IMAGE",
        help="draw loss and words/s per epoch into IMAGE (.png, .svg, .pdf); needs matplotlib",
    )


def run(args: argparse.Namespace) -> int:
    corpus = _corpus(args)
    for option in ("output", "checkpoint", "plot"):
        if getattr(args, option) is not None:
            check_writable(getattr(args, option), f"--{option}")
    compute_loss = args.compute_loss if args.compute_loss is not None else args.plot is not None
    if args.plot is not None:
        require_matplotlib()
    recorder = EpochRecorder(args.epochs, compute_loss)
    model = None
    try:
        if args.resume is not None:
            model = _resumable(args.resume)
            recorder.epochs = model.unfinished_run.epochs
            args.epochs = model.unfinished_run.epochs  # for the summary if stopped again
        else:
            model = SkipGram(corpus, **_parameters(args))  # reads the corpus: the long wait
        model.train(
            corpus if args.resume is not None else None,
            compute_loss=compute_loss,
            progress=False if args.quiet else None,
            checkpoint=args.checkpoint,
            callbacks=[recorder],
            resume=args.resume is not None,
        )
    except KeyboardInterrupt:
        return _save_interrupted(model, args)
    model.save(args.output)
    if not args.quiet:
        print(format_table(recorder.records))
        if not compute_loss:
            print("(loss not computed: --compute-loss computes it, about 18% slower)")
    if args.plot is not None:
        plot_epochs(recorder.records, args.plot)
        print(f"plotted loss and words/s per epoch to {args.plot}")
    print(f"saved {len(model.vocab):,} word vectors to {os.fspath(args.output)}")
    return 0


def _resumable(path: str) -> SkipGram:
    model = SkipGram.load(path)
    if model.unfinished_run is None:
        raise ValueError(
            f"--resume {path}: this model's last run finished ({model.epochs_trained} epochs "
            "trained); to train it further, use it from Python: SkipGram.load(path).train(corpus)"
        )
    return model


def _corpus(args: argparse.Namespace) -> Any:
    if args.corpus == STDIN:
        if args.max_vocab_size is not None:
            raise ValueError(
                "--max-vocab-size reads the corpus twice, and standard input can be read only "
                "once: save the corpus to a file and pass its path"
            )
        if is_terminal(sys.stdin) and not args.quiet:
            print("reading the corpus from standard input (end it with Ctrl-D)", file=sys.stderr)
        # One pass suffices: build_vocab keeps the corpus as word ids, which every epoch replays.
        return LineSentence(sys.stdin.buffer)
    source = Path(args.corpus)
    return PathLineSentences(source) if source.is_dir() else LineSentence(args.corpus)


def _parameters(args: argparse.Namespace) -> dict[str, Any]:
    """Every training parameter has an option of the same name (`--vector-size`: vector_size)."""
    values = {field.name: getattr(args, field.name) for field in fields(Parameters)}
    values["compute_loss"] = bool(args.compute_loss)  # train() is told too (on with --plot)
    return values


def check_writable(path: str, option: str) -> None:
    """Fail now, not after training, if `path` cannot be written: its folder must exist and
    take a new file (tried for real: permission bits do not tell about read-only file systems
    or, for root, anything), and `path` must not be a directory or a special file."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise IsADirectoryError(
            f"{option} {path} is a directory; give a file name, e.g. {target / 'corpus.model'}"
        )
    if target.exists() and not target.is_file():
        raise FileExistsError(f"{option} {path} exists and is not a regular file")
    folder = Path(os.path.realpath(target)).parent  # saving follows a symbolic link
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise FileNotFoundError(
            f"{option} {path}: the folder {folder} {what}; create it first (mkdir -p {folder})"
        )
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise PermissionError(
            f"{option} {path}: cannot write in the folder {folder} ({error.strerror or error})"
        ) from None


def _save_interrupted(model: SkipGram | None, args: argparse.Namespace) -> int:
    """After a Ctrl-C: save what was trained, say what and how to go on, in one line."""
    if model is None:
        print(
            "skipgram train: interrupted while reading the corpus; nothing was trained or saved",
            file=sys.stderr,
        )
        return INTERRUPTED
    with _patient_interrupts(args.output):
        try:
            model.save(args.output)
        except KeyboardInterrupt:
            print(
                f"skipgram train: interrupted again while saving; {args.output} was not written",
                file=sys.stderr,
            )
            return INTERRUPTED
    print(f"skipgram train: {_interrupted_summary(model, args)}", file=sys.stderr)
    return INTERRUPTED


def _interrupted_summary(model: SkipGram, args: argparse.Namespace) -> str:
    run = model.unfinished_run  # None once the run's last epoch has ended
    planned = args.epochs if run is None else run.epochs
    done = planned if run is None else run.epochs_done
    if done >= planned:
        return f"interrupted after the last epoch; saved the trained model to {args.output}"
    trained = f"part of epoch {done + 1}"
    if done:
        trained = f"{done} full epoch{'s' if done != 1 else ''} and {trained}"
    kept = f"; {args.checkpoint} holds epoch {done}" if args.checkpoint and done else ""
    again = shlex.join(["skipgram", "train", args.corpus, "--resume", str(args.output),
                        "--output", str(args.output)])  # fmt: skip
    return (
        f"interrupted in epoch {done + 1}/{planned}; saved the model ({trained}) to "
        f"{args.output}{kept}. To finish the run: {again}"
    )


@contextmanager
def _patient_interrupts(output: str) -> Iterator[None]:
    """While the interrupted run is saved: one more Ctrl-C only warns (a user pressing it twice
    should not lose the run); the next one abandons the save, which leaves `output` as it was
    (saves are atomic)."""
    pressed = 0

    def on_interrupt(signum: int, frame: object) -> None:
        nonlocal pressed
        pressed += 1
        if pressed > 1:
            raise KeyboardInterrupt
        print(
            f"skipgram train: still saving {output}; Ctrl-C again abandons the save",
            file=sys.stderr,
        )

    try:
        previous = signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
