"""Controlling a training run: callbacks, the progress bar, Ctrl-C, divergence and checkpoints,
and continuing with new words (`build_vocab(update=True)`)."""

import signal
import textwrap
import time

import numpy as np
import pytest

from skipgram import Callback, DivergenceError, SkipGram
from skipgram.vocab import Vocabulary, build_huffman_tree

SMALL = {"vector_size": 16, "window": 3, "min_count": 1, "sample": 0, "seed": 3}


def group_of(word: str) -> str:
    return word.split("w")[0]


# ---- callbacks -------------------------------------------------------------------------------


class Recorder(Callback):
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def on_train_begin(self, model):
        self.calls.append(("train_begin", model.epochs_trained))

    def on_epoch_begin(self, model):
        self.calls.append(("epoch_begin", model.epochs_trained))

    def on_epoch_end(self, model):
        self.calls.append(("epoch_end", model.epochs_trained))

    def on_train_end(self, model):
        self.calls.append(("train_end", model.epochs_trained))


def test_callbacks_are_called_in_order_with_the_model(planted):
    recorder = Recorder()
    SkipGram(planted, epochs=2, workers=2, **SMALL).train(callbacks=[recorder])
    assert recorder.calls == [
        ("train_begin", 0),
        ("epoch_begin", 0),
        ("epoch_end", 1),
        ("epoch_begin", 1),
        ("epoch_end", 2),
        ("train_end", 2),
    ]


def test_a_callback_needs_only_the_hooks_it_uses(planted):
    seen = []

    class EpochEnd:
        def on_epoch_end(self, model):
            seen.append(model.last_epoch.raw_words)

    SkipGram(planted, epochs=2, workers=1, **SMALL).train(callbacks=[EpochEnd()])
    assert seen == [sum(map(len, planted))] * 2


def test_an_object_without_any_hook_is_refused(planted):
    class Typo:
        def on_epoch_ends(self, model):  # misspelt: would never be called
            pass

    with pytest.raises(TypeError, match="not a callback"):
        SkipGram(planted, epochs=1, **SMALL).train(callbacks=[Typo()])


def test_an_exception_in_a_callback_stops_training_and_leaves_a_usable_model(planted, tmp_path):
    class StopAfterFirstEpoch(Callback):
        def on_epoch_end(self, model):
            raise RuntimeError("enough")

    model = SkipGram(planted, epochs=5, workers=2, **SMALL)
    with pytest.raises(RuntimeError, match="enough"):
        model.train(callbacks=[StopAfterFirstEpoch()])
    assert model.epochs_trained == 1
    assert len(model.most_similar("g0w0", topn=3)) == 3
    model.save(tmp_path / "m")
    model.train(epochs=1)  # and it trains again
    assert model.epochs_trained == 2


# ---- progress bar ----------------------------------------------------------------------------


def test_progress_bar_shows_epochs_rate_learning_rate_and_loss(planted, capsys):
    SkipGram(planted, epochs=2, workers=1, **SMALL).train(progress=True, compute_loss=True)
    shown = capsys.readouterr().err
    assert "epoch 2/2" in shown and "100%" in shown
    assert "word/s" in shown and "alpha=" in shown and "loss=" in shown


def test_progress_false_prints_nothing(planted, capsys):
    SkipGram(planted, epochs=1, workers=1, **SMALL).train(progress=False)
    assert capsys.readouterr().err == ""


# ---- divergence and checkpoints ----------------------------------------------------------------


def test_a_diverging_run_raises_and_names_the_learning_rate(planted):
    model = SkipGram(planted, epochs=3, workers=1, **{**SMALL, "alpha": 1e30, "min_alpha": 1e30})
    with pytest.raises(DivergenceError, match=r"alpha=1e\+30 is too large"):
        model.train()
    assert model.epochs_trained == 0  # the diverged epoch is not counted


def test_the_checkpoint_keeps_the_last_good_epoch(planted, tmp_path, poison_after_first_epoch):
    """Epoch 1 is healthy; a callback then poisons the vectors, as a runaway update would.
    The divergence is caught after epoch 2 and the checkpoint still holds epoch 1."""
    checkpoint = tmp_path / "last-good.model"
    model = SkipGram(planted, epochs=3, workers=1, **SMALL)

    with pytest.raises(
        DivergenceError, match=r"last-good\.model still holds the model after epoch 1"
    ):
        model.train(callbacks=[poison_after_first_epoch], checkpoint=checkpoint)
    saved = SkipGram.load(checkpoint)
    assert saved.epochs_trained == 1
    assert np.isfinite(saved.output_vectors).all() and np.isfinite(saved.wv.vectors).all()


def test_checkpoint_is_written_after_every_epoch(planted, tmp_path):
    epochs_in_checkpoint = []
    checkpoint = tmp_path / "ckpt"

    class Look(Callback):
        def on_epoch_end(self, model):
            epochs_in_checkpoint.append(SkipGram.load(checkpoint).epochs_trained)

    SkipGram(planted, epochs=3, workers=1, **SMALL).train(callbacks=[Look()], checkpoint=checkpoint)
    assert epochs_in_checkpoint == [1, 2, 3]


# ---- Ctrl-C ------------------------------------------------------------------------------------

