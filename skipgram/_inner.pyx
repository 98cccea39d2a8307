# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Skip-gram training kernels.

Bounds checks and wraparound are off for the whole module: every index used inside a nogil loop is
a word id that `KernelModel` / `train_batch` validated against the vocabulary size once, at the
Python boundary, or a position inside a buffer whose size was checked there too.

Layout of this file (each objective is a sibling sharing the same helpers):
    helpers           RNG, sigmoid, log-sigmoid, noise sampler
    objectives        negative sampling (per pair, or with negatives shared by a window),
                      hierarchical softmax, exact softmax: one `*_train_centre` each, all with
                      the same signature, chosen once in KernelModel
    batch driver      subsampling, reduced window, learning-rate interpolation (`train_batch`)
    test entry points one update on given vectors, for the gradient tests

The dense vector loops (dot products, row updates, the softmax's exponentials), prefetching and
the denormal mode are C, in the headers declared by _c_helpers.pxd (_simd.h says why).

Orientation: the centre word's input vector is the one being predicted *from*, each context word
is a target (see docs/math.md, "Pairs"). Every pair's update follows docs/math.md. The one
exception is the opt-in shared-negatives mode, which takes HogBatch's orientation (each context
word's input vector predicts the centre): only that way round does a window become a matrix
product (`ns_shared_window`).
"""

import numpy as np

cimport numpy as cnp
from libc.math cimport exp, expf, log1p
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy, memset
from scipy.linalg.cython_blas cimport sgemm, ssyrk

# The dense vector loops, prefetching and the denormal mode are C, in the headers beside this
# file (_simd.h, _prefetch.h, _float_mode.h, _rng.h).
from skipgram._c_helpers cimport (
    sg_add,
    sg_add_weighted_rows,
    sg_flush_denormals,
    sg_move_contexts,
    sg_move_outputs,
    sg_output_updates,
    sg_pair_score,
    sg_pair_update,
    sg_prefetch_row,
    sg_restore_float_mode,
    sg_softmax_row,
    sg_splitmix64_seed,
    sg_window_scores,
    sg_window_steps,
)

cnp.import_array()

cdef float ONE_F = 1.0
cdef float MINUS_ONE_F = -1.0
cdef float ZERO_F = 0.0
# Scores are clipped before exp so that a diverging run produces a finite sigmoid; at |x| = 30
# sigmoid(x) is 1 or 0 to float32 precision, so the clip never changes a healthy update.
cdef float MAX_SCORE = 30.0

OBJECTIVES = ("ns", "hs", "softmax")
# Most centres per exact-softmax minibatch step. A minibatch also ends before a centre word it
# already holds, which on ordinary text comes first (after about 10 centres on GCIDE); the cap
# bounds the B x V scores buffer and the B^2 V cost of the corrections (docs/math.md).
SOFTMAX_BATCH = 64
SOFTMAX_SCORE_FLOATS = 1 << 24


# --------------------------------------------------------------------------------------------
# Shared helpers
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


cdef uint64_t seed_state(uint64_t seed) noexcept nogil:
    """splitmix64 scramble, so that nearby seeds give unrelated, never-zero xorshift states."""
    return sg_splitmix64_seed(seed)


cdef inline float sigmoid(float x) noexcept nogil:
    if x > MAX_SCORE:
        x = MAX_SCORE
    elif x < -MAX_SCORE:
        x = -MAX_SCORE
    return 1.0 / (1.0 + expf(-x))


cdef inline double neg_log_sigmoid(double x) noexcept nogil:
    """-log(sigmoid(x)), stable on both sides (softplus of -x)."""
    if x > 0:
        return log1p(exp(-x))
    return -x + log1p(exp(x))


cdef inline int32_t draw_noise_word(const Model *m, uint64_t *state) noexcept nogil:
    """One draw from the noise distribution with Walker's alias method: O(1), exact up to the
    2**-32 resolution of the stored thresholds."""
    cdef uint64_t r = next_random(state)
    cdef uint32_t column = <uint32_t>(((r >> 32) * <uint64_t>m.vocab_size) >> 32)
    if <uint32_t>(r & 0xFFFFFFFFULL) < m.noise_threshold[column]:
        return <int32_t>column
    return m.noise_alias[column]


cdef inline double pair_step(const Model *m, float *input_vector, float *output_vector,
                             float label, float alpha, float *gradient) noexcept nogil:
    """The shared logistic step of negative sampling and hierarchical softmax (docs/math.md):
    g = alpha * (label - sigmoid(u . v)); gradient += g u; u += g v. The input vector is left
    alone (its update is applied once all targets of the pair are done). Returns the pair's
    loss term -log sigmoid(+-u . v)."""
    cdef float score = sg_pair_score(input_vector, output_vector, m.dim)
    cdef float g = (label - sigmoid(score)) * alpha
    sg_pair_update(gradient, output_vector, input_vector, g, m.dim)
    if not m.compute_loss:
        return 0.0
    return neg_log_sigmoid(score if label > 0.5 else -score)


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


cdef inline void move_contexts(const Model *m, Worker *w, const int32_t *contexts,
                               int n_contexts, const int32_t *rows, int n_rows) noexcept nogil:
    """C += G O for a window step (sg_move_contexts), each context's row of steps G first
    scaled by its learning-rate factor when the model has them (see add_input_step).
    Overwrites G's rows, so it must come after the output rows' updates."""
    cdef int b, j
    cdef float factor
    cdef float *steps
    if m.input_lockf == NULL:
        sg_move_contexts(m.input_vectors, contexts, n_contexts, w.window_scores,
                         m.output_vectors, rows, n_rows, m.dim)
        return
    for b in range(n_contexts):
        factor = m.input_lockf[contexts[b]]
        if factor == 0.0:
            continue
        steps = w.window_scores + <int64_t>b * n_rows
        if factor != 1.0:
            for j in range(n_rows):
                steps[j] *= factor
        sg_move_contexts(m.input_vectors, contexts + b, 1, steps, m.output_vectors,
                         rows, n_rows, m.dim)


# --------------------------------------------------------------------------------------------
# Model and worker state
# --------------------------------------------------------------------------------------------

cdef struct Model:
    float *input_vectors        # vocab_size x dim
    float *output_vectors       # ns/softmax: vocab_size x dim; hs: (vocab_size - 1) x dim
    int vocab_size
    int dim
    int window
    int negative
    const float *keep_probability
    const uint32_t *noise_threshold
    const int32_t *noise_alias
    const int64_t *code_offsets  # hs: word w's path is [code_offsets[w], code_offsets[w + 1])
    const uint8_t *codes
    const int32_t *points
    bint compute_loss            # tally losses (never changes the updates)
    bint shrink_windows          # draw each centre's reach from 1..window; else always window
    int softmax_batch            # softmax: centres per minibatch step (B)
    # The matrix whose row for the next centre word train_sentence prefetches: the one the
    # objective reads first for a centre (its input row, or in the shared-negatives mode its
    # output row, the window's positive target).
    const float *centre_rows
    # Learning-rate factor of each input row (gensim's `vectors_lockf`: 0 locked, 1 free, in
    # between damped), applied by add_input_step / move_contexts; NULL: every row free.
    const float *input_lockf


cdef struct Worker:
    uint64_t rng
    float *gradient             # dim: the input vector's accumulated update (word2vec's neu1e)
    int32_t *kept               # the current sentence after subsampling
    int32_t *contexts           # up to 2 * window context ids of the current centre
    int32_t *noise              # negative noise draws of the current centre's pairs
    int noise_slot              # shared negatives: which half of `noise` holds the draws for
                                # the coming window (the other gets the next one's); -1: none
    # window_step's scratch, for shared negatives and hierarchical softmax (NULL otherwise),
    # sized for the largest window:
    int32_t *window_rows        # shared negatives: the output row ids, centre then noise words
    float *window_labels        # each output row's label (1 for the target, 0 for noise)
    float *window_scores        # contexts x output rows: scores, then the steps g
    float *output_updates       # output rows x dim: their updates, applied last
    # Exact softmax only (NULL otherwise): the centres waiting for the next minibatch step.
    int n_pending               # centres queued, at most Model.softmax_batch
    int32_t *pending_centres    # softmax_batch ids
    float *pending_alphas       # softmax_batch learning rates, one per centre
    int64_t *pending_ends       # softmax_batch: centre b's contexts end at pending_ends[b]
    int32_t *pending_contexts   # context_capacity ids, the centres' contexts back to back
    int64_t context_capacity
    float *batch_inputs         # softmax_batch x dim: the centres' input vectors (X)
    float *batch_scores         # softmax_batch x vocab_size: scores S, then the steps E
    float *batch_gradients      # softmax_batch x dim: the input vectors' steps, -E U
    float *batch_gram           # softmax_batch^2: X X^T, then E E^T (upper triangle)
    double loss
    int64_t pairs


ctypedef void (*train_centre_fn)(const Model *m, Worker *w, int32_t centre,
                                 const int32_t *contexts, int n_contexts,
                                 float alpha) noexcept nogil


cdef class KernelModel:
    """The arrays one training run works on, validated once and held as raw pointers.

    The arrays are shared, not copied: training updates `input_vectors` and `output_vectors` in
    place. Rebuild a KernelModel whenever any array is replaced (e.g. the vocabulary grew)."""

    cdef Model model
    cdef readonly str objective
    cdef readonly bint shared_negatives
    cdef readonly Py_ssize_t longest_code  # hs: the most inner nodes on one word's path
    cdef train_centre_fn train_centre
    # Memoryviews keep the arrays alive while the raw pointers in `model` are in use.
    cdef float[:, ::1] _input
    cdef float[:, ::1] _output
    cdef const float[::1] _keep
    cdef const uint32_t[::1] _threshold
    cdef const int32_t[::1] _alias
    cdef const int64_t[::1] _offsets
    cdef const uint8_t[::1] _codes
    cdef const int32_t[::1] _points
    cdef const float[::1] _lockf

    def __init__(self, str objective, float[:, ::1] input_vectors, float[:, ::1] output_vectors,
                 const float[::1] keep_probability, Py_ssize_t window, Py_ssize_t negative=0,
                 const uint32_t[::1] noise_threshold=None, const int32_t[::1] noise_alias=None,
                 const int64_t[::1] code_offsets=None, const uint8_t[::1] codes=None,
                 const int32_t[::1] points=None, bint compute_loss=False,
                 bint shared_negatives=False, bint shrink_windows=True,
                 Py_ssize_t softmax_batch=SOFTMAX_BATCH, const float[::1] input_lockf=None):
        cdef Py_ssize_t vocab_size = input_vectors.shape[0]
        if objective not in OBJECTIVES:
            raise ValueError(f"unknown objective {objective!r}; expected one of {OBJECTIVES}")
        if shared_negatives and objective != "ns":
            raise ValueError(f"shared_negatives needs objective 'ns', got {objective!r}")
        if vocab_size < 1 or input_vectors.shape[1] < 1:
            raise ValueError("input_vectors must be a non-empty vocab_size x dim matrix")
        if keep_probability.shape[0] != vocab_size:
            raise ValueError("keep_probability must have one entry per word")
        # The kernel's own limits, far above Parameters' bounds (skipgram/params.py), which are
        # the ones users meet: here they only keep every size and index within 64 bits and the
        # Model fields within a C int, whoever builds a KernelModel.
        if not 1 <= window <= MAX_KERNEL_WINDOW:
            raise ValueError(f"window must be in [1, {MAX_KERNEL_WINDOW}], got {window}")
        if not 0 <= negative <= MAX_KERNEL_NEGATIVE:
            raise ValueError(f"negative must be in [0, {MAX_KERNEL_NEGATIVE}], got {negative}")
        if vocab_size > INT32_MAX or input_vectors.shape[1] > MAX_KERNEL_DIM:
            raise ValueError(f"at most {INT32_MAX} words of at most {MAX_KERNEL_DIM} dimensions")
        if output_vectors.shape[1] != input_vectors.shape[1]:
            raise ValueError("input and output vectors must have the same dimension")
        self._input = input_vectors
        self._output = output_vectors
        self._keep = keep_probability
        self.objective = objective
        self.shared_negatives = shared_negatives
        self.model.input_vectors = &input_vectors[0, 0]
        self.model.vocab_size = <int>vocab_size
        self.model.dim = <int>input_vectors.shape[1]
        self.model.window = <int>window
        self.model.negative = <int>negative
        self.model.keep_probability = &keep_probability[0]
        self.model.compute_loss = compute_loss
        self.model.shrink_windows = shrink_windows
        if objective == "ns":
            self._set_negative_sampling(negative, noise_threshold, noise_alias)
        elif objective == "hs":
            self._set_hierarchical_softmax(code_offsets, codes, points)
        else:
            self._set_softmax(softmax_batch)
        self.model.output_vectors = &output_vectors[0, 0] if output_vectors.shape[0] else NULL
        # Negative sampling reads the centre's output row first (the target of every pair of
        # the window); hierarchical softmax its path's nodes, which are not rows of a word.
        self.model.centre_rows = (self.model.output_vectors if objective == "ns"
                                  else self.model.input_vectors)
        if input_lockf is not None:
            self.model.input_lockf = lockf_pointer(input_lockf, vocab_size)
            self._lockf = input_lockf

    @property
    def has_lockf(self) -> bool:
        """Whether input rows have learning-rate factors (`input_lockf`)."""
        return self.model.input_lockf != NULL

    def _set_negative_sampling(self, Py_ssize_t negative, const uint32_t[::1] threshold,
                               const int32_t[::1] alias):
        cdef Py_ssize_t vocab_size = self._input.shape[0]
        if negative < 1:
            raise ValueError(f"negative sampling needs negative >= 1, got {negative}")
        if self._output.shape[0] != vocab_size:
            raise ValueError("negative sampling needs one output vector per word")
        if threshold is None or alias is None:
            raise ValueError("negative sampling needs the noise alias table")
        if threshold.shape[0] != vocab_size or alias.shape[0] != vocab_size:
            raise ValueError("the noise table must have one entry per word")
        if np.any(np.asarray(alias) < 0) or np.any(np.asarray(alias) >= vocab_size):
            raise ValueError("the noise alias table holds ids outside the vocabulary")
        self._threshold = threshold
        self._alias = alias
        self.model.noise_threshold = &threshold[0]
        self.model.noise_alias = &alias[0]
        self.train_centre = ns_shared_train_centre if self.shared_negatives else ns_train_centre

    def _set_softmax(self, Py_ssize_t softmax_batch):
        cdef Py_ssize_t vocab_size = self._input.shape[0]
        if self._output.shape[0] != vocab_size:
            raise ValueError("softmax needs one output vector per word")
        if softmax_batch < 1:
            raise ValueError(f"softmax_batch must be at least 1, got {softmax_batch}")
        # A worker holds softmax_batch x vocab_size scores: cap them at SOFTMAX_SCORE_FLOATS
        # (64 MB), which only binds past a vocabulary of about 130,000 words.
        softmax_batch = min(softmax_batch, max(1, SOFTMAX_SCORE_FLOATS // vocab_size))
        self.model.softmax_batch = <int>softmax_batch
        self.train_centre = softmax_train_centre

    @property
    def softmax_batch(self) -> int:
        """Centres per exact-softmax minibatch step (0 for the other objectives)."""
        return self.model.softmax_batch

    def _set_hierarchical_softmax(self, const int64_t[::1] offsets, const uint8_t[::1] codes,
                                  const int32_t[::1] points):
        cdef Py_ssize_t vocab_size = self._input.shape[0]
        if offsets is None or codes is None or points is None:
            raise ValueError("hierarchical softmax needs the Huffman codes and points")
        if offsets.shape[0] != vocab_size + 1 or codes.shape[0] != points.shape[0]:
            raise ValueError("inconsistent Huffman code arrays")
        offs = np.asarray(offsets)
        if offs[0] != 0 or offs[vocab_size] != codes.shape[0] or np.any(np.diff(offs) < 0):
            raise ValueError("Huffman code offsets must rise from 0 to len(codes)")
        if self._output.shape[0] != max(vocab_size - 1, 0):
            raise ValueError("hierarchical softmax needs vocab_size - 1 inner-node vectors")
        if codes.shape[0] and (np.min(points) < 0 or np.max(points) >= self._output.shape[0]):
            raise ValueError("Huffman points outside the inner-node matrix")
        self._offsets = offsets
        self._codes = codes
        self._points = points
        self.model.code_offsets = &offsets[0]
        self.model.codes = &codes[0] if codes.shape[0] else NULL
        self.model.points = &points[0] if points.shape[0] else NULL
        self.longest_code = int(np.max(np.diff(offs))) if vocab_size > 1 else 0
        self.train_centre = hs_train_centre

    @property
    def dim(self) -> int:
        return self.model.dim

    @property
    def vocab_size(self) -> int:
        return self.model.vocab_size


cdef class KernelWorker:
    """One training thread's private state: its RNG and scratch buffers (never shared, so threads
    do not contend on them)."""

    cdef Worker worker
    cdef float[::1] _gradient
    cdef int32_t[::1] _kept
    cdef int32_t[::1] _contexts
    cdef int32_t[::1] _noise
    cdef tuple _window_buffers
    cdef tuple _softmax_buffers

    def __init__(self, KernelModel model, uint64_t seed):
        cdef Model *m = &model.model
        self._gradient = private_zeros(m.dim, np.float32)
        self._kept = private_zeros(1024, np.int32)
        # Sizes in Py_ssize_t: 2 * window * negative in a C int overflowed (negative=2**28 made
        # a one-slot buffer that the kernel then wrote far past).
        cdef Py_ssize_t max_contexts = 2 * <Py_ssize_t>m.window
        self._contexts = private_zeros(max_contexts, np.int32)
        self._noise = private_zeros(max(max_contexts * m.negative, 1), np.int32)
        self.worker.rng = seed_state(seed)
        self.worker.gradient = &self._gradient[0]
        self.worker.kept = &self._kept[0]
        self.worker.contexts = &self._contexts[0]
        self.worker.noise = &self._noise[0]
        self.worker.noise_slot = -1
        if model.shared_negatives:
            self._window_buffers = attach_window_buffers(&self.worker, max_contexts,
                                                         1 + m.negative, m.dim)
        elif model.objective == "hs":
            self._window_buffers = attach_window_buffers(&self.worker, max_contexts,
                                                         model.longest_code, m.dim)
        if model.objective == "softmax":
            self._softmax_buffers = attach_softmax_buffers(
                &self.worker, m.softmax_batch, min(m.softmax_batch * max_contexts,
                                                   max(max_contexts, 1 << 20)),
                m.vocab_size, m.dim)

    cdef void reserve_sentence(self, Py_ssize_t length):
        if length > self._kept.shape[0]:
            self._kept = private_zeros(length, np.int32)
            self.worker.kept = &self._kept[0]


cdef const float *lockf_pointer(const float[::1] lockf, Py_ssize_t rows) except NULL:
    """The learning-rate factors of `rows` input rows, checked: one per row, finite, >= 0."""
    if lockf.shape[0] != rows:
        raise ValueError(f"input_lockf must have one factor per input row ({rows}), "
                         f"got {lockf.shape[0]}")
    factors = np.asarray(lockf)
    if not np.all(np.isfinite(factors)) or np.any(factors < 0):
        raise ValueError("input_lockf must be finite and non-negative")
    return &lockf[0]


CACHE_LINE = 64
# See KernelModel.__init__: defence in depth below Parameters' much tighter bounds.
MAX_KERNEL_WINDOW = 1 << 20
MAX_KERNEL_NEGATIVE = 1 << 20
MAX_KERNEL_DIM = 1 << 20
INT32_MAX = 2**31 - 1


def private_zeros(Py_ssize_t n, dtype):
    """A zeroed array on cache lines of its own: it starts on a line boundary and no other
    allocation shares its last line. Worker buffers are small and written constantly; two
    threads' buffers sharing a line would bounce it between cores (false sharing)."""
    cdef Py_ssize_t nbytes = n * np.dtype(dtype).itemsize
    raw = np.zeros(nbytes + 2 * CACHE_LINE, dtype=np.uint8)
    start = -raw.ctypes.data % CACHE_LINE
    return raw[start:start + nbytes].view(dtype)


