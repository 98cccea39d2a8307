"""Tests for KeyedVectors' lookup errors and editing: the "did you mean" KeyError, int keys,
gensim's constructor form, adding and replacing vectors, counts, and the cached norms staying
true to the vectors after every edit."""

from __future__ import annotations

import numpy as np
import pytest

from skipgram import KeyedVectors

WORDS = ["king", "queen", "Paris", "apple", "orange"]


@pytest.fixture
def kv() -> KeyedVectors:
    vectors = np.random.default_rng(1).standard_normal((len(WORDS), 4)).astype(np.float32)
    return KeyedVectors(WORDS, vectors, counts=[50, 40, 30, 20, 10])


# ---- unknown keys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("KING", "king"), ("paris", "Paris"), ("kign", "king"), ("oranges", "orange")],
)
def test_an_unknown_key_suggests_the_closest_key(kv, key, suggestion):
    with pytest.raises(KeyError) as raised:
        kv[key]
    assert str(raised.value) == (
        f"word {key!r} is not in the vocabulary; did you mean {suggestion!r}?"
    )
    assert raised.value.key == key


def test_no_suggestion_without_a_close_key(kv):
    with pytest.raises(KeyError, match=r"^word 'xyzzy' is not in the vocabulary$"):
        kv.get_index("xyzzy")


def test_an_int_beyond_the_rows_says_what_an_int_key_is(kv):
    with pytest.raises(KeyError, match=r"5 is not in the vocabulary \(an int key is a row number"):
        kv[5]
    assert kv[4] is not None and kv.get_index(np.int32(2)) == 2 and 4 in kv and 5 not in kv


def test_the_suggestion_is_only_looked_for_when_the_message_is_shown(kv):
    # A loop catching KeyErrors pays nothing for the suggestion: the vocabulary is searched
    # when the message is shown, so a key added in between is the one suggested.
    errors = []
    for _ in range(100):
        try:
            kv["grape"]
        except KeyError as error:
            errors.append(error)
    kv.add_vector("grapes", np.ones(4, np.float32))
    assert str(errors[0]).endswith("did you mean 'grapes'?")
    kv.add_vector("Grape", np.ones(4, np.float32))  # a case variant would now come first
    assert str(errors[0]).endswith("did you mean 'grapes'?")  # built once, then kept


def test_an_unhashable_key_is_a_type_error(kv):
    with pytest.raises(TypeError, match="keys are str"):
        kv.get_index(["king"])


# ---- construction --------------------------------------------------------------------------


def test_gensims_constructor_form_reserves_room_without_empty_slots():
    kv = KeyedVectors(4, count=3)
    assert len(kv) == 0 and kv.vectors.shape == (0, 4) and kv.next_index == 0
    storage = kv._storage
    for i in range(3):
        assert kv.add_vector(f"k{i}", np.full(4, i)) == i
    assert kv._storage is storage  # filled the reserved rows, no reallocation
    assert kv.index_to_key == ["k0", "k1", "k2"] and kv.counts is None


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ((4, np.zeros((1, 4), np.float32)), TypeError),
        ((["a"], None), TypeError),
        ((), TypeError),
        ((-1,), ValueError),
        (([1], np.zeros((1, 4), np.float32)), TypeError),
    ],
    ids=["size with vectors", "no vectors", "nothing", "negative size", "int key"],
)
def test_constructor_refusals(arguments, error):
    with pytest.raises(error):
        KeyedVectors(*arguments)


def test_constructor_dtype_must_be_a_float_type():
    with pytest.raises(TypeError, match="datatype must be"):
        KeyedVectors(4, dtype=np.int64)


# ---- editing -------------------------------------------------------------------------------


def test_adding_one_by_one_grows_the_matrix_geometrically():
    kv = KeyedVectors(2)
    reallocations = 0
    for i in range(2000):
        before = kv._storage
        kv.add_vector(f"k{i}", [i, 1.0])
        reallocations += kv._storage is not before
    assert reallocations < 60  # not one copy of the whole matrix per key
    np.testing.assert_array_equal(kv["k1999"], [1999, 1])
    assert kv.vectors.shape == (2000, 2)


