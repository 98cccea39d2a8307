/* Dense vector loops of the training kernels (skipgram/_inner.pyx), declared for Cython in
   _c_helpers.pxd.

   Per pair or per window the vectors are a few rows of d floats (d ~ 100-300), where a BLAS
   call spends more on dispatch and packing than on the arithmetic, so these loops work on
   8-float GCC vectors with several independent sums in flight instead. target_clones compiles
   each entry point twice and picks one when the module loads: AVX2 with FMA where the CPU has
   them, else the x86-64 baseline that setup.py's flags target. Other compilers and CPUs get
   the baseline build only.

   Sections: vector types; building blocks (sg_dot, sg_weighted_rows); the window step's
   tiles; the exact softmax's minibatch; the logistic steps of a window; negative
   sampling's step for one pair. */

#ifndef SKIPGRAM_SIMD_H
#define SKIPGRAM_SIMD_H

#include <math.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SG_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SG_VECTOR_CLONES
#endif
/* Helpers of the cloned entry points are forced inline: compiled on their own they would be
   built for the baseline target only (8-float vectors emulated with 4-float ones), and GCC
   did leave the sigmoid of a pair's steps out of line, at 7% of the training time. */
#if defined(__GNUC__)
#define SG_INLINE static inline __attribute__((always_inline))
#else
#define SG_INLINE static inline
#endif
/* The helpers below pass 8-float vectors by value. They are static and inlined, so no
   call crosses an ABI boundary, and GCC's note that the baseline build passes them
   differently from an AVX build does not apply. (GCC reports it at the end of the
   translation unit, so it is silenced from here on, for the file that includes this one,
   rather than for this header alone.) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

/* ---- Vector types: 8 and 4 floats, loaded and stored at any alignment ---------------- */

typedef float sg_f8 __attribute__((vector_size(32)));
typedef float sg_f4 __attribute__((vector_size(16)));
static inline sg_f8 sg_load8(const float *p) { sg_f8 v; __builtin_memcpy(&v, p, 32); return v; }
static inline sg_f4 sg_load4(const float *p) { sg_f4 v; __builtin_memcpy(&v, p, 16); return v; }
static inline void sg_store8(float *p, sg_f8 v) { __builtin_memcpy(p, &v, 32); }
static inline void sg_store4(float *p, sg_f4 v) { __builtin_memcpy(p, &v, 16); }

/* ---- A worker's view of the output matrix ------------------------------------------ */

/* The output rows every pair touches (the most frequent words' for negative sampling, the
   inner nodes nearest the Huffman root for hierarchical softmax) are written by all workers
   at once, and their cache lines bounced between the cores: at up to 330 ns a round trip on
   the VMs this project measures on (benchmarks/core_latency.py), two workers ran slower than
   one. With two or more workers each one trains private copies of those rows and merges
   them into the shared matrix every 1,024 centres (sg_merge_private_rows); every
   output row the loops below touch is looked up through this view. */
typedef struct {
    float *shared;          /* the output matrix, rows of n floats */
    float *private_rows;    /* this worker's copies of rows [first, first + count), or NULL */
    int32_t first, count;
} sg_rows;

SG_INLINE float *sg_row(const sg_rows *rows, int32_t id, int n) {
    uint32_t k = (uint32_t)id - (uint32_t)rows->first;  /* one compare for both ends */
    if (k < (uint32_t)rows->count) return rows->private_rows + (int64_t)k * n;
    return rows->shared + (int64_t)id * n;
}

/* ---- Building blocks: a dot product and a weighted sum of rows ---------------------- */

static inline float sg_dot(const float *x, const float *y, int n) {
    sg_f8 even = {0}, odd = {0};  /* two sums: an add need not wait for the previous one */
    sg_f4 quarter = {0};
    float total = 0.0f;
    int i = 0, k;
    for (; i + 16 <= n; i += 16) {
        even += sg_load8(x + i) * sg_load8(y + i);
        odd += sg_load8(x + i + 8) * sg_load8(y + i + 8);
    }
    if (i + 8 <= n) { even += sg_load8(x + i) * sg_load8(y + i); i += 8; }
    if (i + 4 <= n) { quarter = sg_load4(x + i) * sg_load4(y + i); i += 4; }
    even += odd;
    for (k = 0; k < 8; k++) total += even[k];
    for (k = 0; k < 4; k++) total += quarter[k];
    for (; i < n; i++) total += x[i] * y[i];
    return total;
}

