"""The per-epoch records of a training run and their table."""

import math

import pytest

from skipgram import SkipGram
from skipgram.epoch_report import EpochRecord, EpochRecorder, format_table


def test_the_recorder_keeps_one_record_per_epoch_with_the_schedule(make_planted):
    model = SkipGram(make_planted(sentences=300), vector_size=8, min_count=1, alpha=0.03)
    recorder = EpochRecorder(epochs=3, compute_loss=True)
    model.train(epochs=3, compute_loss=True, progress=False, callbacks=[recorder])
    records = recorder.records
    assert [r.epoch for r in records] == [1, 2, 3]
    assert [r.loss for r in records] == model.loss_history
    assert all(r.raw_words == model.vocab.total_words for r in records)
    assert records[0].alpha_start == pytest.approx(0.03)
    assert records[-1].alpha_end == pytest.approx(model.params.min_alpha)
    assert records[0].alpha_end == pytest.approx(records[1].alpha_start)
    assert records[1].alpha_start == pytest.approx(0.03 - (0.03 - 1e-4) / 3)


def test_a_second_train_call_counts_on_and_restarts_the_schedule(make_planted):
    model = SkipGram(make_planted(sentences=300), vector_size=8, min_count=1)
    model.train(epochs=2, progress=False)
    recorder = EpochRecorder(epochs=1, compute_loss=False)
    model.train(epochs=1, progress=False, callbacks=[recorder])
    (record,) = recorder.records
    assert record.epoch == 3 and record.loss is None
    assert record.alpha_start == pytest.approx(model.params.alpha)


def test_the_table_aligns_columns_and_adds_a_total():
    records = [
        EpochRecord(1, 1_000_000, 2.0, 500_000.0, 2.5, 0.025, 0.0125),
        EpochRecord(2, 1_000_000, 3.0, 333_333.3, math.nan, 0.0125, 0.0001),
    ]
    lines = format_table(records).splitlines()
    assert lines == [
        "epoch      words  seconds  words/s    loss  learning rate",
        "    1  1,000,000      2.0  500,000  2.5000  0.02500 → 0.01250",
        "    2  1,000,000      3.0  333,333     nan  0.01250 → 0.00010",
        "  all  2,000,000      5.0  400,000",
    ]
