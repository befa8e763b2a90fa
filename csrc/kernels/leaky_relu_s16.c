#include "micro/kernels/leaky_relu_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"
#include "requant.h"

micro_status_t micro_leaky_relu_s16(const micro_leaky_relu_s16_params_t *p,
                                    const int16_t *input, int16_t *output)
{
    const int32_t zp_in = p->input_zp, zp_out = p->output_zp;
    const int32_t m_id = p->identity_multiplier, s_id = p->identity_shift;
    const int32_t m_alpha = p->alpha_multiplier, s_alpha = p->alpha_shift;
    const int32_t negate = -p->alpha_negative; /* 0 or -1: (x ^ negate) - negate is +/-x */
    for (int32_t i = 0; i < p->count; ++i) {
        const int32_t v = input[i] - zp_in;
        const int32_t identity = micro_requantize(v, m_id, s_id);
        const int32_t scaled = micro_requantize(v, m_alpha, s_alpha);
        const uint32_t alpha = ((uint32_t)scaled ^ (uint32_t)negate) - (uint32_t)negate;
        /* Wrapping int32 arithmetic: only reachable with absurd scales, never UB. */
        const int32_t out = (int32_t)((uint32_t)zp_out + (v >= 0 ? (uint32_t)identity : alpha));
        output[i] = (int16_t)micro_clamp(out, -32768, 32767);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_leaky_relu_s16(params, op[MICRO_LEAKY_RELU_S16_INPUT],
                                op[MICRO_LEAKY_RELU_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_leaky_relu_s16_params_t *p = params;
    (void)op;
    if (micro_count(&p->count, 1) < 0 || !micro_in_range(p->input_zp, -32768, 32767) ||
        !micro_in_range(p->output_zp, -32768, 32767) ||
        !micro_requant_ok(&p->identity_multiplier, &p->identity_shift, 1) ||
        !micro_requant_ok(&p->alpha_multiplier, &p->alpha_shift, 1) ||
        !micro_in_range(p->alpha_negative, 0, 1)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_LEAKY_RELU_S16_INPUT], p->count, 2) ||
        !micro_fits(size[MICRO_LEAKY_RELU_S16_OUTPUT], p->count, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is read, mapped, written. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_leaky_relu_s16_params_t *p = params;
    (void)size;
    return in == MICRO_LEAKY_RELU_S16_INPUT && out == MICRO_LEAKY_RELU_S16_OUTPUT ? micro_elementwise_gap(p->count, 2, 2)
                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_leaky_relu_s16 = {
    step, check, sizeof(micro_leaky_relu_s16_params_t), MICRO_LEAKY_RELU_S16_N_OPERANDS, gap};
