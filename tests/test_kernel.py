"""The compiled kernel against docs/math.md: single updates equal -alpha x the analytic gradient,
the analytic gradients equal finite differences, and the samplers draw what they should."""

import importlib.machinery

import numpy as np
import pytest
from skipgram._inner import (
    KernelModel,
    KernelWorker,
    build_alias_table,
    draw_noise,
    hs_update,
    private_zeros,
    sgns_update,
    softmax_update,
    train_batch,
)

from skipgram import _inner


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---- losses and analytic gradients in float64 (docs/math.md) ---------------------------------


def ns_loss(v, U, target, negatives):
    return -np.log(sigmoid(U[target] @ v)) - sum(np.log(sigmoid(-U[n] @ v)) for n in negatives)


def ns_gradients(v, U, target, negatives):
    grad_v = (sigmoid(U[target] @ v) - 1) * U[target]
    grad_U = np.zeros_like(U)
    grad_U[target] = (sigmoid(U[target] @ v) - 1) * v
    for n in negatives:
        grad_v = grad_v + sigmoid(U[n] @ v) * U[n]
        grad_U[n] += sigmoid(U[n] @ v) * v
    return grad_v, grad_U


def hs_loss(v, inner, code, points):
    return -sum(
        np.log(sigmoid((1 - 2 * c) * inner[p] @ v)) for c, p in zip(code, points, strict=True)
    )


def hs_gradients(v, inner, code, points):
    grad_v, grad_inner = np.zeros_like(v), np.zeros_like(inner)
    for c, p in zip(code, points, strict=True):
        g = sigmoid(inner[p] @ v) - (1 - c)  # d/ds of -log sigmoid((1 - 2c) s)
        grad_v += g * inner[p]
        grad_inner[p] += g * v
    return grad_v, grad_inner


def softmax_loss(v, U, contexts):
    scores = U @ v
    top = scores.max()
    return len(contexts) * (top + np.log(np.exp(scores - top).sum())) - scores[contexts].sum()


def softmax_gradients(v, U, contexts):
    scores = U @ v
    probabilities = np.exp(scores - scores.max())
    probabilities /= probabilities.sum()
    error = len(contexts) * probabilities
    np.subtract.at(error, contexts, 1.0)
    return U.T @ error, np.outer(error, v)


@pytest.fixture
def problem():
    rng = np.random.default_rng(42)
    v = rng.normal(0, 0.5, 8)
    U = rng.normal(0, 0.5, (20, 8))
    return v, U


# ---- the worked example ----------------------------------------------------------------------


def test_kernel_is_compiled():
    assert isinstance(_inner.__loader__, importlib.machinery.ExtensionFileLoader)


def test_sgns_reproduces_the_worked_example():
    v_king = np.array([0.10, 0.30], np.float32)
    output = np.array([[0.20, 0.90], [0.70, 0.10]], np.float32)  # rules (positive), table
    loss = sgns_update(v_king, output, 0, np.array([1], np.int32), 0.1)
    assert loss == pytest.approx(1.303020, abs=1e-6)
    np.testing.assert_allclose(v_king, [0.071812, 0.333271], atol=1e-6)
    np.testing.assert_allclose(output[0], [0.204280, 0.912840], atol=1e-6)
    np.testing.assert_allclose(output[1], [0.694750, 0.084251], atol=1e-6)


# ---- single updates equal -alpha x analytic gradient; analytic = finite differences ----------


def test_sgns_update_is_minus_alpha_times_gradient(problem):
    v, U = problem
    target, negatives, alpha = 3, [7, 11, 0, 19], 0.05
    grad_v, grad_U = ns_gradients(v, U, target, negatives)
    v32, U32 = v.astype(np.float32), U.astype(np.float32)
    loss = sgns_update(v32, U32, target, np.array(negatives, np.int32), alpha)
    assert loss == pytest.approx(ns_loss(v, U, target, negatives), rel=1e-5)
    np.testing.assert_allclose(v32 - v, -alpha * grad_v, atol=2e-6)
    np.testing.assert_allclose(U32 - U, -alpha * grad_U, atol=2e-6)


