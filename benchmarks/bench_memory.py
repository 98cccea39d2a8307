"""Peak memory and time against corpus size: skipgram (ids in memory, and spilled to a
memory-mapped file) and gensim, each trained in a fresh process on generated corpora.

    python benchmarks/bench_memory.py                          # 10 M, 30 M, 100 M tokens
    python benchmarks/bench_memory.py --sizes 10M,30M --spill-sizes 30M --systems skipgram

The corpora come from `make_big_corpus.py` (Zipf words with topics, 500 k-word lexicon),
cached in `benchmarks/results/cache/`. Every run is a subprocess: skipgram under this
interpreter, gensim under `benchmarks/.venv-gensim/bin/python` (gensim is never imported here).
Each child reports its peak RSS (VmHWM) after building the vocabulary and after training,
and its RSS right after the imports. The tables give, per system and size, the times, the
vocabulary size V and the peak, then the marginal bytes per corpus token between consecutive
sizes: raw, and without the growth of the two V x d float32 matrices (the vocabulary grows with
the corpus under a fixed `min_count`). Results go to `benchmarks/results/memory-<time>.json`
and `.md`; `--plot FILE` draws the cost curves (needs matplotlib).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness import BENCH_DIR, GENSIM_PYTHON, RESULTS_DIR

MIB = 1 << 20


def parse_size(text: str) -> int:
    """'10M' -> 10_000_000, '1.5G' -> 1_500_000_000, '300k' -> 300_000, '123' -> 123."""
    text = text.strip()
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(text[-1:].lower(), 1)
    number = text[:-1] if scale > 1 else text
    return int(float(number) * scale)


def parse_bytes(text: str) -> int:
    """'64MiB' / '64M' -> 64 * 2**20, '2GiB' / '2G' -> 2**31, '0' -> 0 (binary units)."""
    text = text.strip().lower().removesuffix("ib").removesuffix("b")
    scale = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(text[-1:], 1)
    number = text[:-1] if scale > 1 else text
    return int(float(number) * scale)


# ---- children ----------------------------------------------------------------------------------


def _status(field: str) -> int:
    """A size from /proc/self/status (Linux), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _rss_now() -> int:
    """Resident bytes of this process now."""
    return _status("VmRSS")


def _peak() -> int:
    """Peak resident bytes of this process so far: VmHWM, the high-water mark of this
    program's own memory. Not `ru_maxrss`: Linux carries it over from the parent across
    fork and exec, so a child would report at least its parent's size."""
    return _status("VmHWM")


def child_skipgram(args: argparse.Namespace) -> dict[str, Any]:
    from skipgram import LineSentence, SkipGram

    record: dict[str, Any] = {"rss_after_imports": _rss_now()}
    params: dict[str, Any] = {
        "vector_size": args.vector_size,
        "min_count": args.min_count,
        "epochs": args.epochs,
        "workers": args.workers,
        "seed": 1,
    }
    if args.shuffle != "default":
        params["shuffle"] = args.shuffle == "true"
    if args.ids_in_memory_limit is not None:
        params["ids_in_memory_limit"] = args.ids_in_memory_limit
    model = SkipGram(**params)
    started = time.perf_counter()
    model.build_vocab(LineSentence(str(args.corpus)))
    record["vocab_s"] = time.perf_counter() - started
    record["peak_after_vocab"] = _peak()
    ids, remap = model._corpus_ids  # the benchmark may look inside: it reports how ids were kept
    started = time.perf_counter()
    if args.replay_only:  # the batches of one epoch, as training would cut them, untrained
        for _ in ids.batches(remap, model.params.batch_words, model._shuffle_seed()):
            pass
    else:
        model.train()
    record["train_s"] = time.perf_counter() - started
    record["peak"] = _peak()
    record.update(
        tokens=int(model.vocab.total_words),
        sentences=int(model.vocab.total_sentences),
        vocab_size=len(model.vocab),
        distinct_words=len(ids.keys),
        matrix_bytes=int(model.wv.vectors.nbytes + model.output_vectors.nbytes),
        ids_spilled=bool(getattr(ids, "spilled", False)),
        shuffle=bool(model.params.shuffle),
    )
    return record


