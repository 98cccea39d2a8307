"""Tests for SkipGram.save / SkipGram.load: a saved model comes back complete, answers queries
identically, and can train further (also when memory-mapped, without touching its file)."""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from skipgram import KeyedVectors, ModelFormatError, SkipGram
from skipgram.io import load_arrays, save_arrays

OBJECTIVES = ["ns", "hs", "softmax"]
PARAMS = {"min_count": 1, "vector_size": 16, "epochs": 2, "workers": 1, "seed": 3}


def make_corpus(sentences: int = 2000, vocabulary: int = 80, seed: int = 0) -> list[list[str]]:
    """Sentences of 4 to 11 words drawn from a Zipf-like distribution over `vocabulary` words."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocabulary)]
    probability = 1.0 / np.arange(1, vocabulary + 1)
    probability /= probability.sum()
    return [
        [words[i] for i in rng.choice(vocabulary, size=rng.integers(4, 12), p=probability)]
        for _ in range(sentences)
    ]


CORPUS = make_corpus()


def train_model(objective: str) -> SkipGram:
    return SkipGram(CORPUS, objective=objective, **PARAMS).train(compute_loss=True)


@pytest.fixture(scope="module", params=OBJECTIVES)
def saved(request, tmp_path_factory) -> tuple[SkipGram, Path]:
    """A trained model and the file it was saved to. Shared: tests must not modify either."""
    model = train_model(request.param)
    path = tmp_path_factory.mktemp(request.param) / "model.sg"
    model.save(path)
    return model, path


def expected_output_rows(model: SkipGram) -> int:
    # One row per word; hierarchical softmax's are its V - 1 inner nodes and an unused last
    # row, the shape of gensim's syn1.
    return len(model.wv)


# --- what a round trip preserves -------------------------------------------------------------


def test_round_trip_preserves_the_vocabulary(saved):
    model, path = saved
    loaded = SkipGram.load(path)
    assert loaded.wv.index_to_key == model.wv.index_to_key
    assert loaded.vocab.words == model.vocab.words
    assert loaded.wv.key_to_index == model.wv.key_to_index


def test_round_trip_gives_bit_identical_matrices(saved):
    model, path = saved
    loaded = SkipGram.load(path)
    assert loaded.wv.vectors.dtype == loaded.output_vectors.dtype == np.float32
    assert loaded.wv.vectors.tobytes() == model.wv.vectors.tobytes()
    assert loaded.output_vectors.tobytes() == model.output_vectors.tobytes()


def test_output_matrix_shape_depends_on_the_objective(saved):
    model, path = saved
    loaded = SkipGram.load(path)
    assert loaded.wv.vectors.shape == (len(model.wv), 16)
    assert loaded.output_vectors.shape == (expected_output_rows(model), 16)
    assert model.output_vectors.shape == loaded.output_vectors.shape


def test_round_trip_preserves_parameters(saved):
    model, path = saved
    loaded = SkipGram.load(path)
    assert asdict(loaded.params) == asdict(model.params)
    assert loaded.params.objective == model.params.objective


def test_round_trip_preserves_counts_and_training_state(saved):
    model, path = saved
    loaded = SkipGram.load(path)
    assert np.array_equal(loaded.vocab.counts, model.vocab.counts)
    assert loaded.vocab.counts.dtype == np.int64
    assert np.array_equal(loaded.wv.counts, model.wv.counts)
    assert loaded.vocab.total_words == model.vocab.total_words == sum(map(len, CORPUS))
    assert loaded.vocab.total_sentences == model.vocab.total_sentences == len(CORPUS)
    assert loaded.epochs_trained == model.epochs_trained == 2
    assert loaded.loss_history == model.loss_history
    assert len(loaded.loss_history) == 2


def test_loaded_model_answers_queries_identically(saved):
    model, path = saved
    loaded = SkipGram.load(path)
    for word in ["w0", "w1", "w7", "w30"]:
        assert loaded.most_similar(word, topn=10) == model.most_similar(word, topn=10)
        assert np.array_equal(
            loaded.most_similar(word, topn=None), model.most_similar(word, topn=None)
        )
    analogy = {"positive": ["w1", "w2"], "negative": ["w3"], "topn": 5}
    assert loaded.most_similar(**analogy) == model.most_similar(**analogy)


def test_loaded_model_has_no_corpus_attached(saved):
    _, path = saved
    assert SkipGram.load(path).corpus is None


def test_loss_history_with_nan_round_trips(tmp_path):
    model = SkipGram(CORPUS[:50], objective="ns", **PARAMS)
    model.loss_history = [1.5, math.nan]
    model.save(tmp_path / "m.sg")
    history = SkipGram.load(tmp_path / "m.sg").loss_history
    assert history[0] == 1.5
    assert math.isnan(history[1])


# --- training further -------------------------------------------------------------------------


def test_loaded_model_trains_further_with_a_corpus(saved):
    model, path = saved
    loaded = SkipGram.load(path)
    loaded.train(CORPUS)
    assert loaded.epochs_trained == 4
    assert not np.array_equal(loaded.wv.vectors, model.wv.vectors)
    assert not np.array_equal(loaded.output_vectors, model.output_vectors)
    assert np.all(np.isfinite(loaded.wv.vectors))
    assert np.all(np.isfinite(loaded.output_vectors))


def test_loaded_model_queries_reflect_further_training(saved):
    _, path = saved
    loaded = SkipGram.load(path)
    before = loaded.most_similar("w0", topn=None).copy()
    loaded.train(CORPUS)
    assert not np.array_equal(loaded.most_similar("w0", topn=None), before)


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_training_after_load_continues_exactly_like_the_original(tmp_path, objective):
    # Everything training depends on is saved: the original model and the loaded copy, trained
    # on the same corpus with one worker, end bit-identical.
    original = train_model(objective)
    original.save(tmp_path / "m.sg")
    loaded = SkipGram.load(tmp_path / "m.sg")
    original.train(CORPUS)
    loaded.train(CORPUS)
    assert np.array_equal(loaded.wv.vectors, original.wv.vectors)
    assert np.array_equal(loaded.output_vectors, original.output_vectors)


def test_train_without_a_corpus_after_load_asks_for_one(saved):
    _, path = saved
    loaded = SkipGram.load(path)
    with pytest.raises(ValueError, match="pass one"):
        loaded.train()
    assert loaded.epochs_trained == 2


# --- memory-mapped loading --------------------------------------------------------------------


def test_mmap_load_maps_the_matrices_and_answers_identically(saved):
    model, path = saved
    loaded = SkipGram.load(path, mmap=True)
    assert isinstance(loaded.wv.vectors, np.memmap)
    assert isinstance(loaded.output_vectors, np.memmap)
    assert loaded.wv.vectors.tobytes() == model.wv.vectors.tobytes()
    assert loaded.output_vectors.tobytes() == model.output_vectors.tobytes()
    assert loaded.most_similar("w3", topn=10) == model.most_similar("w3", topn=10)


def test_mmap_model_trains_further_without_modifying_the_file(saved):
    model, path = saved
    file_bytes = path.read_bytes()
    mapped = SkipGram.load(path, mmap=True)
    mapped.train(CORPUS)
    assert not np.array_equal(mapped.wv.vectors, model.wv.vectors)
    assert path.read_bytes() == file_bytes
    # Training a mapped model is the same computation as training a model read into memory.
    in_memory = SkipGram.load(path)
    in_memory.train(CORPUS)
    assert np.array_equal(mapped.wv.vectors, in_memory.wv.vectors)
    assert np.array_equal(mapped.output_vectors, in_memory.output_vectors)


def test_mmap_model_can_be_saved_over_its_own_file(tmp_path):
    path = tmp_path / "m.sg"
    train_model("ns").save(path)
    mapped = SkipGram.load(path, mmap=True)
    mapped.train(CORPUS)
    mapped.save(path)
    reloaded = SkipGram.load(path)
    assert np.array_equal(reloaded.wv.vectors, mapped.wv.vectors)
    assert np.array_equal(reloaded.output_vectors, mapped.output_vectors)
    assert reloaded.epochs_trained == 4


# --- the two file kinds -----------------------------------------------------------------------


def test_model_vectors_ship_as_keyed_vectors(saved, tmp_path):
    model, _ = saved
    model.wv.save(tmp_path / "vectors.sg")
    vectors = KeyedVectors.load(tmp_path / "vectors.sg")
    assert vectors.index_to_key == model.wv.index_to_key
    assert vectors.vectors.tobytes() == model.wv.vectors.tobytes()
    assert np.array_equal(vectors.counts, model.vocab.counts)


def test_loading_a_model_file_as_keyed_vectors_is_a_clear_error(saved):
    _, path = saved
    with pytest.raises(ModelFormatError, match=r"'skipgram_model'.*SkipGram\.load"):
        KeyedVectors.load(path)


def test_loading_a_keyed_vectors_file_as_a_model_is_a_clear_error(saved, tmp_path):
    model, _ = saved
    model.wv.save(tmp_path / "vectors.sg")
    with pytest.raises(ModelFormatError, match=r"'keyed_vectors'.*KeyedVectors\.load"):
        SkipGram.load(tmp_path / "vectors.sg")


# --- edge cases -------------------------------------------------------------------------------


def test_single_word_vocabulary_with_hs_round_trips(tmp_path):
    # Hierarchical softmax over one word has no inner node: only gensim's unused last row.
    model = SkipGram([["solo", "solo"], ["solo"]], objective="hs", **PARAMS)
    assert model.output_vectors.shape == (1, 16) and not model.output_vectors.any()
    model.save(tmp_path / "m.sg")
    loaded = SkipGram.load(tmp_path / "m.sg")
    assert loaded.wv.index_to_key == ["solo"]
    assert loaded.output_vectors.shape == (1, 16)
    assert np.array_equal(loaded.wv.vectors, model.wv.vectors)


def test_untrained_model_round_trips(tmp_path):
    model = SkipGram(CORPUS[:100], objective="ns", **PARAMS)
    model.save(tmp_path / "m.sg")
    loaded = SkipGram.load(tmp_path / "m.sg")
    assert loaded.epochs_trained == 0
    assert np.array_equal(loaded.wv.vectors, model.wv.vectors)
    assert not np.any(loaded.output_vectors)


def test_saving_without_a_vocabulary_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="no vocabulary"):
        SkipGram(**PARAMS).save(tmp_path / "m.sg")
    assert list(tmp_path.iterdir()) == []


# --- model files whose contents are inconsistent ----------------------------------------------


def _change(arrays=None, metadata=None, params=None, drop=None):
    """A change to a saved model's arrays and metadata (applied by `rewrite`)."""

    def apply(saved_arrays, saved_metadata):
        saved_arrays.update(arrays or {})
        saved_metadata.update(metadata or {})
        saved_metadata["params"].update(params or {})
        for key in drop or ():
            (saved_arrays if key in saved_arrays else saved_metadata).pop(key)

    return apply


