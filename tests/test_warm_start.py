"""Warm starts and per-word learning-rate factors: `SkipGram(init_vectors=..., lock=...)`,
`wv.vectors_lockf` and `wv.intersect_word2vec_format` (the gensim differential tests of the
last two are in test_gensim_lockf.py)."""

import logging
import warnings

import numpy as np
import pytest

from skipgram import KeyedVectors, SkipGram
from skipgram.io import ModelFormatError

SMALL = {"vector_size": 8, "window": 2, "min_count": 1, "workers": 1, "epochs": 2, "seed": 3}


@pytest.fixture
def corpus(make_planted):
    return make_planted(groups=3, group_size=4, sentences=300, length=8, seed=2)


def pretrained(words, dim=8, seed=0):
    """Vectors of `words` unlike any random initialisation (norms near 1)."""
    rng = np.random.default_rng(seed)
    return KeyedVectors(list(words), rng.standard_normal((len(words), dim)).astype(np.float32))


def rows(model, words):
    return model.wv.vectors[[model.wv.get_index(w) for w in words]].copy()


# ---- vectors_lockf -------------------------------------------------------------------------


def test_vectors_lockf_defaults_to_ones_one_per_word(corpus):
    model = SkipGram(corpus, **SMALL)
    lockf = model.wv.vectors_lockf
    assert lockf.shape == (len(model.wv),) and lockf.dtype == np.float32
    assert np.all(lockf == 1.0)
    assert model.wv.vectors_lockf is lockf  # the same array: edits in place stick


def test_a_locked_word_does_not_move_in_training_and_the_others_do(corpus):
    model = SkipGram(corpus, **SMALL)
    locked = model.wv.index_to_key[:3]
    model.wv.vectors_lockf[[model.wv.get_index(w) for w in locked]] = 0.0
    before = model.wv.vectors.copy()
    model.train()
    after = model.wv.vectors
    assert rows(model, locked).tobytes() == before[:3].tobytes()
    assert np.all(np.any(after[3:] != before[3:], axis=1))


def test_one_factor_applies_to_every_word_as_in_gensim(corpus):
    model = SkipGram(corpus, **SMALL)
    model.wv.vectors_lockf = np.zeros(1, dtype=np.float32)
    before = model.wv.vectors.copy()
    model.train()
    assert model.wv.vectors.tobytes() == before.tobytes()
    assert np.any(model.output_vectors != 0)  # the output vectors still learn


def test_factors_of_one_train_exactly_like_no_factors(corpus):
    plain = SkipGram(corpus, **SMALL).train()
    ones = SkipGram(corpus, **SMALL)
    ones.wv.vectors_lockf[:] = 1.0
    assert ones.train().wv.vectors.tobytes() == plain.wv.vectors.tobytes()


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (np.ones(5, dtype=np.float64), TypeError, "float32"),
        ([1.0] * 12, TypeError, "float32 numpy array"),
        (np.ones(5, dtype=np.float32), ValueError, r"one factor per vector \(12\)"),
        (np.ones((12, 1), dtype=np.float32), ValueError, "shape"),
        (np.full(12, np.nan, dtype=np.float32), ValueError, "finite"),
        (np.full(12, -1.0, dtype=np.float32), ValueError, ">= 0"),
    ],
)
def test_bad_lock_factors_are_refused_with_the_fix(corpus, value, error, message):
    model = SkipGram(corpus, **SMALL)
    assert len(model.wv) == 12
    with pytest.raises(error, match=message):
        model.wv.vectors_lockf = value


def test_factors_made_invalid_in_place_stop_training_before_it_starts(corpus):
    model = SkipGram(corpus, **SMALL)
    model.wv.vectors_lockf[0] = np.nan
    before = model.wv.vectors.copy()
    with pytest.raises(ValueError, match="vectors_lockf must be finite"):
        model.train()
    assert model.wv.vectors.tobytes() == before.tobytes()


def test_lock_factors_are_saved_with_the_model_and_train_after_loading(corpus, tmp_path):
    model = SkipGram(corpus, **SMALL)
    model.wv.vectors_lockf[:2] = [0.0, 0.5]
    model.save(tmp_path / "m.sg")
    loaded = SkipGram.load(tmp_path / "m.sg")
    assert loaded.wv.vectors_lockf.tolist() == model.wv.vectors_lockf.tolist()
    before = loaded.wv.vectors[0].copy()
    loaded.train(corpus)
    assert loaded.wv.vectors[0].tobytes() == before.tobytes()


def test_all_ones_factors_are_not_saved(corpus, tmp_path):
    from skipgram.io import load_arrays
    from skipgram.model_file import MODEL_KIND

    model = SkipGram(corpus, **SMALL)
    model.wv.vectors_lockf[:] = 1.0
    model.save(tmp_path / "m.sg")
    arrays, _ = load_arrays(tmp_path / "m.sg", MODEL_KIND)
    assert "vectors_lockf" not in arrays