cdef tuple attach_window_buffers(Worker *w, Py_ssize_t max_contexts, Py_ssize_t max_rows,
                                 Py_ssize_t dim):
    """Allocate one worker's `window_step` scratch, for windows of up to `max_contexts` context
    words against up to `max_rows` output rows, and point `w` at it. The labels start as
    1, 0, 0, ...: the shared-negatives window's (hierarchical softmax writes its own). Returns
    the arrays that own the memory: keep them alive as long as `w` is in use."""
    max_rows = max(max_rows, 1)
    rows = private_zeros(max_rows, np.int32)
    labels = private_zeros(max_rows, np.float32)
    labels[0] = 1.0
    scores = private_zeros(max(max_contexts, 1) * max_rows, np.float32)
    updates = private_zeros(max_rows * dim, np.float32)
    cdef int32_t[::1] rows_view = rows
    cdef float[::1] labels_view = labels
    cdef float[::1] scores_view = scores
    cdef float[::1] updates_view = updates
    w.window_rows = &rows_view[0]
    w.window_labels = &labels_view[0]
    w.window_scores = &scores_view[0]
    w.output_updates = &updates_view[0]
    return rows, labels, scores, updates


cdef tuple attach_softmax_buffers(Worker *w, Py_ssize_t batch, Py_ssize_t context_capacity,
                                  Py_ssize_t vocab_size, Py_ssize_t dim):
    """Allocate one worker's exact-softmax minibatch buffers and point `w` at them. Returns the
    arrays that own the memory: keep them alive as long as `w` is in use."""
    centres = private_zeros(batch, np.int32)
    alphas = private_zeros(batch, np.float32)
    ends = private_zeros(batch, np.int64)
    contexts = private_zeros(context_capacity, np.int32)
    inputs = private_zeros(batch * dim, np.float32)
    scores = private_zeros(batch * vocab_size, np.float32)
    gradients = private_zeros(batch * dim, np.float32)
    gram = private_zeros(batch * batch, np.float32)
    cdef int32_t[::1] centres_view = centres
    cdef float[::1] alphas_view = alphas
    cdef int64_t[::1] ends_view = ends
    cdef int32_t[::1] contexts_view = contexts
    cdef float[::1] inputs_view = inputs
    cdef float[::1] scores_view = scores
    cdef float[::1] gradients_view = gradients
    cdef float[::1] gram_view = gram
    w.n_pending = 0
    w.pending_centres = &centres_view[0]
    w.pending_alphas = &alphas_view[0]
    w.pending_ends = &ends_view[0]
    w.pending_contexts = &contexts_view[0]
    w.context_capacity = context_capacity
    w.batch_inputs = &inputs_view[0]
    w.batch_scores = &scores_view[0]
    w.batch_gradients = &gradients_view[0]
    w.batch_gram = &gram_view[0]
    return centres, alphas, ends, contexts, inputs, scores, gradients, gram


