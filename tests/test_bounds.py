"""Every parameter is bounded wherever it enters (constructor, model file, CLI, distributed), the
kernel sizes its buffers in 64 bits, and the smaller traps of issue 11 give clear errors."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from skipgram._inner import KernelModel

from skipgram import KeyedVectors, SkipGram
from skipgram.callbacks import Callback
from skipgram.cli import main as cli_main
from skipgram.io import ModelFormatError
from skipgram.model import Parameters
from skipgram.params import FLOAT_BOUNDS, INT_BOUNDS

CORPUS = [["a", "b", "c", "d", "a", "b"], ["c", "d", "a"]] * 3
TINY = {"min_count": 1, "vector_size": 8, "workers": 1, "epochs": 1, "sample": 0}


# ---- the bound table ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(INT_BOUNDS))
def test_each_integer_bound_is_inclusive_and_named_with_value_and_bound(name):
    low, high = INT_BOUNDS[name]
    base = {"objective": "hs"} if name == "negative" else {}  # negative=0 is valid for hs
    Parameters(**base, **{name: low})
    Parameters(**base, **{name: high})
    for value in (low - 1, high + 1):
        with pytest.raises(ValueError) as raised:
            Parameters(**base, **{name: value})
        assert str(raised.value) == f"{name} must be an integer in [{low:,}, {high:,}], got {value}"


@pytest.mark.parametrize("name", list(FLOAT_BOUNDS))
def test_each_float_bound_is_inclusive_and_named(name):
    low, high = FLOAT_BOUNDS[name]
    if name != "alpha":  # alpha must also be > 0
        Parameters(**{name: low, "alpha": high if name == "min_alpha" else None})
    else:
        with pytest.raises(ValueError, match=r"^alpha must be a finite number in \(0, "):
            Parameters(alpha=low)
    Parameters(**{name: high, "alpha": high if name == "min_alpha" else None})
    for value in (low - 1e-9, high * 2, float("inf"), float("nan"), 10**400, True, "1"):
        with pytest.raises(ValueError, match=rf"^{name} must be a finite number in [\[(]"):
            Parameters(**{name: value})


def test_the_message_of_the_issue_reads_as_promised():
    with pytest.raises(ValueError, match=r"^negative must be an integer in \[0, 1,000\], got 268"):
        SkipGram(CORPUS, min_count=1, window=5, negative=2**28)


def test_workers_zero_means_the_cores_but_never_above_the_bound():
    assert 1 <= Parameters(workers=0).workers <= INT_BOUNDS["workers"][1]


def test_train_epochs_argument_has_the_same_bound():
    model = SkipGram(CORPUS, **TINY)
    with pytest.raises(ValueError, match=r"epochs must be an integer in \[1, 1,000,000\]"):
        model.train(epochs=10**7)


def test_parameters_can_still_be_imported_from_the_model_module():
    from skipgram import params

    assert Parameters is params.Parameters


# ---- the crashes of item 1, each in a child process --------------------------------------------


CRASHERS = [  # parameters that crashed training, and the parameter now named
    ({"window": 5, "negative": 2**28}, "negative"),  # was SIGSEGV
    ({"window": 1, "negative": 2**30}, "negative"),  # was SIGSEGV
    ({"window": 65536, "negative": 32768}, "window"),  # was SIGSEGV
    ({"window": 2**31}, "window"),  # was a bare OverflowError
    ({"negative": 2**31}, "negative"),
    ({"window": 2**30}, "window"),  # was numpy's "negative dimensions are not allowed"
]


@pytest.mark.slow
def test_the_crashing_parameters_are_refused_cleanly(python_child):
    # One child for all of them: a crash there fails this test instead of killing pytest.
    child = python_child(
        f"""
        from skipgram import SkipGram
        for params in {[params for params, _ in CRASHERS]!r}:
            try:
                SkipGram([["a", "b", "c"]] * 3, min_count=1, sample=0, **params).train()
                print("trained")
            except ValueError as error:
                print(error)
        """
    )
    assert child.returncode == 0, child.stderr
    lines = child.stdout.splitlines()
    assert len(lines) == len(CRASHERS)
    for line, (_, named) in zip(lines, CRASHERS, strict=True):
        assert line.startswith(f"{named} must be an integer in [")


@pytest.mark.slow
def test_the_kernel_sizes_its_buffers_in_64_bits(python_child):
    # Directly, below Parameters' bounds: 2 * window * negative = 2**41 ids does not fit a C int.
    # The buffer is either refused (MemoryError) or really that large; never one slot.
    child = python_child(
        """
        import numpy as np
        from skipgram._inner import KernelModel, KernelWorker, train_batch
        from skipgram.vocab import Vocabulary
        vocab = Vocabulary(["a", "b", "c"], np.array([3, 2, 1]), 6, 1)
        threshold, alias = vocab.noise_table()
        vectors = np.zeros((3, 4), np.float32)
        kernel = KernelModel("ns", vectors, np.zeros((3, 4), np.float32), np.ones(3, np.float32),
                             2**20, 2**20, noise_threshold=threshold, noise_alias=alias)
        try:
            worker = KernelWorker(kernel, 1)
        except MemoryError:
            print("refused")
        else:
            train_batch(kernel, worker, np.array([0, 1, 2], np.int32), np.array([3]), 0.01, 0.01)
            print("trained")
        """
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() in ("refused", "trained")


def test_the_kernel_refuses_sizes_beyond_its_own_limits():
    vectors = np.zeros((3, 4), np.float32)
    keep = np.ones(3, np.float32)
    with pytest.raises(ValueError, match="window must be in"):
        KernelModel("softmax", vectors, vectors.copy(), keep, 2**31)
    with pytest.raises(ValueError, match="negative must be in"):
        KernelModel("softmax", vectors, vectors.copy(), keep, 5, 2**40)


# ---- a model file with huge parameters ---------------------------------------------------------


@pytest.mark.parametrize(
    "forged", [{"negative": 2**28}, {"window": 65536}, {"workers": 100_000}, {"seed": -1}]
)
def test_a_checksummed_model_file_with_huge_parameters_is_refused(tmp_path, forged):
    model = SkipGram(CORPUS, **TINY).train()
    vars(model.params).update(forged)  # saved as they are, under correct checksums
    path = tmp_path / "model.sg"
    model.save(path)
    name = next(iter(forged))
    with pytest.raises(ModelFormatError, match=rf"{path}: invalid saved parameter: {name} must"):
        SkipGram.load(path)


def test_distributed_training_applies_the_same_bounds_before_touching_the_cluster():
    pytest.importorskip("distributed")  # the dask extra
    from skipgram import distributed

    with pytest.raises(ValueError, match=r"^negative must be an integer in \[0, 1,000\]"):
        distributed.train(["corpus.txt"], None, negative=2**28)


# ---- the command line ------------------------------------------------------------------------


def test_the_cli_reports_a_bound_in_one_line(tmp_path, capsys):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("a b c d\nc d a b\n")
    argv = ["train", str(corpus), "--output", str(tmp_path / "m.sg"), "--min-count", "1"]
    assert cli_main([*argv, "--negative", str(2**28), "--quiet"]) == 2
    message = "negative must be an integer in [0, 1,000], got 268435456"
    assert capsys.readouterr().err == f"skipgram train: error: {message}\n"


# ---- item 6: threads, non-finite vectors, unknown corpus, callbacks ----------------------------


def test_a_thread_that_fails_to_start_surfaces_its_own_error(monkeypatch):
    real_start = threading.Thread.start
    started = []

    def start(thread):
        if thread.name.startswith("skipgram-"):  # the trainer's, not e.g. a progress bar's
            if len(started) == 3:  # as when the process runs out of memory for thread stacks
                raise RuntimeError("can't start new thread")
            started.append(thread)
        real_start(thread)

    # batch_words=1: a batch per sentence (12), so that all 8 threads start (a corpus of
    # fewer batches than workers starts one thread per batch).
    model = SkipGram(CORPUS * 2, **{**TINY, "workers": 8, "batch_words": 1})
    monkeypatch.setattr(threading.Thread, "start", start)
    with pytest.raises(RuntimeError, match="can't start new thread"):
        model.train()
    monkeypatch.undo()
    assert not any(thread.is_alive() for thread in started)
    assert model.epochs_trained == 0
    model.train()  # still usable
    assert model.epochs_trained == 1


@pytest.mark.parametrize("array", ["vectors", "output_vectors"])
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_a_model_file_with_non_finite_weights_is_refused_naming_file_and_array(
    tmp_path, array, value
):
    model = SkipGram(CORPUS, **TINY).train()
    matrix = model.wv.vectors if array == "vectors" else model.output_vectors
    matrix[1, 2] = value
    path = tmp_path / "model.sg"
    model.save(path)
    for mmap in (False, True):
        with pytest.raises(ModelFormatError, match=rf"{path}: array '{array}' holds 1 NaN"):
            SkipGram.load(path, mmap=mmap)


def test_a_vectors_file_with_non_finite_values_is_refused(tmp_path):
    model = SkipGram(CORPUS, **TINY).train()
    model.wv.vectors[0, 0] = -np.inf
    path = tmp_path / "vectors.sg"
    model.wv.save(path)
    with pytest.raises(ModelFormatError, match=rf"{path}: array 'vectors' holds 1 NaN"):
        KeyedVectors.load(path)


def test_training_on_a_corpus_without_a_vocabulary_word_raises_and_counts_nothing():
    model = SkipGram(CORPUS, **TINY).train()
    before = model.wv.vectors.copy()
    with pytest.raises(ValueError, match="no token of the corpus is in the vocabulary"):
        model.train([["x", "y", "z"]] * 4)
    assert model.epochs_trained == 1
    np.testing.assert_array_equal(model.wv.vectors, before)


def test_a_corpus_with_some_vocabulary_words_still_trains():
    model = SkipGram(CORPUS, **TINY)
    model.train([["x", "a", "b", "y"]] * 4)
    assert model.epochs_trained == 1


class _Counter(Callback):
    def __init__(self) -> None:
        self.epochs = 0

    def on_epoch_end(self, model: SkipGram) -> None:
        self.epochs += 1


def test_a_single_callback_object_is_accepted():
    counter = _Counter()
    SkipGram(CORPUS, **TINY).train(epochs=2, callbacks=counter)
    assert counter.epochs == 2


def test_callbacks_none_means_no_callbacks():
    assert SkipGram(CORPUS, **TINY).train(callbacks=None).epochs_trained == 1


@pytest.mark.parametrize("bad", [5, "on_epoch_end", object()])
def test_callbacks_that_are_neither_a_callback_nor_a_list_are_a_type_error(bad):
    with pytest.raises(TypeError, match="callbacks must be a callback object or a list of them"):
        SkipGram(CORPUS, **TINY).train(callbacks=bad)
