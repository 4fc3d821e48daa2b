// INT8 GEMM on the "zk-s8-n16k4" packed layout: C = a_scale * w_scale * (Q · Wᵀ) + bias.
#include <stdlib.h>
#include <string.h>

#include "vmath.h"

// The scaled output must be bit-identical across ISAs: no path may fuse the multiply with the
// bias add, so every path evaluates ((float)acc * a_scale) * w_scale, then + bias. The GELU
// epilogue is zk_gelu's own per-lane code of the same ISA (vmath.h), so GEMM-with-GELU equals
// GEMM then zk_gelu bit for bit.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

size_t zk_s8_packed_size(int N, int K) {
    return (size_t)zk_round_up(N, ZK_NBLOCK) * (size_t)zk_round_up(K, ZK_KGROUP);
}

void zk_s8_pack(const int8_t *W, int N, int K, int8_t *packed) {
    const int NB = zk_round_up(N, ZK_NBLOCK) / ZK_NBLOCK, KG = zk_round_up(K, ZK_KGROUP) / ZK_KGROUP;
    for (int nb = 0; nb < NB; nb++)
        for (int kg = 0; kg < KG; kg++) {
            int8_t *dst = packed + ((size_t)nb * KG + kg) * 64;
            for (int j = 0; j < 16; j++)
                for (int t = 0; t < 4; t++) {
                    const int n = nb * 16 + j, k = kg * 4 + t;
                    dst[j * 4 + t] = (n < N && k < K) ? W[(size_t)n * K + k] : 0;
                }
        }
}

void zk_s8_colsums(const int8_t *packed, int N, int K, int32_t *sums) {
    const int NB = zk_round_up(N, ZK_NBLOCK) / ZK_NBLOCK, KG = zk_round_up(K, ZK_KGROUP) / ZK_KGROUP;
    for (int nb = 0; nb < NB; nb++) {
        int32_t s[16] = {0};
        for (int kg = 0; kg < KG; kg++) {
            const int8_t *src = packed + ((size_t)nb * KG + kg) * 64;
            for (int j = 0; j < 16; j++)
                for (int t = 0; t < 4; t++) s[j] += src[j * 4 + t];
        }
        memcpy(sums + nb * 16, s, sizeof s);
    }
}

static void gemm_s8_scalar(int M, int K, const int8_t *Q, int ldq, const float *a_scale, const int8_t *packed,
                           const float *w_scale, const float *bias, int gelu, float *C, int ldc, int n0, int n1) {
    const int KG = zk_round_up(K, ZK_KGROUP) / ZK_KGROUP;
    for (int nb = n0 / 16; nb * 16 < n1; nb++) {
        const int8_t *w = packed + (size_t)nb * KG * 64;
        const int cols = zk_min(16, n1 - nb * 16);
        for (int m = 0; m < M; m++) {
            const int8_t *q = Q + (size_t)m * ldq;
            int32_t acc[16] = {0};
            for (int kg = 0; kg < KG; kg++)
                for (int j = 0; j < 16; j++)
                    for (int t = 0; t < 4; t++) acc[j] += q[kg * 4 + t] * w[kg * 64 + j * 4 + t];
            float *c = C + (size_t)m * ldc + nb * 16;
            for (int j = 0; j < cols; j++) {
                const int n = nb * 16 + j;
                float v = (float)acc[j] * a_scale[m] * w_scale[n];
                if (bias) v += bias[n];
                c[j] = gelu ? zk_gelu1(v) : v;
            }
        }
    }
}

#if defined(__x86_64__)

// ---- AVX2: exact int16 products (vpmaddwd) on sign-extended bytes ----------------------------
// A register holds 4 columns × 4 k as int16; vpmaddwd leaves two partial sums per column, which
// the epilogue folds with vphaddd. A is sign-extended to int16 once per call so the inner loop
// broadcasts a k group with a single load; 2 rows × 16 columns keeps every accumulator and
// operand in the 16 ymm registers (3 rows spill and run slower).

#define S8_AVX2_MR 2

/// Scales 8 int32 sums into c[0..8) (then GELU when `gelu`); `mask` limits the lanes when `full` is
/// 0. One branch per tile, not per store, lets gcc keep the accumulators in registers too.
ZK_INLINE ZK_AVX2 void store8_s8_avx2(__m256i acc, float as, const float *ws, const float *bias, int gelu, float *c,
                                       __m256i mask, int full) {
    const __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_set1_ps(as));
    if (full) {
        __m256 v = _mm256_mul_ps(f, _mm256_loadu_ps(ws));
        if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias));
        _mm256_storeu_ps(c, gelu ? zk_gelu8(v) : v);
    } else {
        __m256 v = _mm256_mul_ps(f, _mm256_maskload_ps(ws, mask));
        if (bias) v = _mm256_add_ps(v, _mm256_maskload_ps(bias, mask));
        _mm256_maskstore_ps(c, mask, gelu ? zk_gelu8(v) : v);
    }
}

