// Peak int8 (and fp32) arithmetic rate of this CPU, for the GEMM-efficiency figure of the benchmark.
//
//   cc -O2 -pthread bench/peak.c -o bench/work/peak && bench/work/peak [THREADS]
//
// (run.py compiles and runs it.) Prints one JSON object. Each kernel is a register-only loop of the
// instruction sequence a GEMM's inner loop is built from, with enough independent accumulator chains to
// hide latency, so the figure is the instruction throughput ceiling, not a memory-bound rate. Inline asm
// keeps the compiler from hoisting the loop-invariant multiplies. Kernels the CPU cannot run are
// reported as null (checked with __builtin_cpu_supports, so one binary runs everywhere):
//   avx512_vnni  vpdpbusd zmm: u8 x s8, 4 products summed into s32, 64 MACs per instruction
//   avx2_vnni    vpdpbusd ymm (AVX-VNNI): 32 MACs per instruction
//   avx2_maddubs vpmaddubsw + vpmaddwd(1) + vpaddd: u8 x s8 -> s16 pairs (saturating) -> s32, 32 MACs per
//                3 instructions: the best int8 dot product on AVX2-only CPUs (oneDNN, FBGEMM, ORT use it)
//   avx2_madd16  vpmaddwd + vpaddd on int16 operands (sign-extended int8): 16 MACs per 2 instructions,
//                exact (no saturation); zhner's AVX2 kernel is built on it
//   avx2_fma     vfmadd231ps ymm: 8 fp32 FMAs per instruction
// One op = one multiply or one add (a MAC is 2 ops), the usual GOPS convention.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

// Thread CPU time, not wall time: on a shared machine the thread may be descheduled, and the peak is
// what the core does while it runs this thread.
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define ITERS 20000000L

