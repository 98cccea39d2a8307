"""gensim 4.4's names on `KeyedVectors` that skipgram answers without needing them itself:
aliases (`get_normed_vectors`, `next_index`, `expandos`, `allocate_vecattrs`), deprecated
methods (`word_vec`, `init_sims`, with gensim's DeprecationWarning), the lifecycle log, the
logging helpers of the evaluations, and gensim 3's removed names, which raise the
AttributeError gensim 4 raises, saying what replaced them. docs/migration.md lists them.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from skipgram.vector_files import COUNT, check_attribute

if TYPE_CHECKING:
    from skipgram.vector_queries import Key

# Their log lines have always come from skipgram.keyedvectors: filters on that name keep working.
logger = logging.getLogger("skipgram.keyedvectors")


class KeyedVectorsNames:
    """gensim's aliases and removed names on `KeyedVectors` (a mixin: it relies on its
    `index_to_key`, `counts`, `unit_vectors`, `fill_norms`, `unit_normalize_all`,
    `get_vector` and `_ensure_counts`)."""

    index_to_key: list[str]
    counts: np.ndarray | None
    unit_vectors: np.ndarray
    fill_norms: Callable[..., None]
    unit_normalize_all: Callable[[], None]
    get_vector: Callable[..., np.ndarray]
    _ensure_counts: Callable[[], np.ndarray]

    def get_normed_vectors(self) -> np.ndarray:
        """The unit-length vectors, as gensim's method (a read-only view of the cache; a zero
        vector stays zero, where gensim divides by zero)."""
        return self.unit_vectors

    def word_vec(self, key: Key, norm: bool = False) -> np.ndarray:
        """Deprecated alias of `get_vector` (as in gensim)."""
        warnings.warn("word_vec is deprecated: use get_vector", DeprecationWarning, stacklevel=2)
        return self.get_vector(key, norm)

    def init_sims(self, replace: bool = False) -> None:
        """Deprecated in gensim 4 (use `fill_norms`); `replace=True` is `unit_normalize_all`."""
        warnings.warn(
            "init_sims is deprecated: use fill_norms() (or unit_normalize_all())",
            DeprecationWarning,
            stacklevel=2,
        )
        self.fill_norms()
        if replace:
            self.unit_normalize_all()

    @property
    def next_index(self) -> int:
        """gensim's slot for the next `add_vector`: here always len(self), as keys reserved
        with `count` are room in the matrix, not empty slots."""
        return len(self.index_to_key)

    def add_lifecycle_event(self, event_name: str, log_level: int = logging.INFO, **event) -> None:
        """gensim's record of what happened to the object (loaded, edited ...): kept in
        `lifecycle_events` and logged, but not saved with the vectors."""
        entry = {**event, "datetime": datetime.now().isoformat(), "event": event_name}
        self.lifecycle_events = [*getattr(self, "lifecycle_events", []), entry]
        logger.log(log_level, "%s lifecycle event %s", type(self).__name__, entry)

    # gensim 3's names, which gensim 4 answers with an AttributeError saying what replaced
    # them; so does skipgram.
    @property
    def index2word(self) -> list[str]:
        raise AttributeError("index2word was replaced by index_to_key in gensim 4.0.0")

    @property
    def index2entity(self) -> list[str]:
        raise AttributeError("index2entity was replaced by index_to_key in gensim 4.0.0")

    @property
    def vocab(self) -> dict:
        raise AttributeError(
            "the vocab attribute was removed in gensim 4.0.0: use key_to_index, index_to_key "
            "and get_vecattr(key, 'count')"
        )

    @property
    def vectors_norm(self) -> np.ndarray:
        raise AttributeError(
            "vectors_norm was removed in gensim 4.0.0: use get_normed_vectors() (or unit_vectors)"
        )

    @property
    def expandos(self) -> dict[str, np.ndarray]:
        """gensim's per-key attribute arrays: ``{"count": counts}``, or {} without counts."""
        return {} if self.counts is None else {COUNT: self.counts}

    def allocate_vecattrs(self, attrs: Sequence[str] | None = None, types=None) -> None:
        """gensim's: make sure the attribute arrays exist, one value per key. The only
        attribute is "count", whose array is created (zeros) if missing."""
        for attr in attrs or []:
            check_attribute(attr)
            self._ensure_counts()

    @staticmethod
    def log_accuracy(section: dict) -> None:
        """gensim's: log the accuracy of one of `evaluate_word_analogies`' gensim sections."""
        correct, incorrect = len(section["correct"]), len(section["incorrect"])
        if correct + incorrect > 0:
            logger.info(
                "%s: %.1f%% (%i/%i)",
                section["section"],
                100.0 * correct / (correct + incorrect),
                correct,
                correct + incorrect,
            )

    @staticmethod
    def log_evaluate_word_pairs(pearson, spearman, oov: float, pairs: object) -> None:
        """gensim's: log the correlations and oov percentage of `evaluate_word_pairs`."""
        logger.info("Pearson correlation coefficient against %s: %.4f", pairs, pearson[0])
        logger.info(
            "Spearman rank-order correlation coefficient against %s: %.4f", pairs, spearman[0]
        )
        logger.info("Pairs with unknown words ratio: %.1f%%", oov)
