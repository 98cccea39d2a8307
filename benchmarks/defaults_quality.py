"""Quality of skipgram's defaults against gensim's, on corpora of different order and shape.

Every default that can change quality (the per-epoch shuffle, shared negatives, and with them
the kernel's orientation and initialisation) is chosen on all the
corpora ``make_order_corpora.py`` builds (natural order, topic blocks, alphabetical,
pre-shuffled, interleaved), several seeds each, with the same parameters for every system and
the same evaluator (``evaluate.py``): analogies, WordSim-353 and SimLex-999. Runs are
interleaved (each corpus and seed runs every variant before the next), so a change of load
hits all variants alike. Quality does not depend on speed, so the machine need not be idle.

    python benchmarks/make_order_corpora.py                       # once
    python benchmarks/defaults_quality.py --seeds 1 2 3
    python benchmarks/defaults_quality.py --objective hs --vector-size 300 --orders natural

Variants: ``skipgram`` (its defaults as they are), ``shuffle-on`` and ``shuffle-off``
(skipgram with the shuffle forced), ``per-pair`` and ``shared`` (negative sampling with noise
words drawn per pair or shared by a window; ns only), ``gensim`` (Word2Vec(sg=1) over
LineSentence, in the peer venv of ``setup_peers.sh``). The table shows the mean and (min-max)
over seeds, and each variant's mean minus gensim's.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import harness
import report
from make_order_corpora import ORDERS
from make_order_corpora import OUTPUT as CORPUS_DIR

GENSIM_PYTHON = harness.GENSIM_PYTHON
VARIANTS = {
    "skipgram": ("run_skipgram.py", ["--shuffle", "default"]),
    "shuffle-on": ("run_skipgram.py", ["--shuffle", "on"]),
    "shuffle-off": ("run_skipgram.py", ["--shuffle", "off"]),
    "per-pair": ("run_skipgram.py", ["--shared-negatives", "off"]),
    "shared": ("run_skipgram.py", ["--shared-negatives", "on"]),
    "shared-rows": ("run_skipgram.py", ["--private-rows", "0"]),  # no private output rows
    "merge-256": ("run_skipgram.py", ["--merge-every", "256"]),
    "gensim": ("run_gensim.py", ["--mode", "linesentence"]),
}
METRICS = {  # column name -> where the number is in a record
    "analogy": ("analogy", "accuracy"),
    "WS353": ("ws353", "spearman"),
    "SimLex": ("simlex", "spearman"),
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--orders", nargs="+", choices=ORDERS, default=list(ORDERS))
    p.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    p.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    p.add_argument("--objective", choices=harness.OBJECTIVES, default="ns")
    p.add_argument("--vector-size", type=int, default=100)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--min-count", type=int, default=5)
    return p.parse_args()


def run(variant: str, corpus: Path, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    script, extra = VARIANTS[variant]
    python = GENSIM_PYTHON if variant == "gensim" else Path(sys.executable)
    if not python.exists():
        sys.exit(f"{python} not found: run benchmarks/setup_peers.sh first")
    command = [
        str(python), str(harness.BENCH_DIR / script), *extra,
        "--corpus", str(corpus), "--seed", str(seed), "--objective", args.objective,
        "--vector-size", str(args.vector_size), "--epochs", str(args.epochs),
        "--workers", str(args.workers), "--min-count", str(args.min_count),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {shlex.join(command)}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def metric(record: dict[str, Any], name: str) -> float:
    group, key = METRICS[name]
    return float(record[group][key])


def table(results: dict[tuple[str, str], list[dict[str, Any]]], args: argparse.Namespace) -> str:
    names = list(METRICS)
    lines = [
        f"| corpus | variant | {' | '.join(names)} | Δ vs gensim ({', '.join(names)}) |",
        "|---|---|" + "---|" * len(names) + "---|",
    ]
    for order in args.orders:
        base = results.get((order, "gensim"))
        for variant in args.variants:
            records = results[(order, variant)]
            cells, deltas = [], []
            for name in METRICS:
                values = [metric(r, name) for r in records]
                mean = statistics.fmean(values)
                cells.append(f"{mean:.3f} ({min(values):.3f}–{max(values):.3f})")
                if base and variant != "gensim":
                    deltas.append(f"{mean - statistics.fmean(metric(r, name) for r in base):+.3f}")
            lines.append(
                f"| {order} | {variant} | " + " | ".join(cells) + f" | {', '.join(deltas)} |"
            )
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    missing = [o for o in args.orders if not (CORPUS_DIR / f"{o}.txt.gz").is_file()]
    if missing:
        sys.exit(f"corpora {missing} not built: run benchmarks/make_order_corpora.py first")
    command = shlex.join(["python", *sys.argv])
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for order in args.orders:
        for seed in args.seeds:
            for variant in args.variants:
                record = run(variant, CORPUS_DIR / f"{order}.txt.gz", seed, args)
                results.setdefault((order, variant), []).append(record)
                scores = ", ".join(f"{n} {metric(record, n):.3f}" for n in METRICS)
                print(f"{order} seed {seed} {variant}: {scores}", file=sys.stderr, flush=True)
    info = report.machine_info()
    markdown = "\n".join(
        [
            f"`{command}` — {datetime.now():%Y-%m-%d %H:%M}, {info.get('cpu', '?')}, "
            f"objective {args.objective}, d={args.vector_size}, {args.epochs} epochs, "
            f"{args.workers} workers, seeds {args.seeds}; mean (min–max) over seeds",
            "",
            table(results, args),
        ]
    )
    harness.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = harness.RESULTS_DIR / datetime.now().strftime("defaults-%Y%m%d-%H%M%S")
    raw = {
        "command": command,
        "machine": info,
        "runs": {f"{o}/{v}": r for (o, v), r in results.items()},
    }
    stem.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    stem.with_suffix(".md").write_text(markdown + "\n")
    print(markdown)


if __name__ == "__main__":
    main()
