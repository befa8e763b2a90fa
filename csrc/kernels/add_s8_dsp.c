/*
 * ADD/SUB int8, the twin of micro_add_s8 (add_s8.c, its oracle: same bytes out): the same
 * two table loads per element, then the output requantization as one SMMLAR and shifts
 * (micro_requant_out, dsp.h) instead of the reference's 64-bit high multiply, which is
 * most of the reference's cost on a Cortex-M.
 */
#include "micro/kernels/add_s8_dsp.h"

#include <stdint.h>

#include "broadcast_loop.h"
#include "dsp.h"

typedef struct {
    const micro_add_s8_params_t *p;
    const int32_t *table1;
    const int32_t *table2;
} add_dsp_t;

static void add_row(const void *ctx, const void *input1, int32_t stride_a, const void *input2,
                    int32_t stride_b, void *output, int32_t n)
{
    const add_dsp_t *c = ctx;
    const int8_t *a = input1, *b = input2;
    int8_t *out = output;
    const int32_t *t1 = c->table1, *t2 = c->table2;
    /* Locals: stores through int8_t pointers may alias anything. */
    const micro_requant_channel_t k =
        micro_requant_channel(c->p->output_multiplier, c->p->output_shift);
    const int32_t zp = c->p->output_zp, zp2 = 1 + 2 * zp, lo = c->p->act_min, hi = c->p->act_max;
    for (int32_t i = 0; i < n; ++i, a += stride_a, b += stride_b) {
        const int32_t sum = t1[(uint8_t)*a] + t2[(uint8_t)*b];
        out[i] = (int8_t)micro_requant_out(sum, k, zp, zp2, lo, hi);
    }
}

micro_status_t micro_add_s8_dsp(const micro_add_s8_params_t *p, const int8_t *input1,
                                const int8_t *input2, const int32_t *table1,
                                const int32_t *table2, int8_t *output)
{
    const add_dsp_t ctx = {p, table1, table2};
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, add_row, &ctx);
    return MICRO_OK;
}
