#include "micro/kernels/mul_s8.h"

#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"
#include "requant.h"

/* Params are copied into locals: stores through int8_t pointers may alias anything, so
 * reading them through `p` inside the loops would reload them every element. */
typedef struct {
    int32_t zp1, zp2, zp_out, multiplier, shift, act_min, act_max;
} mul_consts_t;

static inline int8_t finish(const mul_consts_t *k, int32_t product)
{
    const int32_t out = micro_requantize_zp(product, k->multiplier, k->shift, k->zp_out);
    return (int8_t)micro_clamp(out, k->act_min, k->act_max);
}

static void mul_row(const void *params, const void *input1, int32_t stride_a,
                    const void *input2, int32_t stride_b, void *output, int32_t n)
{
    const int8_t *a = input1, *b = input2;
    int8_t *out = output;
    const micro_mul_s8_params_t *p = params;
    const mul_consts_t k = {p->input1_zp, p->input2_zp, p->output_zp, p->multiplier,
                            p->shift,     p->act_min,   p->act_max};
    if (stride_a == 0) {
        const int32_t x = a[0] - k.zp1;
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, x * (b[i * stride_b] - k.zp2));
        }
    } else if (stride_b == 0) {
        const int32_t y = b[0] - k.zp2;
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, (a[i * stride_a] - k.zp1) * y);
        }
    } else {
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, (a[i * stride_a] - k.zp1) * (b[i * stride_b] - k.zp2));
        }
    }
}

micro_status_t micro_mul_s8(const micro_mul_s8_params_t *p, const int8_t *input1,
                            const int8_t *input2, int8_t *output)
{
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, mul_row, p);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_mul_s8(params, op[MICRO_MUL_S8_INPUT1], op[MICRO_MUL_S8_INPUT2],
                        op[MICRO_MUL_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_mul_s8_params_t *p = params;
    (void)op;
    if (!micro_in_range(p->input1_zp, -128, 127) || !micro_in_range(p->input2_zp, -128, 127) ||
        !micro_in_range(p->output_zp, -128, 127) ||
        !micro_requant_ok(&p->multiplier, &p->shift, 1) || !micro_in_range(p->act_min, -128, 127) ||
        !micro_in_range(p->act_max, p->act_min, 127)) {
        return MICRO_ERR_PARAMS;
    }
    return micro_broadcast_check(&p->broadcast, size[MICRO_MUL_S8_INPUT1],
                                 size[MICRO_MUL_S8_INPUT2], size[MICRO_MUL_S8_OUTPUT], 1);
}

/* Overlap rule, output over either input laid out as the output: in place. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_mul_s8_params_t *p = params;
    (void)size;
    if (out != MICRO_MUL_S8_OUTPUT || (in != MICRO_MUL_S8_INPUT1 && in != MICRO_MUL_S8_INPUT2)) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, in == MICRO_MUL_S8_INPUT1, 1, 1);
}

const micro_kernel_t micro_kernel_mul_s8 = {step, check, sizeof(micro_mul_s8_params_t),
                                            MICRO_MUL_S8_N_OPERANDS, gap};
