"""Is a slow two-worker run the model's sharing, or the machine?

    python benchmarks/sharing_diag.py [--corpus natural.txt.gz] [--vector-size 300]
        [--objective ns] [--rounds 8] [--gensim]

Each round times one epoch of the same corpus, in this order:

- ``solo``: skipgram, one worker;
- ``two procs``: two skipgram processes of one worker each, at once (each its own model: the
  two cores' capacity with nothing shared);
- ``2 workers``: one skipgram model, two workers (what users run);
- with ``--gensim``, gensim's ``Word2Vec(sg=1)`` with one and with two workers.

Every child reads the corpus and builds its vocabulary first; then the parent samples the
cache-line round trip between the two CPUs (``core_latency.py``), starts the timed training
of all the children of the run at once, and samples the round trip again when they are done.
A run counts as "slow placement" when both samples exceed ``--slow-ns`` and "fast" when both
are below; the summary gives medians per placement, the throughput of each mode relative to
``solo`` (for ``two procs`` both processes' words), and the ticks the hypervisor stole.

On the 2-vCPU machine of docs/benchmarks.md (2026-12-07) the two separate processes kept
about 1.8x one worker's throughput in every run, while one model with two workers took
anywhere between 1.6x and 0.65x one worker's speed: the difference is what the two workers
share (the rows of one model), not the CPUs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from core_latency import Probe
from harness import GENSIM_PYTHON
from make_order_corpora import OUTPUT as ORDER_CORPORA

# A child: read the corpus, build the vocabulary, say "ready", wait for a line on stdin, then
# time one epoch of training and print the seconds.
CHILD = r"""
import sys, time
system, corpus_path, workers, dim, objective = sys.argv[1:6]
workers, dim = int(workers), int(dim)
hs = objective == "hs"
if system == "skipgram":
    from skipgram import LineSentence, SkipGram
    corpus = list(LineSentence(corpus_path))
    model = SkipGram(vector_size=dim, window=5, workers=workers, epochs=1, seed=1,
                     **({"objective": "hs"} if hs else {"negative": 5}))
    model.build_vocab(corpus)
    train = lambda: model.train(corpus)
else:
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence
    corpus = list(LineSentence(corpus_path))
    model = Word2Vec(vector_size=dim, window=5, workers=workers, epochs=1, seed=1, sg=1,
                     hs=int(hs), negative=0 if hs else 5)
    model.build_vocab(corpus)
    train = lambda: model.train(corpus, total_examples=model.corpus_count, epochs=1)
print("ready", flush=True)
sys.stdin.readline()
start = time.perf_counter()
train()
print(time.perf_counter() - start, flush=True)
"""


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=ORDER_CORPORA / "natural.txt.gz")
    p.add_argument("--vector-size", type=int, default=300)
    p.add_argument("--objective", choices=("ns", "hs"), default="ns")
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--gensim", action="store_true", help="also gensim with 1 and 2 workers")
    p.add_argument("--slow-ns", type=float, default=150.0, help="round trip of a slow placement")
    return p.parse_args()


def stolen_ticks() -> int:
    """The hypervisor's steal time over all CPUs so far, in clock ticks (/proc/stat)."""
    with open("/proc/stat") as stat:
        return int(stat.readline().split()[8])


def timed(probe: Probe, args: argparse.Namespace, system: str, processes: int, workers: int):
    """One timed run: `processes` children of `workers` workers each, started together.
    Returns (round trip before, after, the slowest child's seconds, stolen ticks)."""
    python = sys.executable if system == "skipgram" else str(GENSIM_PYTHON)
    command = [python, "-c", CHILD, system, str(args.corpus), str(workers)]
    command += [str(args.vector_size), args.objective]
    children = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    for child in children:
        if child.stdout.readline().strip() != "ready":
            sys.exit(f"a {system} child failed before training (exit {child.wait()})")
    before, steal = probe.sample(), stolen_ticks()
    for child in children:
        child.stdin.write("\n")
        child.stdin.flush()
    seconds = max(float(child.communicate()[0]) for child in children)
    return before, probe.sample(), seconds, stolen_ticks() - steal


def main() -> None:
    args = parse_args()
    if args.gensim and not GENSIM_PYTHON.exists():
        sys.exit(f"--gensim needs the peer venv ({GENSIM_PYTHON}): run benchmarks/setup_peers.sh")
    modes = {
        "solo": ("skipgram", 1, 1),
        "two procs": ("skipgram", 2, 1),
        "2 workers": ("skipgram", 1, 2),
    }
    if args.gensim:
        modes.update({"gensim 1w": ("gensim", 1, 1), "gensim 2w": ("gensim", 1, 2)})
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{args.corpus.name}, d={args.vector_size}, {args.objective}; load {load}")
    with Probe() as probe:
        for round_ in range(args.rounds):
            for mode, (system, processes, workers) in modes.items():
                before, after, seconds, steal = timed(probe, args, system, processes, workers)
                slow = before > args.slow_ns, after > args.slow_ns
                placement = "slow" if all(slow) else "fast" if not any(slow) else "mixed"
                times[placement, mode].append(seconds)
                print(
                    f"round {round_}  {mode:10s} {seconds:6.2f} s  round trip {before:4.0f} "
                    f"-> {after:4.0f} ns ({placement}), stolen {steal}",
                    flush=True,
                )
    for placement in ("fast", "slow", "mixed"):
        medians = {m: statistics.median(times[placement, m]) for m in modes if times[placement, m]}
        if not medians:
            continue
        print(f"\n{placement} placement (median seconds, runs, throughput against solo):")
        solo = medians.get("solo")
        for mode, seconds in medians.items():
            _, processes, _ = modes[mode]
            reference = medians.get("gensim 1w") if mode.startswith("gensim") else solo
            ratio = f"{processes * reference / seconds:.2f}x" if reference else "-"
            print(f"  {mode:10s} {seconds:6.2f} s  ({len(times[placement, mode])} runs)  {ratio}")


if __name__ == "__main__":
    main()
