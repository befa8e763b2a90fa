/* The PRELU arithmetic of prelu_s8 and prelu_s16 (internal): one element, TFLM's
 * BroadcastPrelu4DSlow. */
#ifndef MICRO_KERNELS_PRELU_H
#define MICRO_KERNELS_PRELU_H

#include <stdint.h>

#include "micro/kernels/prelu_s8.h"
#include "requant.h"

/* Params copied into locals (int8 and int16 stores may alias them; see mul_s8.c). */
typedef struct {
    int32_t zp_in, zp_alpha, zp_out, m_id, s_id, m_alpha, s_alpha;
} micro_prelu_consts_t;

static inline micro_prelu_consts_t micro_prelu_consts(const micro_prelu_s8_params_t *p)
{
    const micro_prelu_consts_t k = {p->input_zp,         p->alpha_zp,         p->output_zp,
                                    p->identity_multiplier, p->identity_shift,
                                    p->alpha_multiplier, p->alpha_shift};
    return k;
}

/* Both branches are computed and one selected: no data-dependent branch in the loop. The
 * result is clamped to [lo, hi], the output type's range. |x - zp_in| < 2^16 and
 * |alpha - zp_alpha| < 2^8, so the product fits int32. */
static inline int32_t micro_prelu_one(const micro_prelu_consts_t *k, int32_t x, int32_t alpha,
                                      int32_t lo, int32_t hi)
{
    const int32_t v = x - k->zp_in;
    const int32_t identity = micro_requantize(v, k->m_id, k->s_id);
    const int32_t scaled = micro_requantize(v * (alpha - k->zp_alpha), k->m_alpha, k->s_alpha);
    /* Wrapping add: only an absurd rescale could leave the int32 range. */
    const int32_t out = (int32_t)((uint32_t)(v >= 0 ? identity : scaled) + (uint32_t)k->zp_out);
    return micro_clamp(out, lo, hi);
}

#endif
