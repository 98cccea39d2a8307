"""`SkipGram`: the trainer. It holds the parameters, the vocabulary and the two weight matrices;
`train()` runs the epoch loop (skipgram/loop.py) with this machine's epoch (local_epochs.py),
the kernel does the arithmetic and `KeyedVectors` answers queries."""

from __future__ import annotations

import functools
import inspect
import logging
import os
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

import numpy as np

from skipgram import callbacks as hooks
from skipgram._inner import KernelModel
from skipgram._warnings import UNTRAINED_MODEL
from skipgram.class_only import class_only
from skipgram.corpus import check_sentences, corpus_identity
from skipgram.corpus_ids import DEFAULT_BATCH_WORDS, CorpusIds
from skipgram.gensim_names import Word2VecNames
from skipgram.io import gensim_save_options, mmap_flag
from skipgram.kernel_setup import initial_vectors, kernel_tables, make_kernel, sentence_order_seed
from skipgram.keyedvectors import KeyedVectors
from skipgram.local_epochs import epoch_trainer, training_ids
from skipgram.lock_factors import training_lock_factors
from skipgram.loop import DivergenceError as DivergenceError  # re-exported: its old home
from skipgram.loop import TrainingCall, train_epochs
from skipgram.model_arguments import (
    Corpus,
    frequency_table,
    gensim_flag,
    one_corpus,
    unknown_parameters,
)
from skipgram.model_file import MODEL_KIND as MODEL_KIND  # re-exported: its old home
from skipgram.model_file import load_model, save_model
from skipgram.objectives import objective_of
from skipgram.params import DEFAULT_ALPHA as DEFAULT_ALPHA  # re-exported: its old home
from skipgram.params import Parameters as Parameters  # re-exported: its old home
from skipgram.params import check_int, resolve_objective
from skipgram.training import EpochStats, UnfinishedRun
from skipgram.vocab import TrimRule, Vocabulary
from skipgram.vocabulary_steps import ScannedCorpus, VocabularySteps
from skipgram.vocabulary_update import VocabularyUpdate
from skipgram.warm_start import (
    DEFAULT_LOCK,
    InitVectors,
    WarmStart,
    check_init_vectors,
    lock_factor,
    warm_start,
)

__all__ = ["DivergenceError", "SkipGram"]  # what other modules import from here

logger = logging.getLogger(__name__)


