"""Differential tests: the same gensim-style code run on gensim's `Word2Vec(sg=1)` and on
skipgram's `SkipGram`, comparing what comes out (attributes, vocabularies, shapes, errors and
the qualitative result on planted corpora), not copies of gensim's own tests.

Each test writes its gensim code once, as a function of `make` (the class to build a model
with), and runs it on both. Where skipgram deliberately differs (the constructor does not
train; sg=0 and hs=1 with negative > 0 are refused), the test says so.
"""

import warnings

import numpy as np
import pytest

gensim_word2vec = pytest.importorskip("gensim.models.word2vec")
gensim_utils = pytest.importorskip("gensim.utils")

from skipgram import SkipGram  # noqa: E402

COMMON = {"vector_size": 16, "window": 3, "min_count": 1, "workers": 1, "seed": 1}


def gensim_model(*args, **kwargs):
    return gensim_word2vec.Word2Vec(*args, sg=1, **kwargs)


def skipgram_model(*args, **kwargs):
    return SkipGram(*args, sg=1, **kwargs)


MAKERS = {"gensim": gensim_model, "skipgram": skipgram_model}


def trained(make, *args, **kwargs):
    """gensim's one-step form, `Word2Vec(corpus, ...)`, which trains: skipgram's idiom for it
    is `SkipGram(corpus, ...).train()`."""
    model = make(*args, **kwargs)
    return model.train() if isinstance(model, SkipGram) else model


def on_both(code):
    """Run `code(make)` with each library's model class: {"gensim": result, "skipgram": ...}."""
    return {name: code(make) for name, make in MAKERS.items()}


@pytest.fixture
def corpus(make_planted):
    return make_planted(groups=3, group_size=4, sentences=1000, length=10, seed=1)


def count_of(model, word):
    """A word's corpus count: gensim's `get_vecattr`, or skipgram's `counts` array."""
    if hasattr(model.wv, "get_vecattr"):
        return int(model.wv.get_vecattr(word, "count"))
    return int(model.wv.counts[model.wv.get_index(word)])


def group_of(word):
    return word.split("w")[0]


def neighbours_in_group(model):
    """How many words have a nearest neighbour from their own planted group."""
    return sum(
        group_of(model.wv.most_similar(word, topn=1)[0][0]) == group_of(word)
        for word in model.wv.index_to_key
    )


# ---- the tutorial idiom ---------------------------------------------------------------------


def test_the_two_step_tutorial_gives_the_same_attributes_and_recovers_the_groups(corpus):
    def tutorial(make):
        model = make(epochs=5, **COMMON)
        model.build_vocab(corpus)
        model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
        return model

    both = on_both(tutorial)
    g, s = both["gensim"], both["skipgram"]
    for name in ("corpus_count", "corpus_total_words", "epochs", "window", "vector_size"):
        assert getattr(g, name) == getattr(s, name), name
    for name in ("alpha", "min_alpha", "sample", "negative", "hs", "sg", "layer1_size"):
        assert getattr(g, name) == getattr(s, name), name
    assert set(g.wv.index_to_key) == set(s.wv.index_to_key)
    for word in g.wv.index_to_key:
        assert count_of(g, word) == count_of(s, word)
    assert g.syn1neg.shape == s.syn1neg.shape
    np.testing.assert_array_equal(g.cum_table, s.cum_table)  # same counts, same table
    assert not hasattr(g, "syn1") and not hasattr(s, "syn1")
    assert neighbours_in_group(g) == neighbours_in_group(s) == len(g.wv)


def test_the_one_step_forms_agree_once_skipgram_trains(corpus):
    # gensim's constructor trains; skipgram's builds the vocabulary and warns until .train().
    g = gensim_model(corpus, epochs=5, **COMMON)
    s = skipgram_model(corpus, epochs=5, **COMMON)
    with pytest.warns(UserWarning, match="random"):
        s.wv.most_similar("g0w0")
    s.train()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert neighbours_in_group(s) == neighbours_in_group(g) == len(g.wv)


def test_train_keywords_are_accepted_with_the_same_effect_on_the_counts(corpus):
    def train_by_words(make):
        model = make(**COMMON)
        model.build_vocab(corpus_iterable=corpus)
        model.train(
            corpus_iterable=corpus,
            total_words=model.corpus_total_words,
            epochs=2,
            start_alpha=0.03,
            end_alpha=0.001,
            word_count=0,
            queue_factor=3,
            report_delay=60.0,
            compute_loss=True,
            callbacks=(),
        )
        return model

    both = on_both(train_by_words)
    for model in both.values():
        assert model.get_latest_training_loss() > 0
    # The same pairs and the same loss per pair, up to sampling: the sums are close.
    ratio = both["skipgram"].get_latest_training_loss() / both["gensim"].get_latest_training_loss()
    assert 0.7 < ratio < 1.4


