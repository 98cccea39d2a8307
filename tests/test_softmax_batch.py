"""The exact softmax's minibatch step against docs/math.md ("Exact softmax"): a numpy float64
implementation of the same math (whose gradients are checked by finite differences), sequential
per-centre steps, the vectorised exp, the batching inside `train_batch`, and the one-BLAS-thread
limit of an epoch."""

import numpy as np
import pytest
from skipgram._inner import (
    KernelModel,
    KernelWorker,
    softmax_minibatch_update,
    softmax_row,
    train_batch,
)
from threadpoolctl import ThreadpoolController

from skipgram.blas_threads import one_blas_thread
from skipgram.corpus_ids import Batch
from skipgram.training import LearningRate, run_epoch

# ---- the reference, in float64 -----------------------------------------------------------


def window_loss(v, U, contexts):
    scores = U @ v
    top = scores.max()
    return len(contexts) * (top + np.log(np.exp(scores - top).sum())) - scores[contexts].sum()


def window_gradients(v, U, contexts):
    """∂/∂v and ∂/∂U of the window loss (docs/math.md)."""
    scores = U @ v
    probabilities = np.exp(scores - scores.max())
    probabilities /= probabilities.sum()
    error = len(contexts) * probabilities
    np.subtract.at(error, contexts, 1.0)
    return U.T @ error, np.outer(error, v)


def minibatch_step(W, U, centres, windows, alphas):
    """The minibatch step as docs/math.md defines it: the centres' steps one after another,
    each at its own rate, except that every centre's input vector is read as it was before
    the minibatch (it matters only for a word that is the centre twice). Returns
    (W, U, loss), the loss summed over the windows, each just before its step."""
    X = W[centres].copy()
    W, U, loss = W.copy(), U.copy(), 0.0
    for x, centre, contexts, alpha in zip(X, centres, windows, alphas, strict=True):
        loss += window_loss(x, U, contexts)
        grad_v, grad_U = window_gradients(x, U, contexts)
        W[centre] -= alpha * grad_v
        U -= alpha * grad_U
    return W, U, loss


def flat(windows):
    ends = np.cumsum([len(w) for w in windows]).astype(np.int64)
    return ends, np.concatenate([np.asarray(w, np.int32) for w in windows])


@pytest.fixture
def tiny():
    """V = 9 words of d = 5; centre 4 occurs twice; context 2 occurs twice in one window."""
    rng = np.random.default_rng(7)
    W = rng.normal(0, 0.6, (9, 5))
    U = rng.normal(0, 0.6, (9, 5))
    centres = np.array([4, 0, 4, 8], np.int32)
    windows = [[1, 2, 2, 7], [3], [5, 6], [0, 4, 1]]
    alphas = np.array([0.05, 0.04, 0.03, 0.02], np.float32)
    return W, U, centres, windows, alphas


# ---- one minibatch step ---------------------------------------------------------------------


def test_minibatch_step_matches_the_numpy_reference(tiny):
    W, U, centres, windows, alphas = tiny
    expected_W, expected_U, expected_loss = minibatch_step(W, U, centres, windows, alphas)
    W32, U32 = W.astype(np.float32), U.astype(np.float32)
    ends, contexts = flat(windows)
    loss = softmax_minibatch_update(W32, U32, centres, ends, contexts, alphas)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    np.testing.assert_allclose(W32, expected_W, atol=2e-6)
    np.testing.assert_allclose(U32, expected_U, atol=2e-6)
    untouched = [w for w in range(9) if w not in centres]
    np.testing.assert_array_equal(W32[untouched], W.astype(np.float32)[untouched])


def test_reference_gradients_match_finite_differences(tiny, finite_difference):
    W, U, _, windows, _ = tiny
    grad_v, grad_U = window_gradients(W[0], U, windows[0])
    np.testing.assert_allclose(
        grad_v, finite_difference(lambda x: window_loss(x, U, windows[0]), W[0]), atol=1e-7
    )
    np.testing.assert_allclose(
        grad_U, finite_difference(lambda x: window_loss(W[0], x, windows[0]), U), atol=1e-7
    )


def test_minibatch_of_distinct_centres_equals_sequential_steps(tiny):
    # No centre twice: the minibatch is exactly the per-centre steps taken one by one.
    W, U, _, windows, alphas = tiny
    centres = np.array([4, 0, 6, 8], np.int32)
    W_seq, U_seq = W.astype(np.float32), U.astype(np.float32)
    sequential_loss = 0.0
    for centre, contexts, alpha in zip(centres, windows, alphas, strict=True):
        one = np.array([centre], np.int32)
        ends = np.array([len(contexts)], np.int64)
        sequential_loss += softmax_minibatch_update(
            W_seq, U_seq, one, ends, np.array(contexts, np.int32), np.array([alpha])
        )
    W32, U32 = W.astype(np.float32), U.astype(np.float32)
    ends, contexts = flat(windows)
    loss = softmax_minibatch_update(W32, U32, centres, ends, contexts, alphas)
    assert loss == pytest.approx(sequential_loss, rel=1e-5)
    np.testing.assert_allclose(W32, W_seq, atol=2e-6)
    np.testing.assert_allclose(U32, U_seq, atol=2e-6)


