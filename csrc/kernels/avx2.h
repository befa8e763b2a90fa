/*
 * AVX2 building blocks for the host twins of the hot kernels (internal).
 *
 * Where MICRO_HOST_SIMD is set (x86-64 with GCC or clang, micro/config.h), functions
 * marked MICRO_AVX2_FN are compiled for AVX2 whatever the build flags (no -march=native: a
 * wheel runs on any x86-64); a twin calls them only when micro_avx2() says the CPU has
 * AVX2, and runs its reference kernel otherwise. Elsewhere (Cortex-M, aarch64) only
 * micro_host_variant is compiled (it answers 0) and the twins are their reference kernels.
 */
#ifndef MICRO_KERNELS_AVX2_H
#define MICRO_KERNELS_AVX2_H

#include <stdint.h>

#include "micro/config.h"


#if MICRO_HOST_SIMD
#include <immintrin.h>

#define MICRO_AVX2_FN __attribute__((target("avx2")))

static inline int micro_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}

/*
 * AVX-512 with byte/word (BW) and 128/256-bit (VL) forms, for the twins that have a 512-bit
 * variant (compiled with these attributes, never -march); VNNI adds VPDPWSSD, the int16
 * pair multiply-add fused with its accumulation (integer, so the same sums). libgcc's
 * detection also checks that the OS saves the 512-bit state.
 */
#define MICRO_AVX512_FN __attribute__((target("avx2,avx512f,avx512bw,avx512vl")))
#define MICRO_AVX512VNNI_FN __attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")))

static inline int micro_avx512bw(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
}

static inline int micro_avx512vnni(void)
{
    return micro_avx512bw() && __builtin_cpu_supports("avx512vnni");
}

/*
 * micro_requantize_zp then the clamp (requant.h) on 8 lanes, bit for bit: the left shift,
 * the rounding doubling high multiply as (x * m + 2^30) >> 31 in 64 bits (multipliers are
 * never negative, which check() enforces, so its one saturating case cannot occur), the
 * rounding right shift, the zero point, the clamp.
 */
MICRO_AVX2_FN static inline __m256i micro_requantize8(__m256i x, __m256i mult, __m256i shift,
                                                     __m256i zp, __m256i lo, __m256i hi)
{
    const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1);
    const __m256i nudge = _mm256_set1_epi64x(INT64_C(1) << 30);
    const __m256i left = _mm256_max_epi32(shift, zero);
    const __m256i right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
    const __m256i scaled = _mm256_sllv_epi32(x, left);
    /* Even lanes' products, then odd lanes', each (ab + 2^30) >> 31 in its 64-bit slot. */
    const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(scaled, mult), nudge), 31);
    const __m256i odd = _mm256_slli_epi64(
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(scaled, 32), _mm256_srli_epi64(mult, 32)),
                         nudge),
        1);
    const __m256i high = _mm256_blend_epi32(even, odd, 0xAA);
    const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
    const __m256i remainder = _mm256_and_si256(high, mask);
    const __m256i threshold =
        _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_cmpgt_epi32(zero, high));
    const __m256i rounded = _mm256_sub_epi32(_mm256_srav_epi32(high, right),
                                             _mm256_cmpgt_epi32(remainder, threshold));
    return _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(rounded, zp), lo), hi);
}

/* The 16 int8 of two 8-lane vectors whose values are inside [-128, 127], in lane order. */
MICRO_AVX2_FN static inline __m128i micro_narrow16(__m256i a, __m256i b)
{
    const __m256i words = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
    return _mm_packs_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
}

#endif

/* A twin's variant: 0 portable, 1 AVX2, 2 AVX-512BW, 3 AVX-512 VNNI, the best the CPU has up
 * to the twin's top one and at most *cap; a cap >= 0 replaces *cap first (the twins'
 * micro_*_host_variant, which tests use to force a variant). 0 without MICRO_HOST_SIMD. */
static inline int32_t micro_host_variant(int32_t *cap, int32_t new_cap, int32_t top)
{
    if (new_cap >= 0) {
        *cap = new_cap;
    }
#if MICRO_HOST_SIMD
    int32_t best = micro_avx512vnni() ? 3 : micro_avx512bw() ? 2 : micro_avx2() ? 1 : 0;
    best = best < top ? best : top;
    return best < *cap ? best : *cap;
#else
    (void)top;
    return 0;
#endif
}

#endif
