"""Differential tests: the same gensim code run on gensim 4.4's KeyedVectors and on skipgram's.

Both hold the same words and the same float32 matrix; each test calls one method the way gensim
code does and compares the answers (same words, close floats) or, where gensim raises, the
exception class. Where skipgram differs from gensim on purpose (docs/migration.md), the test
says so and checks skipgram's side of the difference.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKeyedVectors
from gensim.test.utils import datapath

from skipgram import KeyedVectors, ModelFormatError

# gensim's own most_similar_cosmul calls its deprecated init_sims.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`")

DIMENSION = 8
# Upper-case twins after the words: case-insensitive evaluations fold onto the first spelling.
WORDS = [f"w{i}" for i in range(50)] + ["king", "King", "queen", "Queen", "man", "woman"]


def _matrix() -> np.ndarray:
    rng = np.random.default_rng(2024)
    matrix = rng.standard_normal((len(WORDS), DIMENSION)).astype(np.float32)
    # Plant an analogy that 3CosAdd answers exactly: queen = king - man + woman (unit vectors).
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    row = {word: i for i, word in enumerate(WORDS)}
    matrix[row["queen"]] = unit[row["king"]] - unit[row["man"]] + unit[row["woman"]]
    return matrix


MATRIX = _matrix()
UNIT = MATRIX / np.linalg.norm(MATRIX, axis=1, keepdims=True)


def gensim_vectors() -> GensimKeyedVectors:
    kv = GensimKeyedVectors(DIMENSION)
    kv.add_vectors(WORDS, MATRIX.copy())
    return kv


def our_vectors() -> KeyedVectors:
    kv = KeyedVectors(DIMENSION)  # gensim's constructor form
    kv.add_vectors(WORDS, MATRIX.copy())
    return kv


@pytest.fixture
def both() -> tuple[GensimKeyedVectors, KeyedVectors]:
    return gensim_vectors(), our_vectors()


def outcome(call, kv):
    try:
        return "value", call(kv)
    except Exception as error:  # the exception is the result compared
        return "error", error


def same(both, call, atol: float = 1e-5):
    """Run `call` on gensim's vectors and on ours; assert the same answer or the same class of
    exception. Returns skipgram's answer."""
    (their_kind, theirs), (our_kind, ours) = (outcome(call, kv) for kv in both)
    if their_kind == "error":
        assert our_kind == "error", f"gensim raised {theirs!r}, skipgram returned {ours!r}"
        assert isinstance(ours, type(theirs)), f"gensim raised {theirs!r}, skipgram {ours!r}"
        return ours
    assert our_kind == "value", f"gensim returned {theirs!r}, skipgram raised {ours!r}"
    assert_same(theirs, ours, atol)
    return ours


def assert_same(theirs, ours, atol: float) -> None:
    if isinstance(theirs, np.ndarray) or isinstance(ours, np.ndarray):
        assert np.shape(theirs) == np.shape(ours)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=atol)
    elif isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), (theirs, ours)
        for their_item, our_item in zip(theirs, ours, strict=True):
            assert_same(their_item, our_item, atol)
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict) and theirs.keys() == ours.keys()
        for key in theirs:
            assert_same(theirs[key], ours[key], atol)
    elif isinstance(theirs, (float, np.floating)):
        assert float(ours) == pytest.approx(float(theirs), abs=atol)
    else:
        assert ours == theirs


# ---- construction and lookup -------------------------------------------------------------


def test_constructor_forms_and_dtype():
    for make in (GensimKeyedVectors, KeyedVectors):
        kv = make(3, count=4, dtype=np.float64)
        for i in range(4):
            kv.add_vector(f"k{i}", np.full(3, i))
        assert len(kv) == 4 and kv.vectors.dtype == np.float64
        assert kv.index_to_key == ["k0", "k1", "k2", "k3"]
        np.testing.assert_array_equal(kv["k2"], [2, 2, 2])
    assert KeyedVectors(vector_size=5).vectors.shape == (0, 5)


