#include "micro/kernels/logistic_tanh_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"
#include "sigmoid_s16.h"

micro_status_t micro_logistic_tanh_s16(const micro_logistic_tanh_s16_params_t *p,
                                       const int16_t *input, const uint16_t *table,
                                       int16_t *output)
{
    if (p->op == MICRO_TANH_S16) {
        for (int32_t i = 0; i < p->count; ++i) {
            output[i] = micro_tanh_s16(input[i], p->multiplier, p->shift, table);
        }
        return MICRO_OK;
    }
    const int32_t round = p->shift > 0 ? (int32_t)(1u << (p->shift - 1)) : 0;
    for (int32_t i = 0; i < p->count; ++i) {
        output[i] = micro_sigmoid_s16_scaled((input[i] * p->multiplier + round) >> p->shift, table);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_logistic_tanh_s16(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_logistic_tanh_s16_params_t *p = params;
    /* |x * multiplier| < 2^15 * 2^16: no int32 overflow. */
    if (!micro_in_range(p->op, 0, 1) || p->count < 1 || !micro_in_range(p->multiplier, 0, 65534) ||
        !micro_in_range(p->shift, 0, 30)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], p->count, 2) || !micro_fits(size[1], 256, 2) ||
        !micro_fits(size[2], p->count, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is read, looked up, written. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_logistic_tanh_s16_params_t *p = params;
    (void)size;
    return in == MICRO_LOGISTIC_TANH_S16_INPUT && out == MICRO_LOGISTIC_TANH_S16_OUTPUT ? micro_elementwise_gap(p->count, 2, 2)
                                      : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_logistic_tanh_s16 = {
    step, check, sizeof(micro_logistic_tanh_s16_params_t), MICRO_LOGISTIC_TANH_S16_N_OPERANDS, gap};
