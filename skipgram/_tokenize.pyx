# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""UTF-8 text bytes to int32 word ids and sentence lengths, at C speed.

`Tokenizer` gives exactly the sentences that `skipgram.corpus.LineSentence(path)` gives with
encoding utf-8 and errors "strict" (the default) or "replace", with every word replaced by an
id, but it never makes a Python object per token: bytes go in, numpy arrays come out.

How LineSentence's semantics map to bytes:
    lines       Python's universal newlines end a line at "\\n", "\\r" or "\\r\\n". Ending a line
                at both bytes of "\\r\\n" only adds an empty line in between, and empty lines yield
                nothing, so "\\r" and "\\n" are simply both line ends; no state is needed for a
                "\\r\\n" cut by a block boundary.
    tokens      str.split() separates at every character whose str.isspace() is true. In UTF-8
                those are the ASCII bytes \\t \\n \\x0b \\x0c \\r \\x1c-\\x1f and space, and the
                sequences of U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
                U+205F and U+3000. UTF-8 lead and continuation bytes are disjoint, so in valid
                text such a sequence can only match at a character boundary. Of these only
                \\n and \\r end a line: file iteration, unlike str.splitlines(), does not break at
                U+0085, U+2028, U+2029, \\x0b, \\x0c or \\x1c-\\x1e.
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
"""

import numbers

import numpy as np

cimport cython
from libc.stdint cimport INT32_MAX, SIZE_MAX, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcmp, memcpy, memmove, memset

# splitmix64's constants and finaliser, shared with the kernels (skipgram/_rng.h).
from skipgram._c_helpers cimport (
    SG_SPLITMIX_GAMMA,
    SG_SPLITMIX_MUL1,
    SG_SPLITMIX_MUL2,
    sg_splitmix64_mix,
)


# Byte classes for the scanning loop. Everything that is not one of the special bytes below is
# part of a token, including every byte of a multi-byte character that cannot start a separator,
# so the inner loop over a token's bytes is one table lookup per byte.
cdef enum:
    WORD = 0       # part of a token
    SPACE = 1      # ASCII whitespace that is not a line end
    NEWLINE = 2    # "\n" or "\r": ends the token and the line
    LEAD = 3       # C2, E1, E2, E3: first byte of every multi-byte whitespace character

# Status codes of the nogil functions; the caller turns them into exceptions with the GIL held.
cdef enum:
    OK = 0
    ERR_NOMEM = 1
    ERR_UTF8 = 2
    ERR_TOO_MANY = 3

# Feeds at least this large release the GIL; for tiny ones releasing it costs more than it saves.
cdef size_t NOGIL_MIN_BYTES = 1 << 14
# take() gives back buffers grown past this (in bytes) once they are mostly empty, so that one
# huge feed does not pin its peak memory for the life of the tokenizer.
cdef size_t SHRINK_ABOVE_BYTES = 1 << 24
cdef size_t MIN_SLOTS = 1 << 10
# Longest prefix of a bad token quoted in a decoding error message.
cdef enum:
    SNIPPET_BYTES = 40

cdef uint8_t BYTE_CLASS[256]


cdef void _init_byte_classes() noexcept:
    cdef int b
    for b in range(256):
        BYTE_CLASS[b] = WORD
    for b in (0x09, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x1F, 0x20):
        BYTE_CLASS[b] = SPACE
    BYTE_CLASS[0x0A] = NEWLINE
    BYTE_CLASS[0x0D] = NEWLINE
    for b in (0xC2, 0xE1, 0xE2, 0xE3):
        BYTE_CLASS[b] = LEAD


_init_byte_classes()


cdef enum:
    # Words of at most this many bytes (most words, in most languages) are kept in their slot.
    INLINE_BYTES = 8
    # The low bits of a slot's tag hold min(length, LENGTH_CAP).
    LENGTH_BITS = 4
    LENGTH_CAP = (1 << LENGTH_BITS) - 1


cdef struct Slot:
    # One entry of the open-addressing table, 16 bytes. A lookup is bound by cache misses, so a
    # slot holds what decides a match: the tag (high hash bits with the word's length, exact up
    # to LENGTH_CAP - 1, in its low bits) rejects other words without touching their bytes, and
    # a short word's bytes are the key itself, so looking one up costs a single cache miss.
    uint32_t tag
    int32_t id      # -1: empty
    uint64_t key    # length <= INLINE_BYTES: the bytes (see load_short); else offset in the arena


cdef struct WordKey:
    # What a lookup needs about a token, computed once.
    uint64_t hash   # low bits: slot index; high bits: tag
    uint64_t key    # the bytes themselves if the word is short (see load_short), else 0
    uint32_t tag


cdef inline int separator_length(const uint8_t *p, size_t avail) noexcept nogil:
    """Length of the multi-byte whitespace sequence starting at p (whose first byte is a LEAD
    byte), 0 if p does not start one, or -1 if the `avail` bytes present are a proper prefix of
    one and the next block must decide."""
    cdef uint8_t b0 = p[0]
    cdef uint8_t b1, b2
    if b0 == 0xC2:  # U+0085, U+00A0
        if avail < 2:
            return -1
        return 2 if p[1] == 0x85 or p[1] == 0xA0 else 0
    if avail < 2:
        return -1
    b1 = p[1]
    # Rule out the second byte first: most E2 characters (dashes, quotes, ...) fail here.
    if b0 == 0xE1:
        if b1 != 0x9A:
            return 0
    elif b0 == 0xE2:
        if b1 != 0x80 and b1 != 0x81:
            return 0
    elif b1 != 0x80:  # E3
        return 0
    if avail < 3:
        return -1
    b2 = p[2]
    if b0 == 0xE1:  # U+1680
        return 3 if b2 == 0x80 else 0
    if b0 == 0xE3:  # U+3000
        return 3 if b2 == 0x80 else 0
    if b1 == 0x81:  # U+205F
        return 3 if b2 == 0x9F else 0
    # U+2000-U+200A, U+2028, U+2029, U+202F. The lower bound matters for invalid input only:
    # E2 80 followed by, say, a space must stay token bytes, so that decoding fails on them.
    if 0x80 <= b2 <= 0x8A or b2 == 0xA8 or b2 == 0xA9 or b2 == 0xAF:
        return 3
    return 0


cdef inline Py_ssize_t utf8_sequence(const uint8_t *p, size_t n) noexcept nogil:
    """Length of the UTF-8 sequence at the start of p[:n] (n >= 1) if Python's UTF-8 codec
    accepts it; otherwise minus the length of its maximal invalid subpart (stray continuation
    byte, overlong form, surrogate, above U+10FFFF, truncated), which that codec's "replace"
    handler turns into one U+FFFD."""
    cdef size_t need, k
    cdef uint8_t b = p[0]
    cdef uint8_t lo, hi
    if b < 0x80:
        return 1
    if b < 0xC2:  # continuation byte, or C0/C1 (always overlong)
        return -1
    elif b < 0xE0:
        need = 1
        lo = 0x80
        hi = 0xBF
    elif b < 0xF0:
        need = 2
        lo = 0xA0 if b == 0xE0 else 0x80  # E0 80..9F would be overlong
        hi = 0x9F if b == 0xED else 0xBF  # ED A0..BF would be a surrogate
    elif b < 0xF5:
        need = 3
        lo = 0x90 if b == 0xF0 else 0x80  # F0 80..8F would be overlong
        hi = 0x8F if b == 0xF4 else 0xBF  # F4 90.. would be above U+10FFFF
    else:
        return -1
    if n < 2 or p[1] < lo or p[1] > hi:
        return -1
    for k in range(2, need + 1):
        if k >= n or (p[k] & 0xC0) != 0x80:
            return -<Py_ssize_t>k
    return <Py_ssize_t>need + 1


cdef inline int64_t utf8_error_at(const uint8_t *p, size_t n) noexcept nogil:
    """Index of the first byte of the first sequence in p[:n] that Python's strict UTF-8 codec
    rejects, or -1 if there is none."""
    cdef size_t i = 0
    cdef Py_ssize_t length
    while i < n:
        length = utf8_sequence(p + i, n - i)
        if length < 0:
            return <int64_t>i
        i += <size_t>length
    return -1


cdef inline uint64_t load32(const uint8_t *p) noexcept nogil:
    # Assembled byte by byte so the value does not depend on the machine's byte order; compilers
    # turn this into a single load on little-endian machines.
    return (<uint64_t>p[0] | (<uint64_t>p[1] << 8) | (<uint64_t>p[2] << 16)
            | (<uint64_t>p[3] << 24))


cdef inline uint64_t load_short(const uint8_t *p, size_t n) noexcept nogil:
    """p[:n], n <= 8, as an integer: byte k in bits 8k..8k+7, zeros above. For equal n, equal
    keys mean equal bytes. Two overlapping 4-byte loads (or three single bytes for n < 4)
    instead of a loop or a variable-length memcpy; overlapping bytes land on the same bits."""
    if n >= 4:
        return load32(p) | (load32(p + n - 4) << (8 * (n - 4)))
    if n == 0:
        return 0
    return (<uint64_t>p[0] | (<uint64_t>p[n >> 1] << (8 * (n >> 1)))
            | (<uint64_t>p[n - 1] << (8 * (n - 1))))


cdef inline WordKey word_key(const uint8_t *p, size_t n) noexcept nogil:
    """Hash, inline key and tag of the word p[:n]."""
    cdef WordKey k
    cdef uint64_t h = SG_SPLITMIX_GAMMA ^ (<uint64_t>n * SG_SPLITMIX_MUL2)
    cdef uint64_t w = 0
    cdef size_t rest = n
    if n <= INLINE_BYTES:
        k.key = load_short(p, n)
        # For a given length, a bijection of the bytes: no collisions.
        h = sg_splitmix64_mix(h ^ k.key)
    else:
        # A multiply-xorshift step per 8-byte word (memcpy: any alignment), the last word
        # overlapping the one before, so no byte-by-byte tail is needed.
        k.key = 0
        while rest > 8:
            memcpy(&w, p, 8)
            h = (h ^ w) * SG_SPLITMIX_MUL1
            h ^= h >> 29
            p += 8
            rest -= 8
        memcpy(&w, p + rest - 8, 8)
        h = sg_splitmix64_mix((h ^ w) * SG_SPLITMIX_MUL1)
    k.hash = h
    k.tag = ((<uint32_t>(h >> 32) >> LENGTH_BITS) << LENGTH_BITS) | <uint32_t>(
        n if n < LENGTH_CAP else LENGTH_CAP)
    return k


cdef int reserve(void **buf, size_t *cap, size_t need, size_t item) noexcept nogil:
    """Grow the malloc'd array *buf of *cap items of `item` bytes to hold at least `need` items,
    by doubling (amortised O(1) appends). 0 on success, -1 if out of memory (buffer unchanged)."""
    cdef size_t new_cap
    cdef void *grown
    if need <= cap[0]:
        return 0
    new_cap = cap[0] if cap[0] else 64
    while new_cap < need:
        if new_cap > SIZE_MAX // 2:
            return -1
        new_cap *= 2
    if new_cap > SIZE_MAX // item:
        return -1
    grown = realloc(buf[0], new_cap * item)
    if grown == NULL:
        return -1
    buf[0] = grown
    cap[0] = new_cap
    return 0


cdef void shrink(void **buf, size_t *cap, size_t used, size_t item) noexcept nogil:
    """Give back most of a buffer that has grown large but is now mostly empty."""
    cdef size_t new_cap
    cdef void *smaller
    if cap[0] * item <= SHRINK_ABOVE_BYTES or used > cap[0] // 4:
        return
    new_cap = 64
    while new_cap < 2 * used:
        new_cap *= 2
    smaller = realloc(buf[0], new_cap * item)
    if smaller != NULL:  # on failure the old, larger buffer simply stays
        buf[0] = smaller
        cap[0] = new_cap


@cython.final  # cdef methods are then called directly, not through a vtable
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

    With ``errors="strict"`` (the default), invalid UTF-8 raises ValueError naming the byte
    offset in the current file, and the tokenizer cannot be used afterwards. With
    ``errors="replace"`` each maximal invalid subpart of a token becomes U+FFFD, as Python's
    decoder does. One thread at a time: concurrent calls raise RuntimeError.
    """

    # Word table: open addressing with linear probing over `slots` (a power of two in size,
    # at most 5/8 full). Word i's bytes are arena[offs[i]:offs[i + 1]], its hash hashes[i].
    cdef Slot *slots
    cdef size_t mask
    cdef size_t n_words
    cdef uint8_t *arena
    cdef size_t arena_len, arena_cap
    cdef size_t *offs
    cdef size_t offs_cap
    cdef uint64_t *hashes
    cdef size_t hashes_cap
    cdef bint frozen

    # Output since the last take(). ids[:committed] belong to completed sentences, whose
    # lengths are lens[:n_lens]; ids[committed:n_ids] are the current, unfinished sentence.
    cdef int32_t *ids
    cdef size_t n_ids, ids_cap, committed
    cdef int64_t *lens
    cdef size_t n_lens, lens_cap
    cdef int64_t cur_len

    #: Tokens per sentence; longer lines are cut into several sentences.
    cdef readonly Py_ssize_t max_sentence_length

    # Scanning state carried from one feed() to the next. A token still open at the end of a
    # block has its bytes so far copied to tokbuf (tok_len > 0 exactly when one is carried).
    # pend holds the 1-2 bytes at the end of the last block that may begin a multi-byte
    # separator; they are also in tokbuf, tentatively, as token bytes.
    cdef bint in_token
    cdef uint8_t *tokbuf
    cdef size_t tok_len, tok_cap
    cdef uint8_t pend[3]
    cdef size_t n_pend
    cdef size_t file_pos        # bytes of the current file fed before the current block
    cdef size_t tok_abs         # offset in the current file where the open token starts

    # errors="replace": an invalid token's repaired bytes (see _repair).
    cdef bint replace_errors
    cdef uint8_t *fixbuf
    cdef size_t fix_len, fix_cap

    cdef bint busy              # a call is running (possibly without the GIL)
    cdef bint broken            # a decoding error left the state inconsistent
    cdef size_t err_offset
    cdef uint8_t err_snippet[SNIPPET_BYTES]
    cdef size_t err_snippet_len

    def __cinit__(self, *args, **kwargs):
        # Everything starts NULL/0 (Cython zeroes the object), so __dealloc__ is always safe.
        pass

    def __init__(self, vocabulary=None, max_sentence_length=10000, errors="strict"):
        """``vocabulary``: None to number words as they appear, or a sequence of distinct str
        (word ``vocabulary[i]`` gets id ``i``; unknown words -1). ``max_sentence_length``: a
        positive int. ``errors``: "strict" or "replace", as for ``bytes.decode``."""
        cdef size_t slots_wanted
        cdef list words = None
        self._check_idle()
        # bool is an Integral, but max_sentence_length=True is surely a mistake.
        if (
            isinstance(max_sentence_length, bool)
            or not isinstance(max_sentence_length, numbers.Integral)
            or max_sentence_length <= 0
        ):
            raise ValueError(
                f"max_sentence_length must be a positive int, got {max_sentence_length!r}"
            )
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
        self.frozen = words is not None
        self.replace_errors = errors == "replace"
        slots_wanted = MIN_SLOTS
        if words is not None:
            while slots_wanted * 5 < <size_t>len(words) * 8:
                slots_wanted *= 2
        self._allocate(slots_wanted)
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
        cdef size_t idx
        cdef WordKey wk
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
            wk = word_key(wp, len(word))
            idx = self._probe(wp, len(word), &wk)
            if self.slots[idx].id >= 0:
                raise ValueError(
                    f"vocabulary has the word {text!r:.40} twice, at positions "
                    f"{self.slots[idx].id} and {i}"
                )
            self._check(self._add(wp, len(word), &wk, idx))

    def __dealloc__(self):
        self._release()

    cdef void _release(self) noexcept:
        """Free every buffer and zero the state (also used by __init__, which may run twice)."""
        free(self.slots)
        free(self.arena)
        free(self.offs)
        free(self.hashes)
        free(self.ids)
        free(self.lens)
        free(self.tokbuf)
        free(self.fixbuf)
        self.fixbuf = NULL
        self.fix_len = self.fix_cap = 0
        self.slots = NULL
        self.arena = NULL
        self.offs = NULL
        self.hashes = NULL
        self.ids = NULL
        self.lens = NULL
        self.tokbuf = NULL
        self.mask = self.n_words = self.arena_len = self.arena_cap = 0
        self.offs_cap = self.hashes_cap = 0
        self.n_ids = self.ids_cap = self.committed = 0
        self.n_lens = self.lens_cap = 0
        self.cur_len = 0
        self.in_token = False
        self.tok_len = self.tok_cap = self.n_pend = 0
        self.file_pos = self.tok_abs = 0
        self.broken = False

    cdef void _allocate(self, size_t n_slots) except *:
        self.slots = <Slot *>malloc(n_slots * sizeof(Slot))
        if self.slots == NULL or reserve(<void **>&self.offs, &self.offs_cap, 1, sizeof(size_t)):
            raise MemoryError()
        memset(self.slots, 0xFF, n_slots * sizeof(Slot))  # all ones: id -1, every slot empty
        self.mask = n_slots - 1
        self.offs[0] = 0

    cdef void _check_idle(self) except *:
        if self.busy:
            raise RuntimeError("Tokenizer is in use by another thread; use one per thread")

    cdef void _check_usable(self) except *:
        self._check_idle()
        if self.slots == NULL:
            raise RuntimeError("Tokenizer.__init__ was not called")
        if self.broken:
            raise ValueError("this Tokenizer stopped at a decoding error; start a new one")

    cdef void _check(self, int status) except *:
        """Raise the exception for a status code of the nogil functions."""
        cdef bytes snippet
        if status == OK:
            return
        if status == ERR_NOMEM:
            self.broken = True
            raise MemoryError()
        if status == ERR_TOO_MANY:
            self.broken = True
            raise OverflowError(f"more than {INT32_MAX} distinct words do not fit int32 ids")
        self.broken = True
        snippet = (<const char *>self.err_snippet)[:self.err_snippet_len]
        raise ValueError(
            f"cannot decode the input as utf-8 at byte {self.err_offset} of the current file: "
            f"invalid sequence in the token starting {snippet!r}"
        )

    # ---------------------------------------------------------------------------------------
    # Word table
    # ---------------------------------------------------------------------------------------

    cdef inline size_t _probe(self, const uint8_t *p, size_t n, const WordKey *wk) noexcept nogil:
        """Slot of the word p[:n], or the empty slot where it would go."""
        cdef size_t idx = <size_t>wk.hash & self.mask
        cdef Slot *slot
        while True:
            slot = &self.slots[idx]
            if slot.id < 0:
                return idx
            if slot.tag == wk.tag:  # from here on, almost surely the word
                if n <= INLINE_BYTES:
                    # The tag holds the exact length, so equal keys mean equal words.
                    if slot.key == wk.key:
                        return idx
                elif (
                    (n < LENGTH_CAP or self.offs[slot.id + 1] - self.offs[slot.id] == n)
                    and memcmp(self.arena + slot.key, p, n) == 0
                ):
                    return idx
            idx = (idx + 1) & self.mask

    cdef int _rehash(self, size_t n_slots) noexcept nogil:
        """Move every slot into a new table of n_slots slots, placed by the stored full hashes
        (the words' bytes are not read again)."""
        cdef Slot *table = <Slot *>malloc(n_slots * sizeof(Slot))
        cdef size_t mask = n_slots - 1
        cdef size_t old, idx
        if table == NULL:
            return ERR_NOMEM
        memset(table, 0xFF, n_slots * sizeof(Slot))
        for old in range(self.mask + 1):
            if self.slots[old].id < 0:
                continue
            idx = <size_t>self.hashes[self.slots[old].id] & mask
            while table[idx].id >= 0:
                idx = (idx + 1) & mask
            table[idx] = self.slots[old]
        free(self.slots)
        self.slots = table
        self.mask = mask
        return OK

    cdef int _add(self, const uint8_t *p, size_t n, const WordKey *wk, size_t idx) noexcept nogil:
        """Give the word p[:n], absent from the table, the next id; idx is from _probe."""
        cdef size_t wid = self.n_words
        if wid >= <size_t>INT32_MAX:
            return ERR_TOO_MANY
        if (wid + 1) * 8 > (self.mask + 1) * 5:  # keep the load at most 5/8: short probes
            if self.mask + 1 > SIZE_MAX // (2 * sizeof(Slot)) or self._rehash(2 * (self.mask + 1)):
                return ERR_NOMEM
            idx = self._probe(p, n, wk)
        if (
            reserve(<void **>&self.arena, &self.arena_cap, self.arena_len + n, 1)
            or reserve(<void **>&self.offs, &self.offs_cap, wid + 2, sizeof(size_t))
            or reserve(<void **>&self.hashes, &self.hashes_cap, wid + 1, sizeof(uint64_t))
        ):
            return ERR_NOMEM
        # Every word is in the arena, short ones too: keys() reads them all from there.
        self.slots[idx].key = wk.key if n <= INLINE_BYTES else self.arena_len
        memcpy(self.arena + self.arena_len, p, n)
        self.arena_len += n
        self.offs[wid + 1] = self.arena_len
        self.hashes[wid] = wk.hash
        self.slots[idx].tag = wk.tag
        self.slots[idx].id = <int32_t>wid
        self.n_words = wid + 1
        return OK

    # ---------------------------------------------------------------------------------------
    # Scanning (no Python objects from here to the end of the section)
    # ---------------------------------------------------------------------------------------

    cdef int _emit(self, const uint8_t *p, size_t n) noexcept nogil:
        """Append the id of token p[:n] to the current sentence."""
        cdef WordKey wk = word_key(p, n)
        cdef size_t idx = self._probe(p, n, &wk)
        cdef int32_t wid = self.slots[idx].id
        cdef int64_t bad
        cdef int status
        if wid < 0:
            # Not in the table, so never validated (the table's words all were).
            bad = utf8_error_at(p, n)
            if bad >= 0 and not self.replace_errors:
                self.err_offset = self.tok_abs + <size_t>bad
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
                wk = word_key(p, n)
                idx = self._probe(p, n, &wk)
                wid = self.slots[idx].id
            if wid < 0 and not self.frozen:
                status = self._add(p, n, &wk, idx)
                if status != OK:
                    return status
                wid = <int32_t>(self.n_words - 1)
        if reserve(<void **>&self.ids, &self.ids_cap, self.n_ids + 1, sizeof(int32_t)):
            return ERR_NOMEM
        self.ids[self.n_ids] = wid
        self.n_ids += 1
        self.cur_len += 1
        if self.cur_len == self.max_sentence_length:  # an overlong line goes on in a new sentence
            return self._end_sentence()
        return OK

    cdef int _repair(self, const uint8_t *p, size_t n, size_t first_bad) noexcept nogil:
        """Put p[:n] into fixbuf[:fix_len] with each maximal invalid subpart, the first at
        p[first_bad], replaced by U+FFFD (EF BF BD), as bytes.decode(errors="replace") does."""
        cdef size_t i = first_bad
        cdef size_t out = first_bad
        cdef Py_ssize_t length
        # Each replaced byte grows to at most 3 bytes.
        if n > SIZE_MAX // 3 or reserve(<void **>&self.fixbuf, &self.fix_cap, 3 * n, 1):
            return ERR_NOMEM
        memcpy(self.fixbuf, p, first_bad)
        while i < n:
            length = utf8_sequence(p + i, n - i)
            if length > 0:
                memcpy(self.fixbuf + out, p + i, <size_t>length)
                out += <size_t>length
                i += <size_t>length
            else:
                self.fixbuf[out] = 0xEF
                self.fixbuf[out + 1] = 0xBF
                self.fixbuf[out + 2] = 0xBD
                out += 3
                i += <size_t>(-length)
        self.fix_len = out
        return OK

    cdef int _end_sentence(self) noexcept nogil:
        """Close the current sentence, if it has any token (blank lines yield nothing)."""
        if self.cur_len == 0:
            return OK
        if reserve(<void **>&self.lens, &self.lens_cap, self.n_lens + 1, sizeof(int64_t)):
            return ERR_NOMEM
        self.lens[self.n_lens] = self.cur_len
        self.n_lens += 1
        self.cur_len = 0
        self.committed = self.n_ids
        return OK

    cdef int _carry(self, const uint8_t *p, size_t n) noexcept nogil:
        """Append p[:n] to the open token's bytes kept across blocks."""
        if reserve(<void **>&self.tokbuf, &self.tok_cap, self.tok_len + n, 1):
            return ERR_NOMEM
        memcpy(self.tokbuf + self.tok_len, p, n)
        self.tok_len += n
        return OK

    cdef int _end_token(self, const uint8_t *p, size_t start, size_t end) noexcept nogil:
        """Close the open token, which ends at p[end] and began at p[start] or, if it was
        carried over from earlier blocks, in tokbuf (then start is 0)."""
        cdef int status
        self.in_token = False
        if self.tok_len == 0:
            return self._emit(p + start, end - start) if end > start else OK
        status = self._carry(p, end)
        if status == OK:
            status = self._emit(self.tokbuf, self.tok_len)
        self.tok_len = 0
        return status

    cdef int _resolve_pending(self, const uint8_t *p, size_t n, size_t *consumed) noexcept nogil:
        """Decide, with the first bytes of this block, whether the bytes held in pend begin a
        separator. Sets *consumed to the number of bytes of p used up by the decision."""
        cdef uint8_t window[3]
        cdef size_t held = self.n_pend
        cdef size_t m = n if n < 3 - held else 3 - held
        cdef int k, status
        memcpy(window, self.pend, held)
        memcpy(window + held, p, m)
        k = separator_length(window, held + m)
        if k < 0:
            # Still a proper prefix, so this block (1 byte, or 2 after one held byte) is too.
            memcpy(self.pend + held, p, n)
            self.n_pend = held + n
            consumed[0] = n
            return self._carry(p, n)  # tentatively token bytes, like the held ones
        self.n_pend = 0
        if k == 0:
            # An ordinary character: the held bytes stay in tokbuf and the token goes on.
            consumed[0] = 0
            return OK
        # A separator: take its held bytes back out of the token, which ends before them.
        self.tok_len -= held
        consumed[0] = <size_t>k - held
        self.in_token = False
        status = self._emit(self.tokbuf, self.tok_len) if self.tok_len else OK
        self.tok_len = 0
        return status

    cdef int _scan(self, const uint8_t *p, size_t n) noexcept nogil:
        """Tokenise one block, continuing from the state the previous block left."""
        cdef size_t i = 0
        cdef size_t start = 0  # first byte of the open token in this block (0 if carried over)
        cdef uint8_t cls
        cdef int k
        cdef int status = OK
        if self.n_pend:
            status = self._resolve_pending(p, n, &i)
            if status != OK or self.n_pend:
                self.file_pos += n
                return status
        while i < n:
            cls = BYTE_CLASS[p[i]]
            if cls == WORD:
                if not self.in_token:
                    self.in_token = True
                    start = i
                    self.tok_abs = self.file_pos + i
                i += 1
                while i < n and BYTE_CLASS[p[i]] == WORD:  # the hot loop: a token's bytes
                    i += 1
                continue
            if cls == LEAD:
                k = separator_length(p + i, n - i)
                if k == 0:  # a multi-byte character that is not whitespace: token bytes
                    if not self.in_token:
                        self.in_token = True
                        start = i
                        self.tok_abs = self.file_pos + i
                    i += 1
                    continue
                if k < 0:
                    # The block ends inside what may be a separator. Hold its bytes back as
                    # tentative token bytes (carried below) until the next block decides.
                    if not self.in_token:
                        self.in_token = True
                        start = i
                        self.tok_abs = self.file_pos + i
                    memcpy(self.pend, p + i, n - i)
                    self.n_pend = n - i
                    break
                if self.in_token:
                    status = self._end_token(p, start, i)
                    if status != OK:
                        return status
                i += <size_t>k
                continue
            # SPACE or NEWLINE
            if self.in_token:
                status = self._end_token(p, start, i)
                if status != OK:
                    return status
            if cls == NEWLINE:
                status = self._end_sentence()
                if status != OK:
                    return status
            i += 1
        if self.in_token:  # the token goes on in the next block: keep its bytes
            status = self._carry(p + start, n - start)
        self.file_pos += n
        return status

    cdef int _finish(self) noexcept nogil:
        cdef int status = OK
        # Held bytes that never became a separator are token bytes (and truncated UTF-8).
        self.n_pend = 0
        if self.in_token:  # an open token at this point is always carried, so it is in tokbuf
            self.in_token = False
            if self.tok_len:
                status = self._emit(self.tokbuf, self.tok_len)
            self.tok_len = 0
        if status == OK:
            status = self._end_sentence()
        self.file_pos = 0
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
        shrink(<void **>&self.tokbuf, &self.tok_cap, self.tok_len, 1)
        shrink(<void **>&self.fixbuf, &self.fix_cap, 0, 1)
        return ids, lengths

    def keys(self):
        """The words in id order, as str."""
        cdef size_t wid
        cdef const char *arena = <const char *>self.arena
        cdef list words = []
        self._check_idle()
        for wid in range(self.n_words):
            words.append(arena[self.offs[wid]:self.offs[wid + 1]].decode("utf-8"))
        return words

    def __len__(self):
        """Number of distinct words known (the vocabulary's size when one was given)."""
        return self.n_words
