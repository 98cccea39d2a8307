"""What `SkipGram`'s methods accept beyond the parameters, checked once: the corpus under its
three names, gensim's {0, 1} switches, word-frequency tables, and the message for unknown
keywords."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from skipgram.corpus import LineSentence

Corpus = Iterable[Sequence[str]]

# gensim 3's names of parameters gensim 4 (and skipgram) renamed.
_RENAMED = {"size": "vector_size", "iter": "epochs"}


def one_corpus(
    corpus: Corpus | None,
    corpus_iterable: Corpus | None,
    corpus_file: str | os.PathLike[str] | None,
) -> Corpus | None:
    """The corpus given to `build_vocab` or `train` under one of its three names (skipgram's,
    and gensim's `corpus_iterable` and `corpus_file`, a LineSentence file); None if none."""
    given = [c for c in (corpus, corpus_iterable, corpus_file) if c is not None]
    if len(given) > 1:
        raise TypeError(
            "pass the corpus once: as the first argument, as corpus_iterable= or as "
            "corpus_file=, not several of them"
        )
    if corpus_file is None:
        return corpus if corpus is not None else corpus_iterable
    if not isinstance(corpus_file, (str, os.PathLike)):
        raise TypeError(
            f"corpus_file must be the path of a text file with one sentence per line, got "
            f"{type(corpus_file).__name__}; pass sentences as the first argument instead"
        )
    return LineSentence(corpus_file)


def unknown_parameters(unknown: list[str], valid: list[str]) -> str:
    """The message for unknown constructor keywords: the valid ones, and the new name of a
    gensim 3 one."""
    renamed = [f"{old!r} is now {_RENAMED[old]!r}" for old in unknown if old in _RENAMED]
    hint = f" ({'; '.join(renamed)}, as in gensim 4)" if renamed else ""
    return (
        f"unknown parameter(s) {', '.join(unknown)}{hint}; valid ones are "
        f"{', '.join(sorted(valid))}"
    )


def frequency_table(word_freq: Mapping[str, int]) -> tuple[list[str], np.ndarray]:
    """The words and counts of a {word: count} mapping, checked: str words, positive
    integer counts."""
    if not isinstance(word_freq, Mapping):
        raise TypeError(f"word_freq must be a mapping of word to count, got {type(word_freq)}")
    keys = list(word_freq)
    bad_key = next((k for k in keys if not isinstance(k, str)), None)
    if bad_key is not None:
        raise TypeError(f"word_freq's words must be str, got {bad_key!r:.60}")
    values = list(word_freq.values())
    for word, count in zip(keys, values, strict=True):
        if not is_int_like(count) or isinstance(count, bool) or count < 1:
            raise ValueError(
                f"word_freq's counts must be positive integers, got {count!r:.40} for {word!r:.60}"
            )
    return keys, np.array(values, dtype=np.int64).reshape(len(keys))


def gensim_flag(name: str, value: Any) -> Any:
    """gensim's {0, 1} switches as booleans; anything else goes on to Parameters' check."""
    if not isinstance(value, bool) and is_int_like(value) and value in (0, 1):
        return bool(value)
    return value


def is_int_like(value: Any) -> bool:
    return isinstance(value, (int, np.integer))
