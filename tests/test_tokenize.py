"""Tests for skipgram._tokenize: UTF-8 bytes to word ids, exactly as LineSentence reads them.

LineSentence (defaults: utf-8, strict) is the oracle throughout: every expected sentence list
comes from it reading the same bytes from a file, never from a re-implementation here.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from skipgram._tokenize import Tokenizer

from skipgram.corpus import LineSentence

#: Every character str.split() separates at, straight from Python.
WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
#: Whitespace that does not end a line, for separating tokens inside one.
INLINE_SPACES = [s for s in WHITESPACE if s not in "\r\n"]
#: Words whose UTF-8 is 1 to 4 bytes a character, many sharing their first one or two bytes
#: with a separator (C2, E1 9A, E2 80, E2 81, E3 80) without being one, and control
#: characters that are not whitespace.
WORDS = [
    "the",
    "a",
    "x1",
    "Word",
    "naïve",
    "é",
    "日本語",
    "Ω",
    "😀",
    "a😀b",
    "𝔘𝔫𝔦",
    "©",
    "\u00a1",
    "\u0084",
    "\u0086",
    "–",
    "—",
    "…",
    "\u200b",
    "x\u200by",
    "\u2027",
    "\u202a",
    "\u202e",
    "\u2030",
    "\u205e",
    "\u2060",
    "\u1681",
    "\u167f",
    "\u3001",
    "\u180e",
    "\ufeff",
    "\x00",
    "a\x00b",
    "\x1b",
    "\x7f",
]


def line_sentence(
    tmp_path: Path, data: bytes, max_sentence_length: int = 10000, errors: str = "strict"
) -> list:
    """What LineSentence yields for a file holding `data`."""
    path = tmp_path / "corpus.txt"
    path.write_bytes(data)
    return list(LineSentence(str(path), max_sentence_length=max_sentence_length, errors=errors))


def fixed_blocks(data: bytes, size: int) -> list[bytes]:
    """`data` cut into blocks of `size` bytes (the last may be shorter)."""
    return [data[pos : pos + size] for pos in range(0, len(data), size)]


def random_blocks(data: bytes, rng: random.Random, max_block: int) -> Iterator[bytes]:
    """`data` cut into blocks of random sizes from 1 to `max_block` bytes."""
    pos = 0
    while pos < len(data):
        size = rng.randint(1, max_block)
        yield data[pos : pos + size]
        pos += size


def sentences(tok: Tokenizer, ids: np.ndarray, lengths: np.ndarray) -> list[list[str]]:
    """The words of each sentence, from take()'s output."""
    keys = tok.keys()
    ends = np.cumsum(lengths)
    return [[keys[i] for i in ids[end - n : end]] for n, end in zip(lengths, ends, strict=True)]


def tokenize(
    blocks: Iterable[bytes],
    max_sentence_length: int = 10000,
    vocabulary: Sequence[str] | None = None,
    errors: str = "strict",
) -> list[list[str]]:
    tok = Tokenizer(vocabulary, max_sentence_length, errors)
    for block in blocks:
        tok.feed(block)
    tok.finish()
    return sentences(tok, *tok.take())


def random_text(rng: random.Random) -> bytes:
    """Lines of words and separators (runs of them, leading and trailing ones too), blank and
    whitespace-only lines, long lines, mixed "\\n", "\\r" and "\\r\\n" line ends."""
    text = []
    for _ in range(rng.randint(1, 40)):
        kind = rng.random()
        if kind < 0.1:
            line = ""
        elif kind < 0.2:
            line = "".join(rng.choices(INLINE_SPACES, k=rng.randint(1, 3)))
        else:
            line = ""
            for _ in range(rng.choice([1, 2, 3, 5, 8, 13])):
                if rng.random() < 0.3:
                    line += "".join(rng.choices(INLINE_SPACES, k=rng.randint(1, 3)))
                line += "".join(rng.choices(WORDS, k=rng.randint(1, 2)))
                line += "".join(rng.choices(INLINE_SPACES, k=rng.randint(1, 3)))
            if rng.random() < 0.5:
                line = line.rstrip()  # not even trailing whitespace
        text.append(line + rng.choice(["\n", "\r", "\r\n"]))
    data = "".join(text)
    if rng.random() < 0.5:
        data = data.rstrip("\r\n")  # no line end after the last line
    return data.encode("utf-8")


# --- equivalence with LineSentence --------------------------------------------------------


