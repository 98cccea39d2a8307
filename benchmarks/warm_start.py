"""Warm starts on small domain corpora: training from scratch against starting from general
pretrained vectors (`SkipGram(corpus, init_vectors=..., lock=...)`).

General vectors are trained once on GCIDE (the dictionary, 4.8 M tokens, /work/shared/corpora;
never bundled) and cached. Each domain corpus (a few hundred thousand tokens from Debian's
texts, read as ``make_order_corpora.py`` reads them) is then trained, several seeds each:

- ``scratch``: random initial vectors, as without a warm start;
- ``scratch-long``: the same with ``--long-epochs`` epochs, to see whether more passes over
  the small corpus make up for the missing pretraining;
- ``untrained``: the warm start's initial vectors, not trained on the domain at all
  (pretrained rows where GCIDE has the word, random ones elsewhere);
- ``free``, ``damped``, ``frozen``: warm starts with ``lock="free"``, ``lock=<--damped>``
  and ``lock="frozen"``.

Every variant has the domain corpus's vocabulary, so all are scored on the same questions
(``evaluate.py``: analogies, WordSim-353, SimLex-999; the "n" columns say how many were
answerable). The ``general`` row scores the GCIDE vectors on their own, larger vocabulary:
a reference with other questions, not a competitor. Quality does not depend on speed, so the
machine need not be idle.

    apt-get install -y bible-kjv bible-kjv-text dict-jargon dict-foldoc   # the domain texts
    python benchmarks/warm_start.py                      # jargon and bible, seeds 1 2 3
    python benchmarks/warm_start.py --domains foldoc --seeds 1 --damped 0.25
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from skipgram import KeyedVectors, LineSentence, SkipGram

import evaluate
import harness
import make_order_corpora as corpora
import report

CACHE = harness.RESULTS_DIR / "cache" / "warm_start"
GENERAL = harness.CORPORA / "gcide.txt.gz"
DOMAINS: dict[str, Callable[[], list[str]]] = {
    "jargon": corpora.texts.jargon_lines,  # the Jargon File: hacker slang, 205 k tokens
    "bible": corpora.verses,  # the King James Bible, one verse a line, cut to --max-tokens
    "foldoc": lambda: corpora.dictionary_lines("foldoc", "dict-foldoc"),  # computing terms
    "devil": corpora.texts.devil_lines,  # the Devil's Dictionary, 60 k tokens
}
VARIANTS = ("scratch", "scratch-long", "untrained", "free", "damped", "frozen")
METRICS = {  # column -> (group, score, count of questions answered)
    "analogy": ("analogy", "accuracy", "attempted"),
    "WS353": ("ws353", "spearman", "pairs_used"),
    "SimLex": ("simlex", "spearman", "pairs_used"),
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--domains", nargs="+", choices=list(DOMAINS), default=["jargon", "bible"])
    p.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    p.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    p.add_argument("--max-tokens", type=int, default=300_000, help="domain corpus size cap")
    p.add_argument("--damped", type=float, default=0.1, help="lock factor of 'damped'")
    p.add_argument("--vector-size", type=int, default=100)
    p.add_argument("--epochs", type=int, default=5, help="epochs on the domain corpus")
    p.add_argument("--long-epochs", type=int, default=20, help="epochs of 'scratch-long'")
    p.add_argument("--general-epochs", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    return p.parse_args()


def general_vectors(args: argparse.Namespace) -> Path:
    """The GCIDE vectors, trained on first use and cached as a KeyedVectors file."""
    path = CACHE / f"gcide-d{args.vector_size}-e{args.general_epochs}.kv"
    if path.is_file():
        return path
    if not GENERAL.is_file():
        sys.exit(f"{GENERAL} not found: the general corpus is GCIDE from /work/shared/corpora")
    print(f"training the general vectors on {GENERAL} (cached in {path})", file=sys.stderr)
    started = time.perf_counter()
    model = SkipGram(
        LineSentence(GENERAL),
        vector_size=args.vector_size,
        epochs=args.general_epochs,
        min_count=args.min_count,
        workers=args.workers,
        seed=1,
    ).train()
    print(f"  {time.perf_counter() - started:.0f} s", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    model.wv.save(path)
    return path


def domain_corpus(name: str, max_tokens: int) -> list[list[str]]:
    """The domain's lines as token lists, in their order, up to `max_tokens` tokens."""
    sentences, total = [], 0
    for line in DOMAINS[name]():
        tokens = line.split()
        if total + len(tokens) > max_tokens:
            break
        sentences.append(tokens)
        total += len(tokens)
    return sentences


