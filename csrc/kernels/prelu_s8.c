#include "micro/kernels/prelu_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "requant.h"

/* Params copied into locals (int8 stores may alias them; see mul_s8.c). */
typedef struct {
    int32_t zp_in, zp_alpha, zp_out, m_id, s_id, m_alpha, s_alpha;
} prelu_consts_t;

/* Both branches are computed and one selected: no data-dependent branch in the loop. */
static inline int8_t one(const prelu_consts_t *k, int32_t x, int32_t alpha)
{
    const int32_t v = x - k->zp_in;
    const int32_t identity = micro_requantize(v, k->m_id, k->s_id);
    const int32_t scaled = micro_requantize(v * (alpha - k->zp_alpha), k->m_alpha, k->s_alpha);
    /* Wrapping add: only an absurd rescale could leave the int32 range. */
    const int32_t out = (int32_t)((uint32_t)(v >= 0 ? identity : scaled) + (uint32_t)k->zp_out);
    return (int8_t)micro_clamp(out, -128, 127);
}

static void prelu_row(const void *params, const void *input, int32_t stride_a,
                      const void *alpha, int32_t stride_b, void *output, int32_t n)
{
    const micro_prelu_s8_params_t *p = params;
    const prelu_consts_t k = {p->input_zp,         p->alpha_zp,         p->output_zp,
                              p->identity_multiplier, p->identity_shift, p->alpha_multiplier,
                              p->alpha_shift};
    const int8_t *a = input, *b = alpha;
    int8_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        out[i] = one(&k, a[i * stride_a], b[i * stride_b]);
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
