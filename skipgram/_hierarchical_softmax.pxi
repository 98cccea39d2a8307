# Hierarchical softmax (docs/math.md, "Hierarchical softmax"): the Huffman paths, its window
# step and its set-up. Included by _inner.pyx.


cdef struct HierarchicalSoftmax:
    const int64_t *code_offsets  # word w's path is [code_offsets[w], code_offsets[w + 1])
    const uint8_t *codes         # the code bits along the paths (0 = left)
    const int32_t *points        # the inner nodes along the paths (rows of the output matrix)


cdef void hs_train_centre(const Model *m, Worker *w, int32_t centre, const int32_t *contexts,
                          int n_contexts, float alpha) noexcept nogil:
    """Hierarchical softmax for a window (docs/math.md, "Hierarchical softmax"): every
    context word predicts the centre, so the window's pairs walk one Huffman path, the
    centre's, and take one `window_step` against its inner nodes, label 1 - code bit."""
    cdef const HierarchicalSoftmax *t = <const HierarchicalSoftmax *>m.objective
    cdef WindowBuffers *b = <WindowBuffers *>w.scratch
    cdef int64_t first = t.code_offsets[centre]
    cdef int n_rows = <int>(t.code_offsets[centre + 1] - first), j
    if n_contexts == 0 or n_rows == 0:
        return
    for j in range(n_rows):
        b.labels[j] = 1.0 - t.codes[first + j]
    w.loss += window_step(m, b, &w.outputs, contexts, n_contexts, t.points + first, b.labels,
                          n_rows, alpha)
    w.pairs += n_contexts


# --------------------------------------------------------------------------------------------
# Set-up: the Huffman paths, checked once, and each worker's buffers
# --------------------------------------------------------------------------------------------

cdef class HierarchicalSoftmaxTables(ObjectiveTables):
    """Hierarchical softmax's part of a KernelModel: the Huffman paths (`code_offsets`,
    `codes`, `points`: Vocabulary.huffman_tree's) over the V - 1 inner-node rows of the
    output matrix."""

    ARGUMENTS = ("code_offsets", "codes", "points")  # KernelModel's **tables
    cdef HierarchicalSoftmax hs
    cdef readonly Py_ssize_t longest_code  # the most inner nodes on one word's path
    cdef const int64_t[::1] _offsets
    cdef const uint8_t[::1] _codes
    cdef const int32_t[::1] _points

    def __init__(self, KernelModel model, Py_ssize_t negative,
                 const int64_t[::1] code_offsets=None, const uint8_t[::1] codes=None,
                 const int32_t[::1] points=None):
        cdef Py_ssize_t vocab_size = model.model.vocab_size
        if code_offsets is None or codes is None or points is None:
            raise ValueError("hierarchical softmax needs the Huffman codes and points")
        if code_offsets.shape[0] != vocab_size + 1 or codes.shape[0] != points.shape[0]:
            raise ValueError("inconsistent Huffman code arrays")
        offs = np.asarray(code_offsets)
        if offs[0] != 0 or offs[vocab_size] != codes.shape[0] or np.any(np.diff(offs) < 0):
            raise ValueError("Huffman code offsets must rise from 0 to len(codes)")
        if model._output.shape[0] != max(vocab_size - 1, 0):
            raise ValueError("hierarchical softmax needs vocab_size - 1 inner-node vectors")
        if codes.shape[0] and (np.min(points) < 0 or np.max(points) >= model._output.shape[0]):
            raise ValueError("Huffman points outside the inner-node matrix")
        self._offsets = code_offsets
        self._codes = codes
        self._points = points
        self.hs.code_offsets = &code_offsets[0]
        self.hs.codes = &codes[0] if codes.shape[0] else NULL
        self.hs.points = &points[0] if points.shape[0] else NULL
        self.longest_code = int(np.max(np.diff(offs))) if vocab_size > 1 else 0
        self.pointer = &self.hs
        self.train_centre = hs_train_centre
        # The next centre's input row is prefetched: its path's inner nodes are no word's rows.
        self.centre_rows = model.model.input_vectors
        # The last inner nodes are the ones nearest the root (row V - 2), on the most paths.
        self.private_rows_at = PRIVATE_LAST_ROWS

    cdef ObjectiveScratch new_scratch(self, const Model *m):
        return HierarchicalSoftmaxBuffers(self, m.dim, m.window)


cdef class HierarchicalSoftmaxBuffers(ObjectiveScratch):
    """One worker's hierarchical-softmax buffers: `window_step`'s scratch, for windows of up
    to 2 * window contexts against the longest path."""

    cdef WindowBuffers *window         # on cache lines of its own (private_struct)
    cdef tuple _arrays

    def __init__(self, HierarchicalSoftmaxTables tables, Py_ssize_t dim, Py_ssize_t window):
        memory = []
        self.window = <WindowBuffers *>private_struct(sizeof(WindowBuffers), memory)
        self._arrays = attach_window_buffers(self.window, 2 * window, tables.longest_code, dim)
        self._arrays += (memory,)
        self.pointer = self.window
