"""Unit tests of the gensim-style trainer API: the untrained-model warning, train()'s gensim
keywords, the model attributes gensim code reads, the constructor keywords and the
training-side methods (predict_output_word, score, build_vocab_from_freq, ...)."""

import warnings
from pathlib import Path

import numpy as np
import pytest

import skipgram
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


# ---- train() with gensim's keywords -------------------------------------------------------


def trained(corpus, train_kwargs=None, **params):
    model = SkipGram(corpus, **{**SMALL, "epochs": 2, **params})
    return model.train(**(train_kwargs or {}))


def test_gensims_training_idiom_is_the_default_schedule(corpus):
    plain = trained(corpus)
    model = SkipGram(corpus, **{**SMALL, "epochs": 2})
    model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
    np.testing.assert_array_equal(model.wv.vectors, plain.wv.vectors)
    by_words = SkipGram(corpus, **{**SMALL, "epochs": 2})
    by_words.train(corpus_iterable=corpus, total_words=by_words.corpus_total_words, epochs=2)
    np.testing.assert_array_equal(by_words.wv.vectors, plain.wv.vectors)


def test_a_supplied_count_that_differs_is_used_and_logged(corpus, caplog):
    plain = trained(corpus)
    with caplog.at_level("WARNING", logger="skipgram"):
        halved = trained(corpus, {"total_examples": len(corpus) // 2})
    assert "supplied example count" in caplog.text
    assert not np.array_equal(halved.wv.vectors, plain.wv.vectors)  # the rate fell faster


def test_start_and_end_alpha_replace_alpha_and_min_alpha_for_one_call(corpus):
    expected = trained(corpus, alpha=0.05, min_alpha=0.01)
    model = trained(corpus, {"start_alpha": 0.05, "end_alpha": 0.01})
    np.testing.assert_array_equal(model.wv.vectors, expected.wv.vectors)
    assert (model.alpha, model.min_alpha) == (0.025, 1e-4)  # the parameters are unchanged


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_alpha": 0.0}, r"start_alpha must be a finite number in \(0"),
        ({"end_alpha": float("nan")}, "end_alpha must be a finite number"),
        ({"total_examples": -1}, r"total_examples must be an integer in \[0"),
        ({"total_words": 2.5}, "total_words must be an integer"),
        ({"queue_factor": 0}, r"queue_factor must be an integer in \[1, 1,000\]"),
        ({"report_delay": -1.0}, "report_delay must be a finite number"),
        ({"word_count": -5}, "word_count must be an integer"),
        ({"epochs": 0}, "epochs must be an integer"),
    ],
)
def test_bad_train_arguments_are_refused_before_training(corpus, kwargs, message):
    model = SkipGram(corpus, **SMALL)
    before = model.wv.vectors.copy()
    with pytest.raises(ValueError, match=message):
        model.train(**kwargs)
    np.testing.assert_array_equal(model.wv.vectors, before)


def test_the_corpus_is_given_once_under_one_of_its_names(corpus, tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in corpus) + "\n")
    model = SkipGram(**SMALL)
    model.build_vocab(corpus_file=str(path))
    assert model.corpus_count == len(corpus)
    model.train(corpus_file=path, total_words=model.corpus_total_words, epochs=1)
    assert model.epochs_trained == 1
    with pytest.raises(TypeError, match="pass the corpus once"):
        model.train(corpus, corpus_file=str(path))
    with pytest.raises(TypeError, match="corpus_file must be the path"):
        model.train(corpus_file=corpus)
    with pytest.raises(FileNotFoundError):
        model.train(corpus_file=str(tmp_path / "missing.txt"))


def test_report_delay_logs_progress_lines(corpus, caplog):
    with caplog.at_level("INFO", logger="skipgram"):
        trained(corpus, {"report_delay": 0.0})
    assert "PROGRESS: at" in caplog.text
    caplog.clear()
    with caplog.at_level("INFO", logger="skipgram"):
        trained(corpus)  # by default, one line per epoch and no progress lines
    assert "PROGRESS" not in caplog.text


