# The tokenizer's word table (skipgram/_tokenize.pyx): each distinct word's UTF-8 bytes, its id
# (ids 0, 1, 2, ... in order of first appearance) and, when counting, its occurrences.
#
# As in fastText's dictionary, a lookup is linear probing over a hash array: slot i holds a word
# id or -1, and a word's slot is its hash modulo the (power of two) table size, or the next
# free one. The slot also keeps 32 bits of the hash, so that probing past other words mostly
# compares integers and reads no other word's bytes. Inline functions: they compile into the
# module that cimports them, so the tokenizer's per-token lookup is not a call into another
# module.

from libc.stdint cimport INT32_MAX, SIZE_MAX, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcmp, memcpy, memmove, memset

from skipgram._buffers cimport reserve
from skipgram._c_helpers cimport (
    SG_SPLITMIX_GAMMA,
    SG_SPLITMIX_MUL1,
    SG_SPLITMIX_MUL2,
    sg_splitmix64_mix,
)

# Status codes of the table's functions (the tokenizer adds its own after these).
cdef enum:
    OK = 0
    ERR_NOMEM = 1
    ERR_TOO_MANY = 2    # more distinct words than int32 ids


cdef struct Slot:
    uint32_t tag        # the high half of the word's hash
    int32_t id          # -1: empty


cdef struct WordTable:
    Slot *slots         # a power of two in size, at most 5/8 full: probes stay short
    size_t mask         # number of slots - 1
    size_t n_words
    uint8_t *arena      # word i's bytes are arena[offsets[i]:offsets[i + 1]]
    size_t arena_len, arena_cap
    size_t *offsets
    size_t offsets_cap
    int64_t *counts     # occurrences of word i, when counting; NULL otherwise
    size_t counts_cap
    bint counting


cdef inline uint64_t load32(const uint8_t *p) noexcept nogil:
    # Assembled byte by byte so the value does not depend on the machine's byte order; compilers
    # turn this into a single load on little-endian machines.
    return (<uint64_t>p[0] | (<uint64_t>p[1] << 8) | (<uint64_t>p[2] << 16)
            | (<uint64_t>p[3] << 24))


cdef inline uint64_t load_short(const uint8_t *p, size_t n) noexcept nogil:
    """p[:n], n <= 8, as an integer: byte k in bits 8k..8k+7, zeros above. Two overlapping
    4-byte loads (or three single bytes for n < 4) instead of a loop or a variable-length
    memcpy; overlapping bytes land on the same bits."""
    if n >= 4:
        return load32(p) | (load32(p + n - 4) << (8 * (n - 4)))
    if n == 0:
        return 0
    return (<uint64_t>p[0] | (<uint64_t>p[n >> 1] << (8 * (n >> 1)))
            | (<uint64_t>p[n - 1] << (8 * (n - 1))))


cdef inline uint64_t word_hash(const uint8_t *p, size_t n) noexcept nogil:
    """Hash of the word p[:n]; its low bits pick the slot, its high half is the slot's tag."""
    cdef uint64_t h = SG_SPLITMIX_GAMMA ^ (<uint64_t>n * SG_SPLITMIX_MUL2)
    cdef uint64_t w = 0
    if n <= 8:
        # For a given length, a bijection of the bytes: short words never collide.
        return sg_splitmix64_mix(h ^ load_short(p, n))
    # A multiply-xorshift step per 8-byte word (memcpy: any alignment), the last word
    # overlapping the one before, so no byte-by-byte tail is needed.
    while n > 8:
        memcpy(&w, p, 8)
        h = (h ^ w) * SG_SPLITMIX_MUL1
        h ^= h >> 29
        p += 8
        n -= 8
    memcpy(&w, p + n - 8, 8)
    return sg_splitmix64_mix((h ^ w) * SG_SPLITMIX_MUL1)


cdef inline int table_init(WordTable *t, size_t n_slots, bint counting) noexcept nogil:
    """Set up an empty table of n_slots (a power of two) slots. The table must be zeroed or
    freed before."""
    t.slots = <Slot *>malloc(n_slots * sizeof(Slot))
    if t.slots == NULL or reserve(<void **>&t.offsets, &t.offsets_cap, 1, sizeof(size_t)):
        return ERR_NOMEM
    memset(t.slots, 0xFF, n_slots * sizeof(Slot))  # all ones: id -1, every slot empty
    t.mask = n_slots - 1
    t.offsets[0] = 0
    t.counting = counting
    return OK


