/* Asking for a matrix row before the kernel needs it (skipgram/_inner.pyx), declared for Cython
   in _c_helpers.pxd. The rows a pair touches are scattered over matrices far larger than the
   caches, so their loads are cache misses unless they were requested a little earlier. */

#ifndef SKIPGRAM_PREFETCH_H
#define SKIPGRAM_PREFETCH_H

/* Prefetch every 64-byte cache line of a row (16 floats), for writing, into all cache levels. */
static inline void sg_prefetch_row(const float *row, int n) {
    for (int i = 0; i < n; i += 16) __builtin_prefetch(row + i, 1, 3);
}

#endif /* SKIPGRAM_PREFETCH_H */
