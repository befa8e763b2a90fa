#include "micro/kernels/add_n.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "fixedpoint.h"
#include "requant.h"

micro_status_t micro_add_n(const micro_add_n_params_t *p, const void *const *inputs,
                           const int32_t *terms, void *output)
{
    for (int64_t i = 0; i < p->count; ++i) {
        if (p->kind == MICRO_ADD_N_F32) {
            float x = 0.0f;
            for (int32_t j = 0; j < p->n_inputs; ++j) {
                x += ((const float *)inputs[j])[i];
            }
            ((float *)output)[i] = x;
        } else {
            int32_t x = terms[0];
            for (int32_t j = 0; j < p->n_inputs; ++j) {
                x = micro_fx_add(x, terms[(uint8_t)((const int8_t *)inputs[j])[i]]);
            }
            const int32_t v = micro_requantize(x, p->multiplier, p->shift) + p->output_zp;
            ((int8_t *)output)[i] = (int8_t)micro_clamp(v, -128, 127);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_add_n(params, (const void *const *)op, op[MICRO_ADD_N_TERMS],
                       op[MICRO_ADD_N_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_add_n_params_t *p = params;
    const int s8 = p->kind == MICRO_ADD_N_S8;
    if ((!s8 && p->kind != MICRO_ADD_N_F32) || p->count < 1 ||
        !micro_in_range(p->n_inputs, 2, MICRO_ADD_N_MAX_INPUTS) || p->multiplier < 0 ||
        !micro_in_range(p->shift, -31, 0) || !micro_in_range(p->output_zp, -128, 127)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t width = s8 ? 1 : 4;
    for (int32_t j = 0; j < p->n_inputs; ++j) {
        if (op[j] == NULL || !micro_fits(size[j], p->count, width)) {
            return MICRO_ERR_OPERANDS;
        }
    }
    if (!micro_fits(size[MICRO_ADD_N_OUTPUT], p->count, width) ||
        (s8 && (op[MICRO_ADD_N_TERMS] == NULL || !micro_fits(size[MICRO_ADD_N_TERMS], 256, 4)))) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (kept simple: the inputs are many and an output element depends on all of them). */
const micro_kernel_t micro_kernel_add_n = {step, check, sizeof(micro_add_n_params_t),
                                           MICRO_ADD_N_N_OPERANDS, MICRO_OVERLAP_NONE};