# --------------------------------------------------------------------------------------------
# Objectives: one `*_train_centre` each, same signature, chosen once in KernelModel
# --------------------------------------------------------------------------------------------

cdef double ns_pair(const Model *m, Worker *w, float *input_vector, int32_t target,
                    const int32_t *noise, int n_noise, float alpha) noexcept nogil:
    """Negative sampling for one (centre, context) pair (docs/math.md, "Negative sampling")."""
    cdef int d = m.dim
    cdef int k
    cdef double loss
    memset(w.gradient, 0, d * sizeof(float))
    loss = pair_step(m, input_vector, m.output_vectors + <int64_t>target * d, 1.0, alpha,
                     w.gradient)
    for k in range(n_noise):
        if noise[k] == target:  # a noise draw of the true context is skipped, as word2vec.c
            continue
        loss += pair_step(m, input_vector, m.output_vectors + <int64_t>noise[k] * d, 0.0,
                          alpha, w.gradient)
    add_input_step(m, input_vector, w.gradient)
    return loss


cdef void ns_train_centre(const Model *m, Worker *w, int32_t centre, const int32_t *contexts,
                          int n_contexts, float alpha) noexcept nogil:
    """Negative sampling for a window, pair by pair, each with its own K noise words. Each
    context word's input vector predicts the centre (word2vec's orientation), so the
    centre's output row, read by every pair of the window, stays in the cache."""
    cdef int K = m.negative
    cdef int64_t i  # indexes the noise buffer of n_contexts * K entries: 64 bits
    # All noise words of the window are drawn first so that their rows can be prefetched.
    for i in range(<int64_t>n_contexts * K):
        w.noise[i] = draw_noise_word(m, &w.rng)
    if n_contexts:
        prefetch_noise(m, w.noise, K)
    for i in range(n_contexts):
        # Software pipelining: the next pair's rows load while this pair computes.
        if i + 1 < n_contexts:
            prefetch_noise(m, w.noise + (i + 1) * K, K)
        w.loss += ns_pair(m, w, m.input_vectors + <int64_t>contexts[i] * m.dim, centre,
                          w.noise + i * K, K, alpha)
    w.pairs += n_contexts


