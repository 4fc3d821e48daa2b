// Vector exp / sigmoid / tanh / GELU shared by rowwise.c, activations.c and gemm_s8.c (private).
// Polynomials are near-minimax fits (Lawson-weighted least squares against mpmath); the errors
// quoted are those of the fit, before float rounding.
#ifndef ZK_VMATH_H
#define ZK_VMATH_H

#include <math.h>

#include "zk_internal.h"

// exp(r), |r| <= ln2/2: relative error 1.9e-9.
#define ZK_EXP_C0 1.0f
#define ZK_EXP_C1 1.0000000363231005f
#define ZK_EXP_C2 0.49999992079496f
#define ZK_EXP_C3 0.16666420170175938f
#define ZK_EXP_C4 0.041668225641605196f
#define ZK_EXP_C5 0.00837481578262978f
#define ZK_EXP_C6 0.0013836841962902215f
// ln 2 split so that n * LN2_HI is exact for |n| <= 2^15.
#define ZK_LN2_HI 0.693359375f
#define ZK_LN2_LO (-2.12194440e-4f)
// Below this exp(x) is subnormal; those results are flushed to 0.
#define ZK_EXP_MIN (-87.33654f)

// erf(s) = s * P(s²) for |s| <= 1: relative error 1.2e-9.
#define ZK_ERF_C0 1.1283791657323456f
#define ZK_ERF_C1 (-0.376126258397523f)
#define ZK_ERF_C2 0.11283585270828878f
#define ZK_ERF_C3 (-0.026853816070487285f)
#define ZK_ERF_C4 0.005188334502405176f
#define ZK_ERF_C5 (-0.0008010247659308162f)
#define ZK_ERF_C6 7.854026323388108e-05f

// erfc(t) = exp(-t²) * R(1/t) for 1 <= t <= 4.5: absolute error of R 6.0e-9.
#define ZK_ERFC_C0 9.912092195990543e-05f
#define ZK_ERFC_C1 0.5621405405915612f
#define ZK_ERFC_C2 0.01781890452431034f
#define ZK_ERFC_C3 (-0.36467248969917f)
#define ZK_ERFC_C4 0.20165673284152452f
#define ZK_ERFC_C5 0.28614336111704053f
#define ZK_ERFC_C6 (-0.5885725226012668f)
#define ZK_ERFC_C7 0.4731957734642764f
#define ZK_ERFC_C8 (-0.1932061250650639f)
#define ZK_ERFC_C9 0.03298028606671617f
// erfc(4.5) < 2e-10: past it GELU is x or 0 to well within float resolution.
#define ZK_ERFC_TMAX 4.5f

// tanh(x) = x * P(x²) for |x| <= 0.625: relative error 1.4e-10. Beyond, (1 - e^-2x)/(1 + e^-2x)
// loses no accuracy because e^-2x <= 0.29.
#define ZK_TANH_C0 1.0f
#define ZK_TANH_C1 (-0.33333329702392256f)
#define ZK_TANH_C2 0.1333318287877201f
#define ZK_TANH_C3 (-0.053944705578659866f)
#define ZK_TANH_C4 0.02169185448860654f
#define ZK_TANH_C5 (-0.008159181942573467f)
#define ZK_TANH_C6 0.002128561432408649f
#define ZK_TANH_SMALL 0.625f

#define ZK_SQRT1_2F 0.70710678118654752f

// Φ(x) = erfc(-x/√2)/2 keeps full relative accuracy for negative x, where 1 + erf(x/√2) cancels.
static inline float zk_gelu1(float x) { return x * 0.5f * erfcf(-x * ZK_SQRT1_2F); }

#if defined(__x86_64__)

// ---- AVX2 -----------------------------------------------------------------------------------

#define ZK_FMA8(p, x, c) _mm256_fmadd_ps(p, x, _mm256_set1_ps(c))

ZK_INLINE ZK_AVX2 __m256 zk_abs8(__m256 x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }

/// exp(x) for x <= 0 (NaN propagates).
ZK_INLINE ZK_AVX2 __m256 zk_exp_neg8(__m256 x) {
    const __m256 lo = _mm256_set1_ps(ZK_EXP_MIN);
    const __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_max_ps(lo, x);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(ZK_LN2_HI), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(ZK_LN2_LO), r);
    __m256 p = _mm256_set1_ps(ZK_EXP_C6);
    p = ZK_FMA8(p, r, ZK_EXP_C5);
    p = ZK_FMA8(p, r, ZK_EXP_C4);
    p = ZK_FMA8(p, r, ZK_EXP_C3);
    p = ZK_FMA8(p, r, ZK_EXP_C2);
    p = ZK_FMA8(p, r, ZK_EXP_C1);
    p = ZK_FMA8(p, r, ZK_EXP_C0);
    // n >= -126, so 2^n is a normal float built directly from its exponent field.
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(under, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
}