/* out [+]= sum_t weights[t * stride] * (row ids[t] of rows). Each slice of out is summed
   in registers over all the rows before it is stored, four 8-float slices at a time. */
static inline void sg_weighted_rows(float *out, int accumulate, int n_terms,
                                    const float *weights, int stride, const float *rows,
                                    const int32_t *ids, int n) {
    int i = 0, t;
    for (; i + 32 <= n; i += 32) {
        sg_f8 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
        if (accumulate) {
            s0 = sg_load8(out + i); s1 = sg_load8(out + i + 8);
            s2 = sg_load8(out + i + 16); s3 = sg_load8(out + i + 24);
        }
        for (t = 0; t < n_terms; t++) {
            const float *row = rows + (int64_t)ids[t] * n + i;
            float weight = weights[(int64_t)t * stride];
            s0 += weight * sg_load8(row); s1 += weight * sg_load8(row + 8);
            s2 += weight * sg_load8(row + 16); s3 += weight * sg_load8(row + 24);
        }
        sg_store8(out + i, s0); sg_store8(out + i + 8, s1);
        sg_store8(out + i + 16, s2); sg_store8(out + i + 24, s3);
    }
    for (; i + 8 <= n; i += 8) {
        sg_f8 sum = {0};
        if (accumulate) sum = sg_load8(out + i);
        for (t = 0; t < n_terms; t++)
            sum += weights[(int64_t)t * stride] * sg_load8(rows + (int64_t)ids[t] * n + i);
        sg_store8(out + i, sum);
    }
    for (; i + 4 <= n; i += 4) {
        sg_f4 sum = {0};
        if (accumulate) sum = sg_load4(out + i);
        for (t = 0; t < n_terms; t++)
            sum += weights[(int64_t)t * stride] * sg_load4(rows + (int64_t)ids[t] * n + i);
        sg_store4(out + i, sum);
    }
    for (; i < n; i++) {
        float sum = accumulate ? out[i] : 0.0f;
        for (t = 0; t < n_terms; t++) sum += weights[(int64_t)t * stride] * rows[(int64_t)ids[t] * n + i];
        out[i] = sum;
    }
}

/* ---- The window step (window_step in _inner.pyx): a few rows against a few rows --------
   Hierarchical softmax and shared negatives step B ~ 2-20 context rows against N ~ 6-20
   output rows of d floats: matrices too small for a BLAS call (with the rows gathered for
   sgemm, training ran at less than half the speed of these loops), but big enough that one
   dot product or one row at a time left the core waiting on its loads (two loads per
   multiply-add). The loops below work on tiles: 2 x 4 scores at once, and 4 weighted sums
   of rows at once, so that each 8-float slice loaded is used two to four times. */

/* scores[a * stride + b] = x[a] . y[b] for a < NX <= 2, b < NY <= 4 (constants at each call,
   so that the accumulators stay in registers). */
SG_INLINE void sg_score_tile(float *scores, int64_t stride, const float *const *x, int NX,
                             const float *const *y, int NY, int n) {
    sg_f8 acc[2][4] = {{{0}}};
    sg_f4 half[2][4] = {{{0}}};
    float tail[2][4] = {{0}};
    int i = 0, a, b;
    for (; i + 8 <= n; i += 8) {
        sg_f8 yv[4];
        for (b = 0; b < NY; b++) yv[b] = sg_load8(y[b] + i);
        for (a = 0; a < NX; a++) {
            sg_f8 xv = sg_load8(x[a] + i);
            for (b = 0; b < NY; b++) acc[a][b] += xv * yv[b];
        }
    }
    if (i + 4 <= n) {
        for (a = 0; a < NX; a++)
            for (b = 0; b < NY; b++) half[a][b] = sg_load4(x[a] + i) * sg_load4(y[b] + i);
        i += 4;
    }
    for (; i < n; i++)
        for (a = 0; a < NX; a++)
            for (b = 0; b < NY; b++) tail[a][b] += x[a][i] * y[b][i];
    for (a = 0; a < NX; a++)
        for (b = 0; b < NY; b++) {
            sg_f8 v = acc[a][b];
            sg_f4 h = half[a][b] + (sg_f4){v[0], v[1], v[2], v[3]} + (sg_f4){v[4], v[5], v[6], v[7]};
            scores[a * stride + b] = ((h[0] + h[2]) + (h[1] + h[3])) + tail[a][b];
        }
}

