// The int8 GEMM kernel alone (zk_gemm_s8) on BERT-base's linear-layer shapes, one thread, weights
// and activations cache-warm: how close the kernel itself comes to the instruction peak that
// bench/peak.c measures, apart from everything else a forward pass does (attention, LayerNorm,
// weights streamed from memory, threads). BENCHMARKS.md, "Targets".
//
//   clang -O3 -fno-math-errno -ISources/CKernels/include -ISources/CKernels bench/gemm_kernel.c
//      Sources/CKernels/*.c -o bench/work/gemm_kernel -lm && bench/work/gemm_kernel [isa]
//
// clang, as SwiftPM builds the C target: gcc 12 made the AVX2 kernel about half as fast here.
// isa: 0 scalar, 1 AVX2, 2 AVX-512 VNNI (default: the best the CPU has). Prints G ops/s per shape
// (best of 5 runs of 20 calls; one op = one multiply or one add) and the mix of one BERT-base layer
// (QKV, attention output, FFN up, FFN down) at 128 rows, and at 64 (each thread's half at 2 threads).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ckernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/// Best seconds per call of an M × N × K product.
static double time_gemm(zk_isa isa, int M, int N, int K) {
    int8_t *W = malloc((size_t)N * K), *Q = malloc((size_t)M * K);
    int8_t *packed = malloc(zk_s8_packed_size(N, K));
    int32_t *sums = malloc(sizeof(int32_t) * (size_t)(N + ZK_NBLOCK));
    float *as = malloc(sizeof(float) * M), *ws = malloc(sizeof(float) * N), *bias = malloc(sizeof(float) * N);
    float *C = malloc(sizeof(float) * (size_t)M * N);
    srand(1);
    for (size_t i = 0; i < (size_t)N * K; i++) W[i] = (int8_t)(rand() % 255 - 127);
    for (size_t i = 0; i < (size_t)M * K; i++) Q[i] = (int8_t)(rand() % 255 - 127);
    for (int i = 0; i < M; i++) as[i] = 0.01f;
    for (int i = 0; i < N; i++) ws[i] = 0.02f, bias[i] = 0.1f;
    zk_s8_pack(W, N, K, packed);
    zk_s8_colsums(packed, N, K, sums);
    zk_gemm_s8(isa, M, N, K, Q, K, as, packed, sums, ws, bias, ZK_EPILOGUE_NONE, C, N, 0, N);
    double best = 1e9;
    for (int run = 0; run < 5; run++) {
        const double t0 = now();
        for (int i = 0; i < 20; i++) zk_gemm_s8(isa, M, N, K, Q, K, as, packed, sums, ws, bias, ZK_EPILOGUE_NONE, C, N, 0, N);
        const double t = (now() - t0) / 20;
        if (t < best) best = t;
    }
    free(W), free(Q), free(packed), free(sums), free(as), free(ws), free(bias), free(C);
    return best;
}

int main(int argc, char **argv) {
    const zk_isa isa = argc > 1 ? (zk_isa)atoi(argv[1]) : zk_best_isa();
    // QKV (fused), attention output, FFN up, FFN down: N × K.
    const int shapes[4][2] = {{2304, 768}, {768, 768}, {3072, 768}, {768, 3072}};
    const char *names[4] = {"QKV", "attention output", "FFN up", "FFN down"};
    printf("{\"isa\": %d, \"gops\": {", (int)isa);
    const int rows[2] = {128, 64};
    for (int r = 0; r < 2; r++) {
        double ops = 0, seconds = 0;
        for (int s = 0; s < 4; s++) {
            const int M = rows[r], N = shapes[s][0], K = shapes[s][1];
            const double t = time_gemm(isa, M, N, K), o = 2.0 * M * N * K;
            printf("\"%s M=%d\": %.1f, ", names[s], M, o / t * 1e-9);
            ops += o, seconds += t;
        }
        printf("\"layer mix M=%d\": %.1f%s", rows[r], ops / seconds * 1e-9, r == 0 ? ", " : "");
    }
    printf("}}\n");
    return 0;
}
