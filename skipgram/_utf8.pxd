# What the tokenizer needs to know about UTF-8: which multi-byte sequences are whitespace to
# str.split() (for the lexer, skipgram/_lexer.pxd), which sequences Python's UTF-8 codec
# accepts, and how its "replace" handler repairs the others (for skipgram/_tokenize.pyx).
# Inline functions, compiled into the tokenizer.

from libc.stdint cimport int64_t, uint8_t
from libc.string cimport memcpy


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


cdef inline size_t utf8_repair(const uint8_t *p, size_t n, size_t first_bad,
                               uint8_t *out) noexcept nogil:
    """Write p[:n] to out (room for 3 * n bytes) with each maximal invalid subpart, the first
    at p[first_bad], replaced by U+FFFD (EF BF BD), as bytes.decode(errors="replace") does.
    Returns the bytes written."""
    cdef size_t i = first_bad
    cdef size_t written = first_bad
    cdef Py_ssize_t length
    memcpy(out, p, first_bad)
    while i < n:
        length = utf8_sequence(p + i, n - i)
        if length > 0:
            memcpy(out + written, p + i, <size_t>length)
            written += <size_t>length
            i += <size_t>length
        else:
            out[written] = 0xEF
            out[written + 1] = 0xBF
            out[written + 2] = 0xBD
            written += 3
            i += <size_t>(-length)
    return written
