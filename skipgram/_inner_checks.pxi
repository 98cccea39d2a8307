# Test entry points: one update on given vectors, through the code that training runs, for the
# tests that check the kernels against the formulas (docs/math.md) and finite differences.
# Included by _inner.pyx. Each builds the common Model and its objective's structs on the stack
# around the caller's arrays.


def draw_noise(KernelModel model, uint64_t seed, Py_ssize_t n):
    """`n` draws from the model's noise distribution (exposed to test the sampler)."""
    if model.objective != "ns":
        raise ValueError("the model has no noise distribution (objective is not 'ns')")
    cdef uint64_t state = seed_state(seed)
    cdef const NegativeSampling *tables = <const NegativeSampling *>model.model.objective
    out = np.empty(n, dtype=np.int32)
    cdef int32_t[::1] draws = out
    cdef Py_ssize_t i
    with nogil:
        for i in range(n):
            draws[i] = draw_noise_word(tables, model.model.vocab_size, &state)
    return out


def sgns_update(float[::1] input_vector, float[:, ::1] output_vectors, int target,
                const int32_t[::1] negatives, float alpha, const float[::1] input_lockf=None
                ) -> float:
    """One negative-sampling step for the pair (input_vector, target) with the given noise words,
    updating `input_vector` and rows of `output_vectors` in place. Returns the pair's loss before
    the step. `input_lockf`: the input vector's learning-rate factor, in a 1-element array."""
    cdef Model m
    cdef NegativeSamplingScratch s
    _check_update_args(input_vector, output_vectors, [target], negatives)
    cdef Py_ssize_t n_rows = 1 + negatives.shape[0]
    cdef float[::1] gradient = np.zeros(input_vector.shape[0], dtype=np.float32)
    cdef int32_t[::1] rows = np.zeros(n_rows, dtype=np.int32)
    cdef float[::1] labels = np.zeros(n_rows, dtype=np.float32)
    cdef float[::1] scores = np.zeros(n_rows, dtype=np.float32)
    cdef float[::1] steps = np.zeros(n_rows, dtype=np.float32)
    labels[0] = 1.0
    _fill_test_model(&m, input_vector, output_vectors)
    memset(&s, 0, sizeof(NegativeSamplingScratch))
    s.gradient = &gradient[0]
    s.pair_rows = &rows[0]
    s.pair_labels = &labels[0]
    s.pair_scores = &scores[0]
    s.pair_steps = &steps[0]
    if input_lockf is not None:
        m.input_lockf = lockf_pointer(input_lockf, 1)
    cdef const int32_t *noise = &negatives[0] if negatives.shape[0] else NULL
    cdef sg_rows outputs = _shared_rows(&m)
    return ns_pair(&m, &s, &outputs, &input_vector[0], target, noise, <int>negatives.shape[0],
                   alpha)


def shared_negatives_update(float[:, ::1] input_vectors, float[:, ::1] output_vectors,
                            int centre, const int32_t[::1] contexts,
                            const int32_t[::1] negatives, float alpha,
                            const float[::1] input_lockf=None) -> float:
    """One shared-negatives step for the window of `centre` (docs/math.md, "Shared
    negatives"): the input rows of `contexts` each predict `centre`'s output row against the
    output rows of `negatives`, updating both matrices in place. Returns the window's loss
    before the step. `input_lockf`: a learning-rate factor per input row, or None."""
    cdef Model m
    cdef WindowBuffers b
    cdef Py_ssize_t n_contexts = contexts.shape[0]
    if n_contexts == 0:
        raise ValueError("contexts must not be empty")
    if input_vectors.shape[1] != output_vectors.shape[1]:
        raise ValueError("input and output vectors must have the same dimension")
    if np.min(contexts) < 0 or np.max(contexts) >= input_vectors.shape[0]:
        raise ValueError("context ids outside input_vectors")
    _check_update_args(input_vectors[0], output_vectors, [centre], negatives)
    _fill_test_model(&m, input_vectors[0], output_vectors)
    m.input_vectors = &input_vectors[0, 0]
    m.vocab_size = <int>input_vectors.shape[0]
    if input_lockf is not None:
        m.input_lockf = lockf_pointer(input_lockf, input_vectors.shape[0])
    buffers = attach_window_buffers(&b, n_contexts, 1 + negatives.shape[0], m.dim)
    cdef const int32_t *noise = &negatives[0] if negatives.shape[0] else NULL
    cdef sg_rows outputs = _shared_rows(&m)
    return ns_shared_window(&m, &b, &outputs, centre, &contexts[0], <int>n_contexts, noise,
                            <int>negatives.shape[0], alpha)