def test_forged_saved_factors_are_a_format_error(corpus, tmp_path):
    from skipgram.io import load_arrays, save_arrays
    from skipgram.model_file import MODEL_KIND

    model = SkipGram(corpus, **SMALL)
    model.wv.vectors_lockf[0] = 0.0
    model.save(tmp_path / "m.sg")
    arrays, metadata = load_arrays(tmp_path / "m.sg", MODEL_KIND)
    arrays = dict(arrays, vectors_lockf=np.full(3, -1.0, np.float32))
    save_arrays(tmp_path / "forged.sg", MODEL_KIND, arrays, metadata)
    with pytest.raises(ModelFormatError, match="vectors_lockf"):
        SkipGram.load(tmp_path / "forged.sg")


def test_a_vocabulary_update_keeps_the_factors_and_new_words_train_freely(corpus):
    model = SkipGram(corpus, **SMALL)
    model.wv.vectors_lockf[0] = 0.0
    model.build_vocab([["brand", "new", "words", "here"]] * 3, update=True)
    lockf = model.wv.vectors_lockf
    assert len(lockf) == len(model.wv) == 16
    assert lockf[0] == 0.0 and np.all(lockf[1:] == 1.0)


def test_sorting_by_frequency_keeps_each_word_with_its_factor():
    wv = KeyedVectors(["rare", "common"], np.zeros((2, 3), np.float32), counts=[1, 9])
    wv.vectors_lockf[0] = 0.25
    wv.sort_by_descending_frequency()
    assert wv.index_to_key == ["common", "rare"]
    assert wv.vectors_lockf.tolist() == [1.0, 0.25]


def test_added_keys_get_a_factor_of_one():
    wv = KeyedVectors(["a"], np.zeros((1, 3), np.float32))
    wv.vectors_lockf[0] = 0.0
    wv.add_vectors(["b", "c"], np.ones((2, 3)))
    assert wv.vectors_lockf.tolist() == [0.0, 1.0, 1.0]


# ---- init_vectors and lock -----------------------------------------------------------------


def test_init_vectors_start_the_known_words_from_the_pretrained_vectors(corpus):
    known = ["g0w0", "g1w1", "g2w2"]
    source = pretrained([*known, "elsewhere"])
    model = SkipGram(corpus, init_vectors=source, **SMALL)
    np.testing.assert_array_equal(rows(model, known), source[known])
    assert model.warm_start.words_found == 3
    assert model.warm_start.vocabulary_size == 12
    assert model.warm_start.pretrained_words == 4
    assert model.warm_start.fraction_found == pytest.approx(0.25)
    assert model.warm_start.lock == model.lock == 0.1  # damped by default
    assert sorted(set(model.wv.vectors_lockf.tolist())) == [np.float32(0.1), 1.0]
    assert model.wv.vectors_lockf[model.wv.get_index("g1w1")] == np.float32(0.1)


def test_free_pretrained_rows_keep_factors_of_one(corpus):
    model = SkipGram(corpus, init_vectors=pretrained(["g0w0"]), lock="free", **SMALL)
    assert model.warm_start.lock == 1.0 and model.wv._lockf is None


def test_frozen_pretrained_rows_stay_and_the_rest_trains(corpus):
    known = ["g0w0", "g1w1"]
    source = pretrained(known)
    model = SkipGram(corpus, init_vectors=source, lock="frozen", **SMALL)
    others = [w for w in model.wv.index_to_key if w not in known]
    before = rows(model, others)
    model.train()
    np.testing.assert_array_equal(rows(model, known), source[known])
    assert np.all(np.any(rows(model, others) != before, axis=1))
    assert model.wv.vectors_lockf[model.wv.get_index("g0w0")] == 0.0


def test_damped_pretrained_rows_get_the_factor_and_move_less_than_free_ones(corpus):
    known = ["g0w0", "g1w1", "g2w2"]
    source = pretrained(known)
    damped = SkipGram(corpus, init_vectors=source, lock=0.05, **SMALL)
    free = SkipGram(corpus, init_vectors=source, lock="free", **SMALL)
    assert damped.wv.vectors_lockf[damped.wv.get_index("g1w1")] == np.float32(0.05)
    moved = {}
    for name, model in (("damped", damped), ("free", free)):
        model.train()
        moved[name] = np.linalg.norm(rows(model, known) - source[known], axis=1)
    assert np.all(moved["damped"] > 0)
    assert np.all(moved["damped"] < moved["free"])


