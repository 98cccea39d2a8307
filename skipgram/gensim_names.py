"""The attributes of gensim's `Word2Vec`, as views onto `SkipGram`'s own state, and the
gensim methods that only read it (`predict_output_word`, `score`, `estimate_memory`, ...).

gensim code reads, and sometimes sets, `model.epochs`, `model.alpha`, `model.corpus_count`,
`model.syn1neg` and the like. Each value lives once in the model (`model.params`,
`model.vocab`, the matrices); `Word2VecNames` shows it under gensim's name. Setting a
parameter goes through the constructor's validation (skipgram/params.py), so every bound
holds however a value arrives.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import numpy as np

from skipgram._warnings import warn_at_caller
from skipgram.corpus import check_sentences
from skipgram.corpus_ids import automatic_memory_limit
from skipgram.objectives import objective_of
from skipgram.params import Parameters, check_float, check_int
from skipgram.prediction import predict_output_word, score_sentences

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from skipgram.keyedvectors import KeyedVectors
    from skipgram.vocab import Vocabulary
    from skipgram.vocabulary_steps import ScannedCorpus

logger = logging.getLogger(__name__)

T = TypeVar("T")

# gensim's estimate of the memory of one vocabulary entry (its key, dictionaries and
# attributes), kept so that estimate_memory() reports comparable figures.
_VOCAB_ENTRY_BYTES = 500
_HS_VOCAB_ENTRY_BYTES = 700  # plus the Huffman code and path
_NOISE_DOMAIN = 2**31 - 1  # gensim's cum_table ends at this value


class ParameterView(Generic[T]):
    """A model attribute that reads one field of `model.params`; setting it validates the new
    value like the constructor and replaces `model.params`, so the next `train()` uses it."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, model: None, owner: type | None = None) -> ParameterView[T]: ...

    @overload
    def __get__(self, model: object, owner: type | None = None) -> T: ...

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        return getattr(model.params, self.name)

    def __set__(self, model: Any, value: T) -> None:
        model.params = replace(model.params, **{self.name: value})


def _read_only(name: str, why: str) -> property:
    def refuse(model: Any, value: Any) -> None:
        raise AttributeError(f"{name} cannot be changed on a built model: {why}")

    return property(lambda model: getattr(model.params, name), refuse)


