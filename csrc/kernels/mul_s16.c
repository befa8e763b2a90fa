#include "micro/kernels/mul_s16.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "requant.h"

static void mul_row(const void *params, const void *input1, int32_t stride_a,
                    const void *input2, int32_t stride_b, void *output, int32_t n)
{
    const micro_mul_s16_params_t *p = params;
    const int16_t *a = input1, *b = input2;
    int16_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        const int32_t product = (int32_t)a[i * stride_a] * b[i * stride_b];
        const int32_t v = micro_requantize(product, p->multiplier, p->shift);
        out[i] = (int16_t)micro_clamp(v, p->act_min, p->act_max);
    }
}

micro_status_t micro_mul_s16(const micro_mul_s16_params_t *p, const int16_t *input1,
                             const int16_t *input2, int16_t *output)
{
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 2,
                         mul_row, p);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_mul_s16(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_mul_s16_params_t *p = params;
    const int64_t count = micro_broadcast_count(p->broadcast.rank, p->broadcast.dims);
    const int64_t extent1 = micro_broadcast_extent(p->broadcast.rank, p->broadcast.dims, p->broadcast.stride1);
    const int64_t extent2 = micro_broadcast_extent(p->broadcast.rank, p->broadcast.dims, p->broadcast.stride2);
    if (count < 0 || extent1 < 0 || extent2 < 0 ||
        !micro_requant_ok(&p->multiplier, &p->shift, 1) ||
        !micro_in_range(p->act_min, INT16_MIN, INT16_MAX) ||
        !micro_in_range(p->act_max, p->act_min, INT16_MAX)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], extent1, 2) || !micro_fits(size[1], extent2, 2) ||
        !micro_fits(size[2], count, 2)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over an input: rows of the broadcast walk, element i read before it is written (micro_broadcast_gap). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_mul_s16_params_t *p = params;
    (void)size;
    if (out != MICRO_MUL_S16_OUTPUT || (in != MICRO_MUL_S16_INPUT1 && in != MICRO_MUL_S16_INPUT2)) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, in == MICRO_MUL_S16_INPUT1, 2, 2);
}

const micro_kernel_t micro_kernel_mul_s16 = {step, check, sizeof(micro_mul_s16_params_t), MICRO_MUL_S16_N_OPERANDS, gap};