def test_getitem_by_key_by_int_and_by_list(both):
    same(both, lambda kv: kv["w3"])
    same(both, lambda kv: kv[7])
    same(both, lambda kv: kv[np.int64(7)])
    same(both, lambda kv: kv[["w1", 4, "king"]])


def test_get_index_and_its_default(both):
    same(both, lambda kv: kv.get_index("w9"))
    same(both, lambda kv: kv.get_index(12))
    same(both, lambda kv: kv.get_index("nope", 99))
    same(both, lambda kv: kv.get_index(len(WORDS)))  # not a row: KeyError in both
    same(both, lambda kv: kv.get_index(-1))


def test_has_index_for_and_contains(both):
    for key in ("w5", "nope", 0, len(WORDS) - 1, len(WORDS), -1):
        same(both, lambda kv, key=key: kv.has_index_for(key))
        same(both, lambda kv, key=key: key in kv)


def test_unknown_key_is_a_key_error_and_ours_suggests_a_close_key(both):
    error = same(both, lambda kv: kv["kng"])
    assert "'kng' is not in the vocabulary; did you mean 'king'?" in str(error)
    assert "did you mean 'king'?" in str(same(both, lambda kv: kv.get_vector("KING")))
    assert "did you mean" not in str(same(both, lambda kv: kv["zzzzzzzz"]))


def test_get_vector_normed_and_norms(both):
    same(both, lambda kv: kv.get_vector("w2", norm=True))
    same(both, lambda kv: (kv.fill_norms(), kv.norms)[1])
    same(both, lambda kv: kv.get_normed_vectors())


def test_get_vecattr_and_set_vecattr_count(both):
    def counts(kv):
        for i, word in enumerate(WORDS):
            kv.set_vecattr(word, "count", 1000 - 7 * i)
        return [kv.get_vecattr(word, "count") for word in ("w0", "w9", 3)]

    same(both, counts)


def test_sort_by_descending_frequency(both):
    def sort(kv):
        for i, word in enumerate(WORDS):
            kv.set_vecattr(word, "count", (i * 37) % 11)
        kv.sort_by_descending_frequency()
        return kv.index_to_key, kv.vectors, kv.key_to_index["w0"]

    same(both, sort)


# ---- similarities --------------------------------------------------------------------------


def test_similarity_with_gensim_keyword_names(both):
    same(both, lambda kv: kv.similarity("w1", "w2"))
    same(both, lambda kv: kv.similarity(w1="w1", w2=3))
    same(both, lambda kv: kv.similarity("w4", "w4"))
    assert both[1].similarity(key1="w1", key2="w2") == both[1].similarity("w1", "w2")


def test_distance(both):
    same(both, lambda kv: kv.distance("w1", "w2"))
    assert same(both, lambda kv: kv.distance("w6", "w6")) == 0.0


def test_distances(both):
    same(both, lambda kv: kv.distances("w3"))
    same(both, lambda kv: kv.distances("w3", ["w1", "w8", "king"]))
    same(both, lambda kv: kv.distances(MATRIX[5] * 2.0, ["w1", "w8"]))
    same(both, lambda kv: kv.distances("w3", ["w1", "nope"]))


def test_cosine_similarities_is_static(both):
    same(both, lambda kv: type(kv).cosine_similarities(MATRIX[0], MATRIX[1:9]))


def test_closer_than_words_closer_than_and_rank(both):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for first, second in (("w0", "w1"), ("w5", "w30"), ("king", "king"), ("w2", 7)):
            same(both, lambda kv, a=first, b=second: kv.closer_than(a, b))
            same(both, lambda kv, a=first, b=second: kv.words_closer_than(a, b))
            same(both, lambda kv, a=first, b=second: kv.rank(a, b))
    with pytest.warns(DeprecationWarning):
        both[1].words_closer_than("w0", "w1")


def test_most_similar_to_given(both):
    same(both, lambda kv: kv.most_similar_to_given("king", ["w1", "queen", "w2"]))
    same(both, lambda kv: kv.most_similar_to_given("w4", ["w1", "w9", "w11", "w40"]))