def test_the_latest_training_loss_is_the_sum_over_the_latest_call(corpus, tmp_path):
    model = trained(corpus, {"compute_loss": True})
    pairs_and_means = model.last_epoch.pairs * model.loss_history[-1]
    assert model.get_latest_training_loss() > pairs_and_means  # two epochs are summed
    first = model.get_latest_training_loss()
    model.train(epochs=1, compute_loss=True)  # a new call starts from 0
    assert model.get_latest_training_loss() == pytest.approx(model.last_epoch.loss, rel=1e-12)
    assert model.get_latest_training_loss() < first
    model.save(tmp_path / "m.model")
    assert SkipGram.load(tmp_path / "m.model").get_latest_training_loss() == (
        model.get_latest_training_loss()
    )
    model.train(epochs=1)  # without the loss: 0.0, as gensim
    assert model.get_latest_training_loss() == 0.0


def test_train_count_and_train_time(corpus):
    model = trained(corpus)
    model.train(epochs=1)
    assert model.train_count == 2
    assert model.total_train_time > 0


# ---- the attributes gensim code reads ----------------------------------------------------


def test_corpus_attributes(corpus):
    model = SkipGram(corpus, **SMALL)
    assert model.corpus_count == len(corpus)
    assert model.corpus_total_words == sum(map(len, corpus))
    empty = SkipGram(**SMALL)
    assert (empty.corpus_count, empty.corpus_total_words) == (0, 0)


def test_parameter_attributes_read_and_set_through_validation(corpus):
    model = SkipGram(corpus, **SMALL)
    assert (model.epochs, model.window, model.vector_size, model.sample) == (5, 5, 16, 1e-3)
    assert (model.alpha, model.min_alpha, model.negative, model.hs, model.sg) == (
        0.025,
        1e-4,
        5,
        0,
        1,
    )
    model.epochs, model.window, model.alpha = 2, 3, 0.05
    assert (model.params.epochs, model.params.window, model.params.alpha) == (2, 3, 0.05)
    model.train()
    assert model.epochs_trained == 2  # the new epochs are used
    with pytest.raises(ValueError, match="epochs must be an integer"):
        model.epochs = 0
    model.alpha = 1e-5  # below min_alpha: a rising schedule, accepted as in gensim
    assert (model.alpha, model.min_alpha) == (1e-5, 1e-4)
    model.alpha = 0.05
    with pytest.raises(ValueError, match="window must be an integer in"):
        model.window = 10**6
    with pytest.raises(ValueError, match=r"negative sampling .* needs negative >= 1"):
        model.negative = 0
    with pytest.raises(AttributeError, match="vector_size cannot be changed"):
        model.vector_size = 32
    with pytest.raises(AttributeError, match="hs cannot be changed"):
        model.hs = 1
    with pytest.raises(ValueError, match="CBOW"):
        model.sg = 0
    assert model.params.window == 3  # a refused value changes nothing


def test_output_matrices_under_gensims_names(corpus):
    ns = SkipGram(corpus, **SMALL)
    assert ns.syn1neg is ns.output_vectors
    with pytest.raises(AttributeError, match="syn1 exists for hierarchical softmax only"):
        _ = ns.syn1
    assert not hasattr(ns, "syn1")  # gensim code tests for it this way
    hs = SkipGram(corpus, objective="hs", **SMALL)
    assert hs.syn1 is hs.output_vectors and hs.syn1.shape == (len(hs.wv), 16)
    assert (hs.hs, hs.negative, hs.cum_table) == (1, 0, None)
    assert not hasattr(hs, "syn1neg")


def test_the_noise_table_is_gensims_cumulative_table(corpus):
    model = SkipGram(corpus, **SMALL)
    table = model.cum_table
    weights = model.vocab.counts.astype(np.float64) ** 0.75
    assert table.dtype == np.uint32 and table[-1] == 2**31 - 1
    np.testing.assert_allclose(
        np.diff(table, prepend=0) / table[-1], weights / weights.sum(), atol=1e-8
    )


