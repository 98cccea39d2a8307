# The lexer of the tokenizer (skipgram/_tokenize.pyx): UTF-8 bytes, fed in blocks cut anywhere
# (inside a token, a multi-byte character or a "\r\n"), to tokens and line ends, exactly where
# str.split() and Python's file iteration put them. Inline functions, compiled into the
# tokenizer; tests/test_lexer_oracle.py checks them against str.split() on arbitrary text.
#
#   tokens      str.split() separates at every character whose str.isspace() is true. In UTF-8
#               those are the ASCII bytes \t \n \x0b \x0c \r \x1c-\x1f and space, and the
#               sequences of U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
#               U+205F and U+3000 (_utf8.pxd's separator_length). UTF-8 lead and continuation
#               bytes are disjoint, so in valid text such a sequence can only match at a
#               character boundary.
#   lines       Python's universal newlines end a line at "\n", "\r" or "\r\n". Ending a line at
#               both bytes of "\r\n" only adds an empty line in between, and empty lines yield
#               nothing, so "\r" and "\n" are simply both line ends; no state is needed for a
#               "\r\n" cut by a block boundary. Of the separators only \n and \r end a line:
#               file iteration, unlike str.splitlines(), does not break at U+0085, U+2028,
#               U+2029, \x0b, \x0c or \x1c-\x1e.
#
# The lexer only finds where tokens are; it never decodes them (the tokenizer checks a token's
# UTF-8 when it first meets the word).

from libc.stdint cimport uint8_t
from libc.stdlib cimport free
from libc.string cimport memcpy

from skipgram._buffers cimport reserve
from skipgram._utf8 cimport separator_length

cdef enum:
    # What lex_next stopped at.
    LEX_BLOCK_END = 0  # the block is used up; an open token's bytes are kept for the next one
    LEX_TOKEN = 1      # a token ends: its bytes are *token[:*token_len]
    LEX_LINE_END = 2   # a "\n" or "\r"
    LEX_NOMEM = 3      # no memory to keep an open token's bytes
    LEX_CONTINUE = 4   # between the functions below only: nothing to report, scanning goes on


cdef struct Lexer:
    # Scanning state carried from one block to the next. A token still open at the end of a
    # block has its bytes so far copied to tokbuf (tok_len > 0 exactly when one is carried).
    # pend holds the 1-2 bytes at the end of the last block that may begin a multi-byte
    # separator; they are also in tokbuf, tentatively, as token bytes.
    bint in_token
    size_t start           # first byte of the open token in this block (0 if carried over)
    uint8_t *tokbuf
    size_t tok_len
    size_t tok_cap
    uint8_t pend[3]
    size_t n_pend
    size_t file_pos        # bytes of the current file fed before the current block
    size_t tok_abs         # offset in the current file where the open token starts


cdef inline void lexer_free(Lexer *lx) noexcept nogil:
    """Free the carried bytes and zero the state (a zeroed Lexer is a fresh one)."""
    free(lx.tokbuf)
    lx.tokbuf = NULL
    lx.tok_len = lx.tok_cap = lx.n_pend = 0
    lx.in_token = False
    lx.start = lx.file_pos = lx.tok_abs = 0


cdef inline bint is_token_byte(uint8_t b) noexcept nogil:
    """Whether byte b is part of a token whatever follows it: neither ASCII whitespace nor C2,
    E1, E2 or E3, the first bytes of every multi-byte whitespace character. The hot loop runs
    this over every byte of a token."""
    if b > 0x20:
        return b != 0xC2 and not (0xE1 <= b <= 0xE3)
    return b < 0x09 or 0x0E <= b <= 0x1B


cdef inline int lex_carry(Lexer *lx, const uint8_t *p, size_t n) noexcept nogil:
    """Append p[:n] to the open token's bytes kept across blocks (0, or -1: no memory)."""
    if reserve(<void **>&lx.tokbuf, &lx.tok_cap, lx.tok_len + n, 1):
        return -1
    memcpy(lx.tokbuf + lx.tok_len, p, n)
    lx.tok_len += n
    return 0


cdef inline void lex_begin_token(Lexer *lx, size_t i) noexcept nogil:
    if not lx.in_token:
        lx.in_token = True
        lx.start = i
        lx.tok_abs = lx.file_pos + i


cdef inline int lex_end_token(
    Lexer *lx, const uint8_t *p, size_t end, const uint8_t **token, size_t *token_len
) noexcept nogil:
    """Close the open token, which ends at p[end] and began at p[start] or, if it was carried
    over from earlier blocks, in tokbuf. LEX_TOKEN, LEX_CONTINUE for an empty token, or
    LEX_NOMEM."""
    lx.in_token = False
    if lx.tok_len == 0:
        token[0] = p + lx.start
        token_len[0] = end - lx.start
        return LEX_TOKEN if end > lx.start else LEX_CONTINUE
    if lex_carry(lx, p, end):
        return LEX_NOMEM
    # tokbuf stays as it is until the next carry, after the caller has used the token.
    token[0] = lx.tokbuf
    token_len[0] = lx.tok_len
    lx.tok_len = 0
    return LEX_TOKEN


