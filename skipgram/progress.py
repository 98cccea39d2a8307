"""The training progress bar (tqdm): epoch, percent, words/s, learning rate, loss, ETA."""

from __future__ import annotations

from tqdm import tqdm

from skipgram.training import EpochStats


class ProgressBar:
    """One bar over all epochs of a `train()` call, counted in raw corpus words.

    Args:
        total_words: raw words of all epochs of the call.
        epochs: number of epochs (shown as "epoch i/n").
        enabled: True shows the bar, False hides it, None shows it when stderr is a terminal.
        show_loss: whether the loss is being tallied (`compute_loss`) and so can be shown.
    """

    def __init__(
        self, total_words: int, epochs: int, enabled: bool | None, show_loss: bool
    ) -> None:
        self.epochs = epochs
        self.show_loss = show_loss
        self._bar = tqdm(
            total=total_words,
            unit="word",
            unit_scale=True,
            disable=None if enabled is None else not enabled,  # None: tqdm hides it off a TTY
            dynamic_ncols=True,
            smoothing=0.1,
        )
        self._epoch_start = 0

    def begin_epoch(self, epoch: int, words_before: int) -> None:
        """Start epoch `epoch` (0-based); `words_before` raw words were trained before it."""
        self._bar.set_description(f"epoch {epoch + 1}/{self.epochs}", refresh=False)
        self._epoch_start = words_before

    def update(self, done: EpochStats, alpha: float) -> None:
        """The tallies of the current epoch so far and the current learning rate."""
        postfix = {"alpha": f"{alpha:.5f}"}
        if self.show_loss and done.pairs:
            postfix["loss"] = f"{done.mean_loss:.4f}"
        self._bar.set_postfix(postfix, refresh=False)
        self._bar.update(self._epoch_start + done.raw_words - self._bar.n)

    def close(self) -> None:
        self._bar.close()
