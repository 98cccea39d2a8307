"""train(resume=True): a stopped train() call finishes with its own schedule, as if it had not
stopped; from an epoch boundary with one worker, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from skipgram import SkipGram
from skipgram.callbacks import Callback
from skipgram.epoch_report import EpochRecorder
from skipgram.io import ModelFormatError, load_arrays, save_arrays
from skipgram.model import MODEL_KIND

SMALL = {"vector_size": 16, "min_count": 1, "workers": 1, "seed": 5, "epochs": 4}


class StopAfter(Callback):
    """Ctrl-C as the user presses it, once `epochs` epochs have ended."""

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs

    def on_epoch_end(self, model: SkipGram) -> None:
        if model.epochs_trained == self.epochs:
            raise KeyboardInterrupt


@pytest.mark.parametrize("shuffle", [False, True], ids=["corpus order", "shuffled"])
@pytest.mark.parametrize("objective", ["ns", "hs"])
def test_a_run_resumed_from_its_checkpoint_equals_the_uninterrupted_run(
    planted, tmp_path, shuffle, objective
):
    params = {**SMALL, "shuffle": shuffle, "objective": objective}
    whole = SkipGram(planted, **params).train(compute_loss=True)
    stopped = SkipGram(planted, **params)
    with pytest.raises(KeyboardInterrupt):
        stopped.train(compute_loss=True, checkpoint=tmp_path / "ckpt", callbacks=[StopAfter(2)])
    resumed = SkipGram.load(tmp_path / "ckpt")
    assert resumed.epochs_trained == 2 and resumed.unfinished_run.epochs_done == 2
    resumed.train(planted, compute_loss=True, resume=True)
    assert resumed.epochs_trained == 4 and resumed.unfinished_run is None
    np.testing.assert_array_equal(resumed.wv.vectors, whole.wv.vectors)
    np.testing.assert_array_equal(resumed.output_vectors, whole.output_vectors)
    assert resumed.loss_history == whole.loss_history


def test_an_epoch_cut_short_is_trained_again_and_the_schedule_goes_on(planted):
    model = SkipGram(planted, **SMALL)
    with pytest.raises(KeyboardInterrupt):
        model.train(callbacks=[StopAfter(3)])
    assert model.unfinished_run.epochs_done == 3
    recorder = EpochRecorder(epochs=4, compute_loss=False)
    model.train(resume=True, callbacks=[recorder])
    assert model.epochs_trained == 4 and model.unfinished_run is None
    # Only the 4th epoch of 4 ran, with the stopped call's rates: 3/4 of the way down, not alpha.
    (last,) = recorder.records
    p = model.params
    assert last.epoch == 4
    assert last.alpha_start == pytest.approx(p.alpha - (p.alpha - p.min_alpha) * 3 / 4)
    assert last.alpha_end == pytest.approx(p.min_alpha)


def test_resume_refuses_what_would_change_the_schedule(planted):
    model = SkipGram(planted, **SMALL)
    with pytest.raises(ValueError, match="nothing to resume"):
        model.train(resume=True)
    with pytest.raises(KeyboardInterrupt):
        model.train(callbacks=[StopAfter(1)])
    with pytest.raises(TypeError, match="continues the stopped call's schedule"):
        model.train(resume=True, epochs=2)
    model.train()  # a new call replaces the stopped one
    with pytest.raises(ValueError, match="nothing to resume"):
        model.train(resume=True)


def test_a_finished_run_saves_nothing_to_resume_and_forged_states_are_refused(planted, tmp_path):
    model = SkipGram(planted, **SMALL).train()
    model.save(tmp_path / "m")
    assert SkipGram.load(tmp_path / "m").unfinished_run is None
    with pytest.raises(KeyboardInterrupt):
        SkipGram(planted, **SMALL).train(checkpoint=tmp_path / "c", callbacks=[StopAfter(1)])
    arrays, metadata = load_arrays(tmp_path / "c", MODEL_KIND)
    for forged in ({**metadata["unfinished_run"], "epochs_done": 9}, {"epochs": 2}, [1, 2]):
        save_arrays(tmp_path / "f", MODEL_KIND, arrays, {**metadata, "unfinished_run": forged})
        with pytest.raises(ModelFormatError):
            SkipGram.load(tmp_path / "f")
