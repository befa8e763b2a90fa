#include "micro/kernels/squared_difference_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "requant.h"

typedef struct {
    const micro_squared_difference_s8_params_t *p;
    const int32_t *terms;
} sqdiff_ctx_t;

static void sqdiff_row(const void *ctx, const void *input1, int32_t stride_a,
                       const void *input2, int32_t stride_b, void *output, int32_t n)
{
    const sqdiff_ctx_t *c = ctx;
    const micro_squared_difference_s8_params_t *p = c->p;
    const uint8_t *a = input1, *b = input2;
    int8_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        const int32_t d = c->terms[a[i * stride_a]] - c->terms[256 + b[i * stride_b]];
        const int32_t v = micro_requantize(d * d, p->multiplier, p->shift) + p->output_zp;
        out[i] = (int8_t)micro_clamp(v, p->act_min, p->act_max);
    }
}

micro_status_t micro_squared_difference_s8(const micro_squared_difference_s8_params_t *p,
                                           const int8_t *input1, const int8_t *input2,
                                           const int32_t *terms, int8_t *output)
{
    const sqdiff_ctx_t c = {p, terms};
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 1,
                         sqdiff_row, &c);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_squared_difference_s8(params, op[0], op[1], op[2], op[3]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_squared_difference_s8_params_t *p = params;
    const int64_t count = micro_broadcast_count(p->broadcast.rank, p->broadcast.dims);
    const int64_t extent1 = micro_broadcast_extent(p->broadcast.rank, p->broadcast.dims, p->broadcast.stride1);
    const int64_t extent2 = micro_broadcast_extent(p->broadcast.rank, p->broadcast.dims, p->broadcast.stride2);
    if (count < 0 || extent1 < 0 || extent2 < 0 || !micro_in_range(p->output_zp, -128, 127) ||
        !micro_requant_ok(&p->multiplier, &p->shift, 1) ||
        !micro_in_range(p->act_min, -128, 127) || !micro_in_range(p->act_max, p->act_min, 127)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], extent1, 1) || !micro_fits(size[1], extent2, 1) ||
        !micro_fits(size[2], 512, 4) || !micro_fits(size[3], count, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    const int32_t *terms = op[2];
    for (int32_t i = 0; i < 512; ++i) {
        if (!micro_in_range(terms[i], -32767, 32767)) {
            return MICRO_ERR_PARAMS;
        }
    }
    return MICRO_OK;
}

/* Overlap rule, output over an input: rows of the broadcast walk, element i read before it is written (micro_broadcast_gap). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_squared_difference_s8_params_t *p = params;
    (void)size;
    if (out != MICRO_SQUARED_DIFFERENCE_S8_OUTPUT || (in != MICRO_SQUARED_DIFFERENCE_S8_INPUT1 && in != MICRO_SQUARED_DIFFERENCE_S8_INPUT2)) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, in == MICRO_SQUARED_DIFFERENCE_S8_INPUT1, 1, 1);
}

const micro_kernel_t micro_kernel_squared_difference_s8 = {
    step, check, sizeof(micro_squared_difference_s8_params_t), MICRO_SQUARED_DIFFERENCE_S8_N_OPERANDS, gap};
