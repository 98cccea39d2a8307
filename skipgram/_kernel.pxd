# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
# The part of the training kernels every objective shares (skipgram/_inner.pyx cimports it).
#
# - `Model` and `Worker`: what every objective trains on (the matrices, their sizes, subsampling,
#   the input rows' learning-rate factors) and one thread's common state (its RNG, the current
#   sentence and window, the loss tally). Each objective adds its own tables and per-worker
#   buffers, in a struct of its own, reached through `Model.objective` and `Worker.scratch`.
# - `train_centre_fn`: the signature of every objective's window step, the one function the
#   batch driver calls (through the dispatch table in _inner.pyx).
# - The helpers the objectives share: the RNG, the loss of a score (`neg_log_sigmoid`), the
#   update of an input row (`add_input_step`, `move_contexts`, which apply the learning-rate
#   factors) and the step of a whole window (`window_step`, with its buffers). The sigmoids
#   themselves are computed 8 at a time in _simd.h (sg_logistic_steps).
#
# All of them are inline functions, compiled into the module that cimports this file: no call
# crosses a module boundary. Indices are unchecked (the directives above, as in _inner.pyx):
# every id reaching these functions was validated at the Python boundary.

from libc.math cimport exp, log1p
from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t

from skipgram._c_helpers cimport (
    sg_add,
    sg_rows,
    sg_move_contexts,
    sg_move_outputs,
    sg_output_updates,
    sg_window_scores,
    sg_window_steps,
)

cdef struct Model:
    float *input_vectors        # vocab_size x dim
    float *output_vectors       # the objective's output rows x dim (NULL when there are none)
    int vocab_size
    int dim
    int window
    const float *keep_probability
    bint compute_loss           # tally losses (never changes the updates)
    bint shrink_windows         # draw each centre's reach from 1..window; else always window
    # The matrix whose row for the next centre word train_sentence prefetches: the one the
    # objective reads first for a centre (its input row, or for negative sampling the centre's
    # output row, the positive target of every pair of the window).
    const float *centre_rows
    # Learning-rate factor of each input row (gensim's `vectors_lockf`: 0 locked, 1 free, in
    # between damped), applied by add_input_step / move_contexts; NULL: every row free.
    const float *input_lockf
    const void *objective       # the objective's own tables (its struct, see its file)
    int *merge_lock             # taken by a worker merging its private rows (sg_merge_private_rows)


cdef struct Worker:
    uint64_t rng
    int32_t *kept               # the current sentence after subsampling
    int32_t *contexts           # up to 2 * window context ids of the current centre
    void *scratch               # the objective's per-worker buffers (its struct, see its file)
    double loss
    int64_t pairs
    # The output matrix as this worker sees it: with two or more workers, private copies of
    # the rows every pair touches (_simd.h, sg_rows), merged into the shared matrix every
    # `merge_every` centres and at the end of each batch. Every output row the
    # objectives read or write goes through it (sg_row), except the exact softmax's, whose
    # BLAS products take the whole shared matrix.
    sg_rows outputs
    float *private_base         # the private rows' values at the last merge
    int centres_since_merge
    int merge_every


# One objective's step for a centre word and its window; `finish_batch_fn` takes the step for
# whatever the objective still holds back when a batch ends (only the exact softmax queues).
ctypedef void (*train_centre_fn)(const Model *m, Worker *w, int32_t centre,
                                 const int32_t *contexts, int n_contexts,
                                 float alpha) noexcept nogil
ctypedef void (*finish_batch_fn)(const Model *m, Worker *w) noexcept nogil


cdef struct WindowBuffers:
    # window_step's scratch, sized for the largest window (hierarchical softmax and negative
    # sampling's shared-negatives mode):
    int32_t *rows               # shared negatives: the output row ids, centre then noise words
    float *labels               # each output row's label (1 for the target, 0 for noise)
    float *scores               # contexts x output rows: scores, then the steps g
    float *output_updates       # output rows x dim: their updates, applied last


# --------------------------------------------------------------------------------------------
# Random numbers and the loss of a score
# --------------------------------------------------------------------------------------------

cdef inline uint64_t next_random(uint64_t *state) noexcept nogil:
    """xorshift64*: tiny state (one word per worker, so no sharing between threads), fast, and
    good enough for window sizes, subsampling coins and noise draws."""
    cdef uint64_t x = state[0]
    x ^= x >> 12
    x ^= x << 25
    x ^= x >> 27
    state[0] = x
    return x * <uint64_t>2685821657736338717ULL