def test_estimate_memory_reports_every_matrix(corpus):
    model = SkipGram(corpus, **SMALL)
    report = model.estimate_memory()
    assert report["vectors"] == report["syn1neg"] == len(model.wv) * 16 * 4
    assert report["corpus_ids"] == 4 * model.corpus_total_words
    assert report["total"] == sum(v for k, v in report.items() if k != "total")
    hs = SkipGram(corpus, objective="hs", **SMALL).estimate_memory(vocab_size=1000)
    assert hs["syn1"] == 1000 * 16 * 4 and hs["vocab"] == 700 * 1000


# ---- constructor keywords ----------------------------------------------------------------


def test_sg_is_one_and_cbow_is_refused(corpus):
    assert SkipGram(corpus, sg=1, **SMALL).sg == 1
    for cbow in (0, False):
        with pytest.raises(ValueError, match=r"sg=0 selects CBOW.*gensim\.models\.Word2Vec"):
            SkipGram(corpus, sg=cbow, **SMALL)


@pytest.mark.parametrize(
    ("kwargs", "objective"),
    [
        ({"hs": 1, "negative": 0}, "hs"),
        ({"hs": True, "negative": 0, "objective": "hs"}, "hs"),
        ({"hs": 0}, "ns"),
        ({"hs": 0, "objective": "softmax"}, "softmax"),
        ({}, "ns"),
    ],
)
def test_hs_selects_the_objective(kwargs, objective):
    assert SkipGram(**kwargs).params.objective == objective


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hs": 1}, r"hs=1 with negative=5: gensim trains .* together"),
        ({"hs": 1, "negative": 3}, "Pass hs=1, negative=0"),
        ({"hs": 1, "negative": 0, "objective": "softmax"}, "hs=1 asks for hierarchical"),
        ({"hs": 0, "objective": "hs"}, "hs=0 contradicts objective='hs'"),
        ({"hs": 0, "negative": 0}, "leave nothing to train"),
        ({"hs": 2}, "hs must be 0 or 1"),
    ],
)
def test_combinations_skipgram_does_not_train_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SkipGram(**kwargs)


def test_constructor_defaults_are_the_parameters_defaults():
    import dataclasses
    import inspect

    from skipgram.params import Parameters

    signature = inspect.signature(SkipGram.__init__).parameters
    for field in dataclasses.fields(Parameters):
        if field.name != "objective":  # None in the constructor: decided by hs
            assert signature[field.name].default == field.default, field.name


def test_a_misspelt_keyword_names_the_valid_ones_and_gensim_3_renames():
    with pytest.raises(TypeError, match=r"unknown parameter\(s\) windw; valid ones are .*window"):
        SkipGram(windw=3)
    with pytest.raises(TypeError, match="'iter' is now 'epochs'"):
        SkipGram(iter=3)


@pytest.mark.slow
def test_a_type_checker_catches_a_misspelt_keyword_and_sees_the_types(tmp_path, monkeypatch):
    # mypy comes with the test extra (the quick path without it skips this test); the installed
    # package ships py.typed. mypy cannot follow an editable install's import hook, so a
    # package outside site-packages is shown to it.
    mypy_api = pytest.importorskip("mypy.api")

    package_root = Path(skipgram.__file__).resolve().parent.parent
    if package_root.name not in ("site-packages", "dist-packages"):
        monkeypatch.setenv("MYPYPATH", str(package_root))

    script = tmp_path / "user_script.py"
    script.write_text(
        "from skipgram import KeyedVectors, SkipGram\n"
        "model = SkipGram([['a', 'b']], vector_size=10, min_count=1)\n"
        "wv: KeyedVectors = model.wv\n"
        "epochs: int = model.epochs + model.corpus_count\n"
        "model.train(total_examples=model.corpus_count, epochs=model.epochs)\n"
        "word: str = wv.most_similar('a', topn=1)[0][0]\n"
        "score: float = wv.most_similar('a')[0][1] + wv.similarity('a', 'b')\n"
        "every = wv.most_similar('a', topn=None)\n"
        "print(word.upper(), score, every.shape)\n"
        "SkipGram(windw=3)\n"
    )
    out, _, status = mypy_api.run(
        ["--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"), str(script)]
    )
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1 and len(errors) == 1, out
    assert 'user_script.py:10: error: Argument "windw"' in errors[0]