def test_a_loss_not_asked_for_is_zero(corpus):
    def no_loss(make):
        model = make(epochs=1, **COMMON)
        model.build_vocab(corpus)
        model.train(corpus, total_examples=model.corpus_count, epochs=1)
        return model.get_latest_training_loss()

    assert on_both(no_loss) == {"gensim": 0.0, "skipgram": 0.0}


def test_gensim_callbacks_run_on_both(corpus):
    from gensim.models.callbacks import CallbackAny2Vec

    class EpochCounter(CallbackAny2Vec):
        def __init__(self):
            self.begun = self.ended = 0

        def on_epoch_begin(self, model):
            self.begun += 1

        def on_epoch_end(self, model):
            self.ended += 1

    def count_epochs(make):
        counter = EpochCounter()
        model = make(epochs=3, **COMMON)
        model.build_vocab(corpus)
        model.train(corpus, total_examples=model.corpus_count, epochs=3, callbacks=[counter])
        return counter.begun, counter.ended

    assert on_both(count_epochs) == {"gensim": (3, 3), "skipgram": (3, 3)}


def test_setting_the_learning_rate_between_calls(corpus, caplog):
    # The manual-decay loop of old tutorials (and of gensim's test_train_warning): alpha is
    # lowered first, so min_alpha is above it until the next line. Raising alpha above where
    # the previous call ended logs gensim's warning in both. (gensim keeps one rate per batch,
    # so on a corpus of one batch it "reaches" only the start rate: skipgram's rate falls
    # within a batch and reaches the end rate, so it warns on the second call already.)
    def manual_decay(make):
        model = make(**COMMON)
        model.build_vocab(corpus)
        caplog.clear()
        for _ in range(2):
            model.train(corpus, total_examples=model.corpus_count, epochs=1)
            model.alpha -= 0.002
            model.min_alpha = model.alpha
        model.alpha += 0.05
        model.train(corpus, total_examples=model.corpus_count, epochs=1)
        warned = "Effective 'alpha' higher than previous training cycles" in caplog.text
        return round(model.alpha, 6), round(model.min_alpha, 6), warned

    both = on_both(manual_decay)
    assert both["gensim"] == both["skipgram"] == (0.071, 0.021, True)


def test_training_from_a_corpus_file(corpus, tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(sentence) for sentence in corpus) + "\n")

    def from_file(make):
        model = make(corpus_file=str(path), epochs=1, **COMMON)
        model.train(corpus_file=str(path), total_words=model.corpus_total_words, epochs=1)
        return model.corpus_count, model.corpus_total_words, len(model.wv)

    both = on_both(from_file)
    assert both["gensim"] == both["skipgram"] == (len(corpus), 10 * len(corpus), 12)


# ---- constructor keywords --------------------------------------------------------------------


TEXTS = pytest.importorskip("gensim.test.utils").common_texts  # gensim's 9 tiny sentences


def vocabulary(model):
    return list(model.wv.index_to_key)


def test_min_count_zero_keeps_every_word():
    both = on_both(lambda make: set(vocabulary(make(TEXTS, vector_size=8, min_count=0))))
    assert both["gensim"] == both["skipgram"] == {w for text in TEXTS for w in text}


@pytest.mark.parametrize(("max_final_vocab", "min_count"), [(4, 4), (4, 2), (100, 1), (1, 1)])
def test_max_final_vocab_picks_the_same_effective_min_count(max_final_vocab, min_count):
    def build(make):
        model = make(vector_size=8, max_final_vocab=max_final_vocab, min_count=min_count)
        model.build_vocab(TEXTS)
        return model.effective_min_count, set(vocabulary(model))

    both = on_both(build)
    assert both["gensim"] == both["skipgram"]


def keep_out_human(word, count, min_count):
    if word == "human":
        return gensim_utils.RULE_DISCARD
    return gensim_utils.RULE_DEFAULT


def keep_graph(word, count, min_count):
    return gensim_utils.RULE_KEEP if word == "graph" else gensim_utils.RULE_DEFAULT