def test_sgns_gradient_matches_finite_differences(problem, finite_difference):
    v, U = problem
    target, negatives = 3, [7, 11, 0, 19]
    grad_v, grad_U = ns_gradients(v, U, target, negatives)
    np.testing.assert_allclose(
        grad_v, finite_difference(lambda x: ns_loss(x, U, target, negatives), v), atol=1e-7
    )
    np.testing.assert_allclose(
        grad_U, finite_difference(lambda x: ns_loss(v, x, target, negatives), U), atol=1e-7
    )


def test_sgns_skips_a_noise_draw_equal_to_the_target(problem):
    v, U = problem
    with_repeat, without = (
        (v.astype(np.float32), U.astype(np.float32)),
        (v.astype(np.float32), U.astype(np.float32)),
    )
    sgns_update(*with_repeat, 3, np.array([3, 5], np.int32), 0.1)
    sgns_update(*without, 3, np.array([5], np.int32), 0.1)
    np.testing.assert_array_equal(with_repeat[0], without[0])
    np.testing.assert_array_equal(with_repeat[1], without[1])


def sequential_sgns_step(v, U, target, negatives, alpha):
    """The pair's steps one output row after another in float64 (word2vec.c's order): each
    row's score read as the earlier steps of the pair left it, the input moved at the end."""
    v, U = v.copy(), U.copy()
    gradient = np.zeros_like(v)
    for row, label in [(target, 1.0)] + [(n, 0.0) for n in negatives if n != target]:
        g = alpha * (label - sigmoid(U[row] @ v))
        gradient += g * U[row]
        U[row] += g * v
    return v + gradient, U


@pytest.mark.parametrize("dim", [1, 4, 8, 13, 16, 300, 301])
@pytest.mark.parametrize(
    "negatives",
    [[7, 11, 0, 19], [7, 7, 11, 7], [*range(4, 20), 5, 9, 5], [9] * 20],
    ids=["distinct", "repeated", "more-than-16-rows", "one-word-20-times"],
)
def test_sgns_steps_rows_in_order_even_when_a_noise_word_repeats(dim, negatives):
    # The kernel scores a pair's rows before updating them; a row that occurs twice must
    # still be scored after its first update, as when the rows are stepped one by one.
    rng = np.random.default_rng(dim)
    v, U = rng.normal(0, 0.5, dim).astype(np.float32), rng.normal(0, 0.5, (20, dim))
    U = U.astype(np.float32)
    expected_v, expected_U = sequential_sgns_step(
        v.astype(np.float64), U.astype(np.float64), 3, negatives, 0.05
    )
    sgns_update(v, U, 3, np.array(negatives, np.int32), 0.05)
    np.testing.assert_allclose(v, expected_v, atol=2e-5)
    np.testing.assert_allclose(U, expected_U, atol=2e-5)


HS_CODE, HS_POINTS = [1, 0, 1, 1], [18, 4, 9, 13]  # a root-first path with distinct inner nodes


def test_hs_update_is_minus_alpha_times_gradient(problem):
    v, inner = problem
    alpha = 0.05
    grad_v, grad_inner = hs_gradients(v, inner, HS_CODE, HS_POINTS)
    v32, inner32 = v.astype(np.float32), inner.astype(np.float32)
    loss = hs_update(
        v32, inner32, np.array(HS_CODE, np.uint8), np.array(HS_POINTS, np.int32), alpha
    )
    assert loss == pytest.approx(hs_loss(v, inner, HS_CODE, HS_POINTS), rel=1e-5)
    np.testing.assert_allclose(v32 - v, -alpha * grad_v, atol=2e-6)
    np.testing.assert_allclose(inner32 - inner, -alpha * grad_inner, atol=2e-6)


def test_hs_gradient_matches_finite_differences(problem, finite_difference):
    v, inner = problem
    grad_v, grad_inner = hs_gradients(v, inner, HS_CODE, HS_POINTS)
    np.testing.assert_allclose(
        grad_v, finite_difference(lambda x: hs_loss(x, inner, HS_CODE, HS_POINTS), v), atol=1e-7
    )
    np.testing.assert_allclose(
        grad_inner, finite_difference(lambda x: hs_loss(v, x, HS_CODE, HS_POINTS), inner), atol=1e-7
    )


SOFTMAX_CONTEXTS = [2, 5, 5, 17]  # a repeated context counts twice


