"""Benchmark `skipgram.distributed.train` on a LocalCluster against one-process training.

    python benchmarks/bench_distributed.py [--parts 8] [--acceptance-parts 4] [--epochs 5]

The corpus (GCIDE by default) is split, in order, into gzipped files in a temporary directory
(never in the repository). Rows, all with the same parameters (d=100, window 5, negative 5,
sample 1e-3, min_count 5, 5 epochs by default):

- skipgram in one process with 1 and 2 threads (``run_skipgram.py``, a fresh subprocess);
- a LocalCluster of 1 worker and of 2 workers, 1 thread each, on ``--parts`` files;
- a LocalCluster of 2 workers on ``--acceptance-parts`` files (the acceptance setting);
- gensim 4.4 with 2 threads, ``LineSentence`` and ``corpus_file`` (``run_gensim.py`` under
  ``benchmarks/.venv-gensim``, or ``--gensim-python``).

Quality is scored by ``evaluate.py`` for every row. Prints a markdown table for
docs/distributed.md and saves it with the raw records under ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import harness
from evaluate import evaluate

GENSIM_PYTHON = harness.GENSIM_PYTHON
PARAMS = ("vector_size", "window", "negative", "min_count", "sample", "epochs", "seed")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=harness.CORPORA / "gcide.txt.gz")
    p.add_argument("--analogies", type=Path, default=harness.CORPORA / "questions-words.txt")
    p.add_argument("--pairs", type=Path, default=harness.CORPORA / "wordsim353.tsv")
    p.add_argument("--parts", type=int, default=8, help="files for the 1- and 2-worker rows")
    p.add_argument("--acceptance-parts", type=int, default=4, help="0 skips that row")
    p.add_argument("--sync-words", type=int, default=None, help="default: the library's")
    p.add_argument("--vector-size", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-gensim", action="store_true", help="skip the gensim rows")
    p.add_argument("--no-single", action="store_true", help="skip the one-process rows")
    p.add_argument("--gensim-python", type=Path, default=GENSIM_PYTHON)
    args = p.parse_args()
    for flag in ("corpus", "analogies", "pairs"):
        if not getattr(args, flag).is_file():
            p.error(f"--{flag} {getattr(args, flag)}: no such file")
    if not args.no_gensim and not args.gensim_python.is_file():
        p.error(
            f"{args.gensim_python} not found: run benchmarks/setup_peers.sh, pass "
            "--gensim-python, or --no-gensim"
        )
    return args


def split_corpus(corpus: Path, parts: int, directory: Path) -> list[str]:
    """Write the corpus's lines, in order, as `parts` gzipped files of about equal size."""
    with gzip.open(corpus, "rt", encoding="utf-8") as source:
        lines = source.readlines()
    per_part = -(-len(lines) // parts)
    paths = []
    for k in range(parts):
        path = directory / f"part-{k:03d}.txt.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as part:
            part.writelines(lines[k * per_part : (k + 1) * per_part])
        paths.append(str(path))
    return paths


class TrainTimer:
    """Callback: wall time from the first epoch's start to the last one's end (the counting
    pass before it is timed separately)."""

    def on_train_begin(self, model: Any) -> None:
        self.started = time.perf_counter()

    def on_train_end(self, model: Any) -> None:
        self.seconds = time.perf_counter() - self.started


def run_cluster(args: argparse.Namespace, paths: list[str], workers: int) -> dict[str, Any]:
    """Train on a fresh LocalCluster of `workers` one-thread worker processes."""
    from dask.distributed import Client, LocalCluster
    from skipgram.distributed import train

    logging.getLogger("distributed").setLevel(logging.WARNING)  # else a line per round
    params = {name: getattr(args, name) for name in PARAMS}
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    # The client reaches the workers directly: one hop for the changes instead of two.
    with cluster, Client(cluster, direct_to_workers=True) as client:
        timer = TrainTimer()
        started = time.perf_counter()
        model = train(
            paths, client, sync_words=args.sync_words, progress=False, callbacks=[timer], **params
        )
        total = time.perf_counter() - started
    scores = evaluate(model.wv.index_to_key, model.wv.vectors, args.analogies, args.pairs)
    return {
        "system": f"skipgram.distributed, LocalCluster {workers} worker(s) x 1 thread",
        "processes": workers,
        "threads": 1,
        "files": len(paths),
        "vocab_s": total - timer.seconds,
        "train_s": timer.seconds,
        "words_per_s": model.vocab.total_words * args.epochs / timer.seconds,
        "vocab_size": len(model.vocab),
        **scores,
    }


def run_script(args: argparse.Namespace, python: Path, script: str, *flags: str) -> dict[str, Any]:
    """Run a one-process runner and return its JSON record (its last stdout line)."""
    params = [f"--{name.replace('_', '-')}={getattr(args, name)}" for name in (*PARAMS, "corpus")]
    command = [str(python), str(harness.BENCH_DIR / script), *params, *flags]
    command += [f"--analogies={args.analogies}", f"--pairs={args.pairs}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def single_process_row(record: dict[str, Any], name: str, threads: int) -> dict[str, Any]:
    return {
        "system": name,
        "processes": 1,
        "threads": threads,
        "files": 1,
        "vocab_s": record["vocab_s"],
        "train_s": record["train_s"],
        "words_per_s": record["words_per_s"],
        "vocab_size": record["vocab_size"],
        "analogy": record["analogy"],
        "ws353": record["ws353"],
    }


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"nproc {os.cpu_count()}, {model}, Python {platform.python_version()}"


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| system | processes x threads | files | count s | train s | raw words/s "
        "| analogy acc | WS353 Spearman |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['system']} | {r['processes']} x {r['threads']} | {r['files']} "
            f"| {r['vocab_s']:.1f} | {r['train_s']:.1f} | {r['words_per_s']:,.0f} "
            f"| {r['analogy']['accuracy']:.3f} | {r['ws353']['spearman']:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING)
    started = datetime.now(UTC)
    rows = []
    if not args.no_single:
        for threads in (1, 2):
            record = run_script(
                args, Path(sys.executable), "run_skipgram.py", f"--workers={threads}"
            )
            rows.append(single_process_row(record, "skipgram, one process", threads))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    with tempfile.TemporaryDirectory(prefix="skipgram-bench-") as directory:
        splits = {args.parts: split_corpus(args.corpus, args.parts, Path(directory))}
        if args.acceptance_parts:
            sub = Path(directory) / "acceptance"
            sub.mkdir()
            splits[args.acceptance_parts] = split_corpus(args.corpus, args.acceptance_parts, sub)
        jobs = [(args.parts, 1), (args.parts, 2)]
        if args.acceptance_parts:
            jobs.append((args.acceptance_parts, 2))
        for parts, workers in jobs:
            rows.append(run_cluster(args, splits[parts], workers))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    if not args.no_gensim:
        for mode in ("linesentence", "corpus_file"):
            record = run_script(
                args, args.gensim_python, "run_gensim.py", f"--mode={mode}", "--workers=2"
            )
            name = f"gensim {record['system']['version']} {mode}"
            rows.append(single_process_row(record, name, 2))
            print(table(rows[-1:]).splitlines()[-1], flush=True)

    sync = "library default" if args.sync_words is None else f"{args.sync_words:,}"
    header = (
        f"{started:%Y-%m-%d %H:%M} UTC, {machine()}; corpus {args.corpus.name}; d="
        f"{args.vector_size}, window {args.window}, negative {args.negative}, sample "
        f"{args.sample:g}, min_count {args.min_count}, {args.epochs} epochs, seed {args.seed}; "
        f"sync_words {sync}"
    )
    text = f"{header}\n\n{table(rows)}\n"
    print("\n" + text)
    harness.RESULTS_DIR.mkdir(exist_ok=True)
    stem = harness.RESULTS_DIR / f"distributed-{started:%Y%m%d-%H%M%S}"
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    raw = {"header": header, "command": sys.argv, "rows": rows}
    stem.with_suffix(".json").write_text(json.dumps(raw, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