@pytest.mark.parametrize("seed", range(60))
def test_random_text_cut_anywhere_matches_line_sentence(tmp_path, seed):
    rng = random.Random(seed)
    data = random_text(rng)
    max_len = rng.choice([1, 2, 3, 5, 10000])
    max_block = rng.choice([1, 2, 3, 7, 64, len(data) + 1])
    expected = line_sentence(tmp_path, data, max_len)
    assert tokenize(random_blocks(data, rng, max_block), max_len) == expected


@pytest.mark.parametrize("seed", range(5))
def test_one_byte_blocks_match_line_sentence(tmp_path, seed):
    data = random_text(random.Random(seed))
    assert tokenize(fixed_blocks(data, 1), 3) == line_sentence(tmp_path, data, 3)


@pytest.mark.parametrize("seed", range(20))
def test_with_line_ends_as_whitespace_the_tokens_are_str_split_of_the_whole_text(seed):
    # text8's reading (Text8Corpus): str.split() itself is the oracle, every Python
    # whitespace character a separator, line ends included, sentences cut only by length.
    rng = random.Random(seed)
    data = random_text(rng) + "".join(rng.choices(WHITESPACE, k=5)).encode("utf-8")
    max_len = rng.choice([1, 3, 10000])
    tok = Tokenizer(max_sentence_length=max_len, lines_are_sentences=False)
    for block in random_blocks(data, rng, rng.choice([1, 3, 64, len(data)])):
        tok.feed(block)
    tok.finish()
    words = data.decode("utf-8").split()
    expected = [words[start : start + max_len] for start in range(0, len(words), max_len)]
    assert sentences(tok, *tok.take()) == expected


def test_every_python_whitespace_character_is_a_separator_to_str_split_and_to_the_lexer():
    text = "".join(f"x{space}y" for space in WHITESPACE)
    tok = Tokenizer(lines_are_sentences=False)
    tok.feed(text.encode("utf-8"))
    tok.finish()
    assert sentences(tok, *tok.take()) == [text.split()]
    assert len(text.split()) == len(WHITESPACE) + 1


def test_every_python_whitespace_character_separates_tokens(tmp_path):
    data = "".join(f"x{space}y\n" for space in WHITESPACE).encode("utf-8")
    expected = line_sentence(tmp_path, data)
    assert sum(map(len, expected)) == 2 * len(WHITESPACE)  # the oracle really splits each
    assert tokenize([data]) == expected


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 20])
def test_every_character_sharing_a_separator_lead_byte(tmp_path, block):
    # U+0080-U+00BF, U+1000-U+3FFF: every character whose UTF-8 starts with C2, E1, E2 or E3,
    # the bytes that can begin a multi-byte separator. Only the whitespace ones may split.
    chars = [chr(c) for c in [*range(0x80, 0xC0), *range(0x1000, 0x4000)]]
    data = "".join(f"x{c}y\n" for c in chars).encode("utf-8")
    expected = line_sentence(tmp_path, data)
    assert tokenize(fixed_blocks(data, block)) == expected