def test_relative_cosine_similarity(both):
    same(both, lambda kv: kv.relative_cosine_similarity("w1", "w2"))
    same(both, lambda kv: kv.relative_cosine_similarity("king", "queen", topn=3))
    same(both, lambda kv: kv.relative_cosine_similarity("w1", "w2", topn=0))  # ValueError


# ---- nearest neighbours --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"positive": "w3"},
        {"positive": ["king", "woman"], "negative": ["man"]},
        {"positive": [("w1", 2.0), ("w5", 0.5)], "negative": [("w7", -1.0)]},
        {"positive": [4, "w9"]},
        {"negative": "w12"},
        {"positive": UNIT[3:6]},  # a matrix is a list of vectors
        {"positive": ["w3"], "topn": 3, "restrict_vocab": 20},
        {"positive": ["w3"], "topn": 5, "clip_start": 10, "clip_end": 30},
        {"positive": ["w3"], "topn": None},
        {"positive": ["w3"], "topn": None, "clip_start": 4, "clip_end": 9},
        {"positive": ["w3"], "topn": 0},
        {"positive": ["w3"], "topn": np.uint8(0)},
        {"positive": ["w3"], "topn": 1000},
        {"positive": ["nope"]},
        {},
    ],
    ids=lambda query: ",".join(query) or "nothing",
)
def test_most_similar(both, query):
    same(both, lambda kv: kv.most_similar(**query))


def test_most_similar_with_positional_arguments(both):
    same(both, lambda kv: kv.most_similar("king", "man", 4))


def test_most_similar_with_a_unit_raw_vector_among_words(both):
    # A unit-length vector weighs as a word in gensim too; longer ones differ (below).
    same(both, lambda kv: kv.most_similar(positive=["w1", UNIT[9]], negative=["w2"], topn=6))


def test_most_similar_normalises_raw_vectors_unlike_gensim(both):
    # Deliberate difference (docs/migration.md): skipgram weighs a raw vector like a word,
    # whatever its length; gensim adds it as given, so a long vector outweighs the words.
    ours = both[1].most_similar(positive=["w1", MATRIX[9] * 100], topn=6)
    assert_same(both[1].most_similar(positive=["w1", UNIT[9]], topn=6), ours, atol=1e-6)
    theirs = both[0].most_similar(positive=["w1", MATRIX[9] * 100], topn=6)
    assert theirs[0][0] == both[0].similar_by_vector(MATRIX[9], topn=1)[0][0]


def test_analogy_is_answered(both):
    answer = same(both, lambda kv: kv.most_similar(["king", "woman"], ["man"], topn=1))
    assert answer[0][0] == "queen"


def test_similar_by_word_key_and_vector(both):
    same(both, lambda kv: kv.similar_by_word("w8", topn=4))
    same(both, lambda kv: kv.similar_by_key("w8", 4, 20))
    same(both, lambda kv: kv.similar_by_vector(MATRIX[8] * 3, topn=4))
    same(both, lambda kv: kv.similar_by_vector(MATRIX[8], topn=None))


def test_most_similar_cosmul(both):
    same(both, lambda kv: kv.most_similar_cosmul(["king", "woman"], ["man"], topn=5))
    same(both, lambda kv: kv.most_similar_cosmul("w3", "w4"))
    same(both, lambda kv: kv.most_similar_cosmul("w3", topn=0))
    same(both, lambda kv: kv.most_similar_cosmul(positive=["w3"], topn=None))
    same(both, lambda kv: kv.most_similar_cosmul(negative=["w3"]))  # ValueError


# ---- sets of words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        {"keys": ["w1", "w2", "w3"]},
        {"keys": ["w1", "nope", "w3"], "weights": [1, 2, 3]},
        {"keys": ["w1", 5, MATRIX[7]], "weights": np.array([0.5, -1.0, 2.0])},
        {"keys": ["w1", "w2"], "pre_normalize": False},
        {"keys": ["w1", "w2"], "post_normalize": True},
        {"keys": ["nope"]},
        {"keys": ["w1", "nope"], "ignore_missing": False},
        {"keys": []},
        {"keys": ["w1", "w2"], "weights": [1.0]},
    ],
    ids=lambda arguments: ",".join(f"{k}" for k in arguments) + f"{len(arguments['keys'])}",
)
def test_get_mean_vector(both, arguments):
    same(both, lambda kv: kv.get_mean_vector(**arguments))