@pytest.mark.parametrize("kind", ["word2vec-text", "word2vec-binary", "glove", "vec.gz", "kv"])
def test_init_vectors_reads_every_vectors_file_format(corpus, tmp_path, kind):
    source = pretrained(["g0w0", "g2w3", "absent"])
    path = tmp_path / {"vec.gz": "v.vec.gz", "kv": "v.kv"}.get(kind, "v.txt")
    if kind == "kv":
        source.save(path)
    else:
        source.save_word2vec_format(
            path, binary=kind == "word2vec-binary", write_header=kind != "glove"
        )
    model = SkipGram(corpus, init_vectors=path, **SMALL)
    assert model.warm_start.words_found == 2 and model.warm_start.source == str(path)
    np.testing.assert_array_equal(rows(model, ["g0w0", "g2w3"]), source[["g0w0", "g2w3"]])


def test_init_vectors_reads_a_saved_model(corpus, tmp_path):
    donor = SkipGram(corpus, **SMALL).train()
    donor.save(tmp_path / "donor.sg")
    model = SkipGram(corpus[:100], init_vectors=tmp_path / "donor.sg", **SMALL)
    words = model.wv.index_to_key
    np.testing.assert_array_equal(model.wv.vectors, donor.wv[words])


def test_a_dimension_mismatch_names_both_sizes(corpus, tmp_path):
    with pytest.raises(ValueError, match="have 5 dimensions but the model's vector_size is 8"):
        SkipGram(corpus, init_vectors=pretrained(["g0w0"], dim=5), **SMALL)
    pretrained(["g0w0"], dim=6).save_word2vec_format(tmp_path / "v.txt")
    with pytest.raises(ValueError, match=r"6 dimensions .* vector_size is 8: pass vector_size=6"):
        SkipGram(corpus, init_vectors=tmp_path / "v.txt", **SMALL)


def test_the_number_of_words_found_is_logged(corpus, caplog):
    with caplog.at_level(logging.INFO, logger="skipgram.warm_start"):
        SkipGram(corpus, init_vectors=pretrained(["g0w0", "g0w1"]), **SMALL)
    assert "2 of 12 vocabulary words (16.7%)" in caplog.text


def test_no_word_found_warns_about_tokenisation(corpus):
    with pytest.warns(UserWarning, match="none of the 12 vocabulary words .* lower-cased"):
        model = SkipGram(corpus, init_vectors=pretrained(["G0W0", "other"]), **SMALL)
    assert model.warm_start.words_found == 0


def test_init_weights_starts_again_from_the_pretrained_vectors(corpus):
    source = pretrained(["g0w0"])
    model = SkipGram(corpus, init_vectors=source, **SMALL).train()
    model.init_weights()
    np.testing.assert_array_equal(rows(model, ["g0w0"]), source[["g0w0"]])


def test_init_vectors_wait_for_the_vocabulary_of_the_two_step_form(corpus):
    source = pretrained(["g1w2"])
    model = SkipGram(init_vectors=source, lock="frozen", **SMALL)
    assert model.warm_start is None
    model.build_vocab(corpus)
    np.testing.assert_array_equal(rows(model, ["g1w2"]), source[["g1w2"]])


def test_the_warm_start_record_is_saved_with_the_model(corpus, tmp_path):
    model = SkipGram(corpus, init_vectors=pretrained(["g0w0"]), lock=0.5, **SMALL)
    model.save(tmp_path / "m.sg")
    assert SkipGram.load(tmp_path / "m.sg").warm_start == model.warm_start


@pytest.mark.parametrize(
    ("lock", "error", "message"),
    [
        ("locked", ValueError, "'free', 'frozen' or a learning-rate factor"),
        (1.5, ValueError, r"in \[0, 1\]"),
        (float("nan"), ValueError, r"in \[0, 1\]"),
        (True, TypeError, "lock must be"),
        (None, TypeError, "lock must be"),
    ],
)
def test_bad_locks_are_refused(lock, error, message):
    with pytest.raises(error, match=message):
        SkipGram(lock=lock)


def test_bad_init_vectors_are_refused_at_construction(tmp_path):
    with pytest.raises(TypeError, match="KeyedVectors or the path"):
        SkipGram(init_vectors={"king": [0.1]})
    with pytest.raises(FileNotFoundError, match="no such file"):
        SkipGram(init_vectors=tmp_path / "missing.txt")
    (tmp_path / "junk.txt").write_text("not vectors at all\n")
    with pytest.raises(ModelFormatError):
        SkipGram([["a", "b"]], min_count=1, init_vectors=tmp_path / "junk.txt")


def test_a_warm_start_needs_no_warning_filter(corpus):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SkipGram(corpus, init_vectors=pretrained(["g0w0"]), **SMALL).train()