def train(variant: str, corpus: list[list[str]], general: Path, seed: int, args) -> SkipGram:
    settings = {
        "vector_size": args.vector_size,
        "epochs": args.epochs,
        "min_count": args.min_count,
        "workers": args.workers,
        "seed": seed,
    }
    if variant == "scratch":
        return SkipGram(corpus, **settings).train()
    if variant == "scratch-long":
        return SkipGram(corpus, **{**settings, "epochs": args.long_epochs}).train()
    lock = {"untrained": "free", "free": "free", "damped": args.damped, "frozen": "frozen"}
    model = SkipGram(corpus, init_vectors=general, lock=lock[variant], **settings)
    return model if variant == "untrained" else model.train()


def scores(wv: KeyedVectors) -> dict[str, Any]:
    return evaluate.evaluate(
        wv.index_to_key,
        wv.vectors,
        harness.CORPORA / "questions-words.txt",
        harness.CORPORA / "wordsim353.tsv",
        harness.CORPORA / "simlex999.txt",
    )


def cell(records: list[dict[str, Any]], metric: str) -> str:
    group, score, _ = METRICS[metric]
    values = [float(r[group][score]) for r in records]
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.fmean(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def answered(record: dict[str, Any]) -> str:
    return "/".join(str(record[group][count]) for group, _, count in METRICS.values())


def main() -> None:
    args = parse_args()
    command = shlex.join(["python", *sys.argv])
    started = time.perf_counter()
    general = general_vectors(args)
    general_scores = scores(KeyedVectors.load(general))
    general_cells = " | ".join(cell([general_scores], m) for m in METRICS)
    rows = [f"| GCIDE (own vocabulary) | general | {general_cells} | {answered(general_scores)} |"]
    for domain in args.domains:
        corpus = domain_corpus(domain, args.max_tokens)
        tokens = sum(map(len, corpus))
        results: dict[str, list[dict[str, Any]]] = {}
        found = ""
        for seed in args.seeds:
            for variant in args.variants:
                model = train(variant, corpus, general, seed, args)
                results.setdefault(variant, []).append(scores(model.wv))
                if model.warm_start is not None:
                    found = f"{model.warm_start.words_found:,}/{len(model.wv):,}"
                print(f"{domain} seed {seed} {variant} done", file=sys.stderr, flush=True)
        for variant in args.variants:
            label = {
                "damped": f"damped ({args.damped:g})",
                "scratch-long": f"scratch, {args.long_epochs} epochs",
            }.get(variant, variant)
            records = results[variant]
            rows.append(
                f"| {domain} ({tokens / 1000:.0f} k tokens, {found} words pretrained) | {label} | "
                + " | ".join(cell(records, m) for m in METRICS)
                + f" | {answered(records[0])} |"
            )
    info = report.machine_info()
    print(
        f"`{command}` — {datetime.now():%Y-%m-%d %H:%M}, {info.get('nproc', '?')} CPUs "
        f"({info.get('cpu', '?')}), d={args.vector_size}, {args.epochs} domain epochs, "
        f"{args.workers} workers, seeds {args.seeds}; mean (min–max) over seeds; "
        f"{time.perf_counter() - started:.0f} s\n"
    )
    names = list(METRICS)
    print(f"| domain corpus | start | {' | '.join(names)} | answered ({'/'.join(names)}) |")
    print("|---|---|" + "---|" * len(names) + "---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
