#include "micro/kernels/prelu_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "prelu.h"

static void prelu_row(const void *params, const void *input, int32_t stride_a,
                      const void *alpha, int32_t stride_b, void *output, int32_t n)
{
    const micro_prelu_consts_t k = micro_prelu_consts(params);
    const int8_t *a = input, *b = alpha;
    int8_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        out[i] = (int8_t)micro_prelu_one(&k, a[i * stride_a], b[i * stride_b], -128, 127);
    }
}

micro_status_t micro_prelu_s8(const micro_prelu_s8_params_t *p, const int8_t *input,
                              const int8_t *alpha, int8_t *output)
{
    micro_broadcast_walk(&p->broadcast, input, alpha, output, 1, prelu_row, p);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_prelu_s8(params, op[MICRO_PRELU_S8_INPUT], op[MICRO_PRELU_S8_ALPHA],
                          op[MICRO_PRELU_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_prelu_s8_params_t *p = params;
    (void)op;
    if (!micro_in_range(p->input_zp, -128, 127) || !micro_in_range(p->alpha_zp, -128, 127) ||
        !micro_in_range(p->output_zp, -128, 127) ||
        !micro_requant_ok(&p->identity_multiplier, &p->identity_shift, 1) ||
        !micro_requant_ok(&p->alpha_multiplier, &p->alpha_shift, 1)) {
        return MICRO_ERR_PARAMS;
    }
    return micro_broadcast_check(&p->broadcast, size[MICRO_PRELU_S8_INPUT],
                                 size[MICRO_PRELU_S8_ALPHA], size[MICRO_PRELU_S8_OUTPUT], 1);
}

/* Overlap rule, output over an input: rows of the broadcast walk, element i read before it is written (micro_broadcast_gap). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_prelu_s8_params_t *p = params;
    (void)size;
    if (out != MICRO_PRELU_S8_OUTPUT || (in != MICRO_PRELU_S8_INPUT && in != MICRO_PRELU_S8_ALPHA)) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, in == MICRO_PRELU_S8_INPUT, 1, 1);
}

const micro_kernel_t micro_kernel_prelu_s8 = {step, check, sizeof(micro_prelu_s8_params_t),
                                              MICRO_PRELU_S8_N_OPERANDS, gap};
