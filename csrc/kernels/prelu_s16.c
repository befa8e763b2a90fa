#include "micro/kernels/prelu_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "prelu.h"

static void prelu_row(const void *params, const void *input, int32_t stride_a,
                      const void *alpha, int32_t stride_b, void *output, int32_t n)
{
    const micro_prelu_consts_t k = micro_prelu_consts(params);
    const int16_t *a = input;
    const int8_t *b = alpha;
    int16_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        out[i] = (int16_t)micro_prelu_one(&k, a[i * stride_a], b[i * stride_b], INT16_MIN,
                                          INT16_MAX);
    }
}

micro_status_t micro_prelu_s16(const micro_prelu_s16_params_t *p, const int16_t *input,
                               const int8_t *alpha, int16_t *output)
{
    micro_broadcast_walk_mixed(&p->broadcast, input, 2, alpha, 1, output, 2, prelu_row, p);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_prelu_s16(params, op[MICRO_PRELU_S16_INPUT], op[MICRO_PRELU_S16_ALPHA],
                           op[MICRO_PRELU_S16_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_prelu_s16_params_t *p = params;
    (void)op;
    if (!micro_in_range(p->input_zp, INT16_MIN, INT16_MAX) ||
        !micro_in_range(p->alpha_zp, -128, 127) ||
        !micro_in_range(p->output_zp, INT16_MIN, INT16_MAX) ||
        !micro_requant_ok(&p->identity_multiplier, &p->identity_shift, 1) ||
        !micro_requant_ok(&p->alpha_multiplier, &p->alpha_shift, 1)) {
        return MICRO_ERR_PARAMS;
    }
    return micro_broadcast_check_mixed(&p->broadcast, size[MICRO_PRELU_S16_INPUT], 2,
                                       size[MICRO_PRELU_S16_ALPHA], 1,
                                       size[MICRO_PRELU_S16_OUTPUT], 2);
}

/* Overlap rule, output over the input: rows of the broadcast walk, element i read before it
 * is written (micro_broadcast_gap); the int8 alpha never shares the int16 output's bytes. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_prelu_s16_params_t *p = params;
    (void)size;
    if (out != MICRO_PRELU_S16_OUTPUT || in != MICRO_PRELU_S16_INPUT) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, 1, 2, 2);
}

const micro_kernel_t micro_kernel_prelu_s16 = {step, check, sizeof(micro_prelu_s16_params_t),
                                               MICRO_PRELU_S16_N_OPERANDS, gap};
