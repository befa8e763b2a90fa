#include "micro/kernels/add_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "requant.h"

/* Params copied into locals (see mul_s8.c); `negate` is 0 (ADD) or -1 (SUB). */
typedef struct {
    int32_t zp1, zp2, m1, s1, m2, s2, zp_out, m_out, s_out, act_min, act_max, negate;
} add16_consts_t;

/* Wrapping int32 arithmetic, as the reference's int32 operations behave. */
static inline int32_t wrap_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t term(int32_t x, int32_t zp, int32_t m, int32_t s)
{
    const int32_t v = (int32_t)((uint32_t)wrap_add(x, -zp) << 15);
    return micro_requantize(v, m, s);
}

static inline int16_t finish(const add16_consts_t *k, int32_t t1, int32_t t2)
{
    const int32_t sum = wrap_add(t1, (int32_t)(((uint32_t)t2 ^ (uint32_t)k->negate) -
                                               (uint32_t)k->negate));
    const int32_t out = wrap_add(micro_requantize(sum, k->m_out, k->s_out), k->zp_out);
    return (int16_t)micro_clamp(out, k->act_min, k->act_max);
}

static void add16_row(const void *params, const void *input1, int32_t stride_a,
                      const void *input2, int32_t stride_b, void *output, int32_t n)
{
    const micro_add_s16_params_t *p = params;
    const add16_consts_t k = {p->input1_zp,         p->input2_zp,     p->input1_multiplier,
                              p->input1_shift,      p->input2_multiplier,
                              p->input2_shift,      p->output_zp,     p->output_multiplier,
                              p->output_shift,      p->act_min,       p->act_max,
                              -p->subtract};
    const int16_t *a = input1, *b = input2;
    int16_t *out = output;
    if (stride_a == 0) {
        const int32_t t1 = term(a[0], k.zp1, k.m1, k.s1);
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, t1, term(b[i * stride_b], k.zp2, k.m2, k.s2));
        }
    } else if (stride_b == 0) {
        const int32_t t2 = term(b[0], k.zp2, k.m2, k.s2);
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, term(a[i * stride_a], k.zp1, k.m1, k.s1), t2);
        }
    } else {
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, term(a[i * stride_a], k.zp1, k.m1, k.s1),
                            term(b[i * stride_b], k.zp2, k.m2, k.s2));
        }
    }
}

micro_status_t micro_add_s16(const micro_add_s16_params_t *p, const int16_t *input1,
                             const int16_t *input2, int16_t *output)
{
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 2, add16_row, p);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_add_s16(params, op[MICRO_ADD_S16_INPUT1], op[MICRO_ADD_S16_INPUT2],
                         op[MICRO_ADD_S16_OUTPUT]);
}

static int multiplier_ok(int32_t multiplier, int32_t shift)
{
    return multiplier >= 0 && micro_in_range(shift, -31, 0);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_add_s16_params_t *p = params;
    (void)op;
    if (!micro_in_range(p->subtract, 0, 1) || !micro_in_range(p->input1_zp, -32768, 32767) ||
        !micro_in_range(p->input2_zp, -32768, 32767) ||
        !micro_in_range(p->output_zp, -32768, 32767) ||
        !multiplier_ok(p->input1_multiplier, p->input1_shift) ||
        !multiplier_ok(p->input2_multiplier, p->input2_shift) ||
        !multiplier_ok(p->output_multiplier, p->output_shift) ||
        !micro_in_range(p->act_min, -32768, 32767) ||
        !micro_in_range(p->act_max, p->act_min, 32767)) {
        return MICRO_ERR_PARAMS;
    }
    return micro_broadcast_check(&p->broadcast, size[MICRO_ADD_S16_INPUT1],
                                 size[MICRO_ADD_S16_INPUT2], size[MICRO_ADD_S16_OUTPUT], 2);
}

/* Overlap rule, output over an input: rows of the broadcast walk, element i read before it is written (micro_broadcast_gap). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_add_s16_params_t *p = params;
    (void)size;
    if (out != MICRO_ADD_S16_OUTPUT || (in != MICRO_ADD_S16_INPUT1 && in != MICRO_ADD_S16_INPUT2)) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, in == MICRO_ADD_S16_INPUT1, 2, 2);
}

const micro_kernel_t micro_kernel_add_s16 = {step, check, sizeof(micro_add_s16_params_t),
                                             MICRO_ADD_S16_N_OPERANDS, gap};