def child_gensim(args: argparse.Namespace) -> dict[str, Any]:
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    record: dict[str, Any] = {"rss_after_imports": _rss_now()}
    model = Word2Vec(
        sg=1,
        vector_size=args.vector_size,
        min_count=args.min_count,
        epochs=args.epochs,
        workers=args.workers,
        seed=1,
    )
    started = time.perf_counter()
    model.build_vocab(LineSentence(str(args.corpus)))
    record["vocab_s"] = time.perf_counter() - started
    record["peak_after_vocab"] = _peak()
    started = time.perf_counter()
    model.train(
        LineSentence(str(args.corpus)), total_examples=model.corpus_count, epochs=model.epochs
    )
    record["train_s"] = time.perf_counter() - started
    record["peak"] = _peak()
    record.update(
        tokens=int(model.corpus_total_words),
        sentences=int(model.corpus_count),
        vocab_size=len(model.wv),
        matrix_bytes=int(model.wv.vectors.nbytes + model.syn1neg.nbytes),
    )
    return record


# ---- the parent --------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Where and when the run happened: nproc, CPU model, the load, the date."""

    def command(*argv: str) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in command("lscpu").splitlines()
            if line.startswith("Model name")
        ),
        platform.processor(),
    )
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "nproc": command("nproc").strip(),
        "cpu": cpu,
        "uptime": command("uptime").strip(),
        "memory_gb": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1e9, 1),
        "python": platform.python_version(),
    }


def run_child(system: str, corpus: Path, args: argparse.Namespace, limit: int | None) -> dict:
    python = str(GENSIM_PYTHON) if system == "gensim" else sys.executable
    argv = [python, str(Path(__file__).resolve()), "--child", system, "--corpus", str(corpus)]
    argv += ["--vector-size", str(args.vector_size), "--min-count", str(args.min_count)]
    argv += ["--epochs", str(args.epochs), "--workers", str(args.workers)]
    argv += ["--shuffle", args.shuffle]
    if args.replay_only:
        argv.append("--replay-only")
    if limit is not None:
        argv += ["--ids-in-memory-limit", str(limit)]
    # Started from the benchmark folder, never the repository root: there `import skipgram`
    # would find the uncompiled source tree.
    done = subprocess.run(argv, capture_output=True, text=True, cwd=BENCH_DIR)
    if done.returncode != 0:
        sys.exit(f"{system} on {corpus.name} failed:\n{done.stderr[-3000:]}")
    record = json.loads(done.stdout.strip().splitlines()[-1])
    label = system if system == "gensim" else ("skipgram mmap" if limit is not None else system)
    if args.replay_only:
        label += " (replay only)"
    record.update(system=label, corpus=corpus.name, ids_in_memory_limit=limit)
    return record


def marginal_rows(records: list[dict]) -> list[str]:
    """Bytes per token between consecutive sizes of each system."""
    rows = []
    for system in dict.fromkeys(r["system"] for r in records):
        runs = sorted((r for r in records if r["system"] == system), key=lambda r: r["tokens"])
        for small, large in itertools.pairwise(runs):
            tokens = large["tokens"] - small["tokens"]
            grown = large["peak"] - small["peak"]
            matrices = large["matrix_bytes"] - small["matrix_bytes"]
            rows.append(
                f"| {system} | {small['tokens'] / 1e6:,.0f} M → {large['tokens'] / 1e6:,.0f} M "
                f"| {grown / MIB:+,.0f} | {matrices / MIB:+,.0f} | {grown / tokens:.2f} "
                f"| {(grown - matrices) / tokens:.2f} |"
            )
    return rows