cdef double window_step(const Model *m, Worker *w, const int32_t *contexts, int n_contexts,
                        const int32_t *rows, const float *labels, int n_rows,
                        float alpha) noexcept nogil:
    """One logistic step for a whole window (docs/math.md, "Window steps"): each of the
    window's B context input rows against each of N output rows, with labels[j] the target of
    output row j. Shared by negative sampling's shared-negatives mode (the rows are the centre,
    label 1, and the noise words, label 0) and hierarchical softmax (the inner nodes on the
    centre's Huffman path, label 1 - code bit): in word2vec's orientation, where the context
    predicts the centre, all pairs of a window have the same output rows.

    With C the B context rows and O the N output rows: scores S = C O^T (B x N), steps
    G = alpha (labels - sigmoid(S)), then C += G O and O += G^T C. Both updates are computed
    from the values before the step, so the window takes one exact gradient step on its summed
    loss (a context occurring twice gets both contributions). Returns that loss, measured
    before the step."""
    cdef int d = m.dim, b, j
    cdef float *scores
    cdef double loss = 0.0
    sg_window_scores(w.window_scores, m.input_vectors, contexts, n_contexts, m.output_vectors,
                     rows, n_rows, d)
    if m.compute_loss:
        for b in range(n_contexts):
            scores = w.window_scores + <int64_t>b * n_rows
            for j in range(n_rows):
                loss += neg_log_sigmoid(scores[j] if labels[j] > 0.5 else -scores[j])
    sg_window_steps(w.window_scores, n_contexts, n_rows, labels, alpha)
    # O's update waits in a buffer while C moves, because C's update must read the old O.
    sg_output_updates(w.output_updates, w.window_scores, m.input_vectors, contexts, n_contexts,
                      n_rows, d)
    move_contexts(m, w, contexts, n_contexts, rows, n_rows)
    sg_move_outputs(m.output_vectors, rows, n_rows, w.output_updates, d)
    return loss