BROKEN_MODELS = {
    "missing params": _change(drop=["params"]),
    "unknown parameter": _change(params={"colour": "blue"}),
    "invalid parameter": _change(params={"vector_size": 0}),
    # hs keeps gensim's V rows, the last one unused and zero: a filled one is not an hs matrix.
    "objective changed": _change(
        params={"objective": "hs"}, arrays={"output_vectors": np.ones((80, 16), np.float32)}
    ),
    "vector_size changed": _change(params={"vector_size": 8}),
    "missing output vectors": _change(drop=["output_vectors"]),
    "missing counts": _change(drop=["counts"]),
    "missing epochs_trained": _change(drop=["epochs_trained"]),
    "total_words not a number": _change(metadata={"total_words": "many"}),
    "loss history not a list": _change(metadata={"loss_history": 5}),
    "counts of the wrong length": _change(arrays={"counts": np.ones(3, np.int64)}),
    "float64 vectors": _change(arrays={"vectors": np.zeros((80, 16))}),
    "output vectors with too few rows": _change(
        arrays={"output_vectors": np.zeros((2, 16), np.float32)}
    ),
    "duplicate words": _change(
        arrays={
            "word_bytes": np.frombuffer(b"aa" * 40, np.uint8),
            "word_ends": np.arange(2, 81, 2, dtype=np.int64).repeat(2)[:80],
        }
    ),
}