def test_minibatch_longer_than_a_block_matches_the_reference():
    # 21 centres: the scores of later blocks are corrected by sgemm for the earlier blocks
    # and row by row within their own block. Some centres repeat, which training never
    # queues: the entry point then reads each input vector as it was before the minibatch,
    # like the reference.
    rng = np.random.default_rng(11)
    V, d = 30, 7
    W, U = rng.normal(0, 0.5, (V, d)), rng.normal(0, 0.5, (V, d))
    centres = rng.integers(0, V, 21).astype(np.int32)
    windows = [list(rng.integers(0, V, rng.integers(1, 7))) for _ in centres]
    alphas = rng.uniform(0.01, 0.1, 21).astype(np.float32)
    expected_W, expected_U, expected_loss = minibatch_step(W, U, centres, windows, alphas)
    W32, U32 = W.astype(np.float32), U.astype(np.float32)
    ends, contexts = flat(windows)
    loss = softmax_minibatch_update(W32, U32, centres, ends, contexts, alphas)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    np.testing.assert_allclose(W32, expected_W, atol=5e-6)
    np.testing.assert_allclose(U32, expected_U, atol=5e-6)


def test_minibatch_of_one_centre_equals_the_per_centre_step(tiny):
    W, U, centres, windows, alphas = tiny
    W_one, U_one, loss_one = minibatch_step(W, U, centres[:1], windows[:1], alphas[:1])
    W32, U32 = W.astype(np.float32), U.astype(np.float32)
    loss = softmax_minibatch_update(
        W32, U32, centres[:1], np.array([4], np.int64), np.array(windows[0], np.int32), alphas[:1]
    )
    assert loss == pytest.approx(loss_one, rel=1e-5)
    assert loss == pytest.approx(window_loss(W[4], U, windows[0]), rel=1e-5)
    np.testing.assert_allclose(W32, W_one, atol=2e-6)
    np.testing.assert_allclose(U32, U_one, atol=2e-6)


def test_minibatch_entry_point_rejects_inconsistent_input(tiny):
    W, U, centres, windows, alphas = tiny
    W32, U32 = W.astype(np.float32), U.astype(np.float32)
    ends, contexts = flat(windows)
    with pytest.raises(ValueError, match="equally long"):
        softmax_minibatch_update(W32, U32, centres, ends[:2], contexts, alphas)
    with pytest.raises(ValueError, match="rise to len"):
        softmax_minibatch_update(W32, U32, centres, ends - 1, contexts, alphas)
    with pytest.raises(ValueError, match="outside"):
        softmax_minibatch_update(W32, U32, centres + 9, ends, contexts, alphas)


# ---- the vectorised exp ---------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 16, 17, 33, 1000])
def test_softmax_row_matches_float64_to_float32_precision(n):
    rng = np.random.default_rng(n)
    row = rng.uniform(-120, 20, n)
    row[rng.integers(0, n)] = 20.0  # the maximum, so the row spans 140 below it
    row32 = row.astype(np.float32)
    # The differences from the maximum as the kernel forms them, in float32: their rounding
    # (up to 5e-6 absolute at -80) is float32's, the same with any exp; what is tested is exp.
    shifted = (row32 - row32.max()).astype(np.float64)
    kept = shifted > -80
    expected = np.where(kept, np.exp(shifted), 0.0)
    log_normaliser = float(row32.max()) + np.log(expected.sum())
    expected = 3.5 * expected / expected.sum()
    assert softmax_row(row32, 3.5) == pytest.approx(log_normaliser, rel=1e-6)
    np.testing.assert_allclose(row32, expected, rtol=1e-6, atol=0)
    assert np.all(row32[~kept] == 0.0)  # more than 80 below the maximum: exactly 0


def test_softmax_row_of_huge_equal_scores_is_uniform():
    row = np.full(13, 20000.0, np.float32)  # exp(20000) would overflow without the max
    assert softmax_row(row, 1.0) == pytest.approx(20000.0 + np.log(13), rel=1e-7)
    np.testing.assert_allclose(row, 1 / 13, rtol=1e-6)


# ---- minibatches inside train_batch ---------------------------------------------------------