cdef double ns_shared_window(const Model *m, Worker *w, int32_t centre,
                             const int32_t *contexts, int n_contexts, const int32_t *noise,
                             int n_noise, float alpha) noexcept nogil:
    """Negative sampling for a whole window with one set of noise words shared by all its
    context words (HogBatch; docs/math.md, "Shared negatives"): a `window_step` against the
    centre's output row (label 1) and the noise words' (label 0). `w.window_labels` holds
    1, 0, 0, ... from the start."""
    cdef int n_rows = 1, k
    w.window_rows[0] = centre
    for k in range(n_noise):
        if noise[k] == centre:  # a noise draw of the true target is skipped, as per pair
            continue
        w.window_rows[n_rows] = noise[k]
        n_rows += 1
    return window_step(m, w, contexts, n_contexts, w.window_rows, w.window_labels, n_rows,
                       alpha)


cdef void ns_shared_train_centre(const Model *m, Worker *w, int32_t centre,
                                 const int32_t *contexts, int n_contexts,
                                 float alpha) noexcept nogil:
    cdef int k, K = m.negative
    cdef int32_t *noise
    cdef int32_t *next_noise
    if n_contexts == 0:
        return
    if w.noise_slot < 0:
        w.noise_slot = 0
        for k in range(K):
            w.noise[k] = draw_noise_word(m, &w.rng)
    # The next window's noise words are drawn now, so that their rows load while this window
    # computes: each window starts with all its output rows on the way (its centre's row is
    # prefetched by train_sentence), instead of waiting for them one miss at a time.
    noise = w.noise + <int64_t>w.noise_slot * K
    next_noise = w.noise + <int64_t>(1 - w.noise_slot) * K
    for k in range(K):
        next_noise[k] = draw_noise_word(m, &w.rng)
        sg_prefetch_row(m.output_vectors + <int64_t>next_noise[k] * m.dim, m.dim)
    w.loss += ns_shared_window(m, w, centre, contexts, n_contexts, noise, K, alpha)
    w.noise_slot = 1 - w.noise_slot
    w.pairs += n_contexts


cdef inline void prefetch_noise(const Model *m, const int32_t *noise, int n_noise) noexcept nogil:
    """Ask for a pair's noise rows before they are needed: they are scattered over a matrix
    far larger than the cache, and waiting for each miss in turn dominated the run time."""
    cdef int k
    for k in range(n_noise):
        sg_prefetch_row(m.output_vectors + <int64_t>noise[k] * m.dim, m.dim)