ZK_INLINE ZK_AVX2 void tile_s8_avx2(const int mr, int KG, const int16_t *a16, int lda16, const int8_t *w,
                                     const float *as, const float *ws, const float *bias, int gelu, float *c,
                                     int ldc, int cols) {
    __m256i acc[S8_AVX2_MR][4];
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < 4; j++) acc[r][j] = _mm256_setzero_si256();
    for (int kg = 0; kg < KG; kg++) {
        __m256i a[S8_AVX2_MR];
        for (int r = 0; r < mr; r++) {
            int64_t v;
            memcpy(&v, a16 + (size_t)r * lda16 + kg * 4, sizeof v);
            a[r] = _mm256_set1_epi64x(v);
        }
        for (int j = 0; j < 4; j++) {
            const __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + (size_t)kg * 64 + j * 16)));
            for (int r = 0; r < mr; r++) acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(wv, a[r]));
        }
    }
    const __m256i m0 = zk_tail_mask8(cols), m1 = zk_tail_mask8(cols - 8);
    const int full = cols >= 16;
    for (int r = 0; r < mr; r++) {
        // hadd interleaves 128-bit lanes: (c0 c1 c4 c5 | c2 c3 c6 c7) -> reorder 64-bit pairs.
        const __m256i lo = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xD8);
        const __m256i hi = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][2], acc[r][3]), 0xD8);
        float *cr = c + (size_t)r * ldc;
        store8_s8_avx2(lo, as[r], ws, bias, gelu, cr, m0, full);
        store8_s8_avx2(hi, as[r], ws + 8, bias ? bias + 8 : NULL, gelu, cr + 8, m1, full);
    }
}

/// Returns 0 (nothing computed) when the int16 copy of A cannot be allocated.
static ZK_AVX2 int gemm_s8_avx2(int M, int K, const int8_t *Q, int ldq, const float *a_scale,
                                const int8_t *packed, const float *w_scale, const float *bias, int gelu, float *C,
                                int ldc, int n0, int n1) {
    const int Kp = zk_round_up(K, ZK_KGROUP), KG = Kp / ZK_KGROUP;
    int16_t *a16 = malloc((size_t)M * Kp * sizeof(int16_t));
    if (!a16) return 0;
    for (int m = 0; m < M; m++) {
        const int8_t *q = Q + (size_t)m * ldq;
        int16_t *d = a16 + (size_t)m * Kp;
        int k = 0;
        for (; k + 16 <= Kp; k += 16)
            _mm256_storeu_si256((__m256i *)(d + k), _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(q + k))));
        for (; k < Kp; k++) d[k] = q[k];
    }
    for (int nb = n0 / 16; nb * 16 < n1; nb++) {
        const int n = nb * 16, cols = n1 - n;
        const int8_t *w = packed + (size_t)nb * KG * 64;
        const float *bn = bias ? bias + n : NULL;
        for (int m = 0; m < M; m += S8_AVX2_MR) {
            const int16_t *a = a16 + (size_t)m * Kp;
            float *c = C + (size_t)m * ldc + n;
            if (M - m >= 2)
                tile_s8_avx2(2, KG, a, Kp, w, a_scale + m, w_scale + n, bn, gelu, c, ldc, cols);
            else
                tile_s8_avx2(1, KG, a, Kp, w, a_scale + m, w_scale + n, bn, gelu, c, ldc, cols);
        }
    }
    free(a16);
    return 1;
}

// ---- AVX-512 VNNI: vpdpbusd on u8 = q + 128 (q ^ 0x80), then subtract 128 * colsum -----------
// A is flipped to u8 once per call, so each row's k group is one broadcast load in the inner loop.

#define S8_MR 6
#define S8_NB 4

ZK_INLINE ZK_AVX512 void tile_s8_avx512(const int mr, const int nbn, int KG, const uint8_t *a8, int lda8,
                                         const int8_t *w, size_t wstride, const int32_t *colsums, const float *as,
                                         const float *ws, const float *bias, int gelu, float *c, int ldc, int cols) {
    __m512i acc[S8_MR][S8_NB];
    for (int r = 0; r < mr; r++)
        for (int b = 0; b < nbn; b++) acc[r][b] = _mm512_setzero_si512();
    for (int kg = 0; kg < KG; kg++) {
        __m512i wv[S8_NB];
        for (int b = 0; b < nbn; b++) wv[b] = _mm512_loadu_si512(w + b * wstride + (size_t)kg * 64);
        for (int r = 0; r < mr; r++) {
            int32_t a4;
            memcpy(&a4, a8 + (size_t)r * lda8 + kg * 4, sizeof a4);
            const __m512i a = _mm512_set1_epi32(a4);
            for (int b = 0; b < nbn; b++) acc[r][b] = _mm512_dpbusd_epi32(acc[r][b], a, wv[b]);
        }
    }
    for (int b = 0; b < nbn; b++) {
        const __mmask16 mask = zk_tail_mask16(cols - b * 16);
        const __m512i zp = _mm512_slli_epi32(_mm512_maskz_loadu_epi32(mask, colsums + b * 16), 7);
        const __m512 wsv = _mm512_maskz_loadu_ps(mask, ws + b * 16);
        const __m512 bv = bias ? _mm512_maskz_loadu_ps(mask, bias + b * 16) : _mm512_setzero_ps();
        for (int r = 0; r < mr; r++) {
            const __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][b], zp));
            __m512 v = _mm512_mul_ps(_mm512_mul_ps(f, _mm512_set1_ps(as[r])), wsv);
            if (bias) v = _mm512_add_ps(v, bv);
            _mm512_mask_storeu_ps(c + (size_t)r * ldc + b * 16, mask, gelu ? zk_gelu16(v) : v);
        }
    }
}

