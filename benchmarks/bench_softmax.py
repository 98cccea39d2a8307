"""The exact softmax, this build against another one: speed, use of the FMA units, cores, loss.

    python benchmarks/bench_softmax.py --before /work/venvs/softmax-before/bin/python \\
        [--corpora gcide demo] [--tokens 300000] [--vocabulary 5000 4000] [--epochs 3] \\
        [--seeds 1 2 3] [--workers 2] [--vector-size 100] [--window 5]

Trains `objective="softmax"` on the first `--tokens` tokens of each corpus (GCIDE from
../shared/corpora, the bundled demo corpus), with `min_count` chosen so that the vocabulary
is about `--vocabulary` words, for `--epochs` epochs, once per seed with each build: this
interpreter's skipgram ("after") and `--before`'s ("before"). Each run is a fresh child
process started outside the repository; the builds alternate (A B, B A, A B, ...) so that a
change in the machine's load hits both. Before every pair of runs, the FMA peak available to
`--workers` threads is measured: that many threads each multiplying two 2048 x 2048 float32
matrices with a one-thread BLAS at the same time, 2 n^3 flops each, over the wall time.

Printed per run and as medians per build: raw words/s; GFLOP/s, counting the softmax's three
products, 6 V d flops per trained centre word (the exponentials and the corrections are not
counted); that as a percentage of the peak measured just before; cores busy, the process's
CPU time over the training's wall time; the online loss per pair of the last epoch
(`loss_history`); and the final-model loss, the mean -log P(c | w) of the trained vectors over
every pair within `--window` of every 5th in-vocabulary token (no subsampling, float64, the
same numpy code for both builds). Then the ratio of words/s and the loss differences, per seed
and as medians. `--before-blas-threads N` sets OPENBLAS_NUM_THREADS for the before build (by
default it runs as it would for a user: OpenBLAS picks one thread per core).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np

CORPORA = {
    "gcide": Path(__file__).resolve().parents[2] / "shared" / "corpora" / "gcide.txt.gz",
    "demo": Path(str(resources.files("skipgram.data") / "demo.txt.gz")),
}
PEAK_SIZE = 2048
EVALUATION_STRIDE = 5


# ---- the child: one training run ------------------------------------------------------------


def read_prefix(path: Path, tokens: int) -> list[list[str]]:
    from skipgram import LineSentence

    sentences, seen = [], 0
    for sentence in LineSentence(path):
        sentences.append(sentence)
        seen += len(sentence)
        if seen >= tokens:
            break
    return sentences


def min_count_for(counts: Counter[str], size: int) -> int:
    """The smallest min_count whose vocabulary has at most `size` words."""
    ranked = sorted(counts.values(), reverse=True)
    return ranked[size - 1] + 1 if size < len(ranked) else 1


def final_model_loss(model, sentences: list[list[str]], window: int) -> float:
    """Mean -log P(c | w) over every pair within `window` of every EVALUATION_STRIDE-th
    in-vocabulary token, in float64."""
    index = model.wv.key_to_index
    inputs = model.wv.vectors.astype(np.float64)
    outputs = model.output_vectors.astype(np.float64)
    centres, windows, position = [], [], 0
    for sentence in sentences:
        ids = [index[w] for w in sentence if w in index]
        for i, centre in enumerate(ids):
            position += 1
            if position % EVALUATION_STRIDE == 0 and len(ids) > 1:
                centres.append(centre)
                windows.append(ids[max(0, i - window) : i] + ids[i + 1 : i + window + 1])
    total, pairs = 0.0, 0
    for start in range(0, len(centres), 2048):
        scores = inputs[centres[start : start + 2048]] @ outputs.T
        top = scores.max(axis=1)
        normaliser = top + np.log(np.exp(scores - top[:, None]).sum(axis=1))
        for row, contexts in enumerate(windows[start : start + 2048]):
            total += len(contexts) * normaliser[row] - scores[row, contexts].sum()
            pairs += len(contexts)
    return total / pairs


def child(spec: dict) -> None:
    from skipgram import SkipGram

    sentences = read_prefix(Path(spec["corpus"]), spec["tokens"])
    raw = sum(map(len, sentences))
    kept = []

    class CountKept:
        def on_epoch_end(self, model) -> None:
            kept.append(model.last_epoch.kept_words)

    model = SkipGram(
        sentences,
        objective="softmax",
        vector_size=spec["vector_size"],
        window=spec["window"],
        min_count=spec["min_count"],
        epochs=spec["epochs"],
        workers=spec["workers"],
        seed=spec["seed"],
    )
    cpu_before, started = os.times(), time.perf_counter()
    model.train(compute_loss=True, callbacks=[CountKept()])
    wall = time.perf_counter() - started
    cpu_after = os.times()
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    vocab = len(model.wv)
    result = {
        "vocab": vocab,
        "words_per_second": raw * spec["epochs"] / wall,
        "gflops": 6 * vocab * spec["vector_size"] * sum(kept) / wall / 1e9,
        "cores_busy": cpu / wall,
        "loss": model.loss_history[-1],
        "final_loss": final_model_loss(model, sentences, spec["window"]),
        "seconds": wall,
    }
    print(json.dumps(result))


# ---- the parent ------------------------------------------------------------------------------


def measure_peak(threads: int) -> float:
    """GFLOP/s of `threads` threads each multiplying two PEAK_SIZE^2 float32 matrices at once,
    with a one-thread BLAS (numpy releases the GIL in matmul)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a = rng.random((PEAK_SIZE, PEAK_SIZE), dtype=np.float32)
    b = rng.random((PEAK_SIZE, PEAK_SIZE), dtype=np.float32)
    with threadpool_limits(limits=1, user_api="blas"):
        a @ b  # warm up
        best = 0.0
        for _ in range(3):
            workers = [threading.Thread(target=np.matmul, args=(a, b)) for _ in range(threads)]
            started = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            best = max(best, threads * 2 * PEAK_SIZE**3 / (time.perf_counter() - started) / 1e9)
    return best


