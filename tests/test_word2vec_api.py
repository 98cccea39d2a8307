"""Unit tests of the gensim-style trainer API: the untrained-model warning, train()'s gensim
keywords, the model attributes gensim code reads, the constructor keywords and the
training-side methods (predict_output_word, score, build_vocab_from_freq, ...)."""

import warnings

import numpy as np
import pytest

from skipgram import KeyedVectors, SkipGram

SMALL = {"vector_size": 16, "min_count": 1, "workers": 1, "seed": 3}


@pytest.fixture
def corpus(make_planted):
    return make_planted(groups=3, group_size=4, sentences=300, length=8)


# ---- an untrained model warns -------------------------------------------------------------


def test_a_query_before_training_warns_that_the_vectors_are_random(corpus):
    model = SkipGram(corpus, **SMALL)
    with pytest.warns(UserWarning, match=r"not been trained.*random.*train\(\)") as caught:
        model.most_similar("g0w0")
    assert caught[0].filename == __file__  # the warning names the user's line
    with pytest.warns(UserWarning, match="random"):
        model.wv.similarity("g0w0", "g0w1")
    with pytest.warns(UserWarning, match="random"):
        model.wv.most_similar_cosmul("g0w0")


def test_a_trained_model_answers_without_a_warning(corpus):
    model = SkipGram(corpus, epochs=1, **SMALL).train()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.most_similar("g0w0")
        model.wv.similarity("g0w0", "g0w1")


def test_a_loaded_trained_model_never_warns_but_a_loaded_untrained_one_does(corpus, tmp_path):
    SkipGram(corpus, epochs=1, **SMALL).train().save(tmp_path / "trained.model")
    SkipGram(corpus, **SMALL).save(tmp_path / "untrained.model")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SkipGram.load(tmp_path / "trained.model").wv.most_similar("g0w0")
    with pytest.warns(UserWarning, match="random"):
        SkipGram.load(tmp_path / "untrained.model").most_similar("g0w0")


def test_keyed_vectors_made_by_users_never_warn(corpus, tmp_path):
    vectors = np.random.default_rng(0).random((3, 4), dtype=np.float32)
    untrained = SkipGram(corpus, **SMALL)
    untrained.wv.save(tmp_path / "vectors.kv")  # saved vectors carry no training state
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        KeyedVectors(["a", "b", "c"], vectors).most_similar("a")
        KeyedVectors.load(tmp_path / "vectors.kv").most_similar("g0w0")


def test_the_warning_stops_once_training_has_started_even_if_interrupted(corpus):
    class StopAtFirstEpochEnd:
        def on_epoch_end(self, model):
            raise KeyboardInterrupt

    model = SkipGram(corpus, epochs=3, **SMALL)
    with pytest.raises(KeyboardInterrupt):
        model.train(callbacks=[StopAtFirstEpochEnd()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.most_similar("g0w0")


def test_a_vocabulary_update_keeps_the_trained_state(corpus):
    model = SkipGram(corpus, epochs=1, **SMALL).train()
    model.build_vocab([["brand", "new", "words"]] * 3, update=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.most_similar("g0w0")
    fresh = SkipGram(corpus, **SMALL)
    fresh.build_vocab([["brand", "new", "words"]] * 3, update=True)
    with pytest.warns(UserWarning, match="random"):
        fresh.most_similar("brand")
