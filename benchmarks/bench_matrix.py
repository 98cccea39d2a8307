"""Benchmark matrix: corpora x d x objective x workers, for skipgram and four peers.

    python benchmarks/bench_matrix.py [--corpora gcide,demo] [--dims 100,300] [--objectives ns,hs]
        [--workers 1,2] [--systems skipgram,gensim-line,gensim-file,word2vec,fasttext]
        [--epochs 5] [--repeat 3] [--background N]

Every run is a fresh process: skipgram under this interpreter (``run_skipgram.py``), gensim
under ``benchmarks/.venv-gensim`` (``run_gensim.py``, LineSentence and corpus_file), word2vec.c
and fastText as the command-line tools ``setup_peers.sh`` builds (``native_peers.py``). Within
a cell (corpus, d, objective) the runs are interleaved, round by round (A B C A B C), so that
drift of a shared machine spreads over every system. All vectors are scored by ``evaluate.py``.

Results go to ``benchmarks/results/matrix-<time>.{json,md,png}``; the JSON is rewritten after
every run, so an interrupted matrix keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import background
import bench_train
import core_latency
import harness
import matrix_report
import native_peers
import report
import run_gensim

# command-line name -> (name in the JSON records, objectives it can train)
SYSTEMS = {
    "skipgram": ("skipgram", ("ns", "hs", "softmax")),
    "gensim-line": ("gensim-linesentence", ("ns", "hs")),
    "gensim-file": ("gensim-corpus_file", ("ns", "hs")),
    "word2vec": ("word2vec-c", ("ns", "hs")),
    "fasttext": ("fasttext", ("ns", "hs")),
}
PYTHON_RUNNERS = ("skipgram", "gensim-line", "gensim-file")
NAMED_CORPORA = {
    "gcide": harness.CORPORA / "gcide.txt.gz",
    "demo": harness.REPO_ROOT / "skipgram" / "data" / "demo.txt.gz",
}


@dataclass(frozen=True)
class Cell:
    """One point of the matrix; every system and worker count runs in it."""

    corpus: Path
    vector_size: int
    objective: str

    @property
    def label(self) -> str:
        return self.corpus.name.removesuffix(".gz").removesuffix(".txt")


@dataclass(frozen=True)
class Job:
    system: str  # a key of SYSTEMS
    workers: int


def _csv(kind: type, choices: tuple[str, ...] | None = None):
    """An argparse type for a comma-separated list of ``kind``, optionally from ``choices``."""

    def parse(text: str) -> list[Any]:
        items = [kind(x.strip()) for x in text.split(",") if x.strip()]
        bad = [x for x in items if choices is not None and x not in choices]
        if not items or bad:
            allowed = f" from {', '.join(choices)}" if choices else ""
            raise argparse.ArgumentTypeError(f"expected a comma-separated list{allowed}: {text!r}")
        return items

    return parse


def _corpus(name: str) -> Path:
    path = NAMED_CORPORA.get(name, Path(name))
    if not path.is_file():
        known = ", ".join(NAMED_CORPORA)
        raise argparse.ArgumentTypeError(f"{name}: neither a file nor one of {known}")
    return path.resolve()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--corpora",
        type=lambda s: [_corpus(x.strip()) for x in s.split(",") if x.strip()],
        default=[_corpus(name) for name in NAMED_CORPORA],
        help=f"comma-separated files or names ({', '.join(NAMED_CORPORA)}); default: all names",
    )
    p.add_argument("--dims", type=_csv(int), default=[100, 300], help="vector sizes")
    p.add_argument(
        "--objectives",
        type=_csv(str, harness.OBJECTIVES),
        default=["ns", "hs"],
        help="ns, hs, softmax (softmax runs skipgram only and costs O(vocabulary) per pair: "
        "use it on small vocabularies)",
    )
    p.add_argument("--workers", type=_csv(int), default=[1, 2], help="worker/thread counts")
    p.add_argument("--systems", type=_csv(str, tuple(SYSTEMS)), default=list(SYSTEMS))
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--repeat", type=int, default=1, help="interleaved rounds per cell")
    p.add_argument(
        "--background",
        type=int,
        default=0,
        metavar="N",
        help="keep N pure-CPU busy processes running in this session during the runs",
    )
    p.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        help="before each run, wait up to this many seconds for other processes to go idle",
    )
    p.add_argument(
        "--skipgram-args",
        default="",
        metavar="ARGS",
        help="extra run_skipgram.py flags, one string (e.g. to try a non-default option)",
    )
    p.add_argument("--analogies", type=Path, default=harness.CORPORA / "questions-words.txt")
    p.add_argument("--pairs", type=Path, default=harness.CORPORA / "wordsim353.tsv")
    p.add_argument("--simlex", type=Path, default=harness.CORPORA / "simlex999.txt")
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--negative", type=int, default=harness.DEFAULT_NEGATIVE, help="for ns")
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--min-alpha", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    for flag in ("epochs", "repeat", "window", "min_count"):
        if getattr(args, flag) < 1:
            p.error(f"--{flag.replace('_', '-')} must be at least 1")
    if min(args.dims) < 1 or min(args.workers) < 1 or args.background < 0:
        p.error("--dims and --workers must be positive and --background at least 0")
    for flag in ("analogies", "pairs", "simlex"):
        if not getattr(args, flag).is_file():
            p.error(f"--{flag} {getattr(args, flag)}: no such file")
    return args


def plan(args: argparse.Namespace) -> list[tuple[Cell, list[Job]]]:
    """Cells in matrix order, each with the jobs that can run in it (workers-major)."""
    planned = []
    for corpus in args.corpora:
        for dim in args.dims:
            for objective in args.objectives:
                jobs = [
                    Job(system, workers)
                    for workers in args.workers
                    for system in args.systems
                    if objective in SYSTEMS[system][1]
                ]
                if jobs:
                    planned.append((Cell(corpus, dim, objective), jobs))
    return planned


def check_environments(planned: list[tuple[Cell, list[Job]]]) -> None:
    """Fail before the first long run if any system's interpreter or tool is missing."""
    systems = {job.system for _, jobs in planned for job in jobs}
    runners = [bench_train.Job(s, 1) for s in PYTHON_RUNNERS if s in systems]
    bench_train.check_environments(runners)
    for system in systems - set(PYTHON_RUNNERS):
        native_peers.binary(native_peers.TOOLS[SYSTEMS[system][0]][0])


