"""Benchmark skipgram against gensim on one corpus with identical parameters.

    python benchmarks/bench_train.py [--objective ns|hs] [--epochs 5] [--repeat 3] [--scaling]

Each (system, workers) run is a fresh subprocess, so timings start cold and the peak RSS
belongs to that system alone. skipgram runs under this interpreter; gensim runs under
``benchmarks/.venv-gensim`` (created by ``benchmarks/setup_peers.sh``). A markdown table goes
to stdout; every raw record is saved under ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import harness
import report

GENSIM_PYTHON = harness.GENSIM_PYTHON
# Below this many busy CPUs (from other processes) the machine counts as idle.
IDLE_CORES = 0.15
SYSTEMS = ("skipgram", "gensim-line", "gensim-file")
# Flags forwarded verbatim to both runners (dest name -> flag).
FORWARDED = {
    "corpus": "--corpus",
    "analogies": "--analogies",
    "pairs": "--pairs",
    "vector_size": "--vector-size",
    "window": "--window",
    "negative": "--negative",
    "min_count": "--min-count",
    "sample": "--sample",
    "epochs": "--epochs",
    "alpha": "--alpha",
    "min_alpha": "--min-alpha",
    "seed": "--seed",
    "objective": "--objective",
}


class BenchError(RuntimeError):
    """A setup problem or failed run; main() turns it into a message and exit status 1."""


@dataclass(frozen=True)
class Job:
    """One system at one worker count."""

    system: str
    workers: int

    @property
    def python(self) -> Path:
        return Path(sys.executable) if self.system == "skipgram" else GENSIM_PYTHON

    @property
    def argv(self) -> list[str]:
        if self.system == "skipgram":
            return [str(harness.BENCH_DIR / "run_skipgram.py")]
        mode = "linesentence" if self.system == "gensim-line" else "corpus_file"
        return [str(harness.BENCH_DIR / "run_gensim.py"), "--mode", mode]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated subset of {', '.join(SYSTEMS)}",
    )
    p.add_argument("--objective", choices=("ns", "hs"), default="ns")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--repeat", type=int, default=1, help="runs per (system, workers)")
    p.add_argument(
        "--pick",
        choices=("median", "best"),
        default="median",
        help="which of the repeated runs to report, by train time",
    )
    p.add_argument(
        "--wait-idle",
        type=float,
        default=120.0,
        help="seconds to wait before each run for other processes to leave the CPUs idle",
    )
    p.add_argument(
        "--scaling",
        action="store_true",
        help="also run gensim LineSentence with 1 worker and report 2-vs-1 speed-ups",
    )
    p.add_argument("--corpus", type=Path, default=harness.CORPORA / "gcide.txt.gz")
    p.add_argument("--analogies", type=Path, default=harness.CORPORA / "questions-words.txt")
    p.add_argument("--pairs", type=Path, default=harness.CORPORA / "wordsim353.tsv")
    p.add_argument("--vector-size", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--negative", type=int, default=None, help="default 5 for ns; hs runs use none")
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--min-alpha", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = set(args.systems) - set(SYSTEMS)
    if unknown or not args.systems:
        p.error(f"--systems takes names from {', '.join(SYSTEMS)}; got {args.systems}")
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    return args


def plan(args: argparse.Namespace) -> list[Job]:
    jobs = []
    if "skipgram" in args.systems:
        jobs += [Job("skipgram", 1), Job("skipgram", 2)]
    if "gensim-line" in args.systems:
        jobs += [Job("gensim-line", 1)] if args.scaling else []
        jobs.append(Job("gensim-line", 2))
    if "gensim-file" in args.systems:
        jobs.append(Job("gensim-file", 2))
    return jobs


def check_environments(jobs: list[Job]) -> None:
    """Fail before any long run if an interpreter cannot import what it needs."""
    needs = {job.python: "skipgram" if job.system == "skipgram" else "gensim" for job in jobs}
    for python, module in needs.items():
        if module == "gensim" and not python.exists():
            raise BenchError(
                f"gensim venv not found at {python.parent.parent}; "
                "create it with: benchmarks/setup_peers.sh"
            )
        # Run from this folder: from the repo root, "-c" would import the uncompiled source
        # tree instead of the installed package.
        probe = subprocess.run(
            [str(python), "-c", f"import {module}"],
            cwd=harness.BENCH_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode != 0:
            hint = (
                "run benchmarks/setup_peers.sh"
                if module == "gensim"
                else "install the package into this environment (pip install .)"
            )
            raise BenchError(f"{python} cannot import {module}; {hint}\n{probe.stderr.strip()}")


def forwarded_flags(args: argparse.Namespace) -> list[str]:
    flags = []
    for dest, flag in FORWARDED.items():
        value = getattr(args, dest)
        if isinstance(value, Path):
            value = value.resolve()  # the runner may resolve relative paths differently
        if value is not None:
            flags += [flag, str(value)]
    return flags


def cores_in_use(interval: float = 1.0) -> float:
    """How many CPUs the whole machine kept busy over ``interval`` seconds (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as fin:
            fields = [int(x) for x in fin.readline().split()[1:9]]
        return sum(fields), fields[3] + fields[4]  # total jiffies, idle + iowait

    total0, idle0 = sample()
    time.sleep(interval)
    total1, idle1 = sample()
    cpus = len(os.sched_getaffinity(0))
    return cpus * (1 - (idle1 - idle0) / max(total1 - total0, 1))


def settle(wait_idle: float) -> float:
    """Wait up to ``wait_idle`` s for other processes to stop using CPU; return what is busy.

    On a shared machine a compile or test run next door silently steals a core from a
    two-worker benchmark, so the harness looks before each run and says so when it is busy.
    """
    deadline = time.monotonic() + wait_idle
    busy = cores_in_use()
    while busy > IDLE_CORES and time.monotonic() < deadline:
        busy = cores_in_use()
    if busy > IDLE_CORES:
        print(
            f"    warning: {busy:.1f} CPUs busy before this run; timings may suffer",
            file=sys.stderr,
            flush=True,
        )
    return busy


def run_job(job: Job, flags: list[str]) -> dict[str, Any]:
    """Run one job to completion and return its JSON record; raise BenchError on failure."""
    cmd = [str(job.python), *job.argv, "--workers", str(job.workers), *flags]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-30:])
        raise BenchError(f"run failed (exit {proc.returncode}): {shlex.join(cmd)}\n{tail}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError) as exc:
        raise BenchError(f"no JSON record on the last stdout line of: {shlex.join(cmd)}") from exc


def choose(records: list[dict[str, Any]], pick: str) -> dict[str, Any]:
    """The best or median run by train time; always a real run, never an average."""
    ordered = sorted(records, key=lambda r: r["train_s"])
    if pick == "best":
        return ordered[0]
    return ordered[(len(ordered) - 1) // 2]


def main() -> None:
    args = parse_args()
    jobs = plan(args)
    command = shlex.join(["python", *sys.argv])
    check_environments(jobs)
    flags = forwarded_flags(args)
    runs: dict[Job, list[dict[str, Any]]] = {job: [] for job in jobs}
    # Rounds are interleaved so that slow drift of the machine (heat, neighbours) spreads
    # over all systems instead of penalising whichever runs last.
    for round_no in range(1, args.repeat + 1):
        for job in jobs:
            print(
                f"[round {round_no}/{args.repeat}] {job.system} workers={job.workers} ...",
                file=sys.stderr,
                flush=True,
            )
            busy = settle(args.wait_idle)
            rec = run_job(job, flags)
            rec["cpus_busy_before"] = busy
            runs[job].append(rec)
            print(
                f"    vocab {rec['vocab_s']:.2f}s  train {rec['train_s']:.1f}s  "
                f"{rec['words_per_s']:,.0f} words/s  ({rec['train_cores_busy']:.2f} cores busy)",
                file=sys.stderr,
                flush=True,
            )

    chosen = [choose(recs, args.pick) for recs in runs.values()]
    info = report.machine_info()
    parts = [
        report.header(info, command, chosen, args.pick, args.repeat),
        "",
        report.results_table(chosen),
    ]
    if args.scaling:
        parts += ["", report.scaling_table(chosen)]
    markdown = "\n".join(parts)

    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = harness.RESULTS_DIR / datetime.now().strftime("bench-%Y%m%d-%H%M%S")
    raw = {
        "machine": info,
        "command": command,
        "pick": args.pick,
        "runs": [rec for recs in runs.values() for rec in recs],
        "chosen": chosen,
    }
    stem.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    stem.with_suffix(".md").write_text(markdown + "\n")
    print(markdown)
    print(f"\nraw results: {stem.with_suffix('.json')}", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except BenchError as err:
        sys.exit(f"bench_train.py: error: {err}")
