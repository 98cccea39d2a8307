"""The vocabulary: word counts and everything derived from them.

It owns the choice of words from the counts (min_count, max_final_vocab, trim_rule), their
ordering (most frequent first), the subsampling keep probabilities, the noise distribution for
negative sampling and the Huffman tree for hierarchical softmax, so that the trainer never
recomputes any of them. The counts come from the one pass over the corpus
(`CorpusIds.count`), whose word table also does the `max_vocab_size` pruning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from skipgram._inner import build_alias_table

logger = logging.getLogger(__name__)

# What a `trim_rule(word, count, min_count)` returns, with gensim.utils' values, so gensim's
# constants work too: apply min_count, drop the word, or keep it whatever its count.
RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2
TrimRule = Callable[[str, int, int], int]
NULL_WORD = "\0"  # gensim's null_word=1 pseudo-word, appended with count 1


@dataclass
class HuffmanTree:
    """Binary codes and inner-node paths, root first, for hierarchical softmax.

    Word w's path is `codes[offsets[w]:offsets[w + 1]]` (the branch taken at each inner node,
    0 = left) along inner nodes `points[offsets[w]:offsets[w + 1]]` (rows of the inner-node
    matrix, root first)."""

    offsets: np.ndarray  # int64, vocab_size + 1
    codes: np.ndarray  # uint8
    points: np.ndarray  # int32


class EmptyVocabularyError(ValueError, RuntimeError):
    """No word to build a vocabulary from: the corpus is empty, or every word is rarer than
    `min_count` (or discarded by the trim rule). A `ValueError` (the input cannot train) and
    the `RuntimeError` gensim raises for it ("you must first build vocabulary before training
    the model"), so code catching either keeps working."""


@dataclass
class Vocabulary:
    """Words sorted by descending count, with the corpus statistics gathered while counting.

    `total_words` is the number of raw tokens in one pass over the corpus, including the words
    that `min_count` dropped: the learning-rate schedule is measured in raw tokens."""

    words: list[str]
    counts: np.ndarray  # int64, descending
    total_words: int
    total_sentences: int
    index: dict[str, int] = field(init=False, repr=False)
    # The count threshold the words were kept with (min_count, or higher by max_final_vocab);
    # None when unknown (a vocabulary loaded from a file).
    effective_min_count: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        counts = np.asarray(self.counts)
        # Fractional or NaN counts (e.g. from a forged model file) would be silently truncated.
        if counts.size and counts.dtype.kind not in "iu":
            raise ValueError(f"counts must be integers, got dtype {counts.dtype}")
        self.counts = counts.astype(np.int64, copy=False)
        if len(self.words) != len(self.counts) or self.counts.ndim != 1:
            raise ValueError("words and counts must have the same length")
        # gensim's null word is counted once although the corpus never holds it.
        null = int(bool(self.words) and self.words[-1] == NULL_WORD and self.counts[-1] == 1)
        if np.any(self.counts < 1) or self.total_words + null < int(self.counts.sum()):
            raise ValueError("counts must be positive and add up to at most total_words")
        self.index = {word: i for i, word in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("the vocabulary holds a word twice")

    def __len__(self) -> int:
        return len(self.words)

    @classmethod
    def from_arrays(
        cls,
        keys: list[str],
        counts: np.ndarray,
        min_count: int,
        total_words: int,
        total_sentences: int,
        *,
        max_final_vocab: int | None = None,
        trim_rule: TrimRule | None = None,
        sorted_vocab: bool = True,
        null_word: bool = False,
    ) -> tuple[Vocabulary, np.ndarray]:
        """Keep the words `keys` (in order of first appearance) counted at least `min_count`
        times, most frequent first (ties keep the order of first appearance), and return the
        int32 map from a position in `keys` to its vocabulary id (-1: dropped) too.

        gensim's vocabulary rules: `max_final_vocab` raises the threshold to the count that
        keeps at most that many words (`effective_min_count`); `trim_rule(word, count,
        min_count)` returns RULE_KEEP, RULE_DISCARD or RULE_DEFAULT (apply the threshold) for
        each word; `sorted_vocab=False` keeps the words in order of first appearance;
        `null_word` appends the pseudo-word "\\0" with count 1."""
        if total_words == 0:
            raise EmptyVocabularyError(
                f"the corpus is empty ({total_sentences} sentences, 0 words): "
                "nothing to build a vocabulary from"
            )
        threshold = effective_min_count(counts, min_count, max_final_vocab)
        kept = np.flatnonzero(kept_words(keys, counts, threshold, trim_rule))
        if kept.size == 0:
            raise EmptyVocabularyError(_too_rare(keys, counts, threshold, total_words, trim_rule))
        order = kept[np.argsort(-counts[kept], kind="stable")] if sorted_vocab else kept
        remap = np.full(len(keys), -1, dtype=np.int32)
        remap[order] = np.arange(len(order), dtype=np.int32)
        words, word_counts = [keys[i] for i in order], counts[order]
        if null_word and NULL_WORD not in words:
            words.append(NULL_WORD)
            word_counts = np.append(word_counts, 1)
        vocab = cls(words, word_counts, total_words, total_sentences, threshold)
        logger.info(
            "vocabulary: %d of %d distinct words have count >= %d (%.1f%% of %d tokens)",
            len(vocab),
            len(keys),
            min_count,
            100.0 * vocab.retained_words / total_words,
            total_words,
        )
        return vocab, remap

    @property
    def retained_words(self) -> int:
        """Tokens of one corpus pass that are in the vocabulary."""
        return int(self.counts.sum())

    def keep_probability(self, sample: float) -> np.ndarray:
        """Probability of keeping each occurrence of each word under frequent-word subsampling
        with threshold `sample` (0 disables it).

        Uses word2vec.c's and gensim's variant, keep = (sqrt(f / t) + 1) * t / f with f the
        word's share of the retained tokens, for parity with them (docs/math.md)."""
        if sample <= 0:
            return np.ones(len(self), dtype=np.float32)
        frequency = self.counts / self.retained_words
        keep = (np.sqrt(frequency / sample) + 1.0) * sample / frequency
        return np.minimum(keep, 1.0).astype(np.float32)

    def noise_table(self, exponent: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
        """Alias table (threshold uint32, alias int32) of the noise distribution
        P(w) ~ count(w) ** exponent, for negative sampling."""
        return build_alias_table(np.power(self.counts.astype(np.float64), exponent))

    def huffman_tree(self) -> HuffmanTree:
        """Huffman tree over the counts, built in O(V log V) time. The counts are in descending
        order except after `SkipGram.build_vocab(update=True)` appended new words; then the
        tree is built over the sorted counts and its paths are put back in word order."""
        order = np.argsort(-self.counts, kind="stable")
        if np.array_equal(order, np.arange(len(self))):
            return build_huffman_tree(self.counts)
        by_rank = build_huffman_tree(self.counts[order])
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        lengths = np.diff(by_rank.offsets)[rank]
        offsets = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        # Position i of word w's path comes from position i of its path in the sorted tree.
        source = np.repeat(by_rank.offsets[:-1][rank] - offsets[:-1], lengths)
        source += np.arange(offsets[-1])
        return HuffmanTree(offsets, by_rank.codes[source], by_rank.points[source])


def effective_min_count(counts: np.ndarray, min_count: int, max_final_vocab: int | None) -> int:
    """gensim's `effective_min_count`: `min_count`, raised by `max_final_vocab` to one more
    than the count of the first word beyond that many (so ties may keep fewer words)."""
    if max_final_vocab is None or max_final_vocab >= len(counts):
        return min_count
    beyond = int(-np.partition(-counts, max_final_vocab)[max_final_vocab])
    return max(beyond + 1, min_count)


def kept_words(
    keys: Sequence[str], counts: np.ndarray, min_count: int, trim_rule: TrimRule | None = None
) -> np.ndarray:
    """Which words stay: count >= `min_count`, unless `trim_rule(word, count, min_count)` says
    RULE_KEEP or RULE_DISCARD (gensim's `keep_vocab_item`). A rule answering anything else
    raises TypeError: a bool, say, would read as RULE_DISCARD (True == 1) in gensim."""
    keep = counts >= min_count
    if trim_rule is None:
        return keep
    for i, (word, count) in enumerate(zip(keys, counts.tolist(), strict=True)):
        verdict = trim_rule(word, count, min_count)
        if isinstance(verdict, bool) or verdict not in (RULE_DEFAULT, RULE_DISCARD, RULE_KEEP):
            raise TypeError(
                f"trim_rule must return RULE_DEFAULT (0), RULE_DISCARD (1) or RULE_KEEP (2) "
                f"(skipgram.vocab or gensim.utils), got {verdict!r:.40} for word {word!r:.60}"
            )
        if verdict != RULE_DEFAULT:
            keep[i] = verdict == RULE_KEEP
    return keep


def _too_rare(
    keys: list[str],
    counts: np.ndarray,
    min_count: int,
    total_words: int,
    trim_rule: TrimRule | None = None,
) -> str:
    """Why no word made it into the vocabulary, with the counts to choose a new min_count."""
    if trim_rule is not None:
        return (
            f"no word is left: trim_rule and min_count={min_count} dropped all "
            f"{len(keys)} distinct words of the {total_words} tokens"
        )
    if len(keys) == 0:  # only max_vocab_size pruning empties the table of a non-empty corpus
        return (
            f"the corpus has {total_words} tokens, but max_vocab_size pruning dropped every "
            "word while counting; raise max_vocab_size"
        )
    top = int(np.argmax(counts))
    return (
        f"no word reaches min_count={min_count}: the corpus has {len(keys)} distinct words and "
        f"{total_words} tokens, the most frequent word, {keys[top]!r:.60}, occurs "
        f"{counts[top]} times; lower min_count or train on more text"
    )


def build_huffman_tree(counts: np.ndarray) -> HuffmanTree:
    """Huffman codes for `counts` sorted in descending order.

    Uses the two-queue construction: leaves in ascending order and inner nodes in creation order
    are both sorted queues, so each merge takes the two smallest fronts with no heap. Inner node
    k (0-based, creation order) is row k of the inner-node matrix; the root is row V - 2."""
    vocab_size = len(counts)
    if vocab_size < 2:
        # One word needs no decision: an empty path (it is always the prediction).
        return HuffmanTree(
            np.zeros(vocab_size + 1, np.int64), np.zeros(0, np.uint8), np.zeros(0, np.int32)
        )
    # Nodes 0..V-1 are leaves (word ids), V..2V-2 are inner nodes (row = node - V).
    weight = np.concatenate([counts.astype(np.int64), np.zeros(vocab_size - 1, np.int64)])
    parent = np.zeros(2 * vocab_size - 1, dtype=np.int64)
    branch = np.zeros(2 * vocab_size - 1, dtype=np.uint8)
    leaf = vocab_size - 1  # next leaf, walking from the rarest word
    inner = vocab_size  # next inner node to merge
    for new in range(vocab_size, 2 * vocab_size - 1):
        picked = []
        for _ in range(2):
            if leaf >= 0 and (inner >= new or weight[leaf] <= weight[inner]):
                picked.append(leaf)
                leaf -= 1
            else:
                picked.append(inner)
                inner += 1
        weight[new] = weight[picked[0]] + weight[picked[1]]
        parent[picked[0]], parent[picked[1]] = new, new
        branch[picked[1]] = 1
    # Walk every leaf up to the root at once, one level per step; step j of word w (counted
    # from its leaf) lands at position depth[w] - 1 - j of its root-first path.
    root = 2 * vocab_size - 2
    node = np.arange(vocab_size)
    depth = np.zeros(vocab_size, dtype=np.int64)
    steps: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    while True:
        active = np.flatnonzero(node != root)
        if active.size == 0:
            break
        steps.append((active, branch[node[active]], parent[node[active]] - vocab_size))
        node[active] = parent[node[active]]
        depth[active] += 1
    offsets = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(depth, out=offsets[1:])
    codes = np.empty(offsets[-1], dtype=np.uint8)
    points = np.empty(offsets[-1], dtype=np.int32)
    for j, (words, bits, inner_rows) in enumerate(steps):
        position = offsets[words] + depth[words] - 1 - j
        codes[position] = bits
        points[position] = inner_rows
    return HuffmanTree(offsets, codes, points)