def train_params(
    args: argparse.Namespace, cell: Cell, corpus: Path, workers: int
) -> native_peers.TrainParams:
    """The cell's parameters for one system; ``corpus`` is the file that system reads."""
    return native_peers.TrainParams(
        corpus=corpus,
        vector_size=cell.vector_size,
        objective=cell.objective,
        workers=workers,
        epochs=args.epochs,
        window=args.window,
        # hs runs are pure hs in every system, as in harness.py (gensim would otherwise mix).
        negative=args.negative if cell.objective == "ns" else 0,
        min_count=args.min_count,
        sample=args.sample,
        alpha=args.alpha,
        min_alpha=args.min_alpha,
        seed=args.seed,
    )


def runner_flags(p: native_peers.TrainParams, evaluation: dict[str, Path]) -> list[str]:
    """run_skipgram.py / run_gensim.py flags for ``p`` (bench_train.run_job adds --workers)."""
    flags = ["--corpus", str(p.corpus), "--vector-size", str(p.vector_size)]
    flags += ["--objective", p.objective, "--epochs", str(p.epochs), "--window", str(p.window)]
    flags += ["--negative", str(p.negative), "--min-count", str(p.min_count)]
    flags += ["--sample", repr(p.sample), "--alpha", repr(p.alpha)]
    flags += ["--min-alpha", repr(p.min_alpha), "--seed", str(p.seed)]
    for name, path in evaluation.items():
        flags += [f"--{name}", str(path)]
    return flags


class PlainCorpora:
    """Uncompressed copies and token counts of the corpora, made once (the C tools need them)."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[Path, int]] = {}

    def get(self, corpus: Path) -> tuple[Path, float, int]:
        """``(plain file, seconds spent decompressing it by this call, whitespace tokens)``."""
        prep_s = 0.0
        if corpus not in self._known:
            plain, prep_s = run_gensim.plain_text_copy(corpus)
            self._known[corpus] = (plain, native_peers.count_tokens(plain))
        plain, tokens = self._known[corpus]
        return plain, prep_s, tokens


def run_job(job: Job, cell: Cell, args: argparse.Namespace, plain: PlainCorpora) -> dict[str, Any]:
    """Train and score one system once; the record has harness.py's fields."""
    evaluation = {"analogies": args.analogies, "pairs": args.pairs, "simlex": args.simlex}
    if job.system in PYTHON_RUNNERS:
        params = train_params(args, cell, cell.corpus, job.workers)
        flags = runner_flags(params, evaluation)
        if job.system == "skipgram":
            flags += shlex.split(args.skipgram_args)
        return bench_train.run_job(bench_train.Job(job.system, job.workers), flags)
    corpus, prep_s, tokens = plain.get(cell.corpus)
    params = train_params(args, cell, corpus, job.workers)
    return native_peers.run_peer(SYSTEMS[job.system][0], params, tokens, prep_s, evaluation)


