"""Negative sampling with and without shared negatives per window: speed, scaling, quality.

    python benchmarks/bench_shared_negatives.py [--repeat 3] [--thread-counts 1 2] [--epochs 5]

Trains skipgram's default negative sampling and the opt-in shared-negatives mode (one set of
noise words per window, HogBatch) with the same parameters, interleaved round by round so that
drift of a shared machine spreads over both, and prints a markdown table: median raw words/s
over the repeats, the 1 -> 2 thread speed-up of those medians, and the analogy accuracy and
WS353 Spearman of the median-time run. Every raw record goes to
``benchmarks/results/shared-negatives-<time>.json``. Takes the training flags of
``run_skipgram.py`` (``--vector-size 100 --window 5 --negative 5 --sample 1e-3`` ...).
Only the training is timed; the vocabulary is built afresh, untimed, for every run.
"""

from __future__ import annotations

import json
import shlex
import statistics
import sys
import time
from dataclasses import fields
from datetime import datetime
from typing import Any

import harness
from bench_train import settle

MODES = ("default", "shared")


def train_once(args: Any, shared: bool, workers: int) -> dict[str, Any]:
    """One fresh model trained in this process; its timing and scores as a JSON-ready dict."""
    from skipgram import LineSentence, SkipGram, model

    kernels = []
    build_kernel = model.KernelModel

    def recording_kernel(*positional: Any, **keywords: Any) -> Any:
        # Until the trainer has the parameter, the benchmark switches the mode on itself; the
        # record says which kernel really trained.
        if shared:
            keywords["shared_negatives"] = True
        kernel = build_kernel(*positional, **keywords)
        kernels.append(kernel)
        return kernel

    params = {
        "vector_size": args.vector_size,
        "window": args.window,
        "min_count": args.min_count,
        "sample": args.sample,
        "negative": args.negative,
        "alpha": args.alpha,
        "min_alpha": args.min_alpha,
        "epochs": args.epochs,
        "workers": workers,
        "seed": args.seed,
    }
    if shared and "shared_negatives" in {f.name for f in fields(model.Parameters)}:
        params["shared_negatives"] = True
    sg = SkipGram(**params)
    sg.build_vocab(LineSentence(str(args.corpus)))
    model.KernelModel = recording_kernel
    times: dict[str, float] = {}
    try:
        with harness.stopwatch(times, "train_s"):
            sg.train(LineSentence(str(args.corpus)))
    finally:
        model.KernelModel = build_kernel
    record: dict[str, Any] = {
        "mode": "shared" if shared else "default",
        "workers": workers,
        "kernel_shared_negatives": [bool(getattr(k, "shared_negatives", False)) for k in kernels],
        "corpus_words": int(sg.vocab.total_words),
        "vocab_size": len(sg.wv),
        "train_s": times["train_s"],
        "train_cores_busy": times["train_s_cpu"] / times["train_s"],
        "words_per_s": sg.vocab.total_words * args.epochs / times["train_s"],
    }
    if record["kernel_shared_negatives"] != [shared]:
        raise RuntimeError(f"the kernel did not train in the {record['mode']} mode: {record}")
    if not args.no_eval:
        from evaluate import evaluate

        record.update(evaluate(list(sg.wv.index_to_key), sg.wv.vectors, args.analogies, args.pairs))
    return record


def median_run(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median train time (a real run, never an average)."""
    ordered = sorted(records, key=lambda r: r["train_s"])
    return ordered[(len(ordered) - 1) // 2]


def table(runs: dict[tuple[str, int], list[dict[str, Any]]], thread_counts: list[int]) -> str:
    lines = [
        "| mode | threads | raw words/s (median) | runs | speed-up vs 1 thread "
        "| vs default | analogy acc | WS353 Spearman |",
        "|---|---|---|---|---|---|---|---|",
    ]
    speed = {key: statistics.median(r["words_per_s"] for r in recs) for key, recs in runs.items()}
    for mode, workers in runs:
        chosen = median_run(runs[mode, workers])
        single = speed.get((mode, thread_counts[0]))
        scaling = f"{speed[mode, workers] / single:.2f}x" if single else "-"
        versus = speed[mode, workers] / speed["default", workers]
        analogy = chosen.get("analogy", {}).get("accuracy")
        ws353 = chosen.get("ws353", {}).get("spearman")
        spread = ", ".join(f"{r['words_per_s'] / 1e3:,.0f}k" for r in runs[mode, workers])
        lines.append(
            f"| {mode} | {workers} | {speed[mode, workers]:,.0f} | {spread} | {scaling} "
            f"| {versus:.2f}x | {'-' if analogy is None else f'{analogy:.3f}'} "
            f"| {'-' if ws353 is None else f'{ws353:.3f}'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = harness.build_parser(__doc__.splitlines()[0], ("linesentence",))
    parser.add_argument("--repeat", type=int, default=3, help="runs per (mode, threads)")
    parser.add_argument("--thread-counts", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=60.0,
        help="before each run, wait up to this many seconds for the CPUs to be idle",
    )
    args = harness.parse_args(parser)
    if args.objective != "ns":
        parser.error("shared negatives exist for --objective ns only")
    if "default" not in args.modes:
        parser.error("--modes must include default: it is the yardstick")

    runs: dict[tuple[str, int], list[dict[str, Any]]] = {
        (mode, workers): [] for workers in args.thread_counts for mode in args.modes
    }
    for round_no in range(1, args.repeat + 1):
        for mode, workers in runs:
            busy = settle(args.wait_idle)
            record = train_once(args, mode == "shared", workers)
            record["cpus_busy_before"] = busy
            runs[mode, workers].append(record)
            print(
                f"[round {round_no}/{args.repeat}] {mode} threads={workers}: "
                f"{record['words_per_s']:,.0f} words/s, {record['train_cores_busy']:.2f} cores "
                f"busy ({busy:.1f} busy before)",
                file=sys.stderr,
                flush=True,
            )

    command = shlex.join(["python", *sys.argv])
    first = next(iter(runs.values()))[0]
    print(
        f"{first['corpus_words']:,} tokens x {args.epochs} epochs of {args.corpus.name}, "
        f"vocabulary {first['vocab_size']:,}, d={args.vector_size}, window {args.window}, "
        f"negative {args.negative}, sample {args.sample:g}; {args.repeat} runs each, interleaved\n"
        f"\n    {command}\n"
    )
    print(table(runs, args.thread_counts))
    harness.RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = harness.RESULTS_DIR / f"shared-negatives-{stamp}.json"
    path.write_text(json.dumps({"command": command, "time": time.time(), "runs": runs_list(runs)}))
    print(f"\nraw records: {path}", file=sys.stderr)


def runs_list(runs: dict[tuple[str, int], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [record for records in runs.values() for record in records]


if __name__ == "__main__":
    main()
