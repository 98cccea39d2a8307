"""`SkipGram.train`'s side of the epoch loop (skipgram/loop.py): the word ids a call trains on
(the vocabulary's pass replayed, or another corpus read once), and one epoch of them on this
machine's threads, with the kernel over the model's own matrices."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from skipgram.corpus import check_sentences, corpus_identity, is_one_shot, same_corpus
from skipgram.corpus_ids import CorpusIds
from skipgram.kernel_setup import kernel_workers, worker_seed
from skipgram.loop import Report, TrainEpoch, TrainingCall
from skipgram.model_arguments import Corpus
from skipgram.training import EpochStats, run_epoch

if TYPE_CHECKING:
    from skipgram.model import SkipGram


def training_ids(
    model: SkipGram, corpus: Corpus | None, log: logging.Logger
) -> tuple[CorpusIds, np.ndarray | None]:
    """The word ids `model.train(corpus)` trains on, with the remap to vocabulary ids (None:
    already final). The corpus the vocabulary was built from is not read again unless its
    files changed since (logged to `log`); another corpus is read once, here."""
    if corpus is None:
        if model.corpus is None:
            raise ValueError(
                "this model has no corpus attached (it was loaded from a file); "
                "pass one: model.train(LineSentence(path))"
            )
        corpus = model.corpus
    check_sentences(corpus)
    if is_one_shot(corpus):
        raise TypeError(
            "the corpus is a one-shot iterator (e.g. a generator): it can be read only once, "
            "and build_vocab already read it. Pass a restartable iterable: a list of "
            "sentences, LineSentence(path), or a class whose __iter__ opens the data afresh"
        )
    vocab, limit = model.vocab, model.params.ids_in_memory_limit
    reuse = same_corpus(corpus, model.corpus)
    if reuse and corpus_identity(corpus) != model._corpus_identity:
        log.info(
            "the corpus changed since the vocabulary was built (size, modification time or "
            "inode of a file): reading it again"
        )
        reuse = False
    if reuse:
        if model._corpus_ids is None:
            scan = CorpusIds.scan(corpus, vocab.index, memory_limit=limit)
            if scan.total_words != vocab.total_words:
                raise ValueError(
                    f"the corpus yielded {scan.total_words} words on this pass but "
                    f"{vocab.total_words} when the vocabulary was built: its __iter__ "
                    "does not start over (a generator inside a class?) or the data changed; "
                    "pass a restartable corpus"
                )
            model._corpus_ids = (scan, None)
        return model._corpus_ids
    scan = CorpusIds.scan(corpus, vocab.index, memory_limit=limit)
    if scan.total_words and not scan.any_known():
        # Training would do nothing, yet count the epochs as trained.
        raise ValueError(
            f"no token of the corpus is in the vocabulary: none of its {scan.total_words:,} "
            f"tokens is one of the model's {len(vocab):,} words, so there is nothing to "
            "train. Pass a corpus in the same language and tokenisation, or add its words "
            "first with model.build_vocab(corpus, update=True)"
        )
    return scan, None


def epoch_threads(workers: int, corpus_words: int, batch_words: int) -> int:
    """Worker threads of an epoch: `workers` for every objective, but no more than the epoch
    has batches (`batch_words` raw tokens each), since a thread without a batch would idle. A
    corpus of one batch is thus trained by one thread, with that thread's seed whatever the
    scheduling: as in gensim, two runs with the same seed give the same vectors. The exact
    softmax steps a minibatch of centres at a time, so its threads meet on the output matrix
    once per step rather than once per centre word (docs/benchmarks.md, "Exact softmax")."""
    batches = -(-corpus_words // batch_words)
    return max(1, min(workers, batches))


def epoch_trainer(
    model: SkipGram,
    call: TrainingCall,
    ids: CorpusIds,
    remap: np.ndarray | None,
    queue_factor: int,
) -> TrainEpoch:
    """The epoch of `call` on this machine: every batch of `ids` once, on `workers` threads
    sharing one kernel over the model's matrices (built here, once per call)."""
    p = model.params
    kernel = model._kernel(call.compute_loss)
    threads = epoch_threads(p.workers, ids.total_words, p.batch_words)

    def train_epoch(epoch: int, report: Report) -> EpochStats:
        # Seeded per epoch from the epochs trained, so that a resumed run draws what the
        # uninterrupted one would have.
        workers = kernel_workers(
            kernel, [worker_seed(p.seed, model.epochs_trained, i) for i in range(threads)]
        )
        return run_epoch(
            kernel,
            workers,
            ids.batches(remap, p.batch_words, model._shuffle_seed()),
            call.schedule,
            words_done=epoch * call.per_epoch,
            report=report,
            queue_factor=queue_factor,
        )

    return train_epoch