def test_n_similarity(both):
    same(both, lambda kv: kv.n_similarity(["w1", "w2", "w3"], ["w4", 10]))
    same(both, lambda kv: kv.n_similarity([], ["w4"]))  # ZeroDivisionError in both
    with pytest.warns(UserWarning, match="ignoring 1 key"):  # gensim ignores them silently
        same(both, lambda kv: kv.n_similarity(["w1", "nope"], ["w4"]))
    with pytest.warns(UserWarning):
        assert same(both, lambda kv: kv.n_similarity(["nope"], ["w4"])) == 0.0


def test_doesnt_match_and_rank_by_centrality(both):
    words = ["w1", "w2", "w3", "king", "queen"]
    same(both, lambda kv: kv.doesnt_match(words))
    same(both, lambda kv: kv.rank_by_centrality(words))
    same(both, lambda kv: kv.rank_by_centrality(words, use_norm=False))
    with pytest.warns(UserWarning, match="doesnt_match.*'nope'|rank_by_centrality.*'nope'"):
        same(both, lambda kv: kv.doesnt_match(["nope", *words]))  # gensim logs a warning
    with pytest.warns(UserWarning):
        same(both, lambda kv: kv.doesnt_match(["nope"]))  # ValueError in both


def test_wmdistance(both):
    pytest.importorskip("ot")
    documents = (["w1", "w2", "w3", "w2"], ["w4", "king", "nope"])
    same(both, lambda kv: kv.wmdistance(*documents), atol=1e-4)
    same(both, lambda kv: kv.wmdistance(*documents, norm=False), atol=1e-4)
    same(both, lambda kv: kv.wmdistance(["w1", "w1"], ["w1"]))
    with pytest.warns(UserWarning):
        assert same(both, lambda kv: kv.wmdistance(["nope"], ["w1"])) == float("inf")


# ---- editing -------------------------------------------------------------------------------


def test_add_vector_and_add_vectors(both):
    rng = np.random.default_rng(3)
    new = rng.standard_normal((3, DIMENSION))

    def edit(kv):
        first = kv.add_vector("new0", new[0])
        kv.add_vectors(["w1", "new1", "new2"], np.vstack([new[2], new[1], new[2]]))
        kv.add_vectors("new3", new[0] * 2)  # a single key
        return first, kv.index_to_key, kv.vectors, kv.most_similar("new1", topn=3)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # gensim: adding one by one is costly
        same(both, edit)


def test_add_vectors_with_replace_and_setitem(both):
    rng = np.random.default_rng(4)
    new = rng.standard_normal((3, DIMENSION)).astype(np.float32)

    def edit(kv):
        kv.add_vectors(["w1", "new"], new[:2], replace=True)
        kv["w2"] = new[2]
        kv[["w3", "other"]] = [new[0], new[1]]
        return kv.index_to_key, kv.vectors, kv.similarity("w1", "new")

    same(both, edit)


def test_vectors_for_all(both):
    def subset(kv):
        for i, word in enumerate(WORDS):
            kv.set_vecattr(word, "count", 100 + i)
        keys = ["w3", "nope", "king", "w3", "w0"]
        plain, copied = kv.vectors_for_all(keys), kv.vectors_for_all(keys, copy_vecattrs=True)
        return (
            plain.index_to_key,
            plain.vectors,
            [plain.get_vecattr(key, "count") for key in plain.index_to_key],
            [copied.get_vecattr(key, "count") for key in copied.index_to_key],
        )

    same(both, subset)


# ---- evaluation results unpack as gensim's tuples ------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


QUESTIONS = """: royalty
man king woman queen
MAN KING WOMAN QUEEN
Man King Woman Queen
king man woman queen
w1 w2 w3 w4
: unknown words
w5 w6 nope w7
king queen man woman
"""

