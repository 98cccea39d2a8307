# Negative sampling (docs/math.md, "Negative sampling"): its noise table, its workers' buffers,
# its two window steps (per pair, each pair with its own noise words, or with one set of noise
# words shared by the window), and its set-up. Included by _inner.pyx.


cdef struct NegativeSampling:
    # Walker's alias table of the noise distribution (build_alias_table).
    const uint32_t *noise_threshold
    const int32_t *noise_alias
    int negative                # noise words per pair (K)


cdef struct NegativeSamplingScratch:
    float *gradient             # dim: the input vector's accumulated update (word2vec's neu1e)
    int32_t *noise              # 2 K noise draws: the current pair's (or shared window's) and
                                # the coming one's, drawn early so that their rows can load
    # One pair's K + 1 output rows (its target, then its noise words) with their labels
    # (1, 0, 0, ... from the start), scores and steps: sg_ns_pair's arguments.
    int32_t *pair_rows
    float *pair_labels
    float *pair_scores
    float *pair_steps
    int noise_slot              # which half of `noise` holds the current pair's or window's
                                # draws (the other gets the coming one's); -1: none yet
    WindowBuffers window        # shared negatives only (NULL pointers otherwise)


cdef inline int32_t draw_noise_word(const NegativeSampling *t, int vocab_size,
                                    uint64_t *state) noexcept nogil:
    """One draw from the noise distribution with Walker's alias method: O(1), exact up to the
    2**-32 resolution of the stored thresholds."""
    cdef uint64_t r = next_random(state)
    cdef uint32_t column = <uint32_t>(((r >> 32) * <uint64_t>vocab_size) >> 32)
    if <uint32_t>(r & 0xFFFFFFFFULL) < t.noise_threshold[column]:
        return <int32_t>column
    return t.noise_alias[column]


cdef inline void prefetch_noise(const Model *m, const Worker *w, const int32_t *noise,
                                int n_noise) noexcept nogil:
    """Ask for a pair's noise rows before they are needed: they are scattered over a matrix
    far larger than the cache, and waiting for each miss in turn dominated the run time."""
    cdef int k
    for k in range(n_noise):
        sg_prefetch_row(sg_row(&w.outputs, noise[k], m.dim), m.dim)


cdef double ns_pair(const Model *m, NegativeSamplingScratch *s, const sg_rows *outputs,
                    float *input_vector, int32_t target, const int32_t *noise, int n_noise,
                    float alpha, const int32_t *next_noise=NULL, int n_next=0) noexcept nogil:
    """Negative sampling for one (centre, context) pair (docs/math.md, "Negative sampling"): the
    logistic step against the target's output row (label 1) and each noise word's (label 0),
    one after another, then the input vector's update. The output rows are `outputs`' (the
    worker's view). `next_noise`: the coming pair's noise words, whose rows are prefetched
    during this pair's updates."""
    cdef int k, n_rows = 1
    cdef double loss = 0.0
    s.pair_rows[0] = target
    for k in range(n_noise):
        if noise[k] == target:  # a noise draw of the true context is skipped, as word2vec.c
            continue
        s.pair_rows[n_rows] = noise[k]
        n_rows += 1
    sg_ns_pair(s.gradient, input_vector, outputs, s.pair_rows, s.pair_labels, n_rows, alpha,
               s.pair_scores, s.pair_steps, next_noise, n_next, m.dim)
    add_input_step(m, input_vector, s.gradient)
    if m.compute_loss:
        loss = neg_log_sigmoid(s.pair_scores[0])
        for k in range(1, n_rows):
            loss += neg_log_sigmoid(-s.pair_scores[k])
    return loss


cdef void ns_train_centre(const Model *m, Worker *w, int32_t centre, const int32_t *contexts,
                          int n_contexts, float alpha) noexcept nogil:
    """Negative sampling for a window, pair by pair, each with its own K noise words. Each
    context word's input vector predicts the centre (word2vec's orientation), so the
    centre's output row, read by every pair of the window, stays in the cache."""
    cdef const NegativeSampling *t = <const NegativeSampling *>m.objective
    cdef NegativeSamplingScratch *s = <NegativeSamplingScratch *>w.scratch
    cdef int i, k, K = t.negative
    cdef int32_t *noise
    cdef int32_t *next_noise
    if s.noise_slot < 0:  # the worker's first pair
        s.noise_slot = 0
        for k in range(K):
            s.noise[k] = draw_noise_word(t, m.vocab_size, &w.rng)
        prefetch_noise(m, w, s.noise, K)
    for i in range(n_contexts):
        # Software pipelining: the coming pair's noise words (in this window or the next) are
        # drawn now, and sg_ns_pair requests their rows a line at a time while it computes.
        noise = s.noise + <int64_t>s.noise_slot * K
        next_noise = s.noise + <int64_t>(1 - s.noise_slot) * K
        for k in range(K):
            next_noise[k] = draw_noise_word(t, m.vocab_size, &w.rng)
        w.loss += ns_pair(m, s, &w.outputs, m.input_vectors + <int64_t>contexts[i] * m.dim,
                          centre, noise, K, alpha, next_noise, K)
        s.noise_slot = 1 - s.noise_slot
    w.pairs += n_contexts


