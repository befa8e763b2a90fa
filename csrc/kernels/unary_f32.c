#include "micro/kernels/unary_f32.h"

#include <string.h>

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Correctly rounded sqrt: write x = m * 2^e with m a 24-bit integer, scale m by 2^23 or
 * 2^24 so the exponent is even, take the integer square root of the 47- or 48-bit value
 * and round it to nearest with its remainder (an exact tie cannot occur). */
static float sqrt_f32(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    const uint32_t biased = (u >> 23) & 0xFF;
    if ((u & 0x7FFFFFFF) == 0) {
        return x; /* +0, -0 */
    }
    if (biased == 0xFF) {
        if (u & 0x7FFFFF) {
            return from_bits(u | 0x400000); /* NaN: quieted, payload kept */
        }
        return (u >> 31) ? from_bits(0xFFC00000u) : x; /* +inf; -inf is invalid */
    }
    if (u >> 31) {
        return from_bits(0xFFC00000u);
    }
    uint64_t m = u & 0x7FFFFF;
    int32_t e;
    if (biased == 0) { /* subnormal: normalise */
        e = -149;
        while (!(m & 0x800000)) {
            m <<= 1;
            --e;
        }
    } else {
        m |= 0x800000;
        e = (int32_t)biased - 150;
    }
    const int32_t s = ((e + 1000) % 2 == 0) ? 24 : 23; /* e - s even */
    uint64_t n = m << s;                                /* [2^46, 2^48) */
    uint64_t root = 0;
    uint64_t bit = (uint64_t)1 << 46;
    while (bit > n) {
        bit >>= 2;
    }
    while (bit) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    if (n > root) {
        ++root;
    }
    int32_t exponent = (e - s) / 2;
    if (root == ((uint64_t)1 << 24)) {
        root >>= 1;
        ++exponent;
    }
    return from_bits(((uint32_t)(exponent + 150) << 23) | ((uint32_t)root & 0x7FFFFF));
}

/* floor, or ceil when `up`, on the bits: clear the fraction bits, first stepping the
 * magnitude up by one unit when a fraction is dropped in the rounding direction. */
static float round_toward(float x, int up)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    const int32_t e = (int32_t)((u >> 23) & 0xFF) - 127;
    const uint32_t negative = u >> 31;
    if (e >= 23) {
        return x; /* integral, infinite or NaN (kept as it is, signalling too, as TFLM) */
    }
    if (e < 0) {
        if ((u & 0x7FFFFFFF) == 0) {
            return x;
        }
        if (negative) {
            return up ? from_bits(0x80000000u) : -1.0f;
        }
        return up ? 1.0f : 0.0f;
    }
    const uint32_t fraction = 0x7FFFFFu >> e;
    if ((u & fraction) == 0) {
        return x;
    }
    if (negative != (uint32_t)up) {
        u += fraction + 1; /* may carry into the exponent: still the right value */
    }
    return from_bits(u & ~fraction);
}

/* TFLM's RoundToNearest: ties to even through the parity of floor(x) as an int (only
 * asked when the fraction is exactly 0.5, so |floor(x)| < 2^23 there). */
static float round_half_even(float x)
{
    const float f = round_toward(x, 0);
    const float diff = x - f;
    if (diff < 0.5f || (diff == 0.5f && (int32_t)f % 2 == 0)) {
        return f;
    }
    return f + 1.0f;
}

micro_status_t micro_unary_f32(const micro_unary_f32_params_t *p, const float *input,
                               float *output)
{
    const int32_t n = p->count;
    switch (p->op) {
    case MICRO_UNARY_F32_NEG:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = -input[i];
        }
        break;
    case MICRO_UNARY_F32_SQUARE:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = input[i] * input[i];
        }
        break;
    case MICRO_UNARY_F32_SQRT:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = sqrt_f32(input[i]);
        }
        break;
    case MICRO_UNARY_F32_ABS:
        for (int32_t i = 0; i < n; ++i) {
            uint32_t u;
            memcpy(&u, &input[i], sizeof u);
            output[i] = from_bits(u & 0x7FFFFFFFu);
        }
        break;
    case MICRO_UNARY_F32_RSQRT:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = 1.0f / sqrt_f32(input[i]);
        }
        break;
    case MICRO_UNARY_F32_FLOOR:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = round_toward(input[i], 0);
        }
        break;
    case MICRO_UNARY_F32_CEIL:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = round_toward(input[i], 1);
        }
        break;
    default:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = round_half_even(input[i]);
        }
        break;
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_unary_f32(params, op[0], op[1]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_unary_f32_params_t *p = params;
    if (p->count < 1 || !micro_in_range(p->op, 0, 7)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], p->count, 4) || !micro_fits(size[1], p->count, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is read, mapped, written. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_unary_f32_params_t *p = params;
    (void)size;
    return in == MICRO_UNARY_F32_INPUT && out == MICRO_UNARY_F32_OUTPUT ? micro_elementwise_gap(p->count, 4, 4)
                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_unary_f32 = {step, check, sizeof(micro_unary_f32_params_t), MICRO_UNARY_F32_N_OPERANDS, gap};