def test_softmax_update_is_minus_alpha_times_gradient(problem):
    v, U = problem
    alpha = 0.05
    grad_v, grad_U = softmax_gradients(v, U, SOFTMAX_CONTEXTS)
    v32, U32 = v.astype(np.float32), U.astype(np.float32)
    loss = softmax_update(v32, U32, np.array(SOFTMAX_CONTEXTS, np.int32), alpha)
    assert loss == pytest.approx(softmax_loss(v, U, SOFTMAX_CONTEXTS), rel=1e-5)
    np.testing.assert_allclose(v32 - v, -alpha * grad_v, atol=2e-6)
    np.testing.assert_allclose(U32 - U, -alpha * grad_U, atol=2e-6)


def test_softmax_gradient_matches_finite_differences(problem, finite_difference):
    v, U = problem
    grad_v, grad_U = softmax_gradients(v, U, SOFTMAX_CONTEXTS)
    np.testing.assert_allclose(
        grad_v, finite_difference(lambda x: softmax_loss(x, U, SOFTMAX_CONTEXTS), v), atol=1e-7
    )
    np.testing.assert_allclose(
        grad_U, finite_difference(lambda x: softmax_loss(v, x, SOFTMAX_CONTEXTS), U), atol=1e-7
    )


def test_softmax_is_stable_for_huge_scores():
    v = np.full(4, 100.0, np.float32)
    U = np.full((6, 4), 50.0, np.float32)  # scores of 20000: exp would overflow without the max
    loss = softmax_update(v, U, np.array([1], np.int32), 0.01)
    assert np.isfinite(loss) and loss == pytest.approx(np.log(6), rel=1e-5)
    assert np.all(np.isfinite(v)) and np.all(np.isfinite(U))


def test_update_entry_points_reject_ids_outside_the_matrix(problem):
    v, U = (a.astype(np.float32) for a in problem)
    with pytest.raises(ValueError, match="outside"):
        sgns_update(v, U, 20, np.array([1], np.int32), 0.1)
    with pytest.raises(ValueError, match="outside"):
        softmax_update(v, U, np.array([-1], np.int32), 0.1)


# ---- samplers --------------------------------------------------------------------------------


def test_alias_table_represents_the_distribution_exactly():
    weights = np.random.default_rng(0).random(50) ** 3 + 1e-3
    threshold, alias = build_alias_table(weights)
    keep = threshold / 2.0**32
    probability = keep.copy()
    np.add.at(probability, alias, 1.0 - keep)
    np.testing.assert_allclose(probability / len(weights), weights / weights.sum(), atol=1e-9)


def _kernel(objective="ns", vocab_size=10, dim=4, window=5, negative=5, keep=None, **extra):
    rng = np.random.default_rng(0)
    inputs = ((rng.random((vocab_size, dim)) - 0.5) / dim).astype(np.float32)
    rows = vocab_size - 1 if objective == "hs" else vocab_size
    outputs = np.zeros((rows, dim), np.float32)
    keep = np.ones(vocab_size, np.float32) if keep is None else keep
    if objective == "ns" and "noise_threshold" not in extra:
        extra["noise_threshold"], extra["noise_alias"] = build_alias_table(np.ones(vocab_size))
    return KernelModel(objective, inputs, outputs, keep, window, negative, **extra)


def test_noise_draws_follow_the_distribution():
    weights = np.arange(1, 11, dtype=np.float64) ** 0.75
    threshold, alias = build_alias_table(weights)
    kernel = _kernel(noise_threshold=threshold, noise_alias=alias)
    draws = draw_noise(kernel, 7, 1_000_000)
    frequency = np.bincount(draws, minlength=10) / len(draws)
    np.testing.assert_allclose(frequency, weights / weights.sum(), atol=3e-3)


def train_one_sentence(kernel, words, seed=3):
    """(kept, pairs, loss) of training `words` as a single sentence with alpha 0."""
    ends = np.array([len(words)], np.int64)
    return train_batch(kernel, KernelWorker(kernel, seed), words, ends, 0.0, 0.0)


def test_subsampling_keeps_words_with_their_keep_probability():
    keep = np.full(10, 0.25, np.float32)
    kernel = _kernel(keep=keep)
    words = np.random.default_rng(1).integers(0, 10, 200_000).astype(np.int32)
    kept, _, _ = train_one_sentence(kernel, words)
    assert kept / len(words) == pytest.approx(0.25, abs=0.005)


