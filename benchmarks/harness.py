"""Command line, timing and reporting shared by ``run_gensim.py`` and ``run_skipgram.py``.

Like ``evaluate.py`` this module imports neither gensim nor skipgram, so it works in both the
main environment and the peer venv, and both runners accept exactly the same flags and print
the same JSON record.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CORPORA = REPO_ROOT.parent / "shared" / "corpora"
RESULTS_DIR = BENCH_DIR / "results"
# gensim's own environment, made by setup_peers.sh: gensim is never imported next to skipgram.
GENSIM_PYTHON = BENCH_DIR / ".venv-gensim" / "bin" / "python"

OBJECTIVES = ("ns", "hs", "softmax")
DEFAULT_NEGATIVE = 5


def build_parser(description: str, modes: tuple[str, ...]) -> argparse.ArgumentParser:
    """Flags common to every runner; ``modes`` lists the corpus feeding modes it supports."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--corpus",
        type=Path,
        default=CORPORA / "gcide.txt.gz",
        help="training text, one sentence per line (.gz allowed)",
    )
    p.add_argument("--analogies", type=Path, default=CORPORA / "questions-words.txt")
    p.add_argument("--pairs", type=Path, default=CORPORA / "wordsim353.tsv")
    p.add_argument(
        "--simlex", type=Path, default=CORPORA / "simlex999.txt", help="SimLex-999 word pairs"
    )
    p.add_argument(
        "--mode", choices=modes, default=modes[0], help="how the corpus is fed to the trainer"
    )
    p.add_argument("--vector-size", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument(
        "--negative",
        type=int,
        default=None,
        help=f"noise words per example (default {DEFAULT_NEGATIVE}; unused by hs)",
    )
    p.add_argument(
        "--hs",
        type=int,
        choices=(0, 1),
        default=0,
        help="1 selects hierarchical softmax (same as --objective hs)",
    )
    p.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default=None,
        help="training objective (default ns, or hs when --hs 1)",
    )
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--min-alpha", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-eval", action="store_true", help="skip the analogy/WS353 evaluation")
    return p


def parse_args(
    parser: argparse.ArgumentParser, argv: list[str] | None = None
) -> argparse.Namespace:
    """Parse and reconcile ``--hs``/``--objective``/``--negative`` into one consistent view."""
    args = parser.parse_args(argv)
    if args.objective is None:
        args.objective = "hs" if args.hs else "ns"
    elif args.hs and args.objective != "hs":
        parser.error(f"--hs 1 contradicts --objective {args.objective}")
    args.hs = int(args.objective == "hs")
    if args.negative is None:
        # hs runs default to no negative sampling so that a gensim hs run is pure hs,
        # not gensim's hs+ns hybrid; skipgram ignores negative for hs anyway.
        args.negative = 0 if args.objective == "hs" else DEFAULT_NEGATIVE
    # gensim accepts some nonsense (a negative window makes it spin forever), so refuse it here.
    for flag in ("vector_size", "window", "epochs", "workers", "min_count"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag.replace('_', '-')} must be at least 1")
    if args.negative < 0 or not 0 <= args.sample < 1 or not 0 < args.min_alpha <= args.alpha:
        parser.error("need --negative >= 0, 0 <= --sample < 1 and 0 < --min-alpha <= --alpha")
    for flag in ("corpus", "analogies", "pairs", "simlex"):
        path = getattr(args, flag)
        if not path.is_file():
            parser.error(f"--{flag} {path}: no such file")
    return args


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident set size of a process so far, in MiB: its VmHWM.

    Not ``ru_maxrss``: Linux carries that over from the parent across fork (and vfork, which
    ``subprocess`` and ``posix_spawn`` use) and exec, so every child of a 150 MB benchmark
    driver would report at least 150 MB. VmHWM is the high-water mark of the process's own
    address space.
    """
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise OSError(f"/proc/{pid}/status has no VmHWM line")


@contextmanager
def stopwatch(times: dict[str, float], key: str) -> Iterator[None]:
    """Record the block's wall-clock seconds under ``times[key]``.

    The CPU seconds of the whole process (all threads) go under ``key + "_cpu"``: divided by
    the wall time they show how many cores were really busy, which exposes both poor
    parallelism and competition from other processes on the machine.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        times[key] = time.perf_counter() - start
        times[key + "_cpu"] = time.process_time() - cpu_start


def run_benchmark(
    args: argparse.Namespace,
    system: dict[str, Any],
    train: Callable[[dict[str, float]], tuple[int, list[str], Any]],
) -> None:
    """Time ``train``, evaluate its vectors and print the JSON record as the last stdout line.

    ``train`` fills ``vocab_s`` and ``train_s`` in the dict it is given and returns
    ``(raw corpus tokens in one pass, words most frequent first, vectors)``.
    """
    times: dict[str, float] = {}
    total_words, words, vectors = train(times)
    # Taken before evaluation: the scorer is the same for every system and its scratch
    # matrices should not be charged to the trainer being measured.
    rss_train = peak_rss_mb()
    record: dict[str, Any] = {
        "system": system,
        "params": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "python": platform.python_version(),
        "corpus_words": total_words,
        "vocab_size": len(words),
        "vocab_s": times["vocab_s"],
        "train_s": times["train_s"],
        "train_cpu_s": times["train_s_cpu"],
        "train_cores_busy": times["train_s_cpu"] / times["train_s"],
        "words_per_s": total_words * args.epochs / times["train_s"],
        "peak_rss_mb": rss_train,
    }
    if not args.no_eval:
        # Imported late so that a runner started with --no-eval does not need scipy.
        from evaluate import evaluate

        with stopwatch(times, "eval_s"):
            record.update(evaluate(words, vectors, args.analogies, args.pairs, args.simlex))
        record["eval_s"] = times["eval_s"]
        record["peak_rss_with_eval_mb"] = peak_rss_mb()
    sys.stdout.flush()
    print(json.dumps(record), flush=True)
