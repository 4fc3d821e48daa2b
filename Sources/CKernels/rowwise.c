// Row-wise steps: residual add + LayerNorm, masked softmax.
#include <math.h>
#include <string.h>

#include "vmath.h"

// ---- LayerNorm -------------------------------------------------------------------------------
// Two passes (mean, then Σ(v - mean)²) rather than E[v²] - mean², which cancels badly when the
// mean is large against the spread. v = x + r is recomputed each pass so Y may alias X or R:
// y[k] is written only after its own x[k] and r[k] were read.

static void layernorm_row_scalar(int N, const float *x, const float *r, const float *gamma, const float *beta,
                                 float eps, float *y) {
    double sum = 0.0;
    for (int k = 0; k < N; k++) sum += (double)(r ? x[k] + r[k] : x[k]);
    const double mean = sum / N;
    double ss = 0.0;
    for (int k = 0; k < N; k++) {
        const double d = (double)(r ? x[k] + r[k] : x[k]) - mean;
        ss += d * d;
    }
    const float rstd = (float)(1.0 / sqrt(ss / N + (double)eps));
    const float meanf = (float)mean;
    for (int k = 0; k < N; k++) y[k] = ((r ? x[k] + r[k] : x[k]) - meanf) * rstd * gamma[k] + beta[k];
}

#if defined(__x86_64__)

ZK_INLINE ZK_AVX2 float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

ZK_INLINE ZK_AVX2 float hmax8(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// x + r on the lanes of `mask` (0 elsewhere); `full` selects plain loads for whole vectors.
ZK_INLINE ZK_AVX2 __m256 load_v8(const float *x, const float *r, __m256i mask, int full) {
    const __m256 v = full ? _mm256_loadu_ps(x) : _mm256_maskload_ps(x, mask);
    if (!r) return v;
    return _mm256_add_ps(v, full ? _mm256_loadu_ps(r) : _mm256_maskload_ps(r, mask));
}

static ZK_AVX2 void layernorm_row_avx2(int N, const float *x, const float *r, const float *gamma,
                                       const float *beta, float eps, float *y) {
    const int nf = N & ~7;
    const __m256i tmask = zk_tail_mask8(N - nf);
    const float *rt = r ? r + nf : NULL;
    __m256 acc = load_v8(x + nf, rt, tmask, 0);
    for (int k = 0; k < nf; k += 8) acc = _mm256_add_ps(acc, load_v8(x + k, r ? r + k : NULL, tmask, 1));
    const float mean = hsum8(acc) / (float)N;
    const __m256 vm = _mm256_set1_ps(mean);
    const __m256 dt = _mm256_and_ps(_mm256_sub_ps(load_v8(x + nf, rt, tmask, 0), vm), _mm256_castsi256_ps(tmask));
    acc = _mm256_mul_ps(dt, dt);
    for (int k = 0; k < nf; k += 8) {
        const __m256 d = _mm256_sub_ps(load_v8(x + k, r ? r + k : NULL, tmask, 1), vm);
        acc = _mm256_fmadd_ps(d, d, acc);
    }
    const __m256 rstd = _mm256_set1_ps(1.0f / sqrtf(hsum8(acc) / (float)N + eps));
    for (int k = 0; k < nf; k += 8) {
        const __m256 d = _mm256_mul_ps(_mm256_sub_ps(load_v8(x + k, r ? r + k : NULL, tmask, 1), vm), rstd);
        _mm256_storeu_ps(y + k, _mm256_fmadd_ps(d, _mm256_loadu_ps(gamma + k), _mm256_loadu_ps(beta + k)));
    }
    const __m256 d = _mm256_mul_ps(_mm256_sub_ps(load_v8(x + nf, rt, tmask, 0), vm), rstd);
    _mm256_maskstore_ps(y + nf, tmask,
                        _mm256_fmadd_ps(d, _mm256_maskload_ps(gamma + nf, tmask), _mm256_maskload_ps(beta + nf, tmask)));
}

ZK_INLINE ZK_AVX512 __m512 load_v16(const float *x, const float *r, int k, __mmask16 mask) {
    const __m512 v = _mm512_maskz_loadu_ps(mask, x + k);
    return r ? _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, r + k)) : v;
}

