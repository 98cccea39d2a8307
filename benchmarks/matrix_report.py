"""Markdown tables and a plot of a ``bench_matrix.py`` results file.

    python benchmarks/matrix_report.py benchmarks/results/matrix-YYYYMMDD-HHMMSS.json

re-renders the ``.md`` and ``.png`` next to a (possibly interrupted) run's JSON. Speed figures
come from the median run of a (cell, system, workers) by train time, a real run and never an
average; quality figures are the mean over all its runs, because they vary by about +-0.01
from run to run and the mean is the better estimate of what a user gets.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import bench_train

Record = dict[str, Any]
CellKey = tuple[str, int, str]  # corpus label, vector size, objective
LABELS = {
    "skipgram": "skipgram",
    "gensim-linesentence": "gensim LineSentence",
    "gensim-corpus_file": "gensim corpus_file",
    "word2vec-c": "word2vec.c",
    "fasttext": "fastText",
}
BASELINE = "gensim-linesentence"
QUALITY = (("analogy", "accuracy"), ("ws353", "spearman"), ("simlex", "spearman"))
COLUMNS = (
    "system",
    "workers",
    "runs",
    "train s",
    "raw words/s",
    "all runs, k words/s",
    "vs gensim LineSentence",
    "vs gensim corpus_file",
    "1 → 2 workers",
    "analogy",
    "WS353",
    "SimLex",
    "peak RSS MB",
    "cores busy",
    "load before → after",
    "CPU 0 ↔ 1 ns before → after",
)


def cell_key(rec: Record) -> CellKey:
    cell = rec["cell"]
    return cell["corpus"], cell["vector_size"], cell["objective"]


def group(runs: list[Record]) -> dict[CellKey, dict[tuple[str, int], list[Record]]]:
    """Successful runs by cell, then by (system, workers), in the order they first ran."""
    groups: dict[CellKey, dict[tuple[str, int], list[Record]]] = defaultdict(dict)
    for rec in runs:
        if "error" not in rec:
            key = rec["system"]["name"], rec["system"]["workers"]
            groups[cell_key(rec)].setdefault(key, []).append(rec)
    return groups


def quality(records: list[Record], test: str, field: str) -> float | None:
    """Mean score over the runs that have it (None when none does)."""
    scores = [r[test][field] for r in records if test in r]
    return statistics.fmean(scores) if scores else None


def _ratio(numerator: Record | None, denominator: Record | None) -> str:
    if numerator is None or denominator is None:
        return "-"
    return f"{numerator['words_per_s'] / denominator['words_per_s']:.2f}x"


def _spread(records: list[Record]) -> str:
    """Every run's words/s in thousands, slowest first: with few rounds the median run hides
    how far apart they were (with two, it is the faster of them)."""
    speeds = sorted(r["words_per_s"] / 1000 for r in records)
    return " / ".join(f"{v:,.0f}" for v in speeds)


def _latency(rec: Record) -> str:
    """The cache line's round trip between CPUs 0 and 1 around a run (older runs lack it)."""
    if "core_latency_ns" not in rec:
        return "-"
    before, after = rec["core_latency_ns"]
    return f"{before:.0f} → {after:.0f}"


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def cell_rows(cell: dict[tuple[str, int], list[Record]]) -> list[list[str]]:
    """Table cells for every (system, workers) of one matrix cell."""
    chosen = {key: bench_train.choose(recs, "median") for key, recs in cell.items()}
    rows = []
    for (name, workers), rec in chosen.items():
        fewer = [w for (n, w) in chosen if n == name and w < workers]
        scaling = _ratio(rec, chosen[(name, max(fewer))]) if fewer else "-"
        recs = cell[(name, workers)]
        load = f"{rec['load_before']['loadavg'][0]:.1f} → {rec['load_after']['loadavg'][0]:.1f}"
        rows.append(
            [
                LABELS.get(name, name),
                str(workers),
                str(len(recs)),
                f"{rec['train_s']:.1f}",
                f"{rec['words_per_s']:,.0f}",
                _spread(recs),
                _ratio(rec, chosen.get((BASELINE, workers))),
                _ratio(rec, chosen.get(("gensim-corpus_file", workers))),
                scaling,
                *(_score(quality(recs, test, field)) for test, field in QUALITY),
                f"{rec['peak_rss_mb']:.0f}",
                f"{rec['train_cores_busy']:.2f}",
                load,
                _latency(rec),
            ]
        )
    return rows


