"""The opt-in shared-negatives mode of negative sampling (HogBatch, docs/math.md "Shared
negatives"): every context word of a window predicts the centre against one set of noise words,
and the whole window takes one simultaneous step on its summed loss."""

import itertools

import numpy as np
import pytest
from skipgram._inner import (
    KernelModel,
    KernelWorker,
    build_alias_table,
    sgns_update,
    shared_negatives_update,
    train_batch,
)

from skipgram import SkipGram, kernel_setup


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---- the window's loss and its analytic gradient in float64 ----------------------------------


def window_loss(V, U, centre, contexts, negatives):
    """Sum over the contexts c of -log s(u_centre . v_c) - sum_k log s(-u_k . v_c), with the
    same noise words k for every context; a noise draw equal to the centre is skipped."""
    noise = [n for n in negatives if n != centre]
    return sum(
        -np.log(sigmoid(U[centre] @ V[c])) - sum(np.log(sigmoid(-U[n] @ V[c])) for n in noise)
        for c in contexts
    )


def window_gradients(V, U, centre, contexts, negatives):
    noise = [n for n in negatives if n != centre]
    grad_V, grad_U = np.zeros_like(V), np.zeros_like(U)
    for c in contexts:
        positive = sigmoid(U[centre] @ V[c]) - 1
        grad_V[c] += positive * U[centre]
        grad_U[centre] += positive * V[c]
        for n in noise:
            grad_V[c] += sigmoid(U[n] @ V[c]) * U[n]
            grad_U[n] += sigmoid(U[n] @ V[c]) * V[c]
    return grad_V, grad_U


@pytest.fixture(params=[8, 47, 301], ids=["d8", "d47", "d301"])
def problem(request):
    """(input matrix, output matrix) of 20 words. The kernel works on slices of 16, 8 and 4
    floats, then single floats: 47 = 32 + 8 + 4 + 3 takes every one of those paths, and 301
    many full slices before them."""
    rng = np.random.default_rng(42)
    dim = request.param
    return rng.normal(0, 0.5, (20, dim)), rng.normal(0, 0.5, (20, dim))


# Context 5 occurs twice, context 3 is the centre word itself and context 7 is also a noise
# word: input and output rows are different vectors, so none of these is special. Noise word 11
# is drawn twice and counts twice.
CENTRE, CONTEXTS, NEGATIVES = 3, [2, 5, 5, 3, 7], [7, 11, 11, 19, 0]


def shared_step(V, U, centre, contexts, negatives, alpha):
    """The kernel's step on float32 copies: (loss, new V, new U)."""
    V32, U32 = V.astype(np.float32), U.astype(np.float32)
    loss = shared_negatives_update(
        V32, U32, centre, np.array(contexts, np.int32), np.array(negatives, np.int32), alpha
    )
    return loss, V32, U32


# ---- one window step --------------------------------------------------------------------------


def test_window_step_is_minus_alpha_times_the_gradient_of_the_window_loss(problem):
    V, U = problem
    alpha = 0.05
    grad_V, grad_U = window_gradients(V, U, CENTRE, CONTEXTS, NEGATIVES)
    loss, V32, U32 = shared_step(V, U, CENTRE, CONTEXTS, NEGATIVES, alpha)
    assert loss == pytest.approx(window_loss(V, U, CENTRE, CONTEXTS, NEGATIVES), rel=1e-5)
    np.testing.assert_allclose(V32 - V, -alpha * grad_V, atol=2e-6)
    np.testing.assert_allclose(U32 - U, -alpha * grad_U, atol=2e-6)


def test_window_gradient_matches_finite_differences(problem, finite_difference):
    V, U = problem
    grad_V, grad_U = window_gradients(V, U, CENTRE, CONTEXTS, NEGATIVES)
    np.testing.assert_allclose(
        grad_V,
        finite_difference(lambda x: window_loss(x, U, CENTRE, CONTEXTS, NEGATIVES), V),
        atol=1e-7,
    )
    np.testing.assert_allclose(
        grad_U,
        finite_difference(lambda x: window_loss(V, x, CENTRE, CONTEXTS, NEGATIVES), U),
        atol=1e-7,
    )