cdef double ns_shared_window(const Model *m, WindowBuffers *b, const sg_rows *outputs,
                             int32_t centre, const int32_t *contexts, int n_contexts,
                             const int32_t *noise, int n_noise, float alpha) noexcept nogil:
    """Negative sampling for a whole window with one set of noise words shared by all its
    context words (HogBatch; docs/math.md, "Shared negatives"): a `window_step` against the
    centre's output row (label 1) and the noise words' (label 0). `b.labels` holds
    1, 0, 0, ... from the start."""
    cdef int n_rows = 1, k
    b.rows[0] = centre
    for k in range(n_noise):
        if noise[k] == centre:  # a noise draw of the true target is skipped, as per pair
            continue
        b.rows[n_rows] = noise[k]
        n_rows += 1
    return window_step(m, b, outputs, contexts, n_contexts, b.rows, b.labels, n_rows, alpha)


cdef void ns_shared_train_centre(const Model *m, Worker *w, int32_t centre,
                                 const int32_t *contexts, int n_contexts,
                                 float alpha) noexcept nogil:
    cdef const NegativeSampling *t = <const NegativeSampling *>m.objective
    cdef NegativeSamplingScratch *s = <NegativeSamplingScratch *>w.scratch
    cdef int k, K = t.negative
    cdef int32_t *noise
    cdef int32_t *next_noise
    if n_contexts == 0:
        return
    if s.noise_slot < 0:
        s.noise_slot = 0
        for k in range(K):
            s.noise[k] = draw_noise_word(t, m.vocab_size, &w.rng)
    # The next window's noise words are drawn now, so that their rows load while this window
    # computes: each window starts with all its output rows on the way (its centre's row is
    # prefetched by train_sentence), instead of waiting for them one miss at a time.
    noise = s.noise + <int64_t>s.noise_slot * K
    next_noise = s.noise + <int64_t>(1 - s.noise_slot) * K
    for k in range(K):
        next_noise[k] = draw_noise_word(t, m.vocab_size, &w.rng)
        sg_prefetch_row(sg_row(&w.outputs, next_noise[k], m.dim), m.dim)
    w.loss += ns_shared_window(m, &s.window, &w.outputs, centre, contexts, n_contexts, noise,
                               K, alpha)
    s.noise_slot = 1 - s.noise_slot
    w.pairs += n_contexts


# --------------------------------------------------------------------------------------------
# Set-up: the noise table, checked once, and each worker's buffers
# --------------------------------------------------------------------------------------------

cdef class NegativeSamplingTables(ObjectiveTables):
    """Negative sampling's part of a KernelModel: the alias table of the noise distribution
    (`noise_threshold`, `noise_alias`: build_alias_table's), `negative` noise words per pair,
    and whether a window shares them (`shared_negatives`)."""

    ARGUMENTS = ("noise_threshold", "noise_alias", "shared_negatives")  # KernelModel's **tables
    cdef NegativeSampling ns
    cdef readonly bint shared_negatives
    cdef const uint32_t[::1] _threshold
    cdef const int32_t[::1] _alias

    def __init__(self, KernelModel model, Py_ssize_t negative,
                 const uint32_t[::1] noise_threshold=None, const int32_t[::1] noise_alias=None,
                 bint shared_negatives=False):
        cdef Py_ssize_t vocab_size = model.model.vocab_size
        if negative < 1:
            raise ValueError(f"negative sampling needs negative >= 1, got {negative}")
        if model._output.shape[0] != vocab_size:
            raise ValueError("negative sampling needs one output vector per word")
        if noise_threshold is None or noise_alias is None:
            raise ValueError("negative sampling needs the noise alias table")
        if noise_threshold.shape[0] != vocab_size or noise_alias.shape[0] != vocab_size:
            raise ValueError("the noise table must have one entry per word")
        if np.any(np.asarray(noise_alias) < 0) or np.any(np.asarray(noise_alias) >= vocab_size):
            raise ValueError("the noise alias table holds ids outside the vocabulary")
        self._threshold = noise_threshold
        self._alias = noise_alias
        self.ns.noise_threshold = &noise_threshold[0]
        self.ns.noise_alias = &noise_alias[0]
        self.ns.negative = <int>negative
        self.shared_negatives = shared_negatives
        self.pointer = &self.ns
        self.train_centre = ns_shared_train_centre if shared_negatives else ns_train_centre
        # Its windows read the centre's output row first: the target of all their pairs.
        self.centre_rows = model.model.output_vectors
        # Vocabulary ids go by falling frequency: the first rows are the most frequent words',
        # the targets and noise words of the most pairs.
        self.private_rows_at = PRIVATE_FIRST_ROWS

    cdef ObjectiveScratch new_scratch(self, const Model *m):
        return NegativeSamplingBuffers(self, m.dim, m.window)


