// FP32 GEMMs. All three entry points run the same register-blocked panel kernels over a
// "zk-f32-n16" panel: the weight matrix is packed already, attention operands are packed per
// panel into a stack buffer (a transpose for Q·Kᵀ, a copy for P·V) so their kernels need no
// horizontal sums and no masked loads.
#include <string.h>

#include "zk_internal.h"

/// K is processed in chunks of KC: a chunk of a 64-column panel (64 KiB) stays in L2, and the
/// attention pack buffer stays a fixed, stack-friendly size.
#define KC 256
/// Widest panel of any path, in 16-column blocks.
#define NB_MAX 4

/// C[r][0..cols) (= or +=) alpha * Σ_k A[r][k] · panel[k][·] (+ bias[·] when not accumulating),
/// for r in [0, M), k in [0, kc). Block b of the panel starts at wp + b * bstride, row k at + k*16.
typedef void (*panel_fn)(int M, int kc, const float *A, int lda, const float *wp, size_t bstride, int nbn,
                         float alpha, const float *bias, int accumulate, float *C, int ldc, int cols);

size_t zk_f32_packed_count(int N, int K) { return (size_t)zk_round_up(N, ZK_NBLOCK) * (size_t)K; }

void zk_f32_pack(const float *W, int N, int K, float *packed) {
    const int NB = zk_round_up(N, ZK_NBLOCK) / ZK_NBLOCK;
    for (int nb = 0; nb < NB; nb++)
        for (int k = 0; k < K; k++)
            for (int j = 0; j < 16; j++) {
                const int n = nb * 16 + j;
                packed[((size_t)nb * K + k) * 16 + j] = n < N ? W[(size_t)n * K + k] : 0.0f;
            }
}

static void panel_f32_scalar(int M, int kc, const float *A, int lda, const float *wp, size_t bstride, int nbn,
                             float alpha, const float *bias, int accumulate, float *C, int ldc, int cols) {
    const int width = zk_min(cols, nbn * 16);
    for (int m = 0; m < M; m++) {
        const float *a = A + (size_t)m * lda;
        float acc[NB_MAX * 16] = {0};
        for (int b = 0; b < nbn; b++) {
            const float *w = wp + b * bstride;
            for (int k = 0; k < kc; k++)
                for (int j = 0; j < 16; j++) acc[b * 16 + j] += a[k] * w[k * 16 + j];
        }
        float *c = C + (size_t)m * ldc;
        for (int j = 0; j < width; j++) {
            const float base = accumulate ? c[j] : (bias ? bias[j] : 0.0f);
            c[j] = alpha * acc[j] + base;
        }
    }
}

#if defined(__x86_64__)

#define F32_AVX2_MR 6

/// c[0..8) = alpha * acc + base, base = c (accumulating), bias or 0; `mask` limits the lanes when
/// `full` is 0. One branch per tile, not per store, lets gcc keep the accumulators in registers too.
ZK_INLINE ZK_AVX2 void store8_f32_avx2(__m256 acc, __m256 alpha, const float *bias, int accumulate, float *c,
                                        __m256i mask, int full) {
    const __m256 zero = _mm256_setzero_ps();
    if (full) {
        const __m256 base = accumulate ? _mm256_loadu_ps(c) : bias ? _mm256_loadu_ps(bias) : zero;
        _mm256_storeu_ps(c, _mm256_fmadd_ps(alpha, acc, base));
    } else {
        const __m256 base = accumulate ? _mm256_maskload_ps(c, mask) : bias ? _mm256_maskload_ps(bias, mask) : zero;
        _mm256_maskstore_ps(c, mask, _mm256_fmadd_ps(alpha, acc, base));
    }
}

