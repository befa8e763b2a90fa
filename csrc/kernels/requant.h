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

#include <stdint.h>

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

static inline int32_t micro_clamp(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

#endif