/// a / b for b in [1, 2] (the sigmoid and tanh denominators 1 + e^-t): the 12-bit reciprocal
/// estimate and one Newton step, relative error <= 3e-7, at a fraction of a division's cost on
/// CPUs whose vdivps is slow (the LSTM cell runs five per hidden unit and step).
ZK_INLINE ZK_AVX2 __m256 zk_div_1_2_8(__m256 a, __m256 b) {
    const __m256 r = _mm256_rcp_ps(b);
    return _mm256_mul_ps(a, _mm256_mul_ps(r, _mm256_fnmadd_ps(b, r, _mm256_set1_ps(2.0f))));
}

/// 1 / (1 + e^-x), through e^-|x| so nothing overflows.
ZK_INLINE ZK_AVX2 __m256 zk_sigmoid8(__m256 x) {
    const __m256 z = zk_exp_neg8(_mm256_sub_ps(_mm256_setzero_ps(), zk_abs8(x)));
    const __m256 num = _mm256_blendv_ps(z, _mm256_set1_ps(1.0f), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
    return zk_div_1_2_8(num, _mm256_add_ps(_mm256_set1_ps(1.0f), z));
}

ZK_INLINE ZK_AVX2 __m256 zk_tanh8(__m256 x) {
    const __m256 t = zk_abs8(x);
    const __m256 x2 = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(ZK_TANH_C6);
    p = ZK_FMA8(p, x2, ZK_TANH_C5);
    p = ZK_FMA8(p, x2, ZK_TANH_C4);
    p = ZK_FMA8(p, x2, ZK_TANH_C3);
    p = ZK_FMA8(p, x2, ZK_TANH_C2);
    p = ZK_FMA8(p, x2, ZK_TANH_C1);
    p = ZK_FMA8(p, x2, ZK_TANH_C0);
    const __m256 small = _mm256_mul_ps(x, p);
    const __m256 z = zk_exp_neg8(_mm256_mul_ps(t, _mm256_set1_ps(-2.0f)));
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 big = zk_div_1_2_8(_mm256_sub_ps(one, z), _mm256_add_ps(one, z));
    const __m256 signed_big = _mm256_or_ps(big, _mm256_and_ps(x, _mm256_set1_ps(-0.0f)));
    return _mm256_blendv_ps(signed_big, small, _mm256_cmp_ps(t, _mm256_set1_ps(ZK_TANH_SMALL), _CMP_LT_OQ));
}

/// x·Φ(x). For |x|/√2 >= 1, Φ comes from erfc directly (no 1 + erf cancellation for x < 0).
ZK_INLINE ZK_AVX2 __m256 zk_gelu8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f), half = _mm256_set1_ps(0.5f);
    const __m256 s = _mm256_mul_ps(x, _mm256_set1_ps(ZK_SQRT1_2F));
    const __m256 t = zk_abs8(s);
    const __m256 s2 = _mm256_mul_ps(s, s);
    __m256 p = _mm256_set1_ps(ZK_ERF_C6);
    p = ZK_FMA8(p, s2, ZK_ERF_C5);
    p = ZK_FMA8(p, s2, ZK_ERF_C4);
    p = ZK_FMA8(p, s2, ZK_ERF_C3);
    p = ZK_FMA8(p, s2, ZK_ERF_C2);
    p = ZK_FMA8(p, s2, ZK_ERF_C1);
    p = ZK_FMA8(p, s2, ZK_ERF_C0);
    const __m256 phi_small = _mm256_fmadd_ps(_mm256_mul_ps(s, p), half, half);
    const __m256 tc = _mm256_min_ps(_mm256_max_ps(t, one), _mm256_set1_ps(ZK_ERFC_TMAX));
    const __m256 u = _mm256_div_ps(one, tc);
    __m256 q = _mm256_set1_ps(ZK_ERFC_C9);
    q = ZK_FMA8(q, u, ZK_ERFC_C8);
    q = ZK_FMA8(q, u, ZK_ERFC_C7);
    q = ZK_FMA8(q, u, ZK_ERFC_C6);
    q = ZK_FMA8(q, u, ZK_ERFC_C5);
    q = ZK_FMA8(q, u, ZK_ERFC_C4);
    q = ZK_FMA8(q, u, ZK_ERFC_C3);
    q = ZK_FMA8(q, u, ZK_ERFC_C2);
    q = ZK_FMA8(q, u, ZK_ERFC_C1);
    q = ZK_FMA8(q, u, ZK_ERFC_C0);
    const __m256 e = zk_exp_neg8(_mm256_fnmadd_ps(tc, tc, _mm256_setzero_ps()));
    const __m256 half_erfc = _mm256_mul_ps(_mm256_mul_ps(e, q), half);
    const __m256 phi_big = _mm256_blendv_ps(half_erfc, _mm256_sub_ps(one, half_erfc),
                                            _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ));
    const __m256 phi = _mm256_blendv_ps(phi_big, phi_small, _mm256_cmp_ps(t, one, _CMP_LT_OQ));
    return _mm256_mul_ps(x, phi);
}

// ---- AVX-512: the same formulas, 16 lanes ----------------------------------------------------

