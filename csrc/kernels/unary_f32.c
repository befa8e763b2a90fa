#include "micro/kernels/unary_f32.h"

#include <string.h>

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "float_bits.h"
#include "overlap.h"

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
            return up ? micro_f32_from_bits(0x80000000u) : -1.0f;
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
    return micro_f32_from_bits(u & ~fraction);
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
            output[i] = micro_sqrt_f32(input[i]);
        }
        break;
    case MICRO_UNARY_F32_ABS:
        for (int32_t i = 0; i < n; ++i) {
            uint32_t u;
            memcpy(&u, &input[i], sizeof u);
            output[i] = micro_f32_from_bits(u & 0x7FFFFFFFu);
        }
        break;
    case MICRO_UNARY_F32_RSQRT:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = 1.0f / micro_sqrt_f32(input[i]);
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
    case MICRO_UNARY_F32_RELU:
        for (int32_t i = 0; i < n; ++i) {
            output[i] = input[i] < 0.0f ? 0.0f : input[i];
        }
        break;
    case MICRO_UNARY_F32_RELU6:
        for (int32_t i = 0; i < n; ++i) {
            const float x = input[i];
            output[i] = x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x);
        }
        break;
    case MICRO_UNARY_F32_HARD_SWISH:
        for (int32_t i = 0; i < n; ++i) {
            const float x = input[i], shifted = x + 3.0f;
            const float relu = 0.0f < shifted ? shifted : 0.0f; /* std::max(0, x + 3) */
            const float relu6 = relu < 6.0f ? relu : 6.0f;      /* std::min(6, ...) */
            output[i] = x * relu6 / 6.0f;
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
    if (p->count < 1 || !micro_in_range(p->op, 0, 10)) {
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