def measured(
    job: Job,
    cell: Cell,
    args: argparse.Namespace,
    plain: PlainCorpora,
    probe: core_latency.Probe | None,
) -> dict[str, Any]:
    """``run_job`` with the machine's load around it, and the time a cache line takes between
    CPUs 0 and 1 (``core_latency.py``: two workers' speed depends on it); a failed run becomes
    an error record."""
    busy = background.wait_for_idle(args.wait_idle, own_busy=args.background)
    latency_before = probe.sample() if probe else None
    before = background.load_snapshot()
    try:
        rec = run_job(job, cell, args, plain)
    except (bench_train.BenchError, native_peers.PeerError) as err:
        rec = {"system": {"name": SYSTEMS[job.system][0], "workers": job.workers}}
        rec["error"] = str(err)
    rec["cell"] = {
        "corpus": cell.label,
        "vector_size": cell.vector_size,
        "objective": cell.objective,
    }
    rec.update(cpus_busy_before=busy, load_before=before, load_after=background.load_snapshot())
    if probe:
        rec["core_latency_ns"] = [latency_before, probe.sample()]
    rec["background"] = args.background
    return rec


def progress_line(rec: dict[str, Any]) -> str:
    load = f"load {rec['load_before']['loadavg'][0]:.1f} -> {rec['load_after']['loadavg'][0]:.1f}"
    if "core_latency_ns" in rec:
        load += "  CPU 0 <-> 1 {:.0f} -> {:.0f} ns".format(*rec["core_latency_ns"])
    if "error" in rec:
        return f"    FAILED ({load}): {rec['error'].splitlines()[0]}"
    return (
        f"    vocab {rec['vocab_s']:.2f}s  train {rec['train_s']:.1f}s  "
        f"{rec['words_per_s']:,.0f} words/s  {rec['train_cores_busy']:.2f} cores  "
        f"{rec['peak_rss_mb']:.0f} MB  {load}"
    )


def run_matrix(
    args: argparse.Namespace,
    planned: list[tuple[Cell, list[Job]]],
    raw: dict[str, Any],
    json_path: Path,
) -> None:
    """Every cell's rounds in order, saving ``raw`` (with its growing ``runs``) after each run."""
    plain = PlainCorpora()
    probe = latency_probe()
    try:
        with background.spinners(args.background) as pids:
            raw["background_pids"] = pids
            for n, (cell, jobs) in enumerate(planned, 1):
                for round_no in range(1, args.repeat + 1):
                    for job in jobs:
                        print(
                            f"[cell {n}/{len(planned)} {cell.label} d={cell.vector_size} "
                            f"{cell.objective}, round {round_no}/{args.repeat}] "
                            f"{job.system} workers={job.workers} ...",
                            file=sys.stderr,
                            flush=True,
                        )
                        rec = measured(job, cell, args, plain, probe)
                        rec["round"] = round_no
                        raw["runs"].append(rec)
                        json_path.write_text(json.dumps(raw, indent=1))
                        print(progress_line(rec), file=sys.stderr, flush=True)
    finally:
        if probe:
            probe.close()


def latency_probe() -> core_latency.Probe | None:
    """The cache-line probe between CPUs 0 and 1, tried once, or None when it cannot be built
    or run here (no C compiler, or CPU 1 not available to this process): the matrix then runs
    without it and says so, rather than failing before or between runs."""
    probe = None
    try:
        probe = core_latency.Probe()
        probe.sample()
    except core_latency.ProbeError as err:
        if probe:
            probe.close()
        print(f"warning: no CPU-to-CPU latency in the records: {err}", file=sys.stderr)
        return None
    return probe


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # As an exception, so that the running trainer and the background spinners are stopped.
    sys.exit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = parse_args(argv)
    planned = plan(args)
    if not planned:
        sys.exit("bench_matrix.py: error: no system can train any requested objective")
    check_environments(planned)
    command = shlex.join(["python", *sys.argv])
    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = harness.RESULTS_DIR / datetime.now().strftime("matrix-%Y%m%d-%H%M%S")
    raw: dict[str, Any] = {
        "machine": report.machine_info(),
        "command": command,
        "repeat": args.repeat,
        "background": args.background,
        "runs": [],
    }
    run_matrix(args, planned, raw, stem.with_suffix(".json"))
    markdown = matrix_report.render(raw)
    stem.with_suffix(".md").write_text(markdown + "\n")
    matrix_report.plot(raw, stem.with_suffix(".png"))
    print(markdown)
    print(f"\nraw results: {stem.with_suffix('.json')} (.md, .png next to it)", file=sys.stderr)
    failed = [r for r in raw["runs"] if "error" in r]
    for rec in failed:
        print(f"failed: {rec['error']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (bench_train.BenchError, native_peers.PeerError) as err:
        sys.exit(f"bench_matrix.py: error: {err}")