@pytest.mark.parametrize(
    "space", ["\x85", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c"]
)
def test_line_break_characters_other_than_cr_lf_only_separate_tokens(tmp_path, space):
    # str.splitlines() breaks at these, but iterating a text file does not.
    data = f"a b{space}c d\n".encode()
    assert line_sentence(tmp_path, data) == [["a", "b", "c", "d"]]
    assert tokenize([data]) == [["a", "b", "c", "d"]]


@pytest.mark.parametrize("end", ["\n", "\r", "\r\n"])
def test_each_universal_newline_ends_a_line(tmp_path, end):
    data = f"a b{end}c{end}{end}d{end}".encode()
    assert line_sentence(tmp_path, data) == [["a", "b"], ["c"], ["d"]]
    assert tokenize([data]) == [["a", "b"], ["c"], ["d"]]


def test_crlf_cut_between_blocks_ends_one_line():
    assert tokenize([b"a\r", b"\nb\r", b"\n", b"c"]) == [["a"], ["b"], ["c"]]


def test_separator_cut_between_blocks_still_separates():
    nbsp, ideographic = "\u00a0".encode(), "\u3000".encode()
    blocks = [b"a" + nbsp[:1], nbsp[1:] + b"b" + ideographic[:1], ideographic[1:2], ideographic[2:]]
    assert tokenize(blocks) == [["a", "b"]]


def test_separator_lookalike_cut_between_blocks_stays_in_the_token():
    per_mille = "\u2030".encode()  # E2 80 B0: starts like U+2000-U+200A, is not whitespace
    blocks = [b"a" + per_mille[:1], per_mille[1:2], per_mille[2:] + b"b"]
    assert tokenize(blocks) == [["a\u2030b"]]


def test_overlong_lines_become_consecutive_sentences():
    tok = Tokenizer(max_sentence_length=3)
    tok.feed(b"1 2 3 4 5 6 7\n1 2 3 4 5 6\n")
    tok.finish()
    assert tok.take()[1].tolist() == [3, 3, 1, 3, 3]


def test_blank_and_whitespace_only_lines_yield_no_sentence():
    tok = Tokenizer()
    tok.feed("\n\r\n \t\n\u3000\nword\n\n".encode())
    tok.finish()
    ids, lengths = tok.take()
    assert (ids.tolist(), lengths.tolist()) == ([0], [1])


# --- ids and the word table ----------------------------------------------------------------


def test_ids_follow_first_appearance():
    tok = Tokenizer()
    tok.feed("c a c\nb a ü\n".encode())
    tok.finish()
    ids, lengths = tok.take()
    assert ids.tolist() == [0, 1, 0, 2, 1, 3]
    assert lengths.tolist() == [3, 3]
    assert tok.keys() == ["c", "a", "b", "ü"]
    assert len(tok) == 4


def test_words_differing_only_in_nul_bytes_or_length_are_distinct():
    # Short words are stored as zero-padded integers and lengths partly inside hash tags:
    # neither may let "a" equal "a\x00", nor a word equal its own prefix, at any length.
    words = ["a", "a\x00", "\x00a", "a\x00\x00", "\x00", "\x00\x00"]
    words += ["x" * k for k in range(1, 40)] + ["x" * k + "\x00" for k in range(1, 40)]
    data = ((" ".join(words) + "\n") * 2).encode()
    tok = Tokenizer()
    tok.feed(data)
    tok.finish()
    ids, _ = tok.take()
    assert ids.tolist() == list(range(len(words))) * 2
    assert tok.keys() == words


def test_frozen_vocabulary_gives_its_ids_and_minus_one_for_unknown_words():
    tok = Tokenizer(["b", "a", "ü"])
    tok.feed("a x b ü\ny y\n".encode())
    tok.finish()
    ids, lengths = tok.take()
    assert ids.tolist() == [1, -1, 0, 2, -1, -1]
    assert lengths.tolist() == [4, 2]


def test_frozen_vocabulary_matches_words_of_every_length():
    vocabulary = ["x" * k for k in range(1, 40)]
    tok = Tokenizer(vocabulary)
    tok.feed((" ".join(reversed(vocabulary)) + " " + "x" * 40 + "\n").encode())
    tok.finish()
    ids, _ = tok.take()
    assert ids.tolist() == [*range(38, -1, -1), -1]


def test_frozen_vocabulary_never_grows():
    tok = Tokenizer(["a"])
    tok.feed(b"a new words\nmore new ones\n")
    tok.finish()
    assert len(tok) == 1
    assert tok.keys() == ["a"]


def test_large_frozen_vocabulary():
    words = [f"v{i}" for i in range(200_000)]
    tok = Tokenizer(words)
    tok.feed((" ".join(reversed(words)) + " unknown\n").encode())
    tok.finish()
    ids, _ = tok.take()
    assert np.array_equal(ids, np.r_[np.arange(199_999, -1, -1), -1])


def test_a_million_distinct_words_grow_the_table():
    words = [f"w{i}" for i in range(1_000_000)]
    data = memoryview((" ".join(words) + "\n").encode())
    tok = Tokenizer(max_sentence_length=1000)
    for start in range(0, len(data), 1 << 20):
        tok.feed(data[start : start + (1 << 20)])
    tok.finish()
    ids, lengths = tok.take()
    assert len(tok) == 1_000_000
    assert np.array_equal(ids, np.arange(1_000_000))
    assert np.array_equal(lengths, np.full(1000, 1000))
    assert tok.keys() == words


def test_words_seen_again_after_table_growth_keep_their_ids():
    data = (" ".join(f"w{i}" for i in range(100_000)) + "\n").encode()
    tok = Tokenizer()
    tok.feed(data)
    tok.feed(data)
    tok.finish()
    ids, _ = tok.take()
    assert len(tok) == 100_000
    assert np.array_equal(ids[100_000:], ids[:100_000])


# --- take, finish, several files -----------------------------------------------------------


def test_take_returns_only_completed_sentences_then_drains():
    tok = Tokenizer()
    tok.feed(b"a b\nc d")  # "c" is complete but its sentence is not; "d" may go on
    ids, lengths = tok.take()
    assert (ids.tolist(), lengths.tolist()) == ([0, 1], [2])
    ids, lengths = tok.take()
    assert (ids.tolist(), lengths.tolist()) == ([], [])
    tok.feed(b"e\n")
    ids, lengths = tok.take()
    assert (ids.tolist(), lengths.tolist()) == ([2, 3], [2])
    assert tok.keys() == ["a", "b", "c", "de"]


def test_take_dtypes():
    tok = Tokenizer()
    ids, lengths = tok.take()
    assert (ids.dtype, lengths.dtype) == (np.int32, np.int64)
    assert (ids.shape, lengths.shape) == ((0,), (0,))


def test_finish_closes_the_last_line_and_a_second_file_continues_ids():
    tok = Tokenizer()
    tok.feed(b"a b\nc")
    tok.finish()  # "c" ends with the file; it must not merge with the next file's first word
    tok.feed(b"d a\n")
    tok.finish()
    ids, lengths = tok.take()
    assert ids.tolist() == [0, 1, 2, 3, 0]
    assert lengths.tolist() == [2, 1, 2]
    assert tok.keys() == ["a", "b", "c", "d"]


@pytest.mark.parametrize("convert", [bytearray, memoryview, lambda b: np.frombuffer(b, np.uint8)])
def test_feed_accepts_any_bytes_like(convert):
    tok = Tokenizer()
    tok.feed(convert("a ü b\n".encode()))
    tok.finish()
    assert sentences(tok, *tok.take()) == [["a", "ü", "b"]]


def test_feed_rejects_str():
    with pytest.raises(TypeError):
        Tokenizer().feed("a b\n")


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        b"\x80",  # stray continuation byte
        b"\xc0\x80",  # overlong
        b"\xe0\x80\x80",  # overlong
        b"\xed\xa0\x80",  # surrogate
        b"\xf4\x90\x80\x80",  # above U+10FFFF
        b"\xf5\x80",
        b"\xff",
        b"\xc2",  # truncated; C2 also starts U+0085 and U+00A0
        b"\xe2\x80",  # truncated prefix of U+2000
        b"x\xe3\x80",  # truncated prefix of U+3000, inside a token
    ],
)
@pytest.mark.parametrize("where", ["middle", "end"])
def test_invalid_utf8_raises_value_error_like_line_sentence(tmp_path, bad, where):
    data = b"good words\nthen " + bad + (b" more\n" if where == "middle" else b"")
    with pytest.raises(ValueError):
        line_sentence(tmp_path, data)
    tok = Tokenizer()
    with pytest.raises(ValueError, match="utf-8"):
        for block in fixed_blocks(data, 3):
            tok.feed(block)
        tok.finish()


