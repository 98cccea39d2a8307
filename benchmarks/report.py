"""Markdown rendering of benchmark records, for pasting into ``docs/benchmarks.md``."""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Record = dict[str, Any]

LABELS = {
    "skipgram": "skipgram",
    "gensim-linesentence": "gensim LineSentence",
    "gensim-corpus_file": "gensim corpus_file",
}
BASELINE = ("gensim-linesentence", 2)
STARVED_FRACTION = 0.8
STARVED_NOTE = (
    "† fewer CPU cores were busy during training than it had workers (CPU seconds / wall "
    "seconds below 80% of workers): the machine was shared or the trainer did not scale."
)

COLUMNS = (
    "system",
    "workers",
    "vocab build s",
    "train s",
    "raw words/s",
    "vs gensim LineSentence",
    "analogy acc",
    "WS353 Spearman",
    "OOV analogy / WS353",
    "peak RSS MB",
)


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo, else lscpu, else whatever platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fin:
            for line in fin:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if shutil.which("lscpu"):
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        match = re.search(r"^Model name:\s*(.+)$", out, re.MULTILINE)
        if match:
            return match.group(1).strip()
    return platform.processor() or "unknown CPU"


def nproc() -> str:
    """What ``nproc`` prints: the CPUs this process may actually use."""
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        import os

        return str(len(os.sched_getaffinity(0)))


def machine_info() -> dict[str, str]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": nproc(),
        "cpu": cpu_model(),
        "host_python": platform.python_version(),
    }


def key(rec: Record) -> tuple[str, int]:
    return rec["system"]["name"], rec["system"]["workers"]


def _label(rec: Record) -> str:
    return LABELS.get(rec["system"]["name"], rec["system"]["name"])


def _starved(rec: Record) -> bool:
    """True when training kept clearly fewer cores busy than it had workers.

    That happens when other processes compete for the CPUs (or a trainer scales badly);
    either way the row's timing deserves a second look.
    """
    busy = rec.get("train_cores_busy")
    return busy is not None and busy < STARVED_FRACTION * rec["system"]["workers"]


def _fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def _eval_cells(rec: Record) -> list[str]:
    if "analogy" not in rec:
        return ["-", "-", "-"]
    an, ws = rec["analogy"], rec["ws353"]
    return [
        f"{an['accuracy']:.3f}",
        f"{ws['spearman']:.3f}",
        f"{an['oov_ratio']:.1f}% / {ws['oov_ratio']:.1f}%",
    ]


def results_table(chosen: list[Record]) -> str:
    """One row per (system, workers), throughput relative to gensim LineSentence, 2 workers."""
    base = next((r for r in chosen if key(r) == BASELINE), None)
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for rec in chosen:
        ratio = f"{rec['words_per_s'] / base['words_per_s']:.2f}x" if base else "n/a"
        cells = [
            _label(rec),
            str(rec["system"]["workers"]),
            f"{rec['vocab_s']:.2f}",
            f"{rec['train_s']:.1f}" + (" †" if _starved(rec) else ""),
            _fmt_rate(rec["words_per_s"]),
            ratio,
            *_eval_cells(rec),
            f"{rec['peak_rss_mb']:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if any(_starved(r) for r in chosen):
        lines += ["", STARVED_NOTE]
    return "\n".join(lines)


def scaling_table(chosen: list[Record]) -> str:
    """Speed-up from 1 to 2 workers for every system measured at both counts."""
    by_key = {key(r): r for r in chosen}
    lines = [
        "| system | 1 worker words/s | 2 workers words/s | 2-vs-1 speed-up |",
        "|---|---|---|---|",
    ]
    for name in dict.fromkeys(k[0] for k in by_key):
        one, two = by_key.get((name, 1)), by_key.get((name, 2))
        if one and two:
            lines.append(
                f"| {LABELS.get(name, name)} | {_fmt_rate(one['words_per_s'])} | "
                f"{_fmt_rate(two['words_per_s'])} | "
                f"{two['words_per_s'] / one['words_per_s']:.2f}x |"
            )
    sg1, gs1 = by_key.get(("skipgram", 1)), by_key.get(("gensim-linesentence", 1))
    if sg1 and gs1:
        lines.append("")
        lines.append(
            f"skipgram vs gensim LineSentence at 1 worker: "
            f"{sg1['words_per_s'] / gs1['words_per_s']:.2f}x"
        )
    return "\n".join(lines)


def header(info: dict[str, str], command: str, chosen: list[Record], pick: str, repeat: int) -> str:
    """Context lines: when, where, what was run and on which data."""
    p = chosen[0]["params"]
    versions = ", ".join(
        sorted({f"{r['system']['package']} {r['system']['version']}" for r in chosen})
    )
    vocab = sorted({r["vocab_size"] for r in chosen})
    if len(vocab) == 1:
        vocab_note = f"{vocab[0]:,}"
    else:  # the systems should agree; make it visible when they do not
        vocab_note = "differs: " + ", ".join(
            f"{_label(r)}/{r['system']['workers']}w {r['vocab_size']:,}" for r in chosen
        )
    objective = p["objective"] + (f", negative {p['negative']}" if p["objective"] == "ns" else "")
    runs = f"{pick} of {repeat} runs by train time" if repeat > 1 else "single run"
    where = (
        f"Run {info['date']} on {info['cpu']}, nproc {info['nproc']}, "
        f"Python {info['host_python']}; {versions}."
    )
    data = (
        f"Corpus: `{Path(p['corpus']).name}`, {chosen[0]['corpus_words']:,} tokens, "
        f"vocabulary {vocab_note}; d={p['vector_size']}, window {p['window']}, {objective}, "
        f"sample {p['sample']:g}, min_count {p['min_count']}, {p['epochs']} epoch(s), "
        f"alpha {p['alpha']:g} to {p['min_alpha']:g}, seed {p['seed']}; {runs}."
    )
    return "\n".join([where, f"Command: `{command}`", data])