#define ZK_FMA16(p, x, c) _mm512_fmadd_ps(p, x, _mm512_set1_ps(c))

ZK_INLINE ZK_AVX512 __m512 zk_exp_neg16(__m512 x) {
    const __m512 lo = _mm512_set1_ps(ZK_EXP_MIN);
    const __mmask16 ok = _mm512_cmp_ps_mask(x, lo, _CMP_NLT_UQ);
    x = _mm512_max_ps(lo, x);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(ZK_LN2_HI), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(ZK_LN2_LO), r);
    __m512 p = _mm512_set1_ps(ZK_EXP_C6);
    p = ZK_FMA16(p, r, ZK_EXP_C5);
    p = ZK_FMA16(p, r, ZK_EXP_C4);
    p = ZK_FMA16(p, r, ZK_EXP_C3);
    p = ZK_FMA16(p, r, ZK_EXP_C2);
    p = ZK_FMA16(p, r, ZK_EXP_C1);
    p = ZK_FMA16(p, r, ZK_EXP_C0);
    const __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_maskz_mul_ps(ok, p, _mm512_castsi512_ps(e));
}

ZK_INLINE ZK_AVX512 __m512 zk_sigmoid16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 z = zk_exp_neg16(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_abs_ps(x)));
    const __m512 num = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ), z, one);
    return _mm512_div_ps(num, _mm512_add_ps(one, z));
}

ZK_INLINE ZK_AVX512 __m512 zk_tanh16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 t = _mm512_abs_ps(x);
    const __m512 x2 = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(ZK_TANH_C6);
    p = ZK_FMA16(p, x2, ZK_TANH_C5);
    p = ZK_FMA16(p, x2, ZK_TANH_C4);
    p = ZK_FMA16(p, x2, ZK_TANH_C3);
    p = ZK_FMA16(p, x2, ZK_TANH_C2);
    p = ZK_FMA16(p, x2, ZK_TANH_C1);
    p = ZK_FMA16(p, x2, ZK_TANH_C0);
    const __m512 small = _mm512_mul_ps(x, p);
    const __m512 z = zk_exp_neg16(_mm512_mul_ps(t, _mm512_set1_ps(-2.0f)));
    const __m512 big = _mm512_div_ps(_mm512_sub_ps(one, z), _mm512_add_ps(one, z));
    const __m512 signed_big = _mm512_or_ps(big, _mm512_and_ps(x, _mm512_set1_ps(-0.0f)));
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(t, _mm512_set1_ps(ZK_TANH_SMALL), _CMP_LT_OQ), signed_big, small);
}

ZK_INLINE ZK_AVX512 __m512 zk_gelu16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f), half = _mm512_set1_ps(0.5f);
    const __m512 s = _mm512_mul_ps(x, _mm512_set1_ps(ZK_SQRT1_2F));
    const __m512 t = _mm512_abs_ps(s);
    const __m512 s2 = _mm512_mul_ps(s, s);
    __m512 p = _mm512_set1_ps(ZK_ERF_C6);
    p = ZK_FMA16(p, s2, ZK_ERF_C5);
    p = ZK_FMA16(p, s2, ZK_ERF_C4);
    p = ZK_FMA16(p, s2, ZK_ERF_C3);
    p = ZK_FMA16(p, s2, ZK_ERF_C2);
    p = ZK_FMA16(p, s2, ZK_ERF_C1);
    p = ZK_FMA16(p, s2, ZK_ERF_C0);
    const __m512 phi_small = _mm512_fmadd_ps(_mm512_mul_ps(s, p), half, half);
    const __m512 tc = _mm512_min_ps(_mm512_max_ps(t, one), _mm512_set1_ps(ZK_ERFC_TMAX));
    const __m512 u = _mm512_div_ps(one, tc);
    __m512 q = _mm512_set1_ps(ZK_ERFC_C9);
    q = ZK_FMA16(q, u, ZK_ERFC_C8);
    q = ZK_FMA16(q, u, ZK_ERFC_C7);
    q = ZK_FMA16(q, u, ZK_ERFC_C6);
    q = ZK_FMA16(q, u, ZK_ERFC_C5);
    q = ZK_FMA16(q, u, ZK_ERFC_C4);
    q = ZK_FMA16(q, u, ZK_ERFC_C3);
    q = ZK_FMA16(q, u, ZK_ERFC_C2);
    q = ZK_FMA16(q, u, ZK_ERFC_C1);
    q = ZK_FMA16(q, u, ZK_ERFC_C0);
    const __m512 e = zk_exp_neg16(_mm512_fnmadd_ps(tc, tc, _mm512_setzero_ps()));
    const __m512 half_erfc = _mm512_mul_ps(_mm512_mul_ps(e, q), half);
    const __m512 phi_big = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ), half_erfc,
                                                _mm512_sub_ps(one, half_erfc));
    const __m512 phi = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(t, one, _CMP_LT_OQ), phi_big, phi_small);
    return _mm512_mul_ps(x, phi);
}

#endif
#endif
