"""Write a large synthetic corpus: Zipf-distributed words with topics, deterministic by seed.

    python benchmarks/make_big_corpus.py --tokens 100000000        # -> results/cache/*.txt

Each sentence belongs to one of `--topics` topics. Every token is, with probability
`--topic-share`, drawn from its sentence's topic (a Zipf law over the topic's own words), and
otherwise from the whole lexicon (a Zipf law over all `--words` words, the most frequent ones
acting as function words). So words of one topic share contexts, and a trained model has
something to find; the overall frequencies stay heavy-tailed like natural text. Sentence
lengths follow a wide negative-binomial law with mean about `--mean-length`.

Words are spelt in bijective base 26 of their global frequency rank (a, b, ..., z, aa, ab,
...), so frequent words are short, as in natural text, and every spelling is distinct. The text
is built with numpy a few million tokens at a time, never one Python object per token: 100 M
tokens take about a minute. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path
from typing import BinaryIO

import numpy as np

CACHE_DIR = Path(__file__).resolve().parent / "results" / "cache"
_CHUNK_TOKENS = 1 << 22  # tokens generated and written at a time
_FUNCTION_WORDS = 1_000  # the most frequent words belong to no topic


def spellings(words: int) -> tuple[np.ndarray, np.ndarray]:
    """(letters uint8 [words, width], lengths) of the bijective base-26 spelling of 1..words."""
    number = np.arange(1, words + 1, dtype=np.int64)
    lengths = np.zeros(words, dtype=np.int64)
    column = []  # digits, least significant first; 0 where a word has no more digits
    while np.any(number > 0):
        live = number > 0
        column.append(np.where(live, (number - 1) % 26 + ord("a"), 0).astype(np.uint8))
        lengths += live
        number = np.where(live, (number - 1) // 26, 0)
    # Right-aligned, most significant first: word i's letters are its last lengths[i] columns.
    digits = np.stack(column[::-1], axis=1)
    width = digits.shape[1]
    letters = np.zeros((words, width), dtype=np.uint8)
    for i in range(width):
        has = i < lengths
        letters[has, i] = digits[np.flatnonzero(has), (width - lengths + i)[has]]
    return letters, lengths


def zipf_cdf(n: int, exponent: float) -> np.ndarray:
    """Cumulative distribution of a Zipf law over ranks 1..n."""
    weights = np.arange(1, n + 1, dtype=np.float64) ** -exponent
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


class Generator:
    """Token ids of the corpus, sentence by sentence, from one seeded random stream."""

    def __init__(
        self, words: int, topics: int, topic_share: float, mean_length: float, seed: int
    ) -> None:
        if words < _FUNCTION_WORDS + topics:
            raise ValueError(f"--words must be at least {_FUNCTION_WORDS + topics}")
        self.rng = np.random.default_rng(seed)
        self.topics = topics
        self.topic_share = topic_share
        self.mean_length = mean_length
        self.global_cdf = zipf_cdf(words, 1.0)
        # Topic t owns the words member[j * topics + t] (a fixed random subset of the words
        # past the function words), its j-th most frequent at rank j of its own Zipf law.
        self.per_topic = (words - _FUNCTION_WORDS) // topics
        self.member = _FUNCTION_WORDS + self.rng.permutation(words - _FUNCTION_WORDS)
        self.topic_cdf = zipf_cdf(self.per_topic, 1.0)

    def sentence_lengths(self, tokens: int) -> np.ndarray:
        """Lengths of the next sentences, adding up to exactly `tokens`."""
        shape = 2.0  # negative binomial: mean (1 - p) / p * shape, wide like real lines
        p = shape / (shape + self.mean_length - 1)
        lengths = 1 + self.rng.negative_binomial(shape, p, int(tokens / self.mean_length) + 64)
        while lengths.sum() < tokens:
            lengths = np.concatenate([lengths, 1 + self.rng.negative_binomial(shape, p, 1024)])
        ends = np.cumsum(lengths)
        count = int(np.searchsorted(ends, tokens)) + 1  # sentences needed to reach `tokens`
        lengths = lengths[:count]
        lengths[-1] -= int(ends[count - 1]) - tokens  # the last one is cut to fit exactly
        return lengths

    def tokens(self, lengths: np.ndarray) -> np.ndarray:
        """Word ids (global ranks, 0-based) of sentences of `lengths` tokens."""
        n = int(lengths.sum())
        topic = np.repeat(self.rng.integers(0, self.topics, len(lengths)), lengths)
        ids = np.searchsorted(self.global_cdf, self.rng.random(n), side="right")
        from_topic = self.rng.random(n) < self.topic_share
        rank = np.searchsorted(self.topic_cdf, self.rng.random(int(from_topic.sum())), "right")
        ids[from_topic] = self.member[rank * self.topics + topic[from_topic]]
        return ids


def render(ids: np.ndarray, lengths: np.ndarray, letters: np.ndarray, spelt: np.ndarray) -> bytes:
    """The text of sentences of `lengths` tokens with word ids `ids`: words separated by a
    space, each sentence ended by a newline."""
    size = spelt[ids] + 1  # the word and the byte after it
    start = np.cumsum(size) - size
    text = np.empty(int(size.sum()), dtype=np.uint8)
    for i in range(letters.shape[1]):
        has = spelt[ids] > i
        text[start[has] + i] = letters[ids[has], i]
    text[start + size - 1] = ord(" ")
    last_of_sentence = np.cumsum(lengths) - 1
    text[start[last_of_sentence] + size[last_of_sentence] - 1] = ord("\n")
    return text.tobytes()


def corpus_path(tokens: int, seed: int, compress: bool) -> Path:
    return CACHE_DIR / f"zipf-{tokens}-seed{seed}.txt{'.gz' if compress else ''}"


def write_corpus(
    path: Path,
    tokens: int,
    words: int = 500_000,
    topics: int = 200,
    topic_share: float = 0.5,
    mean_length: float = 20.0,
    seed: int = 1,
) -> None:
    """Write the corpus to `path` (gzip-compressed if it ends in .gz), atomically."""
    generator = Generator(words, topics, topic_share, mean_length, seed)
    letters, spelt = spellings(words)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(partial, "wb") as out:
        _write(out, generator, letters, spelt, tokens)
    partial.replace(path)


def _write(
    out: BinaryIO, generator: Generator, letters: np.ndarray, spelt: np.ndarray, tokens: int
) -> None:
    written = 0
    while written < tokens:
        lengths = generator.sentence_lengths(min(_CHUNK_TOKENS, tokens - written))
        out.write(render(generator.tokens(lengths), lengths, letters, spelt))
        written += int(lengths.sum())


def ensure_corpus(tokens: int, seed: int = 1, compress: bool = False) -> Path:
    """The cached corpus of `tokens` tokens with the default shape, written if missing."""
    path = corpus_path(tokens, seed, compress)
    if not path.is_file():
        write_corpus(path, tokens, seed=seed)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, required=True, help="tokens in the corpus")
    parser.add_argument("--words", type=int, default=500_000, help="size of the lexicon")
    parser.add_argument("--topics", type=int, default=200)
    parser.add_argument("--topic-share", type=float, default=0.5)
    parser.add_argument("--mean-length", type=float, default=20.0, help="tokens per sentence")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gzip", action="store_true", help="write .txt.gz instead of .txt")
    parser.add_argument("--output", type=Path, help="default: results/cache/zipf-N-seedS.txt")
    args = parser.parse_args()
    if args.tokens < 1 or args.mean_length < 1 or not 0 <= args.topic_share <= 1:
        parser.error("need --tokens >= 1, --mean-length >= 1 and 0 <= --topic-share <= 1")
    path = args.output or corpus_path(args.tokens, args.seed, args.gzip)
    started = time.perf_counter()
    write_corpus(
        path, args.tokens, args.words, args.topics, args.topic_share, args.mean_length, args.seed
    )
    seconds = time.perf_counter() - started
    print(f"{path}: {args.tokens:,} tokens, {path.stat().st_size:,} bytes in {seconds:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
