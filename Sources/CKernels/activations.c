// Element-wise activations: exact-erf GELU and the LSTM cell update.
#include <math.h>

#include "vmath.h"

static float sigmoid_scalar(float x) { return 1.0f / (1.0f + expf(-x)); }

#if defined(__x86_64__)

static ZK_AVX2 void gelu_avx2(size_t n, float *x) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, zk_gelu8(_mm256_loadu_ps(x + i)));
    const __m256i mask = zk_tail_mask8((int)(n - i));
    _mm256_maskstore_ps(x + i, mask, zk_gelu8(_mm256_maskload_ps(x + i, mask)));
}

static ZK_AVX512 void gelu_avx512(size_t n, float *x) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, zk_gelu16(_mm512_loadu_ps(x + i)));
    const __mmask16 mask = zk_tail_mask16((int)(n - i));
    _mm512_mask_storeu_ps(x + i, mask, zk_gelu16(_mm512_maskz_loadu_ps(mask, x + i)));
}

#endif

void zk_gelu(zk_isa isa, size_t n, float *x) {
    switch (zk_resolve_isa(isa)) {
#if defined(__x86_64__)
    case ZK_ISA_AVX512: gelu_avx512(n, x); break;
    case ZK_ISA_AVX2: gelu_avx2(n, x); break;
#endif
    default:
        for (size_t i = 0; i < n; i++) x[i] = zk_gelu1(x[i]);
        break;
    }
}

// ---- LSTM cell -------------------------------------------------------------------------------

static void lstm_row_scalar(int H, const float *g, const float *r, float *c, float *h) {
    for (int k = 0; k < H; k++) {
        const float i = sigmoid_scalar(g[k] + r[k]), f = sigmoid_scalar(g[H + k] + r[H + k]);
        const float cand = tanhf(g[2 * H + k] + r[2 * H + k]), o = sigmoid_scalar(g[3 * H + k] + r[3 * H + k]);
        c[k] = f * c[k] + i * cand;
        h[k] = o * tanhf(c[k]);
    }
}

#if defined(__x86_64__)

ZK_INLINE ZK_AVX2 __m256 load8(const float *p, __m256i mask, int full) {
    return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
}

/// Gate j's pre-activation at k..k+7: the input part plus the recurrent part.
ZK_INLINE ZK_AVX2 __m256 gate8(const float *g, const float *r, int at, __m256i mask, int full) {
    return _mm256_add_ps(load8(g + at, mask, full), load8(r + at, mask, full));
}

ZK_INLINE ZK_AVX2 void lstm8(const float *g, const float *r, int H, int k, __m256i mask, int full, float *c, float *h) {
    const __m256 i = zk_sigmoid8(gate8(g, r, k, mask, full)), f = zk_sigmoid8(gate8(g, r, H + k, mask, full));
    const __m256 cand = zk_tanh8(gate8(g, r, 2 * H + k, mask, full)), o = zk_sigmoid8(gate8(g, r, 3 * H + k, mask, full));
    const __m256 cn = _mm256_fmadd_ps(f, load8(c + k, mask, full), _mm256_mul_ps(i, cand));
    const __m256 hn = _mm256_mul_ps(o, zk_tanh8(cn));
    if (full) {
        _mm256_storeu_ps(c + k, cn);
        _mm256_storeu_ps(h + k, hn);
    } else {
        _mm256_maskstore_ps(c + k, mask, cn);
        _mm256_maskstore_ps(h + k, mask, hn);
    }
}

static ZK_AVX2 void lstm_row_avx2(int H, const float *g, const float *r, float *c, float *h) {
    int k = 0;
    const __m256i all = _mm256_set1_epi32(-1);
    for (; k + 8 <= H; k += 8) lstm8(g, r, H, k, all, 1, c, h);
    if (k < H) lstm8(g, r, H, k, zk_tail_mask8(H - k), 0, c, h);
}

ZK_INLINE ZK_AVX512 __m512 gate16(const float *g, const float *r, int at, __mmask16 m) {
    return _mm512_add_ps(_mm512_maskz_loadu_ps(m, g + at), _mm512_maskz_loadu_ps(m, r + at));
}

static ZK_AVX512 void lstm_row_avx512(int H, const float *g, const float *r, float *c, float *h) {
    for (int k = 0; k < H; k += 16) {
        const __mmask16 m = zk_tail_mask16(H - k);
        const __m512 i = zk_sigmoid16(gate16(g, r, k, m));
        const __m512 f = zk_sigmoid16(gate16(g, r, H + k, m));
        const __m512 cand = zk_tanh16(gate16(g, r, 2 * H + k, m));
        const __m512 o = zk_sigmoid16(gate16(g, r, 3 * H + k, m));
        const __m512 cn = _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(m, c + k), _mm512_mul_ps(i, cand));
        _mm512_mask_storeu_ps(c + k, m, cn);
        _mm512_mask_storeu_ps(h + k, m, _mm512_mul_ps(o, zk_tanh16(cn)));
    }
}

#endif

void zk_lstm_cell(zk_isa isa, int B, int H, const float *gates, int ldg, const float *rec, int ldr,
                  float *c, float *h, int ldh) {
    isa = zk_resolve_isa(isa);
    for (int b = 0; b < B; b++) {
        const float *g = gates + (size_t)b * ldg, *r = rec + (size_t)b * ldr;
        float *cb = c + (size_t)b * ldh, *hb = h + (size_t)b * ldh;
        switch (isa) {
#if defined(__x86_64__)
        case ZK_ISA_AVX512: lstm_row_avx512(H, g, r, cb, hb); break;
        case ZK_ISA_AVX2: lstm_row_avx2(H, g, r, cb, hb); break;
#endif
        default: lstm_row_scalar(H, g, r, cb, hb); break;
        }
    }
}
