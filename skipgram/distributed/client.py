"""The entry point, `train(paths, client, **params)`: checks the arguments on the client, then
runs a `Coordinator`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from distributed import Client

from skipgram import callbacks as hooks
from skipgram.corpus import PathLineSentences
from skipgram.distributed.coordinator import Coordinator, Options
from skipgram.model import SkipGram


def train(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    client: Client,
    *,
    sync_words: int | None = None,
    compute_loss: bool = False,
    progress: bool | None = None,
    callbacks: Iterable[Any] = (),
    checkpoint: str | os.PathLike[str] | None = None,
    max_sentence_length: int = 10000,
    round_timeout: float | None = None,
    max_retries: int = 3,
    **params: Any,
) -> SkipGram:
    """Train a skip-gram model on the workers of a Dask cluster.

    Every worker reads its share of `paths` itself, one sentence per line exactly as
    `LineSentence` reads them (through smart_open: local paths on a filesystem every worker
    sees, `.gz`/`.bz2`, URLs such as `s3://...`); no text passes through the client. The
    vocabulary equals the one `SkipGram(PathLineSentences(...))` builds from the same files in
    the same order.

    Args:
        paths: input files or URLs, in corpus order; a local directory stands for its files, in
            name order (as `PathLineSentences` reads it). One path may be given as a string.
        client: a connected `dask.distributed.Client`.
        sync_words: words each worker trains between two combinations of the replicas.
            Default: a sixteenth of a worker's share of an epoch, within 100 thousand to 10
            million.
        compute_loss: append the mean loss per (centre, context) pair of each epoch to
            `loss_history`.
        progress: show a progress bar (epoch, words/s across the cluster, learning rate); None
            shows it when stderr is a terminal.
        callbacks: objects with any of `on_train_begin`, `on_epoch_begin`, `on_epoch_end`,
            `on_train_end`, called on the client with the model (see `skipgram.callbacks`).
        checkpoint: save the model to this path after every epoch whose vectors are finite
            (a `DivergenceError` names it; it also holds what one machine needs to finish the
            run: `SkipGram.load(path).train(corpus, resume=True)`).
        max_sentence_length: lines longer than this many tokens are split into several
            sentences, as `LineSentence` does.
        round_timeout: seconds a round may take before the workers that have not finished are
            given up; None: ten times the slowest round so far (no limit for the first).
        max_retries: how many times the vocabulary, and each round, may be redone after a
            network step failed (a lost worker, a closed connection) before the run stops with
            `DistributedTrainingError` (docs/distributed.md, "Failures").
        **params: the `SkipGram` parameters (vector_size, window, min_count, max_vocab_size,
            sample, objective, negative, ns_exponent, alpha, min_alpha, epochs, seed,
            batch_words, shuffle, shared_negatives). `workers` is the number of training threads
            per Dask worker; by default each Dask worker uses as many as it has.

    Returns:
        An ordinary `SkipGram` (vocabulary, vectors, output vectors, `epochs_trained`): it
        answers queries, saves, loads and can train further on one machine.

    Raises:
        ValueError: no input files, invalid parameters, an empty corpus, or no word reaching
            `min_count`.
        FileNotFoundError: a worker cannot find an input file.
        DistributedTrainingError: a stage still failed after `max_retries` redos (the message
            names the stage, the phase and every attempt), or no worker is left.
        DivergenceError: the vectors hold NaN or infinite values after an epoch.
    """
    for local_only in ("trim_rule", "corpus_file"):
        if params.get(local_only) is not None:
            raise TypeError(
                f"{local_only} is not supported by distributed training: the vocabulary is "
                "counted on the workers (filter the tokens of the files instead, or train "
                "with SkipGram on one machine)"
            )
    if params.get("init_vectors") is not None:
        raise TypeError(
            "init_vectors is not supported by distributed training: the workers do not apply "
            "the pretrained rows' learning-rate factors (vectors_lockf); warm-start with "
            "SkipGram on one machine"
        )
    model = SkipGram(**params)  # validates the parameters, with SkipGram's messages
    _check_int("max_sentence_length", max_sentence_length, low=1)
    _check_int("max_retries", max_retries, low=0)
    if sync_words is not None:
        _check_int("sync_words", sync_words, low=1)
    if round_timeout is not None and not round_timeout > 0:
        raise ValueError(f"round_timeout must be None or positive seconds, got {round_timeout!r}")
    options = Options(
        params,
        params.get("workers"),
        sync_words,
        compute_loss,
        progress,
        hooks.check_callbacks(callbacks),
        checkpoint,
        max_sentence_length,
        round_timeout,
        max_retries,
    )
    with Coordinator(client, _input_paths(paths), model, options) as coordinator:
        coordinator.build_vocabulary()
        coordinator.train()
    return coordinator.model  # built over the vocabulary the workers counted


def _check_int(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")


def _input_paths(paths: Any) -> list[str]:
    """The input files as strings, local directories expanded."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not isinstance(paths, Sequence):
        raise TypeError(f"paths must be a path or a list of paths, got {type(paths).__name__}")
    files: list[str] = []
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"each input path must be a str or os.PathLike, got {path!r}")
        path = os.fspath(path)
        # Only a directory the client sees is expanded; any other path or URL is for the workers
        # to open (they may see filesystems the client does not).
        files.extend(PathLineSentences(path).paths if os.path.isdir(path) else [path])
    if not files:
        raise ValueError("no input files: pass the corpus files, e.g. train(['a.txt.gz'], client)")
    return files