def test_reduced_window_averages_window_plus_one_pairs_per_word():
    # b is uniform in 1..window, a word far from the ends pairs with 2b neighbours: E = window + 1.
    kernel = _kernel(window=5)
    words = np.zeros(100_000, np.int32)
    _, pairs, _ = train_one_sentence(kernel, words)
    assert pairs / len(words) == pytest.approx(6.0, rel=0.01)


def test_windows_do_not_cross_sentence_ends():
    kernel = _kernel(window=5)
    words = np.zeros(1000, np.int32)
    ends = np.arange(1, 1001, dtype=np.int64)  # 1000 one-word sentences: no context at all
    kept, pairs, _ = train_batch(kernel, KernelWorker(kernel, 3), words, ends, 0.025, 0.025)
    assert kept == 1000 and pairs == 0


def test_train_batch_rejects_ids_outside_the_vocabulary():
    kernel = _kernel()
    with pytest.raises(ValueError, match="outside the vocabulary"):
        train_batch(
            kernel,
            KernelWorker(kernel, 1),
            np.array([0, 10], np.int32),
            np.array([2], np.int64),
            0.01,
            0.01,
        )


def test_kernel_model_rejects_bad_settings():
    with pytest.raises(ValueError, match="unknown objective"):
        _kernel(objective="cbow")
    with pytest.raises(ValueError, match="negative >= 1"):
        _kernel(negative=0)


def test_kernel_model_refuses_another_objectives_tables_by_name():
    # Each objective takes its own keyword arguments; the kernel says whose a stray one is.
    with pytest.raises(ValueError, match="noise_threshold needs objective 'ns', got 'softmax'"):
        _kernel(objective="softmax", noise_threshold=np.zeros(10, np.uint32))
    with pytest.raises(ValueError, match="softmax_batch needs objective 'softmax', got 'ns'"):
        _kernel(softmax_batch=4)
    with pytest.raises(ValueError, match="window_size needs no objective"):
        _kernel(window_size=3)


def test_each_kernel_objective_names_its_own_arguments():
    # The dispatch table's classes: one per objective, with disjoint keyword arguments.
    names = [set(tables.ARGUMENTS) for tables in _inner.OBJECTIVE_TABLES.values()]
    assert tuple(_inner.OBJECTIVE_TABLES) == _inner.OBJECTIVES
    assert sum(len(n) for n in names) == len(set().union(*names))


# ---- loss tallies ----------------------------------------------------------------------------


def test_loss_total_stays_exact_past_float32_saturation():
    """More than 2**24 equal pair losses: a float32 running total would stop growing long before
    the end; the kernel's float64 tally must equal pairs x per-pair loss."""
    per_pair = 1000.5
    vocab_size = 4
    inputs = np.full((vocab_size, 1), 1.0, np.float32)
    outputs = np.full((vocab_size, 1), -per_pair, np.float32)  # target loss -log s(-1000.5)
    threshold, alias = build_alias_table(np.ones(vocab_size))
    kernel = KernelModel(
        "ns",
        inputs,
        outputs,
        np.ones(vocab_size, np.float32),
        10,
        1,
        noise_threshold=threshold,
        noise_alias=alias,
        compute_loss=True,
    )
    words = np.zeros(1_600_000, np.int32)
    _, pairs, loss = train_one_sentence(kernel, words, seed=5)
    assert pairs > 2**24
    assert loss == pytest.approx(pairs * per_pair, rel=1e-12)


# ---- worker buffers --------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "dtype"), [(1, np.float32), (5, np.int32), (100, np.float32)])
def test_worker_buffers_own_their_cache_lines(n, dtype):
    """Each buffer starts on a 64-byte line and its memory reaches to the end of its last line,
    so no other allocation (another thread's buffer) can share a line with it."""
    buffer = private_zeros(n, dtype)
    assert buffer.shape == (n,) and buffer.dtype == dtype and not buffer.any()
    owner = buffer.base  # numpy points a view at the array that owns the memory
    start, whole_lines = buffer.ctypes.data, -(-buffer.nbytes // 64) * 64
    assert start % 64 == 0
    assert owner.ctypes.data <= start and start + whole_lines <= owner.ctypes.data + owner.nbytes