/* S = C O^T: scores[b * n_outputs + j] = input row contexts[b] . output row outputs[j]. */
SG_VECTOR_CLONES static void sg_window_scores(
        float *scores, const float *input_vectors, const int32_t *contexts, int n_contexts,
        const sg_rows *output_rows, const int32_t *outputs, int n_outputs, int n) {
    for (int b = 0; b < n_contexts; b += 2) {
        const float *x[2];
        int nx = n_contexts - b >= 2 ? 2 : 1;
        for (int a = 0; a < nx; a++) x[a] = input_vectors + (int64_t)contexts[b + a] * n;
        for (int j = 0; j < n_outputs; j += 4) {
            const float *y[4];
            int ny = n_outputs - j >= 4 ? 4 : n_outputs - j;
            for (int t = 0; t < ny; t++) y[t] = sg_row(output_rows, outputs[j + t], n);
            float *out = scores + (int64_t)b * n_outputs + j;
            if (nx == 2 && ny == 4) sg_score_tile(out, n_outputs, x, 2, y, 4, n);
            else if (nx == 2) for (int t = 0; t < ny; t++) sg_score_tile(out + t, n_outputs, x, 2, y + t, 1, n);
            else if (ny == 4) sg_score_tile(out, n_outputs, x, 1, y, 4, n);
            else for (int t = 0; t < ny; t++) sg_score_tile(out + t, n_outputs, x, 1, y + t, 1, n);
        }
    }
}

/* For t < NT <= 4 (a constant at each call): out[t] = (out[t] +) sum_k w(t, k) * row[k], with
   w(t, k) = weights[t * t_stride + k * k_stride]. Each 16-float slice of a row is loaded once
   for the NT sums. With `accumulate`, the sums are added to the out[t] one after another, so
   two out[t] that are the same row get both. */
SG_INLINE void sg_combine_resolved(float *const *out, int accumulate, int NT,
                                   const float *weights, int64_t t_stride, int64_t k_stride,
                                   int n_terms, const float *const *row, int n) {
    int i = 0, t, k;
    for (; i + 16 <= n; i += 16) {
        sg_f8 lo[4] = {{0}}, hi[4] = {{0}};
        for (k = 0; k < n_terms; k++) {
            sg_f8 r0 = sg_load8(row[k] + i), r1 = sg_load8(row[k] + i + 8);
            for (t = 0; t < NT; t++) {
                float w = weights[t * t_stride + k * k_stride];
                lo[t] += w * r0;
                hi[t] += w * r1;
            }
        }
        for (t = 0; t < NT; t++) {
            if (accumulate) {
                lo[t] += sg_load8(out[t] + i);
                hi[t] += sg_load8(out[t] + i + 8);
            }
            sg_store8(out[t] + i, lo[t]);
            sg_store8(out[t] + i + 8, hi[t]);
        }
    }
    for (; i + 8 <= n; i += 8) {
        sg_f8 sum[4] = {{0}};
        for (k = 0; k < n_terms; k++) {
            sg_f8 r = sg_load8(row[k] + i);
            for (t = 0; t < NT; t++) sum[t] += weights[t * t_stride + k * k_stride] * r;
        }
        for (t = 0; t < NT; t++) {
            if (accumulate) sum[t] += sg_load8(out[t] + i);
            sg_store8(out[t] + i, sum[t]);
        }
    }
    for (; i < n; i++) {
        float sum[4] = {0};
        for (k = 0; k < n_terms; k++) {
            float r = row[k][i];
            for (t = 0; t < NT; t++) sum[t] += weights[t * t_stride + k * k_stride] * r;
        }
        for (t = 0; t < NT; t++) out[t][i] = accumulate ? out[t][i] + sum[t] : sum[t];
    }
}

/* sg_combine_resolved over the rows ids[k] of `rows`, looked up (sg_row) once per row and
   SG_COMBINE_CHUNK rows at a time, not once per 16-float slice. */