cdef class NegativeSamplingBuffers(ObjectiveScratch):
    """One worker's negative-sampling buffers: the input vector's update, the noise draws of a
    window, and for shared negatives `window_step`'s scratch."""

    cdef NegativeSamplingScratch *ns   # on cache lines of its own (private_struct)
    cdef tuple _arrays

    def __init__(self, NegativeSamplingTables tables, Py_ssize_t dim, Py_ssize_t window):
        # Sizes in Py_ssize_t: 2 * window * negative in a C int overflowed (negative=2**28 made
        # a one-slot buffer that the kernel then wrote far past).
        cdef Py_ssize_t max_contexts = 2 * window, negative = tables.ns.negative
        cdef float[::1] gradient = private_zeros(dim, np.float32)
        cdef int32_t[::1] noise = private_zeros(2 * negative, np.int32)
        cdef int32_t[::1] pair_rows = private_zeros(1 + negative, np.int32)
        cdef float[::1] pair_labels = private_zeros(1 + negative, np.float32)
        cdef float[::1] pair_scores = private_zeros(1 + negative, np.float32)
        cdef float[::1] pair_steps = private_zeros(1 + negative, np.float32)
        pair_labels[0] = 1.0
        memory = []
        self.ns = <NegativeSamplingScratch *>private_struct(sizeof(NegativeSamplingScratch),
                                                            memory)
        self.ns.gradient = &gradient[0]
        self.ns.noise = &noise[0]
        self.ns.noise_slot = -1
        self.ns.pair_rows = &pair_rows[0]
        self.ns.pair_labels = &pair_labels[0]
        self.ns.pair_scores = &pair_scores[0]
        self.ns.pair_steps = &pair_steps[0]
        self._arrays = (gradient, noise, pair_rows, pair_labels, pair_scores, pair_steps, memory)
        if tables.shared_negatives:
            self._arrays += attach_window_buffers(&self.ns.window, max_contexts, 1 + negative,
                                                  dim)
        self.pointer = self.ns


# --------------------------------------------------------------------------------------------
# The noise table, built once per vocabulary
# --------------------------------------------------------------------------------------------

def build_alias_table(const double[::1] weights):
    """Walker/Vose alias table for sampling index i with probability weights[i] / sum(weights).

    Returns (threshold uint32[V], alias int32[V]): draw a column c uniformly and a 32-bit coin r;
    the sample is c if r < threshold[c], else alias[c]."""
    cdef Py_ssize_t n = weights.shape[0], i, n_small = 0, n_large = 0, small, large
    if n == 0:
        raise ValueError("cannot build a noise table for an empty vocabulary")
    w = np.asarray(weights, dtype=np.float64)
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("noise weights must be finite, non-negative and not all zero")
    cdef double[::1] scaled = w * (n / w.sum())
    cdef double[::1] probability = np.ones(n, dtype=np.float64)
    cdef int32_t[::1] alias = np.arange(n, dtype=np.int32)
    cdef int64_t[::1] small_stack = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] large_stack = np.empty(n, dtype=np.int64)
    with nogil:
        for i in range(n):
            if scaled[i] < 1.0:
                small_stack[n_small] = i
                n_small += 1
            else:
                large_stack[n_large] = i
                n_large += 1
        while n_small > 0 and n_large > 0:
            n_small -= 1
            small = small_stack[n_small]
            large = large_stack[n_large - 1]
            probability[small] = scaled[small]
            alias[small] = <int32_t>large
            scaled[large] = (scaled[large] + scaled[small]) - 1.0
            if scaled[large] < 1.0:
                n_large -= 1
                small_stack[n_small] = large
                n_small += 1
        # Whatever is left holds probability 1 up to rounding: it always samples itself.
    threshold = np.minimum(np.floor(np.asarray(probability) * 4294967296.0), 4294967295.0)
    return threshold.astype(np.uint32), np.asarray(alias)
