"""Hooks into training: objects whose methods `train()` calls between epochs.

Any object with some of the methods below works; subclassing `Callback` just supplies no-op
defaults. Callbacks run in the calling thread while no worker thread is training, so they may
read, evaluate or save the model. An exception raised by a callback stops training (the
threads have already finished the epoch) and propagates out of `train()`; the model stays
usable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skipgram.model import SkipGram

HOOKS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")


class Callback:
    """Base class with a no-op for every hook. `model.epochs_trained` counts finished epochs,
    `model.last_epoch` holds the statistics of the last one."""

    def on_train_begin(self, model: SkipGram) -> None:
        """Called once by `train()` before the first epoch."""

    def on_epoch_begin(self, model: SkipGram) -> None:
        """Called before each epoch."""

    def on_epoch_end(self, model: SkipGram) -> None:
        """Called after each epoch, once its statistics are recorded and the vectors checked."""

    def on_train_end(self, model: SkipGram) -> None:
        """Called once after the last epoch of a `train()` call that completed."""


def check_callbacks(callbacks: Iterable[Any] | Any) -> list[Any]:
    """The callbacks as a list: a sequence of them (as gensim takes), a single callback
    object, or None for none. TypeError for anything else, and for an element that has none
    of the hooks (a typo in a method name would otherwise be silently ignored)."""
    if callbacks is None:
        return []
    if _is_callback(callbacks):
        return [callbacks]
    if isinstance(callbacks, (str, bytes)) or not isinstance(callbacks, Iterable):
        raise TypeError(
            f"callbacks must be a callback object or a list of them, got {callbacks!r:.80}: "
            f"a callback has some of the methods {', '.join(HOOKS)}"
        )
    checked = list(callbacks)
    for callback in checked:
        if not _is_callback(callback):
            raise TypeError(
                f"{callback!r} is not a callback: it has none of the methods {', '.join(HOOKS)}"
            )
    return checked


def _is_callback(candidate: Any) -> bool:
    return any(callable(getattr(candidate, hook, None)) for hook in HOOKS)


def call(callbacks: list[Any], hook: str, model: SkipGram) -> None:
    """Call `hook(model)` on every callback that has it, in order."""
    for callback in callbacks:
        method = getattr(callback, hook, None)
        if method is not None:
            method(model)
