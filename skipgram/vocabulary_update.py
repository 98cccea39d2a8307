"""`build_vocab(update=True)`: a trained vocabulary extended with the words of a new corpus.
Known words keep their rows and vectors and their counts grow; new words that pass the rules get
rows after the known ones, so that nothing already trained moves. `SkipGram` mixes it in, and
`build_vocab_from_freq(update=True)` and `prepare_vocab(update=True)` merge their counts here
too."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np

from skipgram.corpus import corpus_identity
from skipgram.corpus_ids import CorpusIds
from skipgram.kernel_setup import initial_vectors
from skipgram.keyedvectors import KeyedVectors
from skipgram.params import Parameters
from skipgram.vocab import Vocabulary, effective_min_count, kept_words

if TYPE_CHECKING:
    from skipgram.model_arguments import Corpus

logger = logging.getLogger("skipgram.model")  # the model's log lines, wherever they are written


class VocabularyUpdate:
    """`build_vocab(update=True)` on `SkipGram` (a mixin: the model supplies the rest)."""

    params: Parameters
    vocab: Vocabulary | None
    wv: KeyedVectors
    output_vectors: np.ndarray | None
    corpus: Corpus | None
    _corpus_ids: tuple[CorpusIds, np.ndarray | None] | None
    _corpus_identity: object

    if TYPE_CHECKING:  # supplied by SkipGram (declared only: a definition here would shadow)

        def _require_vocab(self, method: str) -> None: ...
        def _share_huffman_tree(self) -> None: ...
        def _output_rows(self) -> int: ...

    def _extend_vocab(self, sentences: Corpus, rules: dict[str, Any]) -> None:
        """`build_vocab(sentences, update=True)`: new words are appended after the known ones
        (so the rows of known words do not move); the learning rate of the next `train()` starts
        again from `alpha`, as for any `train()` call."""
        self._require_vocab("build_vocab(update=True)")
        identity = corpus_identity(sentences)
        scan = CorpusIds.scan(sentences, memory_limit=self.params.ids_in_memory_limit)
        remap = self._merge_counts(
            scan.keys, scan.counts(), scan.total_words, scan.total_sentences, rules
        )
        self.corpus = sentences
        self._corpus_ids = (scan, remap)
        self._corpus_identity = identity

    def _merge_counts(
        self,
        keys: list[str],
        counts: np.ndarray,
        total_words: int,
        total_sentences: int,
        rules: dict[str, Any],
    ) -> np.ndarray:
        """Add the counts of `keys` to the vocabulary: known words' counts grow, new words
        that pass the rules get rows after the known ones. Returns the map from a position in
        `keys` to its vocabulary id (-1: not in the vocabulary)."""
        p, old = self.params, self.vocab
        remap = np.fromiter((old.index.get(k, -1) for k in keys), np.int32, len(keys))
        known = remap >= 0
        threshold = effective_min_count(counts, p.min_count, rules["max_final_vocab"])
        passing = kept_words(keys, counts, threshold, rules["trim_rule"])
        added = np.flatnonzero(~known & passing)
        if rules["sorted_vocab"]:
            added = added[np.argsort(-counts[added], kind="stable")]
        remap[added] = np.arange(len(old), len(old) + len(added), dtype=np.int32)
        merged = old.counts.copy()
        merged[remap[known]] += counts[known]
        self.vocab = Vocabulary(
            old.words + [keys[i] for i in added],
            np.concatenate([merged, counts[added]]),
            old.total_words + total_words,
            old.total_sentences + total_sentences,
            threshold,
        )
        # A generator seeded by the seed and the old size: reproducible, unlike the first rows.
        rng = np.random.default_rng([p.seed, len(old)])
        new_rows = initial_vectors(len(added), p.vector_size, rng)
        untrained = self.wv._query_warning
        old_vectors = self.wv
        self.wv = KeyedVectors(
            self.vocab.words, np.concatenate([self.wv.vectors, new_rows]), self.vocab.counts
        )
        self.wv._take_lock_factors(old_vectors)  # known words keep theirs, new ones train freely
        self.wv._query_warning = untrained  # new rows in a trained model: no warning
        self._share_huffman_tree()
        # hs: the Huffman tree is rebuilt from the new counts, so inner-node rows keep their
        # trained values but may now sit at other places in the tree (gensim does the same).
        extra = self._output_rows() - len(self.output_vectors)
        self.output_vectors = np.concatenate(
            [self.output_vectors, np.zeros((extra, p.vector_size), dtype=np.float32)]
        )
        logger.info(
            "vocabulary update: %d new words (now %d), %d tokens read",
            len(added),
            len(self.vocab),
            total_words,
        )
        return remap