def test_add_vectors_keeps_or_replaces_and_counts_the_new_keys(kv):
    old_king = kv["king"].copy()
    kv.add_vectors(["king", "pear"], np.ones((2, 4)))
    np.testing.assert_array_equal(kv["king"], old_king)
    np.testing.assert_array_equal(kv["pear"], np.ones(4))
    assert kv.get_vecattr("pear", "count") == 0
    kv.add_vectors(["king"], np.full((1, 4), 2.0), extras={"count": [99]}, replace=True)
    assert kv.get_vecattr("king", "count") == 99
    np.testing.assert_array_equal(kv["king"], np.full(4, 2.0))


@pytest.mark.parametrize(
    ("keys", "weights", "error", "message"),
    [
        (["a", "a"], np.ones((2, 4)), ValueError, "'a' is given twice"),
        ([3], np.ones((1, 4)), TypeError, "keys added are str"),
        (["a"], np.ones((1, 3)), ValueError, "expected 1 vectors of 4 values"),
        (["a", "b"], [[1, 2, 3, 4], [np.nan, 0, 0, 0]], ValueError, "'b' holds NaN"),
    ],
    ids=["repeated", "int key", "wrong width", "nan"],
)
def test_add_vectors_refusals_leave_the_vectors_unchanged(kv, keys, weights, error, message):
    before = kv.vectors.copy()
    with pytest.raises(error, match=message):
        kv.add_vectors(keys, weights)
    assert kv.index_to_key == WORDS
    np.testing.assert_array_equal(kv.vectors, before)


def test_extras_other_than_count_are_refused(kv):
    with pytest.raises(ValueError, match="one attribute per key"):
        kv.add_vectors(["a"], np.ones((1, 4)), extras={"sample_int": np.ones(1)})


def test_every_edit_refreshes_the_norms(kv):
    assert kv.most_similar("king", topn=1)[0][0] != "apple"
    kv["apple"] = kv["king"] * 5
    assert kv.most_similar("king", topn=1)[0] == ("apple", pytest.approx(1.0, abs=1e-6))
    assert kv.norms[3] == pytest.approx(5 * np.linalg.norm(kv["king"]), rel=1e-6)
    kv.vectors[3] = -kv.vectors[0]  # an in-place edit needs an explicit refresh
    kv.fill_norms(force=True)
    assert kv.similarity("king", "apple") == pytest.approx(-1.0, abs=1e-6)


def test_the_cached_unit_vectors_are_read_only(kv):
    with pytest.raises(ValueError, match="read-only"):
        kv.get_normed_vectors()[0, 0] = 1.0


def test_unit_normalize_all(kv):
    kv.unit_normalize_all()
    np.testing.assert_allclose(np.linalg.norm(kv.vectors, axis=1), 1.0, rtol=1e-6)


def test_set_vecattr_creates_counts_and_refuses_other_attributes():
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    with pytest.raises(KeyError, match="no 'count' attribute"):
        kv.get_vecattr("a", "count")
    kv.set_vecattr("b", "count", 7)
    assert kv.counts.tolist() == [0, 7]
    with pytest.raises(ValueError, match="not 'sample_int'"):
        kv.set_vecattr("a", "sample_int", 1)
    with pytest.raises(ValueError, match="negative"):
        kv.set_vecattr("a", "count", -1)


def test_resize_vectors_after_appending_to_index_to_key(kv):
    kv.index_to_key.append("new")
    kv.resize_vectors(seed=3)
    assert kv.get_index("new") == 5 and kv.vectors.shape == (6, 4) and kv.counts[5] == 0
    assert np.all(np.abs(kv["new"]) <= 1 / 4)  # gensim's small random initial values


def test_vectors_for_all_keeps_order_and_drops_unknown_and_repeated_keys(kv):
    small = kv.vectors_for_all(["apple", "nope", 0, "apple", "king"], copy_vecattrs=True)
    assert small.index_to_key == ["apple", "king"]
    assert small.counts.tolist() == [20, 50]
    np.testing.assert_array_equal(small["king"], kv["king"])