def markdown_table(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def summary_rows(groups: dict[CellKey, dict[tuple[str, int], list[Record]]]) -> list[list[str]]:
    """One row per (cell, workers): every system's speed relative to gensim LineSentence."""
    rows = []
    for (corpus, dim, objective), cell in groups.items():
        chosen = {key: bench_train.choose(recs, "median") for key, recs in cell.items()}
        for workers in sorted({w for _, w in chosen}):
            base = chosen.get((BASELINE, workers))
            cells = [_ratio(chosen.get((name, workers)), base) for name in LABELS]
            rows.append([corpus, str(dim), objective, str(workers), *cells])
    return rows


def header_lines(raw: dict[str, Any]) -> list[str]:
    machine = raw["machine"]
    ok = [r for r in raw["runs"] if "error" not in r]
    lines = [
        f"Run {machine['date']} on {machine['cpu']}, nproc {machine['nproc']}, "
        f"Python {machine['host_python']}.",
        f"Command: `{raw['command']}`",
        f"{len(raw['runs'])} runs ({len(raw['runs']) - len(ok)} failed), {raw['repeat']} "
        f"interleaved round(s) per cell; {raw['background']} background busy process(es).",
    ]
    if ok:
        params = ok[0]["params"]
        lines.append(
            f"window {params['window']}, negative {params['negative']} (ns only), "
            f"min_count {params['min_count']}, sample {params['sample']:g}, "
            f"{params['epochs']} epoch(s), alpha {params['alpha']:g} to {params['min_alpha']:g}."
        )
    lines.append(
        "Speed: median run by train time (of an even number, the faster middle one), every "
        "run's words/s beside it; quality: mean over the runs; load: 1-minute load average "
        "(as `uptime` prints it) before and after the median run, and the time a cache line "
        "took between CPUs 0 and 1 (`core_latency.py`; what two workers' speed depends on)."
    )
    return lines


def data_line(cell: dict[tuple[str, int], list[Record]]) -> str:
    """Corpus tokens and vocabulary size of a cell, or every system's when they disagree."""
    seen = {(r["corpus_words"], r["vocab_size"]) for recs in cell.values() for r in recs}
    if len(seen) == 1:
        tokens, vocab = seen.pop()
        return f"{tokens:,} tokens, vocabulary {vocab:,} words (every system)."
    per_system = {
        f"{LABELS.get(name, name)}: {r['corpus_words']:,} tokens, {r['vocab_size']:,} words"
        for (name, _), recs in cell.items()
        for r in recs
    }
    return "Systems disagree on the data: " + "; ".join(sorted(per_system)) + "."


def render(raw: dict[str, Any]) -> str:
    """The whole report: context, a summary of speed ratios, then one table per cell."""
    groups = group(raw["runs"])
    parts = ["\n".join(header_lines(raw)), "", "### Speed relative to gensim LineSentence", ""]
    summary_header = ["corpus", "d", "objective", "workers", *LABELS.values()]
    parts += [markdown_table(summary_header, summary_rows(groups))]
    for (corpus, dim, objective), cell in groups.items():
        parts += ["", f"### {corpus}, d={dim}, {objective}", "", data_line(cell), ""]
        parts.append(markdown_table(COLUMNS, cell_rows(cell)))
    failed = [r for r in raw["runs"] if "error" in r]
    if failed:
        parts += ["", "Failed runs:", ""]
        parts += [f"- {r['system']['name']}: {r['error'].splitlines()[0]}" for r in failed]
    return "\n".join(parts)


def _panel(ax: Any, key: CellKey, cell: dict[tuple[str, int], list[Record]]) -> None:
    """Bars of one cell: systems along x, one bar per worker count."""
    chosen = {k: bench_train.choose(recs, "median") for k, recs in cell.items()}
    names = list(dict.fromkeys(name for name, _ in chosen))
    workers = sorted({w for _, w in chosen})
    width = 0.8 / len(workers)
    for i, w in enumerate(workers):
        speeds = [chosen[(n, w)]["words_per_s"] / 1000 if (n, w) in chosen else 0 for n in names]
        offset = (i - (len(workers) - 1) / 2) * width
        ax.bar([j + offset for j in range(len(names))], speeds, width, label=f"{w} worker(s)")
    ax.set_xticks(range(len(names)), [LABELS.get(n, n) for n in names], fontsize=7, rotation=20)
    corpus, dim, objective = key
    ax.set_title(f"{corpus}, d={dim}, {objective}", fontsize=9)
    ax.set_ylabel("raw words/s (thousands)", fontsize=8)
    ax.legend(fontsize=7)


def plot(raw: dict[str, Any], output: Path) -> None:
    """One panel per cell: raw words/s of each system, one bar per worker count."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    groups = group(raw["runs"])
    if not groups:
        return
    columns = min(len(groups), 3)
    rows = -(-len(groups) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 3.6 * rows), squeeze=False)
    for ax, (key, cell) in zip(axes.flat, groups.items(), strict=False):
        _panel(ax, key, cell)
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    figure.suptitle(
        f"{raw['machine']['cpu']}, nproc {raw['machine']['nproc']}, "
        f"{raw['background']} background busy process(es); {raw['machine']['date']}",
        fontsize=9,
    )
    figure.tight_layout()
    figure.savefig(output, dpi=110)
    plt.close(figure)


def main(results: Path) -> None:
    raw = json.loads(results.read_text())
    results.with_suffix(".md").write_text(render(raw) + "\n")
    plot(raw, results.with_suffix(".png"))
    print(render(raw))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