cdef inline int lex_resolve_pending(
    Lexer *lx, const uint8_t *p, size_t n, size_t *pos, const uint8_t **token,
    size_t *token_len
) noexcept nogil:
    """Decide, with the first bytes of a new block, whether the bytes held in pend begin a
    separator; *pos is set past the bytes of p the decision used up. LEX_BLOCK_END if the
    block is still a proper prefix of one (all of it is held), LEX_TOKEN if a separator ended
    a carried token, LEX_CONTINUE if scanning goes on, or LEX_NOMEM."""
    cdef uint8_t window[3]
    cdef size_t held = lx.n_pend
    cdef size_t m = n if n < 3 - held else 3 - held
    cdef int k
    memcpy(window, lx.pend, held)
    memcpy(window + held, p, m)
    k = separator_length(window, held + m)
    if k < 0:
        # Still a proper prefix, so this block (1 byte, or 2 after one held byte) is too.
        memcpy(lx.pend + held, p, n)
        lx.n_pend = held + n
        pos[0] = n
        lx.file_pos += n
        # Tentatively token bytes, like the held ones.
        return LEX_NOMEM if lex_carry(lx, p, n) else LEX_BLOCK_END
    lx.n_pend = 0
    if k == 0:
        # An ordinary character: the held bytes stay in tokbuf and the token goes on.
        lx.start = 0
        pos[0] = 0
        return LEX_CONTINUE
    # A separator: take its held bytes back out of the token, which ends before them.
    lx.tok_len -= held
    pos[0] = <size_t>k - held
    lx.in_token = False
    if lx.tok_len == 0:
        return LEX_CONTINUE
    token[0] = lx.tokbuf
    token_len[0] = lx.tok_len
    lx.tok_len = 0
    return LEX_TOKEN


cdef inline int lex_next(
    Lexer *lx, const uint8_t *p, size_t n, size_t *pos, const uint8_t **token,
    size_t *token_len
) noexcept nogil:
    """Scan the block p[:n] from *pos, continuing from the state the previous block left, up
    to the next token end or line end (LEX_TOKEN, LEX_LINE_END; *pos is then where to go on)
    or the end of the block (LEX_BLOCK_END: call again with the next block, from 0)."""
    cdef size_t i = pos[0]
    cdef uint8_t b
    cdef int k, event
    if lx.n_pend:  # only ever at the start of a block
        event = lex_resolve_pending(lx, p, n, &i, token, token_len)
        if event != LEX_CONTINUE:
            pos[0] = i
            return event
    while i < n:
        b = p[i]
        if is_token_byte(b):
            lex_begin_token(lx, i)
            i += 1
            while i < n and is_token_byte(p[i]):  # the hot loop: a token's bytes
                i += 1
            continue
        if b >= 0x80:  # C2, E1, E2, E3: maybe the first byte of a multi-byte separator
            k = separator_length(p + i, n - i)
            if k == 0:  # a multi-byte character that is not whitespace: token bytes
                lex_begin_token(lx, i)
                i += 1
                continue
            if k < 0:
                # The block ends inside what may be a separator. Hold its bytes back as
                # tentative token bytes (carried below) until the next block decides.
                lex_begin_token(lx, i)
                memcpy(lx.pend, p + i, n - i)
                lx.n_pend = n - i
                break
            if lx.in_token:
                pos[0] = i + <size_t>k
                event = lex_end_token(lx, p, i, token, token_len)
                if event != LEX_CONTINUE:
                    return event
            i += <size_t>k
            continue
        # ASCII whitespace
        if lx.in_token:
            # A line end is reported on the next call, after the token it ends.
            pos[0] = i if b == 0x0A or b == 0x0D else i + 1
            event = lex_end_token(lx, p, i, token, token_len)
            if event != LEX_CONTINUE:
                return event
            i = pos[0]
            continue
        i += 1
        if b == 0x0A or b == 0x0D:
            pos[0] = i
            return LEX_LINE_END
    if lx.in_token:  # the token goes on in the next block: keep its bytes
        if lex_carry(lx, p + lx.start, n - lx.start):
            return LEX_NOMEM
        lx.start = 0
    lx.file_pos += n
    pos[0] = n
    return LEX_BLOCK_END


cdef inline bint lex_finish(Lexer *lx, const uint8_t **token, size_t *token_len) noexcept nogil:
    """End of a file: whether a token is left open (it ends here: *token[:*token_len]). Held
    bytes that never became a separator are token bytes (and truncated UTF-8). The next block
    starts a new file."""
    cdef bint left = lx.in_token and lx.tok_len > 0
    # An open token at this point is always carried, so it is in tokbuf.
    token[0] = lx.tokbuf
    token_len[0] = lx.tok_len
    lx.n_pend = lx.tok_len = lx.file_pos = 0
    lx.in_token = False
    return left