static ZK_AVX512 void layernorm_row_avx512(int N, const float *x, const float *r, const float *gamma,
                                         const float *beta, float eps, float *y) {
    __m512 acc = _mm512_setzero_ps();
    for (int k = 0; k < N; k += 16) acc = _mm512_add_ps(acc, load_v16(x, r, k, zk_tail_mask16(N - k)));
    const float mean = _mm512_reduce_add_ps(acc) / (float)N;
    const __m512 vm = _mm512_set1_ps(mean);
    acc = _mm512_setzero_ps();
    for (int k = 0; k < N; k += 16) {
        const __mmask16 mask = zk_tail_mask16(N - k);
        const __m512 d = _mm512_maskz_sub_ps(mask, load_v16(x, r, k, mask), vm);
        acc = _mm512_fmadd_ps(d, d, acc);
    }
    const __m512 rstd = _mm512_set1_ps(1.0f / sqrtf(_mm512_reduce_add_ps(acc) / (float)N + eps));
    for (int k = 0; k < N; k += 16) {
        const __mmask16 mask = zk_tail_mask16(N - k);
        const __m512 d = _mm512_mul_ps(_mm512_sub_ps(load_v16(x, r, k, mask), vm), rstd);
        const __m512 g = _mm512_maskz_loadu_ps(mask, gamma + k), b = _mm512_maskz_loadu_ps(mask, beta + k);
        _mm512_mask_storeu_ps(y + k, mask, _mm512_fmadd_ps(d, g, b));
    }
}

#endif

void zk_add_layernorm_s8(zk_isa isa, int M, int N, const float *X, const float *R, int ld, const float *gamma,
                         const float *beta, float eps, float *Y, int8_t *Q, int ldq, float *scales) {
    if (N <= 0) return;
    isa = zk_resolve_isa(isa);
    for (int m = 0; m < M; m++) {
        const size_t off = (size_t)m * ld;
        const float *x = X + off, *r = R ? R + off : NULL;
        float *y = Y + off;
        switch (isa) {
#if defined(__x86_64__)
        case ZK_ISA_AVX512: layernorm_row_avx512(N, x, r, gamma, beta, eps, y); break;
        case ZK_ISA_AVX2: layernorm_row_avx2(N, x, r, gamma, beta, eps, y); break;
#endif
        default: layernorm_row_scalar(N, x, r, gamma, beta, eps, y); break;
        }
        // The row is still in L1: quantizing it here is the separate quantize pass minus its
        // reload of the row (and, for the callers, minus a parallel section and its join).
        if (Q) zk_quantize_row_s8(isa, N, y, Q + (size_t)m * ldq, &scales[m]);
    }
}

void zk_add_layernorm(zk_isa isa, int M, int N, const float *X, const float *R, int ld, const float *gamma,
                      const float *beta, float eps, float *Y) {
    zk_add_layernorm_s8(isa, M, N, X, R, ld, gamma, beta, eps, Y, NULL, 0, NULL);
}

// ---- Softmax ---------------------------------------------------------------------------------

static void softmax_row_scalar(int n, float *x) {
    float mx = x[0];
    for (int k = 1; k < n; k++) mx = fmaxf(mx, x[k]);
    // A sequential float sum of long rows drifts past 1e-6; the vector paths' lane sums do not.
    double sum = 0.0;
    for (int k = 0; k < n; k++) {
        x[k] = expf(x[k] - mx);
        sum += x[k];
    }
    const float inv = (float)(1.0 / sum);
    for (int k = 0; k < n; k++) x[k] *= inv;
}

#if defined(__x86_64__)

static ZK_AVX2 void softmax_row_avx2(int n, float *x) {
    const int nf = n & ~7;
    const __m256i tmask = zk_tail_mask8(n - nf);
    const __m256 ninf = _mm256_set1_ps(-INFINITY);
    __m256 vmax = ninf;
    for (int k = 0; k < nf; k += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(x + k));
    const __m256 tail = _mm256_blendv_ps(ninf, _mm256_maskload_ps(x + nf, tmask), _mm256_castsi256_ps(tmask));
    const __m256 vm = _mm256_set1_ps(hmax8(_mm256_max_ps(vmax, tail)));
    __m256 acc = _mm256_setzero_ps();
    for (int k = 0; k < nf; k += 8) {
        const __m256 e = zk_exp_neg8(_mm256_sub_ps(_mm256_loadu_ps(x + k), vm));
        _mm256_storeu_ps(x + k, e);
        acc = _mm256_add_ps(acc, e);
    }
    // Masked-off tail lanes hold -inf, whose exp is exactly 0.
    const __m256 et = zk_exp_neg8(_mm256_sub_ps(tail, vm));
    _mm256_maskstore_ps(x + nf, tmask, et);
    const __m256 inv = _mm256_set1_ps(1.0f / hsum8(_mm256_add_ps(acc, et)));
    for (int k = 0; k < nf; k += 8) _mm256_storeu_ps(x + k, _mm256_mul_ps(_mm256_loadu_ps(x + k), inv));
    _mm256_maskstore_ps(x + nf, tmask, _mm256_mul_ps(et, inv));
}