PAIRS = "# a comment\nw1\tw2\t3.5\nking\tqueen\t9.0\nman\twoman\t7.5\nw3\tnope\t1.0\nw4\tw9\t2\n"


@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("dummy4unknown", [False, True])
def test_evaluate_word_analogies_unpacks_as_gensim(both, tmp_path, case_insensitive, dummy4unknown):
    path = str(write(tmp_path / "questions.txt", QUESTIONS))

    def evaluate(kv):
        score, sections = kv.evaluate_word_analogies(
            path, case_insensitive=case_insensitive, dummy4unknown=dummy4unknown
        )
        result = kv.evaluate_word_analogies(path, 300000, case_insensitive, dummy4unknown)
        return score, sections, result[0], result[1][-1]["section"]

    score, sections, _, _ = same(both, evaluate)
    assert sections[0]["correct"]  # the planted analogy is found
    assert score > 0


@pytest.mark.parametrize("dummy4unknown", [False, True])
def test_evaluate_word_pairs_unpacks_as_gensim(both, tmp_path, dummy4unknown):
    path = str(write(tmp_path / "pairs.tsv", PAIRS))

    def evaluate(kv):
        pearson, spearman, oov = kv.evaluate_word_pairs(path, dummy4unknown=dummy4unknown)
        result = kv.evaluate_word_pairs(path, "\t", "utf8", 300000, True, dummy4unknown)
        return (
            pearson[0],
            pearson[1],
            spearman[0],
            spearman.pvalue,
            pearson.statistic,
            oov,
            result[0][0],
            result[2],
        )

    same(both, evaluate)


# ---- the word2vec formats, with gensim's signatures ----------------------------------------


def with_counts(kv):
    for i, word in enumerate(WORDS):
        kv.set_vecattr(word, "count", 5 + (i * 13) % 17)  # not in row order: the save sorts
    return kv


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("writer", ["gensim", "skipgram"])
def test_fvocab_round_trips_both_ways(tmp_path, binary, writer):
    vectors, vocabulary = str(tmp_path / "vectors"), str(tmp_path / "vocab.txt")
    source = with_counts(gensim_vectors() if writer == "gensim" else our_vectors())
    source.save_word2vec_format(vectors, vocabulary, binary)  # fvocab second, as in gensim

    def load(kv):
        loaded = type(kv).load_word2vec_format(vectors, vocabulary, binary)
        counts = [loaded.get_vecattr(word, "count") for word in loaded.index_to_key]
        return loaded.index_to_key, loaded.vectors, counts

    same((gensim_vectors(), our_vectors()), load, atol=0)


def test_saved_files_are_byte_identical_with_every_option(tmp_path):
    def save(kv):
        name = type(kv).__module__.split(".")[0]
        vectors, vocabulary = tmp_path / f"{name}.txt", tmp_path / f"{name}.vocab"
        with_counts(kv).save_word2vec_format(
            str(vectors), str(vocabulary), total_vec=len(WORDS) + 2, prefix="pre_"
        )
        kv.save_word2vec_format(
            str(vectors), str(vocabulary), write_header=False, prefix="again_", append=True
        )
        kv.save_word2vec_format(str(tmp_path / f"{name}.glove"), write_header=False)
        kv.save_word2vec_format(str(tmp_path / f"{name}.rows"), sort_attr=None)
        return [path.read_bytes() for path in (vectors, vocabulary, tmp_path / f"{name}.glove")]

    same((gensim_vectors(), our_vectors()), save)


def test_sort_attr_none_keeps_the_row_order(tmp_path):
    with_counts(our_vectors()).save_word2vec_format(tmp_path / "rows.txt", sort_attr=None)
    assert KeyedVectors.load_word2vec_format(tmp_path / "rows.txt").index_to_key == WORDS