cdef inline void table_free(WordTable *t) noexcept nogil:
    """Free every buffer and zero the table."""
    free(t.slots)
    free(t.arena)
    free(t.offsets)
    free(t.counts)
    memset(t, 0, sizeof(WordTable))


cdef inline size_t word_length(const WordTable *t, int32_t word) noexcept nogil:
    return t.offsets[word + 1] - t.offsets[word]


cdef inline size_t table_find(const WordTable *t, const uint8_t *p, size_t n,
                              uint64_t h) noexcept nogil:
    """The slot of the word p[:n] (hash h), or the empty slot where it would go."""
    cdef size_t i = <size_t>h & t.mask
    cdef uint32_t tag = <uint32_t>(h >> 32)
    cdef int32_t word
    while True:
        word = t.slots[i].id
        if word < 0 or (
            t.slots[i].tag == tag
            and word_length(t, word) == n
            and memcmp(t.arena + t.offsets[word], p, n) == 0
        ):
            return i
        i = (i + 1) & t.mask


cdef inline void table_place(WordTable *t, int32_t word) noexcept nogil:
    """Put word (already in the arena, absent from the slots) into its slot."""
    cdef const uint8_t *p = t.arena + t.offsets[word]
    cdef uint64_t h = word_hash(p, word_length(t, word))
    cdef size_t i = <size_t>h & t.mask
    while t.slots[i].id >= 0:
        i = (i + 1) & t.mask
    t.slots[i].tag = <uint32_t>(h >> 32)
    t.slots[i].id = word


cdef inline int table_resize(WordTable *t, size_t n_slots) noexcept nogil:
    """Move every word into a new table of n_slots slots (hashing their bytes again: this
    happens log(words) times, and keeps the table free of a stored hash per word)."""
    cdef Slot *slots = <Slot *>malloc(n_slots * sizeof(Slot))
    cdef size_t word
    if slots == NULL:
        return ERR_NOMEM
    memset(slots, 0xFF, n_slots * sizeof(Slot))
    free(t.slots)
    t.slots = slots
    t.mask = n_slots - 1
    for word in range(t.n_words):
        table_place(t, <int32_t>word)
    return OK


cdef inline int table_add(WordTable *t, const uint8_t *p, size_t n, uint64_t h,
                          size_t slot) noexcept nogil:
    """Give the word p[:n] (hash h), absent from the table, the next id; `slot` is from
    table_find. Its id is then n_words - 1."""
    cdef size_t word = t.n_words
    if word >= <size_t>INT32_MAX:
        return ERR_TOO_MANY
    if (
        reserve(<void **>&t.arena, &t.arena_cap, t.arena_len + n, 1)
        or reserve(<void **>&t.offsets, &t.offsets_cap, word + 2, sizeof(size_t))
        or (t.counting and reserve(<void **>&t.counts, &t.counts_cap, word + 1, sizeof(int64_t)))
    ):
        return ERR_NOMEM
    memcpy(t.arena + t.arena_len, p, n)
    t.arena_len += n
    t.offsets[word + 1] = t.arena_len
    if t.counting:
        t.counts[word] = 0
    t.slots[slot].tag = <uint32_t>(h >> 32)
    t.slots[slot].id = <int32_t>word
    t.n_words = word + 1
    if t.n_words * 8 > (t.mask + 1) * 5:  # keep the load at most 5/8
        if t.mask + 1 > SIZE_MAX // (2 * sizeof(Slot)):
            return ERR_NOMEM
        return table_resize(t, 2 * (t.mask + 1))
    return OK


cdef inline int table_keep(WordTable *t, const uint8_t *keep, int64_t min_count) noexcept nogil:
    """Keep only the words with keep[i] != 0 (or, with keep NULL, counted at least min_count
    times), in their order: the survivors get ids 0, 1, 2, ... and later words come after."""
    cdef size_t word, kept = 0, start = 0, end, length, out = 0
    for word in range(t.n_words):
        end = t.offsets[word + 1]  # read before the compaction can overwrite it
        if (keep[word] != 0) if keep != NULL else (t.counts[word] >= min_count):
            length = end - start
            memmove(t.arena + out, t.arena + start, length)
            out += length
            t.offsets[kept + 1] = out
            if t.counting:
                t.counts[kept] = t.counts[word]
            kept += 1
        start = end
    t.n_words = kept
    t.arena_len = out
    memset(t.slots, 0xFF, (t.mask + 1) * sizeof(Slot))
    for word in range(kept):
        table_place(t, <int32_t>word)
    return OK
