"""The error for a key that is not in the vocabulary, with a "did you mean" suggestion.

Looking for a close key costs a pass over (part of) the vocabulary, so the suggestion is only
computed when the message is shown: code that catches many KeyErrors (the common
``try: wv[word] except KeyError`` loop over a corpus) pays nothing for it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from numbers import Integral

# Bounds on the search, so that a message about a 3-million-word vocabulary is still quick:
# case variants are looked for among the first (most frequent) million keys, spelling
# neighbours among the first hundred thousand.
_CASE_SEARCHED = 1_000_000
_SPELLING_SEARCHED = 100_000
_SPELLING_CUTOFF = 0.7  # difflib ratio: "kign" vs "king" is 0.75, "cat" vs "dog" 0.0


class UnknownKeyError(KeyError):
    """A key is not in the vocabulary (and, for an int, not a valid row either).

    A `KeyError`, as in gensim, so ``except KeyError`` catches it. Its message names the key
    and, when the vocabulary holds a close key, suggests it.

    Attributes:
        key: the key looked up.
    """

    def __init__(self, key: object, keys: Sequence[str], what: str = "word") -> None:
        super().__init__(key)
        self.key = key
        self._keys = keys
        self._what = what
        self._message: str | None = None

    def __str__(self) -> str:
        if self._message is None:
            message = f"{self._what} {self.key!r} is not in the vocabulary"
            if isinstance(self.key, Integral) and not isinstance(self.key, bool):
                message += f" (an int key is a row number, from 0 to {len(self._keys) - 1})"
            suggestion = closest_key(self.key, self._keys)
            if suggestion is not None:
                message += f"; did you mean {suggestion!r}?"
            self._message = message
            self._keys = ()  # the message is built: let go of the vocabulary
        return self._message

    def __reduce__(self):  # pickled (by multiprocessing, say) as a plain KeyError
        return KeyError, (str(self),)


def closest_key(key: object, keys: Sequence[str]) -> str | None:
    """The key of `keys` most like `key`: the first one equal to it but for case, else the
    closest spelling by difflib's ratio (at least 0.7), else None."""
    if not isinstance(key, str) or not key:
        return None
    folded = key.casefold()
    for candidate in keys[:_CASE_SEARCHED]:
        if candidate.casefold() == folded and candidate != key:
            return candidate
    # Far longer or shorter keys cannot reach the cutoff: skip them before difflib.
    slack = max(2, len(key) // 3)
    nearby = [
        candidate
        for candidate in keys[:_SPELLING_SEARCHED]
        if abs(len(candidate) - len(key)) <= slack
    ]
    matches = difflib.get_close_matches(key, nearby, n=1, cutoff=_SPELLING_CUTOFF)
    return matches[0] if matches else None
