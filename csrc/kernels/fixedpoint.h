/*
 * Fixed-point helpers (internal) with the arithmetic of gemmlowp's fixedpoint.h, which
 * TFLM's reference kernels use: a Qm value is an int32 with m integer bits and 31 - m
 * fractional bits. Product = micro_high_mul (requant.h); a power-of-two rescale rounds
 * half away from zero when it shifts right and saturates when it shifts left. Additions
 * wrap, as the reference's plain int32 additions do in practice (done in uint32 here so
 * C has no undefined behaviour). micro/fixedpoint.py is the Python twin used on the host.
 */
#ifndef MICRO_KERNELS_FIXEDPOINT_H
#define MICRO_KERNELS_FIXEDPOINT_H

#include <stdint.h>

#include "requant.h"

static inline int32_t micro_fx_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t micro_fx_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* x * 2^exponent for 0 < exponent < 31, saturating to the int32 range. */
static inline int32_t micro_fx_shift_left_sat(int32_t x, int32_t exponent)
{
    const int32_t threshold = (int32_t)((UINT32_C(1) << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* (a + b) / 2 rounded half away from zero (gemmlowp's RoundingHalfSum). */
static inline int32_t micro_fx_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* Count of leading zero bits of a non-zero x. */
static inline int32_t micro_clz32(uint32_t x)
{
    int32_t n = 0;
    while ((x & UINT32_C(0x80000000)) == 0) {
        x <<= 1;
        ++n;
    }
    return n;
}

/*
 * 1 / (1 + a) for a Q0 value a in [0, 1): three Newton-Raphson steps from the 48/17 -
 * 32/17 * d estimate, d = (1 + a) / 2, carried in Q2; the result is Q0.
 */
static inline int32_t micro_fx_one_over_one_plus_x(int32_t a)
{
    const int32_t one_q2 = INT32_C(1) << 29;
    const int32_t half_denominator = micro_fx_half_sum(a, INT32_MAX);
    int32_t x = micro_fx_add(INT32_C(1515870810), micro_high_mul(half_denominator, -INT32_C(1010580540)));
    for (int i = 0; i < 3; ++i) {
        const int32_t error = micro_fx_sub(one_q2, micro_high_mul(half_denominator, x));
        x = micro_fx_add(x, micro_fx_shift_left_sat(micro_high_mul(x, error), 2));
    }
    return micro_fx_shift_left_sat(x, 1);
}

/*
 * TFLite's GetInvSqrtQuantizedMultiplierExp(x, kReverseShift) for x >= 0: *multiplier *
 * 2^(*shift - 31) ~= 1 / sqrt(x) (x <= 1 as 1). x is normalised into [2^27, 2^29) by bit
 * pairs, then five Newton steps y = 3/2 y - x/2 y^3 run in Q3 from y = 1.
 */
static inline void micro_fx_inv_sqrt(int32_t x, int32_t *multiplier, int32_t *shift)
{
    if (x <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    int32_t exponent = 11;
    while (x >= (INT32_C(1) << 29)) {
        x /= 4;
        ++exponent;
    }
    const int32_t pairs = (micro_clz32((uint32_t)x) - 1) / 2 - 1;
    exponent -= pairs;
    x = (int32_t)((uint32_t)x << (2 * pairs));
    const int32_t half_x = micro_round_shift_right(x >> 1, 1);
    const int32_t half_three = (INT32_C(1) << 28) + (INT32_C(1) << 27);
    int32_t y = INT32_C(1) << 28;
    for (int i = 0; i < 5; ++i) {
        const int32_t y3 = micro_fx_shift_left_sat(micro_high_mul(micro_high_mul(y, y), y), 6);
        const int32_t step = micro_fx_sub(micro_high_mul(half_three, y), micro_high_mul(half_x, y3));
        y = micro_fx_shift_left_sat(step, 3);
    }
    y = micro_high_mul(y, INT32_C(1518500250)); /* sqrt(2) / 2 in Q0 */
    if (exponent < 0) {
        y = (int32_t)((uint32_t)y << -exponent);
        exponent = 0;
    }
    *multiplier = y;
    *shift = -exponent;
}

#endif
