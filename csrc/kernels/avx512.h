/*
 * AVX-512 building blocks for the host twins' 512-bit variants (internal): compiled with
 * per-function target attributes (MICRO_AVX512_FN, avx2.h), run only where
 * micro_avx512bw() says the CPU has AVX-512BW and VL.
 */
#ifndef MICRO_KERNELS_AVX512_H
#define MICRO_KERNELS_AVX512_H

#include "avx2.h"
#include "micro/kernels/depthwise_conv_s8.h"
#include "micro/kernels/fully_connected_s8.h"

#if MICRO_HOST_SIMD

/* The depthwise twin's 512-bit variant (depthwise_conv_s8_host_avx512.c; depth multiplier
 * 1, filter layout 0): VPDPWSSD where vnni is set (the CPU has AVX512_VNNI), else VPMADDWD
 * then VPADDD. Returns 0, having done nothing, for a layer past its stack tables. */
int micro_depthwise_conv_s8_avx512(const micro_depthwise_conv_s8_params_t *p,
                                   const int8_t *input, const int8_t *filter,
                                   const int32_t *bias, const int32_t *multiplier,
                                   const int32_t *shift, int8_t *output, int vnni);

/* The fully connected twin's 512-bit variants (fully_connected_s8_host_avx512.c; filter
 * layout 0): VPDPBUSD on weights offset to u8 where vnni is set (the CPU has
 * AVX512_VNNI), else VPMADDWD then VPADDD on int16. */
void micro_fully_connected_s8_avx512(const micro_fully_connected_s8_params_t *p,
                                     const int8_t *input, const int8_t *filter,
                                     const int32_t *bias, const int32_t *multiplier,
                                     const int32_t *shift, int8_t *output, int vnni);

/*
 * micro_requantize_zp then the clamp (requant.h) on 16 lanes, bit for bit, the steps of
 * micro_requantize8 (avx2.h) with mask registers for the comparisons: the left shift, the
 * rounding doubling high multiply as (x * m + 2^30) >> 31 in 64 bits (multipliers are never
 * negative, which check() enforces, so its one saturating case cannot occur), the rounding
 * right shift (up when the remainder exceeds half, or half less one below zero), the zero
 * point, the clamp.
 */
MICRO_AVX512_FN static inline __m512i micro_requantize16(__m512i x, __m512i mult, __m512i shift,
                                                      __m512i zp, __m512i lo, __m512i hi)
{
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi32(1);
    const __m512i nudge = _mm512_set1_epi64(INT64_C(1) << 30);
    const __m512i left = _mm512_max_epi32(shift, zero);
    const __m512i right = _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero);
    const __m512i scaled = _mm512_sllv_epi32(x, left);
    /* Even lanes' products, then odd lanes', each (ab + 2^30) >> 31 in its 64-bit slot. */
    const __m512i even = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(scaled, mult), nudge), 31);
    const __m512i odd = _mm512_slli_epi64(
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(scaled, 32), _mm512_srli_epi64(mult, 32)),
                         nudge),
        1);
    const __m512i high = _mm512_mask_blend_epi32(0xAAAA, even, odd);
    const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, right), one);
    const __m512i remainder = _mm512_and_si512(high, mask);
    const __m512i half = _mm512_srli_epi32(mask, 1);
    const __m512i threshold = _mm512_mask_add_epi32(half, _mm512_cmplt_epi32_mask(high, zero), half, one);
    const __m512i shifted = _mm512_srav_epi32(high, right);
    const __m512i rounded = _mm512_mask_add_epi32(
        shifted, _mm512_cmpgt_epi32_mask(remainder, threshold), shifted, one);
    return _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(rounded, zp), lo), hi);
}

#endif

#endif
