#include "micro/kernels/floor_div_mod_s32.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"

/* y != 0. -1 is apart: C's INT32_MIN / -1 and INT32_MIN % -1 overflow. */
static inline int32_t floor_div(int32_t x, int32_t y)
{
    if (y == -1) {
        return x == INT32_MIN ? INT32_MIN : -x;
    }
    const int32_t q = x / y;
    return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q;
}

static inline int32_t floor_mod(int32_t x, int32_t y)
{
    if (y == -1) {
        return 0;
    }
    const int32_t r = x % y;
    return (r != 0 && (r < 0) != (y < 0)) ? r + y : r;
}

static void row(const void *ctx, const void *input1, int32_t stride_a, const void *input2,
                int32_t stride_b, void *output, int32_t n)
{
    const micro_floor_div_mod_s32_params_t *p = ctx;
    const int32_t *a = input1, *b = input2;
    int32_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        const int32_t x = a[i * stride_a], y = b[i * stride_b];
        out[i] = p->op == MICRO_FLOOR_MOD_S32 ? floor_mod(x, y) : floor_div(x, y);
    }
}

micro_status_t micro_floor_div_mod_s32(const micro_floor_div_mod_s32_params_t *p,
                                       const int32_t *input1, const int32_t *input2,
                                       int32_t *output)
{
    const micro_broadcast_t *b = &p->broadcast;
    const int64_t divisors = micro_broadcast_extent(b->rank, b->dims, b->stride2);
    for (int64_t i = 0; i < divisors; ++i) {
        if (input2[i] == 0) {
            return MICRO_ERR_DIV_ZERO;
        }
    }
    micro_broadcast_walk(b, input1, input2, output, 4, row, p);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_floor_div_mod_s32(params, op[MICRO_FLOOR_DIV_MOD_S32_INPUT1],
                                   op[MICRO_FLOOR_DIV_MOD_S32_INPUT2],
                                   op[MICRO_FLOOR_DIV_MOD_S32_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_floor_div_mod_s32_params_t *p = params;
    (void)op;
    if (p->op != MICRO_FLOOR_DIV_S32 && p->op != MICRO_FLOOR_MOD_S32) {
        return MICRO_ERR_PARAMS;
    }
    return micro_broadcast_check(&p->broadcast, size[MICRO_FLOOR_DIV_MOD_S32_INPUT1],
                                 size[MICRO_FLOOR_DIV_MOD_S32_INPUT2],
                                 size[MICRO_FLOOR_DIV_MOD_S32_OUTPUT], 4);
}

/* Overlap rule, output over an input: rows of the broadcast walk, element i read before it
 * is written (micro_broadcast_gap); the divisor scan runs before any write. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_floor_div_mod_s32_params_t *p = params;
    (void)size;
    if (out != MICRO_FLOOR_DIV_MOD_S32_OUTPUT ||
        (in != MICRO_FLOOR_DIV_MOD_S32_INPUT1 && in != MICRO_FLOOR_DIV_MOD_S32_INPUT2)) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, in == MICRO_FLOOR_DIV_MOD_S32_INPUT1, 4, 4);
}

const micro_kernel_t micro_kernel_floor_div_mod_s32 = {
    step, check, sizeof(micro_floor_div_mod_s32_params_t), MICRO_FLOOR_DIV_MOD_S32_N_OPERANDS,
    gap};
