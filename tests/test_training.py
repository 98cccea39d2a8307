"""SkipGram end to end: it learns, it is reproducible, its loss is trustworthy, and bad input is
refused with a message that says what to do."""

import itertools
from importlib import resources

import numpy as np
import pytest

from skipgram import LineSentence, SkipGram

SMALL = {"vector_size": 16, "window": 3, "min_count": 1, "sample": 0, "seed": 3}


def group_of(word: str) -> str:
    return word.split("w")[0]


@pytest.mark.parametrize(
    ("objective", "extra"),
    [("ns", {"negative": 5}), ("hs", {}), ("softmax", {"alpha": 0.05})],
)
def test_each_objective_puts_same_group_words_nearest(planted, objective, extra):
    model = SkipGram(
        planted, objective=objective, epochs=5, workers=2, **{**SMALL, **extra}
    ).train()
    for word in model.wv.index_to_key:
        neighbours = [w for w, _ in model.most_similar(word, topn=5)]
        assert all(group_of(w) == group_of(word) for w in neighbours), (word, neighbours)


def test_one_expression_builds_trains_and_returns_the_model(planted):
    model = SkipGram(planted, epochs=1, workers=1, **SMALL).train()
    assert isinstance(model, SkipGram)
    assert model.epochs_trained == 1


def test_same_seed_one_worker_is_bit_identical(planted):
    first = SkipGram(planted, epochs=2, workers=1, **SMALL).train()
    second = SkipGram(planted, epochs=2, workers=1, **SMALL).train()
    np.testing.assert_array_equal(first.wv.vectors, second.wv.vectors)
    np.testing.assert_array_equal(first.output_vectors, second.output_vectors)


def test_a_different_seed_gives_different_vectors(planted):
    first = SkipGram(planted, epochs=1, workers=1, **SMALL).train()
    other = SkipGram(planted, epochs=1, workers=1, **{**SMALL, "seed": 4}).train()
    assert not np.array_equal(first.wv.vectors, other.wv.vectors)


@pytest.mark.parametrize("objective", ["ns", "hs", "softmax"])
def test_computing_the_loss_does_not_change_the_vectors(planted, objective):
    plain = SkipGram(planted, objective=objective, epochs=2, workers=1, **SMALL).train()
    tallied = SkipGram(planted, objective=objective, epochs=2, workers=1, **SMALL)
    tallied.train(compute_loss=True)
    np.testing.assert_array_equal(plain.wv.vectors, tallied.wv.vectors)
    assert plain.loss_history == [] and len(tallied.loss_history) == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("objective", "groups"),
    # Enough groups that three epochs are still learning (a tiny corpus hits its floor at once,
    # the exact softmax, with its larger default alpha, sooner than the others).
    [("ns", 60), ("hs", 60), ("softmax", 100)],
)
def test_loss_history_has_one_finite_falling_value_per_epoch(make_planted, objective, groups):
    corpus = make_planted(groups=groups, group_size=8, sentences=1500)
    model = SkipGram(corpus, objective=objective, epochs=3, workers=2, **SMALL)
    model.train(compute_loss=True)
    history = model.loss_history
    assert len(history) == 3 and all(np.isfinite(history))
    assert history[0] > history[1] > history[2]


def test_every_raw_word_is_counted_and_every_word_trained_without_subsampling(planted):
    model = SkipGram(planted, epochs=1, workers=2, **SMALL).train()
    total = sum(len(s) for s in planted)
    assert model.last_epoch.raw_words == total
    assert model.last_epoch.kept_words == total  # sample=0 and min_count=1: nothing dropped


def test_a_sentence_of_a_million_tokens_is_trained_whole():
    rng = np.random.default_rng(0)
    sentence = [f"w{i}" for i in rng.integers(0, 50, 1_000_000)]
    model = SkipGram([sentence], vector_size=8, min_count=1, sample=0, epochs=1, workers=1)
    model.train()
    assert model.last_epoch.kept_words == 1_000_000


def test_training_continues_from_a_new_corpus(planted):
    model = SkipGram(planted, epochs=1, workers=1, **SMALL).train()
    before = model.wv.vectors.copy()
    model.train(planted[:500], epochs=1)
    assert model.epochs_trained == 2
    assert not np.array_equal(before, model.wv.vectors)


def test_queries_see_the_vectors_after_more_training(planted):
    model = SkipGram(planted, epochs=1, workers=1, **SMALL).train()
    word = model.wv.index_to_key[0]
    model.most_similar(word)  # fills the unit-vector cache
    model.train(epochs=1)
    expected = model.wv.vectors / np.linalg.norm(model.wv.vectors, axis=1, keepdims=True)
    np.testing.assert_allclose(model.wv.unit_vectors, expected, rtol=1e-5)


