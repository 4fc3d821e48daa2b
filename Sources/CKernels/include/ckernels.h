// zhner compute kernels: the hot loops of the encoder, in C, with run-time ISA dispatch.
//
// Every entry point takes an explicit `zk_isa`; the Swift side picks it once
// (best supported, or forced by ZHNER_ISA) so tests can run every path this CPU has.
// All paths produce the same packed layouts, so a quantized model file is ISA-independent.
// Kernels are single-threaded; callers split work by column ranges [n0, n1) or by rows.
#ifndef ZHNER_CKERNELS_H
#define ZHNER_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ZK_ISA_SCALAR = 0,
    ZK_ISA_AVX2 = 1,   // avx2 + fma
    ZK_ISA_AVX512 = 2, // avx512f + bw + vl + dq + vnni
} zk_isa;

/// The best ISA this CPU supports.
zk_isa zk_best_isa(void);
/// 1 if this CPU can run `isa`, else 0.
int zk_isa_supported(zk_isa isa);

/// Column block width of every packed weight layout.
#define ZK_NBLOCK 16
/// K is padded to a multiple of this in int8 layouts (one VNNI dword).
#define ZK_KGROUP 4

static inline int zk_round_up(int x, int m) { return (x + m - 1) / m * m; }

// ---------------------------------------------------------------------------------------------
// INT8: weights per-output-channel symmetric int8, activations per-row symmetric int8 (dynamic).
//
// Packed layout "zk-s8-n16k4" (stored in quantized model files):
//   Np = round_up(N, 16), Kp = round_up(K, 4).
//   for nb in [0, Np/16), kg in [0, Kp/4), j in [0,16), t in [0,4):
//     packed[(nb * (Kp/4) + kg) * 64 + j * 4 + t] = W[nb*16 + j][kg*4 + t]   (0 outside N×K)
// ---------------------------------------------------------------------------------------------

/// Bytes of a packed N×K int8 matrix.
size_t zk_s8_packed_size(int N, int K);
/// Pack row-major W (N rows of K) into `packed` (zk_s8_packed_size bytes).
void zk_s8_pack(const int8_t *W, int N, int K, int8_t *packed);
/// sums[n] = sum_k W[n][k] over the packed matrix, for n in [0, Np) (the u8 zero-point correction).
void zk_s8_colsums(const int8_t *packed, int N, int K, int32_t *sums);

/// Quantize rows of A (M×K, stride lda) to int8: scales[m] = max|A[m]|/127 (1 if the row is all
/// zero), Q[m][k] = round-half-away(A[m][k] / scales[m]) clamped to [-127, 127].
/// Q has stride ldq >= round_up(K, 4); the padding columns K..round_up(K,4) are written as 0.
void zk_quantize_rows_s8(int M, int K, const float *A, int lda, int8_t *Q, int ldq, float *scales);

/// What zk_gemm_s8 applies to each output after the bias.
typedef enum {
    ZK_EPILOGUE_NONE = 0,
    ZK_EPILOGUE_GELU = 1, // zk_gelu of the same isa, bit for bit, without a pass of its own
} zk_epilogue;

/// For m in [0,M), n in [n0, n1) (n0 a multiple of 16, n1 <= N):
///   C[m*ldc + n] = epilogue(a_scale[m] * w_scale[n] * sum_k Q[m][k] * W[n][k] + (bias ? bias[n] : 0))
/// `colsums` is zk_s8_colsums of the same packed matrix (used by the VNNI path).
/// Q must have its padding columns zeroed (zk_quantize_rows_s8 does this).
void zk_gemm_s8(zk_isa isa, int M, int N, int K,
                const int8_t *Q, int ldq, const float *a_scale,
                const int8_t *packed, const int32_t *colsums, const float *w_scale,
                const float *bias, zk_epilogue epilogue, float *C, int ldc, int n0, int n1);

// ---------------------------------------------------------------------------------------------
// FP32
//
// Packed layout "zk-f32-n16": Np = round_up(N, 16);
//   packed[(nb * K + k) * 16 + j] = W[nb*16 + j][k]   (0 outside N)
// ---------------------------------------------------------------------------------------------

