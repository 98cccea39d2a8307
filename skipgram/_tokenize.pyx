# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""UTF-8 text bytes to int32 word ids and sentence lengths, at C speed.

`Tokenizer` gives exactly the sentences that `skipgram.corpus.LineSentence(path)` gives with
encoding utf-8 and errors "strict" (the default) or "replace", with every word replaced by an
id, but it never makes a Python object per token: bytes go in, numpy arrays come out.

How LineSentence's semantics map to bytes: tokens and lines are found by the lexer
(_lexer.pxd), exactly where str.split() and Python's universal newlines put them; this module
turns them into sentences and words:
    sentences   A line of more than max_sentence_length tokens is cut into consecutive sentences
                of max_sentence_length tokens, the last one shorter; nothing is dropped.
    decoding    Python's UTF-8 codec. Separators are valid by construction, so the text is
                valid exactly when every token is; a token is checked only when it is not found
                in the word table (a word in the table was checked when it was added, or came
                from a str), so a scan validates each distinct word once. With errors="replace"
                an invalid token is decoded as Python does it, each maximal invalid subpart
                becoming one U+FFFD, and the repaired word is looked up instead. A decoder never
                takes a lead byte as a continuation, so an invalid sequence always ends before
                a separator or a line end: repairing each token gives the same tokens as
                decoding the whole line first, and U+FFFD is not whitespace.

