"""The kernel's per-row learning-rate factors of the input vectors (gensim's `vectors_lockf`):
0 keeps a row exactly where it is, 1 trains it as without factors, a value in between scales its
step, under every objective. Output vectors are never affected."""

import numpy as np
import pytest
from skipgram._inner import (
    KernelModel,
    KernelWorker,
    build_alias_table,
    hs_update,
    sgns_update,
    shared_negatives_update,
    softmax_minibatch_update,
    softmax_update,
    train_batch,
)

VOCAB, DIM = 12, 8
# (objective, shared_negatives): every way an input row is updated.
OBJECTIVES = [("ns", False), ("ns", True), ("hs", False), ("softmax", False)]


def _huffman_tables(vocab_size):
    """A valid path for every word of a balanced tree: enough for the kernel to train on."""
    from skipgram.vocab import Vocabulary

    counts = np.arange(vocab_size, 0, -1, dtype=np.int64) * 10
    vocab = Vocabulary([f"w{i}" for i in range(vocab_size)], counts, int(counts.sum()), 1)
    tree = vocab.huffman_tree()
    return {"code_offsets": tree.offsets, "codes": tree.codes, "points": tree.points}


def _train(objective, shared, lockf, seed=7):
    """Input and output vectors after training one sentence with the given factors."""
    rng = np.random.default_rng(0)
    inputs = ((rng.random((VOCAB, DIM)) - 0.5) / DIM).astype(np.float32)
    rows = VOCAB - 1 if objective == "hs" else VOCAB
    outputs = ((rng.random((rows, DIM)) - 0.5) / DIM).astype(np.float32)
    extra = {}
    if objective == "ns":
        extra["noise_threshold"], extra["noise_alias"] = build_alias_table(np.ones(VOCAB))
        extra["shared_negatives"] = shared
    elif objective == "hs":
        extra.update(_huffman_tables(VOCAB))
    kernel = KernelModel(
        objective,
        inputs,
        outputs,
        np.ones(VOCAB, np.float32),
        3,
        4 if objective == "ns" else 0,
        input_lockf=lockf,
        **extra,
    )
    words = np.random.default_rng(1).integers(0, VOCAB, 400).astype(np.int32)
    ends = np.array([len(words)], np.int64)
    train_batch(kernel, KernelWorker(kernel, seed), words, ends, 0.05, 0.05)
    return inputs, outputs


def _initial_inputs():
    rng = np.random.default_rng(0)
    return ((rng.random((VOCAB, DIM)) - 0.5) / DIM).astype(np.float32)


@pytest.mark.parametrize(("objective", "shared"), OBJECTIVES)
def test_locked_rows_do_not_move_at_all(objective, shared):
    lockf = np.ones(VOCAB, np.float32)
    locked = [0, 3, 7]
    lockf[locked] = 0.0
    inputs, _ = _train(objective, shared, lockf)
    before = _initial_inputs()
    assert inputs[locked].tobytes() == before[locked].tobytes()
    free = [i for i in range(VOCAB) if i not in locked]
    assert np.all(np.any(inputs[free] != before[free], axis=1))


@pytest.mark.parametrize(("objective", "shared"), OBJECTIVES)
def test_factors_of_one_train_bit_identically_to_no_factors(objective, shared):
    free_inputs, free_outputs = _train(objective, shared, None)
    inputs, outputs = _train(objective, shared, np.ones(VOCAB, np.float32))
    assert inputs.tobytes() == free_inputs.tobytes()
    assert outputs.tobytes() == free_outputs.tobytes()


@pytest.mark.parametrize(("objective", "shared"), OBJECTIVES)
def test_a_locked_model_still_trains_its_output_vectors(objective, shared):
    inputs, outputs = _train(objective, shared, np.zeros(VOCAB, np.float32))
    assert inputs.tobytes() == _initial_inputs().tobytes()
    _, free_outputs = _train(objective, shared, None)
    assert np.any(outputs != 0) and not np.array_equal(outputs, free_outputs)


def test_kernel_model_reports_whether_it_has_factors():
    assert not _kernel_with(None).has_lockf
    assert _kernel_with(np.ones(VOCAB, np.float32)).has_lockf


