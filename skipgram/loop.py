"""The epoch loop of a `train()` call, the same for every way of training: on one machine
(`SkipGram.train`) and on a Dask cluster (`skipgram.distributed`).

Around each epoch it runs the callbacks, the progress bar and log, the divergence check, the
loss history, the checkpoint and `epochs_trained`, and keeps the state `train(resume=True)`
needs (`model.unfinished_run`). How one epoch is trained is the driver's: a function
`train_epoch(epoch, report)` that trains it and returns its `EpochStats`, calling
`report(done, alpha)` with the tallies so far as it goes (for the progress bar).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from skipgram import callbacks as hooks
from skipgram.params import check_float, check_int, check_schedule
from skipgram.progress import ProgressBar
from skipgram.training import (
    EpochStats,
    LearningRate,
    ProgressLog,
    UnfinishedRun,
    call_schedule,
    check_supplied_counts,
)

if TYPE_CHECKING:
    from skipgram.model import SkipGram

# What a driver calls during an epoch: the tallies of the epoch so far, the learning rate now.
Report = Callable[[EpochStats, float], None]
# A driver's epoch: `train_epoch(epoch, report)` -> the epoch's statistics; `epoch` counts from
# 0 within the call (a resumed call starts past 0), `model.epochs_trained` over the model's life.
TrainEpoch = Callable[[int, Report], EpochStats]


class DivergenceError(FloatingPointError):
    """Training produced NaN or infinite values (usually: the learning rate is too large)."""


@dataclass
class TrainingCall:
    """One `train()` call, as the loop sees it: its epochs and learning-rate schedule, and what
    to do around each epoch.

    Attributes:
        epochs: epochs of the call (a resumed call trains the ones the stopped call left).
        start_alpha: learning rate at the start of the call.
        end_alpha: learning rate at its end.
        corpus_words: raw words of one epoch (0 until the corpus is read).
        total_examples: gensim's sentences per epoch for the decay (None: not given).
        total_words: gensim's raw words per epoch for the decay (None: not given).
        compute_loss: record the loss of each epoch.
        callbacks: checked callbacks (`skipgram.callbacks.check_callbacks`).
        checkpoint: save the model here after every epoch whose vectors are finite.
        progress: show the progress bar; None: when stderr is a terminal.
        report_delay: seconds between progress lines on the log; None: none.
        resume: finish `model.unfinished_run` instead of starting afresh.
    """

    epochs: int
    start_alpha: float
    end_alpha: float
    corpus_words: int = 0
    total_examples: int | None = None
    total_words: int | None = None
    compute_loss: bool = False
    callbacks: list[Any] = field(default_factory=list)
    checkpoint: str | os.PathLike[str] | None = None
    progress: bool | None = None
    report_delay: float | None = None
    resume: bool = False

    @classmethod
    def from_arguments(
        cls,
        model: SkipGram,
        epochs: int | None,
        *,
        start_alpha: float | None,
        end_alpha: float | None,
        total_examples: int | None,
        total_words: int | None,
        word_count: int,
        queue_factor: int,
        report_delay: float | None,
        compute_loss: bool | None,
        callbacks: Iterable[Any] | Any | None,
        progress: bool | None,
        checkpoint: str | os.PathLike[str] | None,
        resume: bool,
    ) -> TrainingCall:
        """The call `model.train(...)` asks for, its arguments validated (`SkipGram.train`
        documents them); with `resume`, the schedule of the stopped call."""
        if resume:
            run = _run_to_resume(model, epochs, start_alpha, end_alpha, total_examples, total_words)
            epochs, start_alpha, end_alpha = run.epochs, run.start_alpha, run.end_alpha
            total_examples, total_words = run.total_examples, run.total_words
        epochs = model.params.epochs if epochs is None else epochs
        check_int("epochs", epochs)
        for name, count in (("total_examples", total_examples), ("total_words", total_words)):
            if count is not None:
                check_int(name, count)
        check_int("word_count", word_count)
        check_int("queue_factor", queue_factor)
        if report_delay is not None:
            check_float("report_delay", report_delay)
        start = model.params.alpha if start_alpha is None else start_alpha
        end = model.params.min_alpha if end_alpha is None else end_alpha
        check_schedule(start, end)
        model._log_rising_alpha(start, end, resume)
        return cls(
            epochs,
            start,
            end,
            total_examples=total_examples,
            total_words=total_words,
            compute_loss=model.compute_loss if compute_loss is None else bool(compute_loss),
            callbacks=hooks.check_callbacks(model.callbacks if callbacks is None else callbacks),
            checkpoint=checkpoint,
            progress=progress,
            report_delay=report_delay,
            resume=resume,
        )

    @property
    def schedule(self) -> LearningRate:
        """The learning rate over the call."""
        return call_schedule(*self._schedule_arguments())[0]

    @property
    def per_epoch(self) -> int:
        """How far the schedule moves in an epoch, in its unit (raw words or sentences)."""
        return call_schedule(*self._schedule_arguments())[1]

    def _schedule_arguments(self) -> tuple[float, float, int, int, int | None, int | None]:
        return (
            self.start_alpha,
            self.end_alpha,
            self.epochs,
            self.corpus_words,
            self.total_examples,
            self.total_words,
        )

    def alpha_after(self, epoch: int, stats: EpochStats) -> float:
        """The learning rate where `stats`, epoch `epoch` of the call, ended."""
        done = stats.sentences if self.schedule.unit == "sentences" else stats.raw_words
        return self.schedule.at(epoch * self.per_epoch + done)


def train_epochs(
    model: SkipGram, call: TrainingCall, train_epoch: TrainEpoch, log: logging.Logger
) -> None:
    """Run the epochs of `call` on `model`, each trained by `train_epoch`; the line per epoch
    goes to `log` (the driver's logger, which its users configure).

    An exception (a callback's, Ctrl-C, a `DivergenceError`) stops the loop after the epoch in
    progress has stopped; the model stays usable, and `model.unfinished_run` says what is left
    for `train(resume=True)`."""
    bar = ProgressBar(
        call.corpus_words * call.epochs, call.epochs, call.progress, call.compute_loss
    )
    progress_log = ProgressLog(call.report_delay, call.epochs, call.corpus_words)

    def report(done: EpochStats, alpha: float) -> None:
        bar.update(done, alpha)
        progress_log.update(done, alpha)

    first = model.unfinished_run.epochs_done if call.resume and model.unfinished_run else 0
    if not call.resume:
        model.running_training_loss = 0.0
    model.unfinished_run = UnfinishedRun(
        call.epochs,
        call.start_alpha,
        call.end_alpha,
        first,
        call.total_examples or None,
        call.total_words or None,
    )
    try:
        hooks.call(call.callbacks, "on_train_begin", model)
        for epoch in range(first, call.epochs):
            hooks.call(call.callbacks, "on_epoch_begin", model)
            bar.begin_epoch(epoch, epoch * call.corpus_words)
            progress_log.begin_epoch(epoch)
            model._vectors_trained()
            stats = train_epoch(epoch, report)
            model.min_alpha_yet_reached = call.alpha_after(epoch, stats)  # gensim's name
            bar.update(stats, model.min_alpha_yet_reached)
            model.wv.invalidate_norms()
            check_supplied_counts(epoch, stats, call.total_examples, call.total_words)
            model.unfinished_run.epochs_done = epoch + 1
            if epoch + 1 == call.epochs:
                model.unfinished_run = None  # a checkpoint of the last epoch is complete
            _finish_epoch(model, call, stats, epoch, log)
            hooks.call(call.callbacks, "on_epoch_end", model)
        model.train_count += 1
        hooks.call(call.callbacks, "on_train_end", model)
    finally:
        bar.close()
        model.wv.invalidate_norms()  # vectors changed, even if training was interrupted


def _run_to_resume(
    model: SkipGram, epochs: int | None, *schedule_arguments: float | int | None
) -> UnfinishedRun:
    if model.unfinished_run is None:
        raise ValueError(
            "nothing to resume: the last train() call of this model finished (or none "
            "ran); call train() without resume=True to train further"
        )
    if epochs is not None or any(a is not None for a in schedule_arguments):
        raise TypeError(
            "resume=True continues the stopped call's schedule: do not pass epochs, "
            "start_alpha, end_alpha, total_examples or total_words with it"
        )
    return model.unfinished_run


def _finish_epoch(
    model: SkipGram, call: TrainingCall, stats: EpochStats, epoch: int, log: logging.Logger
) -> None:
    model.last_epoch = stats
    # Only a checkpoint written earlier in this call is known to hold a good state.
    _check_finite(model, epoch, call.checkpoint if epoch > 0 else None)
    model.epochs_trained += 1
    model.total_train_time += stats.seconds
    if call.compute_loss:
        model.loss_history.append(stats.mean_loss)
        model.running_training_loss += stats.loss
    if call.checkpoint is not None:
        model.save(call.checkpoint)
    log.info(
        "epoch %d/%d: %d raw words (%d kept) in %.1fs, %.0f words/s, loss %s",
        epoch + 1,
        call.epochs,
        stats.raw_words,
        stats.kept_words,
        stats.seconds,
        stats.words_per_second,
        f"{stats.mean_loss:.4f}" if call.compute_loss else "not computed",
    )


def _check_finite(model: SkipGram, epoch: int, saved_to: str | os.PathLike[str] | None) -> None:
    """DivergenceError if a weight is NaN or infinite; `saved_to` is where the previous epoch
    of this call was saved, if it was. A float64 sum is non-finite exactly when some float32
    term is (float32 values cannot overflow it), and costs one pass."""
    matrices = (model.wv.vectors, model.output_vectors)
    if all(math.isfinite(float(np.sum(m, dtype=np.float64))) for m in matrices):
        return
    if saved_to is not None:
        last_good = (
            f"; {os.fspath(saved_to)} still holds the model after epoch "
            f"{model.epochs_trained} (SkipGram.load it)"
        )
    else:
        last_good = "; pass checkpoint=path to train() to keep the last good state"
    alpha = model.params.alpha
    raise DivergenceError(
        f"training diverged in epoch {epoch + 1}: the vectors hold NaN or infinite values. "
        f"The learning rate alpha={alpha} is too large for this corpus: "
        f"rebuild the model with a smaller alpha (e.g. {alpha / 10:g})" + last_good
    )
