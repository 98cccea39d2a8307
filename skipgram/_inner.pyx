# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Skip-gram training kernels.

Bounds checks and wraparound are off for the whole module: every index used inside a nogil loop is
a word id that `KernelModel` / `train_batch` validated against the vocabulary size once, at the
Python boundary, or a position inside a buffer whose size was checked there too.

The module is one compiled extension, in several files:
    _kernel.pxd               what every objective shares: the common `Model` and `Worker`, the
                              RNG, the loss of a score and the steps (add_input_step,
                              move_contexts, window_step), all inline
    _negative_sampling.pxi    negative sampling, per pair or with negatives shared by a window,
                              and its noise table (build_alias_table)
    _hierarchical_softmax.pxi hierarchical softmax
    _exact_softmax.pxi        the exact softmax, by minibatches of centres with BLAS
    this file                 KernelModel and KernelWorker, the objectives by name
                              (OBJECTIVE_TABLES), the batch driver (subsampling, reduced window,
                              learning-rate interpolation: `train_batch`)
    _inner_checks.pxi         test entry points: one update on given vectors, for the gradient
                              tests
Each objective file holds the objective's own struct (its tables, reached through
`Model.objective`), its per-worker struct (`Worker.scratch`), its `*_train_centre` (the same
signature for all, chosen once, when the KernelModel is built) and the cdef classes that check
its tables and allocate its buffers. A new objective is a new file like these, one line in
OBJECTIVE_TABLES, its descriptor in skipgram/objectives.py and its section of docs/math.md.

