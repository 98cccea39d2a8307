"""Plot raw words/s per system and worker count from a `bench_train.py` results file.

    python benchmarks/plot.py benchmarks/results/bench-YYYYMMDD-HHMMSS.json docs/benchmarks.png

Needs matplotlib (`pip install matplotlib`; a benchmark tool, not a skipgram dependency). One bar
per (system, workers) run chosen by bench_train.py, labelled with its words/s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

COLOURS = {"skipgram": "#1f77b4", "gensim-linesentence": "#ff7f0e", "gensim-corpus_file": "#2ca02c"}


def main(results: Path, output: Path) -> None:
    data = json.loads(results.read_text())
    runs = sorted(data["chosen"], key=lambda r: (r["system"]["name"], r["system"]["workers"]))
    labels = [f"{r['system']['name']}\n{r['system']['workers']} worker(s)" for r in runs]
    speeds = [r["words_per_s"] / 1000 for r in runs]
    colours = [COLOURS.get(r["system"]["name"], "#7f7f7f") for r in runs]
    figure, axes = plt.subplots(figsize=(9, 4.5))
    bars = axes.bar(range(len(runs)), speeds, color=colours)
    axes.bar_label(bars, labels=[f"{s:,.0f}k" for s in speeds], padding=2)
    axes.set_xticks(range(len(runs)), labels, fontsize=8)
    axes.set_ylabel("raw corpus words / s (thousands)")
    params = runs[0]["params"]
    axes.set_title(
        f"{Path(params['corpus']).name}: d={params['vector_size']}, window "
        f"{params['window']}, {params['objective']}, {params['epochs']} epochs; "
        f"{data['machine'].get('cpu', '')}, nproc {data['machine'].get('nproc', '')}",
        fontsize=9,
    )
    figure.tight_layout()
    figure.savefig(output, dpi=110)
    print(f"wrote {output}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
