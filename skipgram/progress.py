"""The training progress bar (tqdm): epoch, percent, words/s, learning rate, loss, ETA.

The bar is drawn only where it can be redrawn in place: on a terminal, or in a notebook (tqdm's
widget). Elsewhere (a pipe, a log file, CI) `\\r` updates would pile up as garbage, so there is
no bar and the log's one line per epoch is the progress report. While the bar is shown, log
lines bound for the console are written above it (through `tqdm.write`) instead of into it.
"""

from __future__ import annotations

import logging
import sys
from contextlib import AbstractContextManager
from typing import IO, Any

from tqdm.auto import tqdm as auto_tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from skipgram.training import EpochStats


def in_notebook() -> bool:
    """Whether tqdm draws notebook widgets here (a Jupyter kernel with ipywidgets): tqdm.auto's
    class then derives from tqdm.notebook's."""
    return any(cls.__module__ == "tqdm.notebook" for cls in auto_tqdm.__mro__)


def is_terminal(stream: IO[Any]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _console_loggers() -> list[logging.Logger]:
    """The loggers (root, and skipgram's own) that have a handler writing to stdout or stderr:
    those would print into the bar. tqdm's redirect adds a handler to every logger it is given,
    so a logger without a console handler must not be given (its records would print twice)."""
    candidates = (logging.getLogger(), logging.getLogger("skipgram"))
    return [
        logger
        for logger in candidates
        if any(
            isinstance(handler, logging.StreamHandler)
            and handler.stream in (sys.stdout, sys.stderr)
            for handler in logger.handlers
        )
    ]


class ProgressBar:
    """One bar over all epochs of a `train()` call, counted in raw corpus words.

    Args:
        total_words: raw words of all epochs of the call.
        epochs: number of epochs (shown as "epoch i/n").
        enabled: True shows the bar, False hides it, None shows it when stderr is a terminal or
            the code runs in a notebook.
        show_loss: whether the loss is being tallied (`compute_loss`) and so can be shown.
    """

    def __init__(
        self, total_words: int, epochs: int, enabled: bool | None, show_loss: bool
    ) -> None:
        self.epochs = epochs
        self.show_loss = show_loss
        self.shown = enabled if enabled is not None else is_terminal(sys.stderr) or in_notebook()
        self._redirect: AbstractContextManager[None] | None = None
        loggers = _console_loggers() if self.shown else []
        if loggers:
            self._redirect = logging_redirect_tqdm(loggers=loggers, tqdm_class=auto_tqdm)
            self._redirect.__enter__()
        self._bar = auto_tqdm(
            total=total_words,
            unit="word",
            unit_scale=True,
            disable=not self.shown,
            dynamic_ncols=True,
            smoothing=0.1,
            file=sys.stderr,
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
        """Close the bar (left on screen) and give the log its console handlers back."""
        try:
            self._bar.close()
        finally:
            if self._redirect is not None:
                redirect, self._redirect = self._redirect, None
                redirect.__exit__(None, None, None)
