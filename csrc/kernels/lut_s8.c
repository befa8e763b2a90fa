#include "micro/kernels/lut_s8.h"

#include "micro/kernel.h"
#include "check.h"
#include "overlap.h"

micro_status_t micro_lut_s8(const micro_lut_s8_params_t *p, const int8_t *input,
                            const int8_t *table, int8_t *output)
{
    for (int32_t i = 0; i < p->count; ++i) {
        output[i] = table[(uint8_t)input[i]];
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_lut_s8(params, op[MICRO_LUT_S8_INPUT], op[MICRO_LUT_S8_TABLE],
                        op[MICRO_LUT_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_lut_s8_params_t *p = params;
    if (p->count < 1) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_LUT_S8_INPUT], p->count, 1) ||
        !micro_fits(size[MICRO_LUT_S8_TABLE], 256, 1) ||
        !micro_fits(size[MICRO_LUT_S8_OUTPUT], p->count, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: element i is read, looked up, written. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_lut_s8_params_t *p = params;
    (void)size;
    return in == MICRO_LUT_S8_INPUT && out == MICRO_LUT_S8_OUTPUT
               ? micro_elementwise_gap(p->count, 1, 1)
               : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_lut_s8 = {step, check, sizeof(micro_lut_s8_params_t),
                                            MICRO_LUT_S8_N_OPERANDS, gap};
