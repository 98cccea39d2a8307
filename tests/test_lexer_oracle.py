"""The compiled lexer (skipgram/_lexer.pxd) against str.split(), on text hypothesis makes up.

Python is the oracle: whatever unicode text is drawn, encoded as UTF-8 and fed to the
Tokenizer in blocks cut anywhere, the tokens that come out are `text.split()`, and with line
ends ending sentences they are the split lines of a file read with universal newlines.
"""

from __future__ import annotations

import itertools
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from skipgram._tokenize import Tokenizer

#: Every character str.split() separates at (\x1c-\x1f, \x85, \u2028 ... included).
WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
#: Characters whose UTF-8 begins like a separator's (C2, E1 9A, E2 80, E2 81, E3 80) but that
#: are not whitespace: the lexer must keep them in the token.
LOOKALIKES = [
    "\u0084",
    "\u0086",
    "\u00a1",
    "\u167f",
    "\u1681",
    "\u200b",
    "\u2027",
    "\u202a",
    "\u2030",
    "\u205e",
    "\u2060",
    "\u3001",
]

# Mostly separators and their look-alikes, where the lexer's cases are, then any character at
# all (surrogates excepted: they have no UTF-8).
CHARACTERS = st.one_of(
    st.sampled_from(WHITESPACE),
    st.sampled_from(LOOKALIKES),
    st.sampled_from("ab"),
    st.characters(exclude_categories=("Cs",)),
)
TEXT = st.text(CHARACTERS, max_size=60)


def cut(data: bytes, draw_cuts: list[int]) -> list[bytes]:
    """`data` cut at the (sorted, deduplicated) byte offsets of `draw_cuts`: inside tokens,
    multi-byte characters and separators alike."""
    offsets = sorted({c % (len(data) + 1) for c in draw_cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(offsets) if b > a]


def tokenize(blocks: list[bytes], lines_are_sentences: bool) -> list[list[str]]:
    tokenizer = Tokenizer(max_sentence_length=1 << 40, lines_are_sentences=lines_are_sentences)
    for block in blocks:
        tokenizer.feed(block)
    tokenizer.finish()
    ids, lengths = tokenizer.take()
    words = tokenizer.keys()
    tokens = [words[i] for i in ids.tolist()]
    sentences, start = [], 0
    for length in lengths.tolist():
        sentences.append(tokens[start : start + length])
        start += length
    return sentences


@settings(max_examples=300, deadline=None)
@given(text=TEXT, cuts=st.lists(st.integers(0, 1 << 16), max_size=6))
def test_the_tokens_are_str_split_of_the_text(text, cuts):
    sentences = tokenize(cut(text.encode("utf-8"), cuts), lines_are_sentences=False)
    assert [token for sentence in sentences for token in sentence] == text.split()
    assert len(sentences) <= 1  # without line ends as sentence ends, one file is one sentence


@settings(max_examples=300, deadline=None)
@given(text=TEXT, cuts=st.lists(st.integers(0, 1 << 16), max_size=6))
def test_the_sentences_are_the_split_lines_of_universal_newlines(text, cuts):
    # A file read in text mode ends lines at "\n", "\r" and "\r\n" only (not at \x85, \u2028,
    # \x1c ... as str.splitlines() does); blank lines yield no sentence.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    expected = [line.split() for line in lines if line.split()]
    assert tokenize(cut(text.encode("utf-8"), cuts), lines_are_sentences=True) == expected
