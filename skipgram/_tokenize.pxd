# The Tokenizer's state and C methods (skipgram/_tokenize.pyx has the code and the docs).

from libc.stdint cimport int32_t, int64_t, uint8_t

cimport cython

from skipgram._lexer cimport Lexer
from skipgram._word_table cimport WordTable

cdef enum:
    # Longest prefix of a bad token quoted in a decoding error message.
    SNIPPET_BYTES = 40


@cython.final  # cdef methods are then called directly, not through a vtable
cdef class Tokenizer:
    cdef WordTable table
    cdef bint frozen            # a vocabulary was given: the table never grows

    # max_vocab_size pruning (-1: none), see the class docstring.
    cdef int64_t max_vocab_size
    cdef int64_t prune_threshold
    cdef object keep_words
    cdef bint has_keep_rule
    cdef object keep_rule_error
    #: How many times the table was pruned.
    cdef readonly Py_ssize_t prunes

    # Output since the last take(). ids[:committed] belong to completed sentences, whose
    # lengths are lens[:n_lens]; ids[committed:n_ids] are the current, unfinished sentence.
    cdef int32_t *ids
    cdef size_t n_ids, ids_cap, committed
    cdef int64_t *lens
    cdef size_t n_lens, lens_cap
    cdef int64_t cur_len

    #: Tokens per sentence; longer lines are cut into several sentences.
    cdef readonly Py_ssize_t max_sentence_length
    #: Whether a line end ends a sentence (LineSentence) or is whitespace (text8).
    cdef readonly bint lines_are_sentences

    # Where the lexer stands in the current file, carried from one feed() to the next.
    cdef Lexer lexer
    cdef bint from_str          # feed_words() is running: its words need no UTF-8 check

    # errors="replace": an invalid token's repaired bytes (see _repair).
    cdef bint replace_errors
    cdef uint8_t *fixbuf
    cdef size_t fix_len, fix_cap

    cdef bint busy              # a call is running (possibly without the GIL)
    cdef bint broken            # an error left the state inconsistent
    cdef size_t err_offset
    cdef uint8_t err_snippet[SNIPPET_BYTES]
    cdef size_t err_snippet_len

    cdef void _load_vocabulary(self, list words) except *
    cdef void _release(self) noexcept
    cdef void _check_idle(self) except *
    cdef void _check_usable(self) except *
    cdef void _check(self, int status) except *
    cdef int _bound_vocabulary(self) noexcept nogil
    cdef int _prune_by_rule(self) noexcept
    cdef int _emit(self, const uint8_t *p, size_t n) noexcept nogil
    cdef int _repair(self, const uint8_t *p, size_t n, size_t first_bad) noexcept nogil
    cdef int _end_sentence(self) noexcept nogil
    cdef int _record_sentence(self) noexcept nogil
    cdef int _scan(self, const uint8_t *p, size_t n) noexcept nogil
    cdef int _finish(self) noexcept nogil
    cdef list _keys(self)