#define S8_CASE(MR, NB)                                                                                    \
    case MR * 8 + NB:                                                                                      \
        tile_s8_avx512(MR, NB, KG, a, Kp, w, wstride, cs, as, ws, bn, gelu, c, ldc, cols);                 \
        break;
#define S8_ROW(MR) S8_CASE(MR, 1) S8_CASE(MR, 2) S8_CASE(MR, 3) S8_CASE(MR, 4)

/// Returns 0 (nothing computed) when the u8 copy of A cannot be allocated.
static ZK_AVX512 int gemm_s8_avx512(int M, int K, const int8_t *Q, int ldq, const float *a_scale,
                                    const int8_t *packed, const int32_t *colsums, const float *w_scale,
                                    const float *bias, int gelu, float *C, int ldc, int n0, int n1) {
    const int Kp = zk_round_up(K, ZK_KGROUP), KG = Kp / ZK_KGROUP;
    const size_t wstride = (size_t)KG * 64;
    uint8_t *a8 = malloc((size_t)M * Kp);
    if (!a8) return 0;
    const __m512i flip = _mm512_set1_epi32((int)0x80808080u);
    for (int m = 0; m < M; m++) {
        const int8_t *q = Q + (size_t)m * ldq;
        uint8_t *d = a8 + (size_t)m * Kp;
        for (int k = 0; k < Kp; k += 64) {
            const __mmask64 mask = Kp - k >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (Kp - k)) - 1;
            _mm512_mask_storeu_epi8(d + k, mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, q + k), flip));
        }
    }
    const int nb1 = (n1 + 15) / 16;
    // Column panels outermost: a panel of weights (<= 64 columns × K) stays in L2 while every
    // row tile of A streams past it.
    for (int nb = n0 / 16; nb < nb1; nb += S8_NB) {
        const int nbn = zk_min(S8_NB, nb1 - nb), n = nb * 16, cols = n1 - n;
        const int8_t *w = packed + (size_t)nb * wstride;
        const int32_t *cs = colsums + n;
        const float *ws = w_scale + n, *bn = bias ? bias + n : NULL;
        for (int m = 0; m < M; m += S8_MR) {
            const uint8_t *a = a8 + (size_t)m * Kp;
            const float *as = a_scale + m;
            float *c = C + (size_t)m * ldc + n;
            switch (zk_min(S8_MR, M - m) * 8 + nbn) {
                S8_ROW(1) S8_ROW(2) S8_ROW(3) S8_ROW(4) S8_ROW(5) S8_ROW(6)
            }
        }
    }
    free(a8);
    return 1;
}

#endif

void zk_gemm_s8(zk_isa isa, int M, int N, int K, const int8_t *Q, int ldq, const float *a_scale,
                const int8_t *packed, const int32_t *colsums, const float *w_scale, const float *bias,
                zk_epilogue epilogue, float *C, int ldc, int n0, int n1) {
#if !defined(__x86_64__)
    (void)colsums; // only the VNNI path reads it
#endif
    if (n1 > N) n1 = N;
    if (M <= 0 || n0 >= n1) return;
    const int gelu = epilogue == ZK_EPILOGUE_GELU;
    isa = zk_resolve_isa(isa);
    switch (isa) {
#if defined(__x86_64__)
    case ZK_ISA_AVX512:
        if (gemm_s8_avx512(M, K, Q, ldq, a_scale, packed, colsums, w_scale, bias, gelu, C, ldc, n0, n1)) return;
        break;
    case ZK_ISA_AVX2:
        if (gemm_s8_avx2(M, K, Q, ldq, a_scale, packed, w_scale, bias, gelu, C, ldc, n0, n1)) return;
        break;
#endif
    default:
        break;
    }
    // Also the fallback when a vector path could not allocate its copy of A: the scalar path needs
    // none and gives the same sums. Its GELU is the scalar one, so a vector ISA's GELU runs after it.
    const int scalar_gelu = gelu && isa == ZK_ISA_SCALAR;
    gemm_s8_scalar(M, K, Q, ldq, a_scale, packed, w_scale, bias, scalar_gelu, C, ldc, n0, n1);
    if (gelu && !scalar_gelu)
        for (int m = 0; m < M; m++) zk_gelu(isa, (size_t)(n1 - n0), C + (size_t)m * ldc + n0);
}
