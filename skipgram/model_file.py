"""A `SkipGram` model in skipgram's file format (skipgram/io.py): parameters, vocabulary
with counts, both matrices and the training history; no pickle. Loading validates what it
reads as the constructor would: a file whose checksums are right may still be forged."""

from __future__ import annotations

import math
import os
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from skipgram._warnings import UNTRAINED_MODEL
from skipgram.io import ModelFormatError, decode_words, encode_words, load_arrays, save_arrays
from skipgram.keyedvectors import KeyedVectors, check_finite
from skipgram.lock_factors import check_lock_factors, training_lock_factors
from skipgram.objectives import objective_of
from skipgram.params import FLOAT_BOUNDS, Parameters, check_float
from skipgram.training import UnfinishedRun
from skipgram.vocab import Vocabulary
from skipgram.warm_start import WarmStart

if TYPE_CHECKING:
    from skipgram.model import SkipGram

MODEL_KIND = "skipgram_model"


def save_model(model: SkipGram, path: str | os.PathLike[str]) -> None:
    """Save parameters, vocabulary with counts, and both weight matrices in one file (no
    pickle; written atomically). The remembered corpus is not saved."""
    if model.vocab is None:
        raise RuntimeError("nothing to save: the model has no vocabulary yet")
    metadata = {
        "params": asdict(model.params),
        "total_words": model.vocab.total_words,
        "total_sentences": model.vocab.total_sentences,
        "epochs_trained": model.epochs_trained,
        "loss_history": [_finite_or_none(x) for x in model.loss_history],
        "running_training_loss": _finite_or_none(model.running_training_loss),
        "train_count": model.train_count,
        "min_alpha_yet_reached": model.min_alpha_yet_reached,
        "unfinished_run": None if model.unfinished_run is None else model.unfinished_run.to_json(),
        "warm_start": None if model.warm_start is None else model.warm_start.to_json(),
    }
    arrays = {
        **encode_words(model.vocab.words),
        "counts": model.vocab.counts,
        "vectors": model.wv.vectors,
        "output_vectors": model.output_vectors,
    }
    lock_factors = training_lock_factors(model.wv)
    if lock_factors is not None:  # saved only when some word is locked or damped
        arrays["vectors_lockf"] = lock_factors
    save_arrays(path, MODEL_KIND, arrays, metadata)


def load_model(cls: type[SkipGram], path: str | os.PathLike[str], mmap: bool = False) -> SkipGram:
    """Load a model saved with `save`; it can answer queries and train further (pass the
    corpus to `train`). `mmap=True` maps the matrices copy-on-write instead of reading them:
    the file is never modified. Loading still reads every page once to verify the
    checksums; after that, memory holds only the pages that queries touch."""
    arrays, metadata = load_arrays(path, MODEL_KIND, mmap=mmap)
    try:
        # Never cls(**params): a forged "sentences" key would become a training corpus.
        model = cls()
        model.params = _saved_parameters(metadata["params"], path)
        words = decode_words(arrays, path)
        model.vocab = Vocabulary(
            words,
            arrays["counts"],
            int(metadata["total_words"]),
            int(metadata["total_sentences"]),
        )
        model.wv = KeyedVectors._from_arrays(arrays, path)
        model.output_vectors = _gensim_rows(arrays["output_vectors"], model.params, len(words))
        model._share_huffman_tree()
        model.epochs_trained = int(metadata["epochs_trained"])
        if model.epochs_trained == 0:  # saved before any epoch: still the random vectors
            model.wv._query_warning = UNTRAINED_MODEL
        model.loss_history = [math.nan if x is None else float(x) for x in metadata["loss_history"]]
        # Absent from files of skipgram 0.1.
        loss = metadata.get("running_training_loss", 0.0)
        model.running_training_loss = math.nan if loss is None else float(loss)
        model.train_count = int(metadata.get("train_count", 0))
        reached = metadata.get("min_alpha_yet_reached", model.params.alpha)  # absent in 0.1 files
        check_float("min_alpha_yet_reached", reached, FLOAT_BOUNDS["min_alpha"])
        model.min_alpha_yet_reached = float(reached)
        unfinished = metadata.get("unfinished_run")  # absent from files of skipgram 0.1
        model.unfinished_run = None if unfinished is None else UnfinishedRun.from_json(unfinished)
        if model.train_count < 0:
            raise ValueError("train_count is negative")
        warm = metadata.get("warm_start")  # absent from files before warm starts
        model.warm_start = None if warm is None else WarmStart.from_json(warm)
        if "vectors_lockf" in arrays:
            check_lock_factors(arrays["vectors_lockf"], len(words))
            model.wv.vectors_lockf = np.array(arrays["vectors_lockf"])  # a copy, never mapped
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        if isinstance(error, ModelFormatError):
            raise
        raise ModelFormatError(f"{path}: invalid model contents ({error!r})") from None
    if (
        model.output_vectors.shape != (model._output_rows(), model.params.vector_size)
        or model.output_vectors.dtype != np.float32
        or model.wv.vector_size != model.params.vector_size
    ):
        raise ModelFormatError(f"{path}: matrix shapes or types do not match the parameters")
    check_finite(model.output_vectors, "output_vectors", path)  # wv.vectors: checked above
    if model.output_vectors[objective_of(model.params).kernel_rows(len(words)) :].any():
        raise ModelFormatError(
            f"{path}: the last row of a hierarchical-softmax matrix belongs to no inner node "
            "and is always zero; this one is not, so the matrix was not trained for hs"
        )
    return model


def _gensim_rows(output: np.ndarray, params: Parameters, words: int) -> np.ndarray:
    """Files of skipgram 0.1 hold V - 1 hierarchical-softmax rows; the model now keeps gensim's
    V (the last one zero, unused), so such a matrix gets that row back (in memory)."""
    objective = objective_of(params)
    trained, rows = objective.kernel_rows(words), objective.output_rows(words)
    if trained < rows and output.shape == (trained, params.vector_size):
        missing = np.zeros((rows - trained, params.vector_size), dtype=output.dtype)
        return np.concatenate([output, missing])
    return output


def _saved_parameters(saved: Any, path: str | os.PathLike[str]) -> Parameters:
    """A model file's parameters, through the same validation as the constructor's: a file
    whose checksums are right may still hold values no constructor would accept."""
    if not isinstance(saved, dict):
        raise ModelFormatError(f"{path}: the saved parameters are not a JSON object")
    known = {f.name for f in fields(Parameters)}
    unknown = sorted(set(saved) - known)
    if unknown:
        raise ModelFormatError(f"{path}: unknown saved parameter(s) {', '.join(unknown)[:200]}")
    try:
        return Parameters(**saved)
    except ValueError as error:
        raise ModelFormatError(f"{path}: invalid saved parameter: {error}") from None


def _finite_or_none(value: float) -> float | None:
    """A float for JSON, which has no NaN or infinity (a diverged run's loss)."""
    return value if math.isfinite(value) else None