def test_line_sentence_files_train(tmp_path, make_planted):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in make_planted(sentences=500)) + "\n")
    model = SkipGram(LineSentence(path), epochs=1, workers=2, **SMALL).train()
    assert len(model.wv) == 36


# ---- bad input -------------------------------------------------------------------------------


def test_a_string_corpus_is_a_type_error_suggesting_line_sentence():
    with pytest.raises(TypeError, match="LineSentence"):
        SkipGram("corpus.txt")


def test_an_empty_corpus_is_a_value_error():
    with pytest.raises(ValueError, match="empty"):
        SkipGram([])


def test_no_word_reaching_min_count_is_a_value_error_with_the_counts():
    with pytest.raises(ValueError, match=r"min_count=5.*occurs 2 times"):
        SkipGram([["a", "b", "a"]], min_count=5)


def test_a_generator_is_refused_for_training_with_a_clear_message(planted):
    model = SkipGram((s for s in planted), **SMALL)
    with pytest.raises(TypeError, match="one-shot"):
        model.train()


def test_sentences_of_strings_are_refused():
    with pytest.raises(TypeError, match="list of str tokens"):
        SkipGram(["a whole sentence as one string"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"objective": "cbow"}, "objective must be one of"),
        ({"negative": 0}, "negative >= 1"),
        ({"vector_size": 0}, r"vector_size must be an integer in \[1, 10,000\], got 0"),
        ({"window": 2.5}, r"window must be an integer in \[1, 1,000\], got 2.5"),
        ({"alpha": -1.0}, r"alpha must be a finite number in \(0, 3.40282e\+38\], got -1.0"),
        ({"alpha": 0.0}, r"alpha must be a finite number in \(0, "),
        ({"sample": float("nan")}, r"sample must be a finite number in \[0, 1\], got nan"),
        ({"min_alpha": -1.0}, r"min_alpha must be a finite number in \[0, "),
    ],
)
def test_invalid_parameters_are_value_errors(params, message):
    with pytest.raises(ValueError, match=message):
        SkipGram(**params)


def test_hs_does_not_need_negative():
    model = SkipGram(objective="hs", negative=0)
    assert model.params.negative == 0


def test_an_unknown_parameter_is_a_type_error_listing_valid_ones():
    with pytest.raises(TypeError, match=r"unknown parameter.*vector_size"):
        SkipGram(size=100)


def test_training_before_build_vocab_says_what_to_do():
    with pytest.raises(RuntimeError, match="build the vocabulary first"):
        SkipGram().train()


def test_max_vocab_size_bounds_the_count_table_and_still_trains(make_planted):
    # 36 frequent words plus 3000 words seen once: pruning keeps the frequent ones.
    corpus = make_planted(sentences=1000) + [[f"rare{i}"] for i in range(3000)]
    model = SkipGram(corpus, max_vocab_size=500, epochs=1, workers=1, **SMALL).train()
    assert set(model.wv.index_to_key) >= {f"g{g}w{i}" for g in range(6) for i in range(6)}
    assert len(model.wv) <= 500
    assert model.last_epoch.raw_words == sum(len(s) for s in corpus)


@pytest.mark.slow
def test_on_text_ordered_by_topic_shuffle_keeps_the_loss_falling_every_epoch():
    # The bundled demo corpus runs through books in order. Read in that order (the default),
    # the online loss rises in the last epochs (a high learning rate lets the model follow the
    # current topic, a decayed one no longer does); the opt-in per-epoch shuffle keeps it falling.
    demo = resources.files("skipgram") / "data" / "demo.txt.gz"
    corpus = list(itertools.islice(LineSentence(str(demo)), 4000))
    shuffled = SkipGram(corpus, vector_size=50, epochs=5, workers=1, shuffle=True)
    shuffled.train(compute_loss=True)
    history = shuffled.loss_history
    assert all(a > b for a, b in itertools.pairwise(history)), history
    ordered = SkipGram(corpus, vector_size=50, epochs=5, workers=1)  # corpus order by default
    history = ordered.train(compute_loss=True).loss_history
    assert history[-1] > history[-2], history  # what the shuffle is for


def test_the_default_keeps_the_corpus_order_and_shuffle_is_reproducible_too(planted):
    first = SkipGram(planted, epochs=1, workers=1, **SMALL).train()
    ordered = SkipGram(planted, epochs=1, workers=1, shuffle=False, **SMALL).train()
    shuffled = SkipGram(planted, epochs=1, workers=1, shuffle=True, **SMALL).train()
    again = SkipGram(planted, epochs=1, workers=1, shuffle=True, **SMALL).train()
    np.testing.assert_array_equal(first.wv.vectors, ordered.wv.vectors)
    np.testing.assert_array_equal(shuffled.wv.vectors, again.wv.vectors)
    assert not np.array_equal(first.wv.vectors, shuffled.wv.vectors)