def _kernel_with(lockf):
    inputs = np.zeros((VOCAB, DIM), np.float32)
    threshold, alias = build_alias_table(np.ones(VOCAB))
    return KernelModel(
        "ns",
        inputs,
        inputs.copy(),
        np.ones(VOCAB, np.float32),
        2,
        1,
        noise_threshold=threshold,
        noise_alias=alias,
        input_lockf=lockf,
    )


@pytest.mark.parametrize(
    ("lockf", "message"),
    [
        (np.ones(VOCAB - 1, np.float32), "one factor per input row"),
        (np.full(VOCAB, np.nan, np.float32), "finite and non-negative"),
        (np.full(VOCAB, -0.5, np.float32), "finite and non-negative"),
    ],
)
def test_kernel_model_rejects_bad_factors(lockf, message):
    with pytest.raises(ValueError, match=message):
        _kernel_with(lockf)


# ---- a damped row moves by its factor times the free step (the test entry points) -----------

FACTOR = 0.3
# A step is measured as (row after) - (row before): rows of magnitude < 0.5 are rounded to
# 2**-25 each time, so the measured steps carry that much error.
ROUNDING = 1e-7


def _pair_vectors():
    rng = np.random.default_rng(4)
    v = (rng.random(DIM).astype(np.float32) - 0.5) / 2
    outputs = (rng.random((6, DIM)).astype(np.float32) - 0.5) / 2
    return v, outputs


def _step(update, lockf):
    """(input step, output vectors after) of one update with the given factor."""
    v, outputs = _pair_vectors()
    before = v.copy()
    update(v, outputs, lockf)
    return v - before, outputs


@pytest.mark.parametrize(
    "update",
    [
        lambda v, u, f: sgns_update(v, u, 2, np.array([0, 4], np.int32), 0.1, f),
        lambda v, u, f: hs_update(
            v, u, np.array([1, 0, 1], np.uint8), np.array([0, 3, 5], np.int32), 0.1, f
        ),
        lambda v, u, f: softmax_update(v, u, np.array([1, 4, 4], np.int32), 0.1, f),
    ],
    ids=["ns", "hs", "softmax"],
)
def test_a_damped_vector_moves_by_its_factor(update):
    free_step, free_outputs = _step(update, None)
    damped_step, damped_outputs = _step(update, np.array([FACTOR], np.float32))
    locked_step, _ = _step(update, np.array([0.0], np.float32))
    assert np.any(free_step != 0)
    np.testing.assert_allclose(damped_step, FACTOR * free_step, rtol=1e-5, atol=ROUNDING)
    assert damped_outputs.tobytes() == free_outputs.tobytes()  # outputs: the full step
    assert not np.any(locked_step)


def _matrices():
    rng = np.random.default_rng(5)
    inputs = (rng.random((VOCAB, DIM)).astype(np.float32) - 0.5) / 2
    outputs = (rng.random((VOCAB, DIM)).astype(np.float32) - 0.5) / 2
    return inputs, outputs


def _window_steps(update, lockf):
    inputs, outputs = _matrices()
    before = inputs.copy()
    update(inputs, outputs, lockf)
    return inputs - before, outputs


@pytest.mark.parametrize(
    "update",
    [
        lambda x, u, f: shared_negatives_update(
            x, u, 5, np.array([1, 2, 3, 2], np.int32), np.array([7, 8, 9], np.int32), 0.1, f
        ),
        lambda x, u, f: softmax_minibatch_update(
            x,
            u,
            np.array([1, 2, 3], np.int32),
            np.array([2, 3, 5], np.int64),
            np.array([4, 5, 6, 7, 8], np.int32),
            np.array([0.1, 0.09, 0.08], np.float32),
            f,
        ),
    ],
    ids=["shared_negatives", "softmax_minibatch"],
)
def test_damped_rows_of_a_window_move_by_their_factors(update):
    factors = np.ones(VOCAB, np.float32)
    factors[1], factors[2], factors[3] = FACTOR, 0.0, 1.0
    free_steps, free_outputs = _window_steps(update, None)
    steps, outputs = _window_steps(update, factors)
    assert np.all(np.any(free_steps[1:4] != 0, axis=1))
    np.testing.assert_allclose(steps[1], FACTOR * free_steps[1], rtol=1e-5, atol=ROUNDING)
    assert not np.any(steps[2])  # locked, although it is a context twice
    assert steps[3].tobytes() == free_steps[3].tobytes()
    assert outputs.tobytes() == free_outputs.tobytes()
