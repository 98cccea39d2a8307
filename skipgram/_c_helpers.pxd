# The C helpers of the compiled modules, declared for Cython. Their code lives in the headers
# beside this file (each says why it is C); `cdef extern from` makes Cython #include them.

from libc.stdint cimport int32_t, uint64_t


cdef extern from "_simd.h" nogil:
    # Dense vector loops: the per-pair step, one shared-negatives window, the exact softmax.
    void sg_ns_pair(float *gradient, const float *input, float *output_vectors,
                    const int32_t *rows, const float *labels, int n_rows, float alpha,
                    float *scores, float *steps, const int32_t *next_rows, int n_next, int n)
    void sg_add(float *y, const float *x, int n)
    void sg_window_scores(float *scores, const float *input_vectors, const int32_t *contexts,
                          int n_contexts, const float *output_vectors, const int32_t *outputs,
                          int n_outputs, int n)
    void sg_output_updates(float *updates, const float *steps, const float *input_vectors,
                           const int32_t *contexts, int n_contexts, int n_outputs, int n)
    void sg_move_contexts(float *input_vectors, const int32_t *contexts, int n_contexts,
                          const float *steps, const float *output_vectors,
                          const int32_t *outputs, int n_outputs, int n)
    void sg_move_outputs(float *output_vectors, const int32_t *outputs, int n_outputs,
                         const float *updates, int n)
    double sg_softmax_row(float *row, int n, float weight)
    void sg_add_weighted_rows(float *row, const float *rows, const int32_t *ids,
                              const float *weights, int n_terms, int n)
    void sg_window_steps(float *scores, int n_contexts, int n_rows, const float *labels,
                         float alpha)


cdef extern from "_prefetch.h" nogil:
    void sg_prefetch_row(const float *row, int n)


cdef extern from "_float_mode.h" nogil:
    unsigned int sg_flush_denormals()
    void sg_restore_float_mode(unsigned int previous)


cdef extern from "_rng.h" nogil:
    const uint64_t SG_SPLITMIX_GAMMA
    const uint64_t SG_SPLITMIX_MUL1
    const uint64_t SG_SPLITMIX_MUL2
    uint64_t sg_splitmix64_mix(uint64_t z)
    uint64_t sg_splitmix64_seed(uint64_t seed)
