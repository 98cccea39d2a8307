"""Tests for skipgram.KeyedVectors: lookups, cosine queries, the norm cache and persistence."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKeyedVectors

from skipgram import KeyedVectors

# Hand-made vectors over the axes (royal, male, female, person, fruit). Every person has norm
# sqrt(5), so king - man + woman = (2, 0, 1, 0, 0) = queen exactly, with or without normalising.
WORDS = ["king", "queen", "man", "woman", "apple", "orange"]
MATRIX = np.array(
    [
        [2, 1, 0, 0, 0],  # king
        [2, 0, 1, 0, 0],  # queen
        [0, 1, 0, 2, 0],  # man
        [0, 0, 1, 2, 0],  # woman
        [0, 0, 0, 1, 4],  # apple
        [0, 0, 0, 0, 3],  # orange
    ],
    dtype=np.float32,
)
COUNTS = np.array([60, 50, 40, 30, 20, 10])


@pytest.fixture
def kv() -> KeyedVectors:
    return KeyedVectors(WORDS, MATRIX.copy(), COUNTS)


@pytest.fixture
def random_kv() -> KeyedVectors:
    """40 random 8-d vectors: similarities have no ties, so rankings are unique."""
    rng = np.random.default_rng(7)
    return KeyedVectors([f"w{i}" for i in range(40)], rng.standard_normal((40, 8), np.float32))


def brute_force(kv: KeyedVectors, positive=(), negative=(), limit=None):
    """Reference ranking in float64: (words, similarities) over the first `limit` words,
    best first, query words left out."""
    matrix = kv.vectors[:limit].astype(np.float64)
    full = kv.vectors.astype(np.float64)
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)

    def unit_of(word):
        vector = full[kv.get_index(word)]
        return vector / np.linalg.norm(vector)

    query = np.zeros(kv.vector_size)
    for word in positive:
        query += unit_of(word)
    for word in negative:
        query -= unit_of(word)
    similarities = unit @ (query / np.linalg.norm(query))
    query_words = {*positive, *negative}
    order = [i for i in np.argsort(-similarities) if kv.index_to_key[i] not in query_words]
    return [kv.index_to_key[i] for i in order], similarities[order], similarities


# --- lookups ---------------------------------------------------------------------------------


def test_len_and_membership(kv):
    assert len(kv) == 6
    assert "queen" in kv
    assert "nope" not in kv
    assert "King" not in kv  # keys are case-sensitive


def test_get_index_follows_the_row_order(kv):
    assert [kv.get_index(w) for w in WORDS] == list(range(6))
    assert kv.key_to_index == {w: i for i, w in enumerate(WORDS)}
    assert kv.index_to_key == WORDS


def test_getitem_one_key_is_its_row(kv):
    vector = kv["woman"]
    assert vector.shape == (5,)
    assert np.array_equal(vector, MATRIX[3])


def test_getitem_list_of_keys_stacks_rows_in_order(kv):
    stacked = kv[["orange", "king", "orange"]]
    assert stacked.shape == (3, 5)
    assert np.array_equal(stacked, MATRIX[[5, 0, 5]])


def test_getitem_empty_list_gives_an_empty_matrix(kv):
    assert kv[[]].shape == (0, 5)


def test_get_vector_norm_is_unit_length(kv):
    assert np.linalg.norm(kv.get_vector("apple", norm=True)) == pytest.approx(1.0, abs=1e-6)
    assert np.array_equal(kv.get_vector("apple"), MATRIX[4])


UNKNOWN_WORD_LOOKUPS = {
    "getitem": lambda kv: kv["nope"],
    "getitem-list": lambda kv: kv[["king", "nope"]],
    "get_index": lambda kv: kv.get_index("nope"),
    "get_vector": lambda kv: kv.get_vector("nope"),
    "similarity": lambda kv: kv.similarity("king", "nope"),
    "most_similar": lambda kv: kv.most_similar("nope"),
    "negative": lambda kv: kv.most_similar(positive=["king"], negative=["nope"]),
}


@pytest.mark.parametrize("lookup", UNKNOWN_WORD_LOOKUPS.values(), ids=UNKNOWN_WORD_LOOKUPS.keys())
def test_unknown_word_raises_key_error_naming_it(kv, lookup):
    with pytest.raises(KeyError, match="'nope' is not in the vocabulary"):
        lookup(kv)


# --- construction ----------------------------------------------------------------------------


def test_constructor_rejects_a_matrix_of_the_wrong_shape():
    with pytest.raises(ValueError, match="matrix"):
        KeyedVectors(["a", "b"], np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="matrix"):
        KeyedVectors(["a", "b"], np.zeros(2, np.float32))


def test_constructor_rejects_vectors_that_are_not_floats():
    with pytest.raises(TypeError, match="float32"):
        KeyedVectors(["a"], np.zeros((1, 4), np.int32))


@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_constructor_keeps_float16_and_float64_vectors(dtype):
    kv = KeyedVectors(["a", "b"], np.arange(8, dtype=dtype).reshape(2, 4))
    assert kv["b"].dtype == dtype
    assert kv.most_similar("a", topn=1)[0][0] == "b"


def test_constructor_rejects_duplicate_keys():
    with pytest.raises(ValueError, match="twice"):
        KeyedVectors(["a", "b", "a"], np.zeros((3, 4), np.float32))


def test_constructor_uses_the_matrix_without_copying(kv):
    matrix = MATRIX.copy()
    assert KeyedVectors(WORDS, matrix).vectors is matrix


# --- similarity ------------------------------------------------------------------------------


def test_similarity_is_the_cosine(kv):
    assert kv.similarity("king", "queen") == pytest.approx(0.8, abs=1e-6)
    assert kv.similarity("king", "man") == pytest.approx(0.2, abs=1e-6)
    assert kv.similarity("king", "orange") == 0.0


def test_similarity_is_symmetric(random_kv):
    for a, b in [("w0", "w1"), ("w5", "w39"), ("w17", "w3")]:
        assert random_kv.similarity(a, b) == pytest.approx(random_kv.similarity(b, a), abs=1e-7)


def test_similarity_of_a_word_with_itself_is_one(kv, random_kv):
    for word in WORDS:
        assert kv.similarity(word, word) == pytest.approx(1.0, abs=1e-6)
    assert random_kv.similarity("w9", "w9") == pytest.approx(1.0, abs=1e-6)


def test_similarity_returns_a_python_float(kv):
    assert type(kv.similarity("king", "queen")) is float


# --- most_similar ----------------------------------------------------------------------------


def test_most_similar_finds_the_known_neighbour(kv):
    assert kv.most_similar("king", topn=1) == [("queen", pytest.approx(0.8, abs=1e-6))]
    assert kv.most_similar("orange", topn=1) == [("apple", pytest.approx(4 / 17**0.5, abs=1e-6))]


def test_most_similar_returns_str_float_pairs_sorted_descending(random_kv):
    result = random_kv.most_similar("w3", topn=15)
    assert len(result) == 15
    assert all(type(word) is str and type(score) is float for word, score in result)
    scores = [score for _, score in result]
    assert scores == sorted(scores, reverse=True)


def test_most_similar_excludes_the_query_words(kv, random_kv):
    assert "king" not in [word for word, _ in kv.most_similar("king", topn=10)]
    result = random_kv.most_similar(positive=["w1", "w2"], negative=["w3"], topn=100)
    assert {"w1", "w2", "w3"}.isdisjoint(word for word, _ in result)


@pytest.mark.parametrize("query", ["w0", "w13", "w39"])
def test_most_similar_equals_brute_force_cosine_ranking(random_kv, query):
    words, similarities, _ = brute_force(random_kv, positive=[query])
    result = random_kv.most_similar(query, topn=len(random_kv))
    assert [word for word, _ in result] == words
    np.testing.assert_allclose([score for _, score in result], similarities, rtol=0, atol=1e-6)


def test_most_similar_with_positive_and_negative_equals_brute_force(random_kv):
    positive, negative = ["w4", "w8"], ["w15", "w16"]
    words, similarities, _ = brute_force(random_kv, positive, negative)
    result = random_kv.most_similar(positive=positive, negative=negative, topn=10)
    assert [word for word, _ in result] == words[:10]
    np.testing.assert_allclose([s for _, s in result], similarities[:10], rtol=0, atol=1e-6)


def test_most_similar_with_only_negative_words_ranks_the_opposites(random_kv):
    words, _, _ = brute_force(random_kv, negative=["w5"])
    assert [word for word, _ in random_kv.most_similar(negative=["w5"], topn=5)] == words[:5]


def test_analogy_king_minus_man_plus_woman_is_queen(kv):
    result = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)
    assert result == [("queen", pytest.approx(1.0, abs=1e-6))]


def test_analogy_with_a_single_string_for_each_side(kv):
    assert kv.most_similar(positive="queen", negative="woman", topn=1)[0][0] == "king"


def test_most_similar_accepts_raw_vectors_and_does_not_exclude_them(kv):
    result = kv.most_similar(positive=[kv["king"] * 10.0], topn=2)
    assert result[0] == ("king", pytest.approx(1.0, abs=1e-6))
    assert result[1][0] == "queen"
    mixed = kv.most_similar(positive=["king", kv["woman"]], negative=[kv["man"]], topn=1)
    assert mixed == [("queen", pytest.approx(1.0, abs=1e-6))]


def test_similar_by_vector_ranks_against_the_vector(random_kv):
    words, _, _ = brute_force(random_kv, positive=["w21"])
    result = random_kv.similar_by_vector(random_kv["w21"], topn=4)
    assert [word for word, _ in result] == ["w21", *words[:3]]


def test_query_vector_of_the_wrong_shape_is_rejected(kv):
    with pytest.raises(ValueError, match=r"shape \(5,\)"):
        kv.most_similar(positive=[np.ones(4, np.float32)])


def test_most_similar_needs_a_query(kv):
    with pytest.raises(ValueError, match="at least one"):
        kv.most_similar()
    with pytest.raises(ValueError, match="at least one"):
        kv.most_similar(positive=[], negative=[])


def test_topn_none_returns_the_similarity_to_every_word(random_kv):
    _, _, expected = brute_force(random_kv, positive=["w6"])
    similarities = random_kv.most_similar("w6", topn=None)
    assert isinstance(similarities, np.ndarray)
    assert similarities.shape == (len(random_kv),)
    np.testing.assert_allclose(similarities, expected, rtol=0, atol=1e-6)
    assert similarities[6] == pytest.approx(1.0, abs=1e-6)  # the query word is included


def test_topn_larger_than_the_vocabulary_returns_all_other_words(kv):
    result = kv.most_similar("apple", topn=1000)
    assert sorted(word for word, _ in result) == sorted(set(WORDS) - {"apple"})


@pytest.mark.parametrize("topn", [0, -1, -100, np.uint8(0)])
def test_topn_below_one_returns_nothing_as_in_gensim(kv, topn):
    assert kv.most_similar("king", topn=topn) == []
    assert kv.most_similar_cosmul("king", topn=topn) == []


@pytest.mark.parametrize("topn", [2.5, True, False, "3"])
def test_topn_must_be_an_integer(kv, topn):
    with pytest.raises(ValueError, match="topn"):
        kv.most_similar("king", topn=topn)


def test_topn_accepts_numpy_integers(kv):
    assert len(kv.most_similar("king", topn=np.int64(2))) == 2


def test_restrict_vocab_searches_only_the_first_words(random_kv):
    words, _, _ = brute_force(random_kv, positive=["w3"], limit=10)
    result = random_kv.most_similar("w3", topn=100, restrict_vocab=10)
    assert [word for word, _ in result] == words
    assert len(result) == 9  # the first ten words minus the query


def test_restrict_vocab_with_a_query_word_outside_the_range(random_kv):
    result = random_kv.most_similar("w30", topn=100, restrict_vocab=10)
    assert sorted(random_kv.get_index(word) for word, _ in result) == list(range(10))


def test_restrict_vocab_with_topn_none_returns_that_many_similarities(random_kv):
    _, _, expected = brute_force(random_kv, positive=["w3"], limit=10)
    similarities = random_kv.most_similar("w3", topn=None, restrict_vocab=10)
    np.testing.assert_allclose(similarities, expected, rtol=0, atol=1e-6)


def test_restrict_vocab_beyond_the_vocabulary_searches_everything(random_kv):
    assert random_kv.most_similar("w3", topn=100, restrict_vocab=1000) == (
        random_kv.most_similar("w3", topn=100)
    )


@pytest.mark.parametrize("restrict_vocab", [0, -5])
def test_restrict_vocab_must_be_positive(kv, restrict_vocab):
    with pytest.raises(ValueError, match="restrict_vocab"):
        kv.most_similar("king", restrict_vocab=restrict_vocab)


def test_restrict_vocab_covering_only_the_query_returns_nothing(kv):
    assert kv.most_similar("king", topn=5, restrict_vocab=1) == []


# --- zero vectors ----------------------------------------------------------------------------


@pytest.fixture
def with_zero() -> KeyedVectors:
    matrix = np.vstack([MATRIX, np.zeros((1, 5), np.float32)])
    return KeyedVectors([*WORDS, "void"], matrix)


def test_zero_vector_similarities_are_zero_not_nan(with_zero):
    assert with_zero.similarity("void", "king") == 0.0
    assert with_zero.similarity("void", "void") == 0.0
    assert np.all(np.isfinite(with_zero.unit_vectors))


def test_most_similar_to_a_zero_vector_is_finite(with_zero):
    result = with_zero.most_similar("void", topn=10)
    assert [score for _, score in result] == [0.0] * 6
    assert np.all(with_zero.most_similar("void", topn=None) == 0.0)
    assert [score for _, score in with_zero.similar_by_vector(np.zeros(5), topn=3)] == [0.0] * 3


def test_zero_vector_ranks_with_similarity_zero_among_others(with_zero):
    result = dict(with_zero.most_similar("king", topn=10))
    assert result["void"] == 0.0
    assert all(np.isfinite(score) for score in result.values())


def test_opposite_queries_cancelling_out_give_finite_scores(kv):
    result = kv.most_similar(positive=["king"], negative=[kv["king"]], topn=3)
    assert all(np.isfinite(score) for _, score in result)


# --- the unit-vector cache -------------------------------------------------------------------


def test_unit_vectors_are_cached_and_normalised(kv):
    unit = kv.unit_vectors
    assert kv.unit_vectors is unit
    assert unit.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0, atol=1e-6)


def test_invalidate_norms_after_an_in_place_edit(kv):
    assert kv.most_similar("king", topn=1)[0][0] == "queen"
    kv.vectors[kv.get_index("orange")] = kv["king"] * 2  # orange now points exactly like king
    stale = kv.most_similar("king", topn=1)  # the cache still holds the old unit vectors
    assert stale[0][0] == "queen"
    kv.invalidate_norms()
    assert kv.most_similar("king", topn=1) == [("orange", pytest.approx(1.0, abs=1e-6))]


def test_assigning_vectors_invalidates_the_cache(kv):
    assert kv.most_similar("king", topn=1)[0][0] == "queen"
    new = MATRIX.copy()
    new[5] = MATRIX[0] * 3
    kv.vectors = new
    assert kv.vectors is new
    assert kv.most_similar("king", topn=1) == [("orange", pytest.approx(1.0, abs=1e-6))]


@pytest.mark.parametrize(
    "matrix",
    [np.zeros((6, 4), np.float32), np.zeros((5, 5), np.float32), MATRIX.astype(np.float64)],
    ids=["narrower", "fewer rows", "float64"],
)
def test_assigning_vectors_of_the_wrong_shape_or_dtype_is_refused(kv, matrix):
    with pytest.raises(ValueError, match="float32 matrix of shape"):
        kv.vectors = matrix
    assert np.array_equal(kv.vectors, MATRIX)


# --- save and load ---------------------------------------------------------------------------


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
def test_save_load_round_trip(kv, tmp_path, mmap):
    kv.save(tmp_path / "kv.sg")
    loaded = KeyedVectors.load(tmp_path / "kv.sg", mmap=mmap)
    assert loaded.index_to_key == WORDS
    assert loaded.key_to_index == kv.key_to_index
    assert loaded.vectors.dtype == np.float32
    assert loaded.vectors.tobytes() == MATRIX.tobytes()
    assert np.array_equal(loaded.counts, COUNTS)
    assert loaded.most_similar("king") == kv.most_similar("king")
    assert isinstance(loaded.vectors, np.memmap) == mmap


def test_save_load_without_counts(tmp_path):
    KeyedVectors(WORDS, MATRIX).save(tmp_path / "kv.sg")
    assert KeyedVectors.load(tmp_path / "kv.sg").counts is None


def test_save_load_keeps_unusual_words(tmp_path):
    words = ["naïve", "日本語", "🙂", "", "two words", "a\tb", "NaN", "0"]
    vectors = np.arange(16, dtype=np.float32).reshape(8, 2)
    KeyedVectors(words, vectors).save(tmp_path / "kv.sg")
    loaded = KeyedVectors.load(str(tmp_path / "kv.sg"))
    assert loaded.index_to_key == words
    assert np.array_equal(loaded[""], [6, 7])


def test_save_load_of_an_empty_vocabulary(tmp_path):
    KeyedVectors([], np.zeros((0, 3), np.float32)).save(tmp_path / "kv.sg")
    loaded = KeyedVectors.load(tmp_path / "kv.sg")
    assert len(loaded) == 0
    assert loaded.vector_size == 3


def test_editing_mmapped_vectors_never_changes_the_file(kv, tmp_path):
    path = tmp_path / "kv.sg"
    kv.save(path)
    saved = path.read_bytes()
    loaded = KeyedVectors.load(path, mmap=True)
    loaded.vectors[:] = 1.0
    loaded.invalidate_norms()
    assert loaded.similarity("king", "apple") == pytest.approx(1.0, abs=1e-6)
    assert path.read_bytes() == saved
    assert np.array_equal(KeyedVectors.load(path).vectors, MATRIX)


def test_mmapped_vectors_can_be_saved_over_their_own_file(kv, tmp_path):
    path = tmp_path / "kv.sg"
    kv.save(path)
    loaded = KeyedVectors.load(path, mmap=True)
    loaded.vectors[0] = 9.0
    loaded.save(path)
    expected = MATRIX.copy()
    expected[0] = 9.0
    assert np.array_equal(KeyedVectors.load(path).vectors, expected)


# --- 3CosMul, doesnt_match, n_similarity (against gensim 4.4) --------------------------------


def to_gensim(kv: KeyedVectors) -> GensimKeyedVectors:
    other = GensimKeyedVectors(kv.vector_size)
    other.add_vectors(kv.index_to_key, kv.vectors)
    return other


COSMUL_QUERIES = {
    "one positive": (["w3"], []),
    "analogy": (["w1", "w2"], ["w3"]),
    "several": (["w4", "w8", "w30"], ["w15", "w16"]),
}


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")
@pytest.mark.parametrize(("positive", "negative"), COSMUL_QUERIES.values(), ids=COSMUL_QUERIES)
def test_most_similar_cosmul_agrees_with_gensim(random_kv, positive, negative):
    ours = random_kv.most_similar_cosmul(positive, negative, topn=15)
    theirs = to_gensim(random_kv).most_similar_cosmul(positive, negative, topn=15)
    assert [word for word, _ in ours] == [word for word, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)
    everything = random_kv.most_similar_cosmul(positive, negative, topn=None)
    expected = to_gensim(random_kv).most_similar_cosmul(positive, negative, topn=None)
    np.testing.assert_allclose(everything, expected, rtol=1e-5)


def test_most_similar_cosmul_is_the_shifted_cosine_product(random_kv):
    cos = random_kv.unit_vectors.astype(np.float64) @ random_kv.unit_vectors.T.astype(np.float64)
    shifted = (1 + cos) / 2
    expected = shifted[1] * shifted[2] / (shifted[3] + 1e-6)
    scores = random_kv.most_similar_cosmul(positive=["w1", "w2"], negative="w3", topn=None)
    np.testing.assert_allclose(scores, expected, rtol=1e-5)
    best = random_kv.most_similar_cosmul(positive=["w1", "w2"], negative="w3", topn=3)
    order = [i for i in np.argsort(-expected) if i not in (1, 2, 3)][:3]
    assert [word for word, _ in best] == [f"w{i}" for i in order]


def test_most_similar_cosmul_solves_the_planted_analogy(kv):
    result = kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=1)
    assert result[0][0] == "queen"


def test_most_similar_cosmul_with_one_word_ranks_like_most_similar(random_kv):
    cosmul = random_kv.most_similar_cosmul("w9", topn=39)
    assert [w for w, _ in cosmul] == [w for w, _ in random_kv.most_similar("w9", topn=39)]


def test_most_similar_cosmul_normalises_raw_vectors(random_kv):
    raw = random_kv.most_similar_cosmul(positive=[random_kv["w5"] * 7.0], topn=5)
    word = random_kv.most_similar_cosmul(positive=["w5"], topn=4)
    assert raw[0] == ("w5", pytest.approx(1 / (1 + 1e-6), abs=1e-6))  # raw vectors stay in
    assert raw[1:] == [(w, pytest.approx(s, abs=1e-6)) for w, s in word]


def test_most_similar_cosmul_restrict_vocab_and_topn(random_kv):
    result = random_kv.most_similar_cosmul("w30", topn=100, restrict_vocab=10)
    assert sorted(random_kv.get_index(word) for word, _ in result) == list(range(10))
    assert len(random_kv.most_similar_cosmul("w3", topn=1000)) == 39
    assert random_kv.most_similar_cosmul("w3", topn=None, restrict_vocab=10).shape == (10,)


@pytest.mark.parametrize("topn", [2.5, True])
def test_most_similar_cosmul_topn_must_be_an_integer(kv, topn):
    with pytest.raises(ValueError, match="topn"):
        kv.most_similar_cosmul("king", topn=topn)


def test_most_similar_cosmul_needs_a_positive_word(kv):
    with pytest.raises(ValueError, match="at least one positive word"):
        kv.most_similar_cosmul([], negative=["king"])


def test_most_similar_cosmul_unknown_word(kv):
    with pytest.raises(KeyError, match="'nope' is not in the vocabulary"):
        kv.most_similar_cosmul(["king"], negative=["nope"])


@pytest.mark.parametrize(
    "words",
    [["w1", "w2", "w3", "w4"], ["w0", "w10", "w20", "w30", "w39", "w5"], ["w7", "w8"]],
)
def test_doesnt_match_agrees_with_gensim(random_kv, words):
    assert random_kv.doesnt_match(words) == to_gensim(random_kv).doesnt_match(words)


def test_doesnt_match_finds_the_odd_one_out(kv):
    assert kv.doesnt_match(["king", "queen", "man", "apple"]) == "apple"
    assert kv.doesnt_match(("apple", "orange", "queen")) == "queen"
    assert kv.doesnt_match(["king"]) == "king"


def test_doesnt_match_ignores_unknown_words_with_a_warning_naming_them(kv):
    with pytest.warns(UserWarning, match="ignoring 2 key.*'nope', 'nada'"):
        assert kv.doesnt_match(["nope", "king", "queen", "nada", "apple"]) == "apple"


def test_doesnt_match_refuses_no_known_word_or_a_string(kv):
    with pytest.raises(ValueError, match="empty list"):
        kv.doesnt_match([])
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="none of the words"):
        kv.doesnt_match(["nope"])
    with pytest.raises(TypeError, match="list of words"):
        kv.doesnt_match("king")


def test_n_similarity_is_the_cosine_of_the_mean_vectors(random_kv):
    raw = random_kv.vectors.astype(np.float64)
    first, second = raw[[1, 2, 3]].mean(axis=0), raw[[4, 5]].mean(axis=0)
    expected = first @ second / np.linalg.norm(first) / np.linalg.norm(second)
    result = random_kv.n_similarity(["w1", "w2", "w3"], ["w4", "w5"])
    assert type(result) is float
    assert result == pytest.approx(expected, abs=1e-6)
    assert random_kv.n_similarity(["w1"], ["w2"]) == pytest.approx(random_kv.similarity("w1", "w2"))


def test_n_similarity_agrees_with_gensim(random_kv):
    for ws1, ws2 in [(["w1", "w2", "w3"], ["w4", "w5"]), (["w0"], ["w9", "w19", "w29"])]:
        theirs = float(to_gensim(random_kv).n_similarity(ws1, ws2))
        assert random_kv.n_similarity(ws1, ws2) == pytest.approx(theirs, abs=1e-6)


def test_n_similarity_errors(kv):
    with pytest.raises(ValueError, match="at least one key in ws2"):
        kv.n_similarity(["king"], [])
    with pytest.raises(ZeroDivisionError):  # what gensim raises
        kv.n_similarity([], ["king"])
    with pytest.raises(TypeError, match="ws1"):
        kv.n_similarity("king", ["queen"])


def test_n_similarity_ignores_unknown_words_with_a_warning(kv):
    with pytest.warns(UserWarning, match="n_similarity: ignoring 1 key.*'nope'"):
        similarity = kv.n_similarity(["king", "nope"], ["queen"])
    assert similarity == pytest.approx(kv.similarity("king", "queen"), abs=1e-6)
    with pytest.warns(UserWarning):
        assert kv.n_similarity(["nope"], ["queen"]) == 0.0  # gensim's zero mean


def test_n_similarity_with_a_zero_vector_is_zero(with_zero):
    assert with_zero.n_similarity(["void"], ["king"]) == 0.0