class Word2VecNames:
    """gensim `Word2Vec` attribute names on `SkipGram` (a mixin: the model supplies `params`,
    `vocab`, `wv`, `output_vectors` and `running_training_loss`)."""

    params: Parameters
    vocab: Vocabulary | None
    wv: KeyedVectors
    output_vectors: np.ndarray | None
    running_training_loss: float
    min_alpha_yet_reached: float
    _scanned: ScannedCorpus | None

    alpha = ParameterView[float]()
    min_alpha = ParameterView[float]()
    epochs = ParameterView[int]()
    window = ParameterView[int]()
    sample = ParameterView[float]()
    ns_exponent = ParameterView[float]()
    min_count = ParameterView[int]()
    max_vocab_size = ParameterView["int | None"]()
    workers = ParameterView[int]()
    seed = ParameterView[int]()
    batch_words = ParameterView[int]()
    shuffle = ParameterView[bool]()
    shared_negatives = ParameterView[bool]()
    shrink_windows = ParameterView[bool]()
    sorted_vocab = ParameterView[bool]()
    null_word = ParameterView[bool]()
    max_final_vocab = ParameterView["int | None"]()
    compute_loss = ParameterView[bool]()
    vector_size = _read_only("vector_size", "it is the width of the matrices; build a new model")

    @property
    def effective_min_count(self) -> int:
        """The count threshold the vocabulary was built with: `min_count`, or higher when
        `max_final_vocab` raised it (gensim's name)."""
        if self.vocab is not None and self.vocab.effective_min_count is not None:
            return self.vocab.effective_min_count
        return self.params.min_count

    @property
    def layer1_size(self) -> int:
        """gensim's name for the width of the output matrix: `vector_size`."""
        return self.params.vector_size

    @property
    def negative(self) -> int:
        """Noise words per pair; 0 unless the objective is negative sampling (as gensim
        reports it: `if model.negative:` means "trains with negative sampling")."""
        return self.params.negative if objective_of(self.params).draws_noise else 0

    @negative.setter
    def negative(self, value: int) -> None:
        draws_noise = objective_of(self.params).draws_noise
        if not draws_noise and value != 0:
            raise AttributeError(
                f"negative applies to negative sampling; this model trains "
                f"objective={self.params.objective!r}, fixed when it was built"
            )
        if draws_noise:
            self.params = replace(self.params, negative=value)

    @property
    def hs(self) -> int:
        """1 for hierarchical softmax, else 0 (fixed when the model is built)."""
        return int(objective_of(self.params).huffman_outputs)

    @hs.setter
    def hs(self, value: int) -> None:
        raise AttributeError(
            "hs cannot be changed on a built model: the output matrix depends on the objective; "
            "build a new model with hs=1 (or objective='hs')"
        )

    @property
    def sg(self) -> int:
        """Always 1: skipgram trains skip-gram only."""
        return 1

    @sg.setter
    def sg(self, value: int) -> None:
        if value != 1:
            raise ValueError(
                "sg=0 selects CBOW, which skipgram does not implement (skip-gram only)"
            )

    @property
    def corpus_count(self) -> int:
        """Sentences in the corpus the vocabulary was counted from (0 before; after
        `scan_vocab`, those it counted)."""
        if self.vocab is None:
            return 0 if self._scanned is None else self._scanned.total_sentences
        return self.vocab.total_sentences

    @property
    def corpus_total_words(self) -> int:
        """Raw tokens in the corpus the vocabulary was counted from (0 before; after
        `scan_vocab`, those it counted)."""
        if self.vocab is None:
            return 0 if self._scanned is None else self._scanned.total_words
        return self.vocab.total_words

    @property
    def syn1neg(self) -> np.ndarray:
        """The output vectors of negative sampling (V x d): `output_vectors`."""
        if objective_of(self.params).gensim_output != "syn1neg" or self.output_vectors is None:
            raise AttributeError(
                f"syn1neg exists for negative sampling only; this model trains "
                f"objective={self.params.objective!r}: its output weights are output_vectors"
            )
        return self.output_vectors

    @property
    def syn1(self) -> np.ndarray:
        """The inner-node vectors of hierarchical softmax: `output_vectors`, V x d as gensim's
        `syn1` (row k belongs to inner node k of the Huffman tree; the last row is unused)."""
        if objective_of(self.params).gensim_output != "syn1" or self.output_vectors is None:
            raise AttributeError(
                f"syn1 exists for hierarchical softmax only; this model trains "
                f"objective={self.params.objective!r}: its output weights are output_vectors"
            )
        return self.output_vectors

    @property
    def cum_table(self) -> np.ndarray | None:
        """gensim's noise table: the cumulative count ** ns_exponent of the words, scaled to
        end at 2**31 - 1 (uint32). Computed from the counts on each access; the kernel draws
        noise words from an equivalent alias table instead. None unless the objective is
        negative sampling (as in gensim without `negative`)."""
        if not objective_of(self.params).draws_noise or self.vocab is None:
            return None
        weights = np.power(self.vocab.counts.astype(np.float64), float(self.params.ns_exponent))
        cumulative = np.cumsum(weights)
        return np.round(cumulative / cumulative[-1] * _NOISE_DOMAIN).astype(np.uint32)

    def _log_rising_alpha(self, start: float, end: float, resume: bool) -> None:
        """Log gensim's warnings about a learning rate that goes up: above where the previous
        `train()` call left it (`min_alpha_yet_reached`), or over this call (`end` above
        `start`). Both train as asked; they are often a forgotten `min_alpha`, or a manual
        decay loop that went the wrong way."""
        if not resume and start > self.min_alpha_yet_reached:
            logger.warning(
                "Effective 'alpha' higher than previous training cycles: this call starts at "
                "%g, the previous one ended at %g",
                start,
                self.min_alpha_yet_reached,
            )
        if end > start:
            logger.warning(
                "the learning rate rises during this call, from %g to %g: min_alpha (or "
                "end_alpha) is above alpha",
                start,
                end,
            )

    def get_latest_training_loss(self) -> float:
        """The sum of the losses of every (centre, context) pair trained by the latest `train()`
        call that computed the loss (`compute_loss=True`); 0.0 if it did not. Tallied in float64
        per thread, so nothing is lost however long the run (gensim's float32 sum stops growing
        on large corpora); `loss_history` has the mean per pair of each epoch."""
        return self.running_training_loss

    def estimate_memory(
        self, vocab_size: int | None = None, report: dict[str, int] | None = None
    ) -> dict[str, int]:
        """Bytes the model needs for `vocab_size` words (default: its vocabulary), by part:
        `vocab` (gensim's per-word estimate), `vectors`, the output matrix under its gensim
        name (`syn1neg`, `syn1`) or `output_vectors` for the exact softmax, and `corpus_ids`,
        the word ids of the corpus pass that training replays (4 bytes a token, at most
        2 GiB in memory: the rest goes to a temporary file); `total` is their sum."""
        p, objective = self.params, objective_of(self.params)
        words = int(vocab_size or len(self.wv))
        report = dict(report or {})
        report["vocab"] = words * (
            _HS_VOCAB_ENTRY_BYTES if objective.huffman_outputs else _VOCAB_ENTRY_BYTES
        )
        row = p.vector_size * np.dtype(np.float32).itemsize
        report["vectors"] = words * row
        report[objective.gensim_output] = objective.output_rows(words) * row
        if self.corpus_total_words:
            limit = p.ids_in_memory_limit
            limit = automatic_memory_limit() if limit is None else limit
            report["corpus_ids"] = min(4 * self.corpus_total_words, limit)  # past it: a file
        report.pop("total", None)
        report["total"] = sum(report.values())
        logger.info(
            "estimated required memory for %d words and %d dimensions: %d bytes",
            words,
            p.vector_size,
            report["total"],
        )
        return report

    def predict_output_word(
        self, context_words_list: Sequence[str | int], topn: int | None = 10
    ) -> list[tuple[str, float]] | None:
        """The `topn` words most probable given the context words (or row indices), with their
        probabilities, as gensim computes them: a softmax over the vocabulary of the output
        vectors' scores against the mean of the context words' vectors. None (with a logged
        warning) if no context word is known.

        Raises:
            RuntimeError: no vocabulary yet, or hierarchical softmax (no output vector per
                word: gensim refuses it too).
        """
        if self.vocab is None or self.output_vectors is None:
            raise RuntimeError("the model has no vectors yet: build the vocabulary and train")
        if not objective_of(self.params).one_output_per_word:
            raise RuntimeError(
                "predict_output_word needs one output vector per word: objective 'ns' or "
                "'softmax' (gensim: negative > 0); hierarchical softmax has inner-node vectors"
            )
        if self.wv._query_warning is not None:
            warn_at_caller(self.wv._query_warning)
        return predict_output_word(
            self.vocab, self.wv.vectors, self.output_vectors, context_words_list, topn
        )

    def score(
        self,
        sentences: Iterable[Sequence[str]],
        total_sentences: int = 1_000_000,
        chunksize: int = 100,
        queue_factor: int = 2,
        report_delay: float = 1.0,
    ) -> np.ndarray:
        """The log probability of each sentence under the model, as gensim's `score`: the sum
        over every pair of words at most `window` apart of log p(context | centre), read from
        the hierarchical softmax tree (see `skipgram.prediction.score_sentences`). A float32
        array, one value per sentence, for at most `total_sentences` sentences. Nothing in the
        model changes. `chunksize`, `queue_factor` and `report_delay` are accepted for gensim's
        signature: scoring runs in the calling thread.

        Raises:
            RuntimeError: no vocabulary yet, or an objective other than hierarchical softmax
                (gensim requires hs=1, negative=0 too).
        """
        if self.vocab is None or self.output_vectors is None:
            raise RuntimeError("you must first build vocabulary before scoring new data")
        if not objective_of(self.params).huffman_outputs:
            raise RuntimeError(
                "score is implemented for hierarchical softmax only, as in gensim: build the "
                "model with objective='hs' (hs=1, negative=0)"
            )
        check_int("chunksize", chunksize, (1, 2**63 - 1))
        check_int("queue_factor", queue_factor)
        check_float("report_delay", report_delay)
        check_sentences(sentences)
        if self.wv._query_warning is not None:
            warn_at_caller(self.wv._query_warning)
        return score_sentences(
            self.vocab,
            self.wv.vectors,
            self.output_vectors,
            self.params.window,
            sentences,
            total_sentences,
        )