#define SG_COMBINE_CHUNK 32
SG_INLINE void sg_combine_tile(float *const *out, int accumulate, int NT, const float *weights,
                               int64_t t_stride, int64_t k_stride, int n_terms,
                               const sg_rows *rows, const int32_t *ids, int n) {
    const float *row[SG_COMBINE_CHUNK];
    /* Once at least: with no terms and no `accumulate`, out[t] must still be set to 0. */
    for (int k0 = 0; k0 < n_terms || k0 == 0; k0 += SG_COMBINE_CHUNK) {
        int chunk = n_terms - k0 < SG_COMBINE_CHUNK ? n_terms - k0 : SG_COMBINE_CHUNK;
        for (int k = 0; k < chunk; k++) row[k] = sg_row(rows, ids[k0 + k], n);
        sg_combine_resolved(out, accumulate || k0 > 0, NT, weights + k0 * k_stride, t_stride,
                            k_stride, chunk, row, n);
    }
}

/* G^T C: row j of `updates` = sum_b steps[b * n_outputs + j] * input row contexts[b]. */
SG_VECTOR_CLONES static void sg_output_updates(
        float *updates, const float *steps, const float *input_vectors,
        const int32_t *contexts, int n_contexts, int n_outputs, int n) {
    const sg_rows inputs = {(float *)input_vectors, 0, 0, 0};  /* no private input rows */
    for (int j = 0; j < n_outputs; j += 4) {
        float *out[4];
        int nt = n_outputs - j >= 4 ? 4 : n_outputs - j;
        for (int t = 0; t < nt; t++) out[t] = updates + (int64_t)(j + t) * n;
        if (nt == 4)
            sg_combine_tile(out, 0, 4, steps + j, 1, n_outputs, n_contexts, &inputs, contexts, n);
        else
            for (int t = 0; t < nt; t++)
                sg_combine_tile(out + t, 0, 1, steps + j + t, 1, n_outputs, n_contexts,
                                &inputs, contexts, n);
    }
}

/* C += G O: input row contexts[b] += sum_j steps[b * n_outputs + j] * output row outputs[j]. */
SG_VECTOR_CLONES static void sg_move_contexts(
        float *input_vectors, const int32_t *contexts, int n_contexts, const float *steps,
        const sg_rows *output_rows, const int32_t *outputs, int n_outputs, int n) {
    for (int b = 0; b < n_contexts; b += 4) {
        float *out[4];
        int nt = n_contexts - b >= 4 ? 4 : n_contexts - b;
        for (int t = 0; t < nt; t++) out[t] = input_vectors + (int64_t)contexts[b + t] * n;
        const float *weights = steps + (int64_t)b * n_outputs;
        if (nt == 4)
            sg_combine_tile(out, 1, 4, weights, n_outputs, 1, n_outputs, output_rows, outputs, n);
        else
            for (int t = 0; t < nt; t++)
                sg_combine_tile(out + t, 1, 1, weights + (int64_t)t * n_outputs, n_outputs, 1,
                                n_outputs, output_rows, outputs, n);
    }
}

/* O += updates: output row outputs[j] += row j of `updates`. */
SG_VECTOR_CLONES static void sg_move_outputs(
        const sg_rows *output_rows, const int32_t *outputs, int n_outputs, const float *updates,
        int n) {
    static const float one = 1.0f;
    static const int32_t own_row = 0;
    for (int j = 0; j < n_outputs; j++)
        sg_weighted_rows(sg_row(output_rows, outputs[j], n), 1, 1, &one, 0,
                         updates + (int64_t)j * n, &own_row, n);
}

/* ---- The exact softmax's minibatch (softmax_minibatch in _inner.pyx) ---------------- */

/* One row of the minibatch's scores: row[k] becomes
   weight * exp(row[k] - max) / sum_j exp(row[j] - max), and the return value is the log
   normaliser max + log sum_j exp(row[j] - max). Three passes over a row of V floats, which
   stays in the L1 cache in between. exp is a Cephes-style polynomial on 8 lanes (relative
   error below 2e-7 over the range used, against glibc's scalar expf, which was a third of
   the minibatch's time); terms more than 80 below the maximum are taken as exactly 0. */
