#include "micro/kernels/squared_difference_int.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "requant.h"

static void row_s16(const void *ctx, const void *input1, int32_t stride_a, const void *input2,
                    int32_t stride_b, void *output, int32_t n)
{
    const micro_squared_difference_int_params_t *p = ctx;
    const int16_t *a = input1, *b = input2;
    int16_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        const int32_t d = micro_requantize(a[i * stride_a], p->multiplier1, p->shift1) -
                          micro_requantize(b[i * stride_b], p->multiplier2, p->shift2);
        /* |d| <= 2^15 with the host's rescales; hostile ones wrap instead of overflowing. */
        const int32_t square = (int32_t)((uint32_t)d * (uint32_t)d);
        out[i] = (int16_t)micro_clamp(micro_requantize(square, p->multiplier, p->shift), -32768, 32767);
    }
}

static void row_s32(const void *ctx, const void *input1, int32_t stride_a, const void *input2,
                    int32_t stride_b, void *output, int32_t n)
{
    (void)ctx;
    const int32_t *a = input1, *b = input2;
    int32_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        const uint32_t d = (uint32_t)a[i * stride_a] - (uint32_t)b[i * stride_b];
        out[i] = (int32_t)(d * d);
    }
}

micro_status_t micro_squared_difference_int(const micro_squared_difference_int_params_t *p,
                                            const void *input1, const void *input2,
                                            void *output)
{
    if (p->kind == MICRO_SQUARED_DIFFERENCE_S16) {
        micro_broadcast_walk(&p->broadcast, input1, input2, output, 2, row_s16, p);
    } else {
        micro_broadcast_walk(&p->broadcast, input1, input2, output, 4, row_s32, p);
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_squared_difference_int(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_squared_difference_int_params_t *p = params;
    if (p->kind == MICRO_SQUARED_DIFFERENCE_S16) {
        if (!micro_requant_ok(&p->multiplier1, &p->shift1, 1) || p->shift1 > 0 ||
            !micro_requant_ok(&p->multiplier2, &p->shift2, 1) || p->shift2 > 0 ||
            !micro_requant_ok(&p->multiplier, &p->shift, 1)) {
            return MICRO_ERR_PARAMS;
        }
    } else if (p->kind != MICRO_SQUARED_DIFFERENCE_S32) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t width = p->kind == MICRO_SQUARED_DIFFERENCE_S16 ? 2 : 4;
    return micro_broadcast_check(&p->broadcast, size[0], size[1], size[2], width);
}

/* Overlap rule: none (kept simple: a broadcast input is read again after outputs are written). */
const micro_kernel_t micro_kernel_squared_difference_int = {
    step, check, sizeof(micro_squared_difference_int_params_t),
    MICRO_SQUARED_DIFFERENCE_INT_N_OPERANDS, MICRO_OVERLAP_NONE};