class SkipGram(Word2VecNames, VocabularySteps, VocabularyUpdate):
    """A skip-gram word2vec model.

    `SkipGram(corpus, ...)` builds the vocabulary from `corpus` (one streaming pass) and
    remembers it, so `SkipGram(corpus).train()` trains in one expression; unlike gensim's
    `Word2Vec(corpus)`, it does not train (queries warn until `train()` has run).
    `SkipGram(...)` followed by `build_vocab(corpus)` and `train()` is the two-step form.

    Every parameter but the corpus is keyword-only. They are validated once into `params`
    (a `Parameters`; the bounds are in skipgram/params.py) and saved with the model.

    Args:
        sentences: a restartable iterable of sentences, each a list of str tokens, e.g.
            `LineSentence(path)`. Optional.
        corpus_file: instead of `sentences`, a text file with one sentence per line (read as
            `LineSentence(corpus_file)`), as in gensim.
        vector_size: dimension of the vectors.
        window: largest distance between a centre and a context word.
        min_count: words seen fewer times get no vector (0 and 1 keep every word).
        max_vocab_size: bound on distinct words while counting; None for none.
        max_final_vocab: keep at most this many words, by raising `min_count` to the count
            that does (gensim's `effective_min_count`); None for no limit.
        sample: subsampling threshold of frequent words; 0 turns it off.
        objective: "ns" (negative sampling), "hs" (hierarchical softmax) or "softmax" (the
            exact softmax); None: "ns", or what `hs` says.
        negative: noise words per pair (negative sampling).
        hs: gensim's switch: 1 for hierarchical softmax (with `negative=0`: skipgram trains
            one objective, so `hs=1` with `negative > 0` is refused), 0 for negative sampling.
        sg: 1, skip-gram, the only algorithm here (0, CBOW, is refused).
        ns_exponent: noise words are drawn with probability proportional to count ** this.
        alpha: initial learning rate; None: 0.025 (0.05 for the exact softmax).
        min_alpha: final learning rate of each `train()` call.
        epochs: passes over the corpus per `train()` call.
        workers: training threads; 0: one per CPU core.
        seed: seed of every random choice.
        batch_words: raw tokens per job handed to a thread.
        shuffle: visit the sentences in a new seeded order every epoch; False (the default,
            as gensim) keeps the corpus order.
        shared_negatives: one set of noise words per window, shared by its context words
            (negative sampling only; off by default: per pair, as gensim).
        ids_in_memory_limit: bytes of corpus word ids kept in memory; past it they go to a
            memory-mapped temporary file. None: a quarter of the RAM, at most 2 GiB.
        shrink_windows: draw each centre's window from 1..`window`; False: always `window`.
        sorted_vocab: sort the words by descending count; False: order of first appearance.
        null_word: add gensim's pseudo-word "\\0" (count 1) to the vocabulary.
        compute_loss: the default of `train(compute_loss=...)`.
        callbacks: the default of `train(callbacks=...)`: a callback or a list of them
            (kept on the model, not saved).
        trim_rule: `trim_rule(word, count, min_count)` returning `RULE_DEFAULT`,
            `RULE_DISCARD` or `RULE_KEEP` (skipgram.vocab or gensim.utils): which words stay
            in the vocabulary, for this and later `build_vocab` calls that pass none (not
            saved).
        init_vectors: pretrained vectors to start from (a warm start): a `KeyedVectors`, or
            the path of a word2vec text or binary file, a GloVe file, a fastText `.vec` or a
            skipgram file (the format is told from the file). Each vocabulary word found
            there starts from its pretrained vector (`model.warm_start` says how many were
            found); the others start at random. Their dimension must be `vector_size`.
            Applied whenever initial weights are made (`build_vocab`, `init_weights`); the
            new words of `build_vocab(update=True)` start at random. Not saved (the vectors
            and `wv.vectors_lockf` are).
        lock: how the pretrained rows train: a float in [0, 1], their learning-rate factor
            (the default 0.1: they move a tenth as fast as the other rows, which on small
            domain corpora kept most of what they knew and still adapted them), "free"
            (1.0, like every other row) or "frozen" (0.0, never move). Sets
            `wv.vectors_lockf`, gensim's per-word factors.

    Raises:
        TypeError: an unknown keyword (Python's own check; type checkers catch it too), a
            callback without hooks, or the corpus given twice.
        ValueError: a parameter out of its bound, or a combination skipgram does not train
            (`sg=0`; `hs=1` with `negative > 0`; `hs=0` with `negative=0`).
    """

    def __init__(
        self,
        sentences: Corpus | None = None,
        *,
        corpus_file: str | os.PathLike[str] | None = None,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 5,
        max_vocab_size: int | None = None,
        max_final_vocab: int | None = None,
        sample: float = 1e-3,
        objective: str | None = None,
        negative: int = 5,
        hs: int | None = None,
        sg: int = 1,
        ns_exponent: float = 0.75,
        alpha: float | None = None,
        min_alpha: float = 1e-4,
        epochs: int = 5,
        workers: int = 0,
        seed: int = 1,
        batch_words: int = DEFAULT_BATCH_WORDS,
        shuffle: bool = False,
        shared_negatives: bool = False,
        ids_in_memory_limit: int | None = None,
        shrink_windows: bool = True,
        sorted_vocab: bool | int = True,
        null_word: bool | int = False,
        compute_loss: bool = False,
        callbacks: Iterable[Any] | Any = (),
        trim_rule: TrimRule | None = None,
        init_vectors: InitVectors | None = None,
        lock: str | float = DEFAULT_LOCK,
        **unknown: NoReturn,
    ) -> None:
        # `**unknown` only exists to name the valid keywords (and gensim 3's renamed ones) in
        # the error; typed NoReturn, it makes any other keyword a type checker's error too.
        if unknown:
            raise TypeError(unknown_parameters(sorted(unknown), _keywords()))
        self.params = Parameters(
            vector_size=vector_size,
            window=window,
            min_count=min_count,
            max_vocab_size=max_vocab_size,
            max_final_vocab=max_final_vocab,
            sample=sample,
            objective=resolve_objective(objective, hs, sg, negative),
            negative=negative,
            ns_exponent=ns_exponent,
            alpha=alpha,
            min_alpha=min_alpha,
            epochs=epochs,
            workers=workers,
            seed=seed,
            batch_words=batch_words,
            shuffle=shuffle,
            shared_negatives=shared_negatives,
            ids_in_memory_limit=ids_in_memory_limit,
            shrink_windows=shrink_windows,
            sorted_vocab=gensim_flag("sorted_vocab", sorted_vocab),
            null_word=gensim_flag("null_word", null_word),
            compute_loss=compute_loss,
        )
        self.callbacks = hooks.check_callbacks(callbacks)
        if trim_rule is not None and not callable(trim_rule):
            raise TypeError(f"trim_rule must be a function, got {type(trim_rule).__name__}")
        self.trim_rule = trim_rule
        self._lock_factor = lock_factor(lock)
        if init_vectors is not None:
            check_init_vectors(init_vectors, vector_size)
        self.init_vectors = init_vectors
        self.lock = lock
        self.warm_start: WarmStart | None = None  # what init_vectors did, once applied
        self.vocab: Vocabulary | None = None
        # Empty until the vocabulary exists, as in gensim: typed, and never None.
        self.wv = KeyedVectors([], np.zeros((0, vector_size), dtype=np.float32))
        self.output_vectors: np.ndarray | None = None
        self.corpus: Corpus | None = None
        self._corpus_ids: tuple[CorpusIds, np.ndarray | None] | None = None
        self._corpus_identity: object = None  # corpus_identity() of self.corpus when read
        self.epochs_trained = 0
        self.loss_history: list[float] = []
        self.last_epoch: EpochStats | None = None
        self.running_training_loss = 0.0  # loss sum of the latest train() call
        self.train_count = 0  # completed train() calls (gensim's name)
        self.total_train_time = 0.0  # seconds spent in epochs (gensim's name)
        # The learning rate the latest epoch ended at (gensim's name; alpha before training).
        self.min_alpha_yet_reached = float(self.params.alpha)
        # The schedule of a train() call that stopped before its last epoch (interrupted, or
        # saved by a checkpoint), so that train(resume=True) can finish it; None otherwise.
        self.unfinished_run: UnfinishedRun | None = None
        self._scanned: ScannedCorpus | None = None  # scan_vocab's counts, for prepare_vocab
        if sentences is not None or corpus_file is not None:
            self.build_vocab(sentences, corpus_file=corpus_file)

    # ---- vocabulary ------------------------------------------------------------------------

    def build_vocab(
        self,
        sentences: Corpus | None = None,
        update: bool = False,
        *,
        corpus_iterable: Corpus | None = None,
        corpus_file: str | os.PathLike[str] | None = None,
        trim_rule: TrimRule | None = None,
    ) -> SkipGram:
        """Read the corpus once: count the words, keep those with `min_count` occurrences and
        initialise the vectors. The corpus is remembered for `train()`, and so is this pass, as
        compact word ids: training replays them instead of reading the text again.

        With `update=True` the existing vocabulary is extended instead: words of `sentences`
        that are new and occur `min_count` times in it get new rows (initialised like the first
        ones; existing words keep their rows and vectors), known words' counts grow, and
        `sentences` becomes the corpus `train()` uses by default (`max_vocab_size` does not
        prune this count: it bounds the first one). Returns the model.

        gensim's names for the corpus work too: `corpus_iterable=` (the same as `sentences`)
        or `corpus_file=path`, read as `LineSentence(path)`. `trim_rule` decides which words
        stay (see the constructor); None: the constructor's."""
        sentences = one_corpus(sentences, corpus_iterable, corpus_file)
        check_sentences(sentences)
        rules = self._vocabulary_rules(trim_rule)
        if update:
            self._extend_vocab(sentences, rules)
            return self
        p = self.params
        # Taken before the pass: a file that changes while being read must not be taken for
        # the version that was counted.
        self._corpus_identity = corpus_identity(sentences)
        counted, scan = CorpusIds.count(
            sentences, p.max_vocab_size, rules["trim_rule"], memory_limit=p.ids_in_memory_limit
        )
        self.vocab, remap = Vocabulary.from_arrays(
            counted.keys,
            counted.counts,
            p.min_count,
            counted.total_words,
            counted.total_sentences,
            **rules,
        )
        # After pruning the ids are gone (see CorpusIds.count): training reads the corpus again.
        self._corpus_ids = None if scan is None else (scan, remap)
        self.corpus = sentences
        self._initialise_weights()
        return self

    def build_vocab_from_freq(
        self,
        word_freq: Mapping[str, int],
        keep_raw_vocab: bool = False,
        corpus_count: int | None = None,
        trim_rule: TrimRule | None = None,
        update: bool = False,
    ) -> SkipGram:
        """gensim's vocabulary from a {word: count} mapping instead of a corpus: the words
        that pass `min_count` (and `max_final_vocab`, `trim_rule`, ...) get vectors, with
        these counts. No corpus is attached: pass one to `train()`, whose learning rate then
        decays over that corpus's words. `corpus_count` sets `model.corpus_count`; the total
        of the counts is `corpus_total_words`. With `update=True` the counts extend the
        vocabulary like `build_vocab(update=True)`. `keep_raw_vocab` is accepted for gensim's
        signature (skipgram keeps no raw count table). Returns the model."""
        keys, counts = frequency_table(word_freq)
        sentences = 0 if corpus_count is None else corpus_count
        check_int("corpus_count", sentences, (0, 2**63 - 1))
        total = int(counts.sum())
        rules = self._vocabulary_rules(trim_rule)
        if update:
            self._require_vocab("build_vocab_from_freq(update=True)")
            self._merge_counts(keys, counts, total, sentences, rules)
            self.corpus, self._corpus_ids, self._corpus_identity = None, None, None
            return self
        self.vocab, _ = Vocabulary.from_arrays(
            keys, counts, self.params.min_count, total, sentences, **rules
        )
        self.corpus, self._corpus_ids, self._corpus_identity = None, None, None
        self._initialise_weights()
        return self

    def _vocabulary_rules(self, trim_rule: TrimRule | None) -> dict[str, Any]:
        """The keyword arguments of `Vocabulary.from_arrays` from the parameters."""
        if trim_rule is not None and not callable(trim_rule):
            raise TypeError(f"trim_rule must be a function, got {type(trim_rule).__name__}")
        p = self.params
        return {
            "max_final_vocab": p.max_final_vocab,
            "trim_rule": self.trim_rule if trim_rule is None else trim_rule,
            "sorted_vocab": p.sorted_vocab,
            "null_word": p.null_word,
        }

    @classmethod
    def from_vocabulary(cls, vocab: Vocabulary, **params: Any) -> SkipGram:
        """A model over a ready vocabulary (e.g. one counted on a cluster), with the initial
        weights `build_vocab` would give it and no corpus attached: pass one to `train()`."""
        model = cls(**params)
        model.vocab = vocab
        model._initialise_weights()
        return model

    def _initialise_weights(self) -> None:
        p = self.params
        vectors = initial_vectors(len(self.vocab), p.vector_size, np.random.default_rng(p.seed))
        self.wv = KeyedVectors(self.vocab.words, vectors, self.vocab.counts)
        self.wv._query_warning = UNTRAINED_MODEL  # until train() starts updating them
        self._share_huffman_tree()
        if self.init_vectors is not None:
            self.warm_start = warm_start(self.wv, self.init_vectors, self._lock_factor)
        self.output_vectors = np.zeros((self._output_rows(), p.vector_size), dtype=np.float32)
        self.epochs_trained = 0
        self.loss_history = []

    def _require_vocab(self, method: str) -> None:
        if self.vocab is None or self.output_vectors is None:
            raise RuntimeError(
                f"{method} needs a vocabulary: build one first with model.build_vocab(corpus)"
            )

    def _share_huffman_tree(self) -> None:
        """hs: `wv.get_vecattr(key, "code")` and `"point"` read the Huffman tree of the
        vocabulary, as gensim's vecattrs; built on first use, once per vocabulary."""
        if objective_of(self.params).huffman_outputs and self.vocab is not None:
            self.wv._huffman = functools.cache(self.vocab.huffman_tree)

    def _output_rows(self) -> int:
        """Rows of the output matrix: one per word; for hs, one per inner Huffman node plus a
        last row that stays zero, the shape of gensim's `syn1` (`Objective.output_rows`)."""
        return objective_of(self.params).output_rows(len(self.vocab))

    # ---- training --------------------------------------------------------------------------

    def train(
        self,
        corpus: Corpus | None = None,
        epochs: int | None = None,
        *,
        corpus_iterable: Corpus | None = None,
        corpus_file: str | os.PathLike[str] | None = None,
        total_examples: int | None = None,
        total_words: int | None = None,
        start_alpha: float | None = None,
        end_alpha: float | None = None,
        word_count: int = 0,
        queue_factor: int = 2,
        report_delay: float | None = None,
        compute_loss: bool | None = None,
        callbacks: Iterable[Any] | Any | None = None,
        progress: bool | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        resume: bool = False,
    ) -> SkipGram:
        """Train for `epochs` passes over `corpus`. Returns the model.

        A corpus is read only once: its word ids are kept and replayed every epoch (a new
        corpus is read before the first epoch). The learning rate falls linearly from `alpha`
        to `min_alpha` over this call's epochs; every call starts again from `alpha`.

        gensim's `train()` keywords are accepted with gensim's meaning; none is needed, since
        skipgram knows the corpus size (gensim requires `epochs` and one of the totals).

        Args:
            corpus: sentences to train on; default: the corpus the vocabulary was built from.
            epochs: passes over the corpus; default: the `epochs` parameter.
            corpus_iterable: gensim's name for `corpus`.
            corpus_file: a path read as `LineSentence(corpus_file)` (instead of `corpus`).
            total_examples: sentences per epoch for the learning-rate decay (gensim's meaning;
                it takes precedence over `total_words`). A count that differs from the
                corpus's is used anyway, and logged as a warning after each epoch, as gensim
                does. None or 0: the corpus's exact size.
            total_words: raw words per epoch for the decay, likewise.
            start_alpha: the learning rate at the start of this call instead of `alpha`.
            end_alpha: the learning rate at the end of this call instead of `min_alpha`.
            word_count: accepted and unused, as in gensim 4.4.
            queue_factor: batches waiting per worker thread.
            report_delay: log a progress line every that many seconds (INFO); None (the
                default, unlike gensim's 1.0) logs only one line per epoch.
            compute_loss: tally the loss: append the mean loss per (centre, context) pair of
                each epoch to `loss_history` and keep their sum for
                `get_latest_training_loss()` (float64 tallies per thread; the vectors are the
                same either way). None: the constructor's `compute_loss`.
            callbacks: a list of objects with any of `on_train_begin`, `on_epoch_begin`,
                `on_epoch_end`, `on_train_end`, each called with the model (see
                `skipgram.callbacks`; gensim's `CallbackAny2Vec` subclasses work), or one such
                object. None: the constructor's `callbacks`.
            progress: show a progress bar (epoch, words/s, learning rate, loss, ETA); None shows
                it when stderr is a terminal.
            checkpoint: save the model to this path after every epoch whose vectors are finite,
                so a divergence or a crash never overwrites the last good state.
            resume: finish the `train()` call that stopped early (Ctrl-C, a crash after a
                checkpoint, a model saved mid-run): its remaining epochs, with its learning
                rate schedule, as if it had not stopped. An epoch cut short is trained again
                from its start (its partial updates stay in the vectors). With one worker, a
                run resumed from an epoch boundary (a checkpoint) gives the same vectors, bit
                for bit, as the uninterrupted run. `epochs`, `start_alpha`, `end_alpha`,
                `total_examples` and `total_words` come from the stopped call.

        Raises:
            ValueError: an argument is out of its bound (skipgram/params.py), the corpus is
                empty, or none of its tokens is in the vocabulary.
            TypeError: more than one of `corpus`, `corpus_iterable` and `corpus_file`.
            DivergenceError: the vectors hold NaN or infinite values after an epoch (the
                learning rate is too high); checked after every epoch.
            KeyboardInterrupt: Ctrl-C; the worker threads stop within milliseconds and the model
                stays usable (query it, save it, train again). Exceptions from callbacks
                propagate the same way.
        """
        if self.vocab is None or self.output_vectors is None:
            raise RuntimeError(
                "build the vocabulary first: SkipGram(corpus) or model.build_vocab(corpus)"
            )
        call = TrainingCall.from_arguments(
            self,
            epochs,
            start_alpha=start_alpha,
            end_alpha=end_alpha,
            total_examples=total_examples,
            total_words=total_words,
            word_count=word_count,
            queue_factor=queue_factor,
            report_delay=report_delay,
            compute_loss=compute_loss,
            callbacks=callbacks,
            progress=progress,
            checkpoint=checkpoint,
            resume=resume,
        )
        corpus = one_corpus(corpus, corpus_iterable, corpus_file)
        ids, remap = training_ids(self, corpus, logger)
        if ids.total_words == 0:
            raise ValueError("the training corpus is empty: it yielded no words")
        call.corpus_words = ids.total_words
        train_epoch = epoch_trainer(self, call, ids, remap, queue_factor)
        train_epochs(self, call, train_epoch, logger)
        return self

    def _vectors_trained(self) -> None:
        """Called as training starts to update the vectors: queries no longer warn that they
        are random (also after an interrupted first epoch, whose updates are kept)."""
        self.wv._query_warning = None

    def _shuffle_seed(self) -> int | None:
        """A fresh sentence order per epoch, reproducible from the seed (see `shuffle`)."""
        if not self.params.shuffle:
            return None
        return sentence_order_seed(self.params.seed, self.epochs_trained)

    def _kernel(self, compute_loss: bool) -> KernelModel:
        tables = kernel_tables(self.vocab, self.params)
        return make_kernel(
            tables,
            self.params,
            self.wv.vectors,
            self.output_vectors,
            compute_loss,
            training_lock_factors(self.wv),
        )

    # ---- queries (delegated to the vectors) ------------------------------------------------

    def most_similar(self, *args: Any, **kwargs: Any) -> list[tuple[str, float]] | np.ndarray:
        """Same as `model.wv.most_similar`."""
        if self.vocab is None:
            raise RuntimeError("the model has no vectors yet: build the vocabulary and train")
        return self.wv.most_similar(*args, **kwargs)

    def init_weights(self) -> None:
        """Start again from fresh initial vectors (and zero output vectors) over the same
        vocabulary, as gensim's `init_weights`: the epochs trained and the loss history are
        reset, and queries warn again until `train()` runs."""
        self._require_vocab("init_weights")
        self._initialise_weights()

    def reset_from(self, other_model: SkipGram) -> None:
        """Take the vocabulary of `other_model` (words, counts, its corpus and the word ids
        read from it) and start from fresh weights, with this model's own parameters: gensim's
        way to compare settings on one corpus without counting it again. The two models share
        the vocabulary object, but a later `build_vocab(update=True)` on either replaces it
        rather than changing it, so the other is never affected (unlike gensim)."""
        if not isinstance(other_model, SkipGram):
            raise TypeError(f"reset_from takes a SkipGram, got {type(other_model).__name__}")
        if other_model.vocab is None:
            raise RuntimeError("the other model has no vocabulary to share: build it first")
        self.vocab = other_model.vocab
        self.corpus = other_model.corpus
        self._corpus_ids = other_model._corpus_ids
        self._corpus_identity = other_model._corpus_identity
        self._initialise_weights()

    # ---- persistence -----------------------------------------------------------------------

    def save(
        self,
        path: str | os.PathLike[str],
        separately: list[str] | None = None,
        sep_limit: int = 10 * 1024**2,
    ) -> None:
        """Save parameters, vocabulary with counts, and both weight matrices in one file (no
        pickle; written atomically). The remembered corpus, the callbacks and the trim rule
        are not saved. `separately` and `sep_limit` are gensim's (store big arrays in files of
        their own, to map them); they change nothing here, where the one file is laid out for
        `load(path, mmap=True)` already."""
        gensim_save_options(separately, sep_limit)
        save_model(self, path)

    @class_only
    def load(cls, path: str | os.PathLike[str], mmap: bool | str | None = False) -> SkipGram:
        """Load a model saved with `save`; it can answer queries and train further (pass the
        corpus to `train`). `mmap=True` maps the matrices copy-on-write instead of reading them:
        the file is never modified. Loading still reads every page once to verify the
        checksums; after that, memory holds only the pages that queries touch. gensim's
        ``mmap="r"`` means the same. Called on the class: `model.load(path)` raises
        `AttributeError`, as in gensim (it would return a new model, not load into `model`)."""
        return load_model(cls, path, mmap_flag(mmap))

    def __repr__(self) -> str:
        vocab = "no vocabulary" if self.vocab is None else f"vocab={len(self.vocab):,}"
        return (
            f"SkipGram<{vocab}, vector_size={self.params.vector_size}, "
            f"objective={self.params.objective!r}, epochs_trained={self.epochs_trained}>"
        )


def _keywords() -> list[str]:
    """The constructor's keyword parameters, for the message about unknown ones."""
    parameters = inspect.signature(SkipGram.__init__).parameters.values()
    return [p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
