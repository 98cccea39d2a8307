"""Workers' private copies of the output rows every pair touches (KernelWorker's
`private_rows`): which rows they are, the merge into the shared matrix, and that training
through them loses nothing (with one worker, the very same bits as without them)."""

import threading

import numpy as np
import pytest
from skipgram._inner import (
    PRIVATE_ROW_BYTES,
    KernelModel,
    KernelWorker,
    build_alias_table,
    private_output_rows,
    private_rows_merge,
    train_batch,
)

import skipgram.kernel_setup
from skipgram import SkipGram


def _kernel(objective, vocab_size=200, dim=12, **extra):
    rng = np.random.default_rng(0)
    inputs = ((rng.random((vocab_size, dim)) - 0.5) / dim).astype(np.float32)
    rows = vocab_size - 1 if objective == "hs" else vocab_size
    outputs = ((rng.random((rows, dim)) - 0.5) / dim).astype(np.float32)
    keep = np.ones(vocab_size, np.float32)
    negative = 0
    if objective == "ns":
        negative = 5
        extra["noise_threshold"], extra["noise_alias"] = build_alias_table(
            1.0 / np.arange(1, vocab_size + 1)
        )
    if objective == "hs":
        # A path of three inner nodes for every word, through the last rows (nearest the root).
        extra["code_offsets"] = np.arange(0, 3 * vocab_size + 1, 3, dtype=np.int64)
        extra["codes"] = np.tile(np.array([0, 1, 0], np.uint8), vocab_size)
        extra["points"] = np.tile(np.array([rows - 1, rows - 2, 0], np.int32), vocab_size)
    if objective == "softmax":
        extra["softmax_batch"] = 4
    return KernelModel(objective, inputs, outputs, keep, 5, negative, **extra), inputs, outputs


@pytest.mark.parametrize(
    ("objective", "first"), [("ns", 0), ("hs", 199 - 10), ("softmax", 0)], ids=str
)
def test_private_rows_are_the_rows_every_pair_touches(objective, first):
    kernel, _, _ = _kernel(objective)
    worker = KernelWorker(kernel, 1, private_rows=10)
    # ns: the most frequent words (the first ids); hs: the inner nodes nearest the root (the
    # last rows); the exact softmax, whose every step rewrites every row, all of them.
    assert worker.private_rows == ((first, 10) if objective != "softmax" else (0, 200))
    assert KernelWorker(kernel, 1).private_rows == (0, 0)


def test_the_exact_softmax_keeps_no_private_copy_of_a_huge_matrix(monkeypatch):
    import skipgram._inner

    kernel, _, _ = _kernel("softmax")  # 200 x 12 floats: 9,600 bytes
    monkeypatch.setattr(skipgram._inner, "SOFTMAX_PRIVATE_BYTES", 9_599)
    assert KernelWorker(kernel, 1, private_rows=1).private_rows == (0, 0)
    monkeypatch.setattr(skipgram._inner, "SOFTMAX_PRIVATE_BYTES", 9_600)
    assert KernelWorker(kernel, 1, private_rows=1).private_rows == (0, 200)


def test_private_rows_are_capped_at_the_matrix_and_refuse_a_negative_count():
    kernel, _, _ = _kernel("ns")
    assert KernelWorker(kernel, 1, private_rows=10**6).private_rows == (0, 200)
    assert KernelWorker(kernel, 1).private_rows == (0, 0)
    with pytest.raises(ValueError, match="private_rows"):
        KernelWorker(kernel, 1, private_rows=-1)
    with pytest.raises(ValueError, match="merge_every"):
        KernelWorker(kernel, 1, private_rows=10, merge_every=0)


def test_one_worker_trains_the_shared_rows_and_several_share_a_cache_budget():
    assert private_output_rows(1, 100) == 0
    assert private_output_rows(2, 100) == PRIVATE_ROW_BYTES // 400
    assert private_output_rows(4, 300) == PRIVATE_ROW_BYTES // 1200
    assert private_output_rows(2, 10**9) == 1


def test_merge_adds_the_workers_changes_to_what_others_merged():
    base = np.array([1.0, 2.0, 3.0, 0.1], np.float32)
    shared = base + np.array([0.5, 0.0, -1.0, 0.0], np.float32)  # another worker's merge
    private = base + np.array([0.25, 1.0, 0.0, 0.2], np.float32)  # this worker's steps
    expected = np.where(shared == base, private, shared + (private - base))
    private_rows_merge(shared, private, base)
    np.testing.assert_array_equal(shared, expected)
    np.testing.assert_allclose(shared, [1.75, 3.0, 2.0, 0.3], rtol=1e-6)
    # Nobody else changed the last two: they take the private values bit for bit.
    assert shared[3] == np.float32(np.float32(0.1) + np.float32(0.2))
    np.testing.assert_array_equal(private, shared)
    np.testing.assert_array_equal(base, shared)