/// Floats of a packed N×K fp32 matrix.
size_t zk_f32_packed_count(int N, int K);
void zk_f32_pack(const float *W, int N, int K, float *packed);

/// C[m*ldc + n] = sum_k A[m*lda + k] * W[n][k] + (bias ? bias[n] : 0), for n in [n0, n1) (n0 % 16 == 0).
void zk_gemm_f32(zk_isa isa, int M, int N, int K, const float *A, int lda,
                 const float *packed, const float *bias, float *C, int ldc, int n0, int n1);

/// C = alpha * A × Bᵀ: C[i*ldc + j] = alpha * sum_k A[i*lda + k] * B[j*ldb + k]  (M×N, unpacked).
void zk_sgemm_nt(zk_isa isa, int M, int N, int K, float alpha, const float *A, int lda,
                 const float *B, int ldb, float *C, int ldc);
/// C = A × B: C[i*ldc + j] = sum_k A[i*lda + k] * B[k*ldb + j]  (M×N, unpacked).
void zk_sgemm_nn(zk_isa isa, int M, int N, int K, const float *A, int lda,
                 const float *B, int ldb, float *C, int ldc);

// ---------------------------------------------------------------------------------------------
// Element-wise and row-wise steps
// ---------------------------------------------------------------------------------------------

/// Y[m] = LayerNorm(X[m] + (R ? R[m] : 0)) * gamma + beta over N columns (biased variance, eps inside
/// the sqrt, as torch.nn.LayerNorm). Y may alias X or R. Rows have stride ld.
void zk_add_layernorm(zk_isa isa, int M, int N, const float *X, const float *R, int ld,
                      const float *gamma, const float *beta, float eps, float *Y);
/// zk_add_layernorm that also quantizes each output row as zk_quantize_rows_s8 would from Y (same
/// bytes, padding and scales): Q has stride ldq >= round_up(N, 4), scales one per row. For a
/// LayerNorm whose output feeds an int8 linear layer, which then needs no quantize pass of its own.
void zk_add_layernorm_s8(zk_isa isa, int M, int N, const float *X, const float *R, int ld,
                         const float *gamma, const float *beta, float eps, float *Y,
                         int8_t *Q, int ldq, float *scales);

/// In place x = x * 0.5 * (1 + erf(x / sqrt(2))) (exact GELU, BERT's "gelu"); abs error <= 1e-6.
void zk_gelu(zk_isa isa, size_t n, float *x);

/// In place, each of M rows (stride ld): softmax over the first `n` entries; entries n..ncols-1
/// are set to 0 (masked keys). Subtracts the row max first.
void zk_softmax_rows(zk_isa isa, int M, int n, int ncols, float *X, int ld);

/// out[k] = base[k] + Σ_i scales8[i]·rows8[i][k] + Σ_j weights[j]·rowsf[j][k] for k in [0, n): int8 and
/// float rows summed into one output row in a single pass (out may alias base). The AVX-512 path
/// is the AVX2 one: this is bound by memory, not arithmetic.
void zk_sum_rows(zk_isa isa, int n, const float *base, int n8, const int8_t *const *rows8, const float *scales8,
                 int nf, const float *const *rowsf, const float *weights, float *out);

/// One LSTM step for B rows (PyTorch gate order i, f, g, o):
///   pre-activations = gates + rec: gates B×4H (stride ldg) holding W_ih x + b_ih + b_hh, rec B×4H
///   (stride ldr) holding W_hh h (added here rather than in a pass of its own);
///   c = sigmoid(f) * c + sigmoid(i) * tanh(g);  h = sigmoid(o) * tanh(c)
/// c and h are B×H with stride ldh. Relative error of sigmoid/tanh <= 1e-6.
void zk_lstm_cell(zk_isa isa, int B, int H, const float *gates, int ldg, const float *rec, int ldr,
                  float *c, float *h, int ldh);

#ifdef __cplusplus
}
#endif
#endif