typedef int32_t sg_i8 __attribute__((vector_size(32)));
static inline sg_f8 sg_select8(sg_i8 mask, sg_f8 yes, sg_f8 no) {
    return (sg_f8)(((sg_i8)yes & mask) | ((sg_i8)no & ~mask));
}
SG_INLINE sg_f8 sg_exp8_nonpositive(sg_f8 x) {  /* exp(x) for x <= 0; 0 below -80 */
    const sg_f8 magic = (sg_f8){0} + 12582912.0f;   /* 1.5 * 2^23: adding it rounds */
    sg_i8 keep = x > -80.0f;
    x = sg_select8(keep, x, (sg_f8){0} - 80.0f);
    sg_f8 shifted = x * 1.44269504088896341f + magic;
    sg_f8 n = shifted - magic;                     /* round(x / ln 2) */
    sg_f8 r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
    sg_f8 p = 1.9875691500e-4f * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    sg_i8 exponent = ((sg_i8)shifted - (sg_i8)magic + 127) << 23;  /* 2^n, n >= -116 */
    return sg_select8(keep, p * (sg_f8)exponent, (sg_f8){0});
}
SG_VECTOR_CLONES static double sg_softmax_row(float *row, int n, float weight) {
    int i = 0, k;
    float top = row[0], total;
    sg_f8 top8 = (sg_f8){0} + row[0];
    for (; i + 8 <= n; i += 8) {
        sg_f8 x = sg_load8(row + i);
        top8 = sg_select8(x > top8, x, top8);
    }
    for (k = 0; k < 8; k++) if (top8[k] > top) top = top8[k];
    for (; i < n; i++) if (row[i] > top) top = row[i];
    sg_f8 sum0 = {0}, sum1 = {0};
    i = 0;
    for (; i + 16 <= n; i += 16) {
        sg_f8 e0 = sg_exp8_nonpositive(sg_load8(row + i) - top);
        sg_f8 e1 = sg_exp8_nonpositive(sg_load8(row + i + 8) - top);
        sg_store8(row + i, e0); sg_store8(row + i + 8, e1);
        sum0 += e0; sum1 += e1;
    }
    for (; i < n; i += 8) {  /* the tail, through an 8-float buffer padded with -inf */
        float tail[8];
        int m = n - i < 8 ? n - i : 8;
        for (k = 0; k < 8; k++) tail[k] = k < m ? row[i + k] - top : -1e30f;
        sg_f8 e = sg_exp8_nonpositive(sg_load8(tail));
        sum0 += e;
        for (k = 0; k < m; k++) row[i + k] = e[k];
    }
    sum0 += sum1;
    total = 0.0f;
    double exact_total = 0.0;
    for (k = 0; k < 8; k++) exact_total += sum0[k];
    total = (float)exact_total;
    float scale = weight / total;
    i = 0;
    for (; i + 8 <= n; i += 8) sg_store8(row + i, sg_load8(row + i) * scale);
    for (; i < n; i++) row[i] *= scale;
    return top + log(exact_total);
}

/* row += sum_t weights[t] * row ids[t] of `rows` (rows of n floats): the exact softmax's
   correction of a score row for the earlier centres of its block. */
SG_VECTOR_CLONES static void sg_add_weighted_rows(float *row, const float *rows,
                                                  const int32_t *ids, const float *weights,
                                                  int n_terms, int n) {
    sg_weighted_rows(row, 1, n_terms, weights, 1, rows, ids, n);
}

/* ---- The logistic steps of a window (window_step in _inner.pyx) -------------------- */

/* sigmoid on 8 lanes through e = exp(-|x|) <= 1, so neither branch overflows: 1 / (1 + e)
   for x >= 0, else e / (1 + e). Relative error below 3e-7 (sg_exp8_nonpositive's, plus
   rounding); for x below -80 the result is 0, where the exact value is below 2e-35. */
SG_INLINE sg_f8 sg_sigmoid8(sg_f8 x) {
    sg_i8 negative = x < 0.0f;
    sg_f8 e = sg_exp8_nonpositive(sg_select8(negative, x, -x));
    sg_f8 r = 1.0f / (1.0f + e);
    return sg_select8(negative, e * r, r);
}

/* steps[j] = alpha * (labels[j] - sigmoid(scores[j])) for j < n_rows. */
SG_INLINE void sg_logistic_steps(float *steps, const float *scores, const float *labels,
                                     int n_rows, float alpha) {
    int j = 0;
    for (; j + 8 <= n_rows; j += 8)
        sg_store8(steps + j, alpha * (sg_load8(labels + j) - sg_sigmoid8(sg_load8(scores + j))));
    if (j < n_rows) {  /* the tail, through 8-float buffers */
        float x[8] = {0}, y[8] = {0};
        int k, m = n_rows - j;
        for (k = 0; k < m; k++) { x[k] = scores[j + k]; y[k] = labels[j + k]; }
        sg_store8(x, alpha * (sg_load8(y) - sg_sigmoid8(sg_load8(x))));
        for (k = 0; k < m; k++) steps[j + k] = x[k];
    }
}