def run_child(python: str, spec: dict, blas_threads: int | None) -> dict:
    env = dict(os.environ)
    if blas_threads is not None:
        env["OPENBLAS_NUM_THREADS"] = str(blas_threads)
    with tempfile.TemporaryDirectory() as folder:  # outside the repository: the installed build
        done = subprocess.run(
            [python, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
            capture_output=True,
            text=True,
            cwd=folder,
            env=env,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{python} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in lines.splitlines()
                     if line.startswith("Model name"))  # fmt: skip
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    return f"nproc {os.cpu_count()}, {model}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def summary_row(name: str, runs: list[dict], peaks: list[float]) -> str:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    percent = statistics.median(100 * r["gflops"] / p for r, p in zip(runs, peaks, strict=True))
    return (f"| {name} | {runs[0]['vocab']:,} | {median('words_per_second'):,.0f} "
            f"| {median('gflops'):.1f} | {percent:.0f}% | {median('cores_busy'):.2f} "
            f"| {median('loss'):.4f} | {median('final_loss'):.4f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--before", required="--child" not in sys.argv,
                        help="python of the build to compare with")  # fmt: skip
    parser.add_argument("--before-blas-threads", type=int, default=None)
    parser.add_argument("--corpora", nargs="+", default=["gcide", "demo"], choices=CORPORA)
    parser.add_argument("--tokens", type=int, default=300_000)
    parser.add_argument("--vocabulary", type=int, nargs="+", default=[5000, 4000],
                        help="target vocabulary per corpus (the last one repeats)")  # fmt: skip
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--vector-size", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return

    builds = {"after": sys.executable, "before": args.before}
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; {machine()}; {load()}")
    print(f"command: python benchmarks/bench_softmax.py {' '.join(sys.argv[1:])}")
    print(f"after: {builds['after']}; before: {builds['before']}"
          + (f" (OPENBLAS_NUM_THREADS={args.before_blas_threads})"
             if args.before_blas_threads is not None else ""))  # fmt: skip
    print(f"d={args.vector_size}, window {args.window}, {args.epochs} epochs, "
          f"{args.workers} workers, seeds {args.seeds}\n")  # fmt: skip
    for number, name in enumerate(args.corpora):
        sentences = read_prefix(CORPORA[name], args.tokens)
        counts = Counter(w for s in sentences for w in s)
        size = args.vocabulary[min(number, len(args.vocabulary) - 1)]
        spec = {"corpus": str(CORPORA[name]), "tokens": args.tokens, "epochs": args.epochs,
                "min_count": min_count_for(counts, size), "workers": args.workers,
                "vector_size": args.vector_size, "window": args.window}  # fmt: skip
        print(f"### {name}: {sum(map(len, sentences)):,} tokens, min_count {spec['min_count']}\n")
        print("| run | build | seed | peak GFLOP/s | words/s | GFLOP/s | % of peak | cores busy "
              "| loss | final-model loss | load |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        runs: dict[str, list[dict]] = {"after": [], "before": []}
        peaks: dict[str, list[float]] = {"after": [], "before": []}
        for turn, seed in enumerate(args.seeds):
            peak = measure_peak(args.workers)
            order = ["after", "before"] if turn % 2 == 0 else ["before", "after"]
            for build in order:
                threads = args.before_blas_threads if build == "before" else None
                result = run_child(builds[build], {**spec, "seed": seed}, threads)
                runs[build].append(result)
                peaks[build].append(peak)
                print(f"| {len(runs['after']) + len(runs['before'])} | {build} | {seed} "
                      f"| {peak:.0f} | {result['words_per_second']:,.0f} "
                      f"| {result['gflops']:.1f} | {100 * result['gflops'] / peak:.0f}% "
                      f"| {result['cores_busy']:.2f} | {result['loss']:.4f} "
                      f"| {result['final_loss']:.4f} | {os.getloadavg()[0]:.1f} |",
                      flush=True)  # fmt: skip
        print("\n| build | V | words/s | GFLOP/s | % of peak | cores busy | loss "
              "| final-model loss |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|")
        for build in ("before", "after"):
            print(summary_row(build, runs[build], peaks[build]))
        pairs = list(zip(runs["after"], runs["before"], strict=True))
        speed = [a["words_per_second"] / b["words_per_second"] for a, b in pairs]
        loss = [a["loss"] - b["loss"] for a, b in pairs]
        final = [a["final_loss"] - b["final_loss"] for a, b in pairs]
        print(f"\nafter / before words/s: {', '.join(f'{r:.2f}' for r in speed)} "
              f"(median {statistics.median(speed):.2f}x)")  # fmt: skip
        print(f"after - before loss: {', '.join(f'{d:+.4f}' for d in loss)} "
              f"(median {statistics.median(loss):+.4f}); final-model loss: "
              f"{', '.join(f'{d:+.4f}' for d in final)} "
              f"(median {statistics.median(final):+.4f})\n")  # fmt: skip
    print(f"finished {time.strftime('%H:%M', time.gmtime())} UTC; {load()}")


if __name__ == "__main__":
    main()