// 8 chains x (maddubs, madd, add) per iteration.
__attribute__((target("avx2"))) static double k_maddubs(long iters) {
    __asm__ volatile("vpcmpeqw %%ymm15, %%ymm15, %%ymm15\n\t"
                     "vpsrlw $15, %%ymm15, %%ymm15\n\t" // int16 ones for vpmaddwd
                     "vpxor %%ymm0, %%ymm0, %%ymm0\n\t"
                     "vpxor %%ymm1, %%ymm1, %%ymm1\n\t"
                     "vpxor %%ymm2, %%ymm2, %%ymm2\n\t"
                     "vpxor %%ymm3, %%ymm3, %%ymm3\n\t"
                     "vpcmpeqb %%ymm14, %%ymm14, %%ymm14\n\t"
                     "vpxor %%ymm13, %%ymm13, %%ymm13\n\t"
                     ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm13", "xmm14", "xmm15");
    for (long i = 0; i < iters; i++) {
        __asm__ volatile(
            "vpmaddubsw %%ymm14, %%ymm13, %%ymm4\n\t"
            "vpmaddubsw %%ymm14, %%ymm13, %%ymm5\n\t"
            "vpmaddubsw %%ymm14, %%ymm13, %%ymm6\n\t"
            "vpmaddubsw %%ymm14, %%ymm13, %%ymm7\n\t"
            "vpmaddubsw %%ymm14, %%ymm13, %%ymm8\n\t"
            "vpmaddubsw %%ymm14, %%ymm13, %%ymm9\n\t"
            "vpmaddubsw %%ymm14, %%ymm13, %%ymm10\n\t"
            "vpmaddubsw %%ymm14, %%ymm13, %%ymm11\n\t"
            "vpmaddwd %%ymm15, %%ymm4, %%ymm4\n\t"
            "vpmaddwd %%ymm15, %%ymm5, %%ymm5\n\t"
            "vpmaddwd %%ymm15, %%ymm6, %%ymm6\n\t"
            "vpmaddwd %%ymm15, %%ymm7, %%ymm7\n\t"
            "vpmaddwd %%ymm15, %%ymm8, %%ymm8\n\t"
            "vpmaddwd %%ymm15, %%ymm9, %%ymm9\n\t"
            "vpmaddwd %%ymm15, %%ymm10, %%ymm10\n\t"
            "vpmaddwd %%ymm15, %%ymm11, %%ymm11\n\t"
            "vpaddd %%ymm4, %%ymm0, %%ymm0\n\t"
            "vpaddd %%ymm5, %%ymm1, %%ymm1\n\t"
            "vpaddd %%ymm6, %%ymm2, %%ymm2\n\t"
            "vpaddd %%ymm7, %%ymm3, %%ymm3\n\t"
            "vpaddd %%ymm8, %%ymm0, %%ymm0\n\t"
            "vpaddd %%ymm9, %%ymm1, %%ymm1\n\t"
            "vpaddd %%ymm10, %%ymm2, %%ymm2\n\t"
            "vpaddd %%ymm11, %%ymm3, %%ymm3\n\t"
            ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                "xmm11");
    }
    return 8.0 * 32 * 2; // ops per iteration
}

// 8 chains x (madd, add) per iteration.
__attribute__((target("avx2"))) static double k_madd16(long iters) {
    __asm__ volatile("vpxor %%ymm0, %%ymm0, %%ymm0\n\t"
                     "vpxor %%ymm1, %%ymm1, %%ymm1\n\t"
                     "vpxor %%ymm2, %%ymm2, %%ymm2\n\t"
                     "vpxor %%ymm3, %%ymm3, %%ymm3\n\t"
                     "vpcmpeqw %%ymm14, %%ymm14, %%ymm14\n\t"
                     "vpcmpeqw %%ymm13, %%ymm13, %%ymm13\n\t"
                     ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm13", "xmm14");
    for (long i = 0; i < iters; i++) {
        __asm__ volatile(
            "vpmaddwd %%ymm14, %%ymm13, %%ymm4\n\t"
            "vpmaddwd %%ymm14, %%ymm13, %%ymm5\n\t"
            "vpmaddwd %%ymm14, %%ymm13, %%ymm6\n\t"
            "vpmaddwd %%ymm14, %%ymm13, %%ymm7\n\t"
            "vpmaddwd %%ymm14, %%ymm13, %%ymm8\n\t"
            "vpmaddwd %%ymm14, %%ymm13, %%ymm9\n\t"
            "vpmaddwd %%ymm14, %%ymm13, %%ymm10\n\t"
            "vpmaddwd %%ymm14, %%ymm13, %%ymm11\n\t"
            "vpaddd %%ymm4, %%ymm0, %%ymm0\n\t"
            "vpaddd %%ymm5, %%ymm1, %%ymm1\n\t"
            "vpaddd %%ymm6, %%ymm2, %%ymm2\n\t"
            "vpaddd %%ymm7, %%ymm3, %%ymm3\n\t"
            "vpaddd %%ymm8, %%ymm0, %%ymm0\n\t"
            "vpaddd %%ymm9, %%ymm1, %%ymm1\n\t"
            "vpaddd %%ymm10, %%ymm2, %%ymm2\n\t"
            "vpaddd %%ymm11, %%ymm3, %%ymm3\n\t"
            ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                "xmm11");
    }
    return 8.0 * 16 * 2;
}

// 10 independent FMA chains per iteration (FMA latency x throughput on current cores is <= 10).
__attribute__((target("avx2,fma"))) static double k_fma(long iters) {
    __asm__ volatile("vxorps %%ymm0, %%ymm0, %%ymm0\n\t"
                     "vxorps %%ymm1, %%ymm1, %%ymm1\n\t"
                     "vxorps %%ymm2, %%ymm2, %%ymm2\n\t"
                     "vxorps %%ymm3, %%ymm3, %%ymm3\n\t"
                     "vxorps %%ymm4, %%ymm4, %%ymm4\n\t"
                     "vxorps %%ymm5, %%ymm5, %%ymm5\n\t"
                     "vxorps %%ymm6, %%ymm6, %%ymm6\n\t"
                     "vxorps %%ymm7, %%ymm7, %%ymm7\n\t"
                     "vxorps %%ymm8, %%ymm8, %%ymm8\n\t"
                     "vxorps %%ymm9, %%ymm9, %%ymm9\n\t"
                     "vxorps %%ymm14, %%ymm14, %%ymm14\n\t"
                     "vxorps %%ymm13, %%ymm13, %%ymm13\n\t"
                     ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                         "xmm13", "xmm14");
    for (long i = 0; i < iters; i++) {
        __asm__ volatile(
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm0\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm1\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm2\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm3\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm4\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm5\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm6\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm7\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm8\n\t"
            "vfmadd231ps %%ymm14, %%ymm13, %%ymm9\n\t"
            ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9");
    }
    return 10.0 * 8 * 2;
}

// 8 chains of vpdpbusd; target attributes let the assembler accept the instructions, the run-time
// check decides whether they run.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static double k_vnni512(long iters) {
    __asm__ volatile("vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
                     "vpternlogd $0xff, %%zmm14, %%zmm14, %%zmm14\n\t"
                     "vpxord %%zmm13, %%zmm13, %%zmm13\n\t"
                     ::: "xmm0", "xmm13", "xmm14");
    for (long i = 0; i < iters; i++) {
        __asm__ volatile(
            "vpdpbusd %%zmm14, %%zmm13, %%zmm0\n\t"
            "vpdpbusd %%zmm14, %%zmm13, %%zmm1\n\t"
            "vpdpbusd %%zmm14, %%zmm13, %%zmm2\n\t"
            "vpdpbusd %%zmm14, %%zmm13, %%zmm3\n\t"
            "vpdpbusd %%zmm14, %%zmm13, %%zmm4\n\t"
            "vpdpbusd %%zmm14, %%zmm13, %%zmm5\n\t"
            "vpdpbusd %%zmm14, %%zmm13, %%zmm6\n\t"
            "vpdpbusd %%zmm14, %%zmm13, %%zmm7\n\t"
            ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7");
    }
    return 8.0 * 64 * 2;
}

__attribute__((target("avxvnni"))) static double k_vnni256(long iters) {
    for (long i = 0; i < iters; i++) {
        __asm__ volatile(
            "%{vex%} vpdpbusd %%ymm14, %%ymm13, %%ymm0\n\t"
            "%{vex%} vpdpbusd %%ymm14, %%ymm13, %%ymm1\n\t"
            "%{vex%} vpdpbusd %%ymm14, %%ymm13, %%ymm2\n\t"
            "%{vex%} vpdpbusd %%ymm14, %%ymm13, %%ymm3\n\t"
            "%{vex%} vpdpbusd %%ymm14, %%ymm13, %%ymm4\n\t"
            "%{vex%} vpdpbusd %%ymm14, %%ymm13, %%ymm5\n\t"
            "%{vex%} vpdpbusd %%ymm14, %%ymm13, %%ymm6\n\t"
            "%{vex%} vpdpbusd %%ymm14, %%ymm13, %%ymm7\n\t"
            ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7");
    }
    return 8.0 * 32 * 2;
}

typedef double (*kernel_fn)(long);
struct job { kernel_fn fn; long iters; double seconds; double ops; };

static void *run_job(void *p) {
    struct job *j = p;
    j->fn(j->iters / 20); // warm-up: clocks up, pages in
    const double t = now();
    j->ops = j->fn(j->iters) * j->iters;
    j->seconds = now() - t;
    return NULL;
}

// GOPS with `threads` threads each running the kernel at once (best of 3).
static double measure(kernel_fn fn, int threads) {
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        pthread_t tid[64];
        struct job jobs[64];
        for (int i = 0; i < threads; i++) {
            jobs[i] = (struct job){fn, ITERS / 4, 0, 0};
            pthread_create(&tid[i], NULL, run_job, &jobs[i]);
        }
        double total = 0;
        for (int i = 0; i < threads; i++) {
            pthread_join(tid[i], NULL);
            total += jobs[i].ops / jobs[i].seconds;
        }
        if (total > best) best = total;
    }
    return best / 1e9;
}

int main(int argc, char **argv) {
    const int threads = argc > 1 ? atoi(argv[1]) : 2;
    __builtin_cpu_init();
    const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const int vnni512 = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw");
    const int vnni256 = __builtin_cpu_supports("avxvnni");
    struct { const char *name; kernel_fn fn; int ok; } kernels[] = {
        {"avx512_vnni", k_vnni512, vnni512},
        {"avx2_vnni", k_vnni256, vnni256},
        {"avx2_maddubs", k_maddubs, avx2},
        {"avx2_madd16", k_madd16, avx2},
        {"avx2_fma", k_fma, avx2},
    };
    printf("{\"threads\": %d", threads);
    const char *best = NULL;
    double best_rate = 0;
    for (unsigned i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        if (!kernels[i].ok) {
            printf(", \"%s\": null", kernels[i].name);
            continue;
        }
        const double one = measure(kernels[i].fn, 1), all = measure(kernels[i].fn, threads);
        printf(", \"%s\": {\"gops_1\": %.1f, \"gops_all\": %.1f}", kernels[i].name, one, all);
        if (kernels[i].fn != k_fma && all > best_rate) {
            best_rate = all;
            best = kernels[i].name;
        }
    }
    printf(", \"best_int8\": \"%s\"}\n", best ? best : "");
    return 0;
}