SIGINT_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from skipgram import SkipGram

    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(2000)])
    ids = np.minimum(rng.zipf(1.3, 400_000), 2000) - 1
    corpus = [list(s) for s in np.split(words[ids], 20_000)]
    model = SkipGram(corpus, vector_size=50, min_count=1, workers=2, epochs=10_000)
    print("training", flush=True)
    try:
        model.train(progress=False)
    except KeyboardInterrupt:
        caught = time.perf_counter()
        print("interrupted", flush=True)
    neighbours = model.most_similar("w1", topn=3)
    model.save(sys.argv[1])
    print("answered", len(neighbours), "saved", flush=True)
    model.train(epochs=1, progress=False)
    print("trained again", model.epochs_trained, time.perf_counter() - caught, flush=True)
    """
)


@pytest.mark.slow
def test_ctrl_c_stops_training_and_the_model_stays_usable(tmp_path, python_process):
    # How fast it stops is measured by benchmarks/interrupt_latency.py, not asserted here.
    with python_process(SIGINT_SCRIPT, tmp_path / "m", cwd=tmp_path) as child:
        child.read_until("training")
        time.sleep(2.0)  # well into training
        child.send(signal.SIGINT)
        child.read_until("interrupted")
        status, err = child.finish()
    assert status == 0, err
    out = [" ".join(line) for line in child.lines]
    assert "answered 3 saved" in out and any(line.startswith("trained again") for line in out)
    assert SkipGram.load(tmp_path / "m").epochs_trained < 10_000


# ---- continuing with new words ---------------------------------------------------------------


def test_update_appends_new_words_and_keeps_the_old_vectors(make_planted):
    first = make_planted(groups=4, seed=1)
    more = [[w.replace("g", "h") for w in s] for s in make_planted(groups=3, seed=2)]
    model = SkipGram(first, epochs=2, workers=1, **SMALL).train()
    old_words = list(model.wv.index_to_key)
    old_vectors = model.wv.vectors.copy()
    old_counts = model.vocab.counts.copy()
    model.build_vocab(more + first[:100], update=True)
    assert model.wv.index_to_key[: len(old_words)] == old_words
    assert len(model.wv) == len(old_words) + 18
    np.testing.assert_array_equal(model.wv.vectors[: len(old_words)], old_vectors)
    added = model.wv.vectors[len(old_words) :]
    assert np.all(np.abs(added) <= 1.0 / SMALL["vector_size"]) and np.any(added != 0)
    recount = {w: 0 for w in old_words}
    for sentence in first + first[:100]:
        for w in sentence:
            recount[w] += 1
    assert model.vocab.counts[: len(old_words)].tolist() == [recount[w] for w in old_words]
    assert np.all(model.vocab.counts[: len(old_words)] >= old_counts)
    assert model.vocab.total_words == sum(map(len, first + more + first[:100]))
    assert model.output_vectors.shape == (len(model.wv), SMALL["vector_size"])


@pytest.mark.parametrize("objective", ["ns", "hs"])
def test_after_an_update_the_new_words_are_learned(make_planted, objective):
    first = make_planted(groups=4, seed=1)
    more = [[w.replace("g", "h") for w in s] for s in make_planted(groups=3, seed=2)]
    model = SkipGram(first, objective=objective, epochs=3, workers=2, **SMALL).train()
    model.build_vocab(more, update=True)
    model.train(epochs=5)  # the default corpus is now the new one
    for word in model.wv.index_to_key:
        if word.startswith("h"):
            neighbours = [w for w, _ in model.most_similar(word, topn=5)]
            assert all(group_of(w) == group_of(word) for w in neighbours), (word, neighbours)
    if objective == "hs":
        assert model.output_vectors.shape[0] == len(model.wv)  # gensim's syn1 shape
        assert not model.output_vectors[-1].any()  # the row no inner node uses


def test_update_needs_an_existing_vocabulary(planted):
    with pytest.raises(RuntimeError, match="build one first"):
        SkipGram(**SMALL).build_vocab(planted, update=True)


def test_update_with_only_known_or_rare_words_adds_nothing(planted):
    model = SkipGram(planted, **{**SMALL, "min_count": 2})
    size = len(model.wv)
    model.build_vocab([*planted[:10], ["once"]], update=True)
    assert len(model.wv) == size and "once" not in model.wv


def test_huffman_paths_of_unsorted_counts_match_the_sorted_tree():
    """After an update the counts are no longer sorted: each word must get exactly the path it
    would have in the tree built over the sorted counts."""
    counts = np.array([5, 90, 7, 7, 300, 1, 40], dtype=np.int64)
    vocab = Vocabulary([f"w{i}" for i in range(7)], counts, int(counts.sum()), 1)
    tree = vocab.huffman_tree()
    order = np.argsort(-counts, kind="stable")
    sorted_tree = build_huffman_tree(counts[order])
    for rank, word in enumerate(order):
        a, b = tree.offsets[word], tree.offsets[word + 1]
        c, d = sorted_tree.offsets[rank], sorted_tree.offsets[rank + 1]
        assert tree.codes[a:b].tolist() == sorted_tree.codes[c:d].tolist()
        assert tree.points[a:b].tolist() == sorted_tree.points[c:d].tolist()


def test_shared_negatives_needs_negative_sampling():
    with pytest.raises(ValueError, match="shared_negatives applies to objective='ns' only"):
        SkipGram(objective="hs", shared_negatives=True)


def test_update_is_saved_and_loaded(planted, tmp_path):
    model = SkipGram(planted, epochs=1, workers=1, **SMALL).train()
    model.build_vocab([["brand", "new", "words"]] * 3, update=True)
    model.save(tmp_path / "m")
    loaded = SkipGram.load(tmp_path / "m")
    assert loaded.wv.index_to_key == model.wv.index_to_key
    np.testing.assert_array_equal(loaded.vocab.counts, model.vocab.counts)
