# Growable malloc'd arrays, shared by the tokenizer (_tokenize.pyx), its lexer (_lexer.pxd)
# and its word table (_word_table.pxd): doubling on growth (amortised O(1) appends), giving
# memory back once a buffer that grew large is mostly empty.

from libc.stdint cimport SIZE_MAX
from libc.stdlib cimport realloc

cdef enum:
    # shrink() gives back buffers grown past this (in bytes) once they are mostly empty, so
    # that one huge feed does not pin its peak memory for the life of the tokenizer.
    SHRINK_ABOVE_BYTES = 1 << 24


cdef inline int reserve(void **buf, size_t *cap, size_t need, size_t item) noexcept nogil:
    """Grow the malloc'd array *buf of *cap items of `item` bytes to hold at least `need` items,
    by doubling. 0 on success, -1 if out of memory (buffer unchanged)."""
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


cdef inline void shrink(void **buf, size_t *cap, size_t used, size_t item) noexcept nogil:
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
