// Dynamic per-row int8 quantization of activations. Every path divides by the same scale and
// rounds half away from zero exactly, so Q is bit-identical whichever path runs; the header
// therefore takes no isa and the best one is used.
#include <math.h>
#include <string.h>

#include "zk_internal.h"

static void quantize_row_scalar(int K, const float *a, int8_t *q, float *scale) {
    float amax = 0.0f;
    for (int k = 0; k < K; k++) amax = fmaxf(amax, fabsf(a[k]));
    const float s = amax > 0.0f ? amax / 127.0f : 1.0f;
    for (int k = 0; k < K; k++) q[k] = (int8_t)fminf(fmaxf(roundf(a[k] / s), -127.0f), 127.0f);
    *scale = s;
}

#if defined(__x86_64__)
// roundf semantics: x - trunc(x) is exact, so comparing it with 0.5 decides ties like libm does.
ZK_INLINE ZK_AVX2 __m256 round_half_away_avx2(__m256 v) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 frac = _mm256_andnot_ps(sign, _mm256_sub_ps(v, t));
    const __m256 up = _mm256_cmp_ps(frac, _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    const __m256 one = _mm256_or_ps(_mm256_and_ps(v, sign), _mm256_set1_ps(1.0f));
    return _mm256_add_ps(t, _mm256_and_ps(up, one));
}

ZK_INLINE ZK_AVX2 __m128i quantize8_avx2(__m256 a, __m256 s) {
    __m256 v = round_half_away_avx2(_mm256_div_ps(a, s));
    v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-127.0f)), _mm256_set1_ps(127.0f));
    const __m256i i = _mm256_cvtps_epi32(v);
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256(i, 1));
    return _mm_packs_epi16(w, w);
}

static ZK_AVX2 void quantize_row_avx2(int K, const float *a, int8_t *q, float *scale) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 vmax = _mm256_setzero_ps();
    int k = 0;
    for (; k + 8 <= K; k += 8) vmax = _mm256_max_ps(vmax, _mm256_andnot_ps(sign, _mm256_loadu_ps(a + k)));
    const int rem = K - k;
    const __m256i tmask = zk_tail_mask8(rem);
    const __m256 tail = _mm256_maskload_ps(a + k, tmask); // masked lanes read as 0: neutral for max|x|
    vmax = _mm256_max_ps(vmax, _mm256_andnot_ps(sign, tail));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    const float amax = _mm_cvtss_f32(m4);
    const float s = amax > 0.0f ? amax / 127.0f : 1.0f;
    const __m256 vs = _mm256_set1_ps(s);
    for (k = 0; k + 8 <= K; k += 8) _mm_storel_epi64((__m128i *)(q + k), quantize8_avx2(_mm256_loadu_ps(a + k), vs));
    if (rem > 0) {
        int8_t buf[16];
        _mm_storeu_si128((__m128i *)buf, quantize8_avx2(tail, vs));
        memcpy(q + k, buf, (size_t)rem);
    }
    *scale = s;
}

ZK_INLINE ZK_AVX512 __m128i quantize16_avx512(__m512 a, __m512 s) {
    const __m512 v = _mm512_div_ps(a, s);
    const __m512 t = _mm512_roundscale_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __mmask16 up = _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_sub_ps(v, t)), _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    const __m512 one = _mm512_or_ps(_mm512_and_ps(v, _mm512_set1_ps(-0.0f)), _mm512_set1_ps(1.0f));
    __m512 r = _mm512_mask_add_ps(t, up, t, one);
    r = _mm512_min_ps(_mm512_max_ps(r, _mm512_set1_ps(-127.0f)), _mm512_set1_ps(127.0f));
    return _mm512_cvtepi32_epi8(_mm512_cvtps_epi32(r));
}

static ZK_AVX512 void quantize_row_avx512(int K, const float *a, int8_t *q, float *scale) {
    __m512 vmax = _mm512_setzero_ps();
    int k = 0;
    for (; k + 16 <= K; k += 16) vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_loadu_ps(a + k)));
    const __mmask16 tmask = zk_tail_mask16(K - k);
    const __m512 tail = _mm512_maskz_loadu_ps(tmask, a + k);
    vmax = _mm512_max_ps(vmax, _mm512_abs_ps(tail));
    const float amax = _mm512_reduce_max_ps(vmax);
    const float s = amax > 0.0f ? amax / 127.0f : 1.0f;
    const __m512 vs = _mm512_set1_ps(s);
    for (k = 0; k + 16 <= K; k += 16) _mm_storeu_si128((__m128i *)(q + k), quantize16_avx512(_mm512_loadu_ps(a + k), vs));
    _mm_mask_storeu_epi8(q + k, tmask, quantize16_avx512(tail, vs));
    *scale = s;
}
#endif

void zk_quantize_row_s8(zk_isa isa, int K, const float *a, int8_t *q, float *scale) {
    switch (isa) {
#if defined(__x86_64__)
    case ZK_ISA_AVX512: quantize_row_avx512(K, a, q, scale); break;
    case ZK_ISA_AVX2: quantize_row_avx2(K, a, q, scale); break;
#endif
    default: quantize_row_scalar(K, a, q, scale); break;
    }
    memset(q + K, 0, (size_t)(zk_round_up(K, ZK_KGROUP) - K));
}

void zk_quantize_rows_s8_isa(zk_isa isa, int M, int K, const float *A, int lda, int8_t *Q, int ldq,
                             float *scales) {
    isa = zk_resolve_isa(isa);
    for (int m = 0; m < M; m++) zk_quantize_row_s8(isa, K, A + (size_t)m * lda, Q + (size_t)m * ldq, &scales[m]);
}

void zk_quantize_rows_s8(int M, int K, const float *A, int lda, int8_t *Q, int ldq, float *scales) {
    zk_quantize_rows_s8_isa(zk_best_isa(), M, K, A, lda, Q, ldq, scales);
}