/* scores[b * n_rows + j] becomes alpha * (labels[j] - sigmoid(scores[b * n_rows + j])) for
   a window's n_contexts x n_rows scores. With glibc's scalar expf, one call per score, the
   sigmoid was a tenth of the training time at d=300. */
SG_VECTOR_CLONES static void sg_window_steps(float *scores, int n_contexts, int n_rows,
                                             const float *labels, float alpha) {
    for (int b = 0; b < n_contexts; b++) {
        float *row = scores + (int64_t)b * n_rows;
        sg_logistic_steps(row, row, labels, n_rows, alpha);
    }
}

/* ---- Negative sampling's step for one pair, all its output rows in one call (ns_pair) ----
   At d=300 the per-pair step waits on memory: each pair reads K + 1 output rows of 1,200
   bytes from a matrix far larger than the caches. Two things kept the loads from overlapping
   when the rows were stepped one call at a time: the next pair's rows were requested in one
   burst of 19 (K + 1) lines, which filled the core's miss buffers and stalled the prefetch
   instructions themselves, and each row's score waited for the previous row's update. Here
   all scores come first (the rows' loads in flight together, four sums per dot so that the
   adds do not wait on each other), their sigmoids in one vector, then the updates, with the
   next pair's rows requested a line at a time in between. */

SG_INLINE float sg_dot4(const float *x, const float *y, int n) {
    sg_f8 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    sg_f4 half = {0};
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 += sg_load8(x + i) * sg_load8(y + i);
        s1 += sg_load8(x + i + 8) * sg_load8(y + i + 8);
        s2 += sg_load8(x + i + 16) * sg_load8(y + i + 16);
        s3 += sg_load8(x + i + 24) * sg_load8(y + i + 24);
    }
    for (; i + 8 <= n; i += 8) s0 += sg_load8(x + i) * sg_load8(y + i);
    if (i + 4 <= n) { half = sg_load4(x + i) * sg_load4(y + i); i += 4; }
    s0 = (s0 + s1) + (s2 + s3);
    /* The 8 lanes summed as a tree (4 + 4, then 2 + 2), not one after another. */
    half += (sg_f4){s0[0], s0[1], s0[2], s0[3]} + (sg_f4){s0[4], s0[5], s0[6], s0[7]};
    float total = (half[0] + half[2]) + (half[1] + half[3]);
    for (; i < n; i++) total += x[i] * y[i];
    return total;
}

/* The pair (u = `input`, output rows rows[0..n_rows)) with labels[j] (1 for the target, 0 for
   noise): scores[j] = u . v_j, steps[j] = alpha (labels[j] - sigmoid(score)), then in row
   order gradient (+)= steps[j] v_j and v_j += steps[j] u, the gradient overwritten by the
   first row (no separate zeroing). A row that occurs twice is scored again after its first
   update, exactly as when the rows are stepped one after another; with more than
   SG_PAIR_SCORED_FIRST rows every row is scored just before its update (no quadratic search
   for repeats). `scores` and `steps` (n_rows floats each) receive what the updates used.
   `next_rows` (n_next ids, may be 0) are the rows of the coming pair, prefetched for writing
   a line at a time during the updates. */
