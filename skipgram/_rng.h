/* splitmix64 (Steele, Lea and Flood 2014), shared by the kernels and the tokenizer, declared for
   Cython in _c_helpers.pxd. Its constants are written here in C, where an unsigned 64-bit
   literal cannot be misread as a Python int.

   skipgram/_inner.pyx seeds each worker's xorshift64* state with one splitmix64 step (so that
   nearby seeds give unrelated states); skipgram/_tokenize.pyx hashes words with the same
   finaliser (a bijection that makes every output bit depend on every input bit). */

#ifndef SKIPGRAM_RNG_H
#define SKIPGRAM_RNG_H

#include <stdint.h>

/* The golden-ratio increment of splitmix64's counter, and the finaliser's two multipliers. */
#define SG_SPLITMIX_GAMMA 0x9E3779B97F4A7C15ULL
#define SG_SPLITMIX_MUL1 0xBF58476D1CE4E5B9ULL
#define SG_SPLITMIX_MUL2 0x94D049BB133111EBULL

/* The splitmix64 finaliser. */
static inline uint64_t sg_splitmix64_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * SG_SPLITMIX_MUL1;
    z = (z ^ (z >> 27)) * SG_SPLITMIX_MUL2;
    return z ^ (z >> 31);
}

/* The state after seed: one step of splitmix64's counter, then the finaliser. Never zero (a
   zero state would stick xorshift at zero). */
static inline uint64_t sg_splitmix64_seed(uint64_t seed) {
    uint64_t z = sg_splitmix64_mix(seed + SG_SPLITMIX_GAMMA);
    return z != 0 ? z : SG_SPLITMIX_GAMMA;
}

#endif /* SKIPGRAM_RNG_H */