def test_window_step_is_simultaneous_not_one_context_after_another(problem):
    # Contexts one at a time would let the second see the output rows the first moved; the
    # window step computes every update from the values before it (checked against the
    # gradient above). The difference is large enough for the gradient test to tell them apart.
    V, U = problem
    _, together_V, together_U = shared_step(V, U, CENTRE, CONTEXTS, NEGATIVES, 0.5)
    one_by_one_V, one_by_one_U = V.copy(), U.copy()
    for context in CONTEXTS:
        _, one_by_one_V, one_by_one_U = shared_step(
            one_by_one_V, one_by_one_U, CENTRE, [context], NEGATIVES, 0.5
        )
    assert np.abs(together_U - one_by_one_U).max() > 1e-3
    assert np.abs(together_V - one_by_one_V).max() > 1e-3


def test_a_noise_draw_equal_to_the_centre_is_skipped(problem):
    V, U = problem
    with_centre = shared_step(V, U, CENTRE, CONTEXTS, [CENTRE, 11, CENTRE], 0.1)
    without = shared_step(V, U, CENTRE, CONTEXTS, [11], 0.1)
    assert with_centre[0] == without[0]
    np.testing.assert_array_equal(with_centre[1], without[1])
    np.testing.assert_array_equal(with_centre[2], without[2])


def test_a_one_context_window_is_the_default_pair_step_with_roles_reversed(problem):
    # The context's input vector predicts the centre: the default step for the pair
    # (input = context, target = centre) with the same noise words. They are distinct here:
    # the default step moves a noise row as soon as it is used, so a repeat sees the move.
    V, U = problem
    negatives = sorted(set(NEGATIVES))
    loss, V32, U32 = shared_step(V, U, CENTRE, [5], negatives, 0.1)
    v_pair, U_pair = V[5].astype(np.float32), U.astype(np.float32)
    pair_loss = sgns_update(v_pair, U_pair, CENTRE, np.array(negatives, np.int32), 0.1)
    assert loss == pytest.approx(pair_loss, rel=1e-6)
    np.testing.assert_allclose(V32[5], v_pair, atol=1e-7)
    np.testing.assert_allclose(U32, U_pair, atol=1e-7)


def test_window_update_rejects_ids_outside_the_matrices(problem):
    V, U = (a.astype(np.float32) for a in problem)
    with pytest.raises(ValueError, match="outside"):
        shared_negatives_update(V, U, 3, np.array([20], np.int32), np.array([1], np.int32), 0.1)
    with pytest.raises(ValueError, match="outside"):
        shared_negatives_update(V, U, 3, np.array([2], np.int32), np.array([-1], np.int32), 0.1)


# ---- training through the kernel ---------------------------------------------------------------


def shared_kernel(inputs, outputs, window=5, negative=5, compute_loss=False):
    """A shared-negatives kernel over the given matrices: uniform noise, no subsampling."""
    vocab_size = inputs.shape[0]
    threshold, alias = build_alias_table(np.ones(vocab_size))
    return KernelModel(
        "ns",
        inputs,
        outputs,
        np.ones(vocab_size, np.float32),
        window,
        negative,
        noise_threshold=threshold,
        noise_alias=alias,
        compute_loss=compute_loss,
        shared_negatives=True,
    )


def planted_ids(make_planted, **sizes):
    """The planted corpus as (word ids, sentence ends, words), ids in first-seen order."""
    sentences = make_planted(**sizes)
    words = list(dict.fromkeys(w for s in sentences for w in s))
    index = {w: i for i, w in enumerate(words)}
    ids = np.array([index[w] for s in sentences for w in s], np.int32)
    ends = np.cumsum([len(s) for s in sentences]).astype(np.int64)
    return ids, ends, words


def train_epochs(kernel, ids, ends, epochs, alpha=0.025, seed=1):
    """Train `epochs` passes with a linearly falling rate; the mean loss per pair of each."""
    worker = KernelWorker(kernel, seed)
    rates = np.linspace(alpha, alpha * 1e-2, epochs + 1)
    history = []
    for epoch in range(epochs):
        _, pairs, loss = train_batch(kernel, worker, ids, ends, rates[epoch], rates[epoch + 1])
        history.append(loss / pairs)
    return history