static ZK_AVX512 void softmax_row_avx512(int n, float *x) {
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    __m512 vmax = ninf;
    for (int k = 0; k < n; k += 16) vmax = _mm512_max_ps(vmax, _mm512_mask_loadu_ps(ninf, zk_tail_mask16(n - k), x + k));
    const __m512 vm = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));
    __m512 acc = _mm512_setzero_ps();
    for (int k = 0; k < n; k += 16) {
        const __mmask16 mask = zk_tail_mask16(n - k);
        const __m512 e = _mm512_maskz_mov_ps(mask, zk_exp_neg16(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, x + k), vm)));
        _mm512_mask_storeu_ps(x + k, mask, e);
        acc = _mm512_add_ps(acc, e);
    }
    const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(acc));
    for (int k = 0; k < n; k += 16) {
        const __mmask16 mask = zk_tail_mask16(n - k);
        _mm512_mask_storeu_ps(x + k, mask, _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, x + k), inv));
    }
}

#endif

void zk_softmax_rows(zk_isa isa, int M, int n, int ncols, float *X, int ld) {
    isa = zk_resolve_isa(isa);
    if (n > ncols) n = ncols;
    if (n < 0) n = 0;
    for (int m = 0; m < M; m++) {
        float *x = X + (size_t)m * ld;
        if (n > 0) {
            switch (isa) {
#if defined(__x86_64__)
            case ZK_ISA_AVX512: softmax_row_avx512(n, x); break;
            case ZK_ISA_AVX2: softmax_row_avx2(n, x); break;
#endif
            default: softmax_row_scalar(n, x); break;
            }
        }
        memset(x + n, 0, (size_t)(ncols - n) * sizeof(float));
    }
}

// ---- Sum of scaled rows --------------------------------------------------------------------------
// Each output chunk gathers every term in registers and is stored once, instead of one
// load-add-store pass over the row per term.

static void sum_rows_scalar(int k0, int n, const float *base, int n8, const int8_t *const *rows8,
                            const float *scales8, int nf, const float *const *rowsf, const float *weights,
                            float *out) {
    for (int k = k0; k < n; k++) {
        float v = base[k];
        for (int i = 0; i < n8; i++) v += (float)rows8[i][k] * scales8[i];
        for (int j = 0; j < nf; j++) v += rowsf[j][k] * weights[j];
        out[k] = v;
    }
}

#if defined(__x86_64__)

static ZK_AVX2 void sum_rows_avx2(int n, const float *base, int n8, const int8_t *const *rows8, const float *scales8,
                                  int nf, const float *const *rowsf, const float *weights, float *out) {
    int k = 0;
    for (; k + 8 <= n; k += 8) {
        __m256 v = _mm256_loadu_ps(base + k);
        for (int i = 0; i < n8; i++) {
            const __m256i q = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(rows8[i] + k)));
            v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(q), _mm256_set1_ps(scales8[i]), v);
        }
        for (int j = 0; j < nf; j++) v = _mm256_fmadd_ps(_mm256_loadu_ps(rowsf[j] + k), _mm256_set1_ps(weights[j]), v);
        _mm256_storeu_ps(out + k, v);
    }
    sum_rows_scalar(k, n, base, n8, rows8, scales8, nf, rowsf, weights, out);
}

#endif

void zk_sum_rows(zk_isa isa, int n, const float *base, int n8, const int8_t *const *rows8, const float *scales8,
                 int nf, const float *const *rowsf, const float *weights, float *out) {
#if defined(__x86_64__)
    if (zk_resolve_isa(isa) != ZK_ISA_SCALAR) {
        sum_rows_avx2(n, base, n8, rows8, scales8, nf, rowsf, weights, out);
        return;
    }
#endif
    sum_rows_scalar(0, n, base, n8, rows8, scales8, nf, rowsf, weights, out);
}
