/*
 * The one requantization routine (internal to the kernels).
 *
 * TFLite's MultiplyByQuantizedMultiplier, bit for bit: a shift > 0 scales left first, then
 * SaturatingRoundingDoublingHighMul (round to nearest, ties toward +infinity, saturating
 * the single overflow case INT32_MIN * INT32_MIN), then RoundingDivideByPOT for a shift < 0
 * (round half away from zero). Two roundings, as TFLM's reference kernels do. The ties
 * rule of the first is why SUB negates its term instead of its multiplier.
 */
#ifndef MICRO_KERNELS_REQUANT_H
#define MICRO_KERNELS_REQUANT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline int32_t micro_high_mul(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    /* The reference adds a nudge of 2^30 (1 - 2^30 if ab < 0) and divides by 2^31 rounding
     * toward zero; in both cases that is floor((ab + 2^30) / 2^31): one add, one shift. */
    const int64_t ab = (int64_t)a * (int64_t)b;
    return (int32_t)((ab + (INT64_C(1) << 30)) >> 31);
}

static inline int32_t micro_round_shift_right(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)((UINT32_C(1) << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * multiplier * 2^shift, multiplier in [2^30, 2^31) (or 0), shift in [-31, 30]. */
static inline int32_t micro_requantize(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    /* The left shift wraps like the reference's int32 multiply would on two's complement. */
    const int32_t scaled = (int32_t)((uint32_t)x << left);
    return micro_round_shift_right(micro_high_mul(scaled, multiplier), right);
}

/* micro_requantize(x, ...) + zp with the int32 add wrapping, as the reference's add does on
 * two's complement: an extreme rescale can bring the requantized value next to INT32_MAX. */
static inline int32_t micro_requantize_zp(int32_t x, int32_t multiplier, int32_t shift,
                                          int32_t zp)
{
    return (int32_t)((uint32_t)micro_requantize(x, multiplier, shift) + (uint32_t)zp);
}

/* The 64-bit MultiplyByQuantizedMultiplier of TFLite's int16x8 kernels: the multiplier
 * rounded to 16 bits, one rounding shift by 15 - shift (ties toward +infinity), then the
 * result's low 32 bits. x in [-2^47, 2^47), shift in [-31, 7]. */
static inline int32_t micro_requantize_s64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int64_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int32_t total = 15 - shift;
    const int64_t result = (x * reduced + ((int64_t)1 << (total - 1))) >> total;
    return (int32_t)(uint32_t)((uint64_t)result & 0xFFFFFFFFu);
}

/* A window sum plus bias[channel], requantized as TFLM's int8/int16 convolutions do it:
 * wide = 0: int32 sums and bias (wrapping like the reference's int32 accumulator) and the
 * 32-bit requantization; wide = 1: int64 bias, kept inside [-2^46, 2^46] so the sum stays
 * in the 64-bit requantization's range, and that requantization. bias may be NULL. */
static inline int32_t micro_requantize_sum(int64_t sum, const void *bias, int32_t channel,
                                           int32_t wide, int32_t multiplier, int32_t shift)
{
    if (!wide) {
        uint32_t acc = (uint32_t)((uint64_t)sum & 0xFFFFFFFFu);
        if (bias) {
            acc += (uint32_t)((const int32_t *)bias)[channel];
        }
        return micro_requantize((int32_t)acc, multiplier, shift);
    }
    if (bias) {
        int64_t b;
        memcpy(&b, (const uint8_t *)bias + (size_t)channel * 8, 8);
        const int64_t limit = (int64_t)1 << 46;
        sum += b < -limit ? -limit : (b > limit ? limit : b);
    }
    return micro_requantize_s64(sum, multiplier, shift);
}

static inline int32_t micro_clamp(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

#endif
