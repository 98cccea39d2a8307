"""Differential tests of gensim's warm-start idiom: `wv.vectors_lockf` and
`wv.intersect_word2vec_format`, the same gensim code run on gensim's `Word2Vec(sg=1)` and on
`SkipGram`, comparing which vectors are overwritten, their factors, what training then does to
them, and the errors."""

import numpy as np
import pytest

gensim_word2vec = pytest.importorskip("gensim.models.word2vec")

from skipgram import KeyedVectors, SkipGram  # noqa: E402

COMMON = {"vector_size": 6, "window": 2, "min_count": 1, "workers": 1, "seed": 1, "epochs": 2}
MAKERS = {
    "gensim": lambda **kw: gensim_word2vec.Word2Vec(sg=1, **kw),
    "skipgram": lambda **kw: SkipGram(sg=1, **kw),
}


@pytest.fixture
def corpus(make_planted):
    return make_planted(groups=2, group_size=5, sentences=200, length=8, seed=4)


@pytest.fixture
def vectors_file(tmp_path):
    """A word2vec file of three vocabulary words (g0w0, g0w3, g1w2) and two others."""

    def write(binary=False, dim=6):
        words = ["g0w0", "unknown", "g0w3", "g1w2", "elsewhere"]
        rng = np.random.default_rng(9)
        kv = KeyedVectors(words, rng.standard_normal((len(words), dim)).astype(np.float32))
        path = tmp_path / ("v.bin" if binary else "v.txt")
        kv.save_word2vec_format(path, binary=binary)
        return path, kv

    return write


def by_word(model, array):
    return {word: array[i].tolist() for i, word in enumerate(model.wv.index_to_key)}


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("lockf", [0.0, 0.5, 1.0])
def test_intersect_overwrites_the_known_words_and_sets_their_factor(
    corpus, vectors_file, binary, lockf
):
    """gensim 4.4 reads binary files here with np.fromstring, which numpy 2 removed: gensim
    reads the text file, skipgram both (the same vectors)."""
    text, source = vectors_file()
    path = vectors_file(binary=True)[0] if binary else text

    def code(make, path, binary):
        model = make(**COMMON)
        model.build_vocab(corpus)
        before = model.wv.vectors.copy()
        model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
        model.wv.intersect_word2vec_format(path, lockf=lockf, binary=binary)
        changed = {
            w
            for i, w in enumerate(model.wv.index_to_key)
            if not np.array_equal(model.wv.vectors[i], before[i])
        }
        return model, changed

    g, g_changed = code(MAKERS["gensim"], text, False)
    s, s_changed = code(MAKERS["skipgram"], path, binary)
    assert g_changed == s_changed == {"g0w0", "g0w3", "g1w2"}
    assert len(g.wv) == len(s.wv) == 10  # no word added
    for word in g_changed:
        np.testing.assert_array_equal(g.wv[word], source[word])
        np.testing.assert_array_equal(s.wv[word], source[word])
    assert by_word(g, g.wv.vectors_lockf[:, None]) == by_word(s, s.wv.vectors_lockf[:, None])


def test_locked_words_stay_through_training_in_both(corpus, vectors_file):
    path, _ = vectors_file()

    def code(make):
        model = make(**COMMON)
        model.build_vocab(corpus)
        model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
        model.wv.intersect_word2vec_format(path, lockf=0.0)
        before = model.wv.vectors.copy()
        model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
        return {
            w
            for i, w in enumerate(model.wv.index_to_key)
            if np.array_equal(model.wv.vectors[i], before[i])
        }

    unmoved = {name: code(make) for name, make in MAKERS.items()}
    assert unmoved["gensim"] == unmoved["skipgram"] == {"g0w0", "g0w3", "g1w2"}


def test_a_file_of_another_dimension_is_a_value_error_in_both(corpus, vectors_file):
    path, _ = vectors_file(dim=4)

    def code(make):
        model = make(**COMMON)
        model.build_vocab(corpus)
        model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
        with pytest.raises(ValueError, match="incompatible vector size 4"):
            model.wv.intersect_word2vec_format(path)
        return True

    assert all(code(make) for make in MAKERS.values())


def test_the_default_locks_the_words_read(corpus, vectors_file):
    path, _ = vectors_file()

    def code(make):
        model = make(**COMMON)
        model.build_vocab(corpus)
        model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
        model.wv.intersect_word2vec_format(path)
        return sorted(float(x) for x in model.wv.vectors_lockf)

    both = {name: code(make) for name, make in MAKERS.items()}
    assert both["gensim"] == both["skipgram"] == [0.0] * 3 + [1.0] * 7


def test_skipgram_needs_no_resizing_of_gensims_one_element_array(corpus, vectors_file):
    """gensim's models start with `vectors_lockf = np.ones(1)`, which intersect_word2vec_format
    then indexes out of range unless the user resized it; skipgram's array has one factor per
    word from the start, and gensim's one-element form still works."""
    path, _ = vectors_file()
    gensim_model = MAKERS["gensim"](**COMMON)
    gensim_model.build_vocab(corpus)
    assert gensim_model.wv.vectors_lockf.shape == (1,)
    with pytest.raises(IndexError):
        gensim_model.wv.intersect_word2vec_format(path)
    model = SkipGram(**COMMON)
    model.build_vocab(corpus)
    model.wv.vectors_lockf = np.ones(1, dtype=np.float32)
    model.wv.intersect_word2vec_format(path, lockf=0.25)
    assert sorted(model.wv.vectors_lockf.tolist()) == [0.25] * 3 + [1.0] * 7
