"""Build the bundled demo corpus ``skipgram/data/demo.txt.gz``.

Sources (all public domain, shipped by Debian): the King James Bible
(``bible-kjv-text``, printed by the ``bible`` program of ``bible-kjv``), one
line per group of up to five verses of a chapter; the Jargon File 4.4.7
(``dict-jargon``) and Ambrose Bierce's *The Devil's Dictionary*
(``dict-devil``), one line per paragraph. Dictionary entries are found through
the dictd ``.index`` files; metadata entries (``00-database-*``) and the
pronunciation/part-of-speech labels are dropped, the headword opens each
entry. Text is lower-cased, accents are removed and every run of characters
outside ``[a-z]`` becomes one space; lines of fewer than two tokens are
dropped. The sources are interleaved in proportion to their length. Lines are
dropped from the end while the output exceeds ``MAX_BYTES``. The gzip header
has no file name and mtime 0, so every run gives byte-identical output.

Install the inputs, then run from the repository root::

    apt-get install -y bible-kjv bible-kjv-text dict-jargon dict-devil
    python3 scripts/make_demo_corpus.py
"""

import gzip
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import NoReturn

OUTPUT = Path(__file__).resolve().parent.parent / "skipgram" / "data" / "demo.txt.gz"
MAX_BYTES = 2_000_000
VERSES_PER_LINE = 5
DICTD_DIR = Path("/usr/share/dictd")
BIBLE_DATA = Path("/usr/lib/bible.data")
KJV_VERSES = 31102
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
NON_LETTERS = re.compile(r"[^a-z]+")
VERSE = re.compile(r"^\s+\d+ (.*)$")
DEVIL_POS = re.compile(r"^([^,.\n]+)[,.]\s*(?:[a-z]{1,4}\.\s*)*")


def fail(message: str) -> NoReturn:
    """Stop with an error message naming what is missing."""
    sys.exit(f"make_demo_corpus: {message}")


def normalise(text: str) -> str:
    """Lower-case ``text``, drop accents and keep only ``[a-z]+`` tokens."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return NON_LETTERS.sub(" ", plain).strip()


def b64_number(digits: str) -> int:
    """Decode a dictd index number (base 64, most significant digit first)."""
    value = 0
    for digit in digits:
        value = value * 64 + B64.index(digit)
    return value


def dictd_entries(name: str, package: str) -> list[tuple[str, str]]:
    """Return ``(headword, body)`` pairs of a dictd database in file order."""
    index, data = DICTD_DIR / f"{name}.index", DICTD_DIR / f"{name}.dict.dz"
    if not index.is_file() or not data.is_file():
        fail(f"{data} not found; install it with: apt-get install -y {package}")
    raw = gzip.decompress(data.read_bytes())  # dictzip is gzip-compatible
    spans: dict[tuple[int, int], str] = {}
    for row in index.read_text(encoding="utf-8").splitlines():
        headword, offset, length = row.split("\t")
        if not headword.startswith("00"):  # 00-database-* metadata entries
            spans.setdefault((b64_number(offset), b64_number(length)), headword)
    entries = []
    for offset, length in sorted(spans):
        text = raw[offset : offset + length].decode("utf-8")
        head, _, body = text.partition("\n")
        entries.append((head, body))
    return entries


def paragraphs(text: str) -> list[str]:
    """Split on blank lines and normalise; drop paragraphs of under two tokens."""
    lines = (normalise(p) for p in re.split(r"\n\s*\n", text))
    return [line for line in lines if " " in line]


def jargon_lines() -> list[str]:
    """Jargon File paragraphs, without the pronunciation/part-of-speech line."""
    lines = []
    for head, body in dictd_entries("jargon", "dict-jargon"):
        text = body.partition("\n")[2].lstrip()  # drops e.g. " /dev·nuhl/, n."
        lines.extend(paragraphs(f"{head}\n{text}"))
    return lines


def devil_lines() -> list[str]:
    """Devil's Dictionary paragraphs, without the part-of-speech abbreviation."""
    lines = []
    for head, body in dictd_entries("devil", "dict-devil"):
        # "KING, n.  A male person ..." -> "KING A male person ...".
        lines.extend(paragraphs(DEVIL_POS.sub(r"\1 ", f"{head}\n{body}", count=1)))
    return lines


def bible_lines() -> list[str]:
    """KJV verses as printed by ``bible``, grouped within each chapter."""
    program = shutil.which("bible")
    if program is None:
        fail("the `bible` program is missing; install it with: apt-get install -y bible-kjv")
    if not BIBLE_DATA.is_file():
        fail(f"{BIBLE_DATA} not found; install it with: apt-get install -y bible-kjv-text")
    command = [program, "-l1000000", "gen1:1-rev22:21"]  # one verse per output line
    result = subprocess.run(
        command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=True
    )
    chapters: list[list[str]] = []
    for row in result.stdout.splitlines():
        verse = VERSE.match(row)
        if verse is None:
            if row.strip():  # a "Book N" chapter heading
                chapters.append([])
        else:
            chapters[-1].append(normalise(verse.group(1)))
    if sum(map(len, chapters)) != KJV_VERSES:
        fail(f"unexpected output from `bible`: expected {KJV_VERSES} verses")
    return [
        " ".join(chapter[i : i + VERSES_PER_LINE])
        for chapter in chapters
        for i in range(0, len(chapter), VERSES_PER_LINE)
    ]


def interleave(sources: list[list[str]]) -> list[str]:
    """Merge sources so that each one's lines are spread evenly through the result."""
    keyed = [
        ((i + 0.5) / len(lines), s, line)
        for s, lines in enumerate(sources)
        for i, line in enumerate(lines)
    ]
    return [line for _, _, line in sorted(keyed)]


def compress(lines: list[str]) -> bytes:
    """Gzip the lines reproducibly (no file name, mtime 0)."""
    payload = "".join(f"{line}\n" for line in lines).encode("ascii")
    return gzip.compress(payload, compresslevel=9, mtime=0)


def main() -> None:
    """Build the corpus and write it to ``OUTPUT``."""
    lines = interleave([bible_lines(), jargon_lines(), devil_lines()])
    blob = compress(lines)
    while len(blob) > MAX_BYTES:  # trim deterministically from the end
        lines = lines[: len(lines) * 99 // 100]
        blob = compress(lines)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(blob)
    tokens = sum(len(line.split()) for line in lines)
    print(f"wrote {OUTPUT}: {len(blob)} bytes, {len(lines)} lines, {tokens} tokens")


if __name__ == "__main__":
    main()