def rewrite(path: Path, target: Path, change) -> Path:
    arrays, metadata = load_arrays(path, "skipgram_model")
    change(arrays, metadata)
    save_arrays(target, "skipgram_model", arrays, metadata)
    return target


@pytest.fixture(scope="module")
def ns_model_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ns") / "model.sg"
    model = SkipGram(CORPUS, objective="ns", **PARAMS)
    assert len(model.wv) == 80  # the broken models above assume that every word occurs
    model.save(path)
    return path


def test_rewriting_helper_keeps_a_valid_model(ns_model_file, tmp_path):
    # Control for the broken models below: an unchanged rewrite loads, with the same contents.
    original = SkipGram.load(ns_model_file)
    rewritten = SkipGram.load(rewrite(ns_model_file, tmp_path / "m.sg", _change()))
    assert rewritten.wv.index_to_key == original.wv.index_to_key
    np.testing.assert_array_equal(rewritten.wv.vectors, original.wv.vectors)
    np.testing.assert_array_equal(rewritten.output_vectors, original.output_vectors)


@pytest.mark.parametrize("change", BROKEN_MODELS.values(), ids=BROKEN_MODELS.keys())
def test_inconsistent_model_file_is_rejected(ns_model_file, tmp_path, change):
    with pytest.raises(ModelFormatError):
        SkipGram.load(rewrite(ns_model_file, tmp_path / "m.sg", change))


def test_float64_output_vectors_are_rejected(ns_model_file, tmp_path):
    change = _change(arrays={"output_vectors": np.zeros((80, 16))})
    with pytest.raises(ModelFormatError):
        SkipGram.load(rewrite(ns_model_file, tmp_path / "m.sg", change))


def test_a_skipgram_0_1_hs_file_with_one_row_per_inner_node_loads(tmp_path):
    # skipgram 0.1 saved V - 1 hierarchical-softmax rows; the model now has gensim's V.
    model = SkipGram(CORPUS, objective="hs", **PARAMS).train(epochs=1)
    model.save(tmp_path / "new.sg")

    def as_0_1(arrays, metadata):
        arrays["output_vectors"] = arrays["output_vectors"][:-1]

    old = SkipGram.load(rewrite(tmp_path / "new.sg", tmp_path / "old.sg", as_0_1))
    np.testing.assert_array_equal(old.syn1, model.syn1)
    assert old.syn1.shape == (len(old.wv), 16)