def test_invalid_utf8_in_an_unknown_word_of_a_frozen_vocabulary_raises():
    tok = Tokenizer(["a"])
    with pytest.raises(ValueError, match="utf-8"):
        tok.feed(b"a \xff\n")


def test_decoding_error_names_the_byte_offset():
    tok = Tokenizer()
    # The token "ab\xff" starts at byte 16; the bad byte is its third.
    with pytest.raises(ValueError, match=r"at byte 18 "):
        tok.feed(b"good words\nthen ab\xff")
        tok.finish()


def test_tokenizer_refuses_input_after_a_decoding_error():
    tok = Tokenizer()
    with pytest.raises(ValueError):
        tok.feed(b"\xff\n")
    with pytest.raises(ValueError, match="decoding error"):
        tok.feed(b"fine\n")


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "10", None])
def test_max_sentence_length_must_be_a_positive_int(bad):
    with pytest.raises(ValueError, match="max_sentence_length"):
        Tokenizer(max_sentence_length=bad)


@pytest.mark.parametrize("vocabulary", [["a", 1], ["a", b"b"], ["a", None]])
def test_vocabulary_words_must_be_str(vocabulary):
    with pytest.raises(ValueError, match="must be str"):
        Tokenizer(vocabulary)


def test_vocabulary_words_must_be_unique():
    with pytest.raises(ValueError, match="twice, at positions 0 and 2"):
        Tokenizer(["a", "b", "a"])