def test_merge_rejects_arrays_of_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        private_rows_merge(
            np.zeros(3, np.float32), np.zeros(3, np.float32), np.zeros(2, np.float32)
        )


def _batch(vocab_size=200, words=30_000, seed=5):
    rng = np.random.default_rng(seed)
    ids = np.minimum(rng.zipf(1.3, words) - 1, vocab_size - 1).astype(np.int32)
    ends = np.arange(20, words + 1, 20, dtype=np.int64)  # 1,500 sentences of 20 words
    return ids, ends


@pytest.mark.parametrize("objective", ["ns", "hs", "ns-shared", "softmax"])
def test_one_worker_gets_the_same_bits_with_private_rows(objective):
    # Far more than MERGE_EVERY_CENTRES centres in the batch: merges happen mid-batch too.
    extra = {"shared_negatives": True} if objective == "ns-shared" else {}
    name = objective.split("-")[0]
    ids, ends = _batch()
    results = []
    for private_rows, merge_every in ((0, 1024), (40, 1024), (40, 1)):
        kernel, inputs, outputs = _kernel(name, **extra)
        worker = KernelWorker(kernel, 7, private_rows=private_rows, merge_every=merge_every)
        for _ in range(2):  # the second batch starts from the merged rows
            train_batch(kernel, worker, ids, ends, 0.05, 0.01)
        results.append((inputs, outputs))
    (inputs_shared, outputs_shared), *private = results
    assert not np.array_equal(outputs_shared, _kernel(name, **extra)[2])  # it trained
    for inputs_private, outputs_private in private:
        np.testing.assert_array_equal(inputs_private, inputs_shared)
        np.testing.assert_array_equal(outputs_private, outputs_shared)


def test_private_rows_see_changes_made_between_batches():
    # Every row private; after a batch the caller zeroes the output matrix. If the next batch
    # trained on stale private copies, its scores would not all be 0 and its loss would not be
    # a whole number of log 2 (each output row of a pair scoring 0 costs exactly log 2).
    kernel, _, outputs = _kernel("ns", vocab_size=40, compute_loss=True)
    worker = KernelWorker(kernel, 7, private_rows=40)
    ids, ends = _batch(vocab_size=40, words=2_000)
    train_batch(kernel, worker, ids, ends, 0.05, 0.05)
    _, _, trained_loss = train_batch(kernel, worker, ids, ends, 0.0, 0.0)
    assert abs(trained_loss / np.log(2) - round(trained_loss / np.log(2))) > 1e-3
    outputs[:] = 0.0
    _, pairs, loss = train_batch(kernel, worker, ids, ends, 0.0, 0.0)
    rows = loss / np.log(2)
    assert pairs < rows <= 6 * pairs and rows == pytest.approx(round(rows), abs=1e-6)
    assert not outputs.any()  # and the merge at its end brought nothing stale back


@pytest.mark.parametrize("objective", ["ns", "hs", "softmax"])
def test_two_threads_merge_every_step_into_the_shared_rows(objective):
    # Two workers train different halves at once, then the same halves one after the other
    # without private rows: the concurrent run's change of the shared rows must be as large
    # (a lost merge would drop a whole worker's updates of the most trained rows).
    ids, ends = _batch(words=60_000)
    half = len(ends) // 2
    parts = [
        (ids[: ends[half - 1]], ends[:half]),
        (ids[ends[half - 1] :], ends[half:] - ends[half - 1]),
    ]
    kernel, _, outputs = _kernel(objective)
    start = outputs.copy()
    workers = [KernelWorker(kernel, seed, private_rows=40) for seed in (1, 2)]
    threads = [
        threading.Thread(
            target=train_batch, args=(kernel, worker, words, sentence_ends, 0.02, 0.02)
        )
        for worker, (words, sentence_ends) in zip(workers, parts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    concurrent = outputs - start

    kernel, _, outputs = _kernel(objective)
    for seed, (words, sentence_ends) in zip((1, 2), parts, strict=True):
        train_batch(kernel, KernelWorker(kernel, seed), words, sentence_ends, 0.02, 0.02)
    sequential = outputs - start
    assert np.isfinite(concurrent).all()
    hot = {"ns": slice(0, 40), "hs": slice(len(start) - 40, len(start))}.get(objective, slice(None))
    ratio = np.linalg.norm(concurrent[hot]) / np.linalg.norm(sequential[hot])
    assert 0.8 < ratio < 1.25


def test_training_with_two_workers_uses_private_rows(monkeypatch):
    seen = []
    original = skipgram.kernel_setup.private_output_rows

    def spy(workers, dim):
        seen.append((workers, dim, original(workers, dim)))
        return seen[-1][2]

    monkeypatch.setattr(skipgram.kernel_setup, "private_output_rows", spy)
    sentences = [["a", "b", "c", "d", "e"] * 4] * 500
    SkipGram(sentences, vector_size=16, min_count=1, workers=2, epochs=1, batch_words=1000).train()
    assert seen and seen[0] == (2, 16, PRIVATE_ROW_BYTES // 64)