def test_min_count_zero_keeps_every_word_like_one(corpus):
    assert (
        SkipGram(corpus, min_count=0).wv.index_to_key
        == SkipGram(corpus, min_count=1).wv.index_to_key
    )


def test_max_final_vocab_raises_the_threshold():
    corpus = [["a"] * 5 + ["b"] * 4 + ["c"] * 4 + ["d"] * 2 + ["e"]]
    model = SkipGram(corpus, max_final_vocab=2, **SMALL)
    # The third word has count 4: every word with a count of 4 or less goes (ties included).
    assert model.wv.index_to_key == ["a"] and model.effective_min_count == 5
    model = SkipGram(corpus, max_final_vocab=3, **SMALL)
    assert model.wv.index_to_key == ["a", "b", "c"] and model.effective_min_count == 3
    assert SkipGram(corpus, max_final_vocab=10, **SMALL).effective_min_count == 1
    with pytest.raises(ValueError, match="max_final_vocab must be an integer in"):
        SkipGram(max_final_vocab=0)


def test_trim_rules_from_the_constructor_and_from_build_vocab():
    from skipgram.vocab import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP

    corpus = [["common"] * 5 + ["rare", "drop"] * 5 + ["once"]]

    def rule(word, count, min_count):
        return {"drop": RULE_DISCARD, "once": RULE_KEEP}.get(word, RULE_DEFAULT)

    model = SkipGram(corpus, min_count=2, trim_rule=rule, vector_size=8)
    assert set(model.wv.index_to_key) == {"common", "rare", "once"}
    model.build_vocab(corpus)  # the constructor's rule is kept for later builds
    assert "drop" not in model.wv
    model.build_vocab(corpus, trim_rule=lambda w, c, m: RULE_DEFAULT)
    assert set(model.wv.index_to_key) == {"common", "rare", "drop"}


def test_a_trim_rule_answering_something_else_is_an_error():
    with pytest.raises(TypeError, match=r"trim_rule must return RULE_DEFAULT \(0\).*True"):
        SkipGram([["a", "b"]], min_count=1, trim_rule=lambda w, c, m: w == "a")
    with pytest.raises(TypeError, match="trim_rule must be a function"):
        SkipGram(trim_rule="not a function")


def test_a_trim_rule_decides_the_pruning_of_max_vocab_size():
    from skipgram.vocab import RULE_DEFAULT, RULE_KEEP

    corpus = [["x", "y", "z", "w"], ["x", "y"]] * 3 + [["keep", "a", "b", "c", "d"]]
    model = SkipGram(
        corpus,
        min_count=1,
        max_vocab_size=4,
        trim_rule=lambda w, c, m: RULE_KEEP if w == "keep" else RULE_DEFAULT,
        vector_size=8,
    )
    assert "keep" in model.wv and "a" not in model.wv


def test_unsorted_vocabulary_keeps_first_appearance_and_trains(corpus, tmp_path):
    model = SkipGram(corpus, sorted_vocab=False, objective="hs", negative=0, **SMALL)
    first_seen = list(dict.fromkeys(word for sentence in corpus for word in sentence))
    assert model.wv.index_to_key == first_seen
    model.train(epochs=1)
    model.save(tmp_path / "unsorted.model")
    assert SkipGram.load(tmp_path / "unsorted.model").params.sorted_vocab is False
    with pytest.raises(ValueError, match="sorted_vocab must be True or False"):
        SkipGram(sorted_vocab=2)


def test_the_null_word_joins_the_vocabulary_trains_and_saves(tmp_path):
    corpus = [["a", "b", "c"]] * 4  # every token kept: the null word's count is extra
    model = SkipGram(corpus, min_count=1, null_word=1, vector_size=8).train(epochs=1)
    assert model.wv.index_to_key[-1] == "\0" and model.wv.counts[-1] == 1
    model.save(tmp_path / "null.model")
    assert SkipGram.load(tmp_path / "null.model").wv.index_to_key[-1] == "\0"
    assert "\0" not in SkipGram(corpus, min_count=1, vector_size=8).wv