def test_vocabulary_must_not_be_a_single_string():
    with pytest.raises(ValueError, match="single string"):
        Tokenizer("abc")


# --- errors="replace" -----------------------------------------------------------------------

#: Invalid UTF-8 of every kind, next to valid characters and separators that share lead
#: bytes with it: the maximal invalid subpart decides how many U+FFFD each becomes.
BROKEN_PIECES = [
    b"\x80",  # stray continuation byte
    b"\xbf\x80",  # two of them: two U+FFFD
    b"\xc0\x80",  # overlong
    b"\xe0\x80\x80",  # overlong, three subparts
    b"\xed\xa0\x80",  # surrogate
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"\xf5",
    b"\xff",
    b"\xc2",  # truncated; C2 also starts U+0085 and U+00A0
    b"\xe2\x80",  # truncated prefix of U+2000-U+200A
    b"\xe3\x80",  # truncated prefix of U+3000
    b"\xf0\x9f\x98",  # truncated emoji: one subpart
    b"\xf0\x9f",
    b"\xe1\x9a",  # truncated prefix of U+1680
]
VALID_PIECES = [w.encode("utf-8") for w in ("a", "bc", "é", "😀", "日本", "\u2028x", "\u00a0")]
SEPARATORS = [b" ", b"\n", b"\r\n", b"\r", "\u00a0".encode(), "\u3000".encode(), b"\t"]


def random_broken_text(rng: random.Random) -> bytes:
    """Valid and invalid UTF-8 glued in every order, with separators and line ends."""
    pieces = []
    for _ in range(rng.randint(0, 60)):
        kind = rng.random()
        if kind < 0.35:
            pieces.append(rng.choice(BROKEN_PIECES))
        elif kind < 0.7:
            pieces.append(rng.choice(VALID_PIECES))
        elif kind < 0.95:
            pieces.append(rng.choice(SEPARATORS))
        else:
            pieces.append(bytes([rng.randrange(256)]))
    return b"".join(pieces)


@pytest.mark.parametrize("seed", range(40))
def test_replace_matches_line_sentence_on_random_broken_text(tmp_path, seed):
    rng = random.Random(seed)
    data = random_broken_text(rng)
    max_len = rng.choice([1, 3, 10000])
    expected = line_sentence(tmp_path, data, max_len, errors="replace")
    blocks = random_blocks(data, rng, rng.choice([1, 2, 5, len(data) + 1]))
    assert tokenize(blocks, max_len, errors="replace") == expected


@pytest.mark.parametrize("bad", BROKEN_PIECES)
@pytest.mark.parametrize("block", [1, 1 << 20])
def test_replace_gives_as_many_replacement_characters_as_python(tmp_path, bad, block):
    data = b"x" + bad + b"y " + bad + b"\n" + bad
    expected = line_sentence(tmp_path, data, errors="replace")
    assert any("\ufffd" in word for line in expected for word in line)  # the oracle replaced
    assert tokenize(fixed_blocks(data, block), errors="replace") == expected


def test_replace_gives_a_repaired_word_the_id_of_the_same_valid_word():
    # "a\ufffd" is known as text; "a\xff" and "a\xfe" both decode to it.
    tok = Tokenizer(errors="replace")
    tok.feed("a\ufffd b\n".encode() + b"a\xff a\xfe b\n")
    tok.finish()
    ids, lengths = tok.take()
    assert tok.keys() == ["a\ufffd", "b"]
    assert ids.tolist() == [0, 1, 0, 0, 1] and lengths.tolist() == [2, 3]


def test_replace_with_a_frozen_vocabulary():
    tok = Tokenizer(["b", "\ufffd"], errors="replace")
    tok.feed(b"\xff b \xc0\x80 z\xff\n")  # C0 80: two replacement characters, not one
    tok.finish()
    ids, _ = tok.take()
    assert ids.tolist() == [1, 0, -1, -1]
    assert len(tok) == 2


def test_strict_stays_the_default():
    with pytest.raises(ValueError, match="utf-8"):
        tokenize([b"ok \xff\n"])


@pytest.mark.parametrize("errors", ["ignore", "REPLACE", None, ""])
def test_errors_must_be_strict_or_replace(errors):
    with pytest.raises(ValueError, match="'strict' or 'replace'"):
        Tokenizer(errors=errors)
