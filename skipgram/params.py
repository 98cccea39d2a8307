"""`Parameters`: every training hyper-parameter, validated once against the bounds in `BOUNDS`.

Every way a parameter enters goes through `Parameters.__post_init__`: the `SkipGram`
constructor, `SkipGram.load` (a model file's parameters), the command line and the distributed
trainer. The bounds are generous for real use (gensim users train with window up to ~50,
negative up to ~25, vector_size up to a few thousand) and keep every allowed combination safe:
the largest scratch buffers one training thread allocates are 2·window·negative noise ids and,
with shared negatives, (1 + negative)·vector_size floats, about 48 MB per thread at the
extreme bounds; docs/guide/parameters.md lists them.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from skipgram.corpus_ids import DEFAULT_BATCH_WORDS
from skipgram.objectives import DEFAULT_OBJECTIVE, HIERARCHICAL_SOFTMAX, OBJECTIVES, objective_of

# Starting learning rate of each objective (skipgram/objectives.py says why).
DEFAULT_ALPHA = {name: objective.default_alpha for name, objective in OBJECTIVES.items()}

_FLOAT32_MAX = float(np.finfo(np.float32).max)  # the kernel computes the learning rate in float32
_INT64_MAX = 2**63 - 1

# Inclusive (low, high) bound of every numeric parameter. Integers: the limits of what the
# kernel and its buffers can hold safely and generously above any real use. Changing one means
# checking the buffer sizes of KernelWorker and the objectives' buffers (skipgram/_inner.pyx and
# the files it includes) and docs/guide/parameters.md.
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "vector_size": (1, 10_000),
    "window": (1, 1_000),
    "min_count": (0, _INT64_MAX),  # 0 and 1 both keep every word, as in gensim
    "max_vocab_size": (1, _INT64_MAX),  # or None
    "max_final_vocab": (1, _INT64_MAX),  # or None
    "negative": (0, 1_000),  # >= 1 for objective="ns"
    "epochs": (1, 1_000_000),
    "workers": (0, 1_024),  # 0: one per CPU core (at most 1,024)
    "seed": (0, _INT64_MAX),
    "batch_words": (1, 1_000_000),
    "ids_in_memory_limit": (0, _INT64_MAX),  # or None: automatic
}
FLOAT_BOUNDS: dict[str, tuple[float, float]] = {
    "sample": (0.0, 1.0),
    "ns_exponent": (-10.0, 10.0),  # counts ** 10 still fits a float64 for any int64 count
    "alpha": (0.0, _FLOAT32_MAX),  # alpha > 0; None takes DEFAULT_ALPHA of the objective
    "min_alpha": (0.0, _FLOAT32_MAX),
}
_OPTIONAL = frozenset({"max_vocab_size", "max_final_vocab", "ids_in_memory_limit"})  # or None
_FLAGS = (
    "shuffle",
    "shared_negatives",
    "shrink_windows",
    "sorted_vocab",
    "null_word",
    "compute_loss",
)
_POSITIVE = frozenset({"alpha", "start_alpha"})  # float bounds whose low end is excluded

# Bounds of the `train()` arguments that are not parameters (gensim's names). 0 for
# total_examples / total_words means "not given", as in gensim.
TRAIN_INT_BOUNDS: dict[str, tuple[int, int]] = {
    "total_examples": (0, _INT64_MAX),
    "total_words": (0, _INT64_MAX),
    "word_count": (0, _INT64_MAX),
    "queue_factor": (1, 1_000),  # batches waiting per worker thread
}
TRAIN_FLOAT_BOUNDS: dict[str, tuple[float, float]] = {
    "start_alpha": FLOAT_BOUNDS["alpha"],
    "end_alpha": FLOAT_BOUNDS["min_alpha"],
    "report_delay": (0.0, 1e9),  # seconds between progress log lines
}


@dataclass
class Parameters:
    """Every training hyper-parameter, validated once; an invalid value raises ValueError naming
    the parameter, its value and its bound (the bounds are `INT_BOUNDS` and `FLOAT_BOUNDS`).

    Attributes:
        vector_size: dimension d of the word vectors.
        window: largest distance between a centre word and a context word; each centre draws
            its window uniformly from 1..window.
        min_count: words seen fewer times are left out of the vocabulary.
        max_vocab_size: bound on distinct words while counting (the rarest are pruned, as in
            word2vec.c); None for no bound.
        max_final_vocab: keep at most this many words, by raising min_count to the count
            that does (gensim's `effective_min_count`); None for no limit.
        sample: subsampling threshold for frequent words; 0 disables subsampling.
        objective: "ns" (negative sampling), "hs" (hierarchical softmax) or "softmax" (exact).
        negative: noise words per pair for "ns".
        ns_exponent: the noise distribution is proportional to count ** ns_exponent.
        alpha: initial learning rate; None takes the objective's default (DEFAULT_ALPHA).
        min_alpha: final learning rate; the rate falls linearly over all words of a call.
        epochs: passes over the corpus per `train()` call.
        workers: training threads; 0 means one per CPU core.
        seed: random seed of the initial vectors, windows, subsampling and noise.
        batch_words: tokens per job handed to a worker thread.
        shuffle: visit the sentences in a new seeded order every epoch (False: corpus order).
        shared_negatives: "ns" only: one set of noise words per window, shared by its context
            words (HogBatch); off by default: noise words per pair, as gensim.
        shrink_windows: draw each centre's window from 1..window (word2vec's weighting of
            near words); False always uses the full window (gensim's shrink_windows).
        sorted_vocab: order the words by descending count; False keeps the order in which
            they first appear.
        null_word: append gensim's pseudo-word "\\0" (count 1) to the vocabulary.
        compute_loss: the default of `train(compute_loss=...)`.
        ids_in_memory_limit: bytes of corpus word ids (4 a token) kept in memory; a longer
            corpus keeps them in a memory-mapped temporary file. None: a quarter of the
            physical memory, at most 2 GiB; 0: always in a file.
    """

    vector_size: int = 100
    window: int = 5
    min_count: int = 5
    max_vocab_size: int | None = None
    sample: float = 1e-3
    objective: str = DEFAULT_OBJECTIVE.name
    negative: int = 5
    ns_exponent: float = 0.75
    alpha: float | None = None  # None: DEFAULT_ALPHA of the objective
    min_alpha: float = 1e-4
    epochs: int = 5
    workers: int = 0  # 0: one per CPU core
    seed: int = 1
    batch_words: int = DEFAULT_BATCH_WORDS
    # Off by default, as in gensim and word2vec.c: on text in its natural order, a new random
    # sentence order every epoch cost up to 0.035 SimLex-999 against gensim, while it helped
    # only on text in topic blocks (benchmarks/defaults_quality.py, docs/benchmark-log.md).
    shuffle: bool = False
    # Negative sampling only, opt-in: one set of `negative` noise words per window, shared by
    # all its context words (HogBatch, Ji et al. 2016). Several times faster, but on the natural
    # order it lost 0.025 WordSim-353 against gensim, where per-pair noise is within 0.01 on
    # every corpus of benchmarks/defaults_quality.py (docs/benchmark-log.md).
    shared_negatives: bool = False
    max_final_vocab: int | None = None
    shrink_windows: bool = True
    sorted_vocab: bool = True
    null_word: bool = False
    compute_loss: bool = False
    # Where the corpus's word ids live between epochs: in memory up to this many bytes, past it
    # in a memory-mapped temporary file (docs/guide/corpora.md). None: automatic.
    ids_in_memory_limit: int | None = None

    def __post_init__(self) -> None:
        _require(
            isinstance(self.objective, str) and self.objective in OBJECTIVES,
            f"objective must be one of {', '.join(map(repr, OBJECTIVES))}, "
            f"got {_shown(self.objective)}",
        )
        objective = objective_of(self)
        if self.alpha is None:
            self.alpha = objective.default_alpha
        for name in INT_BOUNDS:
            if name not in _OPTIONAL or getattr(self, name) is not None:
                check_int(name, getattr(self, name))
        if self.workers == 0:
            self.workers = min(os.cpu_count() or 1, INT_BOUNDS["workers"][1])
        _require(
            self.negative >= 1 or not objective.draws_noise,
            f"{objective.title} (objective={self.objective!r}) needs negative >= 1, "
            f"got {self.negative}",
        )
        for name in _FLAGS:
            _require(
                isinstance(getattr(self, name), bool),
                f"{name} must be True or False, got {_shown(getattr(self, name))}",
            )
        _require(
            not self.shared_negatives or objective.draws_noise,
            f"shared_negatives applies to objective={_noise_objectives()} only, "
            f"got {self.objective!r}",
        )
        # min_alpha above alpha is a rising schedule, which gensim trains too (train() logs a
        # warning); refusing it would break the manual-decay loop of gensim's tutorials,
        # `model.alpha -= 0.002; model.min_alpha = model.alpha`, at its first assignment.
        for name, bound in FLOAT_BOUNDS.items():
            check_float(name, getattr(self, name), bound)


def check_int(name: str, value: Any, bound: tuple[int, int] | None = None) -> None:
    """ValueError unless `value` is an integer within `bound`, by default the bound of
    parameter `name` (INT_BOUNDS, or TRAIN_INT_BOUNDS for a `train()` argument)."""
    low, high = bound or INT_BOUNDS.get(name) or TRAIN_INT_BOUNDS[name]
    _require(
        _is_int(value) and low <= value <= high,
        f"{name} must be an integer in [{low:,}, {high:,}], got {_shown(value)}",
    )


def check_float(name: str, value: Any, bound: tuple[float, float] | None = None) -> None:
    """ValueError unless `value` is a finite number within `bound`, by default the bound of
    `name` (FLOAT_BOUNDS or TRAIN_FLOAT_BOUNDS); the low end is excluded for the starting
    learning rates."""
    low, high = bound or FLOAT_BOUNDS.get(name) or TRAIN_FLOAT_BOUNDS[name]
    positive = name in _POSITIVE
    _require(
        _is_number(value) and (low < value if positive else low <= value) and value <= high,
        f"{name} must be a finite number in {'(' if positive else '['}{low:g}, "
        f"{high:g}], got {_shown(value)}",
    )


def check_schedule(start_alpha: Any, end_alpha: Any) -> None:
    """ValueError unless `train(start_alpha=..., end_alpha=...)` is a valid schedule: the
    bounds of alpha and min_alpha. end_alpha above start_alpha (a rising rate) is allowed,
    as in gensim."""
    check_float("start_alpha", start_alpha)
    check_float("end_alpha", end_alpha)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    # An int too large for a float (10**400, from a forged file) is out of every bound.
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _shown(value: Any) -> str:
    """The value for an error message, cut short: a forged file may hold a huge one."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _noise_objectives() -> str:
    return " or ".join(repr(name) for name, o in OBJECTIVES.items() if o.draws_noise)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def resolve_objective(objective: Any, hs: Any, sg: Any, negative: Any) -> Any:
    """The objective from skipgram's `objective` and gensim's `sg`, `hs` and `negative`.

    gensim trains hierarchical softmax and negative sampling together when `hs=1` and
    `negative > 0` (its default negative is 5); skipgram trains one objective, so that
    combination is refused with the two ways out rather than silently becoming one of them."""
    _require(
        sg in (1, True) and not isinstance(sg, float),
        "sg=0 selects CBOW, which skipgram does not implement: it trains skip-gram only "
        f"(sg=1, the only value accepted, and the default), got sg={_shown(sg)}. For CBOW, "
        "use gensim.models.Word2Vec",
    )
    default, hierarchical = DEFAULT_OBJECTIVE.name, HIERARCHICAL_SOFTMAX.name
    if hs is None:
        return default if objective is None else objective
    _require(
        hs in (0, 1) and not isinstance(hs, float),
        f"hs must be 0 or 1, got {_shown(hs)}",
    )
    if hs:
        _require(
            objective in (None, hierarchical),
            f"hs=1 asks for hierarchical softmax but objective={objective!r}: pass one of them",
        )
        _require(
            not (_is_int(negative) and negative > 0),
            f"hs=1 with negative={_shown(negative)}: gensim trains hierarchical softmax and "
            "negative sampling together then, skipgram trains one objective. Pass hs=1, "
            "negative=0 for hierarchical softmax (objective='hs'), or hs=0 for negative "
            "sampling",
        )
        return hierarchical
    _require(
        objective != hierarchical,
        "hs=0 contradicts objective='hs': pass one of them",
    )
    _require(
        objective is not None or not _is_int(negative) or negative > 0,
        "hs=0 and negative=0 leave nothing to train: pass negative > 0 for negative sampling "
        "or hs=1 for hierarchical softmax",
    )
    return default if objective is None else objective