@pytest.mark.parametrize("where", ["constructor", "build_vocab"])
def test_trim_rules_drop_and_keep_the_same_words(where):
    def build(make):
        if where == "constructor":
            return set(
                vocabulary(make(TEXTS, vector_size=8, min_count=2, trim_rule=keep_out_human))
            )
        model = make(vector_size=8, min_count=4)
        model.build_vocab(TEXTS, trim_rule=keep_graph)  # graph occurs 3 times
        return set(vocabulary(model))

    both = on_both(build)
    assert both["gensim"] == both["skipgram"]
    assert (
        ("human" not in both["gensim"]) if where == "constructor" else ("graph" in both["gensim"])
    )


def test_unsorted_vocabularies_keep_the_order_of_first_appearance():
    both = on_both(lambda make: vocabulary(make(TEXTS, vector_size=8, min_count=1, sorted_vocab=0)))
    assert both["gensim"] == both["skipgram"]
    sorted_both = on_both(lambda make: make(TEXTS, vector_size=8, min_count=1, sorted_vocab=1))
    for model in sorted_both.values():
        counts = [count_of(model, w) for w in model.wv.index_to_key]
        assert counts == sorted(counts, reverse=True)


def test_the_null_word_is_added_last_with_count_one():
    g = gensim_model(TEXTS, vector_size=8, min_count=1, null_word=1)
    s = skipgram_model(TEXTS, vector_size=8, min_count=1, null_word=1)
    assert g.wv.index_to_key[-1] == s.wv.index_to_key[-1] == "\0"
    assert count_of(g, "\0") == count_of(s, "\0") == 1
    assert len(g.wv) == len(s.wv)
    s.train()  # trains with the pseudo-word in the vocabulary (it is only ever noise)


def test_fixed_windows_and_loss_flags_are_model_attributes(corpus):
    def build(make):
        model = make(corpus, shrink_windows=False, compute_loss=True, epochs=1, **COMMON)
        return model.shrink_windows, model.compute_loss

    assert on_both(build) == {"gensim": (False, True), "skipgram": (False, True)}


def test_hierarchical_softmax_alone_has_the_same_shapes(corpus):
    def build(make):
        model = make(corpus, hs=1, negative=0, epochs=1, **COMMON)
        unused_row = not model.syn1[-1].any()
        return model.hs, model.negative, hasattr(model, "syn1neg"), model.syn1.shape, unused_row

    both = on_both(build)
    # A row per word, the last one never trained: the V - 1 inner nodes come first.
    assert both["gensim"] == both["skipgram"] == (1, 0, False, (12, 16), True)


def test_what_skipgram_refuses_and_gensim_trains(corpus):
    # gensim trains CBOW with sg=0 and both objectives with hs=1, negative=5: skipgram trains
    # neither and says so, instead of training something else.
    gensim_word2vec.Word2Vec(corpus, sg=0, epochs=1, **COMMON)
    gensim_model(corpus, hs=1, negative=5, epochs=1, **COMMON)
    with pytest.raises(ValueError, match="CBOW"):
        SkipGram(corpus, sg=0, **COMMON)
    with pytest.raises(ValueError, match=r"hs=1 with negative=5.*negative=0"):
        skipgram_model(corpus, hs=1, negative=5, **COMMON)
    with pytest.raises(ValueError, match="hs=1 with negative=5"):
        skipgram_model(corpus, hs=1, **COMMON)  # gensim's default negative is 5 too


def test_an_empty_vocabulary_is_a_runtime_error_in_both(corpus):
    # gensim's test_vocab: no corpus, or one whose words are all rarer than min_count.
    for make in MAKERS.values():
        with pytest.raises(RuntimeError):
            trained(make, [], **COMMON)
        with pytest.raises(RuntimeError):
            trained(make, corpus, **{**COMMON, "min_count": 10**6})
    with pytest.raises(ValueError, match="no word reaches min_count=1000000"):
        SkipGram(corpus, **{**COMMON, "min_count": 10**6})  # and a ValueError saying why


def test_nothing_to_train_is_an_error_in_both(corpus):
    errors = {}
    for name, make in MAKERS.items():
        with pytest.raises(ValueError) as caught:
            model = make(corpus, hs=0, negative=0, epochs=1, **COMMON)
            model.train(corpus, total_examples=model.corpus_count, epochs=1)
        errors[name] = str(caught.value)
    assert "hs" in errors["gensim"] and "hs" in errors["skipgram"]


def test_a_misspelt_keyword_is_a_type_error_in_skipgram():
    # gensim 4 raises TypeError too for unknown keywords such as gensim 3's `size`.
    with pytest.raises(TypeError):
        gensim_word2vec.Word2Vec(TEXTS, size=10)
    with pytest.raises(TypeError, match="'size' is now 'vector_size'"):
        SkipGram(TEXTS, size=10)


