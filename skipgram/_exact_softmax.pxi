# The exact softmax (docs/math.md, "Exact softmax"): its minibatch of centres, computed with
# BLAS, its window step (which queues the centre), its set-up. Included by _inner.pyx.

# Most centres per exact-softmax minibatch step. A minibatch also ends before a centre word it
# already holds, which on ordinary text comes first (after about 10 centres on GCIDE); the cap
# bounds the B x V scores buffer and the B^2 V cost of the corrections (docs/math.md).
SOFTMAX_BATCH = 64
SOFTMAX_SCORE_FLOATS = 1 << 24
# With two or more workers, each trains a private copy of the whole output matrix (merged into
# the shared one every MERGE_EVERY_CENTRES centres, as negative sampling's hottest rows are):
# shared, both workers rewrote all of it at every minibatch, and when the host's two virtual
# CPUs sat far apart (~330 ns a cache line) two workers ran at 19-34% of the FMA peak instead
# of 45-51%. Up to this size of matrix (V x d floats) per worker, twice (the copy, its base).
SOFTMAX_PRIVATE_BYTES = 64 << 20
# BLAS takes its scalars by address.
cdef float ONE_F = 1.0
cdef float MINUS_ONE_F = -1.0
cdef float ZERO_F = 0.0


cdef struct ExactSoftmax:
    int batch                   # centres per minibatch step (B)


cdef struct SoftmaxScratch:
    # The centres waiting for the next minibatch step.
    int n_pending               # centres queued, at most ExactSoftmax.batch
    int32_t *pending_centres    # batch ids
    float *pending_alphas       # batch learning rates, one per centre
    int64_t *pending_ends       # batch: centre b's contexts end at pending_ends[b]
    int32_t *pending_contexts   # context_capacity ids, the centres' contexts back to back
    int64_t context_capacity
    float *batch_inputs         # batch x dim: the centres' input vectors (X)
    float *batch_scores         # batch x vocab_size: scores S, then the steps E
    float *batch_gradients      # batch x dim: the input vectors' steps, -E U
    float *batch_gram           # batch^2: X X^T, then E E^T (upper triangle)


cdef enum:
    SOFTMAX_BLOCK = 8  # score rows corrected one by one within a block, by sgemm across blocks
    # OpenBLAS (0.3.x, x86-64) multiplies without repacking when m n k <= 100^3, and for a
    # transposed first operand when also m n <= 1200 (sgemm_small_kernel_permit); other BLAS
    # libraries merely see smaller calls.
    SMALL_GEMM = 1000000
    SMALL_TN_OUTPUT = 1200


