# The C helpers of the compiled modules, declared for Cython. Their code lives in the headers
# beside this file (each says why it is C); `cdef extern from` makes Cython #include them.

from libc.stdint cimport int32_t, int64_t, uint64_t


cdef extern from "_simd.h" nogil:
    # A worker's view of the output matrix: the shared rows, and its private copies of rows
    # [first, first + count) (none when count is 0).
    ctypedef struct sg_rows:
        float *shared
        float *private_rows
        int32_t first
        int32_t count
    float *sg_row(const sg_rows *rows, int32_t id, int n)
    void sg_merge_private_rows(float *shared, float *private_rows, float *base, int64_t count,
                               int *lock)
    void sg_load_private_rows(const float *shared, float *private_rows, float *base,
                              int64_t count)
    # Dense vector loops: the per-pair step, one shared-negatives window, the exact softmax.
    void sg_ns_pair(float *gradient, const float *input, const sg_rows *output_rows,
                    const int32_t *rows, const float *labels, int n_rows, float alpha,
                    float *scores, float *steps, const int32_t *next_rows, int n_next, int n)
    void sg_add(float *y, const float *x, int n)
    void sg_window_scores(float *scores, const float *input_vectors, const int32_t *contexts,
                          int n_contexts, const sg_rows *output_rows, const int32_t *outputs,
                          int n_outputs, int n)
    void sg_output_updates(float *updates, const float *steps, const float *input_vectors,
                           const int32_t *contexts, int n_contexts, int n_outputs, int n)
    void sg_move_contexts(float *input_vectors, const int32_t *contexts, int n_contexts,
                          const float *steps, const sg_rows *output_rows,
                          const int32_t *outputs, int n_outputs, int n)
    void sg_move_outputs(const sg_rows *output_rows, const int32_t *outputs, int n_outputs,
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