@pytest.mark.parametrize("writer", ["gensim", "skipgram"])
def test_glove_files_load_with_no_header_both_ways(tmp_path, writer):
    path = str(tmp_path / "glove.txt")
    source = gensim_vectors() if writer == "gensim" else our_vectors()
    source.save_word2vec_format(path, write_header=False)

    def load(kv):
        loaded = type(kv).load_word2vec_format(path, no_header=True)
        limited = type(kv).load_word2vec_format(path, no_header=True, limit=5)
        return loaded.index_to_key, loaded.vectors, limited.index_to_key, loaded.vector_size

    same((gensim_vectors(), our_vectors()), load, atol=0)


def test_gensims_glove_test_file_loads_with_no_header(both):
    same(
        both,
        lambda kv: (
            type(kv)
            .load_word2vec_format(datapath("test_glove.txt"), no_header=True)
            .most_similar("the", topn=5)
        ),
    )


def test_a_glove_file_without_no_header_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "glove.txt"
    our_vectors().save_word2vec_format(path, write_header=False)
    with pytest.raises(ValueError, match="pass no_header=True"):
        KeyedVectors.load_word2vec_format(path)


def test_no_header_with_binary_is_not_implemented(both, tmp_path):
    path = str(tmp_path / "v.bin")
    our_vectors().save_word2vec_format(path, binary=True)
    same(both, lambda kv: type(kv).load_word2vec_format(path, binary=True, no_header=True))


