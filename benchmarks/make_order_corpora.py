"""Build the corpora that defaults are chosen on: the same kind of text in different orders.

A default that helps on one order of lines can hurt on another (per-epoch shuffling helps on
alphabetical GCIDE and hurts on text in its natural order), so every default is measured on
all of these (``defaults_quality.py``):

- ``natural``: the King James Bible, one verse per line in book order, then FOLDOC and the
  Jargon File, one paragraph per line: two kinds of text one after the other, short lines;
- ``blocks``: the Bible's chapters, GCIDE's entries, WordNet's glosses and the Devil's
  Dictionary cut into blocks of 400 lines, the blocks in random order (topic blocks);
- ``alphabetical``: every second entry of GCIDE, in its alphabetical order;
- ``preshuffled``: the lines of ``natural``, shuffled once;
- ``interleaved``: the bundled demo corpus (Bible, Jargon File and Devil's Dictionary spread
  evenly through each other).

The texts come from Debian packages (the Bible, the Jargon File and the Devil's Dictionary are
in the public domain; FOLDOC, GCIDE and WordNet are free but not public domain: the corpora
are built here and never committed). Install them, then run::

    apt-get install -y bible-kjv bible-kjv-text dict-jargon dict-devil dict-foldoc dict-wn
    python benchmarks/make_order_corpora.py        # writes benchmarks/results/cache/orders/

Every run writes byte-identical files (fixed seeds, gzip with mtime 0).
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import make_demo_corpus as texts  # noqa: E402  (the demo corpus's readers of the Debian texts)

OUTPUT = BENCH_DIR / "results" / "cache" / "orders"
GCIDE = REPO_ROOT.parent / "shared" / "corpora" / "gcide.txt.gz"
DEMO = REPO_ROOT / "skipgram" / "data" / "demo.txt.gz"
BLOCK_LINES = 400
ORDERS = ("natural", "blocks", "alphabetical", "preshuffled", "interleaved")


def verses() -> list[str]:
    """The Bible, one verse per line, in book order."""
    texts.VERSES_PER_LINE = 1
    return texts.bible_lines()


def dictionary_lines(name: str, package: str) -> list[str]:
    """One line per paragraph of a dictd database, headword first, in file order."""
    lines = []
    for head, body in texts.dictd_entries(name, package):
        lines.extend(texts.paragraphs(f"{head}\n{body}"))
    return lines


def gcide_lines(every: int) -> list[str]:
    """Every `every`-th line of the shared GCIDE corpus (already lower-cased, one entry a line)."""
    with gzip.open(GCIDE, "rt", encoding="utf-8") as f:
        return [line.strip() for i, line in enumerate(f) if i % every == 0 and " " in line]


def in_blocks(sources: list[list[str]], rng: random.Random) -> list[str]:
    """Cut each source into blocks of BLOCK_LINES lines and put the blocks in random order."""
    blocks = [
        lines[i : i + BLOCK_LINES] for lines in sources for i in range(0, len(lines), BLOCK_LINES)
    ]
    rng.shuffle(blocks)
    return [line for block in blocks for line in block]


def build(order: str) -> list[str]:
    """The lines of one corpus."""
    if order == "natural":
        return verses() + dictionary_lines("foldoc", "dict-foldoc") + texts.jargon_lines()
    if order == "preshuffled":
        lines = build("natural")
        random.Random(1).shuffle(lines)
        return lines
    if order == "blocks":
        sources = [
            verses(),
            gcide_lines(6),
            dictionary_lines("wn", "dict-wn")[::5],
            texts.devil_lines(),
        ]
        return in_blocks(sources, random.Random(2))
    if order == "alphabetical":
        return gcide_lines(2)
    if order == "interleaved":
        with gzip.open(DEMO, "rt", encoding="ascii") as f:
            return [line.strip() for line in f]
    raise ValueError(f"unknown order {order!r}; choose from {', '.join(ORDERS)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="*", choices=[*ORDERS, []], help="default: all")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    for order in args.orders or ORDERS:
        lines = build(order)
        path = args.output / f"{order}.txt.gz"
        payload = "".join(f"{line}\n" for line in lines).encode("utf-8")
        path.write_bytes(gzip.compress(payload, compresslevel=6, mtime=0))
        tokens = sum(len(line.split()) for line in lines)
        print(f"{path}: {len(lines):,} lines, {tokens:,} tokens, {tokens / len(lines):.1f} a line")


if __name__ == "__main__":
    main()