def in_window_pairs(corpus, window):
    return sum(min(i, window) + min(len(s) - 1 - i, window) for s in corpus for i in range(len(s)))


def test_fixed_windows_pair_every_word_within_the_window(corpus):
    params = {**SMALL, "sample": 0.0, "window": 3, "epochs": 1}
    fixed = SkipGram(corpus, shrink_windows=False, **params).train()
    assert fixed.last_epoch.pairs == in_window_pairs(corpus, 3)
    shrunk = SkipGram(corpus, **params).train()
    assert shrunk.last_epoch.pairs < fixed.last_epoch.pairs  # mean reach (w + 1) / 2


def test_constructor_compute_loss_and_callbacks_are_train_defaults(corpus, tmp_path):
    class Count:
        epochs = 0

        def on_epoch_end(self, model):
            Count.epochs += 1

    model = SkipGram(corpus, compute_loss=True, callbacks=[Count()], **{**SMALL, "epochs": 2})
    model.train()
    assert len(model.loss_history) == 2 and Count.epochs == 2
    model.train(compute_loss=False, callbacks=[])  # a call's own arguments win
    assert len(model.loss_history) == 2 and Count.epochs == 2
    model.save(tmp_path / "loss.model")
    loaded = SkipGram.load(tmp_path / "loss.model")
    assert loaded.compute_loss is True and loaded.callbacks == []  # callbacks are not saved


def test_wv_is_an_empty_keyed_vectors_before_the_vocabulary():
    model = SkipGram(vector_size=7)
    assert isinstance(model.wv, KeyedVectors) and len(model.wv) == 0
    assert model.wv.vector_size == 7
    with pytest.raises(KeyError):
        model.wv["anything"]


# ---- training-side methods ---------------------------------------------------------------


@pytest.fixture
def big_corpus(make_planted):
    """Enough text for every objective to recover the groups in 5 epochs."""
    return make_planted(groups=3, group_size=4, sentences=1000, length=10, seed=1)


def planted_model(corpus, **params):
    return SkipGram(corpus, **{**SMALL, "epochs": 5, **params}).train()


def test_predict_output_word_names_words_of_the_context_group(big_corpus):
    for objective in ("ns", "softmax"):
        model = planted_model(big_corpus, objective=objective)
        predicted = model.predict_output_word(["g1w0", "g1w2"], topn=4)
        assert len(predicted) == 4 and {word[:2] for word, _ in predicted} == {"g1"}
        probabilities = [p for _, p in predicted]
        assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) < 1
        everything = model.predict_output_word([model.wv.get_index("g1w0")], topn=None)
        assert len(everything) == len(model.wv)
        assert sum(p for _, p in everything) == pytest.approx(1.0)


def test_predict_output_word_with_unknown_context_and_refusals(big_corpus, caplog):
    model = planted_model(big_corpus)
    with caplog.at_level("WARNING", logger="skipgram"):
        assert model.predict_output_word(["unknown", 10**6]) is None
    assert "out-of-vocabulary" in caplog.text
    with pytest.raises(TypeError, match="not the single string"):
        model.predict_output_word("g1w0")
    with pytest.raises(ValueError, match="topn must be an integer"):
        model.predict_output_word(["g1w0"], topn=0)
    with pytest.raises(RuntimeError, match="one output vector per word"):
        planted_model(big_corpus, objective="hs").predict_output_word(["g1w0"])


def test_score_is_the_exact_log_probability_of_each_sentence(big_corpus):
    from skipgram.vocab import build_huffman_tree

    model = planted_model(big_corpus, objective="hs", window=2)
    sentence = ["g0w1", "g0w2", "unknown", "g0w3"]
    [score] = model.score([sentence])
    # By hand: each ordered pair at most 2 apart (after dropping "unknown"), the context
    # word's Huffman path, log sigmoid(+-v . u) at each node.
    tree = build_huffman_tree(model.vocab.counts)
    ids = [model.wv.get_index(w) for w in sentence if w in model.wv]
    expected = 0.0
    for i, centre in enumerate(ids):
        for j, context in enumerate(ids):
            if i != j and abs(i - j) <= 2:
                for k in range(tree.offsets[context], tree.offsets[context + 1]):
                    dot = float(model.wv.vectors[centre] @ model.syn1[tree.points[k]])
                    expected += -np.logaddexp(0, -dot if tree.codes[k] == 0 else dot)
    assert score == pytest.approx(expected, rel=1e-5)


