// Private to CKernels: ISA target attributes and dispatch helpers shared by the kernel files.
#ifndef ZK_INTERNAL_H
#define ZK_INTERNAL_H

#include "ckernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
// Per-function targets instead of -march flags keep the library loadable on any x86-64;
// callers reach these functions only after zk_isa_supported said yes.
#define ZK_AVX2 __attribute__((target("avx2,fma")))
#define ZK_AVX512 __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#define ZK_INLINE static inline __attribute__((always_inline))

/// Lanes [0, rem) set (rem may exceed the width).
ZK_INLINE ZK_AVX2 __m256i zk_tail_mask8(int rem) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
ZK_INLINE ZK_AVX512 __mmask16 zk_tail_mask16(int rem) {
    return rem >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
}
#endif

/// The highest ISA at or below `isa` that this CPU runs: kernels never fault on a forced ISA.
zk_isa zk_resolve_isa(zk_isa isa);

/// zk_quantize_rows_s8 on a chosen path; all paths give identical bytes and scales.
void zk_quantize_rows_s8_isa(zk_isa isa, int M, int K, const float *A, int lda, int8_t *Q, int ldq,
                             float *scales);

/// One row of zk_quantize_rows_s8 (padding included) on `isa`, which must already be resolved: the
/// row step shared with the kernels that quantize the rows they have just produced.
void zk_quantize_row_s8(zk_isa isa, int K, const float *a, int8_t *q, float *scale);

static inline int zk_min(int a, int b) { return a < b ? a : b; }

#endif