Words are told apart by their UTF-8 bytes, which is the same as comparing the decoded strings.
This file is the Tokenizer: its sentences, decoding and Python API. The lexer (_lexer.pxd) finds
the tokens; the words themselves are kept by the word table (_word_table.pxd), which also
counts and prunes them for `max_vocab_size`.
"""

import numbers

import numpy as np

from libc.stdint cimport INT32_MAX, SIZE_MAX, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free
from libc.string cimport memcpy, memmove

from skipgram._buffers cimport reserve, shrink
from skipgram._lexer cimport (
    LEX_BLOCK_END,
    LEX_LINE_END,
    LEX_TOKEN,
    lex_finish,
    lex_next,
    lexer_free,
)
from skipgram._utf8 cimport utf8_error_at, utf8_repair
from skipgram._word_table cimport (
    ERR_NOMEM,
    ERR_TOO_MANY,
    OK,
    WordTable,
    table_add,
    table_find,
    table_free,
    table_init,
    table_keep,
    word_hash,
)

# Status codes of the nogil functions beyond the word table's (OK, ERR_NOMEM, ERR_TOO_MANY);
# the caller turns them into exceptions with the GIL held.
cdef enum:
    ERR_UTF8 = 3
    ERR_KEEP_RULE = 4   # the keep_words callback raised (the exception is kept)

# Feeds at least this large release the GIL; for tiny ones releasing it costs more than it saves.
cdef size_t NOGIL_MIN_BYTES = 1 << 14
cdef size_t MIN_SLOTS = 1 << 10
# The first pruning drops the words seen once, as word2vec.c's ReduceVocab does.
cdef int64_t FIRST_PRUNE_THRESHOLD = 2


# Its attributes and C methods are declared in _tokenize.pxd.
cdef class Tokenizer:
    """Streaming UTF-8 tokenizer: bytes in, int32 word ids and int64 sentence lengths out.

    Gives exactly the sentences of ``LineSentence(path, max_sentence_length)`` (encoding utf-8,
    errors strict) with each word replaced by its id. Feed a file's bytes with :meth:`feed` in
    blocks of any size, cut anywhere (inside a token, a multi-byte character or a "\\r\\n"), call
    :meth:`finish` at the end of each file, and collect the output with :meth:`take`.

    With ``vocabulary=None`` every new word gets the next id (0, 1, 2, ... in order of first
    appearance) and :meth:`keys` lists the words in id order. With a vocabulary, word
    ``vocabulary[i]`` has id ``i``, the table never grows, and any other word gets id -1 (it
    still counts as a token and keeps its place in the sentence).

    With ``max_vocab_size`` (no vocabulary), the table counts the words (:meth:`counts`) and is
    pruned whenever a sentence leaves more than that many: the words counted fewer than 2 times
    go, the next time fewer than 3, and so on (word2vec.c's rising threshold).
    ``keep_words(keys, counts, threshold)``, if given, decides instead: it returns which words
    stay (a boolean per word), e.g. to apply a trim_rule. Pruning renumbers the words that
    stay, so once :attr:`prunes` is above 0 the ids given out before the last pruning are stale.

    ``lines_are_sentences=False`` makes line ends ordinary whitespace (text8): sentences are
    then only cut at ``max_sentence_length`` tokens and at :meth:`finish`.

    With ``errors="strict"`` (the default), invalid UTF-8 raises ValueError naming the byte
    offset in the current file, and the tokenizer cannot be used afterwards. With
    ``errors="replace"`` each maximal invalid subpart of a token becomes U+FFFD, as Python's
    decoder does. One thread at a time: concurrent calls raise RuntimeError.
    """

    def __cinit__(self, *args, **kwargs):
        # Everything starts NULL/0 (Cython zeroes the object), so __dealloc__ is always safe.
        pass

    def __init__(
        self,
        vocabulary=None,
        max_sentence_length=10000,
        errors="strict",
        *,
        lines_are_sentences=True,
        max_vocab_size=None,
        keep_words=None,
    ):
        """``vocabulary``: None to number words as they appear, or a sequence of distinct str
        (word ``vocabulary[i]`` gets id ``i``; unknown words -1). ``max_sentence_length``: a
        positive int. ``errors``: "strict" or "replace", as for ``bytes.decode``.
        ``max_vocab_size``: None, or a positive int bounding the table (no vocabulary then);
        ``keep_words``: None or a callable, see the class docstring."""
        cdef size_t slots_wanted
        cdef list words = None
        self._check_idle()
        _check_positive("max_sentence_length", max_sentence_length)
        if max_vocab_size is not None:
            _check_positive("max_vocab_size", max_vocab_size)
            if vocabulary is not None:
                raise ValueError("max_vocab_size bounds a table that grows: give no vocabulary")
        if keep_words is not None and (max_vocab_size is None or not callable(keep_words)):
            raise ValueError("keep_words must be a callable, and needs max_vocab_size")
        if errors not in ("strict", "replace"):
            raise ValueError(
                f"errors must be 'strict' or 'replace', got {errors!r} (LineSentence reads other "
                "error handlers in Python)"
            )
        if vocabulary is not None:
            if isinstance(vocabulary, (str, bytes)):
                raise ValueError("vocabulary must be a sequence of str words, not a single string")
            words = list(vocabulary)
        self._release()
        # No line can hold more tokens than this, so clamping changes nothing.
        self.max_sentence_length = <Py_ssize_t>min(int(max_sentence_length), 1 << 62)
        self.lines_are_sentences = bool(lines_are_sentences)
        self.frozen = words is not None
        self.replace_errors = errors == "replace"
        self.max_vocab_size = -1 if max_vocab_size is None else min(int(max_vocab_size), 1 << 62)
        self.prune_threshold = FIRST_PRUNE_THRESHOLD
        self.keep_words = keep_words
        self.has_keep_rule = keep_words is not None
        slots_wanted = MIN_SLOTS
        if words is not None:
            while slots_wanted * 5 < <size_t>len(words) * 8:
                slots_wanted *= 2
        if table_init(&self.table, slots_wanted, max_vocab_size is not None) != OK:
            raise MemoryError()
        if words is not None:
            try:
                self._load_vocabulary(words)
            except BaseException:
                self._release()  # no half-built table: later calls say __init__ did not succeed
                raise

    cdef void _load_vocabulary(self, list words) except *:
        """Give words[i] id i, rejecting non-str and repeated words."""
        cdef bytes word
        cdef const uint8_t *wp
        cdef size_t slot
        cdef uint64_t h
        for i, text in enumerate(words):
            if not isinstance(text, str):
                raise ValueError(
                    f"vocabulary words must be str, got {type(text).__name__} {text!r:.40} at "
                    f"position {i}"
                )
            try:
                word = (<str>text).encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(
                    f"vocabulary word {text!r:.40} at position {i} cannot be encoded as UTF-8"
                ) from None
            wp = <const uint8_t *><const char *>word
            h = word_hash(wp, len(word))
            slot = table_find(&self.table, wp, len(word), h)
            if self.table.slots[slot].id >= 0:
                raise ValueError(
                    f"vocabulary has the word {text!r:.40} twice, at positions "
                    f"{self.table.slots[slot].id} and {i}"
                )
            self._check(table_add(&self.table, wp, len(word), h, slot))

    def __dealloc__(self):
        self._release()

    cdef void _release(self) noexcept:
        """Free every buffer and zero the state (also used by __init__, which may run twice)."""
        table_free(&self.table)
        lexer_free(&self.lexer)
        free(self.ids)
        free(self.lens)
        free(self.fixbuf)
        self.fixbuf = NULL
        self.fix_len = self.fix_cap = 0
        self.ids = NULL
        self.lens = NULL
        self.n_ids = self.ids_cap = self.committed = 0
        self.n_lens = self.lens_cap = 0
        self.cur_len = 0
        self.prunes = 0
        self.keep_words = self.keep_rule_error = None
        self.broken = False

    cdef void _check_idle(self) except *:
        if self.busy:
            raise RuntimeError("Tokenizer is in use by another thread; use one per thread")

    cdef void _check_usable(self) except *:
        self._check_idle()
        if self.table.slots == NULL:
            raise RuntimeError("Tokenizer.__init__ was not called")
        if self.broken:
            raise ValueError(
                "this Tokenizer stopped at an earlier error (a decoding error, no memory or a "
                "failing keep_words); start a new one"
            )

    cdef void _check(self, int status) except *:
        """Raise the exception for a status code of the nogil functions."""
        cdef bytes snippet
        if status == OK:
            return
        self.broken = True
        if status == ERR_NOMEM:
            raise MemoryError()
        if status == ERR_TOO_MANY:
            raise OverflowError(f"more than {INT32_MAX} distinct words do not fit int32 ids")
        if status == ERR_KEEP_RULE:
            error, self.keep_rule_error = self.keep_rule_error, None
            raise error
        snippet = (<const char *>self.err_snippet)[:self.err_snippet_len]
        raise ValueError(
            f"cannot decode the input as utf-8 at byte {self.err_offset} of the current file: "
            f"invalid sequence in the token starting {snippet!r}"
        )

    # ---------------------------------------------------------------------------------------
    # Counting and pruning (max_vocab_size)
    # ---------------------------------------------------------------------------------------

    cdef int _bound_vocabulary(self) noexcept nogil:
        """After a sentence: prune the table if it holds more than max_vocab_size words."""
        cdef int status
        if self.max_vocab_size < 0 or self.table.n_words <= <size_t>self.max_vocab_size:
            return OK
        if self.has_keep_rule:
            with gil:
                status = self._prune_by_rule()
        else:
            status = table_keep(&self.table, NULL, self.prune_threshold)
        self.prune_threshold += 1
        self.prunes += 1
        return status

    cdef int _prune_by_rule(self) noexcept:
        """Prune as keep_words(keys, counts, threshold) says (with the GIL held)."""
        cdef const uint8_t[::1] keep
        cdef size_t n = self.table.n_words
        try:
            verdict = self.keep_words(self._keys(), self.counts(), self.prune_threshold)
            keep = np.ascontiguousarray(verdict, dtype=bool).view(np.uint8)
            if keep.shape[0] != <Py_ssize_t>n:
                raise ValueError(
                    f"keep_words returned {keep.shape[0]} verdicts for {n} words"
                )
        except BaseException as error:
            self.keep_rule_error = error
            return ERR_KEEP_RULE
        return table_keep(&self.table, &keep[0], 0)

    def counts(self):
        """Occurrences of each word, in id order (int64), with max_vocab_size."""
        if not self.table.counting:
            raise ValueError("the Tokenizer counts words only with max_vocab_size")
        cdef int64_t[::1] view
        counts = np.empty(self.table.n_words, dtype=np.int64)
        if self.table.n_words:
            view = counts
            memcpy(&view[0], self.table.counts, self.table.n_words * sizeof(int64_t))
        return counts

    # ---------------------------------------------------------------------------------------
    # Scanning (no Python objects from here to the end of the section)
    # ---------------------------------------------------------------------------------------

    cdef int _emit(self, const uint8_t *p, size_t n) noexcept nogil:
        """Append the id of token p[:n] to the current sentence."""
        cdef uint64_t h = word_hash(p, n)
        cdef size_t slot = table_find(&self.table, p, n, h)
        cdef int32_t wid = self.table.slots[slot].id
        cdef int64_t bad
        cdef int status
        if wid < 0:
            # Not in the table, so never validated (the table's words all were, or came from
            # a str).
            bad = -1 if self.from_str else utf8_error_at(p, n)
            if bad >= 0 and not self.replace_errors:
                self.err_offset = self.lexer.tok_abs + <size_t>bad
                self.err_snippet_len = n if n < SNIPPET_BYTES else SNIPPET_BYTES
                memcpy(self.err_snippet, p, self.err_snippet_len)
                return ERR_UTF8
            if bad >= 0:
                # Look up the repaired word. The invalid bytes never enter the table, so each
                # occurrence is repaired again: invalid text is rare, the table stays exact.
                status = self._repair(p, n, <size_t>bad)
                if status != OK:
                    return status
                p = self.fixbuf
                n = self.fix_len
                h = word_hash(p, n)
                slot = table_find(&self.table, p, n, h)
                wid = self.table.slots[slot].id
            if wid < 0 and not self.frozen:
                status = table_add(&self.table, p, n, h, slot)
                if status != OK:
                    return status
                wid = <int32_t>(self.table.n_words - 1)
        if self.table.counting:
            self.table.counts[wid] += 1
        if reserve(<void **>&self.ids, &self.ids_cap, self.n_ids + 1, sizeof(int32_t)):
            return ERR_NOMEM
        self.ids[self.n_ids] = wid
        self.n_ids += 1
        self.cur_len += 1
        if self.cur_len == self.max_sentence_length:  # an overlong line goes on in a new sentence
            return self._end_sentence()
        return OK

    cdef int _repair(self, const uint8_t *p, size_t n, size_t first_bad) noexcept nogil:
        """Put p[:n], repaired as bytes.decode(errors="replace") does, into fixbuf[:fix_len]."""
        # Each replaced byte grows to at most 3 bytes.
        if n > SIZE_MAX // 3 or reserve(<void **>&self.fixbuf, &self.fix_cap, 3 * n, 1):
            return ERR_NOMEM
        self.fix_len = utf8_repair(p, n, first_bad, self.fixbuf)
        return OK

    cdef int _end_sentence(self) noexcept nogil:
        """Close the current sentence, if it has any token (blank lines yield nothing)."""
        if self.cur_len == 0:
            return OK
        return self._record_sentence()

    cdef int _record_sentence(self) noexcept nogil:
        """Close the current sentence, even an empty one, and bound the table."""
        if reserve(<void **>&self.lens, &self.lens_cap, self.n_lens + 1, sizeof(int64_t)):
            return ERR_NOMEM
        self.lens[self.n_lens] = self.cur_len
        self.n_lens += 1
        self.cur_len = 0
        self.committed = self.n_ids
        return self._bound_vocabulary()

    cdef int _scan(self, const uint8_t *p, size_t n) noexcept nogil:
        """Tokenise one block, continuing from the state the previous block left."""
        cdef size_t i = 0
        cdef const uint8_t *token
        cdef size_t length
        cdef int event
        cdef int status = OK
        while True:
            event = lex_next(&self.lexer, p, n, &i, &token, &length)
            if event == LEX_TOKEN:
                status = self._emit(token, length)
            elif event == LEX_LINE_END:
                if self.lines_are_sentences:
                    status = self._end_sentence()
            elif event == LEX_BLOCK_END:
                return OK
            else:
                return ERR_NOMEM
            if status != OK:
                return status

    cdef int _finish(self) noexcept nogil:
        cdef const uint8_t *token
        cdef size_t length
        cdef int status = OK
        if lex_finish(&self.lexer, &token, &length):
            status = self._emit(token, length)
        if status == OK:
            status = self._end_sentence()
        return status

    # ---------------------------------------------------------------------------------------
    # Python API
    # ---------------------------------------------------------------------------------------

    def feed(self, const unsigned char[::1] data not None):
        """Tokenise the next block of the current file's bytes (any bytes-like object, any size,
        cut anywhere). Tokens and sentences still open at its end continue in the next block."""
        cdef size_t n = data.shape[0]
        cdef int status
        self._check_usable()
        if n == 0:
            return
        self.busy = True
        try:
            if n >= NOGIL_MIN_BYTES:
                with nogil:
                    status = self._scan(&data[0], n)
            else:
                status = self._scan(&data[0], n)
        finally:
            self.busy = False
        self._check(status)

    def finish(self):
        """End the current file: its last token and line are closed (a file need not end with a
        newline) and the next feed() starts a new file. Word ids carry on across files."""
        self._check_usable()
        self._check(self._finish())

    def take(self):
        """Return ``(ids, sentence_lengths)``: int32 ids and int64 lengths of the sentences
        completed since the last take(), then forget them. ``ids`` holds exactly
        ``sentence_lengths.sum()`` ids; the tokens of a sentence still open stay for a later
        take() (all are complete after finish())."""
        cdef int32_t[::1] ids_view
        cdef int64_t[::1] lens_view
        cdef size_t rest
        self._check_idle()
        ids = np.empty(self.committed, dtype=np.int32)
        lengths = np.empty(self.n_lens, dtype=np.int64)
        if self.committed:
            ids_view = ids
            memcpy(&ids_view[0], self.ids, self.committed * sizeof(int32_t))
        if self.n_lens:
            lens_view = lengths
            memcpy(&lens_view[0], self.lens, self.n_lens * sizeof(int64_t))
        rest = self.n_ids - self.committed
        if rest:
            memmove(self.ids, self.ids + self.committed, rest * sizeof(int32_t))
        self.n_ids = rest
        self.committed = 0
        self.n_lens = 0
        shrink(<void **>&self.ids, &self.ids_cap, self.n_ids, sizeof(int32_t))
        shrink(<void **>&self.lens, &self.lens_cap, 0, sizeof(int64_t))
        shrink(<void **>&self.lexer.tokbuf, &self.lexer.tok_cap, self.lexer.tok_len, 1)
        shrink(<void **>&self.fixbuf, &self.fix_cap, 0, 1)
        return ids, lengths

    def feed_words(self, words):
        """Add one sentence given as str tokens (a list or tuple of str, checked by the
        caller), so that a Python corpus is counted and pruned by the same table. The sentence
        is never cut, and an empty one counts as a sentence, as in a Python corpus."""
        cdef bytes word
        cdef int status = OK
        cdef Py_ssize_t cut_at = self.max_sentence_length
        self._check_usable()
        if self.frozen:
            raise ValueError("feed_words numbers new words: give no vocabulary")
        self.from_str = self.busy = True
        self.max_sentence_length = 1 << 62
        try:
            for text in words:
                # surrogatepass: any str encodes, and distinct strs stay distinct.
                word = (<str>text).encode("utf-8", "surrogatepass")
                status = self._emit(<const uint8_t *><const char *>word, len(word))
                if status != OK:
                    break
            if status == OK:
                status = self._record_sentence()
        finally:
            self.from_str = self.busy = False
            self.max_sentence_length = cut_at
        self._check(status)

    def keys(self):
        """The words in id order, as str."""
        self._check_idle()
        return self._keys()

    cdef list _keys(self):
        cdef size_t wid
        cdef const char *arena = <const char *>self.table.arena
        cdef const size_t *offsets = self.table.offsets
        cdef list words = []
        for wid in range(self.table.n_words):
            words.append(arena[offsets[wid]:offsets[wid + 1]].decode("utf-8", "surrogatepass"))
        return words

    def __len__(self):
        """Number of distinct words known (the vocabulary's size when one was given)."""
        return self.table.n_words


def _check_positive(name, value):
    # bool is an Integral, but max_sentence_length=True is surely a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
