#include "micro/kernels/rsqrt_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "fixedpoint.h"
#include "requant.h"

micro_status_t micro_rsqrt_s16(const micro_rsqrt_s16_params_t *p, const int16_t *input,
                               int16_t *output)
{
    for (int32_t i = 0; i < p->count; ++i) {
        const int32_t v = input[i];
        int32_t y = INT16_MAX;
        if (v > 0) {
            int32_t m, e;
            micro_fx_inv_sqrt(v, &m, &e);
            const int32_t r = micro_requantize(1, m, e + 20);
            y = micro_clamp(micro_requantize(r, p->multiplier, p->shift), INT16_MIN, INT16_MAX);
        }
        output[i] = (int16_t)y;
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_rsqrt_s16(params, op[MICRO_RSQRT_S16_INPUT], op[MICRO_RSQRT_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_rsqrt_s16_params_t *p = params;
    if (p->count < 1 || !micro_requant_ok(&p->multiplier, &p->shift, 1)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_RSQRT_S16_INPUT], p->count, 2) ||
        !micro_fits(size[MICRO_RSQRT_S16_OUTPUT], p->count, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (kept simple; an elementwise rule would hold but is not stated). */
const micro_kernel_t micro_kernel_rsqrt_s16 = {step, check, sizeof(micro_rsqrt_s16_params_t),
                                               MICRO_RSQRT_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
