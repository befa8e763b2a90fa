#include "micro/kernels/abs_s16.h"

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"
#include "requant.h"

micro_status_t micro_abs_s16(const micro_abs_s16_params_t *p, const int16_t *input,
                             int16_t *output)
{
    for (int32_t i = 0; i < p->count; ++i) {
        const int32_t x = input[i];
        int32_t v = x < 0 ? -x : x; /* <= 32768: no overflow */
        if (p->rescale) {
            v = micro_requantize(v, p->multiplier, p->shift);
        }
        /* wrapping: (uint16_t)32768 reads back as -32768 on two's complement */
        output[i] = p->saturate ? (int16_t)micro_clamp(v, -32768, 32767)
                                : (int16_t)(uint16_t)(uint32_t)v;
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_abs_s16(params, op[MICRO_ABS_S16_INPUT], op[MICRO_ABS_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_abs_s16_params_t *p = params;
    (void)op;
    if (p->count < 1 || !micro_in_range(p->rescale, 0, 1) ||
        !micro_requant_ok(&p->multiplier, &p->shift, 1) || !micro_in_range(p->saturate, 0, 1)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_ABS_S16_INPUT], p->count, 2) ||
        !micro_fits(size[MICRO_ABS_S16_OUTPUT], p->count, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is read, then written. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_abs_s16_params_t *p = params;
    (void)size;
    return in == MICRO_ABS_S16_INPUT && out == MICRO_ABS_S16_OUTPUT
               ? micro_elementwise_gap(p->count, 2, 2)
               : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_abs_s16 = {step, check, sizeof(micro_abs_s16_params_t),
                                             MICRO_ABS_S16_N_OPERANDS, gap};
