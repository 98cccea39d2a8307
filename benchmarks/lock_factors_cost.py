"""What the per-row learning-rate factors (`wv.vectors_lockf`) cost the kernel, in instructions.

The factors are a pointer the kernel tests at every input-row update: NULL when every factor is
1.0 (the default), so a model without them should run as before the feature existed. Wall
time on a shared 2-core machine varies by more than the few percent in question, so this counts
the instructions executed inside `train_batch` with valgrind's callgrind, which gives the same
count whatever else the machine is doing.

Each configuration trains one epoch, one worker, fixed seed, on the first lines of a corpus
(`--lines`, every 12th line), under three builds or settings:

- ``baseline``: the interpreter given by ``--baseline``, e.g. a venv with the commit before the
  kernel had factors (``git worktree add /tmp/before 42950e6 && python -m venv ... && pip
  install /tmp/before``);
- ``none``: this environment's skipgram, no factors set;
- ``mixed``: the same with every second word's factor 0.1 (the factors in use).

    python benchmarks/lock_factors_cost.py --baseline /tmp/before-venv/bin/python

About two minutes a run under callgrind (most of it Python's start-up, which is not counted).
"""

from __future__ import annotations

import argparse
import gzip
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import harness

CONFIGS = {  # name -> (objective, shared_negatives, vector_size)
    "ns d=100": ("ns", False, 100),
    "hs d=100": ("hs", False, 100),
    "ns shared d=100": ("ns", True, 100),
    "ns d=300": ("ns", False, 300),
}
# One training run, in a child process so that each build imports its own skipgram.
TRAIN = """
import sys
import numpy as np
from skipgram import LineSentence, SkipGram
path, objective, shared, d, factors = sys.argv[1:]
model = SkipGram(LineSentence(path), vector_size=int(d), window=5, min_count=2, workers=1,
                 epochs=1, seed=1, objective=objective, shared_negatives=shared == "True")
if factors == "mixed":
    lockf = np.ones(len(model.wv), dtype=np.float32)
    lockf[::2] = 0.1
    model.wv.vectors_lockf = lockf
model.train()
"""


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--baseline", type=Path, help="interpreter of the build to compare with")
    p.add_argument("--corpus", type=Path, default=harness.BENCH_DIR / "results" / "cache"
                   / "orders" / "natural.txt.gz")  # fmt: skip
    p.add_argument("--lines", type=int, default=3000)
    p.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    return p.parse_args()


def instructions(python: Path, corpus: Path, config: str, factors: str) -> int:
    objective, shared, d = CONFIGS[config]
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        "--toggle-collect=*train_batch*", str(python), "-c", TRAIN,
        str(corpus), objective, str(shared), str(d), factors,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd="/")
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or not found:
        sys.exit(f"failed: {' '.join(command[:6])} ...\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample.txt"
        with gzip.open(args.corpus, "rt", encoding="utf-8") as lines:
            kept = [line for n, line in enumerate(lines, 1) if n % 12 == 0][: args.lines]
        sample.write_text("".join(kept), encoding="utf-8")
        tokens = sum(len(line.split()) for line in kept)
        print(f"{tokens:,} tokens from {args.corpus.name}; instructions inside train_batch")
        print("| configuration | baseline | none | mixed | none / baseline | mixed / none |")
        print("|---|---|---|---|---|---|")
        here = Path(sys.executable)
        for config in args.configs:
            base = instructions(args.baseline, sample, config, "none") if args.baseline else None
            none = instructions(here, sample, config, "none")
            mixed = instructions(here, sample, config, "mixed")
            base_cell, ratio = (f"{base:,}", f"{none / base:.4f}") if base else ("–", "–")
            print(f"| {config} | {base_cell} | {none:,} | {mixed:,} | {ratio} | "
                  f"{mixed / none:.4f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
