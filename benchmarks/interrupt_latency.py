"""How long Ctrl-C takes to stop `train()`, and that the model is usable afterwards.

Starts a long training run on GCIDE in a child process, sends SIGINT after `--after` seconds,
and prints the time until the child caught KeyboardInterrupt, answered `most_similar`, saved
the model and exited. Run from benchmarks/ with an interpreter that has skipgram installed:

    python interrupt_latency.py [--after 2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import harness

CHILD = textwrap.dedent(
    """
    import sys, time
    from skipgram import LineSentence, SkipGram
    model = SkipGram(LineSentence(sys.argv[1]), workers=2, epochs=1000)
    print("training", flush=True)
    try:
        model.train(progress=False)
    except KeyboardInterrupt:
        print("caught", flush=True)
    print("query", model.most_similar("king", topn=3)[0][0], flush=True)
    model.save(sys.argv[2])
    print("saved", flush=True)
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=harness.CORPORA / "gcide.txt.gz")
    parser.add_argument("--after", type=float, default=2.0, help="seconds into training")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.repeat):
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(args.corpus), f"{folder}/m"],
                stdout=subprocess.PIPE,
                text=True,
                cwd=folder,
            )
            assert child.stdout.readline().strip() == "training"
            time.sleep(args.after)
            sent = time.perf_counter()
            child.send_signal(signal.SIGINT)
            marks = {}
            for line in child.stdout:
                marks[line.split()[0]] = time.perf_counter() - sent
            child.wait()
            print(
                f"run {run + 1}: KeyboardInterrupt after {marks['caught']:.3f} s, "
                f"most_similar answered at {marks['query']:.3f} s, "
                f"saved at {marks['saved']:.3f} s, "
                f"exit status {child.returncode}"
            )


if __name__ == "__main__":
    main()