cdef inline float random_unit(uint64_t *state) noexcept nogil:
    """Uniform float in [0, 1) from the top 24 bits (a float32 mantissa)."""
    return <float>(next_random(state) >> 40) * <float>(1.0 / 16777216.0)


cdef inline uint32_t random_below(uint64_t *state, uint32_t n) noexcept nogil:
    """Uniform integer in [0, n) by multiply-shift of the top 32 bits (bias below n / 2**32)."""
    return <uint32_t>(((next_random(state) >> 32) * <uint64_t>n) >> 32)


cdef inline double neg_log_sigmoid(double x) noexcept nogil:
    """-log(sigmoid(x)), stable on both sides (softplus of -x)."""
    if x > 0:
        return log1p(exp(-x))
    return -x + log1p(exp(x))


# --------------------------------------------------------------------------------------------
# Steps shared by the objectives
# --------------------------------------------------------------------------------------------

cdef inline void add_input_step(const Model *m, float *input_vector,
                                const float *step) noexcept nogil:
    """input_vector += step: an input row's update at the end of its pair or window, scaled by
    the row's learning-rate factor when the model has them. Without factors (NULL, the default)
    this is sg_add and nothing else; a factor of 0 leaves the row untouched, bit for bit."""
    cdef float factor
    cdef int i
    if m.input_lockf == NULL:
        sg_add(input_vector, step, m.dim)
        return
    factor = m.input_lockf[(input_vector - m.input_vectors) // m.dim]
    if factor == 1.0:
        sg_add(input_vector, step, m.dim)
    elif factor != 0.0:
        for i in range(m.dim):
            input_vector[i] += factor * step[i]


cdef inline void move_contexts(const Model *m, WindowBuffers *b, const sg_rows *outputs,
                               const int32_t *contexts, int n_contexts, const int32_t *rows,
                               int n_rows) noexcept nogil:
    """C += G O for a window step (sg_move_contexts), each context's row of steps G first
    scaled by its learning-rate factor when the model has them (see add_input_step).
    Overwrites G's rows, so it must come after the output rows' updates."""
    cdef int c, j
    cdef float factor
    cdef float *steps
    if m.input_lockf == NULL:
        sg_move_contexts(m.input_vectors, contexts, n_contexts, b.scores, outputs, rows,
                         n_rows, m.dim)
        return
    for c in range(n_contexts):
        factor = m.input_lockf[contexts[c]]
        if factor == 0.0:
            continue
        steps = b.scores + <int64_t>c * n_rows
        if factor != 1.0:
            for j in range(n_rows):
                steps[j] *= factor
        sg_move_contexts(m.input_vectors, contexts + c, 1, steps, outputs, rows, n_rows,
                         m.dim)


cdef inline double window_step(const Model *m, WindowBuffers *b, const sg_rows *outputs,
                               const int32_t *contexts, int n_contexts, const int32_t *rows,
                               const float *labels, int n_rows, float alpha) noexcept nogil:
    """One logistic step for a whole window (docs/math.md, "Window steps"): each of the
    window's B context input rows against each of N output rows, with labels[j] the target of
    output row j. Shared by negative sampling's shared-negatives mode (the rows are the centre,
    label 1, and the noise words, label 0) and hierarchical softmax (the inner nodes on the
    centre's Huffman path, label 1 - code bit): in word2vec's orientation, where the context
    predicts the centre, all pairs of a window have the same output rows. The output rows are
    looked up in `outputs`, the worker's view of the output matrix (Worker.outputs).

    With C the B context rows and O the N output rows: scores S = C O^T (B x N), steps
    G = alpha (labels - sigmoid(S)), then C += G O and O += G^T C. Both updates are computed
    from the values before the step, so the window takes one exact gradient step on its summed
    loss (a context occurring twice gets both contributions). Returns that loss, measured
    before the step."""
    cdef int d = m.dim, c, j
    cdef float *scores
    cdef double loss = 0.0
    sg_window_scores(b.scores, m.input_vectors, contexts, n_contexts, outputs, rows, n_rows, d)
    if m.compute_loss:
        for c in range(n_contexts):
            scores = b.scores + <int64_t>c * n_rows
            for j in range(n_rows):
                loss += neg_log_sigmoid(scores[j] if labels[j] > 0.5 else -scores[j])
    sg_window_steps(b.scores, n_contexts, n_rows, labels, alpha)
    # O's update waits in a buffer while C moves, because C's update must read the old O.
    sg_output_updates(b.output_updates, b.scores, m.input_vectors, contexts, n_contexts,
                      n_rows, d)
    move_contexts(m, b, outputs, contexts, n_contexts, rows, n_rows)
    sg_move_outputs(outputs, rows, n_rows, b.output_updates, d)
    return loss