#define SG_PAIR_SCORED_FIRST 16
SG_VECTOR_CLONES static void sg_ns_pair(
        float *gradient, const float *input, const sg_rows *output_rows, const int32_t *rows,
        const float *labels, int n_rows, float alpha, float *scores, float *steps,
        const int32_t *next_rows, int n_next, int n) {
    int j, i, t, scored_first = n_rows <= SG_PAIR_SCORED_FIRST, repeated = 0;
    if (scored_first) {
        for (j = 0; j < n_rows; j++) {
            scores[j] = sg_dot4(input, sg_row(output_rows, rows[j], n), n);
            for (t = 0; t < j; t++) repeated |= rows[t] == rows[j];
        }
        sg_logistic_steps(steps, scores, labels, n_rows, alpha);
    }
    for (j = 0; j < n_rows; j++) {
        float *out = sg_row(output_rows, rows[j], n);
        const float *next = j < n_next ? sg_row(output_rows, next_rows[j], n) : 0;
        float g;
        t = j;
        if (scored_first && repeated)  /* seen before? then score it as that step left it */
            for (t = 0; t < j && rows[t] != rows[j]; t++) {}
        if (!scored_first || t < j) {
            scores[j] = sg_dot4(input, out, n);
            sg_logistic_steps(steps + j, scores + j, labels + j, 1, alpha);
        }
        g = steps[j];
        i = 0;
        for (; i + 16 <= n; i += 16) {
            if (next) __builtin_prefetch(next + i, 1, 3);
            sg_f8 o0 = sg_load8(out + i), o1 = sg_load8(out + i + 8);
            if (j == 0) {
                sg_store8(gradient + i, g * o0);
                sg_store8(gradient + i + 8, g * o1);
            } else {
                sg_store8(gradient + i, sg_load8(gradient + i) + g * o0);
                sg_store8(gradient + i + 8, sg_load8(gradient + i + 8) + g * o1);
            }
            sg_store8(out + i, o0 + g * sg_load8(input + i));
            sg_store8(out + i + 8, o1 + g * sg_load8(input + i + 8));
        }
        if (next && i < n) __builtin_prefetch(next + i, 1, 3);
        if (i + 8 <= n) {  /* d = 300 ends in 8 + 4 floats: no scalar loop for them */
            sg_f8 o = sg_load8(out + i);
            sg_store8(gradient + i, (j == 0 ? (sg_f8){0} : sg_load8(gradient + i)) + g * o);
            sg_store8(out + i, o + g * sg_load8(input + i));
            i += 8;
        }
        if (i + 4 <= n) {
            sg_f4 o = sg_load4(out + i);
            sg_store4(gradient + i, (j == 0 ? (sg_f4){0} : sg_load4(gradient + i)) + g * o);
            sg_store4(out + i, o + g * sg_load4(input + i));
            i += 4;
        }
        for (; i < n; i++) {
            float o = out[i];
            gradient[i] = (j == 0 ? 0.0f : gradient[i]) + g * o;
            out[i] = o + g * input[i];
        }
    }
    for (j = n_rows; j < n_next; j++) {  /* the coming pair has more rows than this one */
        const float *next = sg_row(output_rows, next_rows[j], n);
        for (i = 0; i < n; i += 16) __builtin_prefetch(next + i, 1, 3);
    }
}

/* ---- Merging a worker's private rows into the shared matrix (see sg_rows) ----------- */

/* shared += private - base over `count` floats, then private = base = shared: the worker's
   updates since its last merge land on top of whatever the other workers merged meanwhile.
   Where nobody else changed an element (shared == base) it takes the private value itself,
   so that with one worker training through private rows gives the same bits as without.
   `lock` (one int shared by the workers of a model) keeps two merges from interleaving: a
   merge reads and writes every element, and two at once could each lose the other's. */
SG_VECTOR_CLONES static void sg_merge_private_rows(float *shared, float *private_rows,
                                                   float *base, int64_t count, int *lock) {
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        sg_f8 s = sg_load8(shared + i), p = sg_load8(private_rows + i), b = sg_load8(base + i);
        sg_f8 v = sg_select8(s == b, p, s + (p - b));
        sg_store8(shared + i, v);
        sg_store8(private_rows + i, v);
        sg_store8(base + i, v);
    }
    for (; i < count; i++) {
        float v = shared[i] == base[i] ? private_rows[i] : shared[i] + (private_rows[i] - base[i]);
        shared[i] = v;
        private_rows[i] = v;
        base[i] = v;
    }
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* private = base = shared over `count` floats: a worker's copies at the start of a batch. */
static void sg_load_private_rows(const float *shared, float *private_rows, float *base,
                                 int64_t count) {
    __builtin_memcpy(private_rows, shared, (size_t)count * sizeof(float));
    __builtin_memcpy(base, shared, (size_t)count * sizeof(float));
}

/* y += x, the input vector's accumulated update at the end of a pair. */
SG_VECTOR_CLONES static void sg_add(float *y, const float *x, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) sg_store8(y + i, sg_load8(y + i) + sg_load8(x + i));
    for (; i < n; i++) y[i] += x[i];
}

#endif /* SKIPGRAM_SIMD_H */