// mr rows × one 16-column block (two ymm): 12 accumulators, the classic 6×16 Haswell shape.
ZK_INLINE ZK_AVX2 void tile_f32_avx2(const int mr, int kc, const float *a, int lda, const float *w, float alpha,
                                      const float *bias, int accumulate, float *c, int ldc, int cols) {
    __m256 acc[F32_AVX2_MR][2];
    for (int r = 0; r < mr; r++)
        for (int h = 0; h < 2; h++) acc[r][h] = _mm256_setzero_ps();
    for (int k = 0; k < kc; k++) {
        const __m256 w0 = _mm256_loadu_ps(w + k * 16), w1 = _mm256_loadu_ps(w + k * 16 + 8);
        for (int r = 0; r < mr; r++) {
            const __m256 av = _mm256_broadcast_ss(a + (size_t)r * lda + k);
            acc[r][0] = _mm256_fmadd_ps(av, w0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(av, w1, acc[r][1]);
        }
    }
    const __m256 va = _mm256_set1_ps(alpha);
    const __m256i m0 = zk_tail_mask8(cols), m1 = zk_tail_mask8(cols - 8);
    const int full = cols >= 16;
    for (int r = 0; r < mr; r++) {
        float *cr = c + (size_t)r * ldc;
        store8_f32_avx2(acc[r][0], va, bias, accumulate, cr, m0, full);
        store8_f32_avx2(acc[r][1], va, bias ? bias + 8 : NULL, accumulate, cr + 8, m1, full);
    }
}

static ZK_AVX2 void panel_f32_avx2(int M, int kc, const float *A, int lda, const float *wp, size_t bstride,
                                   int nbn, float alpha, const float *bias, int accumulate, float *C, int ldc,
                                   int cols) {
    for (int b = 0; b < nbn; b++) {
        const float *w = wp + b * bstride, *bb = bias ? bias + b * 16 : NULL;
        const int cb = cols - b * 16;
        for (int m = 0; m < M; m += F32_AVX2_MR) {
            const float *a = A + (size_t)m * lda;
            float *c = C + (size_t)m * ldc + b * 16;
            switch (zk_min(F32_AVX2_MR, M - m)) {
            case 1: tile_f32_avx2(1, kc, a, lda, w, alpha, bb, accumulate, c, ldc, cb); break;
            case 2: tile_f32_avx2(2, kc, a, lda, w, alpha, bb, accumulate, c, ldc, cb); break;
            case 3: tile_f32_avx2(3, kc, a, lda, w, alpha, bb, accumulate, c, ldc, cb); break;
            case 4: tile_f32_avx2(4, kc, a, lda, w, alpha, bb, accumulate, c, ldc, cb); break;
            case 5: tile_f32_avx2(5, kc, a, lda, w, alpha, bb, accumulate, c, ldc, cb); break;
            default: tile_f32_avx2(6, kc, a, lda, w, alpha, bb, accumulate, c, ldc, cb); break;
            }
        }
    }
}

#define F32_MR 6

ZK_INLINE ZK_AVX512 void tile_f32_avx512(const int mr, const int nbn, int kc, const float *a, int lda,
                                          const float *wp, size_t bstride, float alpha, const float *bias,
                                          int accumulate, float *c, int ldc, int cols) {
    __m512 acc[F32_MR][NB_MAX];
    for (int r = 0; r < mr; r++)
        for (int b = 0; b < nbn; b++) acc[r][b] = _mm512_setzero_ps();
    for (int k = 0; k < kc; k++) {
        __m512 wv[NB_MAX];
        for (int b = 0; b < nbn; b++) wv[b] = _mm512_loadu_ps(wp + b * bstride + (size_t)k * 16);
        for (int r = 0; r < mr; r++) {
            const __m512 av = _mm512_set1_ps(a[(size_t)r * lda + k]);
            for (int b = 0; b < nbn; b++) acc[r][b] = _mm512_fmadd_ps(av, wv[b], acc[r][b]);
        }
    }
    const __m512 va = _mm512_set1_ps(alpha);
    for (int b = 0; b < nbn; b++) {
        const __mmask16 mask = zk_tail_mask16(cols - b * 16);
        const __m512 bv = (!accumulate && bias) ? _mm512_maskz_loadu_ps(mask, bias + b * 16) : _mm512_setzero_ps();
        for (int r = 0; r < mr; r++) {
            float *cr = c + (size_t)r * ldc + b * 16;
            const __m512 base = accumulate ? _mm512_maskz_loadu_ps(mask, cr) : bv;
            _mm512_mask_storeu_ps(cr, mask, _mm512_fmadd_ps(va, acc[r][b], base));
        }
    }
}

#define F32_CASE(MR, NB)                                                                                   \
    case MR * 8 + NB:                                                                                      \
        tile_f32_avx512(MR, NB, kc, a, lda, wp, bstride, alpha, bias, accumulate, c, ldc, cols);           \
        break;
#define F32_ROW(MR) F32_CASE(MR, 1) F32_CASE(MR, 2) F32_CASE(MR, 3) F32_CASE(MR, 4)

static ZK_AVX512 void panel_f32_avx512(int M, int kc, const float *A, int lda, const float *wp, size_t bstride,
                                       int nbn, float alpha, const float *bias, int accumulate, float *C, int ldc,
                                       int cols) {
    for (int m = 0; m < M; m += F32_MR) {
        const float *a = A + (size_t)m * lda;
        float *c = C + (size_t)m * ldc;
        switch (zk_min(F32_MR, M - m) * 8 + nbn) {
            F32_ROW(1) F32_ROW(2) F32_ROW(3) F32_ROW(4) F32_ROW(5) F32_ROW(6)
        }
    }
}

#endif

/// The panel kernel of `isa` (resolved) and its panel width in blocks.
static panel_fn select_panel(zk_isa isa, int *nb_panel) {
    switch (zk_resolve_isa(isa)) {
#if defined(__x86_64__)
    case ZK_ISA_AVX512: *nb_panel = 4; return panel_f32_avx512;
    // Two ymm per block already fill the 16 AVX2 registers at 6 rows: one block per panel.
    case ZK_ISA_AVX2: *nb_panel = 1; return panel_f32_avx2;
#endif
    default: *nb_panel = NB_MAX; return panel_f32_scalar;
    }
}

void zk_gemm_f32(zk_isa isa, int M, int N, int K, const float *A, int lda, const float *packed,
                 const float *bias, float *C, int ldc, int n0, int n1) {
    if (n1 > N) n1 = N;
    if (M <= 0 || n0 >= n1) return;
    int nbp;
    const panel_fn panel = select_panel(isa, &nbp);
    const int nb1 = (n1 + 15) / 16;
    const size_t bstride = (size_t)K * 16;
    for (int nb = n0 / 16; nb < nb1; nb += nbp) {
        const int nbn = zk_min(nbp, nb1 - nb), n = nb * 16;
        const float *bn = bias ? bias + n : NULL;
        // do-while: K == 0 still writes C = bias.
        int k0 = 0;
        do {
            panel(M, zk_min(KC, K - k0), A + k0, lda, packed + nb * bstride + (size_t)k0 * 16, bstride, nbn, 1.0f,
                  bn, k0 > 0, C + n, ldc, n1 - n);
            k0 += KC;
        } while (k0 < K);
    }
}

/// Packs the unpacked B of an attention product for the panel kernels: fills buf (NB_MAX blocks of KC×16) with the
/// columns [n, n + 16*nbn) and k in [k0, k0 + kc) of B, zero outside N.
typedef void (*pack_fn)(const float *B, int ldb, int N, int n, int nbn, int k0, int kc, float *buf);

static void pack_nt(const float *B, int ldb, int N, int n, int nbn, int k0, int kc, float *buf) {
    for (int b = 0; b < nbn; b++)
        for (int j = 0; j < 16; j++) {
            const int col = n + b * 16 + j;
            float *dst = buf + (size_t)b * KC * 16 + j;
            if (col < N) {
                const float *src = B + (size_t)col * ldb + k0;
                for (int k = 0; k < kc; k++) dst[k * 16] = src[k];
            } else {
                for (int k = 0; k < kc; k++) dst[k * 16] = 0.0f;
            }
        }
}

static void pack_nn(const float *B, int ldb, int N, int n, int nbn, int k0, int kc, float *buf) {
    for (int b = 0; b < nbn; b++) {
        const int c0 = n + b * 16, width = zk_min(16, N - c0);
        for (int k = 0; k < kc; k++) {
            float *dst = buf + ((size_t)b * KC + k) * 16;
            memcpy(dst, B + (size_t)(k0 + k) * ldb + c0, (size_t)width * sizeof(float));
            memset(dst + width, 0, (size_t)(16 - width) * sizeof(float));
        }
    }
}

static void sgemm_packed_b(zk_isa isa, int M, int N, int K, float alpha, const float *A, int lda, const float *B,
                           int ldb, float *C, int ldc, pack_fn pack) {
    if (M <= 0 || N <= 0) return;
    int nbp;
    const panel_fn panel = select_panel(isa, &nbp);
    float buf[NB_MAX * KC * 16];
    const int NB = (N + 15) / 16;
    for (int nb = 0; nb < NB; nb += nbp) {
        const int nbn = zk_min(nbp, NB - nb), n = nb * 16;
        int k0 = 0;
        do {
            const int kc = zk_min(KC, K - k0);
            pack(B, ldb, N, n, nbn, k0, kc, buf);
            panel(M, kc, A + k0, lda, buf, (size_t)KC * 16, nbn, alpha, NULL, k0 > 0, C + n, ldc, N - n);
            k0 += KC;
        } while (k0 < K);
    }
}

void zk_sgemm_nt(zk_isa isa, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
                 float *C, int ldc) {
    sgemm_packed_b(isa, M, N, K, alpha, A, lda, B, ldb, C, ldc, pack_nt);
}

void zk_sgemm_nn(zk_isa isa, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
                 int ldc) {
    sgemm_packed_b(isa, M, N, K, 1.0f, A, lda, B, ldb, C, ldc, pack_nn);
}