def random_matrices(vocab_size, dim, seed=0):
    rng = np.random.default_rng(seed)
    inputs = ((rng.random((vocab_size, dim)) - 0.5) / dim).astype(np.float32)
    return inputs, np.zeros((vocab_size, dim), np.float32)


def test_shared_negatives_needs_negative_sampling():
    inputs, outputs = random_matrices(10, 4)
    with pytest.raises(ValueError, match="shared_negatives needs objective 'ns'"):
        KernelModel("softmax", inputs, outputs, np.ones(10, np.float32), 5, shared_negatives=True)


def test_shared_mode_trains_window_plus_one_pairs_per_word():
    # Same subsampling and reduced window as the default mode: E[pairs per word] = window + 1.
    kernel = shared_kernel(*random_matrices(10, 4), window=5)
    words = np.zeros(100_000, np.int32)
    _, pairs, _ = train_batch(
        kernel, KernelWorker(kernel, 3), words, np.array([len(words)], np.int64), 0.0, 0.0
    )
    assert pairs / len(words) == pytest.approx(6.0, rel=0.01)


def test_shared_loss_tally_counts_every_pair():
    # Every score is -1000.5: each pair's loss is 1000.5 for the centre and ~0 per noise word.
    per_pair = 1000.5
    inputs = np.full((4, 1), 1.0, np.float32)
    outputs = np.full((4, 1), -per_pair, np.float32)
    kernel = shared_kernel(inputs, outputs, window=10, negative=1, compute_loss=True)
    words = np.zeros(200_000, np.int32)
    _, pairs, loss = train_batch(
        kernel, KernelWorker(kernel, 5), words, np.array([len(words)], np.int64), 0.0, 0.0
    )
    assert pairs > 1_000_000
    assert loss == pytest.approx(pairs * per_pair, rel=1e-12)


def test_computing_the_loss_does_not_change_the_shared_mode_vectors(make_planted):
    ids, ends, words = planted_ids(make_planted, sentences=300)
    results = []
    for compute_loss in (False, True):
        inputs, outputs = random_matrices(len(words), 8)
        train_epochs(shared_kernel(inputs, outputs, compute_loss=compute_loss), ids, ends, 2)
        results.append((inputs, outputs))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_shared_mode_loss_falls_every_epoch(make_planted):
    ids, ends, words = planted_ids(make_planted, groups=10, group_size=8, sentences=1500)
    inputs, outputs = random_matrices(len(words), 16)
    history = train_epochs(shared_kernel(inputs, outputs, compute_loss=True), ids, ends, 5)
    assert np.all(np.isfinite(history))
    assert all(later < earlier for earlier, later in itertools.pairwise(history))


def nearest_are_same_group(vectors, words, topn=5):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    group = [w.split("w")[0] for w in words]
    for i, row in enumerate(similarity):
        if any(group[j] != group[i] for j in np.argsort(-row)[:topn]):
            return False
    return True


def test_shared_mode_learns_the_planted_groups(make_planted):
    ids, ends, words = planted_ids(make_planted)
    inputs, outputs = random_matrices(len(words), 16)
    train_epochs(shared_kernel(inputs, outputs, window=3), ids, ends, 5)
    assert nearest_are_same_group(inputs, words)


def test_skipgram_trains_the_shared_mode_when_asked_and_per_pair_by_default(planted):
    params = {"vector_size": 16, "window": 3, "min_count": 1, "sample": 0, "seed": 3, "epochs": 5}
    shared = SkipGram(planted, workers=1, shared_negatives=True, **params)
    tables = kernel_setup.kernel_tables(shared.vocab, shared.params)
    matrices = shared.wv.vectors.copy(), shared.output_vectors.copy()
    assert kernel_setup.make_kernel(tables, shared.params, *matrices, False).tables.shared_negatives
    shared.train()
    per_pair = SkipGram(planted, workers=1, **params).train()
    assert not kernel_setup.make_kernel(
        kernel_setup.kernel_tables(per_pair.vocab, per_pair.params),
        per_pair.params,
        per_pair.wv.vectors.copy(),
        per_pair.output_vectors.copy(),
        False,
    ).tables.shared_negatives
    # The same seed and one thread: only the mode tells the two runs apart.
    assert not np.array_equal(shared.wv.vectors, per_pair.wv.vectors)
    assert nearest_are_same_group(shared.wv.vectors, shared.wv.index_to_key)
