"""What the trained output weights predict: gensim's `predict_output_word` and `score`.

Both read the two matrices of a trained model and change nothing. `predict_output_word`
needs one output vector per word (negative sampling, the exact softmax); `score`, as in
gensim, needs the Huffman tree of hierarchical softmax, which makes each word's probability
exact and cheap (log V terms).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np

from skipgram.corpus import iter_checked
from skipgram.params import check_int
from skipgram.vocab import HuffmanTree, Vocabulary

logger = logging.getLogger(__name__)


def predict_output_word(
    vocab: Vocabulary,
    vectors: np.ndarray,
    output_vectors: np.ndarray,
    context: Sequence[str | int],
    topn: int | None = 10,
) -> list[tuple[str, float]] | None:
    """The words most likely to occur with `context`, with their probabilities.

    As gensim does: the mean of the context words' input vectors is scored against every
    word's output vector, and a softmax over the vocabulary turns the scores into
    probabilities (computed stably, by subtracting the largest score first). This is a
    CBOW-style reading of a skip-gram model: a crude but useful predictor.

    Args:
        vocab: the model's vocabulary.
        vectors: the input vectors (V x d).
        output_vectors: one output vector per word (V x d).
        context: words, or row indices, around the word to predict; unknown ones are
            skipped.
        topn: how many words to return, most probable first; None returns all of them.

    Returns:
        (word, probability) pairs, or None (with a logged warning, as gensim) when no context
        word is in the vocabulary.
    """
    if isinstance(context, str):
        raise TypeError(
            f"predict_output_word takes a list of context words, not the single string "
            f"{context!r:.60}: pass [{context!r:.60}]"
        )
    if topn is not None:
        check_int("topn", topn, (1, 2**63 - 1))
    rows = [row for row in (_row(vocab, word) for word in context) if row is not None]
    if not rows:
        logger.warning("All the input context words are out-of-vocabulary for the current model.")
        return None
    hidden = vectors[rows].mean(axis=0, dtype=np.float64)
    scores = output_vectors.astype(np.float64, copy=False) @ hidden
    probabilities = np.exp(scores - scores.max())
    probabilities /= probabilities.sum()
    order = np.argsort(-probabilities, kind="stable")
    if topn is not None:
        order = order[:topn]
    return [(vocab.words[i], float(probabilities[i])) for i in order]


def _row(vocab: Vocabulary, word: str | int) -> int | None:
    """The row of a word or of a row index (as gensim accepts both); None if unknown."""
    if isinstance(word, (int, np.integer)) and not isinstance(word, bool):
        return int(word) if 0 <= word < len(vocab) else None
    return vocab.index.get(word) if isinstance(word, str) else None


def score_sentences(
    vocab: Vocabulary,
    vectors: np.ndarray,
    inner_vectors: np.ndarray,
    window: int,
    sentences: Iterable[Sequence[str]],
    total_sentences: int = 1_000_000,
) -> np.ndarray:
    """gensim's `score` for skip-gram with hierarchical softmax: for each sentence, the sum
    over its pairs of words at most `window` apart (the full window, no subsampling;
    out-of-vocabulary words are left out first) of log p(context | centre), each probability
    the product of the sigmoids along the context word's Huffman path. Unlike gensim, which
    reads a table over [-6, 6] and drops the terms beyond it, every term is computed exactly.

    Returns a float32 array with one log probability per sentence, at most
    `total_sentences` of them (the rest of the corpus is not read)."""
    check_int("total_sentences", total_sentences, (0, 2**63 - 1))
    tree = vocab.huffman_tree()
    scores: list[float] = []
    for sentence in iter_checked(sentences):
        if len(scores) >= total_sentences:
            logger.warning(
                "terminating after %d sentences (set higher total_sentences if you want more)",
                total_sentences,
            )
            break
        ids = [vocab.index[word] for word in sentence if word in vocab.index]
        scores.append(
            _sentence_log_probability(
                np.asarray(ids, np.int64), tree, vectors, inner_vectors, window
            )
        )
    return np.asarray(scores, dtype=np.float32)


def _sentence_log_probability(
    ids: np.ndarray,
    tree: HuffmanTree,
    vectors: np.ndarray,
    inner_vectors: np.ndarray,
    window: int,
) -> float:
    n = len(ids)
    if n < 2:
        return 0.0
    # Every ordered pair of positions at most `window` apart, one distance at a time (a
    # sentence may be long: nothing here is quadratic in its length).
    near = [np.arange(n - k) for k in range(1, min(window, n - 1) + 1)]
    shifted = [a + k for k, a in enumerate(near, 1)]
    first, second = np.concatenate(near + shifted), np.concatenate(shifted + near)
    centre, context = ids[first], ids[second]
    # Every inner node on each context word's path, with the pair it belongs to.
    lengths = tree.offsets[context + 1] - tree.offsets[context]
    pair_of_node = np.repeat(np.arange(len(context)), lengths)
    node_in_path = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = np.repeat(tree.offsets[context], lengths) + node_in_path
    nodes, codes = tree.points[position], tree.codes[position]
    dots = np.einsum(
        "ij,ij->i",
        vectors[centre[pair_of_node]].astype(np.float64),
        inner_vectors[nodes].astype(np.float64),
    )
    # log sigmoid(+-dot): the branch with code 0 has probability sigmoid(dot).
    signed = np.where(codes == 0, dots, -dots)
    return float(-np.logaddexp(0.0, -signed).sum())
