/* Dense vector loops of the training kernels (skipgram/_inner.pyx), declared for Cython in
   _c_helpers.pxd.

   Per pair or per window the vectors are a few rows of d floats (d ~ 100-300), where a BLAS
   call spends more on dispatch and packing than on the arithmetic, so these loops work on
   8-float GCC vectors with several independent sums in flight instead. target_clones compiles
   each entry point twice and picks one when the module loads: AVX2 with FMA where the CPU has
   them, else the x86-64 baseline that setup.py's flags target. Other compilers and CPUs get
   the baseline build only.

   Sections: vector types; building blocks (sg_dot, sg_weighted_rows); one shared-negatives
   window; the per-pair step of negative sampling and hierarchical softmax; the exact
   softmax's minibatch. */

#ifndef SKIPGRAM_SIMD_H
#define SKIPGRAM_SIMD_H

#include <math.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SG_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SG_VECTOR_CLONES
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

/* ---- One shared-negatives window (ns_shared_window in _inner.pyx) ---------------
   Its matrices are a few rows of d floats, where a BLAS call spends more on packing and
   dispatch than on the arithmetic: with the rows gathered for sgemm, training ran at less
   than half the speed of these loops. */

/* S = C O^T: scores[b * n_outputs + j] = input row contexts[b] . output row outputs[j]. */
SG_VECTOR_CLONES static void sg_window_scores(
        float *scores, const float *input_vectors, const int32_t *contexts, int n_contexts,
        const float *output_vectors, const int32_t *outputs, int n_outputs, int n) {
    for (int b = 0; b < n_contexts; b++)
        for (int j = 0; j < n_outputs; j++)
            scores[(int64_t)b * n_outputs + j] = sg_dot(input_vectors + (int64_t)contexts[b] * n,
                                               output_vectors + (int64_t)outputs[j] * n, n);
}

/* G^T C: row j of `updates` = sum_b steps[b * n_outputs + j] * input row contexts[b]. */
SG_VECTOR_CLONES static void sg_output_updates(
        float *updates, const float *steps, const float *input_vectors,
        const int32_t *contexts, int n_contexts, int n_outputs, int n) {
    for (int j = 0; j < n_outputs; j++)
        sg_weighted_rows(updates + (int64_t)j * n, 0, n_contexts, steps + j, n_outputs,
                         input_vectors, contexts, n);
}

/* C += G O: input row contexts[b] += sum_j steps[b * n_outputs + j] * output row outputs[j]. */
SG_VECTOR_CLONES static void sg_move_contexts(
        float *input_vectors, const int32_t *contexts, int n_contexts, const float *steps,
        const float *output_vectors, const int32_t *outputs, int n_outputs, int n) {
    for (int b = 0; b < n_contexts; b++)
        sg_weighted_rows(input_vectors + (int64_t)contexts[b] * n, 1, n_outputs,
                         steps + (int64_t)b * n_outputs, 1, output_vectors, outputs, n);
}

/* O += updates: output row outputs[j] += row j of `updates`. */
SG_VECTOR_CLONES static void sg_move_outputs(
        float *output_vectors, const int32_t *outputs, int n_outputs, const float *updates,
        int n) {
    static const float one = 1.0f;
    static const int32_t own_row = 0;
    for (int j = 0; j < n_outputs; j++)
        sg_weighted_rows(output_vectors + (int64_t)outputs[j] * n, 1, 1, &one, 0,
                         updates + (int64_t)j * n, &own_row, n);
}

/* ---- The per-pair step of negative sampling and hierarchical softmax (pair_step) ----
   The score, then gradient += g u and u += g v in one pass over u. Per pair these are a few
   hundred flops, so a BLAS call's dispatch cost a sizeable share of the time: with
   sdot/saxpy one thread trained 798 k GCIDE words/s, with these loops 941-951 k. */

SG_VECTOR_CLONES static float sg_pair_score(const float *input, const float *output, int n) {
    return sg_dot(input, output, n);
}
SG_VECTOR_CLONES static void sg_pair_update(float *gradient, float *output,
                                            const float *input, float g, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        sg_f8 out = sg_load8(output + i);
        sg_store8(gradient + i, sg_load8(gradient + i) + g * out);
        sg_store8(output + i, out + g * sg_load8(input + i));
    }
    for (; i < n; i++) {
        float out = output[i];
        gradient[i] += g * out;
        output[i] = out + g * input[i];
    }
}

/* y += x, the input vector's accumulated update at the end of a pair. */
SG_VECTOR_CLONES static void sg_add(float *y, const float *x, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) sg_store8(y + i, sg_load8(y + i) + sg_load8(x + i));
    for (; i < n; i++) y[i] += x[i];
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
static inline sg_f8 sg_exp8_nonpositive(sg_f8 x) {  /* exp(x) for x <= 0; 0 below -80 */
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
static inline sg_f8 sg_sigmoid8(sg_f8 x) {
    sg_i8 negative = x < 0.0f;
    sg_f8 e = sg_exp8_nonpositive(sg_select8(negative, x, -x));
    sg_f8 r = 1.0f / (1.0f + e);
    return sg_select8(negative, e * r, r);
}

/* scores[b * n_rows + j] becomes alpha * (labels[j] - sigmoid(scores[b * n_rows + j])) for
   a window's n_contexts x n_rows scores. With glibc's scalar expf, one call per score, the
   sigmoid was a tenth of the training time at d=300. */
SG_VECTOR_CLONES static void sg_window_steps(float *scores, int n_contexts, int n_rows,
                                             const float *labels, float alpha) {
    for (int b = 0; b < n_contexts; b++) {
        float *row = scores + (int64_t)b * n_rows;
        int j = 0;
        for (; j + 8 <= n_rows; j += 8)
            sg_store8(row + j, alpha * (sg_load8(labels + j) - sg_sigmoid8(sg_load8(row + j))));
        if (j < n_rows) {  /* the tail, through 8-float buffers */
            float x[8] = {0}, y[8] = {0};
            int k, m = n_rows - j;
            for (k = 0; k < m; k++) { x[k] = row[j + k]; y[k] = labels[j + k]; }
            sg_store8(x, alpha * (sg_load8(y) - sg_sigmoid8(sg_load8(x))));
            for (k = 0; k < m; k++) row[j + k] = x[k];
        }
    }
}

#endif /* SKIPGRAM_SIMD_H */