def test_score_prefers_sentences_like_the_training_ones(big_corpus):
    model = planted_model(big_corpus, objective="hs")
    coherent = [["g0w0", "g0w1", "g0w2", "g0w3"], ["g2w1", "g2w0", "g2w3", "g2w2"]]
    mixed = [["g0w0", "g1w1", "g2w2", "g0w3"], ["g2w1", "g1w0", "g0w3", "g1w2"]]
    scores = model.score(coherent + mixed + [["g0w0"], []])
    assert scores.dtype == np.float32 and scores.shape == (6,)
    assert scores[:2].min() > scores[2:4].max()
    assert scores[4] == scores[5] == 0.0  # no pair at all
    assert model.score(coherent * 3, total_sentences=2).shape == (2,)
    with pytest.raises(RuntimeError, match="hierarchical softmax only"):
        planted_model(big_corpus).score(coherent)


def test_build_vocab_from_freq_then_train_on_a_corpus(big_corpus):
    counts = {}
    for sentence in big_corpus:
        for word in sentence:
            counts[word] = counts.get(word, 0) + 1
    model = SkipGram(**{**SMALL, "epochs": 3})
    model.build_vocab_from_freq(counts, corpus_count=len(big_corpus))
    assert model.corpus_count == len(big_corpus)
    assert model.corpus_total_words == sum(counts.values())
    assert model.wv.index_to_key == SkipGram(big_corpus, **SMALL).wv.index_to_key
    with pytest.raises(ValueError, match="no corpus attached"):
        model.train()
    model.train(big_corpus)
    assert all(model.wv.most_similar(w, topn=1)[0][0][:2] == w[:2] for w in model.wv.index_to_key)
    model.build_vocab_from_freq({"g0w0": 5, "brand_new": 2}, update=True)
    assert model.wv.index_to_key[-1] == "brand_new"
    assert model.wv.counts[model.wv.get_index("g0w0")] == counts["g0w0"] + 5


@pytest.mark.parametrize(
    ("word_freq", "error"),
    [
        ([("a", 1)], TypeError),
        ({"a": 0}, ValueError),
        ({"a": 1.5}, ValueError),
        ({3: 1}, TypeError),
    ],
)
def test_build_vocab_from_freq_refuses_bad_tables(word_freq, error):
    with pytest.raises(error):
        SkipGram(min_count=1).build_vocab_from_freq(word_freq)


def test_reset_from_shares_the_vocabulary_and_starts_afresh(big_corpus):
    trained_model = planted_model(big_corpus)
    other = SkipGram(vector_size=8, objective="hs", negative=0, workers=1, epochs=1)
    other.reset_from(trained_model)
    assert other.wv.index_to_key == trained_model.wv.index_to_key
    assert other.corpus_count == trained_model.corpus_count
    assert other.syn1.shape == (len(other.wv), 8) and not other.syn1.any()
    with pytest.warns(UserWarning, match="random"):
        other.most_similar("g0w0")
    other.train()  # the shared corpus ids are replayed
    trained_model.build_vocab([["brand", "new"]] * 5, update=True)
    assert "brand" not in other.wv  # the update replaced the vocabulary, not changed it
    with pytest.raises(TypeError, match="reset_from takes a SkipGram"):
        other.reset_from(object())


def test_init_weights_starts_again_over_the_same_vocabulary(big_corpus):
    model = planted_model(big_corpus)
    model.init_weights()
    assert model.epochs_trained == 0 and not model.output_vectors.any()
    np.testing.assert_array_equal(model.wv.vectors, SkipGram(big_corpus, **SMALL).wv.vectors)
    with pytest.warns(UserWarning, match="random"):
        model.most_similar("g0w0")
    with pytest.raises(RuntimeError, match="init_weights needs a vocabulary"):
        SkipGram().init_weights()