The dense vector loops (dot products, row updates, the softmax's exponentials), prefetching and
the denormal mode are C, in the headers declared by _c_helpers.pxd (_simd.h says why).

Orientation (docs/math.md, "Pairs and windows"): negative sampling and hierarchical softmax take
word2vec's, each context word's input vector predicting the centre through the centre's output
row(s); the exact softmax keeps the centre as input, one distribution over the vocabulary serving
all its contexts. Every update follows docs/math.md.
"""

import numpy as np

cimport numpy as cnp
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy, memset
from scipy.linalg.cython_blas cimport sgemm, ssyrk

# The dense vector loops, prefetching and the denormal mode are C, in the headers beside this
# file (_simd.h, _prefetch.h, _float_mode.h, _rng.h).
from skipgram._c_helpers cimport (
    sg_add_weighted_rows,
    sg_flush_denormals,
    sg_load_private_rows,
    sg_merge_private_rows,
    sg_ns_pair,
    sg_prefetch_row,
    sg_restore_float_mode,
    sg_row,
    sg_rows,
    sg_softmax_row,
    sg_splitmix64_seed,
)
from skipgram._kernel cimport (
    Model,
    WindowBuffers,
    Worker,
    add_input_step,
    finish_batch_fn,
    neg_log_sigmoid,
    next_random,
    random_below,
    random_unit,
    train_centre_fn,
    window_step,
)

cnp.import_array()


cdef uint64_t seed_state(uint64_t seed) noexcept nogil:
    """splitmix64 scramble, so that nearby seeds give unrelated, never-zero xorshift states."""
    return sg_splitmix64_seed(seed)


# --------------------------------------------------------------------------------------------
# An objective's part of the model and of each worker (one subclass each, in its file)
# --------------------------------------------------------------------------------------------

cdef enum PrivateRows:
    # Where in the output matrix a worker's private copies lie (ObjectiveTables.private_rows_at)
    PRIVATE_FIRST_ROWS      # rows [0, count): the most frequent words' (negative sampling)
    PRIVATE_LAST_ROWS       # rows [V - count, V): the inner nodes nearest the Huffman root
    PRIVATE_ALL_ROWS        # the whole matrix, or nothing when it is too big (exact softmax)


cdef class ObjectiveTables:
    """One objective's part of a KernelModel: its tables, checked once at the Python boundary
    (its subclass's __init__, given the model, `negative` and the objective's own keyword
    arguments, named in ARGUMENTS), and the kernel functions that train with them."""

    ARGUMENTS = ()

    cdef const void *pointer         # the objective's struct (Model.objective), in the subclass
    cdef train_centre_fn train_centre
    cdef finish_batch_fn finish_batch  # NULL: the objective holds nothing back between centres
    cdef const float *centre_rows    # what train_sentence prefetches (Model.centre_rows)
    # Which output rows a worker may keep private copies of (Worker.outputs): the first ones
    # or the last ones of the output matrix, whichever every pair touches most, or all of them
    # (the exact softmax, whose BLAS products take one whole matrix and touch every row).
    cdef PrivateRows private_rows_at

    cdef ObjectiveScratch new_scratch(self, const Model *m):
        """A worker's buffers for this objective."""
        raise NotImplementedError


cdef class ObjectiveScratch:
    """One worker's buffers for its objective; the subclass holds the struct and the arrays."""

    cdef void *pointer               # the objective's per-worker struct (Worker.scratch)


# --------------------------------------------------------------------------------------------
# Model and worker state
# --------------------------------------------------------------------------------------------

cdef class KernelModel:
    """The arrays one training run works on, validated once and held as raw pointers.

    The arrays are shared, not copied: training updates `input_vectors` and `output_vectors` in
    place. Rebuild a KernelModel whenever any array is replaced (e.g. the vocabulary grew).

    `tables` are the objective's own keyword arguments (its `ObjectiveTables` subclass's):
    `noise_threshold`, `noise_alias` and `shared_negatives` for "ns"; `code_offsets`, `codes`
    and `points` for "hs"; `softmax_batch` for "softmax"."""

    cdef Model model
    cdef readonly str objective
    cdef readonly ObjectiveTables tables  # the objective's part (`tables.shared_negatives`, ...)
    # Memoryviews keep the arrays alive while the raw pointers in `model` are in use.
    cdef float[:, ::1] _input
    cdef float[:, ::1] _output
    cdef const float[::1] _keep
    cdef const float[::1] _lockf
    cdef int[::1] _merge_lock         # Model.merge_lock, on a cache line of its own

    def __init__(self, str objective, float[:, ::1] input_vectors, float[:, ::1] output_vectors,
                 const float[::1] keep_probability, Py_ssize_t window, Py_ssize_t negative=0,
                 *, bint compute_loss=False, bint shrink_windows=True,
                 const float[::1] input_lockf=None, **tables):
        cdef Py_ssize_t vocab_size = input_vectors.shape[0]
        if objective not in OBJECTIVE_TABLES:
            raise ValueError(f"unknown objective {objective!r}; expected one of {OBJECTIVES}")
        _check_objective_arguments(objective, tables)
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
        self.model.input_vectors = &input_vectors[0, 0]
        self.model.output_vectors = &output_vectors[0, 0] if output_vectors.shape[0] else NULL
        self.model.vocab_size = <int>vocab_size
        self.model.dim = <int>input_vectors.shape[1]
        self.model.window = <int>window
        self.model.keep_probability = &keep_probability[0]
        self.model.compute_loss = compute_loss
        self.model.shrink_windows = shrink_windows
        self.tables = OBJECTIVE_TABLES[objective](self, negative, **tables)
        self.model.objective = self.tables.pointer
        self.model.centre_rows = self.tables.centre_rows
        self._merge_lock = private_zeros(1, np.intc)
        self.model.merge_lock = &self._merge_lock[0]
        if input_lockf is not None:
            self.model.input_lockf = lockf_pointer(input_lockf, vocab_size)
            self._lockf = input_lockf

    @property
    def has_lockf(self) -> bool:
        """Whether input rows have learning-rate factors (`input_lockf`)."""
        return self.model.input_lockf != NULL

    @property
    def dim(self) -> int:
        return self.model.dim

    @property
    def vocab_size(self) -> int:
        return self.model.vocab_size


def _check_objective_arguments(str objective, dict tables):
    """Refuse another objective's keyword arguments by name (its __init__ would only say that
    the argument is unexpected)."""
    for name in tables:
        owners = [o for o, cls in OBJECTIVE_TABLES.items() if name in cls.ARGUMENTS]
        if objective not in owners:
            needs = f"objective {owners[0]!r}" if owners else "no objective"
            raise ValueError(f"{name} needs {needs}, got {objective!r}")


# How often a worker's private rows are merged into the shared matrix, in centres: often
# enough that the other workers see its updates of the most frequent rows while they are
# fresh, rarely enough that the merge (reading and writing every private row) stays a few
# per cent of the time. docs/benchmarks.md, "Private rows".
MERGE_EVERY_CENTRES = 1024


cdef class KernelWorker:
    """One training thread's private state: its RNG and scratch buffers (never shared, so threads
    do not contend on them).

    `private_rows`: how many of the output rows every pair touches this worker trains in
    private copies, merged into the shared matrix every `merge_every` centres and at the
    end of every batch (Worker.outputs; `private_output_rows` chooses the number). 0, the
    default, trains the shared rows directly. Capped at the output matrix's rows. The exact
    softmax, whose every step touches every row, takes all rows for any positive number, or
    none when the matrix is larger than SOFTMAX_PRIVATE_BYTES."""

    cdef Worker *worker                 # on cache lines of its own (private_struct)
    cdef list _memory
    cdef int32_t[::1] _kept
    cdef int32_t[::1] _contexts
    cdef ObjectiveScratch _scratch
    cdef KernelModel _model             # keeps Model.merge_lock and the matrices alive
    cdef float[::1] _private_rows
    cdef float[::1] _private_base

    def __init__(self, KernelModel model, uint64_t seed, Py_ssize_t private_rows=0,
                 Py_ssize_t merge_every=MERGE_EVERY_CENTRES):
        cdef Model *m = &model.model
        cdef Py_ssize_t rows = model._output.shape[0]
        if private_rows < 0:
            raise ValueError(f"private_rows must be >= 0, got {private_rows}")
        if not 1 <= merge_every <= INT32_MAX:
            raise ValueError(f"merge_every must be in [1, {INT32_MAX}], got {merge_every}")
        self._model = model
        self._memory = []
        self.worker = <Worker *>private_struct(sizeof(Worker), self._memory)
        self._kept = private_zeros(1024, np.int32)
        self._contexts = private_zeros(2 * <Py_ssize_t>m.window, np.int32)
        self._scratch = model.tables.new_scratch(m)
        self.worker.rng = seed_state(seed)
        self.worker.merge_every = <int>merge_every
        self.worker.kept = &self._kept[0]
        self.worker.contexts = &self._contexts[0]
        self.worker.scratch = self._scratch.pointer
        self.worker.outputs.shared = m.output_vectors
        if model.tables.private_rows_at == PRIVATE_ALL_ROWS and private_rows > 0:
            private_rows = rows if rows * m.dim * 4 <= SOFTMAX_PRIVATE_BYTES else 0
        private_rows = min(private_rows, rows)
        if private_rows > 0:
            self._private_rows = private_zeros(private_rows * m.dim, np.float32)
            self._private_base = private_zeros(private_rows * m.dim, np.float32)
            self.worker.outputs.private_rows = &self._private_rows[0]
            self.worker.private_base = &self._private_base[0]
            self.worker.outputs.count = <int32_t>private_rows
            first = rows - private_rows if model.tables.private_rows_at == PRIVATE_LAST_ROWS else 0
            self.worker.outputs.first = <int32_t>first

    @property
    def private_rows(self) -> tuple[int, int]:
        """The output rows this worker trains in private copies: (first, count)."""
        return self.worker.outputs.first, self.worker.outputs.count

    cdef void reserve_sentence(self, Py_ssize_t length):
        if length > self._kept.shape[0]:
            self._kept = private_zeros(length, np.int32)
            self.worker.kept = &self._kept[0]


# The private copies of the output rows take this many bytes per worker (twice: the rows and
# their values at the last merge), which keeps the rows a worker trains most in its L2 cache.
PRIVATE_ROW_BYTES = 512 * 1024


def private_output_rows(Py_ssize_t workers, Py_ssize_t dim) -> int:
    """How many output rows each of `workers` workers trains in private copies (KernelWorker's
    `private_rows`): none for one worker, which contends with nobody; otherwise as many rows of
    `dim` floats as PRIVATE_ROW_BYTES holds."""
    if workers < 2 or dim < 1:
        return 0
    return max(1, PRIVATE_ROW_BYTES // (4 * dim))


cdef inline void load_private_rows(const Model *m, Worker *w) noexcept nogil:
    """The worker's private rows from the shared matrix, at the start of a batch: between
    batches the matrix may have changed (other workers' merges, the caller's edits)."""
    if w.outputs.count > 0:
        sg_load_private_rows(m.output_vectors + <int64_t>w.outputs.first * m.dim,
                             w.outputs.private_rows, w.private_base,
                             <int64_t>w.outputs.count * m.dim)
    w.centres_since_merge = 0


cdef inline void merge_private_rows(const Model *m, Worker *w) noexcept nogil:
    """The worker's updates of its private rows since the last merge, into the shared matrix
    (sg_merge_private_rows)."""
    if w.outputs.count > 0:
        sg_merge_private_rows(m.output_vectors + <int64_t>w.outputs.first * m.dim,
                              w.outputs.private_rows, w.private_base,
                              <int64_t>w.outputs.count * m.dim, m.merge_lock)
    w.centres_since_merge = 0


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


cdef void *private_struct(Py_ssize_t size, list keep_alive) except NULL:
    """Zeroed memory for one worker's C struct, on cache lines of its own (private_zeros),
    kept alive by `keep_alive`. Inside its Python object a struct could share a line with
    another worker's object (small objects are allocated side by side), and its fields
    written every pair or centre (the noise slot, the loss tally, the RNG) would bounce that
    line between the cores."""
    memory = private_zeros(max(size, 1), np.uint8)
    keep_alive.append(memory)
    cdef uint8_t[::1] raw = memory
    return &raw[0]


cdef tuple attach_window_buffers(WindowBuffers *b, Py_ssize_t max_contexts, Py_ssize_t max_rows,
                                 Py_ssize_t dim):
    """Allocate `window_step`'s scratch, for windows of up to `max_contexts` context words
    against up to `max_rows` output rows, and point `b` at it. The labels start as 1, 0, 0, ...:
    the shared-negatives window's (hierarchical softmax writes its own). Returns the arrays
    that own the memory: keep them alive as long as `b` is in use."""
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
    b.rows = &rows_view[0]
    b.labels = &labels_view[0]
    b.scores = &scores_view[0]
    b.output_updates = &updates_view[0]
    return rows, labels, scores, updates


# --------------------------------------------------------------------------------------------
# The objectives
# --------------------------------------------------------------------------------------------

include "_negative_sampling.pxi"
include "_hierarchical_softmax.pxi"
include "_exact_softmax.pxi"

# The objectives by name: the part of the model each one adds (skipgram/objectives.py describes
# them for the Python side, under the same names).
OBJECTIVE_TABLES = {
    "ns": NegativeSamplingTables,
    "hs": HierarchicalSoftmaxTables,
    "softmax": ExactSoftmaxTables,
}
OBJECTIVES = tuple(OBJECTIVE_TABLES)


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
            if m.centre_rows == m.output_vectors:  # maybe one of the worker's private rows
                sg_prefetch_row(sg_row(&w.outputs, w.kept[i + 1], m.dim), m.dim)
            else:
                sg_prefetch_row(m.centre_rows + <int64_t>w.kept[i + 1] * m.dim, m.dim)
        train_centre(m, w, w.kept[i], w.contexts, n_contexts, alpha)
        if w.outputs.count > 0:
            w.centres_since_merge += 1
            if w.centres_since_merge >= w.merge_every:
                merge_private_rows(m, w)
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
    cdef Worker *w = worker.worker
    cdef Py_ssize_t n_words = words.shape[0], n_sentences = sentence_ends.shape[0]
    cdef Py_ssize_t s
    cdef int64_t begin = 0, end, kept = 0, longest = 0
    cdef float alpha
    cdef unsigned int float_mode
    cdef train_centre_fn train_centre = model.tables.train_centre
    cdef finish_batch_fn finish_batch = model.tables.finish_batch
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
        load_private_rows(m, w)
        for s in range(n_sentences):
            end = sentence_ends[s]
            alpha = alpha_start + (alpha_end - alpha_start) * (<float>begin / <float>n_words)
            kept += train_sentence(m, w, train_centre, &words[begin], <int>(end - begin), alpha)
            begin = end
        if finish_batch != NULL:  # a batch ends with nothing held back (only softmax queues)
            finish_batch(m, w)
        merge_private_rows(m, w)  # nor in private rows
        sg_restore_float_mode(float_mode)
    return kept, w.pairs, w.loss


include "_inner_checks.pxi"
