"""Warnings attributed to the user's line of code rather than to skipgram's internals."""

from __future__ import annotations

import os
import sys
import warnings

# What a query on a model whose vectors are still the initial random ones warns (gensim's
# constructor trains; this one only builds the vocabulary, so the mistake is easy to make).
UNTRAINED_MODEL = (
    "this model has not been trained: its vectors are still random, so this answer means "
    "nothing. SkipGram(corpus) only builds the vocabulary; call model.train() first "
    "(e.g. model = SkipGram(corpus).train())"
)

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_at_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """`warnings.warn` with the stack level of the first frame outside this package: a query
    reaches the check through a varying number of internal calls, and the warning should name
    the user's line (and be shown once per such line, as Python's default filter does)."""
    frame = sys._getframe(0)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