def report(records: list[dict], info: dict[str, Any], command: str) -> str:
    lines = [
        f"Run {info['date_utc']} UTC, `nproc` {info['nproc']}, {info['cpu']}, "
        f"{info['memory_gb']} GB; load: `{info['uptime']}`.",
        "",
        f"`{command}`",
        "",
        "| system | tokens | sentences | V | vocab s | train s | words/s | RSS after imports MB "
        "| peak after vocab MB | peak MB | matrices MB | ids |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        ids = "-" if r["system"] == "gensim" else ("mmap" if r.get("ids_spilled") else "RAM")
        lines.append(
            f"| {r['system']} | {r['tokens']:,} | {r['sentences']:,} | {r['vocab_size']:,} "
            f"| {r['vocab_s']:.1f} | {r['train_s']:.1f} "
            f"| {r['tokens'] * r['epochs'] / r['train_s']:,.0f} "
            f"| {r['rss_after_imports'] / MIB:,.0f} | {r['peak_after_vocab'] / MIB:,.0f} "
            f"| {r['peak'] / MIB:,.0f} | {r['matrix_bytes'] / MIB:,.0f} | {ids} |"
        )
    lines += [
        "",
        "| system | sizes | Δ peak MB | Δ matrices MB | Δ peak bytes/token "
        "| without matrices, bytes/token |",
        "|---|---|---|---|---|---|",
        *marginal_rows(records),
    ]
    return "\n".join(lines) + "\n"


def plot(records: list[dict], output: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    figure, (memory, seconds) = plt.subplots(1, 2, figsize=(10, 4))
    for system in dict.fromkeys(r["system"] for r in records):
        runs = sorted((r for r in records if r["system"] == system), key=lambda r: r["tokens"])
        tokens = [r["tokens"] / 1e6 for r in runs]
        memory.plot(tokens, [r["peak"] / MIB for r in runs], "o-", label=system)
        seconds.plot(tokens, [r["vocab_s"] + r["train_s"] for r in runs], "o-", label=system)
    memory.set(xlabel="corpus tokens (millions)", ylabel="peak RSS (MiB)", title="peak memory")
    seconds.set(
        xlabel="corpus tokens (millions)",
        ylabel="seconds",
        title=f"vocabulary + {records[0]['epochs']} epoch(s)",
    )
    for axes in (memory, seconds):
        axes.grid(alpha=0.3)
        axes.legend()
    figure.tight_layout()
    figure.savefig(output, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10M,30M,100M", help="corpus sizes in tokens")
    parser.add_argument(
        "--spill-sizes",
        default="100M",
        help="sizes also trained with the ids memory-mapped ('' for none)",
    )
    parser.add_argument(
        "--spill-limit",
        default="0",
        help="ids_in_memory_limit of the mmap runs, in bytes (0: always spill)",
    )
    parser.add_argument("--systems", default="skipgram,gensim", help="skipgram and/or gensim")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--vector-size", type=int, default=100)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument(
        "--shuffle",
        choices=("default", "true", "false"),
        default="default",
        help="skipgram's shuffle (default: the library's default)",
    )
    parser.add_argument(
        "--replay-only",
        action="store_true",
        help="skipgram only: replay one epoch's batches without training (memory of the id "
        "stream at sizes too large to train here; 'train s' is then the replay's time)",
    )
    parser.add_argument("--plot", type=Path, help="also draw the cost curves into this file")
    # Internal: one measured run.
    parser.add_argument("--child", choices=("skipgram", "gensim"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ids-in-memory-limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        run = child_skipgram if args.child == "skipgram" else child_gensim
        record = run(args)
        record["epochs"] = args.epochs
        print(json.dumps(record), flush=True)
        return

    import make_big_corpus

    systems = [s for s in args.systems.split(",") if s]
    if args.replay_only and systems != ["skipgram"]:
        parser.error("--replay-only measures skipgram alone: add --systems skipgram")
    if "gensim" in systems and not GENSIM_PYTHON.exists():
        sys.exit(f"{GENSIM_PYTHON} is missing: run benchmarks/setup_peers.sh first")
    sizes = [parse_size(s) for s in args.sizes.split(",") if s]
    spill_sizes = {parse_size(s) for s in args.spill_sizes.split(",") if s}
    info = machine()
    records = []
    for tokens in sorted(set(sizes) | spill_sizes):
        started = time.perf_counter()
        corpus = make_big_corpus.ensure_corpus(tokens)
        print(f"{corpus.name}: ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        runs: list[tuple[str, int | None]] = []
        if tokens in sizes:
            runs += [(system, None) for system in systems]
        if tokens in spill_sizes and "skipgram" in systems:
            runs.append(("skipgram", parse_bytes(args.spill_limit)))
        for system, limit in runs:
            record = run_child(system, corpus, args, limit)
            records.append(record)
            print(
                f"{record['system']:>14} {tokens:>13,} tokens: peak {record['peak'] / MIB:,.0f} "
                f"MiB, vocab {record['vocab_s']:.0f} s, train {record['train_s']:.0f} s",
                file=sys.stderr,
            )
    command = "python benchmarks/bench_memory.py " + " ".join(sys.argv[1:])
    text = report(records, info, command.strip())
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"memory-{stamp}.json"
    out.write_text(json.dumps({"machine": info, "command": command, "records": records}, indent=1))
    out.with_suffix(".md").write_text(text)
    if args.plot:
        plot(records, args.plot)
        print(f"wrote {args.plot}", file=sys.stderr)


if __name__ == "__main__":
    main()
