"""Time word2vec-format save and load, skipgram against gensim, on the same file.

    python benchmarks/bench_word2vec_io.py [--words 100000] [--dim 100] [--repeat 5]

skipgram runs in this interpreter, gensim in the peer venv (``setup_peers.sh``); the two
alternate (A B A B) and the medians are printed with their ratio. This is where the speed of
the loaders is watched: tests check that loading is exact, not how fast it is.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import harness

GENSIM_PYTHON = harness.GENSIM_PYTHON
GENSIM_LOAD = """
import sys, time
from gensim.models import KeyedVectors
start = time.perf_counter()
KeyedVectors.load_word2vec_format(sys.argv[1], binary=sys.argv[2] == "1")
print(time.perf_counter() - start)
"""


def skipgram_load(path: Path, binary: bool) -> float:
    from skipgram import KeyedVectors

    start = time.perf_counter()
    KeyedVectors.load_word2vec_format(path, binary=binary)
    return time.perf_counter() - start


def gensim_load(path: Path, binary: bool) -> float:
    done = subprocess.run(
        [str(GENSIM_PYTHON), "-c", GENSIM_LOAD, str(path), str(int(binary))],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(done.stdout.split()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--words", type=int, default=100_000)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    if not GENSIM_PYTHON.exists():
        sys.exit(f"{GENSIM_PYTHON} not found: run benchmarks/setup_peers.sh first")
    from skipgram import KeyedVectors

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.words, args.dim)).astype(np.float32)
    kv = KeyedVectors([f"word{i}" for i in range(args.words)], vectors)
    with tempfile.TemporaryDirectory() as folder:
        for binary in (True, False):
            path = Path(folder) / ("v.bin" if binary else "v.txt")
            start = time.perf_counter()
            kv.save_word2vec_format(path, binary=binary)
            saved = time.perf_counter() - start
            times: dict[str, list[float]] = {"skipgram": [], "gensim": []}
            for _ in range(args.repeat):  # interleaved, so that load changes hit both
                times["skipgram"].append(skipgram_load(path, binary))
                times["gensim"].append(gensim_load(path, binary))
            ours, theirs = (statistics.median(times[k]) for k in ("skipgram", "gensim"))
            print(
                f"{path.suffix[1:]} {args.words:,} x {args.dim}: save {saved:.2f} s; "
                f"load skipgram {ours:.2f} s, gensim {theirs:.2f} s (median of {args.repeat}), "
                f"{theirs / ours:.1f}x"
            )


if __name__ == "__main__":
    main()
