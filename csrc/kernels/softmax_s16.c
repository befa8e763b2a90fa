#include "micro/kernels/softmax_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "fixedpoint.h"
#include "requant.h"

/* TFLite's LUTLookup of an int16 value: the knot below it plus the interpolated slope. */
static int16_t lookup(const int16_t *lut, int32_t value)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7f;
    const int32_t slope = lut[index + 1] - lut[index];
    return (int16_t)(lut[index] + ((slope * offset + 64) >> 7));
}

micro_status_t micro_softmax_s16(const micro_softmax_s16_params_t *p, const int16_t *input,
                                 const int16_t *luts, int16_t *output)
{
    const int16_t *exp_lut = luts, *recip_lut = luts + MICRO_SOFTMAX_S16_LUT;
    const int32_t depth = p->depth;
    for (int32_t r = 0; r < p->rows; ++r) {
        const int16_t *x = input + (int64_t)r * depth;
        int16_t *y = output + (int64_t)r * depth;
        int32_t max = INT16_MIN;
        for (int32_t c = 0; c < depth; ++c) {
            max = x[c] > max ? x[c] : max;
        }
        /* The exponentials wait in the output row (read x[c] before writing y[c]). */
        int32_t sum = 0;
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t scaled = micro_requantize(x[c] - max, p->multiplier, p->shift);
            y[c] = lookup(exp_lut, micro_clamp(micro_fx_add(scaled, 32767), -32768, 32767));
            sum += y[c];
        }
        if (sum < 1) {
            sum = 1; /* only tables other than the host's give a sum below 1 */
        }
        const int32_t headroom_plus_one = micro_clz32((uint32_t)sum);
        const int32_t shifted = (int32_t)((((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        const int16_t reciprocal = lookup(recip_lut, micro_clamp(shifted - 98304, -32768, 32767));
        const int32_t right_shift = 31 - headroom_plus_one;
        const int64_t round = right_shift > 0 ? INT64_C(1) << (right_shift - 1) : 0;
        for (int32_t c = 0; c < depth; ++c) {
            const int64_t v = ((int64_t)y[c] * reciprocal + round) >> right_shift;
            y[c] = (int16_t)(v < 0 ? 0 : v > 32767 ? 32767 : v);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_softmax_s16(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_softmax_s16_params_t *p = params;
    if (p->rows < 1 || !micro_in_range(p->depth, 1, MICRO_SOFTMAX_S16_MAX_DEPTH) ||
        !micro_requant_ok(&p->multiplier, &p->shift, 1)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t count = (int64_t)p->rows * p->depth;
    if (!micro_fits(size[0], count, 2) || !micro_fits(size[1], 2 * MICRO_SOFTMAX_S16_LUT, 2) ||
        !micro_fits(size[2], count, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (each row is read for its maximum and then again for its exponentials). */
const micro_kernel_t micro_kernel_softmax_s16 = {
    step, check, sizeof(micro_softmax_s16_params_t), MICRO_SOFTMAX_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
