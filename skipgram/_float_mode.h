/* Flushing denormals to zero while a batch trains (skipgram/_inner.pyx, train_batch), declared
   for Cython in _c_helpers.pxd.

   Tiny values arise all the time (exp of very negative softmax scores, vanishing updates) and
   each operation on a denormal costs a microcode assist: the exact softmax ran 2.5x slower.
   On x86 this sets the MXCSR FTZ and DAZ bits; the previous mode is restored afterwards, so no
   other code in the thread is affected. Elsewhere both functions do nothing. */

#ifndef SKIPGRAM_FLOAT_MODE_H
#define SKIPGRAM_FLOAT_MODE_H

#if defined(__x86_64__) || defined(__SSE2__)
#include <xmmintrin.h>
static inline unsigned int sg_flush_denormals(void) {
    unsigned int previous = _mm_getcsr();
    _mm_setcsr(previous | 0x8040);
    return previous;
}
static inline void sg_restore_float_mode(unsigned int previous) { _mm_setcsr(previous); }
#else
static inline unsigned int sg_flush_denormals(void) { return 0; }
static inline void sg_restore_float_mode(unsigned int previous) { (void)previous; }
#endif

#endif /* SKIPGRAM_FLOAT_MODE_H */