@pytest.mark.parametrize("datatype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_datatype_casts_like_gensim(tmp_path, datatype, binary):
    text = datapath("high_precision.kv.txt")
    source = str(tmp_path / "v.bin") if binary else text
    if binary:
        GensimKeyedVectors.load_word2vec_format(text).save_word2vec_format(source, binary=True)

    def load(kv):
        loaded = type(kv).load_word2vec_format(source, binary=binary, datatype=datatype)
        return loaded.vectors.dtype, loaded.index_to_key, loaded.vectors

    same((gensim_vectors(), our_vectors()), load, atol=0)


@pytest.mark.parametrize("errors", ["replace", "ignore", "strict"])
def test_unicode_errors_with_a_vocabulary_file(both, errors):
    model, vocabulary = (
        datapath(f"w2v_keyedvectors_load_test.{ext}") for ext in ("modeldata", "vocab")
    )

    def load(kv):
        loaded = type(kv).load_word2vec_format(model, fvocab=vocabulary, unicode_errors=errors)
        counts = [loaded.get_vecattr(word, "count") for word in loaded.index_to_key]
        return loaded.index_to_key, counts, loaded.vectors

    same(both, load)  # strict: a UnicodeDecodeError in both


def test_fvocab_needs_counts(both, tmp_path):
    vocabulary = str(tmp_path / "vocab.txt")
    same(both, lambda kv: kv.save_word2vec_format(str(tmp_path / "v.txt"), vocabulary))


def test_skipgram_0_1_positional_binary_gets_a_clear_error(tmp_path):
    with pytest.raises(TypeError, match="binary=True"):
        our_vectors().save_word2vec_format(tmp_path / "v.bin", True)
    with pytest.raises(TypeError, match="binary=True"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.bin", True)


def test_gensim_3_names_raise_attribute_errors_as_in_gensim_4(both):
    for name in ("index2word", "index2entity", "vocab", "vectors_norm"):
        same(both, lambda kv, name=name: getattr(kv, name))


def test_expandos_and_allocate_vecattrs(both):
    def attributes(kv):
        before = dict(kv.expandos)
        kv.allocate_vecattrs(["count"], [int])
        kv.set_vecattr("w4", "count", 9)
        return before, kv.expandos["count"]

    same(both, attributes)


def test_log_helpers(both, tmp_path, caplog):
    path = str(write(tmp_path / "pairs.tsv", PAIRS))

    def log(kv):
        pearson, spearman, oov = kv.evaluate_word_pairs(path)
        caplog.clear()
        with caplog.at_level("INFO"):
            kv.log_evaluate_word_pairs(pearson, spearman, oov, path)
            kv.log_accuracy({"section": "s", "correct": [1, 2], "incorrect": [3]})
        return [record.getMessage() for record in caplog.records]

    same(both, log)


def test_unit_normalize_all_init_sims_and_word_vec(both):
    def normalise(kv):
        with pytest.warns(DeprecationWarning):
            kv.init_sims()
        with pytest.warns(DeprecationWarning):
            before = kv.word_vec("w3", norm=True)
        kv.unit_normalize_all()
        kv.fill_norms(force=True)
        return before, kv.vectors, kv.norms

    same(both, normalise)


def test_resize_vectors_after_appending_keys_directly(both):
    def resize(kv):
        for word in ("new1", "new2"):
            kv.key_to_index[word] = len(kv.index_to_key)
            kv.index_to_key.append(word)
        kv.resize_vectors(seed=7)
        return kv.vectors, kv["new2"], kv.get_index("new1")

    same(both, resize, atol=0)


# ---- found by gensim's own suite (benchmarks/gensim_suite.py) ------------------------------


def gensim_cosmul_answer(kv: GensimKeyedVectors, a: str, b: str, c: str) -> str:
    """gensim's 3CosMul answer to a : b :: c : ?, the question words left out."""
    ranked = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=len(kv))
    return next(word for word, _ in ranked if word not in (a, b, c))


def test_evaluate_word_analogies_with_cosmul_answers_as_most_similar_cosmul(both, tmp_path):
    # skipgram answers with the ranking similarity_function names; gensim 4.4 takes the
    # parameter and answers with most_similar anyway (the deliberate difference).
    path = str(write(tmp_path / "questions.txt", QUESTIONS))
    theirs, ours = both
    questions = [line.split() for line in QUESTIONS.splitlines() if not line.startswith(":")]
    expected = [
        (a, b, c, d)
        for a, b, c, d in questions
        if all(w in theirs for w in (a, b, c, d)) and gensim_cosmul_answer(theirs, a, b, c) == d
    ]
    _, sections = ours.evaluate_word_analogies(
        path, case_insensitive=False, similarity_function="most_similar_cosmul"
    )
    assert sections[-1]["correct"] == expected and expected  # "Total accuracy"
    cosadd = theirs.evaluate_word_analogies(path, case_insensitive=False)
    ignored = theirs.evaluate_word_analogies(
        path, case_insensitive=False, similarity_function="most_similar_cosmul"
    )
    assert ignored == cosadd  # gensim 4.4: the parameter changes nothing
    with pytest.raises(ValueError, match="most_similar_cosmul"):
        ours.evaluate_word_analogies(path, similarity_function="n_similarity")


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_a_truncated_word2vec_file_is_an_eof_error_in_both(tmp_path, binary):
    # gensim's test_too_short_*_word2vec_format: the header declares more vectors than follow.
    path = tmp_path / "vectors"
    gensim_vectors().save_word2vec_format(str(path), binary=binary)
    with open(path, "r+b") as stream:
        stream.write(b"99")  # "56 8" becomes "99 8"

    def load(kv):
        return type(kv).load_word2vec_format(str(path), binary=binary)

    error = same((gensim_vectors(), our_vectors()), load)
    assert isinstance(error, EOFError) and isinstance(error, ModelFormatError)
    assert "99" in str(error)  # ours names what the header declares


def test_load_on_an_instance_returns_the_loaded_vectors_in_both(both, tmp_path):
    # Unlike Word2Vec.load, gensim's KeyedVectors.load runs on an instance too (and returns the
    # loaded vectors, leaving the instance as it was); skipgram's does the same.
    for kv in both:
        path = str(tmp_path / type(kv).__module__.split(".")[0])
        kv.save(path)
        empty = type(kv)(DIMENSION)
        assert empty.load(path).index_to_key == kv.index_to_key and len(empty) == 0


def test_save_takes_gensims_separately_and_sep_limit(both, tmp_path):
    def save_and_map(kv):
        path = str(tmp_path / type(kv).__module__.split(".")[0])
        kv.save(path, separately=[], sep_limit=0)
        return type(kv).load(path, mmap="r").vectors

    same(both, save_and_map, atol=0)
