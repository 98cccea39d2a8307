"""gensim's two steps of `build_vocab`, `scan_vocab` (count the corpus) and `prepare_vocab`
(apply `min_count`, `max_final_vocab`, `trim_rule` and `sample`, and report what they keep),
for code that calls them one at a time, e.g. to try settings with `dry_run=True` before
building. `SkipGram.build_vocab` is both at once."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from skipgram.corpus import check_sentences, corpus_identity
from skipgram.corpus_ids import CorpusIds
from skipgram.model_arguments import one_corpus
from skipgram.params import Parameters, check_float, check_int
from skipgram.vocab import TrimRule, Vocabulary, effective_min_count, kept_words

if TYPE_CHECKING:
    from skipgram.model_arguments import Corpus


@dataclass
class ScannedCorpus:
    """What `scan_vocab` counted, waiting for `prepare_vocab`: the corpus, its distinct words
    in order of first appearance with their counts, and its word ids (None when
    `max_vocab_size` pruned the count: training then reads the corpus again)."""

    corpus: Corpus
    identity: object
    keys: list[str]
    counts: np.ndarray
    total_words: int
    total_sentences: int
    ids: CorpusIds | None


class VocabularySteps:
    """`scan_vocab` and `prepare_vocab` on `SkipGram` (a mixin: the model supplies the rest)."""

    params: Parameters
    vocab: Vocabulary | None
    _scanned: ScannedCorpus | None

    if TYPE_CHECKING:  # supplied by SkipGram (declared only: a definition here would shadow)

        def _vocabulary_rules(self, trim_rule: TrimRule | None) -> dict[str, Any]: ...
        def _require_vocab(self, method: str) -> None: ...
        def _initialise_weights(self) -> None: ...
        def _merge_counts(self, *args: Any) -> np.ndarray: ...

    def scan_vocab(
        self,
        corpus_iterable: Corpus | None = None,
        corpus_file: str | os.PathLike[str] | None = None,
        progress_per: int = 10000,
        workers: int | None = None,
        trim_rule: TrimRule | None = None,
    ) -> tuple[int, int]:
        """gensim's first step of `build_vocab`: read the corpus once and count its words,
        building nothing yet (`prepare_vocab` does). Returns (raw words, sentences).
        `progress_per` and `workers` are accepted for gensim's signature; `trim_rule` applies
        while pruning with `max_vocab_size`, as in gensim."""
        corpus = one_corpus(corpus_iterable, None, corpus_file)
        check_sentences(corpus)
        identity = corpus_identity(corpus)  # before the pass, as build_vocab takes it
        p = self.params
        rule = self._vocabulary_rules(trim_rule)["trim_rule"]
        counted, ids = CorpusIds.count(
            corpus, p.max_vocab_size, rule, memory_limit=p.ids_in_memory_limit
        )
        keys, counts = counted.keys, counted.counts
        total_words, total_sentences = counted.total_words, counted.total_sentences
        self._scanned = ScannedCorpus(
            corpus, identity, keys, counts, total_words, total_sentences, ids
        )
        return total_words, total_sentences

    def prepare_vocab(
        self,
        update: bool = False,
        keep_raw_vocab: bool = False,
        trim_rule: TrimRule | None = None,
        min_count: int | None = None,
        sample: float | None = None,
        dry_run: bool = False,
    ) -> dict[str, int]:
        """gensim's second step of `build_vocab`: apply the vocabulary rules to what
        `scan_vocab` counted and build the vocabulary and the initial weights (with `update`,
        extend the existing vocabulary as `build_vocab(update=True)` does). `min_count` and
        `sample`, when given (and not 0, as in gensim), replace the model's parameters.

        Returns gensim's report: `drop_unique` (distinct words dropped), `retain_total`
        (their tokens kept), `num_retained_words`, `downsample_unique` (kept words that
        subsampling thins out) and `downsample_total` (the tokens expected to remain). With
        `dry_run`, only the report:
        nothing changes, and the counts stay for another call. `keep_raw_vocab` is accepted
        for gensim's signature; the counts are dropped once the vocabulary is built.

        Raises:
            RuntimeError: no `scan_vocab` before.
            EmptyVocabularyError: no word passes the rules (also a ValueError).
        """
        scanned = self._scanned
        if scanned is None:
            raise RuntimeError(
                "prepare_vocab needs the counts of scan_vocab(corpus): call it first"
            )
        min_count = min_count or self.params.min_count
        sample = sample or self.params.sample
        check_int("min_count", min_count)
        check_float("sample", sample)  # gensim's sample >= 1 (an absolute count) is not taken
        rules = self._vocabulary_rules(trim_rule)
        if update:
            self._require_vocab("prepare_vocab(update=True)")
        threshold = effective_min_count(scanned.counts, min_count, rules["max_final_vocab"])
        kept = kept_words(scanned.keys, scanned.counts, threshold, rules["trim_rule"])
        retained = scanned.counts[kept]  # of this corpus, also with update (as gensim)
        report = {
            "drop_unique": int(np.count_nonzero(~kept)),
            "retain_total": int(retained.sum()),
            **_downsampling(retained, sample),
            "num_retained_words": int(np.count_nonzero(kept)),
        }
        if dry_run:
            return report
        self.params = replace(self.params, min_count=min_count, sample=sample)
        rules = self._vocabulary_rules(trim_rule)
        if update:
            remap = self._merge_counts(
                scanned.keys, scanned.counts, scanned.total_words, scanned.total_sentences, rules
            )
        else:
            self.vocab, remap = Vocabulary.from_arrays(
                scanned.keys,
                scanned.counts,
                min_count,
                scanned.total_words,
                scanned.total_sentences,
                **rules,
            )
            self._initialise_weights()
        self.corpus = scanned.corpus
        self._corpus_ids = None if scanned.ids is None else (scanned.ids, remap)
        self._corpus_identity = scanned.identity
        self._scanned = None
        return report


def _downsampling(counts: np.ndarray, sample: float) -> dict[str, int]:
    """gensim's subsampling figures for words with `counts`: how many are thinned out, and the
    tokens expected to remain (the keep probability of `Vocabulary.keep_probability`)."""
    total = int(counts.sum())
    threshold = sample * total if sample > 0 else float(total)
    values = counts.astype(np.float64)
    keep = (np.sqrt(values / threshold) + 1) * (threshold / values)
    thinned = keep < 1.0
    remaining = np.where(thinned, keep * values, values).sum()
    return {"downsample_unique": int(np.count_nonzero(thinned)), "downsample_total": int(remaining)}
