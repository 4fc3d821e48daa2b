#include "zk_internal.h"

int zk_isa_supported(zk_isa isa) {
    switch (isa) {
    case ZK_ISA_SCALAR:
        return 1;
#if defined(__x86_64__)
    case ZK_ISA_AVX2:
        // Only needed when called from a constructor, but idempotent and cheap.
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case ZK_ISA_AVX512:
        // The AVX-512 code also uses AVX2/FMA instructions for 256-bit helpers.
        return zk_isa_supported(ZK_ISA_AVX2) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni");
#endif
    default:
        return 0;
    }
}

zk_isa zk_resolve_isa(zk_isa isa) {
    // Compare as int: the enum's underlying type may be unsigned.
    if ((int)isa < (int)ZK_ISA_SCALAR) return ZK_ISA_SCALAR;
    if ((int)isa > (int)ZK_ISA_AVX512) isa = ZK_ISA_AVX512;
    while (isa > ZK_ISA_SCALAR && !zk_isa_supported(isa)) isa = (zk_isa)(isa - 1);
    return isa;
}

zk_isa zk_best_isa(void) { return zk_resolve_isa(ZK_ISA_AVX512); }