def hs_update(float[::1] input_vector, float[:, ::1] inner_vectors, const uint8_t[::1] code,
              const int32_t[::1] points, float alpha, const float[::1] input_lockf=None
              ) -> float:
    """One hierarchical-softmax step towards the word with Huffman `code` along inner nodes
    `points`, updating in place: a window of one context word. Returns the pair's loss before
    the step. `input_lockf`: the input vector's learning-rate factor, in a 1-element array."""
    cdef Model m
    cdef Worker w
    cdef HierarchicalSoftmax hs
    cdef WindowBuffers b
    cdef int32_t context = 0
    if code.shape[0] != points.shape[0] or code.shape[0] == 0:
        raise ValueError("code and points must be non-empty and of equal length")
    if len(set(np.asarray(points).tolist())) != points.shape[0]:
        raise ValueError("a Huffman path visits each inner node once")
    _check_update_args(input_vector, inner_vectors, points, None)
    cdef const int64_t[::1] offsets = np.array([0, code.shape[0]], dtype=np.int64)
    _fill_test_model(&m, input_vector, inner_vectors)  # the context is row 0 of a 1-row matrix
    if input_lockf is not None:
        m.input_lockf = lockf_pointer(input_lockf, 1)
    hs.code_offsets = &offsets[0]
    hs.codes = &code[0]
    hs.points = &points[0]
    m.objective = &hs
    buffers = attach_window_buffers(&b, 1, code.shape[0], m.dim)
    memset(&w, 0, sizeof(Worker))
    w.scratch = &b
    w.outputs = _shared_rows(&m)
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
    cdef SoftmaxBuffers buffers
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
    _fill_test_model(&m, input_vectors[0], output_vectors)
    m.input_vectors = &input_vectors[0, 0]
    if input_lockf is not None:
        m.input_lockf = lockf_pointer(input_lockf, input_vectors.shape[0])
    buffers = SoftmaxBuffers(n_centres, contexts.shape[0], m.vocab_size, m.dim)
    cdef SoftmaxScratch *s = buffers.softmax
    memcpy(s.pending_centres, &centres[0], n_centres * sizeof(int32_t))
    memcpy(s.pending_alphas, &alphas[0], n_centres * sizeof(float))
    memcpy(s.pending_ends, &context_ends[0], n_centres * sizeof(int64_t))
    memcpy(s.pending_contexts, &contexts[0], contexts.shape[0] * sizeof(int32_t))
    s.n_pending = <int>n_centres
    memset(&w, 0, sizeof(Worker))
    w.scratch = s
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


cdef sg_rows _shared_rows(const Model *m) noexcept:
    """The view of `m`'s output matrix without private rows, as one worker trains it."""
    cdef sg_rows rows
    memset(&rows, 0, sizeof(sg_rows))
    rows.shared = m.output_vectors
    return rows


def private_rows_merge(float[::1] shared, float[::1] private_rows, float[::1] base):
    """sg_merge_private_rows on three arrays of one length, in place (exposed to test the
    merge): shared += private - base, then private = base = shared."""
    if not shared.shape[0] == private_rows.shape[0] == base.shape[0]:
        raise ValueError("shared, private_rows and base must have the same length")
    cdef int lock = 0
    if shared.shape[0]:
        sg_merge_private_rows(&shared[0], &private_rows[0], &base[0], shared.shape[0], &lock)


cdef void _fill_test_model(Model *m, float[::1] input_vector, float[:, ::1] output_vectors):
    """A model of one input row (`input_vector`, row 0 for add_input_step) and the given output
    rows, tallying losses; no objective tables (the caller points `m.objective` at its own)."""
    memset(m, 0, sizeof(Model))
    m.dim = <int>input_vector.shape[0]
    m.vocab_size = <int>output_vectors.shape[0]
    m.input_vectors = &input_vector[0]
    m.output_vectors = &output_vectors[0, 0]
    m.compute_loss = True
