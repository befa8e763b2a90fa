#include "micro/kernels/cumsum.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "check.h"
#include "fixedpoint.h"
#include "requant.h"

micro_status_t micro_cumsum(const micro_cumsum_params_t *p, const void *input,
                            const int32_t *terms, void *output)
{
    const int64_t depth = p->depth, inner = p->inner;
    for (int64_t o = 0; o < p->outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
            const int64_t oo = p->reverse ? p->outer - 1 - o : o;
            const int64_t ii = p->reverse ? inner - 1 - i : i;
            float sum = 0.0f;
            int32_t acc = p->kind == MICRO_CUMSUM_S8 ? terms[0] : 0;
            for (int64_t d = 0; d < depth; ++d) {
                const int64_t k = (oo * depth + (p->reverse ? depth - 1 - d : d)) * inner + ii;
                if (p->kind == MICRO_CUMSUM_F32) {
                    const float x = ((const float *)input)[k];
                    float *y = (float *)output + k;
                    if (p->exclusive) {
                        *y = sum;
                        sum += x;
                    } else {
                        sum += x;
                        *y = sum;
                    }
                } else {
                    const int32_t term = terms[(uint8_t)((const int8_t *)input)[k]];
                    const int32_t before = acc;
                    acc = micro_fx_add(acc, term);
                    const int32_t v = micro_requantize(p->exclusive ? before : acc, p->multiplier,
                                                       p->shift) + p->output_zp;
                    ((int8_t *)output)[k] = (int8_t)micro_clamp(v, -128, 127);
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_cumsum(params, op[MICRO_CUMSUM_INPUT], op[MICRO_CUMSUM_TERMS],
                        op[MICRO_CUMSUM_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_cumsum_params_t *p = params;
    const int s8 = p->kind == MICRO_CUMSUM_S8;
    if ((!s8 && p->kind != MICRO_CUMSUM_F32) || p->outer < 1 || p->depth < 1 || p->inner < 1 ||
        !micro_in_range(p->exclusive, 0, 1) || !micro_in_range(p->reverse, 0, 1) ||
        p->multiplier < 0 || !micro_in_range(p->shift, -31, 0) ||
        !micro_in_range(p->output_zp, -128, 127)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t count = (int64_t)p->outer * p->depth * p->inner;
    const int64_t width = s8 ? 1 : 4;
    if (!micro_fits(size[MICRO_CUMSUM_INPUT], count, width) ||
        !micro_fits(size[MICRO_CUMSUM_OUTPUT], count, width) ||
        (s8 && (op[MICRO_CUMSUM_TERMS] == NULL || !micro_fits(size[MICRO_CUMSUM_TERMS], 256, 4)))) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (a reversed walk writes outputs ahead of inputs it still reads). */
const micro_kernel_t micro_kernel_cumsum = {step, check, sizeof(micro_cumsum_params_t),
                                            MICRO_CUMSUM_N_OPERANDS, MICRO_OVERLAP_NONE};
