"""What moves between the client and the workers: each round's work, the replicas' changes and
the shared model's new rows. All are pickled by Dask, so they hold plain values and arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from skipgram.model import Parameters
from skipgram.training import EpochStats


@dataclass(frozen=True)
class Settings:
    """What a worker needs to train, besides the vocabulary and the model."""

    params: Parameters  # the model's, as validated on the client
    max_sentence_length: int
    compute_loss: bool


@dataclass(frozen=True)
class Share:
    """One worker's work in one round: the same slice of every one of its files."""

    files: tuple[tuple[int, str], ...]  # (file index, path)
    epoch: int
    start: float  # the slice of the epoch's sentence order to train
    end: float
    version: int  # the shared model the round starts from: rounds done before it
    alpha_start: float
    alpha_end: float
    threads: int
    progress_key: str


@dataclass
class WordCounts:
    """Word counts of consecutive files, words in order of first appearance."""

    keys: list[str]
    counts: np.ndarray  # int64
    total_words: int
    total_sentences: int
    file_words: dict[int, int]  # raw tokens of each file index


@dataclass
class RowSums:
    """The rows of one matrix that replicas changed (ascending), the sum of their changes and
    how many replicas changed each."""

    rows: np.ndarray  # int64
    sums: np.ndarray  # float32, len(rows) x d
    replicas: np.ndarray  # int32
    squares: np.ndarray  # float64, sum over replicas of each change's squared norm


@dataclass
class Update:
    inputs: RowSums
    outputs: RowSums
    stats: EpochStats


@dataclass
class Snapshot:
    """The whole shared model `version`."""

    version: int
    inputs: np.ndarray
    outputs: np.ndarray


@dataclass
class RowValues:
    """The rows one combination changed, with their new values: they turn shared model
    `version - 1` into `version`."""

    version: int
    input_rows: np.ndarray
    input_values: np.ndarray
    output_rows: np.ndarray
    output_values: np.ndarray


class StaleModel(Exception):  # noqa: N818 (an internal signal, never shown to the user)
    """The worker does not hold the shared model that the round's changes apply to."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address