cdef double softmax_minibatch(const Model *m, Worker *w) noexcept nogil:
    """One exact-softmax step for the worker's B pending centres (docs/math.md, "Exact
    softmax"): the result of stepping through them one by one, with each centre's own learning
    rate, computed with matrix products. Returns the B windows' loss, each window measured
    just before its step, as sequential training would.

    Centre b sees the output matrix after the steps of centres 0..b-1,
    U_b = U - sum_{j<b} e_j x_j^T, so its scores are s_b = U x_b - sum_{j<b} (x_j . x_b) e_j
    and its input vector's step is -U_b^T e_b = -U^T e_b + sum_{j<b} (e_j . e_b) x_j. With X
    the centres' input vectors (B x d, as they were before the minibatch), E the rows e_b
    (B x V), K = X X^T and M = E E^T:
        S = X U^T                  sgemm; row b then corrected by -K[b, j] e_j for j < b
                                   (sgemm for the earlier blocks, row by row within a block)
        e_b = alpha_b (n_b softmax(s_b) - sum of the window's one-hots)
        D = -E U + strict_lower(M) X   sgemm, ssyrk, sgemm (all with the U from before)
        U -= E^T X                 sgemm
        x_b += D_b
    Row-major matrices are their transposes to Fortran BLAS: U (V x d) is U^T (d x V, leading
    dimension d), X (B x d) is X^T, S and E (B x V, one buffer) are V x B with leading
    dimension V, and K, M (B x B) are read in whichever orientation is needed, being
    symmetric. softmax_train_centre never queues a centre word twice, so reading the input
    vectors once at the start is exact; given a word twice (only the test entry point can),
    each occurrence would use its input vector from before the minibatch."""
    cdef SoftmaxScratch *s = <SoftmaxScratch *>w.scratch
    cdef int d = m.dim, V = m.vocab_size, B = s.n_pending, b, j, n, first, size, rows, start
    cdef int64_t k, begin = 0, end
    cdef float *row
    cdef float *scores = s.batch_scores
    cdef float *gram = s.batch_gram
    cdef float alpha, beta
    cdef double loss = 0.0, context_scores
    cdef char transpose = b'T', no_transpose = b'N', upper = b'U'
    cdef int32_t earlier[SOFTMAX_BLOCK]
    cdef float weights[SOFTMAX_BLOCK]
    # The worker's output matrix: its private copy of all rows, or the shared one (Worker.outputs)
    cdef float *U = w.outputs.private_rows if w.outputs.count > 0 else m.output_vectors
    for b in range(B):
        memcpy(s.batch_inputs + <int64_t>b * d,
               m.input_vectors + <int64_t>s.pending_centres[b] * d, d * sizeof(float))
    # S and D in slices of the vocabulary, each small enough (rows x B x d <= SMALL_GEMM) for
    # OpenBLAS's small-matrix kernels, which work on the matrices in place: on whole matrices
    # it first copies U into its packed layout, and with B ~ 10 centres the copy took as long
    # as the arithmetic (D: 28 -> 64 GFLOP/s per core, S: 28 -> 36).
    rows = max(8, min(<int>SMALL_TN_OUTPUT // B, <int>SMALL_GEMM // (B * d)))
    start = 0
    while start < V:
        size = min(rows, V - start)
        sgemm(&transpose, &no_transpose, &size, &B, &d, &ONE_F,
              U + <int64_t>start * d, &d, s.batch_inputs, &d, &ZERO_F,
              scores + start, &V)
        start += size
    sgemm(&transpose, &no_transpose, &B, &B, &d, &ONE_F, s.batch_inputs, &d, s.batch_inputs,
          &d, &ZERO_F, gram, &B)
    first = 0
    while first < B:
        size = min(<int>SOFTMAX_BLOCK, B - first)
        if first > 0:  # rows first.. -= K[row, j] e_j for every j of the earlier blocks
            sgemm(&no_transpose, &no_transpose, &V, &size, &first, &MINUS_ONE_F, scores, &V,
                  gram + <int64_t>first * B, &B, &ONE_F, scores + <int64_t>first * V, &V)
        for b in range(first, first + size):
            row = scores + <int64_t>b * V
            for j in range(first, b):
                earlier[j - first] = j
                weights[j - first] = -gram[<int64_t>b * B + j]
            if b > first:
                sg_add_weighted_rows(row, scores, earlier, weights, b - first, V)
            end = s.pending_ends[b]
            n = <int>(end - begin)
            alpha = s.pending_alphas[b]
            context_scores = 0.0
            for k in range(begin, end):
                context_scores += row[s.pending_contexts[k]]
            # n log Σ exp(s) - Σ_c s_c, and the row becomes alpha n softmax(s) ...
            loss += n * sg_softmax_row(row, V, alpha * n) - context_scores
            for k in range(begin, end):  # ... minus alpha for each context (twice if twice)
                row[s.pending_contexts[k]] -= alpha
            begin = end
        first += size
    rows = max(8, <int>SMALL_GEMM // (B * d))
    start = 0
    beta = 0.0  # the first slice sets D, the others add to it
    while start < V:
        size = min(rows, V - start)
        sgemm(&no_transpose, &no_transpose, &d, &B, &size, &MINUS_ONE_F,
              U + <int64_t>start * d, &d, scores + start, &V, &beta,
              s.batch_gradients, &d)
        beta = 1.0
        start += size
    if B > 1:
        # M = E E^T into the upper triangle (column-major); then keep only row < column,
        # i.e. the pairs (j, b) with j < b, and add X^T M to D^T.
        ssyrk(&upper, &transpose, &B, &V, &ONE_F, scores, &V, &ZERO_F, gram, &B)
        for b in range(B):
            for j in range(b, B):
                gram[<int64_t>b * B + j] = 0.0  # column b, rows b.. (diagonal and below)
        sgemm(&no_transpose, &no_transpose, &d, &B, &B, &ONE_F, s.batch_inputs, &d, gram, &B,
              &ONE_F, s.batch_gradients, &d)
    sgemm(&no_transpose, &transpose, &d, &V, &B, &MINUS_ONE_F, s.batch_inputs, &d, scores, &V,
          &ONE_F, U, &d)
    for b in range(B):
        add_input_step(m, m.input_vectors + <int64_t>s.pending_centres[b] * d,
                       s.batch_gradients + <int64_t>b * d)
    w.pairs += s.pending_ends[B - 1]
    s.n_pending = 0
    return loss


cdef inline void softmax_flush(const Model *m, Worker *w) noexcept nogil:
    """Take the step for whatever centres are queued (at the end of every batch: the
    objective's `finish_batch`)."""
    cdef SoftmaxScratch *s = <SoftmaxScratch *>w.scratch
    if s.n_pending > 0:
        w.loss += softmax_minibatch(m, w)


cdef void softmax_train_centre(const Model *m, Worker *w, int32_t centre,
                               const int32_t *contexts, int n_contexts,
                               float alpha) noexcept nogil:
    """Queue the centre and its contexts. The queued minibatch takes its step when it is full,
    or first, when this centre word is already in it."""
    cdef const ExactSoftmax *t = <const ExactSoftmax *>m.objective
    cdef SoftmaxScratch *s = <SoftmaxScratch *>w.scratch
    cdef int b = s.n_pending, j
    cdef int64_t begin
    if n_contexts == 0:
        return
    # A minibatch never holds a centre word twice: its steps are then exactly the sequential
    # ones (softmax_minibatch reads each centre's input vector once, at the start).
    for j in range(b):
        if s.pending_centres[j] == centre:
            softmax_flush(m, w)
            b = 0
            break
    begin = s.pending_ends[b - 1] if b > 0 else 0
    if begin + n_contexts > s.context_capacity:  # only with windows far beyond real use
        softmax_flush(m, w)
        b = 0
        begin = 0
    s.pending_centres[b] = centre
    s.pending_alphas[b] = alpha
    memcpy(s.pending_contexts + begin, contexts, n_contexts * sizeof(int32_t))
    s.pending_ends[b] = begin + n_contexts
    s.n_pending = b + 1
    if s.n_pending == t.batch:
        softmax_flush(m, w)


# --------------------------------------------------------------------------------------------
# Set-up: the minibatch size, and each worker's buffers
# --------------------------------------------------------------------------------------------

cdef class ExactSoftmaxTables(ObjectiveTables):
    """The exact softmax's part of a KernelModel: no tables (every output row takes part in
    every step), only the minibatch size, `softmax_batch` centres at most."""

    ARGUMENTS = ("softmax_batch",)  # KernelModel's **tables
    cdef ExactSoftmax softmax
    cdef readonly Py_ssize_t softmax_batch

    def __init__(self, KernelModel model, Py_ssize_t negative,
                 Py_ssize_t softmax_batch=SOFTMAX_BATCH):
        cdef Py_ssize_t vocab_size = model.model.vocab_size
        if model._output.shape[0] != vocab_size:
            raise ValueError("softmax needs one output vector per word")
        if softmax_batch < 1:
            raise ValueError(f"softmax_batch must be at least 1, got {softmax_batch}")
        # A worker holds softmax_batch x vocab_size scores: cap them at SOFTMAX_SCORE_FLOATS
        # (64 MB), which only binds past a vocabulary of about 130,000 words.
        softmax_batch = min(softmax_batch, max(1, SOFTMAX_SCORE_FLOATS // vocab_size))
        self.softmax_batch = softmax_batch
        self.softmax.batch = <int>softmax_batch
        self.pointer = &self.softmax
        self.train_centre = softmax_train_centre
        self.finish_batch = softmax_flush  # a batch ends with no centre waiting
        # The next centre's input row is prefetched: the minibatch step copies it.
        self.centre_rows = model.model.input_vectors
        # Every step rewrites every output row: with several workers each trains a private copy
        # of the whole matrix (SOFTMAX_PRIVATE_BYTES).
        self.private_rows_at = PRIVATE_ALL_ROWS

    cdef ObjectiveScratch new_scratch(self, const Model *m):
        cdef Py_ssize_t max_contexts = 2 * <Py_ssize_t>m.window
        return SoftmaxBuffers(self.softmax.batch, min(self.softmax.batch * max_contexts,
                                                      max(max_contexts, 1 << 20)),
                              m.vocab_size, m.dim)


cdef class SoftmaxBuffers(ObjectiveScratch):
    """One worker's exact-softmax buffers: the queued centres and their contexts, and the
    minibatch's matrices, for `batch` centres with up to `context_capacity` contexts in all."""

    cdef SoftmaxScratch *softmax       # on cache lines of its own (private_struct)
    cdef tuple _arrays

    def __init__(self, Py_ssize_t batch, Py_ssize_t context_capacity, Py_ssize_t vocab_size,
                 Py_ssize_t dim):
        cdef int32_t[::1] centres = private_zeros(batch, np.int32)
        cdef float[::1] alphas = private_zeros(batch, np.float32)
        cdef int64_t[::1] ends = private_zeros(batch, np.int64)
        cdef int32_t[::1] contexts = private_zeros(context_capacity, np.int32)
        cdef float[::1] inputs = private_zeros(batch * dim, np.float32)
        cdef float[::1] scores = private_zeros(batch * vocab_size, np.float32)
        cdef float[::1] gradients = private_zeros(batch * dim, np.float32)
        cdef float[::1] gram = private_zeros(batch * batch, np.float32)
        memory = []
        self.softmax = <SoftmaxScratch *>private_struct(sizeof(SoftmaxScratch), memory)
        self._arrays = (centres, alphas, ends, contexts, inputs, scores, gradients, gram, memory)
        self.softmax.n_pending = 0
        self.softmax.pending_centres = &centres[0]
        self.softmax.pending_alphas = &alphas[0]
        self.softmax.pending_ends = &ends[0]
        self.softmax.pending_contexts = &contexts[0]
        self.softmax.context_capacity = context_capacity
        self.softmax.batch_inputs = &inputs[0]
        self.softmax.batch_scores = &scores[0]
        self.softmax.batch_gradients = &gradients[0]
        self.softmax.batch_gram = &gram[0]
        self.pointer = self.softmax
