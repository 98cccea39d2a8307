"""A record of every epoch of a `train()` call, and the table `skipgram train` prints at its end.

```python
recorder = EpochRecorder(epochs=5, compute_loss=True)
model.train(epochs=5, compute_loss=True, callbacks=[recorder])
print(format_table(recorder.records))
```
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skipgram.callbacks import Callback
from skipgram.training import LearningRate

if TYPE_CHECKING:
    from skipgram.model import SkipGram


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch did.

    Attributes:
        epoch: 1-based number of the epoch in the model's life (`epochs_trained` after it).
        raw_words: corpus tokens read, before subsampling and unknown words were dropped.
        seconds: wall-clock time of the epoch.
        words_per_second: `raw_words / seconds`, the speed word2vec.c and gensim report.
        loss: mean loss per trained (centre, context) pair; None when it was not computed.
        alpha_start: learning rate at the start of the epoch.
        alpha_end: learning rate at its end.
    """

    epoch: int
    raw_words: int
    seconds: float
    words_per_second: float
    loss: float | None
    alpha_start: float
    alpha_end: float


class EpochRecorder(Callback):
    """A callback keeping an `EpochRecord` per finished epoch in `records`.

    Args:
        epochs: the epochs of the `train()` call (its `epochs` argument, or the parameter):
            the learning rate falls linearly over them, from `alpha` to `min_alpha`.
        compute_loss: whether that call computes the loss (`compute_loss=True`).
    """

    def __init__(self, epochs: int, compute_loss: bool) -> None:
        self.epochs = epochs
        self.compute_loss = compute_loss
        self.records: list[EpochRecord] = []
        self._first_epoch = 0
        self._schedule: LearningRate | None = None

    def on_train_begin(self, model: SkipGram) -> None:
        # train() records its schedule before this call: a resumed call goes on with the
        # stopped call's epochs and learning rates.
        run = model.unfinished_run
        self._schedule = (
            None if run is None else LearningRate(run.start_alpha, run.end_alpha, run.epochs)
        )
        self._first_epoch = model.epochs_trained - (0 if run is None else run.epochs_done)
        self.records = []

    def on_epoch_end(self, model: SkipGram) -> None:
        stats = model.last_epoch
        if stats is None:  # train() always records it before on_epoch_end; a stray call
            return
        done = model.epochs_trained - self._first_epoch  # epochs of this call, this one included
        # train()'s schedule is linear over the call's raw words, and each epoch reads all of
        # them: epoch k of n runs from fraction (k-1)/n to k/n of the way.
        schedule = self._schedule or LearningRate(
            model.params.alpha, model.params.min_alpha, self.epochs
        )
        self.records.append(
            EpochRecord(
                epoch=model.epochs_trained,
                raw_words=stats.raw_words,
                seconds=stats.seconds,
                words_per_second=stats.words_per_second,
                loss=stats.mean_loss if self.compute_loss else None,
                alpha_start=schedule.at(done - 1),
                alpha_end=schedule.at(done),
            )
        )


def format_table(records: list[EpochRecord]) -> str:
    """The records as an aligned text table, one row per epoch, and a total row."""
    rows = [("epoch", "words", "seconds", "words/s", "loss", "learning rate")]
    for r in records:
        rows.append(
            (
                str(r.epoch),
                f"{r.raw_words:,}",
                f"{r.seconds:.1f}",
                f"{r.words_per_second:,.0f}",
                _loss(r.loss),
                f"{r.alpha_start:.5f} → {r.alpha_end:.5f}",
            )
        )
    if len(records) > 1:
        words = sum(r.raw_words for r in records)
        seconds = sum(r.seconds for r in records)
        speed = f"{words / seconds:,.0f}" if seconds > 0 else "-"
        rows.append(("all", f"{words:,}", f"{seconds:.1f}", speed, "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    # Numbers are right-aligned; the learning-rate column, last, is left as written.
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row[:-1], widths[:-1], strict=True))
        + "  "
        + row[-1]
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


def _loss(loss: float | None) -> str:
    if loss is None:
        return "-"
    return f"{loss:.4f}" if math.isfinite(loss) else str(loss)