def test_train_batch_equals_sequential_steps_whatever_the_minibatches():
    # window=1 and no subsampling make every window known: each centre's neighbours. Stepped
    # in minibatches of at most 3 centres, closed early before a centre word already in them
    # (2 and 6 repeat), across sentence ends, with the last one short, training must equal
    # the sequential per-centre steps, each at its sentence's rate; the one-word sentence has
    # no context and is no centre.
    rng = np.random.default_rng(3)
    V, d = 11, 6
    W = rng.normal(0, 0.5, (V, d)).astype(np.float32)
    U = rng.normal(0, 0.5, (V, d)).astype(np.float32)
    sentences = [[1, 2, 3, 2], [5], [7, 0, 9, 10, 4], [6, 6]]
    words = np.array([w for s in sentences for w in s], np.int32)
    ends = np.cumsum([len(s) for s in sentences]).astype(np.int64)
    alpha_start, alpha_end = np.float32(0.05), np.float32(0.03)

    W_ref, U_ref, loss_ref, begin, pairs = W.astype(np.float64), U.astype(np.float64), 0.0, 0, 0
    for sentence, end in zip(sentences, ends, strict=True):
        fraction = np.float32(begin) / np.float32(len(words))
        alpha = alpha_start + (alpha_end - alpha_start) * fraction
        for i, word in enumerate(sentence):
            window = sentence[max(i - 1, 0) : i] + sentence[i + 1 : i + 2]
            if window:
                W_ref, U_ref, loss = minibatch_step(W_ref, U_ref, [word], [window], [alpha])
                loss_ref += loss
                pairs += len(window)
        begin = end

    keep = np.ones(V, np.float32)
    kernel = KernelModel("softmax", W, U, keep, 1, compute_loss=True, softmax_batch=3)
    assert kernel.tables.softmax_batch == 3
    kept, trained_pairs, loss = train_batch(kernel, KernelWorker(kernel, 1), words, ends,
                                            0.05, 0.03)  # fmt: skip
    assert kept == len(words)
    assert trained_pairs == pairs
    assert loss == pytest.approx(loss_ref, rel=1e-5)
    np.testing.assert_allclose(W, W_ref, atol=1e-5)
    np.testing.assert_allclose(U, U_ref, atol=1e-5)


def test_minibatch_size_changes_nothing_but_rounding():
    # The same seed draws the same windows whatever the minibatch size, and the steps are the
    # sequential ones: minibatches of up to 64 centres train what one centre at a time does.
    rng = np.random.default_rng(5)
    V, d = 40, 8
    words = rng.integers(0, V, 3000).astype(np.int32)
    ends = np.array([700, 1500, 3000], np.int64)
    results = []
    for batch in (1, 64):
        W = np.random.default_rng(0).normal(0, 0.3, (V, d)).astype(np.float32)
        U = np.zeros_like(W)
        kernel = KernelModel("softmax", W, U, np.ones(V, np.float32), 4, compute_loss=True,
                             softmax_batch=batch)  # fmt: skip
        _, pairs, loss = train_batch(kernel, KernelWorker(kernel, 9), words, ends, 0.05, 0.01)
        results.append((W, U, pairs, loss))
    (W1, U1, pairs1, loss1), (W64, U64, pairs64, loss64) = results
    assert pairs1 == pairs64
    assert loss64 == pytest.approx(loss1, rel=1e-6)
    np.testing.assert_allclose(W64, W1, atol=1e-5)
    np.testing.assert_allclose(U64, U1, atol=1e-5)


def test_softmax_batch_is_validated_and_capped_for_huge_vocabularies():
    W = np.zeros((4, 2), np.float32)
    keep = np.ones(4, np.float32)
    with pytest.raises(ValueError, match="softmax_batch"):
        KernelModel("softmax", W, W.copy(), keep, 2, softmax_batch=0)
    big = np.zeros((300_000, 1), np.float32)
    kernel = KernelModel("softmax", big, big.copy(), np.ones(300_000, np.float32), 2)
    assert 1 <= kernel.tables.softmax_batch * 300_000 <= 1 << 24  # the scores stay ≤ 64 MB
    with pytest.raises(ValueError, match="softmax_batch needs objective 'softmax'"):
        KernelModel("ns", W, W.copy(), keep, 2, 1, noise_threshold=np.zeros(4, np.uint32),
                    noise_alias=np.arange(4, dtype=np.int32), softmax_batch=3)  # fmt: skip


# ---- BLAS threads ---------------------------------------------------------------------------


def blas_threads() -> list[int]:
    libraries = ThreadpoolController().info()
    return [lib["num_threads"] for lib in libraries if lib["user_api"] == "blas"]


def test_an_epoch_runs_with_one_blas_thread_and_restores_the_limit_after():
    before = blas_threads()
    assert before, "no BLAS library loaded: the kernel's scipy BLAS should be"
    W = np.random.default_rng(0).normal(0, 0.1, (20, 4)).astype(np.float32)
    kernel = KernelModel("softmax", W, np.zeros_like(W), np.ones(20, np.float32), 2)
    during = []

    def batches():  # iterated by run_epoch's producer while the workers train
        for _ in range(3):
            during.append(blas_threads())
            words = np.arange(20, dtype=np.int32)
            yield Batch(words, np.array([20], np.int64), 20)

    workers = [KernelWorker(kernel, seed) for seed in (1, 2)]
    stats = run_epoch(kernel, workers, batches(), LearningRate(0.05, 0.05, 60), 0)
    assert stats.raw_words == 60
    assert during and all(threads == [1] * len(before) for threads in during)
    assert blas_threads() == before


def test_blas_limit_holds_nest_and_lift_with_the_last():
    before = blas_threads()
    first, second = one_blas_thread(), one_blas_thread()
    assert blas_threads() == [1] * len(before)
    first.release()
    first.release()  # a second release of the same hold changes nothing
    assert blas_threads() == [1] * len(before)
    second.release()
    assert blas_threads() == before