cdef void hs_train_centre(const Model *m, Worker *w, int32_t centre, const int32_t *contexts,
                          int n_contexts, float alpha) noexcept nogil:
    """Hierarchical softmax for a window (docs/math.md, "Hierarchical softmax"): every
    context word predicts the centre, so the window's pairs walk one Huffman path, the
    centre's, and take one `window_step` against its inner nodes, label 1 - code bit."""
    cdef int64_t first = m.code_offsets[centre]
    cdef int n_rows = <int>(m.code_offsets[centre + 1] - first), j
    if n_contexts == 0 or n_rows == 0:
        return
    for j in range(n_rows):
        w.window_labels[j] = 1.0 - m.codes[first + j]
    w.loss += window_step(m, w, contexts, n_contexts, m.points + first, w.window_labels,
                          n_rows, alpha)
    w.pairs += n_contexts


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
    cdef int d = m.dim, V = m.vocab_size, B = w.n_pending, b, j, n, first, size, rows, start
    cdef int64_t k, begin = 0, end
    cdef float *row
    cdef float *scores = w.batch_scores
    cdef float *gram = w.batch_gram
    cdef float alpha, beta
    cdef double loss = 0.0, context_scores
    cdef char transpose = b'T', no_transpose = b'N', upper = b'U'
    cdef int32_t earlier[SOFTMAX_BLOCK]
    cdef float weights[SOFTMAX_BLOCK]
    for b in range(B):
        memcpy(w.batch_inputs + <int64_t>b * d,
               m.input_vectors + <int64_t>w.pending_centres[b] * d, d * sizeof(float))
    # S and D in slices of the vocabulary, each small enough (rows x B x d <= SMALL_GEMM) for
    # OpenBLAS's small-matrix kernels, which work on the matrices in place: on whole matrices
    # it first copies U into its packed layout, and with B ~ 10 centres the copy took as long
    # as the arithmetic (D: 28 -> 64 GFLOP/s per core, S: 28 -> 36).
    rows = max(8, min(<int>SMALL_TN_OUTPUT // B, <int>SMALL_GEMM // (B * d)))
    start = 0
    while start < V:
        size = min(rows, V - start)
        sgemm(&transpose, &no_transpose, &size, &B, &d, &ONE_F,
              m.output_vectors + <int64_t>start * d, &d, w.batch_inputs, &d, &ZERO_F,
              scores + start, &V)
        start += size
    sgemm(&transpose, &no_transpose, &B, &B, &d, &ONE_F, w.batch_inputs, &d, w.batch_inputs,
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
            end = w.pending_ends[b]
            n = <int>(end - begin)
            alpha = w.pending_alphas[b]
            context_scores = 0.0
            for k in range(begin, end):
                context_scores += row[w.pending_contexts[k]]
            # n log Σ exp(s) - Σ_c s_c, and the row becomes alpha n softmax(s) ...
            loss += n * sg_softmax_row(row, V, alpha * n) - context_scores
            for k in range(begin, end):  # ... minus alpha for each context (twice if twice)
                row[w.pending_contexts[k]] -= alpha
            begin = end
        first += size
    rows = max(8, <int>SMALL_GEMM // (B * d))
    start = 0
    beta = 0.0  # the first slice sets D, the others add to it
    while start < V:
        size = min(rows, V - start)
        sgemm(&no_transpose, &no_transpose, &d, &B, &size, &MINUS_ONE_F,
              m.output_vectors + <int64_t>start * d, &d, scores + start, &V, &beta,
              w.batch_gradients, &d)
        beta = 1.0
        start += size
    if B > 1:
        # M = E E^T into the upper triangle (column-major); then keep only row < column,
        # i.e. the pairs (j, b) with j < b, and add X^T M to D^T.
        ssyrk(&upper, &transpose, &B, &V, &ONE_F, scores, &V, &ZERO_F, gram, &B)
        for b in range(B):
            for j in range(b, B):
                gram[<int64_t>b * B + j] = 0.0  # column b, rows b.. (diagonal and below)
        sgemm(&no_transpose, &no_transpose, &d, &B, &B, &ONE_F, w.batch_inputs, &d, gram, &B,
              &ONE_F, w.batch_gradients, &d)
    sgemm(&no_transpose, &transpose, &d, &V, &B, &MINUS_ONE_F, w.batch_inputs, &d, scores, &V,
          &ONE_F, m.output_vectors, &d)
    for b in range(B):
        add_input_step(m, m.input_vectors + <int64_t>w.pending_centres[b] * d,
                       w.batch_gradients + <int64_t>b * d)
    w.pairs += w.pending_ends[B - 1]
    w.n_pending = 0
    return loss


cdef inline void softmax_flush(const Model *m, Worker *w) noexcept nogil:
    """Take the step for whatever centres are queued (at the end of every batch)."""
    if w.n_pending > 0:
        w.loss += softmax_minibatch(m, w)


cdef void softmax_train_centre(const Model *m, Worker *w, int32_t centre,
                               const int32_t *contexts, int n_contexts,
                               float alpha) noexcept nogil:
    """Queue the centre and its contexts. The queued minibatch takes its step when it is full,
    or first, when this centre word is already in it."""
    cdef int b = w.n_pending, j
    cdef int64_t begin
    if n_contexts == 0:
        return
    # A minibatch never holds a centre word twice: its steps are then exactly the sequential
    # ones (softmax_minibatch reads each centre's input vector once, at the start).
    for j in range(b):
        if w.pending_centres[j] == centre:
            softmax_flush(m, w)
            b = 0
            break
    begin = w.pending_ends[b - 1] if b > 0 else 0
    if begin + n_contexts > w.context_capacity:  # only with windows far beyond real use
        softmax_flush(m, w)
        b = 0
        begin = 0
    w.pending_centres[b] = centre
    w.pending_alphas[b] = alpha
    memcpy(w.pending_contexts + begin, contexts, n_contexts * sizeof(int32_t))
    w.pending_ends[b] = begin + n_contexts
    w.n_pending = b + 1
    if w.n_pending == m.softmax_batch:
        softmax_flush(m, w)


# --------------------------------------------------------------------------------------------
# Batch driver
# --------------------------------------------------------------------------------------------

cdef int64_t train_sentence(const Model *m, Worker *w, train_centre_fn train_centre,
                            const int32_t *words, int length, float alpha) noexcept nogil:
    """Subsample one sentence, then train every kept word as a centre with a reduced window.
    Returns how many words were kept."""
    cdef int i, n_kept = 0, n_contexts
    cdef int64_t j, reach, start, stop  # i + reach + 1 may pass a C int for a long sentence
    cdef int32_t word
    for i in range(length):
        word = words[i]
        # Discarded words leave the sentence, so the window reaches past them (word2vec.c).
        if m.keep_probability[word] >= 1.0 or random_unit(&w.rng) < m.keep_probability[word]:
            w.kept[n_kept] = word
            n_kept += 1
    for i in range(n_kept):
        if m.shrink_windows:  # word2vec's reduced window: near words are paired more often
            reach = 1 + <int64_t>random_below(&w.rng, <uint32_t>m.window)
        else:
            reach = m.window
        start = i - reach if i >= reach else 0
        stop = i + reach + 1 if i + reach + 1 <= n_kept else n_kept
        n_contexts = 0
        for j in range(start, stop):
            if j != i:
                w.contexts[n_contexts] = w.kept[j]
                n_contexts += 1
        if i + 1 < n_kept:  # the next centre's first row (Model.centre_rows) loads meanwhile
            sg_prefetch_row(m.centre_rows + <int64_t>w.kept[i + 1] * m.dim, m.dim)
        train_centre(m, w, w.kept[i], w.contexts, n_contexts, alpha)
    return n_kept


def train_batch(KernelModel model, KernelWorker worker, const int32_t[::1] words,
                const int64_t[::1] sentence_ends, float alpha_start, float alpha_end):
    """Train on one batch of sentences, without the GIL.

    `words` holds the in-vocabulary word ids of the batch's sentences back to back; sentence s is
    words[sentence_ends[s - 1]:sentence_ends[s]]. The learning rate moves linearly from
    `alpha_start` to `alpha_end` across the batch, sentence by sentence.

    Returns (kept_words, pairs, loss): words trained after subsampling, (centre, context) pairs
    trained, and the float64 sum of their losses.
    """
    cdef Model *m = &model.model
    cdef Worker *w = &worker.worker
    cdef Py_ssize_t n_words = words.shape[0], n_sentences = sentence_ends.shape[0]
    cdef Py_ssize_t s
    cdef int64_t begin = 0, end, kept = 0, longest = 0
    cdef float alpha
    cdef unsigned int float_mode
    cdef train_centre_fn train_centre = model.train_centre
    if n_words == 0:
        return 0, 0, 0.0
    ids = np.asarray(words)
    if ids.min() < 0 or ids.max() >= m.vocab_size:
        raise ValueError("word ids outside the vocabulary")
    ends = np.asarray(sentence_ends)
    if n_sentences == 0 or ends[n_sentences - 1] != n_words or ends[0] < 0 or np.any(np.diff(ends) < 0):
        raise ValueError("sentence_ends must rise to len(words)")
    longest = max(int(ends[0]), int(np.max(np.diff(ends))) if n_sentences > 1 else 0)
    if longest > 2**31 - 1:
        raise ValueError("a sentence is longer than 2**31 - 1 words")
    worker.reserve_sentence(longest)
    w.loss = 0.0
    w.pairs = 0
    with nogil:
        float_mode = sg_flush_denormals()
        for s in range(n_sentences):
            end = sentence_ends[s]
            alpha = alpha_start + (alpha_end - alpha_start) * (<float>begin / <float>n_words)
            kept += train_sentence(m, w, train_centre, &words[begin], <int>(end - begin), alpha)
            begin = end
        softmax_flush(m, w)  # a batch ends with no centre waiting (none but for the softmax)
        sg_restore_float_mode(float_mode)
    return kept, w.pairs, w.loss


# --------------------------------------------------------------------------------------------
# Samplers built once per vocabulary
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


def draw_noise(KernelModel model, uint64_t seed, Py_ssize_t n):
    """`n` draws from the model's noise distribution (exposed to test the sampler)."""
    if model.objective != "ns":
        raise ValueError("the model has no noise distribution (objective is not 'ns')")
    cdef uint64_t state = seed_state(seed)
    out = np.empty(n, dtype=np.int32)
    cdef int32_t[::1] draws = out
    cdef Py_ssize_t i
    with nogil:
        for i in range(n):
            draws[i] = draw_noise_word(&model.model, &state)
    return out


# --------------------------------------------------------------------------------------------
# Test entry points: one update on given vectors, through the same code as training
# --------------------------------------------------------------------------------------------

def sgns_update(float[::1] input_vector, float[:, ::1] output_vectors, int target,
                const int32_t[::1] negatives, float alpha, const float[::1] input_lockf=None
                ) -> float:
    """One negative-sampling step for the pair (input_vector, target) with the given noise words,
    updating `input_vector` and rows of `output_vectors` in place. Returns the pair's loss before
    the step. `input_lockf`: the input vector's learning-rate factor, in a 1-element array."""
    cdef Model m
    cdef Worker w
    _check_update_args(input_vector, output_vectors, [target], negatives)
    gradient = np.zeros(input_vector.shape[0], dtype=np.float32)
    _fill_test_state(&m, &w, input_vector, output_vectors, gradient)
    if input_lockf is not None:
        m.input_lockf = lockf_pointer(input_lockf, 1)
    cdef const int32_t *noise = &negatives[0] if negatives.shape[0] else NULL
    return ns_pair(&m, &w, &input_vector[0], target, noise, <int>negatives.shape[0], alpha)


def shared_negatives_update(float[:, ::1] input_vectors, float[:, ::1] output_vectors,
                            int centre, const int32_t[::1] contexts,
                            const int32_t[::1] negatives, float alpha,
                            const float[::1] input_lockf=None) -> float:
    """One shared-negatives step for the window of `centre` (docs/math.md, "Shared
    negatives"): the input rows of `contexts` each predict `centre`'s output row against the
    output rows of `negatives`, updating both matrices in place. Returns the window's loss
    before the step. `input_lockf`: a learning-rate factor per input row, or None."""
    cdef Model m
    cdef Worker w
    cdef Py_ssize_t n_contexts = contexts.shape[0]
    if n_contexts == 0:
        raise ValueError("contexts must not be empty")
    if input_vectors.shape[1] != output_vectors.shape[1]:
        raise ValueError("input and output vectors must have the same dimension")
    if np.min(contexts) < 0 or np.max(contexts) >= input_vectors.shape[0]:
        raise ValueError("context ids outside input_vectors")
    _check_update_args(input_vectors[0], output_vectors, [centre], negatives)
    memset(&m, 0, sizeof(Model))
    memset(&w, 0, sizeof(Worker))
    m.dim = <int>input_vectors.shape[1]
    m.vocab_size = <int>input_vectors.shape[0]
    m.input_vectors = &input_vectors[0, 0]
    m.output_vectors = &output_vectors[0, 0]
    m.compute_loss = True
    if input_lockf is not None:
        m.input_lockf = lockf_pointer(input_lockf, input_vectors.shape[0])
    buffers = attach_window_buffers(&w, n_contexts, 1 + negatives.shape[0], m.dim)
    cdef const int32_t *noise = &negatives[0] if negatives.shape[0] else NULL
    return ns_shared_window(&m, &w, centre, &contexts[0], <int>n_contexts, noise,
                            <int>negatives.shape[0], alpha)


def hs_update(float[::1] input_vector, float[:, ::1] inner_vectors, const uint8_t[::1] code,
              const int32_t[::1] points, float alpha, const float[::1] input_lockf=None
              ) -> float:
    """One hierarchical-softmax step towards the word with Huffman `code` along inner nodes
    `points`, updating in place: a window of one context word. Returns the pair's loss before
    the step. `input_lockf`: the input vector's learning-rate factor, in a 1-element array."""
    cdef Model m
    cdef Worker w
    cdef int32_t context = 0
    if code.shape[0] != points.shape[0] or code.shape[0] == 0:
        raise ValueError("code and points must be non-empty and of equal length")
    if len(set(np.asarray(points).tolist())) != points.shape[0]:
        raise ValueError("a Huffman path visits each inner node once")
    _check_update_args(input_vector, inner_vectors, points, None)
    offsets = np.array([0, code.shape[0]], dtype=np.int64)
    cdef const int64_t[::1] offsets_view = offsets
    gradient = np.zeros(input_vector.shape[0], dtype=np.float32)
    _fill_test_state(&m, &w, input_vector, inner_vectors, gradient)
    m.input_vectors = &input_vector[0]  # a one-row input matrix: the context is row 0
    if input_lockf is not None:
        m.input_lockf = lockf_pointer(input_lockf, 1)
    m.code_offsets = &offsets_view[0]
    m.codes = &code[0]
    m.points = &points[0]
    buffers = attach_window_buffers(&w, 1, code.shape[0], m.dim)
    hs_train_centre(&m, &w, 0, &context, 1, alpha)
    return w.loss


def softmax_update(float[::1] input_vector, float[:, ::1] output_vectors,
                   const int32_t[::1] contexts, float alpha, input_lockf=None) -> float:
    """One exact-softmax step for a centre (input_vector) and its context words, updating in
    place: a minibatch of one centre. Returns the window's loss before the step.
    `input_lockf`: the input vector's learning-rate factor, in a 1-element array."""
    if contexts.shape[0] == 0:
        raise ValueError("contexts must not be empty")
    inputs = np.asarray(input_vector)[None, :]  # a 1 x d view: the update lands in place
    return softmax_minibatch_update(inputs, output_vectors, np.zeros(1, np.int32),
                                    np.array([contexts.shape[0]], np.int64), contexts,
                                    np.array([alpha], np.float32), input_lockf)


def softmax_minibatch_update(float[:, ::1] input_vectors, float[:, ::1] output_vectors,
                             const int32_t[::1] centres, const int64_t[::1] context_ends,
                             const int32_t[::1] contexts, const float[::1] alphas,
                             const float[::1] input_lockf=None) -> float:
    """One exact-softmax minibatch step, through the code that training runs: centre b is row
    centres[b] of `input_vectors`, its contexts are contexts[context_ends[b - 1]:context_ends[b]]
    and its learning rate alphas[b]. Updates both matrices in place; returns the minibatch's
    loss before the step. `input_lockf`: a learning-rate factor per input row, or None."""
    cdef Model m
    cdef Worker w
    cdef Py_ssize_t n_centres = centres.shape[0]
    if n_centres == 0 or context_ends.shape[0] != n_centres or alphas.shape[0] != n_centres:
        raise ValueError("centres, context_ends and alphas must be non-empty and equally long")
    ends = np.asarray(context_ends)
    if ends[n_centres - 1] != contexts.shape[0] or ends[0] < 1 or np.any(np.diff(ends) < 1):
        raise ValueError("context_ends must rise to len(contexts), every centre with a context")
    if input_vectors.shape[1] != output_vectors.shape[1]:
        raise ValueError("input and output vectors must have the same dimension")
    if np.min(centres) < 0 or np.max(centres) >= input_vectors.shape[0]:
        raise ValueError("centre ids outside input_vectors")
    _check_update_args(input_vectors[0], output_vectors, contexts, None)
    memset(&m, 0, sizeof(Model))
    memset(&w, 0, sizeof(Worker))
    m.dim = <int>input_vectors.shape[1]
    m.vocab_size = <int>output_vectors.shape[0]
    m.input_vectors = &input_vectors[0, 0]
    m.output_vectors = &output_vectors[0, 0]
    m.compute_loss = True
    m.softmax_batch = <int>n_centres
    if input_lockf is not None:
        m.input_lockf = lockf_pointer(input_lockf, input_vectors.shape[0])
    buffers = attach_softmax_buffers(&w, n_centres, contexts.shape[0], m.vocab_size, m.dim)
    cdef int32_t[::1] pending_centres = buffers[0]
    cdef float[::1] pending_alphas = buffers[1]
    cdef int64_t[::1] pending_ends = buffers[2]
    cdef int32_t[::1] pending_contexts = buffers[3]
    pending_centres[:] = centres
    pending_alphas[:] = alphas
    pending_ends[:] = context_ends
    pending_contexts[:] = contexts
    w.n_pending = <int>n_centres
    return softmax_minibatch(&m, &w)


def softmax_row(float[::1] row, float weight) -> float:
    """The minibatch's per-row softmax, in place: row becomes weight * softmax(row). Returns
    the log normaliser log Σ exp(row) (exposed to test the vectorised exp)."""
    if row.shape[0] == 0:
        raise ValueError("row must not be empty")
    return sg_softmax_row(&row[0], <int>row.shape[0], weight)


def _check_update_args(float[::1] input_vector, float[:, ::1] output_vectors, rows, negatives):
    if output_vectors.shape[1] != input_vector.shape[0]:
        raise ValueError("input_vector and output_vectors must have the same dimension")
    for ids in (rows, negatives):
        ids = np.asarray(ids if ids is not None else [], dtype=np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= output_vectors.shape[0]):
            raise ValueError("row ids outside output_vectors")


cdef void _fill_test_state(Model *m, Worker *w, float[::1] input_vector,
                           float[:, ::1] output_vectors, float[::1] gradient):
    memset(m, 0, sizeof(Model))
    memset(w, 0, sizeof(Worker))
    m.dim = <int>input_vector.shape[0]
    m.vocab_size = <int>output_vectors.shape[0]
    m.input_vectors = &input_vector[0]  # row 0 of a one-row input matrix (add_input_step)
    m.output_vectors = &output_vectors[0, 0]
    m.compute_loss = True
    w.gradient = &gradient[0]