# ---- training-side methods -------------------------------------------------------------------


def test_build_vocab_from_freq_gives_the_same_vocabulary_and_counts():
    freq = {"minors": 2, "graph": 3, "system": 4, "trees": 3, "eps": 2, "computer": 2}
    update = {"computer": 1, "artificial": 4, "graph": 1, "intelligence": 4}

    def build(make):
        model = make(vector_size=8, min_count=0, seed=42, hs=1, negative=0)
        model.build_vocab_from_freq(freq, corpus_count=7)
        first = (len(model.wv), model.corpus_count, {w: count_of(model, w) for w in freq})
        model.build_vocab_from_freq(update, update=True)
        return first, len(model.wv), count_of(model, "graph"), count_of(model, "artificial")

    both = on_both(build)
    assert both["gensim"] == both["skipgram"]
    assert both["gensim"][1:] == (8, 4, 4)


def test_predict_output_word_agrees(corpus):
    def predict(make):
        model = make(corpus, epochs=5, **COMMON)
        if make is skipgram_model:
            model.train()
        predicted = model.predict_output_word(["g2w0", "g2w1"], topn=3)
        return (
            {group_of(word) for word, _ in predicted},
            len(predicted),
            (model.predict_output_word(["not", "there"])),
        )

    both = on_both(predict)
    assert both["gensim"] == both["skipgram"] == ({"g2"}, 3, None)
    for make in MAKERS.values():
        with pytest.raises(RuntimeError):
            make(corpus, hs=1, negative=0, epochs=1, **COMMON).predict_output_word(["g2w0"])


def test_score_agrees_on_what_is_likely(corpus):
    coherent = [["g0w0", "g0w1", "g0w2", "g0w3"], ["g1w1", "g1w0", "g1w3", "g1w2"]]
    mixed = [["g0w0", "g1w1", "g2w2", "g0w3"], ["g2w1", "g1w0", "g0w3", "g1w2"]]

    def score(make):
        model = make(corpus, hs=1, negative=0, epochs=5, **COMMON)
        if make is skipgram_model:
            model.train()
        scores = model.score(coherent + mixed, total_sentences=4)
        return scores.dtype, scores.shape, bool(scores[:2].min() > scores[2:].max())

    both = on_both(score)
    assert both["gensim"] == both["skipgram"] == (np.float32, (4,), True)
    for make in MAKERS.values():
        with pytest.raises(RuntimeError):
            make(corpus, epochs=1, **COMMON).score(coherent)


def test_reset_from_borrows_the_vocabulary(corpus):
    def reset(make):
        model = make(TEXTS, vector_size=8, min_count=1)
        other = make(corpus, vector_size=8, min_count=1, epochs=1)
        model.reset_from(other)
        return len(model.wv), model.corpus_count, model.wv.vectors.shape

    both = on_both(reset)
    assert both["gensim"] == both["skipgram"] == (12, len(corpus), (12, 8))


def test_estimate_memory_agrees_on_the_matrices(corpus):
    def estimate(make):
        model = make(corpus, epochs=1, **COMMON)
        report = model.estimate_memory()
        return (
            report["vocab"],
            report["vectors"],
            report["syn1neg"],
            model.estimate_memory(vocab_size=1000)["vectors"],
        )

    both = on_both(estimate)
    assert both["gensim"] == both["skipgram"]


def test_gensim_names_exist_on_both(corpus):
    names = [
        "alpha", "min_alpha", "epochs", "window", "vector_size", "layer1_size", "negative",
        "hs", "sg", "sample", "ns_exponent", "min_count", "max_vocab_size", "max_final_vocab",
        "workers", "seed", "batch_words", "shrink_windows", "sorted_vocab", "null_word",
        "compute_loss", "corpus_count", "corpus_total_words", "effective_min_count",
        "train_count", "total_train_time", "running_training_loss", "cum_table", "syn1neg",
        "wv", "build_vocab", "build_vocab_from_freq", "train", "score", "predict_output_word",
        "reset_from", "estimate_memory", "get_latest_training_loss", "save", "load",
    ]  # fmt: skip
    both = on_both(lambda make: [n for n in names if not hasattr(make(corpus, **COMMON), n)])
    assert both == {"gensim": [], "skipgram": []}


# ---- found by gensim's own suite (benchmarks/gensim_suite.py) ---------------------------------


