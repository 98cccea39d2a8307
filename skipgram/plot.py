"""Loss and speed per epoch as a picture, with matplotlib (the optional `plot` extra).

matplotlib is imported only here, and only when a plot is asked for, so the package never needs
it otherwise. The figure is drawn without pyplot, so no window or display is needed.
"""

from __future__ import annotations

import os
from typing import Any

from skipgram.epoch_report import EpochRecord

INSTALL_HINT = "pip install 'skipgram[plot]' (or pip install matplotlib)"


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says which and how to install it."""


def require_matplotlib() -> Any:
    """The `matplotlib.figure` module, or MissingExtraError saying how to install it."""
    try:
        from matplotlib import figure
    except ImportError as error:
        raise MissingExtraError(
            f"plotting needs matplotlib, which is not installed ({error}): {INSTALL_HINT}"
        ) from None
    return figure


def plot_epochs(records: list[EpochRecord], path: str | os.PathLike[str]) -> None:
    """Draw the mean loss and the words/s of each epoch, one panel each, into an image file
    (PNG, SVG, PDF ... by the name's extension). Epochs without a computed loss leave the loss
    panel empty, with a note saying why."""
    if not records:
        raise ValueError("no epoch finished: there is nothing to plot")
    figure = require_matplotlib().Figure(figsize=(8, 3.2), layout="constrained")
    loss_axes, speed_axes = figure.subplots(1, 2)
    epochs = [r.epoch for r in records]
    losses = [(r.epoch, r.loss) for r in records if r.loss is not None]
    if losses:
        loss_axes.plot(*zip(*losses, strict=True), marker="o")
    else:
        loss_axes.text(
            0.5, 0.5, "loss not computed", ha="center", va="center", transform=loss_axes.transAxes
        )
    loss_axes.set(title="mean loss per pair", xlabel="epoch")
    speed_axes.plot(epochs, [r.words_per_second for r in records], marker="o", color="tab:green")
    speed_axes.set(title="words/s", xlabel="epoch", ylim=(0, None))
    for axes in (loss_axes, speed_axes):
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.grid(alpha=0.3)
    figure.savefig(os.fspath(path))