def test_the_same_seed_trains_the_same_vectors_on_a_small_corpus():
    # gensim's test_training and test_r_n_g compare two runs with the default workers: a corpus
    # of one batch is trained by one thread, whose seed does not depend on scheduling.
    def twice(make):
        first, second = (trained(make, TEXTS, vector_size=8, min_count=1, seed=7) for _ in "ab")
        return bool(np.array_equal(first.wv.vectors, second.wv.vectors))

    assert on_both(twice) == {"gensim": True, "skipgram": True}


def test_load_on_an_instance_is_an_attribute_error_in_both(tmp_path):
    # Word2Vec.load is called on the class: model.load(path) would return a new model and leave
    # `model` unchanged, so gensim makes it an error (the attribute still exists).
    def load_on_instance(make):
        path = str(tmp_path / make.__name__)
        trained(make, TEXTS, **COMMON).save(path, sep_limit=0)  # gensim's keyword, accepted
        model = make(**COMMON)
        with pytest.raises(AttributeError):
            model.load(path)
        loaded = type(model).load(path, mmap="r")
        return hasattr(model, "load"), len(loaded.wv)

    assert on_both(load_on_instance) == {"gensim": (True, 12), "skipgram": (True, 12)}


@pytest.mark.parametrize(
    ("max_final_vocab", "min_count", "sample"),
    [(4, 4, 0), (4, 2, 0), (None, 1, 1e-3), (None, 1, 0.05)],
)
def test_scan_vocab_and_prepare_vocab_report_the_same(max_final_vocab, min_count, sample):
    # gensim's test_max_final_vocab and test_total_word_count: build_vocab in its two steps.
    def two_steps(make):
        model = make(
            vector_size=8, max_final_vocab=max_final_vocab, min_count=min_count, sample=sample
        )
        scanned = model.scan_vocab(TEXTS)
        dry = model.prepare_vocab(dry_run=True)
        empty_after_dry_run = len(model.wv) == 0
        report = model.prepare_vocab()
        return (
            scanned,
            dry == report,
            empty_after_dry_run,
            report,
            model.effective_min_count,
            sorted(model.wv.index_to_key),
        )

    both = on_both(two_steps)
    assert both["gensim"] == both["skipgram"]
    assert both["skipgram"][0] == (29, 9)
    # gensim's own build_vocab sets corpus_count after the two steps; calling them by hand
    # leaves it 0 there. skipgram's is the counted corpus's, however it was built.
    model = SkipGram(vector_size=8, min_count=min_count, max_final_vocab=max_final_vocab)
    model.scan_vocab(TEXTS)
    model.prepare_vocab(sample=sample)
    assert (model.corpus_count, model.corpus_total_words) == (9, 29)


def test_prepare_vocab_with_update_grows_the_vocabulary_like_build_vocab():
    more = [["graph", "minors", "new"], ["new", "words", "here", "new"]]

    def update(make):
        model = make(TEXTS, vector_size=8, min_count=1)
        model.scan_vocab(more)
        report = model.prepare_vocab(update=True)
        return (
            report["num_retained_words"],
            len(model.wv),
            count_of(model, "new"),
            count_of(model, "graph"),
        )

    both = on_both(update)
    assert both["gensim"] == both["skipgram"] == (5, 15, 3, 4)


def test_hierarchical_softmax_vectors_have_huffman_codes_and_points():
    # gensim's test_vocab reads wv.get_vecattr(word, "code"). Tie-breaking may shape the two
    # trees differently, but both are optimal: the same count-weighted code length.
    def paths(make):
        model = make(TEXTS, vector_size=8, min_count=1, hs=1, negative=0)
        wv = model.wv
        codes = {w: wv.get_vecattr(w, "code") for w in wv.index_to_key}
        points = {w: wv.get_vecattr(w, "point") for w in wv.index_to_key}
        assert all(len(codes[w]) == len(points[w]) > 0 for w in codes)
        assert all(set(c.tolist()) <= {0, 1} for c in codes.values())
        assert all(p.min() >= 0 and p.max() < len(wv) - 1 for p in points.values())
        weighted = sum(count_of(model, w) * len(codes[w]) for w in codes)
        roots = {int(p[0]) for p in points.values()}  # every path starts at the one root
        return weighted, len(roots)

    both = on_both(paths)
    assert both["gensim"] == both["skipgram"]
    with pytest.raises(ValueError, match="'count', not 'code'"):
        SkipGram(TEXTS, vector_size=8, min_count=1).wv.get_vecattr("graph", "code")  # ns: none
